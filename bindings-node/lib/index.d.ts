/**
 * The `langdock` package: a client for the Langdock Integrations API on a Rust core.
 *
 * ```ts
 * import { Langdock, RateLimitError } from 'langdock';
 * const client = new Langdock(); // LANGDOCK_API_KEY, optional LANGDOCK_BASE_URL
 * const integration = await client.integrations.create({ name: 'Weather' });
 * const action = await client.actions.create(integration.id, {
 *   name: 'Get forecast',
 *   code: 'return ld.request({ url: `https://wttr.in/${data.input.city}` });',
 *   inputFields: [{ label: 'City', type: 'TEXT', required: true }],
 * });
 * console.log(action.slug, action.attempts);
 * ```
 *
 * Durations are milliseconds everywhere (options and `retryAfter`). Every call returns a Promise and retries,
 * validates and times out as the Rust core decides (SDK.md sections 1-4).
 * @packageDocumentation
 */

/** A string enum that may grow: known values are suggested, unknown ones from a newer server still type-check. */
export type OpenEnum<Known extends string> = Known | (string & {});

/** How an integration authenticates its users. */
export type AuthType = OpenEnum<'NONE' | 'API_KEY' | 'OAUTH' | 'OAUTH_DCR' | 'SERVICE_ACCOUNT'>;
/** The type of an auth field. */
export type AuthFieldType = OpenEnum<'TEXT' | 'MULTI_LINE_TEXT' | 'PASSWORD' | 'NUMBER' | 'EMBEDDING_MODEL'>;
/** The type of an input field. Actions accept all ten; triggers the first seven. */
export type InputFieldType = OpenEnum<
  'TEXT' | 'MULTI_LINE_TEXT' | 'NUMBER' | 'BOOLEAN' | 'SELECT' | 'PASSWORD' | 'VECTOR' | 'OBJECT' | 'FILE' | 'ID'
>;

// The client's options and its described settings are generated from the core (`make generate`).
import type { ClientOptions, EffectiveSettings } from './options';
export type { ClientOptions, EffectiveSettings } from './options';

/** Options of one call. */
export interface RequestOptions {
  /** Milliseconds one attempt of this call may take. */
  timeout?: number;
  /** Milliseconds this whole call may take. */
  deadline?: number;
  /** Retries after the first attempt, for this call. */
  maxRetries?: number;
  /**
   * Cancels the call: the Rust future and its HTTP request are dropped and the Promise rejects with an
   * {@link APIUserAbortError} (`name === 'AbortError'`, `cause` = the signal's reason). A request already sent
   * may have taken effect.
   */
  signal?: AbortSignal;
}

/**
 * What every answer carries besides its data, as read-only, non-enumerable properties (so they stay out of
 * `JSON.stringify`, spreads and deep-equality checks).
 */
export interface ResponseMeta {
  /** How many HTTP attempts the call took (1 when nothing was retried). */
  readonly attempts: number;
  /** The request id: the server's `x-request-id`, else the one the client sent. */
  readonly requestId: string | null;
  /** The HTTP status of the answer that succeeded. */
  readonly httpStatus: number;
}

/** A model with its {@link ResponseMeta}. */
export type WithMeta<T> = T & ResponseMeta;

/** Properties a newer server sends that this version does not know are kept as they came. */
export interface UnknownProperties {
  [property: string]: unknown;
}

/** One choice of a `SELECT` field. */
export interface SelectOption {
  /** What the user sees. */
  label: string;
  /** What the action code receives. */
  value: string;
}

/** An input field of an action or trigger, as sent. */
export interface InputFieldInput {
  /** The label shown to the user (required, at most 100 characters). */
  label: string;
  /** The field type; `TEXT` when not given. */
  type?: InputFieldType;
  /** Help text (at most 500 characters). */
  description?: string;
  /** Placeholder text (at most 200 characters). */
  placeholder?: string;
  /** Whether the user must fill it in. */
  required?: boolean;
  /** The choices of a `SELECT` field. */
  options?: SelectOption[];
  /** Several choices for `SELECT`, several files for `FILE`. */
  allowMultiSelect?: boolean;
  /** The action (UUID) that supplies dynamic options for this field (actions only). */
  contextActionId?: string;
}

