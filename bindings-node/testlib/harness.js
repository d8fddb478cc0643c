'use strict';
// Shared by the tests (kept outside test/ so `node --test` does not run it as a test file).

const { Langdock } = require('langdock');
const { Emulator } = require('langdock/testing');

/** Backoff short enough for tests: retries happen, waits do not matter. */
const FAST = { backoff: { initial: 1, max: 5 } };

/** An emulator for one test file, and clients pointed at it. */
function setup() {
  const state = { emulator: null };
  return {
    start() {
      state.emulator = new Emulator();
      return state.emulator;
    },
    get emulator() {
      return state.emulator;
    },
    client(options = {}) {
      return new Langdock({ ...state.emulator.clientOptions(), ...FAST, ...options });
    },
    stop() {
      state.emulator?.stop();
    },
  };
}

/** The journal entries of one operation. */
function journalOf(emulator, operation) {
  return emulator.journal().filter((entry) => entry.operation === operation);
}

/** A fresh custom integration's id. */
async function newIntegration(client, name = 'Test') {
  const created = await client.integrations.create({ name });
  return created.id;
}

module.exports = { setup, journalOf, newIntegration, FAST };
