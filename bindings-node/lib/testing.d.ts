/**
 * `langdock/testing`: a local emulator of the Langdock Integrations API, running in your process on
 * 127.0.0.1, with scripted faults and a journal of the requests it received, for your own tests.
 *
 * ```ts
 * import { Langdock, InternalServerError } from 'langdock';
 * import { Emulator } from 'langdock/testing';
 * const emulator = new Emulator();
 * const client = new Langdock({ ...emulator.clientOptions(), maxRetries: 0 });
 * emulator.failNext('list_integrations', 503);
 * await client.integrations.list().catch((e) => e instanceof InternalServerError); // true
 * emulator.stop();
 * ```
 * @packageDocumentation
 */

export type { Operation } from './operations';
import type { Operation } from './operations';

/** A scope an emulator key can hold. */
export type Scope = 'INTEGRATION_API' | 'ASSISTANT_API';

/** How the emulator starts. */
export interface EmulatorOptions {
  /** Accepted keys, `KEY` (every scope) or `KEY:SCOPE1,SCOPE2`; default `sk-ld-emulator-local` with every scope. */
  keys?: string[];
  /** Requests per minute and key; none by default. */
  rateLimit?: number;
  /** Seed two Langdock-built integrations (default true). */
  seed?: boolean;
  /** Keep the state in this JSON file across restarts. */
  stateFile?: string;
  /** The port on 127.0.0.1 (default 0: a free one). */
  port?: number;
  /**
   * Serve HTTPS (`https://127.0.0.1:PORT`) with a certificate authority generated for this run (default false):
   * see {@link Emulator.caPem}. `clientOptions()` trusts it; any other client needs it as `caPem` or in a file
   * named by `LANGDOCK_CA_BUNDLE`.
   */
  tls?: boolean;
}

/**
 * A scripted failure for the next matching request(s), as `POST /_emulator/faults` takes it. In order:
 * `drop: 'before_body'` closes the connection unanswered (not applied); with `status` and not `apply`, that
 * status is answered after `latencyMs` (not applied); else the real handler runs (applied), `latencyMs` passes,
 * then `drop: 'after_body'` closes unanswered, or `status` replaces the answer, or `truncate` sends half the
 * body, or `body` is answered as 200. `headers` are added to whatever answer is sent.
 */
export interface Fault {
  /** The operation, or `'*'` for any API route. */
  operation: Operation | '*';
  /** Only requests with this HTTP method match. */
  method?: string | null;
  /** How many requests it applies to (default 1); null or 0: until reset. */
  times?: number | null;
  /** Answer this status instead of the real one. */
  status?: number;
  /** Headers added to the answer, e.g. `{ 'Retry-After': '1' }`. */
  headers?: Record<string, string>;
  /** The raw answer body. */
  body?: string;
  /** The content type of `body` (default `application/json`). */
  contentType?: string;
  /** Delay before answering, in milliseconds. */
  latencyMs?: number;
  /** Close the connection without an answer, before or after the body is read. */
  drop?: 'before_body' | 'after_body';
  /** With `status`: run the real handler first, so the request is applied although the answer is an error. */
  apply?: boolean;
  /** Send only the first half of the real body, then close. */
  truncate?: boolean;
}

/** One API request as the emulator saw it (the `Authorization` header is never recorded). */
export interface JournalEntry {
  /** From 1, in the order requests finished. */
  seq: number;
  /** The HTTP method. */
  method: string;
  /** The request path, without the query. */
  path: string;
  /** The API operation the request matched, or null for an unknown route. */
  operation: Operation | null;
  /** The status answered; null when the connection was dropped. */
  status: number | null;
  /** The fault that shaped the answer. */
  fault: 'status' | 'drop_before_body' | 'drop_after_body' | 'truncate' | 'latency' | 'body' | 'rate_limited' | null;
  /** Whether the request changed the state. */
  applied: boolean;
  /** The request's `x-request-id` header. */
  requestId: string | null;
  /** The request body as JSON, when it was JSON. */
  body: unknown;
  /** Milliseconds since the emulator started, when the request arrived. */
  receivedAt: number;
}

/**
 * A local emulator of the Langdock Integrations API, started in-process on a free port.
 *
 * @example
 * ```ts
 * const emulator = new Emulator();
 * const client = new Langdock({ ...emulator.clientOptions(), maxRetries: 1 });
 * emulator.failNext('list_integrations', 503);
 * const integrations = await client.integrations.list(); // the 503 is retried
 * console.log(integrations.attempts, emulator.journal().map((entry) => entry.status)); // 2 [503, 200]
 * emulator.stop();
 * ```
 */
export declare class Emulator {
  /** Starts the emulator; returns once it listens. */
  constructor(options?: EmulatorOptions);
  /** Starts an emulator: the same as `new Emulator(options)`. */
  static start(options?: EmulatorOptions): Emulator;
  /** `http://127.0.0.1:PORT` (`https://` with `tls`). */
  readonly baseUrl: string;
  /** The first accepted key (`sk-ld-emulator-local` by default). */
  readonly apiKey: string;
  /** With `tls`, the PEM of the CA that signed the emulator's certificate (a client's `caPem`); else null. */
  readonly caPem: string | null;
  /** False once stopped. */
  readonly running: boolean;
  /** `{ baseUrl, apiKey }` for `new Langdock(...)`, and with `tls` `caPem`, so that the client trusts the emulator. */
  clientOptions(): {
    /** This emulator's base URL. */
    baseUrl: string;
    /** The API key this emulator accepts. */
    apiKey: string;
    /** With `tls`: the emulator's CA, for the client to trust. */
    caPem?: string[];
  };
  /** Queues a fault. Throws when the fault is malformed. */
  inject(fault: Fault): this;
  /** The next `times` (default 1) requests of `operation` are answered with `status` (not applied). */
  failNext(
    operation: Operation | '*',
    status: number,
    options?: { times?: number; headers?: Record<string, string>; body?: string },
  ): this;
  /** The next request of `operation` loses its connection before (not applied) or after (applied) its body. */
  dropNext(operation: Operation | '*', point?: 'before_body' | 'after_body', options?: { times?: number }): this;
  /** The next `times` requests of `operation` are answered after `ms` milliseconds. */
  delayNext(operation: Operation | '*', ms: number, options?: { times?: number }): this;
  /** The faults still pending. */
  faults(): Fault[];
  /** Removes every pending fault. */
  clearFaults(): void;
  /** The requests received, oldest first. */
  journal(): JournalEntry[];
  /** Empties the journal. */
  clearJournal(): void;
  /** Back to the seeded state; faults and journal cleared (keys and rate limit stay). */
  reset(): void;
  /** Sets the per-key rate limit per minute, or removes it with null. */
  setRateLimit(perMinute: number | null): void;
  /** Adds a key (every scope unless `scopes` are given), or changes its scopes. */
  addKey(key: string, scopes?: Scope[]): void;
  /** Stops the emulator; later calls throw. Stopping twice is harmless. */
  stop(): void;
  /** `using emulator = new Emulator()` stops it at the end of the scope. */
  [Symbol.dispose](): void;
}
