// The Node soak: the Rust soak (core/examples/soak.rs) through the Node API. Many calls over every endpoint,
// many in flight, against an emulator that faults a share of all requests with every kind of failure.
// Nothing may be lost or created twice.
//
// `langdock-emulator -- node bindings-node/soak.mjs --calls 10000 --concurrency 32 --chaos 0.3`
// (`make soak-node`; `make soak` runs it with the other languages' soaks). The emulator runs in its own
// process, so that the memory figures are the client's alone; the soak drives it through its control API.
// Prints one table row on stdout, details on stderr; exits 1 when a call was lost or a create duplicated.

import { Langdock, LangdockError } from 'langdock';

const PNG = Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89', 'latin1');
const INTEGRATIONS = 8;
/** A call that has not answered after this long counts as lost (the client's own deadline is 180 s). */
const WATCHDOG_MS = 200_000;

function arg(name, fallback) {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) ? value : fallback;
}

const rssMb = () => process.memoryUsage().rss / (1024 * 1024);

/** A client method that threw instead of returning a Promise (a binding bug: counted as lost). */
class ThrownSynchronously extends Error {}

/** Starts one client call; a synchronous throw is marked so that it is told apart from a rejection. */
function start(send) {
  try {
    return send();
  } catch (error) {
    throw new ThrownSynchronously(`thrown synchronously: ${error?.message}`, { cause: error });
  }
}

/** Call `n` of the 13-way mix over every endpoint; resolves to its attempts. */
async function oneCall(client, n, integrations, pool) {
  const integration = integrations[n % integrations.length];
  switch (n % 13) {
    case 0:
      return (await start(() => client.integrations.list())).attempts;
    case 1:
      return (await start(() => client.integrations.create({ name: `soak-int-${n}` }))).attempts;
    case 2:
      return (await start(() => client.integrations.get(integration))).attempts;
    case 3:
      return (await start(() => client.integrations.update(integration, { description: `pass ${n}` }))).attempts;
    case 4: {
      const auth = { authType: 'API_KEY', authFields: [{ slug: 'apiKey', label: 'API key', type: 'PASSWORD' }] };
      return (await start(() => client.integrations.updateAuth(integration, auth))).attempts;
    }
    case 5:
      return (await start(() => client.integrations.icon(integration))).attempts;
    case 6:
      return (await start(() => client.integrations.setIcon(integration, PNG))).attempts;
    case 7:
    case 8: {
      const input = { name: `soak-action-${n}`, code: 'return 1;', inputFields: [{ label: 'City', type: 'TEXT' }] };
      const action = await start(() => client.actions.create(integration, input));
      pool.actions.push([integration, action.id]);
      return action.attempts;
    }
    case 9: {
      const taken = pool.actions.pop();
      if (taken === undefined) return (await start(() => client.integrations.get(integration))).attempts;
      const [owner, id] = taken;
      const input = { name: `soak-action-${n}-renamed`, code: 'return 2;' };
      const { attempts } = await start(() => client.actions.update(owner, id, input));
      pool.actions.push(taken);
      return attempts;
    }
    case 10: {
      const taken = pool.actions.pop();
      if (taken === undefined) return (await start(() => client.integrations.list())).attempts;
      return (await start(() => client.actions.delete(taken[0], taken[1]))).attempts;
    }
    case 11: {
      const name = `soak-trigger-${n}`;
      const trigger = await start(() => client.triggers.create(integration, { name, pollingCode: 'return [];' }));
      pool.triggers.push([integration, trigger.id, name]);
      return trigger.attempts;
    }
    default: {
      const taken = pool.triggers.pop();
      if (taken === undefined) return (await start(() => client.integrations.list())).attempts;
      const [owner, id, name] = taken;
      if (n % 2 === 0) {
        const { attempts } = await start(() => client.triggers.update(owner, id, { name, pollingCode: 'return [1];' }));
        pool.triggers.push(taken);
        return attempts;
      }
      return (await start(() => client.triggers.delete(owner, id))).attempts;
    }
  }
}

/** Settles with the call's outcome, or with `{ lost: 'watchdog' }` when it has not answered in time. */
async function watched(promise) {
  let timer;
  const watchdog = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ lost: `no answer within ${WATCHDOG_MS / 1000} s` }), WATCHDOG_MS);
  });
  try {
    return await Promise.race([promise.then((attempts) => ({ attempts }), (error) => ({ error })), watchdog]);
  } finally {
    clearTimeout(timer);
  }
}

