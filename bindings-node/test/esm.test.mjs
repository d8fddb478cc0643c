// The package from an ES module: named imports of the client, the errors and `langdock/testing`, the same
// classes as the CommonJS entry.

import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import DefaultLangdock, { Langdock, NotFoundError, LangdockError, APIUserAbortError } from 'langdock';
import { Emulator } from 'langdock/testing';

const require = createRequire(import.meta.url);

test('ESM and CommonJS share one set of classes', () => {
  const cjs = require('langdock');
  assert.equal(Langdock, cjs.Langdock);
  assert.equal(NotFoundError, cjs.NotFoundError);
  assert.equal(Emulator, require('langdock/testing').Emulator);
});

test('the default import is the Langdock class, beside the named exports', () => {
  assert.equal(DefaultLangdock, Langdock);
  assert.equal(DefaultLangdock.NotFoundError, NotFoundError);
  assert.equal(require('langdock').default, Langdock, 'CommonJS keeps its shape and gains `default`');
});

test('a call from ESM, with instanceof on its error', async () => {
  const emulator = new Emulator();
  try {
    const client = new Langdock(emulator.clientOptions());
    const created = await client.integrations.create({ name: 'From ESM' });
    assert.equal(created.name, 'From ESM');
    await assert.rejects(client.integrations.get('00000000-0000-4000-8000-000000000000'), (error) => {
      assert.ok(error instanceof NotFoundError && error instanceof LangdockError);
      return true;
    });
    await assert.rejects(client.integrations.list({ signal: AbortSignal.abort() }), APIUserAbortError);
  } finally {
    emulator.stop();
  }
});