/** An input field as the API returns it. */
export interface InputField extends UnknownProperties {
  /** The label shown to the user. */
  label: string;
  /** The field type. */
  type: InputFieldType;
  /** Help text. */
  description?: string;
  /** Placeholder text. */
  placeholder?: string;
  /** Whether the user must fill it in. */
  required: boolean;
  /** The choices of a `SELECT` field. */
  options?: SelectOption[];
  /** Several choices for `SELECT`, several files for `FILE`. */
  allowMultiSelect?: boolean;
  /** The action (UUID) that supplies dynamic options for this field. */
  contextActionId?: string;
  /** The server-made slug: action code reads the value as `data.input.<slug>`. */
  slug?: string;
  /** The position, from 0. */
  order?: number;
}

/** A value the user enters when connecting, as sent; action code reads it as `data.auth.<slug>`. */
export interface AuthFieldInput {
  /** Unique in the integration (at most 100 characters). */
  slug: string;
  /** What the user sees (at most 100 characters). */
  label: string;
  /** The field type (default `TEXT`). */
  type?: AuthFieldType;
  /** Help text (at most 500 characters). */
  description?: string;
  /** Placeholder text (at most 200 characters). */
  placeholder?: string;
  /** Whether the user must fill it in. */
  required?: boolean;
}

/** An auth field as the API returns it. */
export interface AuthField extends UnknownProperties {
  /** The server-made id. */
  id?: string;
  /** Unique in the integration; action code reads the value as `data.auth.<slug>`. */
  slug: string;
  /** What the user sees. */
  label: string;
  /** The field type. */
  type: AuthFieldType;
  /** Help text. */
  description?: string;
  /** Placeholder text. */
  placeholder?: string;
  /** Whether the user must fill it in. */
  required: boolean;
}

/** The OAuth client of an `OAUTH` or `OAUTH_DCR` integration, as sent. `clientSecret` is never returned. */
export interface OAuthClientInput {
  /** The OAuth client id. */
  clientId?: string;
  /** Sent, never returned. */
  clientSecret?: string;
  /** The provider's authorization URL. */
  authUrl?: string;
  /** The provider's token URL. */
  tokenUrl?: string;
  /** Space-separated scopes. */
  scopes?: string;
  /** The label of the connect button. */
  label?: string;
  /** Custom JavaScript that builds the authorization URL (at most 1,000 characters). */
  authorizationCode?: string;
  /** Custom JavaScript that exchanges the code for a token (at most 1,000 characters). */
  accessTokenCode?: string;
  /** Custom JavaScript that refreshes the token (at most 1,000 characters). */
  refreshTokenCode?: string;
}

/** The OAuth client as the API returns it (without its secret). */
export interface OAuthClient extends OAuthClientInput, UnknownProperties {}

/** The body of `integrations.create`. */
export interface CreateIntegration {
  /** The name (required, at most 40 characters, no control characters). Names need not be unique. */
  name: string;
  /** The description (at most 90 characters). */
  description?: string;
}

/** The body of `integrations.update`: only what is given changes; at least one property is needed. */
export interface UpdateIntegration {
  /** A new name (at most 40 characters). */
  name?: string;
  /** A new description (at most 90 characters). */
  description?: string;
  /** A new icon URL (`http(s)://…`). */
  iconUrl?: string;
  /** A new color, `#RRGGBB` or `#RGB`. */
  color?: string;
}

/** The body of `integrations.updateAuth`. Changing `authType` disconnects every user of the integration. */
export interface UpdateAuth {
  /** The auth type (required). */
  authType: AuthType;
  /** When given, replaces the whole list of auth fields. */
  authFields?: AuthFieldInput[];
  /** JavaScript that tests a connection (at most 1,000 characters). */
  authTestCode?: string;
  /** The OAuth client; only with `OAUTH` or `OAUTH_DCR`. */
  oauthClient?: OAuthClientInput;
}

