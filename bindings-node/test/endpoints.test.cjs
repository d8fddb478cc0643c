'use strict';
// Every endpoint once, over real HTTP to the in-process emulator, with plain object literals in and plain
// camelCase objects out.

const test = require('node:test');
const assert = require('node:assert/strict');
const langdock = require('langdock');
const { setup, journalOf } = require('../testlib/harness.js');

const env = setup();
test.before(() => env.start());
test.after(() => env.stop());

// A 1x1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

test('integrations: list shows the seeded Langdock-built integrations with metadata', async () => {
  const client = env.client();
  const list = await client.integrations.list();
  assert.ok(Array.isArray(list));
  assert.ok(list.length >= 2);
  assert.equal(list[0].buildByLangdock, true);
  assert.equal(typeof list[0].authType, 'string');
  assert.equal(list.attempts, 1);
  assert.equal(list.httpStatus, 200);
  assert.match(list.requestId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(Object.keys(list), list.map((_, i) => String(i)), 'metadata is not enumerable');
});

test('a call answers the same model and metadata with no options, null, per-call options or a signal', async () => {
  const client = env.client();
  const { id } = await client.integrations.create({ name: 'Paths', description: 'Both facade paths' });
  const answers = [
    await client.integrations.get(id),
    await client.integrations.get(id, null),
    await client.integrations.get(id, { timeout: 10_000, maxRetries: 1 }),
    await client.integrations.get(id, { signal: new AbortController().signal }),
  ];
  for (const answer of answers) {
    assert.deepEqual(answer, answers[0]);
    assert.equal(answer.id, id);
    assert.equal(answer.httpStatus, 200);
    assert.equal(answer.attempts, 1);
    assert.match(answer.requestId, /^[0-9a-f-]{36}$/);
    assert.ok(!Object.keys(answer).includes('httpStatus'), 'metadata is not enumerable');
    assert.throws(() => {
      'use strict';
      answer.attempts = 5;
    }, TypeError);
  }
});

test('an answer keeps non-ASCII text, quotes and backslashes exactly, its metadata read-only and hidden', async () => {
  const client = env.client();
  const name = 'Wetter – Grüße 🌦 "quoted" \\ back\\slash';
  const { id } = await client.integrations.create({ name, description: '日本語の説明' });
  const answer = await client.integrations.get(id);
  assert.equal(answer.name, name);
  assert.equal(answer.description, '日本語の説明');
  for (const [key, value] of [['attempts', 1], ['httpStatus', 200], ['requestId', answer.requestId]]) {
    assert.deepEqual(Object.getOwnPropertyDescriptor(answer, key), {
      value, writable: false, enumerable: false, configurable: false,
    });
  }
  assert.equal(typeof answer.requestId, 'string');
  assert.deepEqual(JSON.parse(JSON.stringify(answer)).name, name, 'the metadata stays out of JSON');
  assert.ok(!('attempts' in JSON.parse(JSON.stringify(answer))));
});

test('integrations: create, get, update, updateAuth, icon and setIcon', async () => {
  const client = env.client();
  const created = await client.integrations.create({ name: 'Weather', description: 'Forecasts' });
  assert.equal(created.name, 'Weather');
  assert.equal(created.description, 'Forecasts');
  assert.match(created.createdAt, /^\d{4}-\d\d-\d\dT/);
  assert.equal(created.attempts, 1);
  assert.equal(JSON.stringify(created).includes('attempts'), false);

  const got = await client.integrations.get(created.id);
  assert.equal(got.id, created.id);
  assert.equal(got.authType, 'NONE');
  assert.deepEqual(got.actions, []);
  assert.deepEqual(got.triggers, []);

  const updated = await client.integrations.update(created.id, { description: 'Forecasts and storms', color: '#336699' });
  assert.equal(updated.description, 'Forecasts and storms');

  const withAuth = await client.integrations.updateAuth(created.id, {
    authType: 'API_KEY',
    authFields: [{ slug: 'apiKey', label: 'API key', type: 'PASSWORD', required: true }],
    authTestCode: "return ld.request({ url: 'https://api.example.com/ping' });",
  });
  assert.equal(withAuth.authType, 'API_KEY');
  assert.equal(withAuth.authFields.length, 1);
  assert.equal(withAuth.authFields[0].slug, 'apiKey');
  assert.equal(withAuth.authFields[0].type, 'PASSWORD');
  assert.equal(typeof withAuth.authFields[0].id, 'string', 'server-made ids are shown');

  const before = await client.integrations.icon(created.id);
  assert.equal(before.iconUrl, null);
  const set = await client.integrations.setIcon(created.id, PNG);
  assert.equal(typeof set.iconUrl, 'string');
  const after = await client.integrations.icon(created.id);
  assert.equal(after.iconUrl, set.iconUrl);
  const uploads = journalOf(env.emulator, 'put_icon');
  assert.equal(uploads.at(-1).status, 200);
});

test('actions: create, update and delete, with server-made slugs on input fields', async () => {
  const client = env.client();
  const { id } = await client.integrations.create({ name: 'Actions' });
  const action = await client.actions.create(id, {
    name: 'Get forecast',
    description: 'Forecast for a city',
    code: 'return ld.request({ url: `https://api.example.com/forecast?city=${data.input.city}` });',
    inputFields: [
      { label: 'City', type: 'TEXT', required: true },
      { label: 'Days', type: 'NUMBER' },
      { label: 'Unit', type: 'SELECT', options: [{ label: 'Celsius', value: 'c' }], allowMultiSelect: false },
    ],
    requiresConfirmation: false,
  });
  assert.equal(action.name, 'Get forecast');
  assert.equal(typeof action.slug, 'string');
  assert.equal(action.requiresConfirmation, false);
  assert.deepEqual(action.inputFields.map((f) => f.label), ['City', 'Days', 'Unit']);
  assert.ok(action.inputFields.every((f) => typeof f.slug === 'string'));
  assert.deepEqual(action.inputFields.map((f) => f.order), [0, 1, 2]);
  assert.equal(action.inputFields[0].required, true);
  assert.deepEqual(action.inputFields[2].options, [{ label: 'Celsius', value: 'c' }]);

  const updated = await client.actions.update(id, action.id, { name: 'Get the forecast', inputFields: [] });
  assert.equal(updated.name, 'Get the forecast');
  assert.equal(updated.slug, action.slug, 'the slug never changes');
  assert.deepEqual(updated.inputFields, []);

  const deleted = await client.actions.delete(id, action.id);
  assert.equal(deleted.id, action.id);
  assert.equal(typeof deleted.message, 'string');
  assert.equal(deleted.alreadyDeleted, false);
  assert.deepEqual((await client.integrations.get(id)).actions, []);
});

test('triggers: create, update and delete', async () => {
  const client = env.client();
  const { id } = await client.integrations.create({ name: 'Triggers' });
  const trigger = await client.triggers.create(id, {
    name: 'Storm warning',
    description: 'Polls for storms',
    pollingCode: 'return [];',
    inputFields: [{ label: 'Region', type: 'TEXT' }],
  });
  assert.equal(trigger.name, 'Storm warning');
  assert.equal(typeof trigger.slug, 'string');
  const updated = await client.triggers.update(id, trigger.id, { name: 'Storm alert', pollingCode: 'return [];' });
  assert.equal(updated.name, 'Storm alert');
  assert.equal((await client.integrations.get(id)).triggers.length, 1);
  const deleted = await client.triggers.delete(id, trigger.id);
  assert.equal(deleted.id, trigger.id);
  assert.deepEqual((await client.integrations.get(id)).triggers, []);
});

test('requests: snake_case keys are accepted too, unknown properties are sent as they are', async () => {
  const client = env.client();
  const { id } = await client.integrations.create({ name: 'Keys', futureFlag: true });
  const body = journalOf(env.emulator, 'create_integration').at(-1).body;
  assert.equal(body.futureFlag, true);
  const action = await client.actions.create(id, { name: 'a', requires_confirmation: false });
  assert.equal(action.requiresConfirmation, false);
});

test('client: the base URL and the retry budget are readable; the key is never shown', async () => {
  const client = env.client();
  assert.equal(client.baseUrl.replace(/\/$/, ''), env.emulator.baseUrl);
  assert.equal(client.retryBudget, 500);
  assert.equal(client.pacedRate, null);
  const shown = `${client} ${require('node:util').inspect(client)} ${JSON.stringify(client)}`;
  assert.equal(shown.includes(env.emulator.apiKey), false, shown);
});

// A large answer (256 KiB or more) reaches JavaScript while the core still checks it (src/calls.rs): it is parsed
// meanwhile, and the check's verdict decides, so that it reads exactly as a small answer does.

/** A list body of `count` items made by `item`, and the same list as text of at least 256 KiB. */
function listOf(item, minBytes = 0) {
  const items = [];
  let size = 0;
  while (size < minBytes || items.length < 2) {
    const text = item(items.length);
    items.push(text);
    size += text.length + 1;
  }
  return `{"integrations":[${items.join(',')}]}`;
}

const LARGE = 256 * 1024;
const asSerialized = (n) =>
  `{"name":"Future ${n}","id":"i${n}","description":null,"authType":"PASSKEY","buildByLangdock":false,` +
  `"actions":[{"name":"A","id":"a${n}","description":"x"}],"tier":{"level":2.5}}`;
const aliased = (n) => `{"id":"i${n}","auth_type":"NONE"}`;

async function listAnswering(client, body) {
  env.emulator.inject({ operation: 'list_integrations', body });
  return client.integrations.list();
}

test('a large list reads as a small one: the text as served, or as the model says it, with its metadata', async () => {
  const client = env.client();
  for (const item of [asSerialized, aliased]) {
    const small = await listAnswering(client, listOf(item));
    const large = await listAnswering(client, listOf(item, LARGE));
    assert.ok(large.length > 1000, `${large.length} items`);
    assert.deepEqual(large.slice(0, 2), [...small]);
    assert.equal(large.length, JSON.parse(listOf(item, LARGE)).integrations.length);
    assert.deepEqual([large.attempts, large.httpStatus], [1, 200]);
    assert.match(large.requestId, /^[0-9a-f-]{36}$/);
  }
  assert.equal((await listAnswering(client, listOf(aliased, LARGE)))[1].authType, 'NONE', 'the alias is read');
  // Several at once: each takes its own check's verdict.
  const bodies = Array.from({ length: 8 }, (_, i) => listOf((n) => asSerialized(n + i), LARGE));
  for (const body of bodies) env.emulator.inject({ operation: 'list_integrations', body });
  const lists = await Promise.all(bodies.map(() => client.integrations.list()));
  assert.deepEqual(new Set(lists.map((list) => list[0].id)).size, 8);
});

test('a large answer that is not the model fails as a small one does, JSON or not', async () => {
  const client = env.client();
  const failure = async (body) => {
    const error = await listAnswering(client, body).then(
      () => assert.fail('no error'),
      (error) => error,
    );
    assert.ok(error instanceof langdock.APIError, `${error?.constructor?.name}: ${error?.message}`);
    return error;
  };
  const wrongType = (n) => `{"id":${n}}`;
  const small = await failure(listOf(wrongType));
  const large = await failure(listOf(wrongType, LARGE));
  assert.equal(large.constructor, small.constructor);
  assert.match(large.message, /^unexpected answer to a successful call \(HTTP 200\): the body is not the expected JSON/);
  const notJson = await failure(`{"integrations":[${'{"id":"i1"} '.repeat(LARGE / 10)}]}`);
  assert.match(notJson.message, /the body is not the expected JSON/);
  assert.ok(!(notJson instanceof SyntaxError));
  // The client still works.
  assert.ok((await client.integrations.list()).length >= 2);
});
