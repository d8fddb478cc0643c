// The Node bench: `langdock` against the built-in `fetch` and `axios` (the client of Langdock's own examples),
// on the workloads of tests/bench/README.md. `make bench` runs it under a release emulator
// (`langdock-emulator -- node bindings-node/bench/bench.mjs`) and it appends one JSON line per measurement to
// `$BENCH_OUT` (default target/bench/results.jsonl).
//
// The parent sets up the emulator through its control API and runs every measurement in a child process of
// its own (this file with `--child`), so that each peak-memory figure is that client's alone; load times are
// measured by load.cjs, each in a fresh process.
//
// The Rust core is one more client of the concurrent get, list and create measurements (`rust-core`): the Rust
// bench's child (`core/examples/bench.rs --child`, path in BENCH_RUST_CHILD, set by `make bench-node`) run in the
// same place of the same repetition, with the same warm-up and window, so that the binding tax compares figures
// measured side by side. Without BENCH_RUST_CHILD there are no `rust-core` rows.
//
// BENCH_ONLY=bulk,scaling,get,list,create,retry,import runs a subset; BENCH_REPEATS (default 3) the repetitions.

import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const IN_FLIGHT = 64;
const BULK_CALLS = 1000;
const BULK_PER_MINUTE = 3000;
const RUST_CORE = 'rust-core';
const CLIENTS = ['langdock', 'fetch', 'axios', RUST_CORE];
// A concurrent measurement (get, list, create, retry), after its warm-up: 64 calls in flight throughout, SETTLE_MS
// unmeasured (V8 runs its first thousands of calls before its JIT: the figures should be of the steady state, the
// peers' as much as langdock's), then CONCURRENT_MS in which the calls that end count. The same in the three
// benches; the Rust core's child gets this window as BENCH_CONCURRENT_SECONDS.
const SETTLE_MS = 300;
const CONCURRENT_MS = 1000;
// How long a concurrent measurement's warm-up waits after its first call before it opens 64 connections: past a new
// client's start window (0.6 s after its first send, core/src/pacing.rs), so that the measurement sees the client's
// steady state, and 64 open connections.
const WARM_UP_MS = 700;
// One call at a time: 200 calls after 20 (the Rust bench: 300 after 30), enough for a stable p50, and it keeps
// `make bench` within 20 minutes now that the Rust core is measured in this run too.
const SEQUENTIAL = [20, 200];
// `scaling`: langdock against fetch + .json(), one call at a time, on a workspace of each size.
const SCALING_CLIENTS = ['langdock', 'fetch'];
const SCALING_SIZES = [100, 1_000, 10_000];
/** Warm-up and measured calls of a `scaling` measurement: fewer as the answer grows (as the Rust bench). */
const scalingCalls = (items) => (items <= 100 ? [20, 200] : items <= 1000 ? [5, 60] : [3, 30]);

