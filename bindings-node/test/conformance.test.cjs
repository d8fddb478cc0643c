'use strict';
// The Node runner of the shared conformance scenarios in tests/conformance/ (see its README): one test per
// scenario file, each made through the public API (`new Langdock(...)`, `client.integrations.get(...)`, …)
// against one in-process emulator, and checked exactly as the Rust runner (core/tests/conformance.rs) checks it.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Langdock, LangdockError } = require('langdock');
const { Emulator } = require('langdock/testing');
// The dispatch, a call per operation, is generated from the operation table (`make generate`).
const { call } = require('../testlib/conformance-dispatch.cjs');

const SCENARIOS = path.join(__dirname, '..', '..', 'tests', 'conformance', 'scenarios');
const UNKNOWN_ID = '0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a11';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The fastest backoff the surface allows: retries take milliseconds. */
const BACKOFF = { initial: 1, max: 5 };

/** The scenario files, in name order. */
function scenarioFiles() {
  return fs
    .readdirSync(SCENARIOS)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => path.join(SCENARIOS, name));
}

/** Expands `$repeat` strings and the fixture's ids. */
function expand(value, ids) {
  if (typeof value === 'string') {
    const named = { $integration: ids.integration, $action: ids.action, $trigger: ids.trigger, $builtin: ids.builtin };
    if (Object.hasOwn(named, value)) return named[value];
    return value === '$unknown' ? UNKNOWN_ID : value;
  }
  if (Array.isArray(value)) return value.map((item) => expand(item, ids));
  if (value !== null && typeof value === 'object') {
    if (Object.hasOwn(value, '$repeat')) return String(value.$repeat ?? '').repeat(value.times ?? 0);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expand(item, ids)]));
  }
  return value;
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const shown = (value) => (value === undefined ? 'nothing' : JSON.stringify(value));

/** Whether `actual` matches `expected` as the README defines it; throws naming the first difference. */
function matches(expected, actual, where) {
  if (expected === null && (actual === null || actual === undefined)) return;
  if (expected === '$string' && typeof actual === 'string') return;
  if (expected === '$uuid' && typeof actual === 'string') {
    if (!UUID.test(actual)) throw new Error(`${where}: ${JSON.stringify(actual)} is not a UUID`);
    return;
  }
  if (isObject(expected) && isObject(actual)) {
    for (const [key, value] of Object.entries(expected)) matches(value, actual[key], `${where}.${key}`);
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    expected.forEach((item, index) => matches(item, actual[index], `${where}[${index}]`));
    return;
  }
  if (expected !== null && typeof expected !== 'object' && expected === actual) return;
  throw new Error(`${where}: expected ${JSON.stringify(expected)}, got ${shown(actual)}`);
}

/** Whether the dotted path names nothing (or null) in `value`. */
function absent(value, dotted) {
  let current = value;
  for (const key of dotted.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, key)) return true;
    current = current[key];
  }
  return current === null || current === undefined;
}

/** The fixture, made with a plain client: integration `Fixture`, its action and trigger, and a built-in's id. */
async function fixture(emulator) {
  const client = new Langdock({ ...emulator.clientOptions(), noProxy: true });
  const integration = (await client.integrations.create({ name: 'Fixture', description: 'Conformance fixture' })).id;
  const action = await client.actions.create(integration, {
    name: 'Existing',
    code: 'return 1;',
    inputFields: [{ label: 'City', type: 'TEXT' }],
  });
  const trigger = await client.triggers.create(integration, { name: 'Existing trigger', pollingCode: 'return [];' });
  const builtin = (await client.integrations.list()).find((summary) => summary.buildByLangdock);
  return { integration, action: action.id, trigger: trigger.id, builtin: builtin.id };
}

/** The scenario's client: absent keys keep the defaults (the emulator's key, 2 retries, validation on). */
function clientFor(emulator, options = {}) {
  const apiKey = options.apiKey ?? emulator.apiKey;
  const settings = { baseUrl: emulator.baseUrl, apiKey, noProxy: true, backoff: BACKOFF };
  if (options.maxRetries !== undefined) settings.maxRetries = options.maxRetries;
  if (options.timeoutMs !== undefined) settings.timeout = options.timeoutMs;
  if (options.deadlineMs !== undefined) settings.deadline = options.deadlineMs;
  if (options.validation !== undefined) settings.validation = options.validation;
  return new Langdock(settings);
}

