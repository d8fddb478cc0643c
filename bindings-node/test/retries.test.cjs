'use strict';
// Retries as JavaScript sees them: the attempts on answers and errors, and what the emulator's journal
// received. The policy itself is the core's; these tests only show it arrives intact.

const test = require('node:test');
const assert = require('node:assert/strict');
const { Langdock } = require('langdock');
const { setup, journalOf, newIntegration } = require('../testlib/harness.js');

const env = setup();
test.before(() => env.start());
test.after(() => env.stop());
test.beforeEach(() => env.emulator.clearJournal());

test('a 503 twice, then success: three attempts, one request id, seen in the journal', async () => {
  env.emulator.failNext('list_integrations', 503, { times: 2 });
  const list = await env.client().integrations.list();
  assert.equal(list.attempts, 3);
  const seen = journalOf(env.emulator, 'list_integrations');
  assert.deepEqual(seen.map((e) => e.status), [503, 503, 200]);
  assert.equal(new Set(seen.map((e) => e.requestId)).size, 1, 'the x-request-id is reused across attempts');
  assert.equal(list.requestId, seen[0].requestId);
});

test('per-call maxRetries: 0 makes a single attempt', async () => {
  env.emulator.failNext('list_integrations', 503, { times: 2 });
  await assert.rejects(env.client().integrations.list({ maxRetries: 0 }), { status: 503, attempts: 1 });
  assert.equal(journalOf(env.emulator, 'list_integrations').length, 1);
  env.emulator.clearFaults();
});

test('the client-wide maxRetries option counts too', async () => {
  env.emulator.failNext('list_integrations', 502, { times: 5 });
  await assert.rejects(env.client({ maxRetries: 1 }).integrations.list(), { status: 502, attempts: 2 });
  env.emulator.clearFaults();
});

test('LANGDOCK_MAX_RETRIES, LANGDOCK_API_KEY and LANGDOCK_BASE_URL are read by the core when options are absent', async () => {
  const saved = { ...process.env };
  process.env.LANGDOCK_API_KEY = env.emulator.apiKey;
  process.env.LANGDOCK_BASE_URL = env.emulator.baseUrl;
  process.env.LANGDOCK_MAX_RETRIES = '0';
  try {
    const client = new Langdock();
    assert.equal(client.baseUrl.replace(/\/$/, ''), env.emulator.baseUrl);
    env.emulator.failNext('list_integrations', 503);
    await assert.rejects(client.integrations.list(), { attempts: 1 });
    assert.equal((await client.integrations.list()).attempts, 1);
  } finally {
    for (const name of ['LANGDOCK_API_KEY', 'LANGDOCK_BASE_URL', 'LANGDOCK_MAX_RETRIES']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
});

test('a 429 with a short Retry-After is waited out and retried', async () => {
  env.emulator.failNext('get_integration', 429, { headers: { 'Retry-After': '0' } });
  const id = await newIntegration(env.client());
  const got = await env.client().integrations.get(id);
  assert.equal(got.attempts, 2);
});

test('an action create dropped after it was applied is retried, and its 409 resolved: no duplicate', async () => {
  const client = env.client();
  const id = await newIntegration(client);
  env.emulator.dropNext('create_action', 'after_body');
  const action = await client.actions.create(id, { name: 'Once', code: 'return 1;' });
  assert.equal(action.name, 'Once');
  assert.ok(action.attempts >= 2);
  assert.deepEqual(
    journalOf(env.emulator, 'create_action').map((e) => [e.status, e.applied]),
    [
      [null, true],
      [409, false],
    ],
  );
  assert.equal((await client.integrations.get(id)).actions.length, 1);
});

test('a delete retried after an ambiguous failure that meets 404 succeeded: alreadyDeleted', async () => {
  const client = env.client();
  const id = await newIntegration(client);
  const trigger = await client.triggers.create(id, { name: 'T' });
  env.emulator.dropNext('delete_trigger', 'after_body');
  const deleted = await client.triggers.delete(id, trigger.id);
  assert.equal(deleted.alreadyDeleted, true);
  assert.equal(deleted.id, trigger.id);
  assert.equal(deleted.attempts, 2);
});

test('an integration create is retried only where it provably did not happen (503 with Retry-After)', async () => {
  env.emulator.failNext('create_integration', 503, { headers: { 'Retry-After': '0' } });
  const created = await env.client().integrations.create({ name: 'Retried' });
  assert.equal(created.attempts, 2);
  assert.deepEqual(
    journalOf(env.emulator, 'create_integration').map((e) => [e.status, e.applied]),
    [
      [503, false],
      [201, true],
    ],
  );
  env.emulator.clearJournal();
  env.emulator.failNext('create_integration', 500);
  await assert.rejects(env.client().integrations.create({ name: 'Ambiguous' }), { attempts: 1, maybeCreated: true });
  assert.equal(journalOf(env.emulator, 'create_integration').length, 1);
});
