'use strict';
// The Node runner of the shared settings table (tests/settings/cases.json): each case's arguments given to
// `new Langdock(...)` as a JavaScript user gives them (camelCase, milliseconds), with exactly the case's
// `LANGDOCK_*` environment (restored after the case, so nothing leaks), and `client.settings` or the thrown error
// compared with the table, as the Rust and Python runners compare theirs.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Langdock, LangdockError, ConfigurationError } = require('langdock');

const TABLE = path.join(__dirname, '..', '..', 'tests', 'settings', 'cases.json');
const { cases } = JSON.parse(fs.readFileSync(TABLE, 'utf8'));
const UA = `langdock-node/${require('../package.json').version}`;
const DURATIONS = new Set(['timeout', 'connect_timeout', 'deadline', 'retry_after_cap']);
const NON_FINITE = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

const camel = (name) => name.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());
/** A table number (seconds, or a non-finite name) as a JavaScript user gives it: milliseconds. */
const millis = (value) => (typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value * 1000);

/** The table's arguments as `new Langdock(...)` options. */
function options(args) {
  const out = {};
  for (const [name, value] of Object.entries(args)) {
    if (DURATIONS.has(name) && (typeof value === 'number' || value in NON_FINITE)) out[camel(name)] = millis(value);
    else if (name === 'backoff') out.backoff = { initial: millis(value[0]), max: millis(value[1]) };
    else if (name === 'max_retries' && value in NON_FINITE) out.maxRetries = NON_FINITE[value];
    else out[camel(name)] = value;
  }
  return out;
}

/** Runs `f` with exactly these LANGDOCK_* variables set, and puts the environment back afterwards. */
function withEnvironment(vars, f) {
  const saved = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('LANGDOCK_')));
  for (const name of Object.keys(saved)) delete process.env[name];
  Object.assign(process.env, vars);
  try {
    return f();
  } finally {
    for (const name of Object.keys(process.env)) if (name.startsWith('LANGDOCK_')) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

function matches(expected, actual) {
  if (expected !== null && typeof expected === 'object') {
    return (
      actual !== null &&
      typeof actual === 'object' &&
      Object.entries(expected).every(([key, value]) => key in actual && matches(value, actual[key])) &&
      (Object.keys(expected).length === 0) === (Object.keys(actual).length === 0)
    );
  }
  if (typeof expected === 'string') return expected.replaceAll('{ua}', UA) === actual;
  return expected === actual;
}

test('the settings table has at least thirty cases with unique names', () => {
  assert.ok(cases.length >= 30, `${cases.length} cases`);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
});

for (const c of cases) {
  test(`settings case ${c.name} gives the table's outcome`, () => {
    const outcome = withEnvironment(c.env, () => {
      try {
        return { settings: new Langdock(options(c.args)).settings };
      } catch (error) {
        return { error };
      }
    });
    if (c.expect.error) {
      assert.ok(outcome.error instanceof LangdockError, `expected an error, got ${JSON.stringify(outcome.settings)}`);
      assert.equal(outcome.error.constructor.name, c.expect.error.class);
      assert.equal(outcome.error.message, c.expect.error.message);
    } else {
      assert.ok(!outcome.error, `unexpected ${outcome.error}`);
      assert.ok(matches(c.expect.settings, outcome.settings), JSON.stringify(outcome.settings));
    }
  });
}

test('an unknown option is a ConfigurationError naming it', () => {
  assert.throws(() => new Langdock({ apiKey: 'sk-ld-test', colour: 'blue' }), (error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /unknown setting "colour"/);
    return true;
  });
});

test('a negative per-call timeout is the same ConfigurationError as in the settings', async () => {
  const client = new Langdock({ apiKey: 'sk-ld-test', baseUrl: 'http://127.0.0.1:9' });
  await assert.rejects(client.integrations.list({ timeout: -5 }), (error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.equal(error.message, 'timeout must be a finite, positive duration, got a negative value');
    return true;
  });
});
