"""langdock: a client for the Langdock Integrations API, on a Rust core.

>>> import langdock
>>> client = langdock.Client()  # LANGDOCK_API_KEY, optional LANGDOCK_BASE_URL
>>> integration = client.integrations.create(name="Weather")
>>> action = client.actions.create(
...     integration.id,
...     name="Get forecast",
...     code="return ld.request({ url: `https://wttr.in/${data.input.city}` });",
...     input_fields=[langdock.InputField(label="City", type="TEXT", required=True)],
... )
>>> print(action.slug, action.attempts)

``langdock.AsyncClient`` offers the same calls for asyncio. Every error is a subclass of
:class:`LangdockError`; ``langdock.testing.Emulator`` runs the API locally for your tests.
Logging goes to the ``langdock`` logger; ``LANGDOCK_LOG`` (off, error, warn, info, debug) sets the level.
"""

from __future__ import annotations

import atexit as _atexit
import logging as _logging

from . import _native

# Let native tasks finish handing results to asyncio before the interpreter shuts down (see
# _drain_tasks): a thread taking the GIL during shutdown would abort the process.
_atexit.register(_native._drain_tasks, 1.0)
from ._client import AsyncClient, Client
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InternalError,
    InternalServerError,
    LangdockError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RustError,
    ValidationError,
    Violation,
)
from ._native import (
    DEFAULT_BASE_URL,
    Action,
    ActionInput,
    ActionSummary,
    AuthField,
    CreateIntegration,
    Deleted,
    Icon,
    InputField,
    Integration,
    IntegrationList,
    IntegrationRef,
    IntegrationSummary,
    OAuthClient,
    SelectOption,
    Trigger,
    TriggerInput,
    UpdateAuth,
    UpdateIntegration,
    deployment_base_url,
)
from ._types import AuthFieldTypeName, AuthTypeName, InputFieldTypeName

__version__: str = _native.VERSION

__all__ = [
    "Client",
    "AsyncClient",
    # models
    "Action",
    "ActionInput",
    "ActionSummary",
    "AuthField",
    "CreateIntegration",
    "Deleted",
    "Icon",
    "InputField",
    "Integration",
    "IntegrationList",
    "IntegrationRef",
    "IntegrationSummary",
    "OAuthClient",
    "SelectOption",
    "Trigger",
    "TriggerInput",
    "UpdateAuth",
    "UpdateIntegration",
    "AuthTypeName",
    "AuthFieldTypeName",
    "InputFieldTypeName",
    # errors
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
    # helpers
    "DEFAULT_BASE_URL",
    "deployment_base_url",
    "set_log_level",
    "log_level",
    "__version__",
]

# The core's level names as ``logging`` levels (the names themselves are parsed only by the core).
_PYTHON_LEVELS = {
    "off": _logging.CRITICAL + 10,
    "error": _logging.ERROR,
    "warn": _logging.WARNING,
    "info": _logging.INFO,
    "debug": _logging.DEBUG,
    "trace": 5,
}


def set_log_level(level: str) -> None:
    """Sets the level of the client's log events: ``off``, ``error``, ``warn``, ``info``, ``debug``
    (or ``trace``). The events go to the ``logging`` logger ``langdock``, whose level is set to match.

    Raises:
        ValueError: for an unknown level.
    """
    _native.set_log_level(level)
    _logging.getLogger("langdock").setLevel(_PYTHON_LEVELS[_native.log_level()])


def log_level() -> str:
    """The level the client's log events are forwarded at (from ``LANGDOCK_LOG``, default ``warn``)."""
    return _native.log_level()


def _configure_logging_from_env() -> None:
    """With ``LANGDOCK_LOG`` naming a level (the core reads it), the ``langdock`` logger gets that level and,
    when the application has configured no logging at all, a handler on stderr, so that the events show."""
    level = _native._log_level_from_env()
    if level is None:
        return
    logger = _logging.getLogger("langdock")
    logger.setLevel(_PYTHON_LEVELS[level])
    if level != "off" and not logger.handlers and not _logging.getLogger().handlers:
        handler = _logging.StreamHandler()
        handler.setFormatter(_logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


_configure_logging_from_env()
