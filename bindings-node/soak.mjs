// The Node soak: the Rust soak (core/examples/soak.rs) through the Node API. Many calls over every endpoint,
// many in flight, against an emulator that faults a share of all requests with every kind of failure.
// Nothing may be lost or created twice.
//
// `langdock-emulator -- node bindings-node/soak.mjs --calls 10000 --concurrency 32 --chaos 0.3`
// (`make soak-node`; `make soak` runs it with the other languages' soaks). The emulator runs in its own
// process, so that the memory figures are the client's alone; the soak drives it through its control API.
//
// With `--restarts N` it is the crash-restart soak instead, run under `crash_supervisor`
// (core/examples/crash_supervisor.rs): creates, updates, deletes and reads while the emulator is killed with
// SIGKILL and restarted on the same `--state` N times, then every write the client saw acknowledged is read
// back from the final state. Prints one table row on stdout, details on stderr; exits 1 when a call or an
// acknowledged write was lost or a create duplicated.
//
// Which operations, in what proportion, and with what faults is data: tests/soak/mix.json, which the Rust and
// Python soaks read too.

import { readFileSync } from 'node:fs';
import net from 'node:net';

import { Langdock, LangdockError } from 'langdock';

const PNG = Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89', 'latin1');
/** The workload, the one description the three languages' soak runners read. */
const MIX = new URL('../tests/soak/mix.json', import.meta.url);
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

/** A run's mix as a cycle: each entry `weight` times, in order; call n runs `cycle[n % cycle.length]`. */
const cycle = (run) => run.mix.flatMap((entry) => Array(entry.weight).fill(entry));

/** The read an update or delete makes instead when no item is free: a list, or a get of `integration`. */
async function instead(client, entry, integration) {
  const read =
    entry.whenNoneFree === 'get_integration'
      ? () => client.integrations.get(integration)
      : () => client.integrations.list();
  return (await start(read)).attempts;
}

/**
 * The kinds of item an integration holds: the client's resource, the chaos pool's and the ledger's lists, and
 * what a write sends besides the name (`detail` goes where the crash run reads it back, an action's code or a
 * trigger's description, so it is code-shaped; `first` for a create).
 */
const ITEM_KINDS = {
  action: {
    resource: (client) => client.actions,
    pool: (pool) => pool.actions,
    book: (ledger) => [ledger.actions, ledger.freeActions],
    body: (detail, first) => ({ code: detail, ...(first && { inputFields: [{ label: 'City', type: 'TEXT' }] }) }),
  },
  trigger: {
    resource: (client) => client.triggers,
    pool: (pool) => pool.triggers,
    book: (ledger) => [ledger.triggers, ledger.freeTriggers],
    body: (detail, first) => ({ description: detail, pollingCode: first ? 'return [];' : 'return [1];' }),
  },
};

/**
 * The verb and kind of an operation on an action or a trigger, read from its wire name `<verb>_<kind>` (e.g.
 * `{ verb: 'delete', kind: 'action' }`); undefined for the operations on an integration itself.
 */
function itemOperation(op) {
  const [verb, kind] = op.split('_');
  const known = ['create', 'update', 'delete'].includes(verb) && Object.hasOwn(ITEM_KINDS, kind);
  return known ? { verb, kind } : undefined;
}

/**
 * A chaos call to an action or a trigger: a create adds to the kind's pool; an update or delete takes an item
 * from it (an update returns it), or makes the entry's read instead when none is free.
 */
async function itemCall(client, n, entry, { verb, kind }, integration, pool) {
  const { resource, body } = ITEM_KINDS[kind];
  const [api, items] = [resource(client), ITEM_KINDS[kind].pool(pool)];
  if (verb === 'create') {
    const name = `soak-${kind}-${n}`;
    const created = await start(() => api.create(integration, { name, ...body('return 1;', true) }));
    items.push([integration, created.id, name]);
    return created.attempts;
  }
  const taken = items.pop();
  if (taken === undefined) return instead(client, entry, integration);
  const [owner, id, name] = taken;
  if (verb === 'delete') return (await start(() => api.delete(owner, id))).attempts;
  const { attempts } = await start(() => api.update(owner, id, { name, ...body('return 2;', false) }));
  items.push(taken);
  return attempts;
}

