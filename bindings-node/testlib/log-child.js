'use strict';
// Run by test/logging.test.cjs with LANGDOCK_LOG set: one call that is retried once.
const { Langdock } = require('langdock');
const { Emulator } = require('langdock/testing');

(async () => {
  const emulator = new Emulator({ keys: ['sk-ld-log-secret'] });
  emulator.failNext('list_integrations', 503);
  const client = new Langdock({ ...emulator.clientOptions(), backoff: { initial: 1, max: 1 } });
  await client.integrations.list();
  emulator.stop();
  console.log('done');
})();
