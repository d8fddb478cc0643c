'use strict';
// `langdock/testing`: the emulator of the Langdock Integrations API, in-process, for your own tests.

const { loadNative } = require('./native.js');

const native = loadNative();

/** A local emulator of the Langdock Integrations API on 127.0.0.1 (a free port by default). */
class Emulator {
  constructor(options) {
    this._native = new native.NativeEmulator(options ?? {});
  }
  /** Starts an emulator; the same as `new Emulator(options)`, for symmetry with `stop()`. */
  static start(options) {
    return new Emulator(options);
  }
  get baseUrl() {
    return this._native.baseUrl;
  }
  get apiKey() {
    return this._native.apiKey;
  }
  /** With `tls`, the PEM of the CA that signed the emulator's certificate; else null. */
  get caPem() {
    return this._native.caPem ?? null;
  }
  get running() {
    return this._native.runningNow;
  }
  /** Options for `new Langdock(...)` that point at this emulator (and, with `tls`, trust its CA). */
  clientOptions() {
    const options = { baseUrl: this.baseUrl, apiKey: this.apiKey };
    if (this.caPem !== null) options.caPem = [this.caPem];
    return options;
  }
  inject(fault) {
    this._native.inject(fault);
    return this;
  }
  /** The next `times` (default 1) requests of `operation` answer `status`, with `headers`; not applied. */
  failNext(operation, status, { times = 1, headers = {}, body } = {}) {
    return this.inject({ operation, status, times, headers, ...(body === undefined ? {} : { body }) });
  }
  /** The next request of `operation` loses its connection `before_body` (not applied) or `after_body` (applied). */
  dropNext(operation, point = 'before_body', { times = 1 } = {}) {
    return this.inject({ operation, drop: point, times });
  }
  /** The next `times` requests of `operation` are answered after `ms` milliseconds. */
  delayNext(operation, ms, { times = 1 } = {}) {
    return this.inject({ operation, latencyMs: ms, times });
  }
  faults() {
    return this._native.faults();
  }
  clearFaults() {
    this._native.clearFaults();
  }
  journal() {
    return this._native.journal();
  }
  clearJournal() {
    this._native.clearJournal();
  }
  reset() {
    this._native.reset();
  }
  setRateLimit(perMinute) {
    this._native.setRateLimit(perMinute ?? null);
  }
  addKey(key, scopes) {
    this._native.addKey(scopes === undefined ? key : `${key}:${scopes.join(',')}`);
  }
  stop() {
    this._native.stop();
  }
  [Symbol.dispose]() {
    this.stop();
  }
}

module.exports = { Emulator };
