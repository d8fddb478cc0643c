'use strict';
// One client, 100 concurrent calls: all succeed, none is lost or duplicated.

const test = require('node:test');
const assert = require('node:assert/strict');
const { setup, journalOf, newIntegration } = require('../testlib/harness.js');

const env = setup();
test.before(() => env.start());
test.after(() => env.stop());

test('100 concurrent action creates on one client', async () => {
  const client = env.client();
  const id = await newIntegration(client, 'Busy');
  env.emulator.clearJournal();
  const actions = await Promise.all(
    Array.from({ length: 100 }, (_, i) => client.actions.create(id, { name: `Action ${i}`, code: `return ${i};` })),
  );
  assert.equal(actions.length, 100);
  assert.equal(new Set(actions.map((a) => a.id)).size, 100);
  assert.deepEqual(
    actions.map((a) => a.name),
    Array.from({ length: 100 }, (_, i) => `Action ${i}`),
  );
  assert.equal(journalOf(env.emulator, 'create_action').length, 100);
  assert.equal((await client.integrations.get(id)).actions.length, 100);
  assert.equal(client.inFlight, 0);
});

test('100 concurrent reads mixed with failures keep each answer with its own call', async () => {
  const client = env.client({ maxRetries: 0 });
  const id = await newIntegration(client, 'Mixed');
  const calls = Array.from({ length: 100 }, (_, i) =>
    i % 2 === 0 ? client.integrations.get(id) : client.integrations.get(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
  );
  const results = await Promise.allSettled(calls);
  results.forEach((result, i) => {
    if (i % 2 === 0) assert.equal(result.value.id, id);
    else assert.equal(result.reason.status, 404);
  });
});
