// The ES module entry point: the same objects as the CommonJS entry (one instance of each class).
import cjs from './index.js';

export const {
  Langdock,
  Integrations,
  Actions,
  Triggers,
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
} = cjs;
