'use strict';
// Real TLS against the emulator's HTTPS mode (`new Emulator({ tls: true })`, a CA generated for each run): a client
// given that CA (`caPem`, `caBundle` or `LANGDOCK_CA_BUNDLE`) calls it; a client without it fails at once with an
// `APIConnectionError` that says the server's certificate is not trusted and what to do.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Langdock, APIConnectionError } = require('langdock');
const { Emulator } = require('langdock/testing');
const { FAST } = require('../testlib/harness.js');

let https;
let dir;
let bundle;

test.before(() => {
  delete process.env.LANGDOCK_CA_BUNDLE;
  https = new Emulator({ tls: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langdock-tls-'));
  bundle = path.join(dir, 'ca.pem');
  fs.writeFileSync(bundle, https.caPem);
});
test.after(() => {
  https?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});
test.beforeEach(() => https.reset());

/** Awaits a call that must fail, and returns its error. */
async function failure(promise) {
  return promise.then(
    () => assert.fail('the call succeeded'),
    (error) => error,
  );
}

test('the HTTPS emulator has an https URL and a CA; a plain one has neither', () => {
  assert.match(https.baseUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.match(https.caPem, /^-----BEGIN CERTIFICATE-----/);
  const plain = new Emulator();
  try {
    assert.match(plain.baseUrl, /^http:\/\//);
    assert.equal(plain.caPem, null);
    assert.equal(plain.clientOptions().caPem, undefined);
  } finally {
    plain.stop();
  }
});

test('a client given the CA as caPem calls the HTTPS emulator', async () => {
  const client = new Langdock({ baseUrl: https.baseUrl, apiKey: https.apiKey, caPem: [https.caPem] });
  assert.equal((await client.integrations.list()).length, 2);
  const created = await client.integrations.create({ name: 'Over TLS' });
  assert.equal((await client.integrations.get(created.id)).name, 'Over TLS');
  const helper = new Langdock(https.clientOptions());
  assert.equal((await helper.integrations.list()).length, 3, "clientOptions() trusts the emulator's CA");
});

test('a client given a caBundle file calls the HTTPS emulator', async () => {
  const client = new Langdock({ baseUrl: https.baseUrl, apiKey: https.apiKey, caBundle: bundle });
  assert.equal((await client.integrations.list()).length, 2);
});

test('LANGDOCK_CA_BUNDLE makes the HTTPS emulator trusted', async () => {
  process.env.LANGDOCK_CA_BUNDLE = bundle;
  try {
    const client = new Langdock({ baseUrl: https.baseUrl, apiKey: https.apiKey });
    assert.equal((await client.integrations.list()).length, 2);
  } finally {
    delete process.env.LANGDOCK_CA_BUNDLE;
  }
});

test('without the CA a call fails at once with APIConnectionError: the certificate is not trusted', async () => {
  const client = new Langdock({ baseUrl: https.baseUrl, apiKey: https.apiKey, maxRetries: 3, ...FAST });
  const error = await failure(client.integrations.list());
  assert.ok(error instanceof APIConnectionError, `${error?.name}: ${error?.message}`);
  assert.equal(error.name, 'APIConnectionError');
  assert.equal(error.code, 'connection');
  assert.match(error.message, /the server's certificate is not trusted/);
  assert.match(error.message, /LANGDOCK_CA_BUNDLE/, 'it says what to do');
  assert.match(error.message, /ca_pem/);
  assert.equal(error.attempts, 1, 'the same certificate would be refused again: not retried');
  assert.deepEqual(https.journal(), [], 'nothing got past the handshake');

  const create = await failure(client.integrations.create({ name: 'Never sent' }));
  assert.ok(create instanceof APIConnectionError);
  assert.equal(create.maybeCreated, false);
});
