'use strict';
// AbortSignal per call: it cancels the Rust future (and its HTTP request) and rejects with APIUserAbortError.

const test = require('node:test');
const assert = require('node:assert/strict');
const { APIUserAbortError, LangdockError } = require('langdock');
const { setup } = require('../testlib/harness.js');

const env = setup();
test.before(() => env.start());
test.after(() => env.stop());

test('aborting a slow call rejects with an AbortError and drops the Rust future', async () => {
  const client = env.client();
  env.emulator.delayNext('list_integrations', 30_000);
  const controller = new AbortController();
  const call = client.integrations.list({ signal: controller.signal });
  assert.equal(client.inFlight, 1);
  // Abort once the request has reached the emulator (it waits 30 s before answering).
  setImmediate(() => controller.abort());
  const error = await call.then(
    () => assert.fail('resolved'),
    (e) => e,
  );
  assert.ok(error instanceof APIUserAbortError);
  assert.ok(error instanceof LangdockError);
  assert.equal(error.name, 'AbortError');
  assert.equal(error.code, 'aborted');
  assert.equal(error.cause, controller.signal.reason);
  assert.equal(client.inFlight, 0, 'the Rust future was dropped, not left running');
  env.emulator.clearFaults();
});

test('an already aborted signal rejects without sending anything', async () => {
  const client = env.client();
  env.emulator.clearJournal();
  const reason = new Error('not needed any more');
  await assert.rejects(client.integrations.list({ signal: AbortSignal.abort(reason) }), (error) => {
    assert.ok(error instanceof APIUserAbortError);
    assert.equal(error.cause, reason);
    return true;
  });
  assert.equal(client.inFlight, 0);
  assert.deepEqual(env.emulator.journal(), []);
});

test('aborting during retry waits cancels the remaining attempts', async () => {
  const client = env.client({ backoff: { initial: 30_000, max: 30_000 } });
  env.emulator.clearJournal();
  env.emulator.failNext('list_integrations', 503, { times: 3 });
  const controller = new AbortController();
  const call = client.integrations.list({ signal: controller.signal });
  // Wait for the first (failing) attempt to be recorded, then abort during the 30 s backoff.
  while (env.emulator.journal().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort();
  await assert.rejects(call, APIUserAbortError);
  assert.equal(client.inFlight, 0);
  assert.equal(env.emulator.journal().length, 1, 'no further attempt was sent');
  env.emulator.clearFaults();
});

test('a signal that is never aborted changes nothing, and its listener is removed afterwards', async () => {
  const client = env.client();
  const controller = new AbortController();
  const list = await client.integrations.list({ signal: controller.signal });
  assert.equal(list.attempts, 1);
  controller.abort(); // after completion: no effect, no unhandled rejection
  assert.equal(client.inFlight, 0);
});
