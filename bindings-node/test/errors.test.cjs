'use strict';
// Every error class of SDK.md section 3, produced for real (over HTTP, by the emulator or by the core), seen
// from JavaScript as `Error` subclasses carrying structured properties.

const test = require('node:test');
const assert = require('node:assert/strict');
const langdock = require('langdock');
const { setup, journalOf, newIntegration } = require('../testlib/harness.js');

const {
  Langdock,
  LangdockError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  ValidationError,
  ConfigurationError,
} = langdock;

const env = setup();
test.before(() => env.start());
test.after(() => env.stop());

/** Awaits a call that must fail, and returns its error. */
async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('the call succeeded');
}

function assertShape(error, Class, code) {
  assert.ok(error instanceof Class, `${error?.name}: ${error?.message}`);
  assert.ok(error instanceof LangdockError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, Class.name);
  assert.equal(error.code, code);
  assert.equal(typeof error.message, 'string');
  assert.equal(error.message.trim().startsWith('{'), false, 'no JSON in the message');
  assert.equal(typeof error.attempts, 'number');
  assert.equal(typeof error.headers, 'object');
  assert.ok(Array.isArray(error.violations));
  assert.equal(typeof error.stack, 'string');
}

test('400 with validation off: BadRequestError from the server, with status, body, headers and request id', async () => {
  const client = env.client({ validation: false });
  const error = await failure(client.integrations.create({ name: 'x'.repeat(41) }));
  assertShape(error, BadRequestError, 'bad_request');
  assert.ok(error instanceof APIError);
  assert.equal(error.status, 400);
  assert.equal(error.attempts, 1);
  assert.equal(typeof error.body, 'string');
  assert.equal(error.headers['content-type'], 'application/json');
  assert.equal(error.requestId, error.headers['x-request-id']);
});

test('401: AuthenticationError for an unknown key, never retried', async () => {
  const client = env.client({ apiKey: 'sk-ld-wrong' });
  const error = await failure(client.integrations.list());
  assertShape(error, AuthenticationError, 'authentication');
  assert.equal(error.status, 401);
  assert.equal(error.attempts, 1);
  assert.equal(error.message.includes('sk-ld-wrong'), false, 'the key is never shown');
});

test('403: PermissionDeniedError for a key without the INTEGRATION_API scope', async () => {
  env.emulator.addKey('sk-ld-assistant-only', ['ASSISTANT_API']);
  const client = env.client({ apiKey: 'sk-ld-assistant-only' });
  await client.integrations.list(); // the list endpoint accepts ASSISTANT_API
  const error = await failure(client.integrations.create({ name: 'Nope' }));
  assertShape(error, PermissionDeniedError, 'permission_denied');
  assert.equal(error.status, 403);
});

test('404: NotFoundError', async () => {
  const error = await failure(env.client().integrations.get('00000000-0000-4000-8000-000000000000'));
  assertShape(error, NotFoundError, 'not_found');
  assert.equal(error.status, 404);
});

test('409: ConflictError for a second action with the same name', async () => {
  const client = env.client();
  const id = await newIntegration(client);
  await client.actions.create(id, { name: 'Twice' });
  const error = await failure(client.actions.create(id, { name: 'Twice' }));
  assertShape(error, ConflictError, 'conflict');
  assert.equal(error.status, 409);
  assert.equal(error.attempts, 1);
});

test('429 asking for a wait beyond the cap: RateLimitError at once, with retryAfter in milliseconds', async () => {
  env.emulator.failNext('list_integrations', 429, { headers: { 'Retry-After': '120' } });
  const error = await failure(env.client().integrations.list());
  assertShape(error, RateLimitError, 'rate_limit');
  assert.equal(error.status, 429);
  assert.equal(error.retryAfter, 120_000);
  assert.equal(error.attempts, 1);
});

test('5xx after every retry: InternalServerError with the attempts taken', async () => {
  env.emulator.failNext('get_integration', 500, { times: 3 });
  const id = await newIntegration(env.client());
  const error = await failure(env.client({ maxRetries: 2 }).integrations.get(id));
  assertShape(error, InternalServerError, 'internal_server');
  assert.equal(error.status, 500);
  assert.equal(error.attempts, 3);
});

test('another status (418): a plain APIError', async () => {
  env.emulator.failNext('list_integrations', 418);
  const error = await failure(env.client().integrations.list());
  assertShape(error, APIError, 'api_error');
  assert.equal(error.constructor, APIError);
  assert.equal(error.status, 418);
});