/**
 * The body of `actions.create` and `actions.update` (a full replacement: an omitted `description` is cleared and
 * omitted `inputFields` are removed, while an omitted `code` or `requiresConfirmation` keeps its stored value).
 */
export interface ActionInput {
  /** The name (required, at most 100 characters, unique in the integration). */
  name: string;
  /** The description (at most 1,000 characters). */
  description?: string;
  /** The JavaScript the action runs (at most 40,000 characters). */
  code?: string;
  /** The inputs the action asks for. */
  inputFields?: InputFieldInput[];
  /** Whether a user confirms before it runs; the server's default is true. */
  requiresConfirmation?: boolean;
}

/**
 * The body of `triggers.create` and `triggers.update` (a full replacement: the API never returns polling code or
 * input fields, so resend everything you want to keep).
 */
export interface TriggerInput {
  /** The name (required, at most 100 characters, unique in the integration). */
  name: string;
  /** The description (at most 90 characters). */
  description?: string;
  /** The JavaScript that polls (at most 1,000 characters). */
  pollingCode?: string;
  /** The inputs (the first seven field types only; no `contextActionId`). */
  inputFields?: InputFieldInput[];
}

/** An action as the list endpoint shows it. */
export interface ActionSummary extends UnknownProperties {
  /** The action's id (UUID). */
  id: string;
  /** The action's name. */
  name: string;
  /** The description, or null. */
  description: string | null;
}

/** One entry of `integrations.list`: Langdock-built and custom integrations alike. */
export interface IntegrationSummary extends UnknownProperties {
  /** The integration's id (UUID). */
  id: string;
  /** The integration's name. */
  name: string;
  /** The description, or null. */
  description: string | null;
  /** How its users authenticate. */
  authType: AuthType;
  /** True for integrations made by Langdock, which this API cannot change (the API's own spelling). */
  buildByLangdock: boolean;
  /** Its actions, without code or input fields. */
  actions: ActionSummary[];
}

/** What `integrations.create` and `integrations.update` answer: the identity, not the contents. */
export interface IntegrationRef extends UnknownProperties {
  /** The integration's id (UUID). */
  id: string;
  /** The integration's name. */
  name: string;
  /** The description, or null. */
  description: string | null;
  /** When it was created (ISO 8601, UTC), in the create answer only. */
  createdAt?: string;
}

/** An action as the API returns it. */
export interface Action extends UnknownProperties {
  /** The action's id (UUID). */
  id: string;
  /** The name, unique in the integration. */
  name: string;
  /** The server-made slug; it never changes, even on rename. */
  slug: string | null;
  /** The description, or null. */
  description: string | null;
  /** The JavaScript the action runs, or null. */
  code: string | null;
  /** The position in the integration, from 0. */
  order: number | null;
  /** Whether a user confirms before it runs. */
  requiresConfirmation: boolean | null;
  /** The inputs the action asks for, in order. */
  inputFields: InputField[];
}

/** A trigger as the API returns it (never with its polling code or input fields). */
export interface Trigger extends UnknownProperties {
  /** The trigger's id (UUID). */
  id: string;
  /** The name, unique in the integration. */
  name: string;
  /** The server-made slug. */
  slug: string | null;
  /** The description, or null. */
  description: string | null;
}

/** A whole integration, as `integrations.get` and `integrations.updateAuth` answer it. */
export interface Integration extends UnknownProperties {
  /** The integration's id (UUID). */
  id: string;
  /** The integration's name. */
  name: string;
  /** The description, or null. */
  description: string | null;
  /** How its users authenticate. */
  authType: AuthType;
  /** The JavaScript that tests a connection, or null. */
  authTestCode: string | null;
  /** The values a user enters when connecting. */
  authFields: AuthField[];
  /** The OAuth client (without its secret), or null. */
  oauthClient: OAuthClient | null;
  /** Its actions, with code and input fields. */
  actions: Action[];
  /** Its triggers. */
  triggers: Trigger[];
}

