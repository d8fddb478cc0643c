'use strict';
// A wrong argument is a TypeError naming the parameter, as JavaScript users expect, before anything is sent; no
// message names a Rust type.

const test = require('node:test');
const assert = require('node:assert/strict');
const { setup, newIntegration } = require('../testlib/harness.js');

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
