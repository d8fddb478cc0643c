/**
 * `langdock/sandbox`: runs Langdock integration code (an action's `code`, a trigger's `pollingCode`, auth code)
 * locally in the same embedded sandbox as `langdock run`, so that you can test it with `node --test`.
 *
 * ```ts
 * import { runCode } from 'langdock/sandbox';
 * const run = await runCode('return { city: data.input.city };', { input: { city: 'Berlin' } });
 * run.result; // { city: 'Berlin' }
 * ```
 *
 * The code is the body of an async function, as on the platform: `data.input`, `data.auth`, `ld.request`, `ld.log`
 * and the other `ld` utilities are there; `require`, `eval` and `process` are not. Code that does not parse,
 * throws or breaks a limit rejects with {@link CodeError}; a result the platform would refuse resolves, with the
 * problems in {@link RunResult.violations}.
 * @packageDocumentation
 */

/** What the code is: an action's code, a trigger's polling code, or authentication code. */
export type Kind = 'action' | 'trigger' | 'auth';

/** What `runCode` hands the code, and its limits. Every option may be left out. */
export interface RunOptions {
  /** `data.input`: the input fields' values by field id (a FILE field: `{ fileName, mimeType, size, base64 }`). */
  input?: Record<string, unknown>;
  /** `data.auth`: the connection's values (`access_token` for OAuth); redacted from URLs and cassettes. */
  auth?: Record<string, unknown>;
  /** What the code is (default `'action'`). */
  kind?: Kind;
  /** `env` of OAuth code (`CLIENT_ID`, `CLIENT_SECRET`). */
  env?: Record<string, string>;
  /** `lastPollTime`, for trigger code. */
  lastPollTime?: string;
  /** The name errors give the code, as in `file:line:column` (default `code.js`). */
  fileName?: string;
  /** Milliseconds before the code is stopped (default the platform's 120 000). */
  timeLimit?: number;
  /** Megabytes of memory the code may use (default the platform's 128). */
  memoryLimitMb?: number;
  /** Send requests for real and write them to this cassette file, secrets redacted. */
  record?: string;
  /** Answer requests from this cassette file, offline; a request it lacks fails the run. */
  replay?: string;
}

/** One `ld.request` the code made. */
export interface RequestRecord {
  /** The HTTP method. */
  method: string;
  /** The URL with its query, auth values redacted. */
  url: string;
  /** The response status; `null` when no response came (connection error, timeout, replay miss). */
  status: number | null;
  /** Milliseconds until the response or the failure. */
  durationMs: number;
}

/** A name the platform probably lacks (e.g. `fetch`), with the documented equivalent. */
export interface CodeWarning {
  /** What was found and what to use instead. */
  message: string;
  /** 1-based line in the code. */
  line: number;
  /** 1-based column in the code. */
  column: number;
}

/** What a run that returned produced. */
export interface RunResult {
  /** The returned value as JSON data (bytes as base64 strings, as in a file's `base64`). */
  result: unknown;
  /** `ld.log` lines, in order. */
  logs: string[];
  /** Every `ld.request`, in order. */
  requests: RequestRecord[];
  /** Names the platform probably lacks. */
  warnings: CodeWarning[];
  /** Ways the result breaks what the platform expects of this kind of code (empty when it is fine). */
  violations: string[];
}

/**
 * The code did not parse, threw, broke the time or memory limit, or (replay) made a request the cassette lacks.
 *
 * @example
 * ```ts
 * import { runCode, CodeError } from 'langdock/sandbox';
 * try {
 *   await runCode('while (true) {}', { timeLimit: 200 });
 * } catch (error) {
 *   if (error instanceof CodeError) console.log(error.kind); // 'timeout'
 * }
 * ```
 */
export class CodeError extends Error {
  /** `syntax`, `thrown`, `timeout`, `memory`, `unsupported`, `replay_miss` or `invalid_spec`. */
  readonly kind: string;
  /** The code's file name, when the failure has a location. */
  readonly file: string | undefined;
  /** 1-based line, when known. */
  readonly line: number | undefined;
  /** 1-based column, when known. */
  readonly column: number | undefined;
  /** `ld.log` lines before the failure. */
  readonly logs: string[];
  /** `ld.request` calls before the failure. */
  readonly requests: RequestRecord[];
  private constructor();
}

/**
 * Runs `code` in the local sandbox as the platform would, without blocking the event loop, and resolves to what it
 * returned with its logs and requests. Rejects with {@link CodeError} when the code does not return.
 */
export function runCode(code: string, options?: RunOptions): Promise<RunResult>;