/** An integration's icon. */
export interface Icon extends UnknownProperties {
  /** Where the icon is served, or null when the integration has none. */
  iconUrl: string | null;
}

/** What a delete answers. */
export interface Deleted extends UnknownProperties {
  /** The server's message, e.g. `"Action deleted"`. */
  message: string;
  /** The id of what was deleted. */
  id: string;
  /**
   * True when an earlier attempt of this call already deleted it: a retried delete that met a 404 after an
   * ambiguous failure is reported as done.
   */
  alreadyDeleted: boolean;
}

import { Integrations, Actions, Triggers } from './resources';
export { Integrations, Actions, Triggers } from './resources';

/**
 * A client of the Langdock Integrations API. Cheap to share: one client, its connections, retry budget and
 * adaptive pacing serve any number of concurrent calls.
 *
 * @throws {ConfigurationError} when no API key is given or set, or the base URL is invalid or insecure.
 *
 * @example
 * ```ts
 * import { Langdock } from 'langdock';
 * const client = new Langdock({ apiKey: process.env.LANGDOCK_API_KEY, timeout: 10_000, maxRetries: 3 });
 * const integrations = await client.integrations.list();
 * console.log(integrations.length, 'integrations after', integrations.attempts, 'attempt(s)');
 * ```
 */
export declare class Langdock {
  constructor(options?: ClientOptions);
  /** Integrations: list, create, get, update, updateAuth, icon, setIcon. */
  readonly integrations: Integrations;
  /** Actions of an integration: create, update, delete. */
  readonly actions: Actions;
  /** Triggers of an integration: create, update, delete. */
  readonly triggers: Triggers;
  /** The base URL calls go to. */
  readonly baseUrl: string;
  /** The effective settings as the core decided them (key redacted), the same shape as in Python and Rust. */
  readonly settings: EffectiveSettings;
  /** The tokens left in the client-wide retry budget (500 when full). */
  readonly retryBudget: number;
  /** The send rate (requests per second) adaptive pacing allows, or null while not rate-limited. */
  readonly pacedRate: number | null;
  /** How many calls are still running in Rust; aborted calls leave this count at once. */
  readonly inFlight: number;

  /** The error class LangdockError, also exported by name: `catch (e) { if (e instanceof Langdock.LangdockError) … }`. */
  static LangdockError: typeof LangdockError;
  /** The error class APIError, also exported by name: `catch (e) { if (e instanceof Langdock.APIError) … }`. */
  static APIError: typeof APIError;
  /** The error class BadRequestError, also exported by name: `catch (e) { if (e instanceof Langdock.BadRequestError) … }`. */
  static BadRequestError: typeof BadRequestError;
  /** The error class AuthenticationError, also exported by name: `catch (e) { if (e instanceof Langdock.AuthenticationError) … }`. */
  static AuthenticationError: typeof AuthenticationError;
  /** The error class PermissionDeniedError, also exported by name: `catch (e) { if (e instanceof Langdock.PermissionDeniedError) … }`. */
  static PermissionDeniedError: typeof PermissionDeniedError;
  /** The error class NotFoundError, also exported by name: `catch (e) { if (e instanceof Langdock.NotFoundError) … }`. */
  static NotFoundError: typeof NotFoundError;
  /** The error class ConflictError, also exported by name: `catch (e) { if (e instanceof Langdock.ConflictError) … }`. */
  static ConflictError: typeof ConflictError;
  /** The error class RateLimitError, also exported by name: `catch (e) { if (e instanceof Langdock.RateLimitError) … }`. */
  static RateLimitError: typeof RateLimitError;
  /** The error class InternalServerError, also exported by name: `catch (e) { if (e instanceof Langdock.InternalServerError) … }`. */
  static InternalServerError: typeof InternalServerError;
  /** The error class APIConnectionError, also exported by name: `catch (e) { if (e instanceof Langdock.APIConnectionError) … }`. */
  static APIConnectionError: typeof APIConnectionError;
  /** The error class APITimeoutError, also exported by name: `catch (e) { if (e instanceof Langdock.APITimeoutError) … }`. */
  static APITimeoutError: typeof APITimeoutError;
  /** The error class ValidationError, also exported by name: `catch (e) { if (e instanceof Langdock.ValidationError) … }`. */
  static ValidationError: typeof ValidationError;
  /** The error class ConfigurationError, also exported by name: `catch (e) { if (e instanceof Langdock.ConfigurationError) … }`. */
  static ConfigurationError: typeof ConfigurationError;
  /** The error class InternalError, also exported by name: `catch (e) { if (e instanceof Langdock.InternalError) … }`. */
  static InternalError: typeof InternalError;
  /** The error class APIUserAbortError, also exported by name: `catch (e) { if (e instanceof Langdock.APIUserAbortError) … }`. */
  static APIUserAbortError: typeof APIUserAbortError;
}