/** Creates that exist more than once: integrations, actions and triggers with the same soak name. */
async function duplicatedCreates(client) {
  const names = new Map();
  const count = (name, by) => names.set(name, (names.get(name) ?? 0) + by);
  for (const summary of await client.integrations.list()) {
    count(summary.name, summary.name.startsWith('soak-int-') ? 1 : 0);
    const integration = await client.integrations.get(summary.id);
    for (const item of [...(integration.actions ?? []), ...(integration.triggers ?? [])]) {
      count(`${summary.id}/${item.name}`, 1);
    }
  }
  let duplicates = 0;
  for (const seen of names.values()) if (seen > 1) duplicates += seen - 1;
  return duplicates;
}

async function main() {
  const calls = Math.trunc(arg('--calls', 10_000));
  const concurrency = Math.trunc(arg('--concurrency', 32));
  const rate = arg('--chaos', 0.3);
  const baseUrl = process.env.LANGDOCK_BASE_URL;
  if (!baseUrl) throw new Error('LANGDOCK_BASE_URL: run it under langdock-emulator --');
  const control = async (path, body) => {
    const answer = await fetch(`${baseUrl.replace(/\/+$/, '')}/_emulator/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!answer.ok) throw new Error(`control API ${path}: ${answer.status} ${await answer.text()}`);
  };
  await control('reset', {});
  // LANGDOCK_API_KEY and LANGDOCK_BASE_URL from the environment, as the emulator set them.
  const client = new Langdock({
    noProxy: true,
    timeout: 5_000,
    backoff: { initial: 5, max: 100 },
    adaptivePacing: arg('--pacing', 1) > 0,
  });
  const integrations = [];
  for (let n = 0; n < INTEGRATIONS; n += 1) {
    integrations.push((await client.integrations.create({ name: `soak-base-${n}` })).id);
  }
  // One client, as a real script has: its retry budget and pacing are part of what is measured, and a call
  // the budget stops ends as a typed error, never as a lost one.
  await control('chaos', { rate, seed: 42, latencyMs: 50 });
  // Memory is read once the run is warm (a tenth of the calls made) and at the end; growth between the two
  // would be a leak.
  let rssStart = null;
  const started = performance.now();
  const pool = { actions: [], triggers: [] };
  const tally = { calls: 0, ok: 0, typedErrors: 0, lost: 0, retries: 0, errorsByClass: new Map(), lostWhy: new Map() };
  const bump = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const n = next;
      next += 1;
      if (n >= calls) return;
      if (n === Math.trunc(calls / 10)) rssStart ??= rssMb();
      let outcome;
      try {
        outcome = await watched(oneCall(client, n, integrations, pool));
      } catch (error) {
        outcome = { error };
      }
      tally.calls += 1;
      if (outcome.lost !== undefined) {
        tally.lost += 1;
        bump(tally.lostWhy, outcome.lost);
      } else if (outcome.error === undefined) {
        tally.ok += 1;
        tally.retries += Math.max(0, outcome.attempts - 1);
      } else if (outcome.error instanceof LangdockError) {
        tally.typedErrors += 1;
        tally.retries += Math.max(0, outcome.error.attempts - 1);
        bump(tally.errorsByClass, outcome.error.name);
      } else {
        // Not an error of the package, or a method that threw instead of rejecting: counted as lost.
        const { error } = outcome;
        tally.lost += 1;
        bump(tally.lostWhy, error instanceof ThrownSynchronously ? error.message : `${error?.name}: ${error?.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const rssEnd = rssMb();
  await control('chaos', { rate: 0.0 });
  const duplicates = await duplicatedCreates(new Langdock({ noProxy: true }));

  const row = [
    'node',
    tally.calls,
    tally.ok,
    tally.typedErrors,
    tally.lost,
    duplicates,
    tally.retries,
    (rssStart ?? 0).toFixed(0),
    rssEnd.toFixed(0),
    seconds.toFixed(1),
  ];
  process.stdout.write(`| ${row.join(' | ')} |\n`);
  const listed = (map) => [...map].map(([what, count]) => `${what} ${count}`).sort().join(', ');
  process.stderr.write(`node typed errors: ${listed(tally.errorsByClass)}\n`);
  if (tally.lost > 0) process.stderr.write(`node lost: ${listed(tally.lostWhy)}\n`);
  if (tally.lost > 0 || duplicates > 0 || tally.calls !== calls) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`node soak failed: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
