'use strict';
// The error classes of SDK.md section 3, and the one function that turns the native layer's structured error
// objects into instances of them. The native layer decides everything (class, message, fields); this file only
// maps the class name it sends to the class.

/** Base class of every error this package throws. */
class LangdockError extends Error {
  constructor(message, fields = {}, options) {
    super(message, options);
    this.name = new.target.name;
    this.code = fields.code ?? 'langdock_error';
    this.status = fields.status ?? null;
    this.requestId = fields.requestId ?? null;
    this.attempts = fields.attempts ?? 0;
    this.retryAfter = fields.retryAfter ?? null;
    this.body = fields.body ?? null;
    this.headers = fields.headers ?? {};
    this.violations = fields.violations ?? [];
    this.maybeCreated = fields.maybeCreated ?? false;
  }
}

/** The server answered with an error status. */
class APIError extends LangdockError {}
/** 400 */
class BadRequestError extends APIError {}
/** 401 */
class AuthenticationError extends APIError {}
/** 403 */
class PermissionDeniedError extends APIError {}
/** 404 */
class NotFoundError extends APIError {}
/** 409 */
class ConflictError extends APIError {}
/** 429 */
class RateLimitError extends APIError {}
/** 500 and above */
class InternalServerError extends APIError {}
/** The request could not be completed. */
class APIConnectionError extends LangdockError {}
/** An attempt timed out, or the whole-call deadline passed. */
class APITimeoutError extends APIConnectionError {}
/** Client-side validation failed; nothing was sent. */
class ValidationError extends LangdockError {}
/** The client is misconfigured. */
class ConfigurationError extends LangdockError {}
/** A bug in langdock, not in your code or the service: its native code panicked. The message says what panicked. */
class InternalError extends LangdockError {}
/** The call was cancelled through its AbortSignal. `name` is `'AbortError'`, as for `fetch`. */
class APIUserAbortError extends LangdockError {
  constructor(message, fields, options) {
    super(message, fields, options);
    this.name = 'AbortError';
  }
}

const classes = {
  LangdockError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  ValidationError,
  ConfigurationError,
  InternalError,
  APIUserAbortError,
};

/** The native error object as an instance of its class; anything else is returned as it is. */
function fromNative(error, abortReason) {
  const Class = error && typeof error === 'object' && Object.hasOwn(classes, error.kind) ? classes[error.kind] : null;
  if (Class === null) return error;
  const cause = error.cause ?? abortReason;
  const converted = new Class(error.message, error, cause === undefined ? undefined : { cause });
  Error.captureStackTrace(converted, fromNative);
  return converted;
}

module.exports = { ...classes, fromNative };