const baseUrl = () => {
  const url = process.env.LANGDOCK_BASE_URL;
  if (!url) throw new Error('LANGDOCK_BASE_URL: run it under langdock-emulator --');
  return url.replace(/\/+$/, '');
};
const apiKey = () => process.env.LANGDOCK_API_KEY ?? 'sk-ld-emulator-local';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function control(path, body) {
  const send = () =>
    fetch(`${baseUrl()}/_emulator/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  // The emulator closes idle connections while a child runs: the control calls (all idempotent) try again.
  const answer = await send().catch(() => send());
  if (!answer.ok) throw new Error(`control API ${path}: ${answer.status} ${await answer.text()}`);
  return answer.json();
}

function peakRssMb() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.round((sorted.length - 1) * p)] : 0;
}

// ---------------------------------------------------------------------------------------------------------
// Retry policies of the peers.

/** An HTTP answer that is not 2xx, as the fetch peer sees it (status 0: no answer). */
class HttpError extends Error {
  constructor(status, retryAfter) {
    super(`HTTP ${status}`);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/** `Retry-After` in milliseconds (seconds or an HTTP date), or null. */
function retryAfterMs(header) {
  if (header == null || header === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null;
}

/**
 * The peers' policies, each as { retries, retryable(status), delay(retry, retryAfterMs) } with `retry` counting
 * from 1 (as axios-retry does).
 * - `typical`: what axios users add, axios-retry with `exponentialDelay` (100 ms * 2^retry, +0-20% jitter,
 *   never less than Retry-After), 5 retries, on 429, 5xx and network errors; the fetch peer's loop does the same.
 * - `stainless`: the Stainless default, 2 retries, 0.5 s doubling to 8 s minus up to 25% jitter, Retry-After
 *   honoured up to 60 s, on 408, 409, 429, 5xx and network errors.
 * - `retry` (the `retry` workload): 5 retries, 10 ms doubling to 100 ms, as langdock is configured there.
 */
const POLICIES = {
  typical: {
    retries: 5,
    retryable: (status) => status === 0 || status === 429 || (status >= 500 && status <= 599),
    delay: (retry, after) => {
      const delay = Math.max(2 ** retry * 100, after ?? 0);
      return delay + delay * 0.2 * Math.random();
    },
  },
  stainless: {
    retries: 2,
    retryable: (status) => status === 0 || status === 408 || status === 409 || status === 429 || status >= 500,
    delay: (retry, after) => {
      if (after != null && after <= 60_000) return after;
      return Math.min(500 * 2 ** (retry - 1), 8000) * (1 - 0.25 * Math.random());
    },
  },
  retry: {
    retries: 5,
    retryable: (status) => status === 0 || status === 408 || status === 429 || status >= 500,
    delay: (retry, after) => {
      if (after != null && after <= 60_000) return after;
      return Math.min(10 * 2 ** (retry - 1), 100) * (1 - 0.25 * Math.random());
    },
  },
};

/** The hand-written loop of the fetch peer. */
async function withRetries(policy, send) {
  for (let retry = 1; ; retry++) {
    try {
      return await send();
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 0;
      if (retry > policy.retries || !policy.retryable(status)) throw error;
      await sleep(policy.delay(retry, retryAfterMs(error.retryAfter)));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The three clients, each making the same calls and returning the decoded model.

async function makeClient(name, policyName) {
  const policy = policyName ? POLICIES[policyName] : null;
  const api = `${baseUrl()}/integrations/v1`;
  const auth = `Bearer ${apiKey()}`;
  if (name === 'langdock') {
    const { Langdock } = await import('langdock');
    const options = { noProxy: true };
    if (policyName === 'retry') Object.assign(options, { maxRetries: 5, backoff: { initial: 10, max: 100 } });
    if (policyName === 'stainless') Object.assign(options, { maxRetries: 2, adaptivePacing: false });
    const client = new Langdock(options);
    return {
      get: (id) => client.integrations.get(id),
      list: () => client.integrations.list(),
      createAction: (id, body) => client.actions.create(id, body),
    };
  }
  if (name === 'fetch') {
    const send = async (method, path, body) => {
      const headers = { authorization: auth };
      if (body !== undefined) headers['content-type'] = 'application/json';
      let answer;
      try {
        answer = await fetch(api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (error) {
        throw Object.assign(new HttpError(0, null), { cause: error });
      }
      if (!answer.ok) {
        await answer.arrayBuffer();
        throw new HttpError(answer.status, answer.headers.get('retry-after'));
      }
      return answer.json();
    };
    const call = policy ? (...args) => withRetries(policy, () => send(...args)) : send;
    return {
      get: async (id) => (await call('GET', `/${id}`)).integration,
      list: async () => (await call('GET', '/get')).integrations,
      createAction: async (id, body) => (await call('POST', `/${id}/actions/create`, body)).action,
    };
  }
  if (name === 'axios') {
    const { default: axios } = await import('axios');
    const http = axios.create({ baseURL: api, headers: { authorization: auth }, proxy: false });
    if (policy) {
      const { default: axiosRetry } = await import('axios-retry');
      const typical = policyName === 'typical';
      axiosRetry(http, {
        retries: policy.retries,
        // axios-retry's own exponentialDelay for the typical policy (it honours Retry-After), else the policy's.
        retryDelay: typical
          ? axiosRetry.exponentialDelay
          : (retry, error) => policy.delay(retry, retryAfterMs(error?.response?.headers?.['retry-after'])),
        retryCondition: (error) => policy.retryable(error.response?.status ?? 0),
      });
    }
    return {
      get: async (id) => (await http.get(`/${id}`)).data.integration,
      list: async () => (await http.get('/get')).data.integrations,
      createAction: async (id, body) => (await http.post(`/${id}/actions/create`, body)).data.action,
    };
  }
  throw new Error(`unknown client ${name}`);
}

// ---------------------------------------------------------------------------------------------------------
// One measurement, in a child process: prints its JSON line on stdout.

async function child(clientName, workload, mode, policyName, first) {
  const policy = workload === 'retry' ? 'retry' : workload === 'bulk' ? policyName : null;
  const client = await makeClient(clientName, policy);
  const code = 'z'.repeat(5000);
  // `scaling`: the list touched as a user would (its length, the first and last name); counts only if whole.
  const items = workload === 'scaling' ? Number(first) : 0;
  const scaling = async () => {
    const list = await client.list();
    const touched = [list.length, list[0]?.name, list[list.length - 1]?.name];
    const expected = [items, 'seed-00000', `seed-${String(items - 1).padStart(5, '0')}`];
    if (touched.join() !== expected.join()) throw new Error(`unexpected list: ${touched}`);
    return touched;
  };
  const call = (n) => {
    switch (workload) {
      case 'scaling':
        return scaling();
      case 'get':
      case 'retry':
        return client.get(first);
      case 'list':
        return client.list();
      case 'create':
        // Unique per process too: sequential, concurrent and repeated runs share the integration.
        return client.createAction(first, { name: `bench-${clientName}-${process.pid}-${n}`, code });
      case 'bulk':
        return client.createAction(first, { name: `bulk-${clientName}-${policyName}-${n}`, code: 'return 1;' });
      default:
        throw new Error(`unknown workload ${workload}`);
    }
  };
  /** Makes `calls` calls with IN_FLIGHT in flight; returns the latencies (ms), failures and seconds. */
  const concurrently = async (calls, offset) => {
    const latencies = new Float64Array(calls);
    let next = 0;
    let failed = 0;
    const started = performance.now();
    const worker = async () => {
      for (let n; (n = next++) < calls; ) {
        const at = performance.now();
        if (!(await succeeds(offset + n))) failed++;
        latencies[n] = performance.now() - at;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    return { latencies, failed, seconds: (performance.now() - started) / 1000 };
  };
  /**
   * Keeps IN_FLIGHT calls in flight for SETTLE_MS and then CONCURRENT_MS; returns the latencies (ms) and failures
   * of the calls that ended in that window, and its length in seconds.
   */
  const steadily = async () => {
    const latencies = [];
    let next = 0;
    let failed = 0;
    const opens = performance.now() + SETTLE_MS;
    const closes = opens + CONCURRENT_MS;
    const worker = async () => {
      for (let at = performance.now(); at < closes; at = performance.now()) {
        const ok = await succeeds(next++);
        const ended = performance.now();
        if (ended < opens || ended >= closes) continue;
        if (!ok) failed++;
        latencies.push(ended - at);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    return { latencies, failed, seconds: CONCURRENT_MS / 1000 };
  };
  let reported = 0;
  /** Whether call `n` answered with a model (the first few failures are printed). */
  const succeeds = async (n) => {
    try {
      const model = await call(n);
      if (model == null || typeof model !== 'object') throw new Error('no model decoded');
      return true;
    } catch (error) {
      if (++reported <= 3) process.stderr.write(`  ${clientName} ${workload}: ${error?.message ?? error}\n`);
      return false;
    }
  };

  const row = {
    language: 'node', client: clientName, workload, mode, calls: 0, seconds: 0, rps: 0, p50_ms: null,
    p99_ms: null, peak_rss_mb: null, failed: 0, policy: null, ideal_fraction: null, status_429: null,
    import_ms: null,
  };
  let result;
  if (workload === 'bulk') {
    result = await concurrently(BULK_CALLS, 0);
    row.policy = policyName;
    row.ideal_fraction = BULK_CALLS / (BULK_PER_MINUTE / 60) / result.seconds;
  } else if (mode === 'sequential') {
    const [warmUp, calls] = workload === 'scaling' ? scalingCalls(items) : SEQUENTIAL;
    for (let n = 0; n < warmUp; n++) await call(1_000_000 + n);
    const latencies = new Float64Array(calls);
    let failed = 0;
    const started = performance.now();
    for (let n = 0; n < calls; n++) {
      const at = performance.now();
      try {
        await call(n);
      } catch {
        failed++;
      }
      latencies[n] = performance.now() - at;
    }
    result = { latencies, failed, seconds: (performance.now() - started) / 1000 };
  } else {
    // Warm-up: one call, which starts a langdock client's start window; the rest of WARM_UP_MS; then 64 calls at
    // once, so that 64 connections are open (inside the start window they would share a handful).
    const warmUntil = performance.now() + WARM_UP_MS;
    await concurrently(1, 3_000_000);
    await sleep(Math.max(0, warmUntil - performance.now()));
    await concurrently(IN_FLIGHT, 2_000_000);
    result = await steadily();
  }
  if (workload === 'scaling') row.items = items;
  const sorted = Array.from(result.latencies).sort((a, b) => a - b);
  Object.assign(row, {
    calls: sorted.length,
    seconds: result.seconds,
    rps: sorted.length / result.seconds,
    p50_ms: percentile(sorted, 0.5),
    p99_ms: percentile(sorted, 0.99),
    failed: result.failed,
    peak_rss_mb: peakRssMb(),
  });
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// The parent: set-up through the control API and langdock, one child per measurement.

/**
 * The Rust core's measurement of `[workload, 'concurrent', policy, target]`, by the Rust bench's child with the
 * same warm-up and window as a Node client's, recorded as Node's `rust-core` row; null without BENCH_RUST_CHILD.
 */
function runRustCore(args) {
  const child = process.env.BENCH_RUST_CHILD;
  if (!child) return null;
  const answer = spawnSync(child, ['--child', 'langdock', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
    env: { ...process.env, BENCH_CONCURRENT_SECONDS: String(CONCURRENT_MS / 1000) },
  });
  if (answer.status !== 0) {
    process.stderr.write(`node bench: rust-core ${args.join(' ')} failed (exit ${answer.status ?? answer.signal})\n`);
    return null;
  }
  return { ...JSON.parse(answer.stdout.trim().split('\n').pop()), language: 'node', client: RUST_CORE };
}

function runChild(args) {
  if (args[0] === RUST_CORE) return runRustCore(args.slice(1));
  const answer = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
    // The core warns on every call it gives up retrying (the retry budget): the bench counts them instead.
    env: { ...process.env, LANGDOCK_LOG: process.env.LANGDOCK_LOG ?? 'error' },
  });
  if (answer.status !== 0) {
    process.stderr.write(`node bench ${args.join(' ')} failed (exit ${answer.status ?? answer.signal})\n`);
    return null;
  }
  return JSON.parse(answer.stdout.trim().split('\n').pop());
}

/** The data every workload reads (not measured): 100 integrations of 3 actions, the first with 4 more. */
async function setUp(langdock) {
  await control('reset', {});
  const ids = [];
  for (let n = 0; n < 100; n++) {
    const { id } = await langdock.integrations.create({ name: `bench-${String(n).padStart(3, '0')}` });
    for (let a = 0; a < 3; a++) {
      await langdock.actions.create(id, { name: `Action ${a}`, description: 'An action of the bench', code: 'x'.repeat(150) });
    }
    ids.push(id);
  }
  const [first, ...spare] = ids;
  for (let a = 3; a < 7; a++) await langdock.actions.create(first, { name: `Action ${a}`, code: 'y'.repeat(400) });
  const detail = await langdock.integrations.get(first);
  const list = await langdock.integrations.list();
  return { first, spare, detailBytes: JSON.stringify(detail).length, listBytes: JSON.stringify(list).length };
}

/** Load time of a package: the median of `runs` fresh processes, each timing its own `require`. */
function loadTime(name, runs = 9) {
  const times = [];
  for (let run = 0; run < runs; run++) {
    const answer = spawnSync(process.execPath, [join(HERE, 'load.cjs'), name], { encoding: 'utf8' });
    if (answer.status !== 0) throw new Error(`load.cjs ${name}: ${answer.stderr}`);
    times.push(Number(answer.stdout.trim()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function parent() {
  const outPath = process.env.BENCH_OUT || 'target/bench/results.jsonl';
  mkdirSync(dirname(outPath), { recursive: true });
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
  const wanted = (workload) => only.length === 0 || only.includes(workload);
  const repeats = Number(process.env.BENCH_REPEATS) || 3;
  const write = (row) => {
    if (!row) return;
    process.stderr.write(`  ${JSON.stringify(row)}\n`);
    appendFileSync(outPath, `${JSON.stringify(row)}\n`);
  };
  const { Langdock } = await import('langdock');
  const langdock = new Langdock({ noProxy: true });
  const started = performance.now();
  let partStarted = performance.now();
  const part = (name) => {
    process.stderr.write(`node: ${name} took ${((performance.now() - partStarted) / 1000).toFixed(0)} s\n`);
    partStarted = performance.now();
  };

  if (wanted('import')) {
    process.stderr.write('node: load time\n');
    for (const name of ['langdock', 'axios']) {
      const row = { language: 'node', client: name, workload: 'import', mode: null, import_ms: loadTime(name) };
      write(row);
    }
    part('import');
  }

  if (wanted('bulk')) {
    // langdock three times (its goal is judged over 3 repetitions), interleaved with each peer once with its
    // typical retry policy and axios once with the Stainless default (the peers fail the same way every run).
    const runs = [
      ['langdock', 'langdock'], ['axios', 'typical'], ['langdock', 'langdock'], ['fetch', 'typical'],
      ['langdock', 'langdock'], ['axios', 'stainless'],
    ];
    for (const [client, policy] of runs) {
      await control('reset', {});
      const { id } = await langdock.integrations.create({ name: 'bulk' });
      await control('rate-limit', { perMinute: BULK_PER_MINUTE });
      process.stderr.write(`node bulk ${client} ${policy}\n`);
      const row = runChild([client, 'bulk', 'concurrent', policy, id]);
      const journal = await control('journal');
      await control('rate-limit', { perMinute: null });
      if (!row) continue;
      row.status_429 = journal.requests.filter((entry) => entry.status === 429).length;
      if (journal.requests.length >= 10_000) process.stderr.write('  (the journal is full: 429s undercounted)\n');
      write(row);
    }
    part('bulk');
  }

  if (wanted('scaling')) {
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const items of SCALING_SIZES) {
        await control('seed', { integrations: items, descriptionLength: 60 });
        const answer = await fetch(`${baseUrl()}/integrations/v1/get`, { headers: { authorization: `Bearer ${apiKey()}` } });
        const answerBytes = (await answer.arrayBuffer()).byteLength;
        process.stderr.write(`node: scaling, ${items} integrations (${answerBytes} B), repetition ${repeat + 1}/${repeats}\n`);
        const order = repeat % 2 === 0 ? SCALING_CLIENTS : [...SCALING_CLIENTS].reverse();
        for (const client of order) {
          const row = runChild([client, 'scaling', 'sequential', '-', String(items)]);
          if (row) write({ ...row, answer_bytes: answerBytes });
        }
      }
    }
    part('scaling');
  }

  const measured = [['get', 'sequential'], ['get', 'concurrent'], ['list', 'sequential'], ['list', 'concurrent'],
    ['retry', 'concurrent'], ['create', 'sequential'], ['create', 'concurrent']].filter(([w]) => wanted(w));
  if (measured.length && !process.env.BENCH_RUST_CHILD) {
    process.stderr.write('node: BENCH_RUST_CHILD is not set (`make bench-node` sets it): no rust-core rows, so the ' +
      "report's binding tax falls back to the Rust bench's own rows, measured at another time\n");
  }
  for (let repeat = 0; repeat < repeats && measured.length; repeat++) {
    // A fresh set-up each repetition: `create` adds actions, which `list` shows, so it would otherwise read a
    // bigger answer in every repetition.
    const { first, spare, detailBytes, listBytes } = await setUp(langdock);
    // Creates go to integrations of their own (one per measurement), so that each client's creates meet the same
    // emulator state: the emulator checks a new action's name against every action of its integration, and the
    // clients measured later would otherwise create into an integration thousands of actions bigger.
    process.stderr.write(`node: set up, repetition ${repeat + 1}/${repeats} (detail ${detailBytes} B, list ${listBytes} B)\n`);
    // The clients interleaved, in a rotated order each repetition; the Rust core only at 64 in flight on get,
    // list and create (the binding tax).
    const order = CLIENTS.map((_, i) => CLIENTS[(i + repeat) % CLIENTS.length]);
    for (const [workload, mode] of measured) {
      if (workload === 'retry') await control('chaos', { rate: 0.2, seed: 5, statuses: [503] });
      for (const client of order) {
        if (client === RUST_CORE && (mode !== 'concurrent' || workload === 'retry')) continue;
        const target = workload === 'create' ? spare.shift() : first;
        const row = runChild([client, workload, mode, '-', target]);
        // The report pairs each binding's row with the Rust core's of the same repetition.
        if (row) write({ ...row, repetition: repeat });
      }
      if (workload === 'retry') await control('chaos', { rate: 0 });
    }
  }
  if (measured.length) part(measured.map(([w, m]) => `${w} ${m}`).join(', '));
  process.stderr.write(`node bench: ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await child(...args.slice(1, 6));
} else {
  await parent();
}