test('a refused connection: APIConnectionError with the cause chain as Errors', async () => {
  const client = new Langdock({ apiKey: 'sk-ld-x', baseUrl: 'http://127.0.0.1:1', maxRetries: 0 });
  const error = await failure(client.integrations.list());
  assertShape(error, APIConnectionError, 'connection');
  assert.equal(error.status, null);
  assert.equal(error.attempts, 1);
  assert.ok(error.cause instanceof Error, 'the core error source is the cause');
  assert.equal(typeof error.cause.message, 'string');
});

test('a dropped integration create: APIConnectionError with maybeCreated, and not retried', async () => {
  env.emulator.clearJournal();
  env.emulator.dropNext('create_integration', 'after_body');
  const error = await failure(env.client().integrations.create({ name: 'Maybe' }));
  assertShape(error, APIConnectionError, 'connection');
  assert.equal(error.maybeCreated, true);
  assert.equal(error.attempts, 1);
  const creates = journalOf(env.emulator, 'create_integration');
  assert.equal(creates.length, 1);
  assert.equal(creates[0].applied, true);
});

test('a slow answer: APITimeoutError, which is an APIConnectionError', async () => {
  env.emulator.delayNext('list_integrations', 3_000);
  const error = await failure(env.client().integrations.list({ timeout: 100, maxRetries: 0 }));
  assertShape(error, APITimeoutError, 'timeout');
  assert.ok(error instanceof APIConnectionError);
});

test('validation: every violation with its path, counted in UTF-16 units, nothing sent', async () => {
  const client = env.client();
  const id = await newIntegration(client);
  env.emulator.clearJournal();
  await client.integrations.create({ name: '😀'.repeat(20) }); // 40 UTF-16 units: allowed
  const error = await failure(
    client.actions.create(id, { name: 'x'.repeat(101), inputFields: [{ label: '' }, { label: 'ok' }] }),
  );
  assertShape(error, ValidationError, 'validation');
  assert.equal(error.attempts, 0);
  assert.deepEqual(
    error.violations.map((v) => v.path),
    ['name', 'inputFields[0].label'],
  );
  const tooLong = await failure(client.integrations.create({ name: '😀'.repeat(21) }));
  assert.ok(tooLong instanceof ValidationError);
  assert.match(tooLong.violations[0].message, /42/);
  assert.deepEqual(
    env.emulator.journal().map((e) => e.operation),
    ['create_integration'],
    'only the valid create was sent',
  );
});

test('validation: a body of the wrong shape is a ValidationError too', async () => {
  const error = await failure(env.client().integrations.create({ name: 42 }));
  assertShape(error, ValidationError, 'validation');
  assert.equal(error.violations[0].path, 'body');
});

test('configuration: no key, an insecure URL, a bad option', () => {
  const saved = process.env.LANGDOCK_API_KEY;
  delete process.env.LANGDOCK_API_KEY;
  try {
    assert.throws(() => new Langdock({ baseUrl: env.emulator.baseUrl }), (error) => {
      assertShape(error, ConfigurationError, 'configuration');
      assert.match(error.message, /LANGDOCK_API_KEY/);
      return true;
    });
  } finally {
    if (saved !== undefined) process.env.LANGDOCK_API_KEY = saved;
  }
  assert.throws(() => new Langdock({ apiKey: 'sk-ld-x', baseUrl: 'http://api.example.com' }), ConfigurationError);
  assert.throws(() => new Langdock({ apiKey: 'sk-ld-x', baseUrl: 'not a url' }), ConfigurationError);
  assert.throws(() => new Langdock({ apiKey: 'sk-ld-x', timeout: -5 }), /timeout/);
  assert.throws(() => new Langdock({ apiKey: 'sk-ld-x', maxRetries: 1.5 }), ConfigurationError);
});

test('configuration: a bad per-call option rejects with ConfigurationError', async () => {
  const error = await failure(env.client().integrations.list({ maxRetries: -1 }));
  assertShape(error, ConfigurationError, 'configuration');
});

test('the error classes are also static members of Langdock', () => {
  assert.equal(Langdock.RateLimitError, RateLimitError);
  assert.equal(Langdock.LangdockError, LangdockError);
  assert.equal(Langdock.APIUserAbortError, langdock.APIUserAbortError);
});