/** Call `n` of the chaos run, `entry` of its mix; resolves to its attempts. */
async function oneCall(client, n, entry, integrations, pool) {
  const integration = integrations[n % integrations.length];
  const item = itemOperation(entry.op);
  if (item) return itemCall(client, n, entry, item, integration, pool);
  switch (entry.op) {
    case 'list_integrations':
      return (await start(() => client.integrations.list())).attempts;
    case 'create_integration':
      return (await start(() => client.integrations.create({ name: `soak-int-${n}` }))).attempts;
    case 'get_integration':
      return (await start(() => client.integrations.get(integration))).attempts;
    case 'update_integration':
      return (await start(() => client.integrations.update(integration, { description: `pass ${n}` }))).attempts;
    case 'update_auth': {
      const auth = { authType: 'API_KEY', authFields: [{ slug: 'apiKey', label: 'API key', type: 'PASSWORD' }] };
      return (await start(() => client.integrations.updateAuth(integration, auth))).attempts;
    }
    case 'get_icon':
      return (await start(() => client.integrations.icon(integration))).attempts;
    case 'put_icon':
      return (await start(() => client.integrations.setIcon(integration, PNG))).attempts;
    default:
      throw new Error(`tests/soak/mix.json: the chaos run does not call ${entry.op}`);
  }
}

// The crash-restart run's record of what the client was told about each item, checked against the final
// state: `[name, detail]` for an acknowledged create or update (an integration's or trigger's description, an
// action's code), GONE for an acknowledged delete, UNSURE for a write that ended in an error (applied or not,
// both are right, so it is not checked).
const GONE = 'gone';
const UNSURE = 'unsure';

/** Records a write to an item taken from `free` (`undefined`: it failed); puts the item back when it is there. */
function settle(known, free, key, outcome) {
  known.set(key, outcome ?? UNSURE);
  if (Array.isArray(outcome)) free.push(key);
}

/** Call `n` of the crash-restart run, `entry` of its mix; resolves to its attempts. */
async function crashCall(client, n, entry, ledger) {
  const base = ledger.base[n % ledger.base.length];
  const item = itemOperation(entry.op);
  if (item) return crashItemCall(client, n, entry, item, base, ledger);
  switch (entry.op) {
    case 'list_integrations':
      return (await start(() => client.integrations.list())).attempts;
    case 'create_integration': {
      const [name, description] = [`crash-int-${n}`, `created ${n}`];
      let created;
      try {
        created = await start(() => client.integrations.create({ name, description }));
      } catch (error) {
        ledger.creates.set(name, error?.maybeCreated ? 'ambiguous' : 'refused');
        throw error;
      }
      ledger.creates.set(name, 'acknowledged');
      ledger.integrations.set(created.id, [name, description]);
      ledger.freeIntegrations.push(created.id);
      return created.attempts;
    }
    case 'get_integration': {
      const target = entry.of === 'newest' ? (ledger.freeIntegrations.at(-1) ?? base) : base;
      return (await start(() => client.integrations.get(target))).attempts;
    }
    case 'update_integration': {
      const id = ledger.freeIntegrations.pop();
      if (id === undefined) return instead(client, entry, base);
      const description = `pass ${n}`;
      let outcome;
      try {
        const updated = await start(() => client.integrations.update(id, { description }));
        outcome = [updated.name, description];
        return updated.attempts;
      } finally {
        settle(ledger.integrations, ledger.freeIntegrations, id, outcome);
      }
    }
    default:
      throw new Error(`tests/soak/mix.json: the crash-restart run does not call ${entry.op}`);
  }
}

/**
 * A crash-restart call to an action or a trigger, recorded in the ledger: a create makes a free item; an update
 * or delete takes one (or makes the entry's read instead when none is free).
 */
async function crashItemCall(client, n, entry, { verb, kind }, base, ledger) {
  const { resource, book, body } = ITEM_KINDS[kind];
  const [api, [known, free]] = [resource(client), book(ledger)];
  const [name, detail] = [`crash-${kind}-${n}`, `return ${n};`];
  if (verb === 'create') {
    const created = await start(() => api.create(base, { name, ...body(detail, true) }));
    const key = `${base}/${created.id}`;
    known.set(key, [name, detail]);
    free.push(key);
    return created.attempts;
  }
  const key = free.pop();
  if (key === undefined) return instead(client, entry, base);
  const [owner, id] = key.split('/');
  let outcome;
  try {
    if (verb === 'update') {
      const { attempts } = await start(() => api.update(owner, id, { name, ...body(detail, false) }));
      outcome = [name, detail];
      return attempts;
    }
    const { attempts } = await start(() => api.delete(owner, id));
    outcome = GONE;
    return attempts;
  } finally {
    settle(known, free, key, outcome);
  }
}

/**
 * Reads the final state back through the API and checks every entry of the ledger against it: acknowledged
 * writes missing from it, creates that exist more than once, creates reported as refused that exist all the same.
 */
