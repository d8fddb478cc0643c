'use strict';
// What the generated resources (`resources.js`) share: one native call by operation name, with per-call options
// and an AbortSignal, and the argument checks that make a wrong argument a `TypeError` naming the parameter.

const { fromNative } = require('./errors.js');

const kNative = Symbol('langdock.native');
const kClient = Symbol('langdock.client');

/**
 * The model of a parsed answer, with `attempts`, `requestId` and `httpStatus` as read-only, non-enumerable
 * properties. The core sends it as JSON text, `[attempts, requestId, status, model]` (JSON.parse builds the model
 * much faster than napi would, and the metadata needs no object of its own); one `defineProperty` per property
 * costs less than one `defineProperties`.
 */
function withMeta(answer) {
  const data = answer[3];
  Object.defineProperty(data, 'attempts', { value: answer[0] });
  Object.defineProperty(data, 'requestId', { value: answer[1] });
  Object.defineProperty(data, 'httpStatus', { value: answer[2] });
  return data;
}

/**
 * The parsed answer of a call: its JSON text, or `[text, check]` for a large answer handed over while the core
 * still checks it (the check runs meanwhile, see `src/calls.rs`): parsed, then the check's verdict taken, which is
 * null when the text stands, else the text to parse instead; it throws the call's error when the answer is not
 * the model (the text may then not even be JSON).
 */
function parsed(nativeClient, settled) {
  if (typeof settled === 'string') return JSON.parse(settled);
  const [text, check] = settled;
  let answer;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  const replaced = nativeClient.verdict(check);
  return replaced === null ? answer : JSON.parse(replaced);
}

let lastCallId = 0;

/**
 * Runs the native call `operation` with its path ids, its body (an object) or upload, and per-call options; an
 * AbortSignal cancels the Rust future through `cancel`.
 */
async function call(client, operation, ids, body, image, options) {
  const nativeClient = client[kNative];
  const signal = options?.signal;
  // Most calls give no options: no options object, call id or listener is made for them (the native side then
  // reads no properties either).
  const callOptions =
    options == null
      ? undefined
      : { timeout: options.timeout, deadline: options.deadline, maxRetries: options.maxRetries };
  if (signal?.aborted) throw fromNative(nativeClient.abortedError(), signal.reason);
  let callId;
  if (signal) {
    lastCallId = lastCallId >= 0x7fffffff ? 1 : lastCallId + 1;
    callId = lastCallId;
  }
  let onAbort;
  try {
    const promise = nativeClient.call(operation, ids, body, image, callOptions, callId);
    if (signal) {
      onAbort = () => nativeClient.cancel(callId);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    return withMeta(parsed(nativeClient, await promise));
  } catch (error) {
    throw fromNative(error, signal?.aborted ? signal.reason : undefined);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** What a value is, for an error message: `undefined`, `null`, `a number`, `an array`. */
function describe(value) {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** A path id must be a string. */
function checkId(name, value) {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${describe(value)}`);
}

/**
 * A body must be an object. The native side reads it as `JSON.stringify` would write it (a `toJSON` method, a
 * class instance or a cycle is left to `JSON.stringify` itself), without writing and parsing JSON text.
 */
function checkBody(name, value) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object, got ${describe(value)}`);
  }
}

/** An upload must be a Uint8Array (a Buffer is one). */
function checkBytes(name, value) {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array, got ${describe(value)}`);
}

module.exports = { call, checkId, checkBody, checkBytes, kNative, kClient };
