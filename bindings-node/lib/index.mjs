// The ES module entry point: the same objects as the CommonJS entry (one instance of each class).
// createRequire, not `import cjs from './index.js'`: Bun gives a CommonJS module's `default` (the `Langdock` class,
// since index.js sets `__esModule`) to a default import, Node gives `module.exports`; `require` is the same in both.
import { createRequire } from 'node:module';

const cjs = createRequire(import.meta.url)('./index.js');

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

/** `import Langdock from 'langdock'`: the client class (the named exports stay). */
export default Langdock;