async function checkLedger(client, ledger) {
  const verdict = { lostWrites: 0, duplicates: 0, misreported: 0, checked: '', details: [] };
  const summaries = new Map((await client.integrations.list()).map((summary) => [summary.id, summary]));
  const byName = new Map();
  for (const { name } of summaries.values()) byName.set(name, (byName.get(name) ?? 0) + 1);
  for (const [name, created] of ledger.creates) {
    const seen = byName.get(name) ?? 0;
    verdict.duplicates += Math.max(0, seen - 1);
    // An acknowledged create is checked by its id below, with the updates that followed it.
    if (created === 'refused' && seen > 0) {
      verdict.misreported += 1;
      verdict.details.push(`integration ${name} exists although its create failed as not created`);
    }
  }
  const lost = (what) => {
    verdict.lostWrites += 1;
    verdict.details.push(what);
  };
  const same = (expected, actual) => actual !== undefined && expected[0] === actual[0] && expected[1] === actual[1];
  for (const [id, known] of ledger.integrations) {
    const summary = summaries.get(id);
    const found = summary === undefined ? undefined : [summary.name, summary.description];
    if (Array.isArray(known) && !same(known, found)) {
      lost(`integration ${id}: expected ${JSON.stringify(known)}, found ${JSON.stringify(found)}`);
    }
  }
  const found = { action: new Map(), trigger: new Map() };
  const names = new Map();
  for (const id of ledger.base) {
    // A base integration that is gone is already counted above; its items are counted below.
    if (!summaries.has(id)) continue;
    const integration = await client.integrations.get(id);
    for (const [kind, items, detail] of [
      ['action', integration.actions ?? [], (action) => action.code ?? ''],
      ['trigger', integration.triggers ?? [], (trigger) => trigger.description ?? ''],
    ]) {
      for (const item of items) {
        names.set(`${id}/${item.name}`, (names.get(`${id}/${item.name}`) ?? 0) + 1);
        found[kind].set(`${id}/${item.id}`, [item.name, detail(item)]);
      }
    }
  }
  for (const [kind, known] of [['action', ledger.actions], ['trigger', ledger.triggers]]) {
    for (const [key, expected] of known) {
      const actual = found[kind].get(key);
      if (expected === UNSURE || (expected === GONE && actual === undefined) || same(expected, actual)) continue;
      lost(`${kind} ${key}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`);
    }
  }
  for (const seen of names.values()) verdict.duplicates += Math.max(0, seen - 1);
  // What was checked, for the log: a soak that checked nothing proves nothing.
  const count = (known) => {
    const states = [...known.values()];
    const present = states.filter(Array.isArray).length;
    const gone = states.filter((state) => state === GONE).length;
    return `${present} there, ${gone} gone, ${states.length - present - gone} unsure`;
  };
  const ambiguous = [...ledger.creates].filter(([, created]) => created === 'ambiguous').map(([name]) => name);
  verdict.checked =
    `integrations ${count(ledger.integrations)}; actions ${count(ledger.actions)}; ` +
    `triggers ${count(ledger.triggers)}; ambiguous integration creates ${ambiguous.length} ` +
    `(${ambiguous.filter((name) => byName.has(name)).length} of them exist)`;
  return verdict;
}

/** Asks the crash supervisor (at `LANGDOCK_SOAK_SUPERVISOR`) to kill and restart the emulator; resolves once the
 * new one listens. */
