'use strict';
// A panic in the native code (a bug in langdock) neither ends the process nor escapes as a plain Error: it
// surfaces as an `InternalError` (a `LangdockError`) wherever it happens, while a client is built, in a call's
// synchronous part, inside its future on the runtime, or while its answer is converted. The panics are armed
// through `debugPanicNext`, which only debug builds of the addon have.

const test = require('node:test');
const assert = require('node:assert/strict');
const { Langdock, LangdockError, InternalError } = require('langdock');
const { loadNative } = require('../lib/native.js');
const { setup } = require('../testlib/harness.js');

const native = loadNative();
const skip = typeof native.debugPanicNext === 'function' ? false : 'a release addon has no switch to make a call panic';

const env = setup();
test.before(() => env.start());
test.after(() => env.stop());

function assertInternal(error) {
  assert.ok(error instanceof InternalError, `${error?.name}: ${error?.message}`);
  assert.ok(error instanceof LangdockError);
  assert.equal(error.name, 'InternalError');
  assert.equal(error.code, 'internal');
  assert.match(error.message, /bug in langdock/);
  assert.match(error.message, /debug panic armed at/, 'the message says what panicked');
}

for (const site of ['dispatch', 'call', 'convert']) {
  test(`a panic at "${site}" rejects the call with InternalError and the client keeps working`, { skip }, async () => {
    const client = env.client();
    native.debugPanicNext(site);
    const error = await client.integrations.list().then(
      () => assert.fail('the call succeeded'),
      (caught) => caught,
    );
    assertInternal(error);
    assert.equal((await client.integrations.list()).length, 2);
  });
}

test('a panic while a client is built throws InternalError', { skip }, () => {
  native.debugPanicNext('construct');
  let error;
  try {
    new Langdock(env.emulator.clientOptions());
  } catch (caught) {
    error = caught;
  }
  assertInternal(error);
  assert.ok(new Langdock(env.emulator.clientOptions()), 'the next client builds');
});

test('an unknown panic site is refused', { skip }, () => {
  assert.throws(() => native.debugPanicNext('nowhere'), /unknown panic site/);
});