/** The call's outcome: `{ value, attempts }` or `{ error }`. */
async function outcomeOf(client, spec) {
  try {
    const answer = await call(client, spec);
    // The API's JSON: the enumerable fields only (the metadata is non-enumerable by design).
    return { value: answer === null ? null : JSON.parse(JSON.stringify(answer)), attempts: answer?.attempts };
  } catch (error) {
    return { error };
  }
}

/** Checks the README's error fields; the scenarios give `retryAfter` in seconds, the errors carry milliseconds. */
function checkError(expected, error) {
  const described = `${error?.name}: ${error?.message}`;
  if (!(error instanceof LangdockError)) throw new Error(`expected ${expected.class}, got a foreign ${described}`);
  if (error.name !== expected.class) throw new Error(`expected ${expected.class}, got ${described}`);
  if (expected.status !== undefined && error.status !== expected.status) {
    throw new Error(`expected status ${expected.status}, got ${error.status}`);
  }
  if (typeof expected.retryAfter === 'number' && error.retryAfter !== expected.retryAfter * 1000) {
    throw new Error(`expected retryAfter ${expected.retryAfter} s, got ${error.retryAfter} ms`);
  }
  if (typeof expected.maybeCreated === 'boolean' && error.maybeCreated !== expected.maybeCreated) {
    throw new Error(`expected maybeCreated ${expected.maybeCreated}, got ${error.maybeCreated}`);
  }
  if (expected.violations !== undefined) {
    const paths = error.violations.map((violation) => violation.path);
    assert.deepEqual(paths, expected.violations, `expected violations ${JSON.stringify(expected.violations)}`);
  }
  if (typeof expected.messageContains === 'string' && !error.message.includes(expected.messageContains)) {
    throw new Error(`expected the message to contain ${JSON.stringify(expected.messageContains)}: ${described}`);
  }
  if (typeof expected.messageExcludes === 'string' && error.message.includes(expected.messageExcludes)) {
    throw new Error(`expected the message not to contain ${JSON.stringify(expected.messageExcludes)}: ${described}`);
  }
}

async function run(emulator, scenario) {
  emulator.reset();
  emulator.setRateLimit(null);
  for (const key of scenario.setup?.keys ?? []) emulator.addKey(key.key, key.scopes);
  emulator.clearJournal();
  const ids = await fixture(emulator);
  emulator.clearJournal();
  for (const fault of scenario.faults ?? []) emulator.inject(fault);
  const client = clientFor(emulator, scenario.client);
  const spec = expand(scenario.call, ids);
  let outcome;
  for (let n = 0; n < (scenario.repeat ?? 1); n += 1) outcome = await outcomeOf(client, spec);

  const expect = expand(scenario.expect, ids);
  let attempts;
  if (expect.ok !== undefined && expect.error === undefined) {
    if (outcome.error) {
      const { error } = outcome;
      throw new Error(`expected success, got ${error?.name}: ${error?.message}`, { cause: error });
    }
    matches(expect.ok, outcome.value, 'result');
    for (const dotted of expect.absent ?? []) {
      if (!absent(outcome.value, dotted)) throw new Error(`${dotted} should be absent: ${shown(outcome.value)}`);
    }
    attempts = outcome.attempts;
  } else {
    if (!outcome.error) throw new Error(`expected an error, got ${shown(outcome.value)}`);
    checkError(expect.error, outcome.error);
    attempts = outcome.error.attempts;
  }
  if (expect.attempts !== undefined) {
    assert.equal(attempts, expect.attempts, `expected ${expect.attempts} attempts, got ${attempts}`);
  }
  if (scenario.journal !== undefined) {
    const seen = emulator.journal().map((entry) => ({ operation: entry.operation, status: entry.status }));
    assert.deepEqual(seen, scenario.journal, 'the journal');
  }
}

const emulator = { current: null };
test.before(() => {
  emulator.current = new Emulator();
});
test.after(() => emulator.current?.stop());

const files = scenarioFiles();
assert.ok(files.length >= 60, `the conformance suite has ${files.length} scenarios in ${SCENARIOS}`);

for (const file of files) {
  const scenario = JSON.parse(fs.readFileSync(file, 'utf8'));
  const skip = scenario.skip?.node;
  test(`${path.basename(file, '.json')}`, { skip: skip ?? false }, () => run(emulator.current, scenario));
}
