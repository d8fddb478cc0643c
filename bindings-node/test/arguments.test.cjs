'use strict';
// A wrong argument is a TypeError naming the parameter, as JavaScript users expect, before anything is sent; no
// message names a Rust type.

const test = require('node:test');
const assert = require('node:assert/strict');
const { setup, journalOf, newIntegration } = require('../testlib/harness.js');

const env = setup();
test.before(() => env.start());
test.after(() => env.stop());

/** Rejects with a TypeError whose message matches `message` and names no Rust type. */
function typeError(message) {
  return (error) => {
    assert.ok(error instanceof TypeError, `not a TypeError: ${error?.constructor?.name}: ${error?.message}`);
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /serde|rust|\bString\b|Value/);
    return true;
  };
}

test('a path id that is not a string is a TypeError naming the parameter', async () => {
  const client = env.client();
  await assert.rejects(client.integrations.get(undefined), typeError(/^integrationId must be a string, got undefined$/));
  await assert.rejects(client.integrations.get(123), typeError(/^integrationId must be a string, got a number$/));
  await assert.rejects(client.integrations.icon(null), typeError(/integrationId must be a string, got null/));
  await assert.rejects(client.actions.delete('id', {}), typeError(/^actionId must be a string, got an object$/));
  await assert.rejects(client.triggers.update('id', 7, {}), typeError(/^triggerId must be a string/));
});

test('a missing or non-object body is a TypeError naming body, and nothing is sent', async () => {
  const client = env.client();
  const id = await newIntegration(client);
  env.emulator.clearJournal();
  await assert.rejects(client.actions.create(id), typeError(/^body must be an object, got undefined$/));
  await assert.rejects(client.integrations.create('Weather'), typeError(/^body must be an object, got a string$/));
  await assert.rejects(client.triggers.create(id, [{ name: 'x' }]), typeError(/^body must be an object, got an array$/));
  await assert.rejects(client.integrations.updateAuth(id, null), typeError(/^body must be an object, got null$/));
  assert.deepEqual(env.emulator.journal(), [], 'no request was sent');
});

test('an upload that is not bytes is a TypeError naming image', async () => {
  const client = env.client();
  await assert.rejects(client.integrations.setIcon('id', 'icon.png'), typeError(/^image must be a Uint8Array, got a string$/));
});

test('a body property that is undefined is left out, as JSON leaves it out', async () => {
  const client = env.client();
  const created = await client.integrations.create({ name: 'Weather', description: undefined });
  assert.equal(created.name, 'Weather');
});

// The native side reads a body from the objects instead of parsing `JSON.stringify`'s text (src/body.rs). What is
// sent must be what `JSON.stringify` would have written, whichever way the body was read.

/** The body the emulator received for a create of `body` as an action of a fresh integration. */
async function sentBody(client, body) {
  const id = await newIntegration(client);
  env.emulator.clearJournal();
  await client.actions.create(id, body);
  const [entry] = journalOf(env.emulator, 'create_action');
  return entry.body;
}

test('a plain body is sent as JSON.stringify writes it: undefined and functions left out or null, numbers as JSON', async () => {
  const client = env.client();
  const body = {
    name: 'Plain – Grüße 🌦 "quoted" \\ back',
    description: undefined,
    code: 'return data.input.city;\n'.repeat(300),
    requiresConfirmation: false,
    inputFields: [
      { label: 'City', type: 'TEXT', required: true, placeholder: undefined, helper() {} },
      { label: 'Unit', type: 'SELECT', options: [{ label: 'Celsius', value: 'c' }], allowMultiSelect: false },
    ],
    [Symbol('hidden')]: 'not a JSON key',
    // Kept as an unknown property: numbers as JSON writes them (whole ones whole, non-finite ones null).
    extra: [1, undefined, 2.5, NaN, 3.0, -0, Infinity, 2 ** 60, 1e21, -7, () => 1],
    meta: { gone: undefined, kept: null, nested: [[{ deep: true }]] },
  };
  const expected = JSON.parse(JSON.stringify(body));
  const sent = await sentBody(client, body);
  assert.deepEqual(sent, await sentBody(client, expected));
  // (The journal hands a whole number past 2^53 over as a BigInt.)
  const numbers = sent.extra.map((n) => (typeof n === 'bigint' ? Number(n) : n));
  assert.deepEqual(numbers, [1, null, 2.5, null, 3, 0, null, 2 ** 60, 1e21, -7, null]);
  assert.ok(!('description' in sent), 'an undefined property is left out');
  const bare = await sentBody(client, Object.assign(Object.create(null), { name: 'No prototype', code: 'return 2;' }));
  assert.deepEqual([bare.name, bare.code], ['No prototype', 'return 2;']);
});

test('strings of every UTF-8 width are sent whole, read in one pass or measured first (past 16,384 units)', async () => {
  const client = env.client();
  // 1, 2, 3 and 4 bytes a character (the emoji is two UTF-16 units), a NUL and characters JSON escapes: 10 units.
  const mixed = 'aé€🌦\u0000"\\\n\t';
  assert.equal(mixed.length, 10);
  const cases = [
    '',
    mixed,
    mixed.repeat(500),
    mixed.repeat(1638), // 16,380 units: one pass
    mixed.repeat(1639), // 16,390 units: measured first
    '€'.repeat(16 * 1024), // three bytes a unit, the most a one-pass buffer holds
    '€'.repeat(16 * 1024 + 1),
    '🌦'.repeat(20_000),
  ];
  for (const code of cases) {
    const sent = await sentBody(client, { name: `Widths ${code.length}`, code });
    assert.equal(sent.code.length, code.length, `${code.length} units`);
    assert.ok(sent.code === code, `the code of ${code.length} units arrives as it was`);
  }
});

test('a body JSON.stringify treats specially is sent as it writes it: toJSON, class instances, boxed values', async () => {
  const client = env.client();
  class Named {
    constructor(name) {
      this.name = name;
    }
  }
  const bodies = [
    { name: 'Dated', description: new Date(0) },
    { name: 'Custom', description: { toJSON: () => 'from toJSON' } },
    new Named('An instance'),
    { name: new String('Boxed'), requiresConfirmation: new Boolean(false) },
    { name: 'Holes', inputFields: [{ label: 'A' }, undefined, { label: 'B' }].filter(Boolean) },
  ];
  for (const body of bodies) {
    const expected = JSON.parse(JSON.stringify(body));
    assert.deepEqual(await sentBody(client, body), await sentBody(client, expected), JSON.stringify(body));
  }
  assert.equal((await sentBody(client, bodies[0])).description, '1970-01-01T00:00:00.000Z');
});

test('a body JSON.stringify refuses is refused as it refuses it, and nothing is sent', async () => {
  const client = env.client();
  const id = await newIntegration(client);
  const cyclic = { name: 'Cycle' };
  cyclic.self = cyclic;
  env.emulator.clearJournal();
  await assert.rejects(client.actions.create(id, cyclic), typeError(/circular/i));
  await assert.rejects(client.actions.create(id, { name: 'Big', code: 10n }), typeError(/BigInt/));
  // UTF-8 has no lone surrogate: the core refuses the body, as it refused JSON.stringify's escaped one.
  await assert.rejects(client.actions.create(id, { name: 'Lone \ud800 surrogate' }), (error) => {
    assert.equal(error.constructor.name, 'ValidationError');
    assert.match(error.message, /body/);
    return true;
  });
  assert.deepEqual(env.emulator.journal(), [], 'no request was sent');
});
