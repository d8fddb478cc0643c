"""The exception classes of langdock, shared in name and shape with the Rust and Node surfaces.

::

    LangdockError
    ├── APIError                  any other HTTP status
    │   ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
    │   └── NotFoundError 404, ConflictError 409, RateLimitError 429, InternalServerError >= 500
    ├── APIConnectionError        DNS, refused or reset connection, TLS, truncated answer
    │   └── APITimeoutError       an attempt timed out, or the whole-call deadline passed
    ├── ValidationError           client-side validation failed; nothing was sent
    ├── ConfigurationError        no API key, a bad or insecure base URL, an unreadable CA bundle
    └── InternalError             a bug in langdock: its native code panicked

They are plain Python classes: catch any of them by a base class, pickle them, raise them in your own
tests. The native module raises them with every detail the Rust core knows, and chains the Rust
error's sources as ``__cause__`` (:class:`RustError`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

__all__ = [
    "LangdockError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "ValidationError",
    "ConfigurationError",
    "InternalError",
    "Violation",
    "RustError",
]


@dataclass(frozen=True)
class Violation:
    """One problem found by client-side validation: where (``path``, in the request's JSON names,
    e.g. ``inputFields[2].label``) and what is wrong (``message``)."""

    path: str
    """Where, in the request's JSON names: ``name``, ``inputFields[2].label``, ``integrationId``, ``body``."""
    message: str
    """What is wrong, e.g. ``must be at most 40 characters (UTF-16 code units), got 41``."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class RustError(Exception):
    """A cause inside the Rust core (a connection error, an I/O error, ...), chained as ``__cause__``."""


class LangdockError(Exception):
    """The base class of every error this package raises.

    Attributes:
        message: what happened, and what to do about it.
        status: the HTTP status the server answered with (the ``APIError`` family), else None.
        body: the raw response body (its first 64 KiB), when the server sent one.
        headers: the response headers, lower-case names.
        request_id: the server's ``x-request-id``, else the one the client sent.
        attempts: how many HTTP attempts were made (0 when nothing was sent).
        retry_after: the wait in seconds the server asked for with ``Retry-After``, when it did.
        maybe_created: True when a create may have taken effect although it failed: an integration
            create that failed ambiguously, or any create answered 2xx with a body that could not be
            read (an action or trigger is then read back; this is set when it was not found). List or
            get before creating again. Never set when a 4xx (other than 409) or a redirect proves
            nothing was applied.
        violations: every problem found by client-side validation (``ValidationError`` only).
        code: a stable machine-readable code, e.g. ``"rate_limit"``.
        code_default: the ``code`` of this class's errors when none is given.

    Example:
        >>> try:
        ...     client.integrations.get(integration_id)
        ... except langdock.LangdockError as e:
        ...     print(e.code, e, e.request_id, e.attempts)
    """

    code_default: str = "langdock_error"

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        body: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
        request_id: Optional[str] = None,
        attempts: int = 0,
        retry_after: Optional[float] = None,
        maybe_created: bool = False,
        violations: Tuple[Violation, ...] = (),
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.headers: Dict[str, str] = dict(headers or {})
        self.request_id = request_id
        self.attempts = attempts
        self.retry_after = retry_after
        self.maybe_created = maybe_created
        self.violations: Tuple[Violation, ...] = tuple(violations)
        self.code: str = code or self.code_default

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        details = [repr(self.message)]
        for name in ("status", "request_id", "retry_after"):
            value = getattr(self, name)
            if value is not None:
                details.append(f"{name}={value!r}")
        details.append(f"attempts={self.attempts}")
        if self.maybe_created:
            details.append("maybe_created=True")
        return f"{type(self).__name__}({', '.join(details)})"


class APIError(LangdockError):
    """The server answered with an error status (one without a class of its own here).

    Example:
        >>> try:
        ...     client.integrations.get(integration_id)
        ... except langdock.APIError as e:
        ...     print(e.status, e.body, e.headers.get("content-type"))
    """

    code_default = "api_error"


class BadRequestError(APIError):
    """400: the server refused the request body or an id.

    Example:
        >>> try:
        ...     client.integrations.get(integration_id)
        ... except langdock.BadRequestError as e:
        ...     print("refused:", e.body)
    """

    code_default = "bad_request"


class AuthenticationError(APIError):
    """401: the API key is missing, unknown or revoked.

    Example:
        >>> try:
        ...     client.integrations.get(integration_id)
        ... except langdock.AuthenticationError:
        ...     print("check LANGDOCK_API_KEY")
    """

    code_default = "authentication"


class PermissionDeniedError(APIError):
    """403: the key lacks the INTEGRATION_API scope, or the integration is built by Langdock.

    Example:
        >>> try:
        ...     client.integrations.get(integration_id)
        ... except langdock.PermissionDeniedError:
        ...     print("the key needs the INTEGRATION_API scope")
    """

    code_default = "permission_denied"


class NotFoundError(APIError):
    """404: no such integration, action or trigger.

    Example:
        >>> try:
        ...     client.integrations.get(integration_id)
        ... except langdock.NotFoundError:
        ...     integration = None  # gone: nothing to do
    """

    code_default = "not_found"


class ConflictError(APIError):
    """409: an action or trigger with this name already exists in the integration.

    Example:
        >>> try:
        ...     client.actions.create(integration_id, name="Get forecast")
        ... except langdock.ConflictError:
        ...     print("an action with this name exists")
    """

    code_default = "conflict"


class RateLimitError(APIError):
    """429: rate limited, and retrying did not help (or the server asked for too long a wait:
    see ``retry_after``).

    Example:
        >>> try:
        ...     client.integrations.get(integration_id)
        ... except langdock.RateLimitError as e:
        ...     time.sleep(e.retry_after or 60)
    """

    code_default = "rate_limit"


class InternalServerError(APIError):
    """500 and above, after the retries.

    Example:
        >>> try:
        ...     client.integrations.get(integration_id)
        ... except langdock.InternalServerError as e:
        ...     print(e.status, "after", e.attempts, "attempts")
    """

    code_default = "internal_server"


class APIConnectionError(LangdockError):
    """The request could not be completed: DNS, refused or reset connection, TLS, truncated body.

    Example:
        >>> try:
        ...     client.integrations.get(integration_id)
        ... except langdock.APIConnectionError as e:
        ...     print("network:", e.__cause__)
    """

    code_default = "connection"


class APITimeoutError(APIConnectionError):
    """An attempt timed out, or the whole-call deadline passed.

    Example:
        >>> try:
        ...     client.integrations.get(integration_id)
        ... except langdock.APITimeoutError as e:
        ...     print("timed out after", e.attempts, "attempts")
    """

    code_default = "timeout"


class ValidationError(LangdockError):
    """Client-side validation failed and nothing was sent; ``violations`` lists every problem.

    Example:
        >>> try:
        ...     client.integrations.create(name="x" * 41)
        ... except langdock.ValidationError as e:
        ...     for violation in e.violations:
        ...         print(violation.path, violation.message)
    """

    code_default = "validation"


class ConfigurationError(LangdockError):
    """The client is misconfigured: no API key, a bad or insecure base URL, an unreadable CA bundle.

    Example:
        >>> try:
        ...     client = langdock.Client(api_key=None)
        ... except langdock.ConfigurationError as e:
        ...     print(e)  # e.g. no API key
    """

    code_default = "configuration"


class InternalError(LangdockError):
    """A bug in langdock itself, not in your code or the service: its native (Rust) code panicked. The
    message says what panicked; please report it. Raised instead of pyo3's ``PanicException``, which is a
    ``BaseException`` that ``except Exception`` would not catch. The client stays usable.

    Example:
        >>> try:
        ...     client.integrations.list()
        ... except langdock.InternalError as e:
        ...     print("please report this langdock bug:", e)
    """

    code_default = "internal"