/** One problem found by client-side validation. */
export interface Violation {
  /** Where, in the request's JSON names: `name`, `inputFields[2].label`, `integrationId`, `body`. */
  path: string;
  /** What is wrong, e.g. `must be at most 40 characters (UTF-16 code units), got 41`. */
  message: string;
}

/**
 * The machine-readable `code` of each error class.
 */
export type ErrorCode = OpenEnum<
  | 'bad_request'
  | 'authentication'
  | 'permission_denied'
  | 'not_found'
  | 'conflict'
  | 'rate_limit'
  | 'internal_server'
  | 'api_error'
  | 'connection'
  | 'timeout'
  | 'validation'
  | 'configuration'
  | 'aborted'
  | 'internal'
>;

/**
 * The base class of every error of this package. Every instance carries all properties below (null, 0, `{}`
 * or `[]` when they do not apply); none of it is packed into the message.
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id);
 * } catch (e) {
 *   if (e instanceof LangdockError) console.error(e.code, e.message, e.requestId, e.attempts);
 * }
 * ```
 */
export declare class LangdockError extends Error {
  /** A stable machine-readable code, e.g. `'rate_limit'`. */
  readonly code: ErrorCode;
  /** The HTTP status the server answered, for the {@link APIError} family. */
  readonly status: number | null;
  /** The request id: the server's `x-request-id`, else the one the client sent. */
  readonly requestId: string | null;
  /** How many HTTP attempts were made (0 when nothing was sent, e.g. validation errors). */
  readonly attempts: number;
  /** The wait the server asked for with `Retry-After`, in milliseconds. */
  readonly retryAfter: number | null;
  /** The raw response body (its first 64 KiB), when the server sent one. */
  readonly body: string | null;
  /** The response headers, lower-case names (repeated headers joined with `, `). */
  readonly headers: Record<string, string>;
  /** Every violation found by client-side validation (empty for other classes). */
  readonly violations: Violation[];
  /**
   * True when a create may have taken effect although it failed: an integration create that failed ambiguously
   * (timeout, reset, 5xx after the body was sent), or any create answered 2xx with a body that could not be read
   * (an action or trigger is then read back; this is set when it was not found). List or get before creating
   * again. Never set when a 4xx (other than 409) or a redirect proves nothing was applied.
   */
  readonly maybeCreated: boolean;
  /** The underlying failure (e.g. the connection error), as an `Error` with its own `cause` chain. */
  readonly cause?: unknown;
}
/** The server answered with an error status; other statuses than the ones with their own class (e.g. 413).
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id);
 * } catch (e) {
 *   if (e instanceof APIError) console.error(e.status, e.body, e.headers['content-type']);
 * }
 * ```
 */
export declare class APIError extends LangdockError {
  readonly status: number;
}
/** 400: the server refused the request body or an id.
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id);
 * } catch (e) {
 *   if (e instanceof BadRequestError) console.error('refused:', e.body);
 * }
 * ```
 */
