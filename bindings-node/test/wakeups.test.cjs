'use strict';
// Finished calls reach JavaScript through one threadsafe function per client: only the first call that finds the
// queue empty wakes the event loop, and one drain settles every queued call. The function keeps Node alive only
// while calls are pending.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { kNative } = require('../lib/call.js');
const { setup, newIntegration } = require('../testlib/harness.js');

const env = setup();
test.before(() => env.start());
test.after(() => env.stop());

/** Blocks the JavaScript thread until `condition()` holds (so that no drain can run meanwhile). */
function spinUntil(condition, what) {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

test('32 calls finishing together wake the loop once and all settle', async () => {
  const client = env.client({ maxRetries: 0 });
  const id = await newIntegration(client, 'Wake');
  const native = client[kNative];
  const before = native.wakeUps;
  const calls = Array.from({ length: 32 }, (_, i) =>
    i % 2 === 0 ? client.integrations.get(id) : client.integrations.get('00000000-0000-4000-8000-000000000000'),
  );
  // The JavaScript thread is busy until all 32 have finished in Rust: they queue behind the first one's wake-up.
  spinUntil(() => native.queued === 32, '32 queued calls');
  const results = await Promise.allSettled(calls);
  assert.equal(native.wakeUps - before, 1);
  assert.equal(native.queued, 0);
  results.forEach((result, i) => {
    if (i % 2 === 0) assert.equal(result.value.id, id);
    else assert.equal(result.reason.status, 404);
  });
});

test('calls finishing one at a time each wake the loop', async () => {
  const client = env.client();
  const id = await newIntegration(client, 'One by one');
  const native = client[kNative];
  const before = native.wakeUps;
  for (let i = 0; i < 3; i++) assert.equal((await client.integrations.get(id)).id, id);
  assert.equal(native.wakeUps - before, 3);
});

// How Node exits around a client's calls, in a child process (inline, as a file under test/ would be run as a
// test): `idle`, a client that made no call (Node must exit at once); `pending`, one delayed call and nothing else
// keeping Node alive (Node must wait for it); `exit`, process.exit with 16 delayed calls in flight.
const lib = path.join(__dirname, '..', 'lib');
const childScript = `
const { Langdock } = require(${JSON.stringify(path.join(lib, 'index.js'))});
const { Emulator } = require(${JSON.stringify(path.join(lib, 'testing.js'))});
const emulator = new Emulator();
const client = new Langdock(emulator.clientOptions());
const mode = process.argv[1];
if (mode === 'pending') {
  emulator.delayNext('list_integrations', 300);
  client.integrations.list().then(() => {
    emulator.stop();
    console.log('settled');
  });
} else if (mode === 'exit') {
  emulator.delayNext('list_integrations', 2000, { times: 16 });
  for (let i = 0; i < 16; i++) client.integrations.list();
  setImmediate(() => {
    console.log('exiting');
    process.exit(0);
  });
} else {
  console.log('idle');
}
`;

function runChild(mode) {
  const result = spawnSync(process.execPath, ['-e', childScript, mode], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.stderr, '');
  assert.equal(result.signal, null, 'the child did not hang');
  assert.equal(result.status, 0);
  return result.stdout.trim();
}

test('an idle client does not keep Node alive', () => {
  assert.equal(runChild('idle'), 'idle');
});

test('a pending call keeps Node alive until it settles', () => {
  assert.equal(runChild('pending'), 'settled');
});

test('process.exit with calls in flight neither crashes nor hangs', () => {
  assert.equal(runChild('exit'), 'exiting');
});
