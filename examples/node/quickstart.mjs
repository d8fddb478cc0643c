// The quick-start: one custom integration from nothing to a working setup, then cleaned up.
//
// Run it against the emulator with `make demo` (or `make demo-node`), or against your workspace with
// `LANGDOCK_API_KEY=sk-ld-... node examples/node/quickstart.mjs` once `langdock` is installed.

import { Langdock } from 'langdock';

const client = new Langdock(); // LANGDOCK_API_KEY, LANGDOCK_BASE_URL
console.log(`[node] talking to ${client.baseUrl}`);

const integration = await client.integrations.create({ name: 'Weather', description: 'Forecasts for agents' });
console.log(`[node] created integration ${integration.name} (${integration.id})`);
const id = integration.id;

const withAuth = await client.integrations.updateAuth(id, {
  authType: 'API_KEY',
  authFields: [{ slug: 'apiKey', label: 'API key', type: 'PASSWORD', required: true }],
  authTestCode: "return ld.request({ url: 'https://api.example.com/ping' });",
});
console.log(`[node] auth is ${withAuth.authType} with ${withAuth.authFields.length} field(s)`);

const action = await client.actions.create(id, {
  name: 'Get forecast',
  description: 'Forecast for a city',
  code: 'return ld.request({ url: `https://api.example.com/forecast?city=${data.input.city}` });',
  inputFields: [
    { label: 'City', type: 'TEXT', required: true },
    { label: 'Days', type: 'NUMBER' },
  ],
});
const inputs = action.inputFields.map((field) => field.slug).join(', ');
console.log(`[node] added action "${action.name}" (slug ${action.slug ?? '?'}, inputs: ${inputs})`);

const trigger = await client.triggers.create(id, { name: 'Storm warning', pollingCode: 'return [];' });
console.log(`[node] added trigger "${trigger.name}" (slug ${trigger.slug ?? '?'})`);

const updated = await client.integrations.update(id, { description: 'Forecasts and storm warnings' });
console.log(`[node] updated description: "${updated.description ?? ''}"`);

const list = await client.integrations.list();
console.log(`[node] the workspace has ${list.length} integration(s):`);
for (const item of list) {
  const origin = item.buildByLangdock ? 'Langdock' : 'custom';
  console.log(`[node]   ${item.name.padEnd(24)} ${origin.padEnd(8)} ${item.actions.length} action(s)`);
}

const full = await client.integrations.get(id);
console.log(`[node] ${full.name} has ${full.actions.length} action(s) and ${full.triggers.length} trigger(s)`);

let deleted = await client.actions.delete(id, action.id);
console.log(`[node] ${deleted.message}: ${deleted.id}`);
deleted = await client.triggers.delete(id, trigger.id);
console.log(`[node] ${deleted.message}: ${deleted.id}`);
const after = await client.integrations.get(id);
console.log(`[node] done: ${after.actions.length} action(s), ${after.triggers.length} trigger(s) left`);