export declare class BadRequestError extends APIError {}
/** 401: the API key is missing, unknown or revoked.
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id);
 * } catch (e) {
 *   if (e instanceof AuthenticationError) console.error('check LANGDOCK_API_KEY');
 * }
 * ```
 */
export declare class AuthenticationError extends APIError {}
/** 403: the key lacks the scope, or the integration is not writable (built by Langdock).
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id);
 * } catch (e) {
 *   if (e instanceof PermissionDeniedError) console.error('the key needs the INTEGRATION_API scope');
 * }
 * ```
 */
export declare class PermissionDeniedError extends APIError {}
/** 404: no such integration, action or trigger.
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id);
 * } catch (e) {
 *   if (e instanceof NotFoundError) return null; // gone: nothing to do
 * }
 * ```
 */
export declare class NotFoundError extends APIError {}
/** 409: an action or trigger with this name already exists in the integration.
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id);
 * } catch (e) {
 *   if (e instanceof ConflictError) console.error('an action with this name exists');
 * }
 * ```
 */
export declare class ConflictError extends APIError {}
/** 429: rate limited, and retrying did not help (or the server asked for a wait beyond `retryAfterCap`).
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id);
 * } catch (e) {
 *   if (e instanceof RateLimitError) await new Promise((r) => setTimeout(r, e.retryAfter ?? 60_000));
 * }
 * ```
 */
export declare class RateLimitError extends APIError {}
/** 500 and above.
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id);
 * } catch (e) {
 *   if (e instanceof InternalServerError) console.error(e.status, 'after', e.attempts, 'attempts');
 * }
 * ```
 */
export declare class InternalServerError extends APIError {}
/** The request could not be completed: DNS, refused or reset connection, TLS, truncated body.
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id);
 * } catch (e) {
 *   if (e instanceof APIConnectionError) console.error('network:', e.cause);
 * }
 * ```
 */
export declare class APIConnectionError extends LangdockError {}
/** An attempt timed out, or the whole-call deadline passed.
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id);
 * } catch (e) {
 *   if (e instanceof APITimeoutError) console.error('timed out after', e.attempts, 'attempts');
 * }
 * ```
 */
export declare class APITimeoutError extends APIConnectionError {}
/** Client-side validation failed; nothing was sent. See `violations`.
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id);
 * } catch (e) {
 *   if (e instanceof ValidationError) for (const v of e.violations) console.error(v.path, v.message);
 * }
 * ```
 */
export declare class ValidationError extends LangdockError {}
/** The client is misconfigured: no API key, a bad or insecure base URL, an unreadable CA bundle, a bad option.
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id);
 * } catch (e) {
 *   if (e instanceof ConfigurationError) console.error(e.message); // e.g. no API key
 * }
 * ```
 */
export declare class ConfigurationError extends LangdockError {}
/**
 * A bug in langdock, not in your code or the service: its native (Rust) code panicked, and instead of ending the
 * process the call fails with this error (`code` `'internal'`). The message says what panicked; please report it.
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.list();
 * } catch (e) {
 *   if (e instanceof InternalError) console.error('please report this langdock bug:', e.message);
 * }
 * ```
 */
export declare class InternalError extends LangdockError {}
/**
 * The call was cancelled through its `AbortSignal`. Its `name` is `'AbortError'` (as for `fetch`), its `code`
 * `'aborted'`, its `cause` the signal's reason.
 *
 * @example
 * ```ts
 * try {
 *   await client.integrations.get(id, { signal: AbortSignal.timeout(1_000) });
 * } catch (e) {
 *   if (e instanceof APIUserAbortError) console.log('cancelled:', e.cause);
 * }
 * ```
 */
export declare class APIUserAbortError extends LangdockError {
  /** Always `'AbortError'`, as for an aborted `fetch`. */
  readonly name: 'AbortError';
}

/**
 * `import Langdock from 'langdock'`: the client class, beside the named exports (CommonJS: `require('langdock').default`).
 */
export default Langdock;
