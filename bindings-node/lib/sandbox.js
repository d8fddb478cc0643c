'use strict';
// `langdock/sandbox`: runs integration code locally in the Rust core's sandbox. This file builds the engine's run
// spec from `runCode`'s options and shapes its outcome; every decision (defaults, limits, result checks) is the
// engine's. The code runs on the native runtime, so the event loop stays free.

const { loadNative } = require('./native.js');

const native = loadNative();

/** The code did not parse, threw, broke a limit, or (replay) made a request the cassette lacks. */
class CodeError extends Error {
  constructor(error, logs, requests) {
    const where = error.file && error.line && error.column ? `${error.file}:${error.line}:${error.column}: ` : '';
    super(`${where}${error.message}`);
    this.name = 'CodeError';
    this.kind = error.kind;
    this.file = error.file;
    this.line = error.line;
    this.column = error.column;
    this.logs = logs;
    this.requests = requests;
  }
}

/** The engine's spec as JSON: options the caller leaves out are left to the engine's defaults. */
function specJson(code, options) {
  if (typeof code !== 'string') throw new TypeError('runCode: code must be a string');
  const o = options ?? {};
  if (o.record !== undefined && o.replay !== undefined) throw new TypeError('runCode: give record or replay, not both');
  const spec = { code, kind: o.kind ?? 'action', input: o.input ?? {}, auth: o.auth ?? {} };
  if (o.env !== undefined) spec.env = o.env;
  if (o.lastPollTime !== undefined) spec.lastPollTime = o.lastPollTime;
  if (o.fileName !== undefined) spec.fileName = o.fileName;
  if (o.timeLimit !== undefined) spec.timeLimitSeconds = o.timeLimit / 1000;
  if (o.memoryLimitMb !== undefined) spec.memoryLimitMb = o.memoryLimitMb;
  if (o.record !== undefined) spec.http = { mode: 'record', cassette: String(o.record) };
  if (o.replay !== undefined) spec.http = { mode: 'replay', cassette: String(o.replay) };
  return JSON.stringify(spec);
}

/** Runs `code` as the platform would and resolves to its result, logs and requests; rejects with `CodeError`. */
async function runCode(code, options) {
  const outcome = JSON.parse(await native.runSandbox(specJson(code, options)));
  const logs = outcome.logs.map((line) => line.message);
  if (!outcome.ok) throw new CodeError(outcome.error, logs, outcome.requests);
  return {
    result: outcome.result,
    logs,
    requests: outcome.requests,
    warnings: outcome.warnings,
    violations: outcome.violations,
  };
}

module.exports = { runCode, CodeError };
