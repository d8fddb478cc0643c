'use strict';
// The `langdock` package: the `Langdock` client, its resources and the error classes, over the native module.
// This file converts and forwards; every decision (retries, defaults, validation) is made by the Rust core. The
// resources' methods are generated from the core's operation table (`resources.js`, `make generate`).

const { loadNative } = require('./native.js');
const errors = require('./errors.js');
const { kNative } = require('./call.js');
const { Integrations, Actions, Triggers } = require('./resources.js');

const native = loadNative();
const { fromNative } = errors;

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