function restartEmulator(socket) {
  return new Promise((resolve, reject) => {
    let answer = '';
    const connection = net.createConnection(socket, () => connection.write('restart\n'));
    connection.setEncoding('utf8');
    connection.on('data', (chunk) => {
      answer += chunk;
      if (!answer.includes('\n')) return;
      connection.end();
      if (answer.startsWith('restarted')) resolve();
      else reject(new Error(`the supervisor answered ${JSON.stringify(answer)}`));
    });
    connection.on('error', reject);
  });
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
  const mix = JSON.parse(readFileSync(MIX, 'utf8'));
  const calls = Math.trunc(arg('--calls', mix.calls));
  const concurrency = Math.trunc(arg('--concurrency', mix.concurrency));
  const rate = arg('--chaos', mix.chaos.faults.rate);
  const restarts = Math.trunc(arg('--restarts', 0));
  const baseUrl = process.env.LANGDOCK_BASE_URL;
  if (!baseUrl) throw new Error('LANGDOCK_BASE_URL: run it under langdock-emulator --');
  const supervisor = restarts > 0 ? process.env.LANGDOCK_SOAK_SUPERVISOR : undefined;
  if (restarts > 0 && !supervisor) throw new Error('LANGDOCK_SOAK_SUPERVISOR: run --restarts under crash_supervisor');
  const control = async (path, body) => {
    const answer = await fetch(`${baseUrl.replace(/\/+$/, '')}/_emulator/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!answer.ok) throw new Error(`control API ${path}: ${answer.status} ${await answer.text()}`);
  };
  // LANGDOCK_API_KEY and LANGDOCK_BASE_URL from the environment, as the emulator set them.
  let client;
  if (supervisor) {
    // Retries enough to ride over a restart (connect refused is provably not applied, so even creates retry
    // it); a call the window is too long for still ends as a typed error.
    client = new Langdock({
      noProxy: true,
      timeout: 5_000,
      deadline: 60_000,
      maxRetries: 12,
      backoff: { initial: 50, max: 1_000 },
    });
  } else {
    await control('reset', {});
    client = new Langdock({
      noProxy: true,
      timeout: 5_000,
      backoff: { initial: 5, max: 100 },
      adaptivePacing: arg('--pacing', 1) > 0,
    });
  }
  const prefix = supervisor ? 'crash-base' : 'soak-base';
  const integrations = [];
  for (let n = 0; n < mix.baseIntegrations; n += 1) {
    integrations.push((await client.integrations.create({ name: `${prefix}-${n}`, description: 'base' })).id);
  }
  const ledger = {
    base: integrations,
    creates: new Map(),
    integrations: new Map(integrations.map((id, n) => [id, [`${prefix}-${n}`, 'base']])),
    actions: new Map(),
    triggers: new Map(),
    freeIntegrations: [...integrations],
    freeActions: [],
    freeTriggers: [],
  };
  // One client, as a real script has: its retry budget and pacing are part of what is measured, and a call
  // the budget stops ends as a typed error, never as a lost one.
  if (!supervisor) await control('chaos', { ...mix.chaos.faults, rate });
  // Faults live in the emulator's memory and die with it: the crash run's faults are the restarts, which fall
  // at even shares of the calls so that all of them happen while calls are in flight.
  const restartAt = new Set(Array.from({ length: restarts }, (_, k) => Math.trunc(((k + 1) * calls) / (restarts + 1))));
  let restarted = 0;
  const restartFailures = [];
  // Memory is read once the run is warm (a tenth of the calls made) and at the end; growth between the two
  // would be a leak.
  let rssStart = null;
  const started = performance.now();
  const pool = { actions: [], triggers: [] };
  const entries = cycle(supervisor ? mix.crash : mix.chaos);
  const tally = { calls: 0, ok: 0, typedErrors: 0, lost: 0, retries: 0, errorsByClass: new Map(), lostWhy: new Map() };
  const bump = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const n = next;
      next += 1;
      if (n >= calls) return;
      if (n === Math.trunc(calls / 10)) rssStart ??= rssMb();
      if (supervisor && restartAt.has(n)) {
        try {
          await restartEmulator(supervisor);
          restarted += 1;
        } catch (error) {
          restartFailures.push(String(error?.message ?? error));
        }
      }
      let outcome;
      try {
        const entry = entries[n % entries.length];
        outcome = await watched(
          supervisor ? crashCall(client, n, entry, ledger) : oneCall(client, n, entry, integrations, pool),
        );
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
  const label = supervisor ? 'node (crash-restart)' : 'node';
  let duplicates;
  let lostWrites = null;
  let misreported = 0;
  if (supervisor) {
    // Every restart was answered before this point: this reads the state the last emulator loaded.
    const verdict = await checkLedger(client, ledger);
    ({ lostWrites, duplicates, misreported } = verdict);
    process.stderr.write(`${label} checked: ${verdict.checked}\n`);
    for (const detail of verdict.details.slice(0, 20)) process.stderr.write(`${label}: ${detail}\n`);
    if (verdict.details.length > 20) process.stderr.write(`${label}: and ${verdict.details.length - 20} more\n`);
  } else {
    await control('chaos', { rate: 0.0 });
    duplicates = await duplicatedCreates(new Langdock({ noProxy: true }));
  }

  const row = [
    label,
    tally.calls,
    restarted,
    tally.ok,
    tally.typedErrors,
    tally.lost,
    lostWrites ?? '-',
    duplicates,
    tally.retries,
    (rssStart ?? 0).toFixed(0),
    rssEnd.toFixed(0),
    seconds.toFixed(1),
  ];
  process.stdout.write(`| ${row.join(' | ')} |\n`);
  const listed = (map) => [...map].map(([what, count]) => `${what} ${count}`).sort().join(', ');
  process.stderr.write(`${label} typed errors: ${listed(tally.errorsByClass)}\n`);
  if (tally.lost > 0) process.stderr.write(`${label} lost: ${listed(tally.lostWhy)}\n`);
  for (const why of restartFailures) process.stderr.write(`${label}: a restart failed: ${why}\n`);
  const failed = tally.lost > 0 || duplicates > 0 || (lostWrites ?? 0) > 0 || misreported > 0;
  if (failed || restartFailures.length > 0 || tally.calls !== calls || restarted !== restarts) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`node soak failed: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
