'use strict';
// The `langdock` package: the `Langdock` client, its resources and the error classes, over the native module.
// This file converts and forwards; every decision (retries, defaults, validation) is made by the Rust core.

const { loadNative } = require('./native.js');
const errors = require('./errors.js');

const native = loadNative();
const { fromNative } = errors;
const kNative = Symbol('langdock.native');
const kClient = Symbol('langdock.client');

/**
 * The model of an answer (the core sends it as JSON text: JSON.parse builds it much faster than napi would), with
 * `attempts`, `requestId` and `httpStatus` as read-only, non-enumerable properties.
 */
function withMeta(outcome) {
  const data = JSON.parse(outcome.data);
  Object.defineProperties(data, {
    attempts: { value: outcome.attempts, enumerable: false },
    requestId: { value: outcome.requestId, enumerable: false },
    httpStatus: { value: outcome.status, enumerable: false },
  });
  return data;
}

let lastCallId = 0;

/** Runs one native call with per-call options; an AbortSignal cancels the Rust future through `cancel`. */
async function call(client, method, args, options) {
  const { signal, timeout, deadline, maxRetries } = options ?? {};
  const callOptions = { timeout, deadline, maxRetries };
  const nativeClient = client[kNative];
  if (signal?.aborted) throw fromNative(nativeClient.abortedError(), signal.reason);
  let callId;
  if (signal) {
    lastCallId = lastCallId >= 0x7fffffff ? 1 : lastCallId + 1;
    callId = lastCallId;
  }
  let onAbort;
  try {
    const promise = nativeClient[method](...args, callOptions, callId);
    if (signal) {
      onAbort = () => nativeClient.cancel(callId);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    return withMeta(await promise);
  } catch (error) {
    throw fromNative(error, signal?.aborted ? signal.reason : undefined);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** `client.integrations`: list, create, get, update, updateAuth, icon, setIcon. */
class Integrations {
  constructor(client) {
    this[kClient] = client;
  }
  list(options) {
    return call(this[kClient], 'listIntegrations', [], options);
  }
  create(body, options) {
    return call(this[kClient], 'createIntegration', [body], options);
  }
  get(integrationId, options) {
    return call(this[kClient], 'getIntegration', [integrationId], options);
  }
  update(integrationId, body, options) {
    return call(this[kClient], 'updateIntegration', [integrationId, body], options);
  }
  updateAuth(integrationId, body, options) {
    return call(this[kClient], 'updateAuth', [integrationId, body], options);
  }
  icon(integrationId, options) {
    return call(this[kClient], 'getIcon', [integrationId], options);
  }
  setIcon(integrationId, image, options) {
    return call(this[kClient], 'setIcon', [integrationId, image], options);
  }
}

/** `client.actions`: create, update, delete. */
class Actions {
  constructor(client) {
    this[kClient] = client;
  }
  create(integrationId, body, options) {
    return call(this[kClient], 'createAction', [integrationId, body], options);
  }
  update(integrationId, actionId, body, options) {
    return call(this[kClient], 'updateAction', [integrationId, actionId, body], options);
  }
  delete(integrationId, actionId, options) {
    return call(this[kClient], 'deleteAction', [integrationId, actionId], options);
  }
}

/** `client.triggers`: create, update, delete. */
class Triggers {
  constructor(client) {
    this[kClient] = client;
  }
  create(integrationId, body, options) {
    return call(this[kClient], 'createTrigger', [integrationId, body], options);
  }
  update(integrationId, triggerId, body, options) {
    return call(this[kClient], 'updateTrigger', [integrationId, triggerId, body], options);
  }
  delete(integrationId, triggerId, options) {
    return call(this[kClient], 'deleteTrigger', [integrationId, triggerId], options);
  }
}

/** A client of the Langdock Integrations API. */
class Langdock {
  constructor(options) {
    try {
      this[kNative] = new native.NativeClient(options ?? {});
    } catch (error) {
      throw fromNative(error);
    }
    this.integrations = new Integrations(this);
    this.actions = new Actions(this);
    this.triggers = new Triggers(this);
  }
  get baseUrl() {
    return this[kNative].baseUrl;
  }
  /** The effective settings as the core decided them (key redacted), the same shape in every language. */
  get settings() {
    return this[kNative].settings;
  }
  get retryBudget() {
    return this[kNative].retryBudget;
  }
  get pacedRate() {
    return this[kNative].pacedRate ?? null;
  }
  get inFlight() {
    return this[kNative].inFlight;
  }
  toString() {
    return `Langdock(${this.baseUrl})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')]() {
    return this.toString();
  }
}

// The error classes, also as static members (`Langdock.RateLimitError`), so one import serves `instanceof`.
const { fromNative: _fromNative, ...errorClasses } = errors;
Object.assign(Langdock, errorClasses);

module.exports = { Langdock, Integrations, Actions, Triggers, ...errorClasses };
// `import Langdock from 'langdock'` in TypeScript compiled to CommonJS (esModuleInterop) and in bundlers: they read
// `default` when `__esModule` is set. Node's own `import` takes index.mjs, whose default is the same class.
module.exports.default = Langdock;
Object.defineProperty(module.exports, '__esModule', { value: true });
