// The sandbox's JavaScript side: builds `ld`, `Buffer`, `btoa`/`atob` and `console` on top of a few native
// functions, removes code generation from strings, and turns the returned value into JSON. Evaluated once per
// run before the user's code; it returns the functions the Rust event loop calls.
(function (native, config) {
  'use strict';

  // ---- promises the Rust event loop settles (ld.request, ld.wait) ----
  const pending = new Map();
  function enqueue(id, site) {
    return new Promise(function (resolve, reject) {
      pending.set(id, { resolve: resolve, reject: reject, site: site });
    });
  }
  function settle(id, ok, payload, buffer) {
    const entry = pending.get(id);
    if (entry === undefined) return;
    pending.delete(id);
    if (!ok) {
      const error = new Error(payload);
      // Point at the user's call, not at this file: the stack was captured when the code called ld.request.
      if (entry.site && entry.site.stack) {
        error.stack = entry.site.stack;
      }
      entry.reject(error);
      return;
    }
    if (payload === undefined) {
      entry.resolve(undefined);
      return;
    }
    const r = JSON.parse(payload);
    if (r.binary) {
      entry.resolve({ status: r.status, headers: r.headers, buffer: buffer, success: r.status >= 200 && r.status < 300 });
      return;
    }
    let json = null;
    if (r.text !== '') {
      try {
        json = JSON.parse(r.text);
      } catch (e) {
        json = null;
      }
    }
    entry.resolve({ status: r.status, headers: r.headers, json: json, text: r.text });
  }

  // ---- bytes ----
  function viewBytes(value) {
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return null;
  }
  function latin1Encode(text) {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 255) return null;
      bytes[i] = code;
    }
    return bytes;
  }
  function latin1Decode(bytes) {
    let out = '';
    for (let i = 0; i < bytes.length; i += 8192) {
      out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
    }
    return out;
  }
  const HEX = '0123456789abcdef';
  function hexEncode(bytes) {
    let out = '';
    for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
    return out;
  }
  function hexDecode(text) {
    const length = text.length >> 1;
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const byte = parseInt(text.substr(i * 2, 2), 16);
      if (Number.isNaN(byte)) return bytes.subarray(0, i); // Node stops at the first bad pair too
      bytes[i] = byte;
    }
    return bytes;
  }
  function encodingOf(encoding) {
    const e = String(encoding === undefined ? 'utf8' : encoding).toLowerCase();
    if (e === 'utf-8') return 'utf8';
    if (e === 'binary' || e === 'ascii') return 'latin1';
    if (['utf8', 'base64', 'base64url', 'hex', 'latin1'].indexOf(e) < 0) {
      throw new TypeError('Unknown encoding: ' + encoding + ' (the sandbox supports utf8, base64, base64url, hex, latin1)');
    }
    return e;
  }

  /** The subset of Node's Buffer that integration code uses: from/toString with base64, utf8, hex. */
  class Buffer extends Uint8Array {
    static from(value, encoding) {
      if (typeof value === 'string') {
        const e = encodingOf(encoding);
        if (e === 'base64' || e === 'base64url') return new Buffer(native.b64decode(value));
        if (e === 'hex') return Buffer.from(hexDecode(value));
        if (e === 'latin1') return Buffer.from(latin1Encode(value.replace(/[^\x00-\xff]/g, '?')));
        return new Buffer(native.utf8encode(value));
      }
      if (value instanceof ArrayBuffer) return new Buffer(value);
      const bytes = viewBytes(value);
      if (bytes !== null) {
        const copy = new Buffer(bytes.length);
        copy.set(bytes);
        return copy;
      }
      if (Array.isArray(value)) return new Buffer(value);
      if (value && value.type === 'Buffer' && Array.isArray(value.data)) return new Buffer(value.data);
      throw new TypeError('Buffer.from needs a string, an ArrayBuffer, a typed array or an array of bytes');
    }
    static alloc(size, fill) {
      const b = new Buffer(size);
      if (fill !== undefined) b.fill(typeof fill === 'number' ? fill : Buffer.from(String(fill))[0]);
      return b;
    }
    static isBuffer(value) {
      return value instanceof Buffer;
    }
    static byteLength(value, encoding) {
      if (typeof value === 'string') return Buffer.from(value, encoding).length;
      return value.byteLength;
    }
    static concat(list, totalLength) {
      const total = totalLength === undefined ? list.reduce(function (n, b) { return n + b.length; }, 0) : totalLength;
      const out = new Buffer(total);
      let offset = 0;
      for (const b of list) {
        if (offset >= total) break;
        out.set(b.subarray(0, total - offset), offset);
        offset += b.length;
      }
      return out;
    }
    toString(encoding, start, end) {
      const bytes = (start !== undefined || end !== undefined) ? this.subarray(start || 0, end) : this;
      const e = encodingOf(encoding);
      if (e === 'base64') return native.b64encode(bytes);
      if (e === 'base64url') return native.b64encode(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      if (e === 'hex') return hexEncode(bytes);
      if (e === 'latin1') return latin1Decode(bytes);
      return native.utf8decode(bytes);
    }
    toJSON() {
      return { type: 'Buffer', data: Array.from(this) };
    }
    equals(other) {
      if (this.length !== other.length) return false;
      for (let i = 0; i < this.length; i++) if (this[i] !== other[i]) return false;
      return true;
    }
  }

  function btoa(text) {
    const bytes = latin1Encode(String(text));
    if (bytes === null) throw new Error('InvalidCharacterError: btoa accepts only characters in the Latin-1 range (use Buffer.from(text).toString("base64") for Unicode)');
    return native.b64encode(bytes);
  }
  function atob(text) {
    return latin1Decode(new Uint8Array(native.b64decode(String(text))));
  }

  // ---- logging ----
  function show(value) {
    if (typeof value === 'string') return value;
    if (value instanceof Error) return value.stack ? value.name + ': ' + value.message : String(value);
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return String(value);
    try {
      const text = JSON.stringify(value);
      return text === undefined ? String(value) : text;
    } catch (e) {
      return String(value);
    }
  }
  function log() {
    native.log(Array.prototype.map.call(arguments, show).join(' '));
  }

  // ---- ld.request / ld.awsRequest ----
  function requestSpec(options, aws) {
    if (options === null || typeof options !== 'object') throw new TypeError('ld.request needs an options object: { method, url, headers, params, body }');
    if (typeof options.url !== 'string' || options.url === '') throw new TypeError('ld.request needs options.url, a non-empty string');
    const headers = {};
    if (options.headers !== undefined && options.headers !== null) {
      for (const name of Object.keys(options.headers)) {
        const value = options.headers[name];
        if (value !== undefined && value !== null) headers[name] = String(value);
      }
    }
    const params = [];
    if (options.params !== undefined && options.params !== null) {
      for (const name of Object.keys(options.params)) {
        const value = options.params[name];
        if (value === undefined || value === null) continue;
        const values = Array.isArray(value) ? value : [value];
        for (const v of values) params.push([name, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
      }
    }
    let body = null;
    const raw = options.body;
    if (raw !== undefined && raw !== null) {
      const bytes = viewBytes(raw);
      if (typeof raw === 'string') body = { text: raw };
      else if (bytes !== null) body = { base64: native.b64encode(bytes) };
      else body = { text: JSON.stringify(raw), json: true };
    }
    return JSON.stringify({
      method: options.method === undefined ? 'GET' : String(options.method),
      url: options.url,
      headers: headers,
      params: params,
      body: body,
      timeoutMs: typeof options.timeout === 'number' ? options.timeout : null,
      responseType: options.responseType === undefined ? null : String(options.responseType),
      aws: aws,
    });
  }
  function request(options) {
    const site = new Error('ld.request');
    return enqueue(native.request(requestSpec(options, null)), site);
  }
  function awsRequest(options) {
    const site = new Error('ld.awsRequest');
    if (options === null || typeof options !== 'object') throw new TypeError('ld.awsRequest needs an options object');
    const credentials = options.credentials || {};
    if (typeof options.region !== 'string' || typeof options.service !== 'string' ||
        typeof credentials.accessKeyId !== 'string' || typeof credentials.secretAccessKey !== 'string') {
      throw new TypeError('ld.awsRequest needs region, service and credentials: { accessKeyId, secretAccessKey }');
    }
    const aws = {
      region: options.region,
      service: options.service,
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: typeof credentials.sessionToken === 'string' ? credentials.sessionToken : null,
    };
    return enqueue(native.request(requestSpec(options, aws)), site);
  }
  function wait(ms) {
    const n = Number(ms);
    return enqueue(native.wait(Number.isFinite(n) ? Math.min(Math.max(n, 0), 30000) : 0), null);
  }

  // ---- conversions ----
  function csvField(value) {
    if (value === undefined || value === null) return '';
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function json2csv(rows) {
    if (!Array.isArray(rows)) return Promise.reject(new TypeError('ld.json2csv needs an array of objects'));
    const columns = [];
    const seen = new Set();
    for (const row of rows) {
      if (row === null || typeof row !== 'object') return Promise.reject(new TypeError('ld.json2csv needs an array of objects'));
      for (const key of Object.keys(row)) if (!seen.has(key)) { seen.add(key); columns.push(key); }
    }
    const lines = [columns.map(csvField).join(',')];
    for (const row of rows) lines.push(columns.map(function (c) { return csvField(row[c]); }).join(','));
    return Promise.resolve(lines.join('\n'));
  }
  function notEmulated(name) {
    return function () {
      return Promise.reject(new Error(native.unsupported(name)));
    };
  }

  // ---- SQL guards ----
  // Strips comments and string literals so keywords and semicolons inside them do not count.
  function sqlCode(sql) {
    return sql
      .replace(/--[^\n]*/g, ' ')
      .replace(/\/\*[\s\S]*?\*\//g, ' ')
      .replace(/'(?:[^']|'')*'/g, "''")
      .replace(/"(?:[^"]|"")*"/g, '""')
      .replace(/`[^`]*`/g, '``');
  }
  function validateSqlQuery(sql) {
    if (typeof sql !== 'string' || sql.trim() === '') throw new Error('Invalid SQL query: the query is empty');
    const statements = sqlCode(sql).split(';').filter(function (s) { return s.trim() !== ''; });
    if (statements.length === 0) throw new Error('Invalid SQL query: the query has no statement');
    if (statements.length > 1) throw new Error('Invalid SQL query: only a single statement is allowed, found ' + statements.length);
  }
  // Statements that write, wherever they appear (a WITH can hide a DELETE). Not REPLACE or SET: REPLACE() is a
  // string function, and both only start a write statement, which the first-keyword check refuses.
  const WRITE_WORDS = /\b(INSERT|UPDATE|DELETE|MERGE|UPSERT|DROP|CREATE|ALTER|TRUNCATE|RENAME|GRANT|REVOKE|COPY|CALL|EXEC|EXECUTE|LOCK|VACUUM|ATTACH|DETACH)\b/i;
  function ensureReadOnlySqlQuery(sql) {
    validateSqlQuery(sql);
    const code = sqlCode(sql).trim().replace(/^\(+\s*/, '');
    const first = (code.match(/^[A-Za-z]+/) || [''])[0].toUpperCase();
    if (first !== 'SELECT' && first !== 'WITH') throw new Error('Query is not read-only: only SELECT (or WITH ... SELECT) is allowed, found ' + (first || 'no keyword'));
    const write = code.match(WRITE_WORDS);
    if (write) throw new Error('Query is not read-only: it contains ' + write[1].toUpperCase());
  }

  function signWithRS256(input, privateKey, options) {
    const encoding = options && options.encoding !== undefined ? String(options.encoding) : 'base64';
    return { signature: native.signRs256(String(input), String(privateKey), encoding) };
  }

  // ---- code generation from strings is absent, as on the platform ----
  const blocked = function () {
    throw new EvalError('code generation from strings is not available in the sandbox (no eval, no Function constructor)');
  };
  const constructors = [
    Function,
    Object.getPrototypeOf(async function () {}).constructor,
    Object.getPrototypeOf(function* () {}).constructor,
    Object.getPrototypeOf(async function* () {}).constructor,
  ];
  for (const C of constructors) {
    Object.defineProperty(C.prototype, 'constructor', { value: blocked, writable: false, configurable: false });
  }
  blocked.prototype = Function.prototype;
  globalThis.Function = blocked;
  delete globalThis.eval;

  const ld = Object.freeze({
    request: request,
    awsRequest: awsRequest,
    log: log,
    wait: wait,
    json2csv: json2csv,
    csv2parquet: notEmulated('ld.csv2parquet'),
    parquet2csv: notEmulated('ld.parquet2csv'),
    arrow2parquet: notEmulated('ld.arrow2parquet'),
    validateSqlQuery: validateSqlQuery,
    ensureReadOnlySqlQuery: ensureReadOnlySqlQuery,
    signWithRS256: signWithRS256,
  });
  globalThis.Buffer = Buffer;
  globalThis.btoa = btoa;
  globalThis.atob = atob;
  globalThis.console = Object.freeze({ log: log, info: log, warn: log, error: log, debug: log });

  // ---- the returned value as JSON, with what JSON would lose reported as violations ----
  function toJsonable(value, path, violations, seen) {
    if (value === null) return null;
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        if (!Number.isFinite(value)) {
          violations.push(path + ' is ' + value + ', which JSON cannot hold (it arrives as null)');
          return null;
        }
        return value;
      case 'undefined':
        return undefined;
      case 'bigint':
        violations.push(path + ' is a BigInt, which JSON cannot hold (convert it to a string or number)');
        return value.toString();
      case 'function':
      case 'symbol':
        violations.push(path + ' is a ' + typeof value + ', which JSON drops');
        return undefined;
    }
    const bytes = viewBytes(value);
    if (bytes !== null) return native.b64encode(bytes);
    if (seen.indexOf(value) >= 0) {
      violations.push(path + ' refers back to itself (a cycle), which JSON cannot hold');
      return null;
    }
    if (value instanceof Promise) {
      violations.push(path + ' is a Promise: a missing await?');
      return {};
    }
    if (value instanceof Map || value instanceof Set) {
      violations.push(path + ' is a ' + (value instanceof Map ? 'Map' : 'Set') + ', which JSON turns into {} (convert it to an object or array)');
      return {};
    }
    if (typeof value.toJSON === 'function') return toJsonable(value.toJSON(), path, violations, seen);
    seen.push(value);
    let out;
    if (Array.isArray(value)) {
      out = value.map(function (item, i) {
        const v = toJsonable(item, path + '[' + i + ']', violations, seen);
        return v === undefined ? null : v;
      });
    } else {
      out = {};
      for (const key of Object.keys(value)) {
        const v = toJsonable(value[key], path + '.' + key, violations, seen);
        if (v !== undefined) out[key] = v;
      }
    }
    seen.pop();
    return out;
  }
  function serialize(value) {
    const violations = [];
    const jsonable = toJsonable(value, 'result', violations, []);
    return JSON.stringify({ result: jsonable === undefined ? null : jsonable, undefined: jsonable === undefined, violations: violations });
  }
  function describeError(error) {
    if (error instanceof Error) {
      return JSON.stringify({ name: error.name, message: String(error.message), stack: String(error.stack || '') });
    }
    return JSON.stringify({ name: '', message: 'the code threw a non-Error value: ' + show(error), stack: '' });
  }

  const data = { input: config.input, auth: config.auth };
  return {
    settle: settle,
    serialize: serialize,
    describeError: describeError,
    args: [data, ld, config.env, config.lastPollTime === null ? undefined : config.lastPollTime],
  };
})
