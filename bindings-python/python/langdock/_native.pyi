"""Type stubs of ``langdock._native``, the Rust extension module. Kept in step with the module by
``tests/test_stubs.py``: a stub for every exported name, and no stub for a missing one."""

# pdoc executes this file to read its descriptions (make docs); forward references must not be evaluated.
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union, overload

VERSION: str
"""The version of this package (the Rust workspace's version)."""
DEFAULT_BASE_URL: str
"""The base URL calls go to when neither ``base_url`` nor ``LANGDOCK_BASE_URL`` is given."""
EMULATOR_API_KEY: str
"""The API key a ``langdock.testing.Emulator`` accepts unless told otherwise."""

from ._types import AuthFieldTypeName, AuthTypeName, InputFieldTypeName


def deployment_base_url(deployment_url: str) -> str:
    """The base URL of a dedicated deployment, from its address: adds ``/api/public``."""

def sandbox_run(spec_json: str) -> str:
    """Runs integration code in the local sandbox (GIL released): a run spec as JSON in, the outcome as JSON
    out. Use ``langdock.sandbox.run``."""

def sandbox_run_async(spec_json: str) -> Awaitable[str]:
    """``sandbox_run`` as an asyncio awaitable. Use ``langdock.sandbox.run_async``."""

def set_log_level(level: str) -> None:
    """Sets the level of the core's events: off, error, warn, info, debug or trace."""

def log_level() -> str:
    """The level events are forwarded at."""

def _log_level_from_env() -> Optional[str]:
    """The level ``LANGDOCK_LOG`` names (parsed by the core), or None when it names none."""

def _in_flight() -> int:
    """How many calls are running (started, neither finished nor cancelled)."""

def _drain_tasks(timeout: float) -> None:
    """Waits (GIL released) until no native task runs, at most ``timeout`` seconds; run at exit."""

def _debug_panic_next(site: str) -> None:
    """Debug builds only: makes the next call panic at ``site``: ``"dispatch"`` (while its arguments are
    converted), ``"call"`` (in the call itself) or ``"convert"`` (while its answer becomes a Python object), to
    test that a panic is an InternalError."""

def _debug_spin_always(on: bool) -> None:
    """Debug builds only: makes every call made alone be spun for (an asyncio one on its loop's thread, when
    the loop has nothing else ready), whatever the machine and the calls before; ``False`` restores the policy."""

class _Model:
    @property
    def extra(self) -> Dict[str, Any]:
        """Properties the server sent that this version does not know, as they came."""
    def to_dict(self) -> Dict[str, Any]:
        """The fields as a plain dict with snake_case keys (nested objects as dicts), then ``extra``."""
    def __eq__(self, other: object) -> bool:
        """Equal when the data is: ``attempts`` and ``request_id`` are the call's, not the model's."""
    def __hash__(self) -> int:
        """Models are immutable, so they hash by their data, like ``==``."""
    def __reduce__(self) -> Tuple[Callable[..., Any], Tuple[str, int, Optional[str], int]]:
        """Pickles (and so copies) by value: the JSON form, then the call's ``attempts``, ``request_id``
        and status."""

class _Returned:
    @property
    def attempts(self) -> int:
        """How many HTTP attempts the call took (1 when nothing was retried)."""
    @property
    def request_id(self) -> Optional[str]:
        """The request id: the server's ``x-request-id``, else the one the client sent."""

class ActionSummary(_Model):
    """An action as the list endpoint shows it."""

    def __init__(self, *, id: str, name: str = ..., description: Optional[str] = ..., **extra: Any) -> None: ...
    @property
    def id(self) -> str:
        """The server-made id (a UUID)."""
    @property
    def name(self) -> str:
        """The name."""
    @property
    def description(self) -> Optional[str]:
        """The description, or None."""

class IntegrationSummary(_Model):
    """One entry of the integration list: Langdock-built and custom integrations alike."""

    def __init__(
        self,
        *,
        id: str,
        name: str = ...,
        description: Optional[str] = ...,
        auth_type: Union[AuthTypeName, str] = ...,
        actions: Sequence[Union[ActionSummary, Mapping[str, Any]]] = ...,
        **extra: Any,
    ) -> None: ...
    @property
    def id(self) -> str:
        """The server-made id (a UUID)."""
    @property
    def name(self) -> str:
        """The name."""
    @property
    def description(self) -> Optional[str]:
        """The description, or None."""
    @property
    def auth_type(self) -> str:
        """How users authenticate: one of ``AuthTypeName``, or a newer value as sent."""
    @property
    def built_by_langdock(self) -> bool:
        """True for integrations made by Langdock, which this API cannot change."""
    @property
    def actions(self) -> List[ActionSummary]:
        """Its actions, without code or input fields."""

class IntegrationRef(_Model, _Returned):
    """What integration create and update answer: the integration's identity, not its contents."""

    def __init__(
        self, *, id: str, name: str = ..., description: Optional[str] = ..., created_at: Optional[str] = ..., **extra: Any
    ) -> None: ...
    @property
    def id(self) -> str:
        """The server-made id (a UUID)."""
    @property
    def name(self) -> str:
        """The name."""
    @property
    def description(self) -> Optional[str]:
        """The description, or None."""
    @property
    def created_at(self) -> Optional[str]:
        """When it was created (ISO 8601, UTC), in the create answer only."""

class AuthField(_Model):
    """A value the user enters when connecting; action code reads it as ``data.auth.<slug>``."""

    def __init__(
        self,
        *,
        slug: str,
        label: str,
        type: Union[AuthFieldTypeName, str] = ...,
        description: Optional[str] = ...,
        placeholder: Optional[str] = ...,
        required: bool = ...,
        **extra: Any,
    ) -> None: ...
    @property
    def id(self) -> Optional[str]:
        """The server-made id (read from responses, never sent)."""
    @property
    def slug(self) -> str:
        """Unique in the integration (at most 100 characters); action code reads ``data.auth.<slug>``."""
    @property
    def label(self) -> str:
        """What the user sees."""
    @property
    def type(self) -> str:
        """The field type: one of the known names, or a newer value as sent."""
    @property
    def description(self) -> Optional[str]:
        """Help text (at most 500 characters), or None."""
    @property
    def placeholder(self) -> Optional[str]:
        """Placeholder text, or None."""
    @property
    def required(self) -> bool:
        """Whether the user must fill it in."""

class OAuthClient(_Model):
    """The OAuth client of an OAUTH or OAUTH_DCR integration; ``client_secret`` is never shown."""

    def __init__(
        self,
        *,
        client_id: Optional[str] = ...,
        client_secret: Optional[str] = ...,
        auth_url: Optional[str] = ...,
        token_url: Optional[str] = ...,
        scopes: Optional[str] = ...,
        label: Optional[str] = ...,
        authorization_code: Optional[str] = ...,
        access_token_code: Optional[str] = ...,
        refresh_token_code: Optional[str] = ...,
        **extra: Any,
    ) -> None: ...
    @property
    def client_id(self) -> Optional[str]:
        """The OAuth client id."""
    @property
    def client_secret(self) -> Optional[str]:
        """Write-only: the server never returns it."""
    @property
    def auth_url(self) -> Optional[str]:
        """The provider's authorization URL."""
    @property
    def token_url(self) -> Optional[str]:
        """The provider's token URL."""
    @property
    def scopes(self) -> Optional[str]:
        """Space-separated scopes."""
    @property
    def label(self) -> Optional[str]:
        """The label of the connect button."""
    @property
    def authorization_code(self) -> Optional[str]:
        """Custom JavaScript that builds the authorization URL (at most 1,000 characters)."""
    @property
    def access_token_code(self) -> Optional[str]:
        """Custom JavaScript that exchanges the code for a token (at most 1,000 characters)."""
    @property
    def refresh_token_code(self) -> Optional[str]:
        """Custom JavaScript that refreshes the token (at most 1,000 characters)."""

class SelectOption(_Model):
    """One choice of a SELECT field."""

    def __init__(self, *, label: str, value: str) -> None: ...
    @property
    def label(self) -> str:
        """What the user sees."""
    @property
    def value(self) -> str:
        """What the action code receives."""

class InputField(_Model):
    """An input field of an action or trigger, as sent and as returned (``slug`` and ``order`` are
    made by the server)."""

    def __init__(
        self,
        *,
        label: str,
        type: Union[InputFieldTypeName, str] = ...,
        description: Optional[str] = ...,
        placeholder: Optional[str] = ...,
        required: bool = ...,
        options: Optional[Sequence[Union[SelectOption, Mapping[str, str]]]] = ...,
        allow_multi_select: Optional[bool] = ...,
        context_action_id: Optional[str] = ...,
        **extra: Any,
    ) -> None: ...
    @property
    def label(self) -> str:
        """The label shown to the user (at most 100 characters)."""
    @property
    def type(self) -> str:
        """The field type: one of the known names, or a newer value as sent."""
    @property
    def description(self) -> Optional[str]:
        """Help text (at most 500 characters), or None."""
    @property
    def placeholder(self) -> Optional[str]:
        """Placeholder text, or None."""
    @property
    def required(self) -> bool:
        """Whether the user must fill it in."""
    @property
    def options(self) -> Optional[List[SelectOption]]:
        """The choices of a SELECT field, or None."""
    @property
    def allow_multi_select(self) -> Optional[bool]:
        """Several choices for SELECT, several files for FILE; None when not set."""
    @property
    def context_action_id(self) -> Optional[str]:
        """The action (UUID) that supplies dynamic options for this field (actions only)."""
    @property
    def slug(self) -> Optional[str]:
        """The server-made slug: action code reads the value as ``data.input.<slug>``."""
    @property
    def order(self) -> Optional[int]:
        """The position, from 0, or None."""

class Action(_Model, _Returned):
    """An action as the API returns it."""

    def __init__(
        self,
        *,
        id: str,
        name: str = ...,
        slug: Optional[str] = ...,
        description: Optional[str] = ...,
        code: Optional[str] = ...,
        order: Optional[int] = ...,
        requires_confirmation: Optional[bool] = ...,
        input_fields: Sequence[Union[InputField, Mapping[str, Any]]] = ...,
        **extra: Any,
    ) -> None: ...
    @property
    def id(self) -> str:
        """The server-made id (a UUID)."""
    @property
    def name(self) -> str:
        """The name, unique in the integration (at most 100 characters)."""
    @property
    def slug(self) -> Optional[str]:
        """The server-made slug; it never changes, even on rename."""
    @property
    def description(self) -> Optional[str]:
        """The description, or None."""
    @property
    def code(self) -> Optional[str]:
        """The JavaScript the action runs (at most 40,000 characters), or None."""
    @property
    def order(self) -> Optional[int]:
        """The position, from 0, or None."""
    @property
    def requires_confirmation(self) -> Optional[bool]:
        """Whether a user confirms before it runs; None leaves the server's default (true)."""
    @property
    def input_fields(self) -> List[InputField]:
        """The inputs it asks for, in order."""

class Trigger(_Model, _Returned):
    """A trigger as the API returns it (the API never returns its polling code or input fields)."""

    def __init__(
        self, *, id: str, name: str = ..., slug: Optional[str] = ..., description: Optional[str] = ..., **extra: Any
    ) -> None: ...
    @property
    def id(self) -> str:
        """The server-made id (a UUID)."""
    @property
    def name(self) -> str:
        """The name, unique in the integration (at most 100 characters)."""
    @property
    def slug(self) -> Optional[str]:
        """The server-made slug; it never changes, even on rename."""
    @property
    def description(self) -> Optional[str]:
        """The description, or None."""

class Integration(_Model, _Returned):
    """A whole integration, as ``get`` and the auth update answer it."""

    def __init__(
        self,
        *,
        id: str,
        name: str = ...,
        description: Optional[str] = ...,
        auth_type: Union[AuthTypeName, str] = ...,
        auth_test_code: Optional[str] = ...,
        auth_fields: Sequence[Union[AuthField, Mapping[str, Any]]] = ...,
        oauth_client: Optional[Union[OAuthClient, Mapping[str, Any]]] = ...,
        actions: Sequence[Union[Action, Mapping[str, Any]]] = ...,
        triggers: Sequence[Union[Trigger, Mapping[str, Any]]] = ...,
        **extra: Any,
    ) -> None: ...
    @property
    def id(self) -> str:
        """The server-made id (a UUID)."""
    @property
    def name(self) -> str:
        """The name."""
    @property
    def description(self) -> Optional[str]:
        """The description, or None."""
    @property
    def auth_type(self) -> str:
        """How users authenticate: one of ``AuthTypeName``, or a newer value as sent."""
    @property
    def auth_test_code(self) -> Optional[str]:
        """The JavaScript that tests a connection (at most 1,000 characters), or None."""
    @property
    def auth_fields(self) -> List[AuthField]:
        """The values a user enters when connecting."""
    @property
    def oauth_client(self) -> Optional[OAuthClient]:
        """The OAuth client (OAUTH and OAUTH_DCR only), or None."""
    @property
    def actions(self) -> List[Action]:
        """Its actions, with code and input fields."""
    @property
    def triggers(self) -> List[Trigger]:
        """Its triggers (without polling code or input fields)."""

class Icon(_Model, _Returned):
    """An integration's icon."""

    def __init__(self, *, icon_url: Optional[str] = ..., **extra: Any) -> None: ...
    @property
    def icon_url(self) -> Optional[str]:
        """Where the icon is served, or None when the integration has none."""

class Deleted(_Model, _Returned):
    """What a delete answers."""

    def __init__(self, *, message: str = ..., id: str = ..., already_deleted: bool = ..., **extra: Any) -> None: ...
    @property
    def message(self) -> str:
        """The server's message, e.g. ``"Action deleted"``."""
    @property
    def id(self) -> str:
        """The id of what was deleted."""
    @property
    def already_deleted(self) -> bool:
        """True when an earlier attempt of this call already deleted it (a retried delete met 404)."""

class CreateIntegration(_Model):
    """The body of an integration create."""

    def __init__(self, *, name: str, description: Optional[str] = ..., **extra: Any) -> None: ...
    @property
    def name(self) -> str:
        """The name (required, at most 40 characters). Names need not be unique."""
    @property
    def description(self) -> Optional[str]:
        """The description, or None."""

class UpdateIntegration(_Model):
    """A partial update of an integration: only the properties given change."""

    def __init__(
        self,
        *,
        name: Optional[str] = ...,
        description: Optional[str] = ...,
        icon_url: Optional[str] = ...,
        color: Optional[str] = ...,
        **extra: Any,
    ) -> None: ...
    @property
    def name(self) -> Optional[str]:
        """A new name (at most 40 characters), or None to keep it."""
    @property
    def description(self) -> Optional[str]:
        """A new description (at most 90 characters), or None to keep it."""
    @property
    def icon_url(self) -> Optional[str]:
        """A new icon URL (``http(s)://...``), or None to keep it."""
    @property
    def color(self) -> Optional[str]:
        """A new color, ``#RRGGBB`` or ``#RGB``, or None to keep it."""

class UpdateAuth(_Model):
    """The body of an auth update. Changing ``auth_type`` disconnects every user of the integration."""

    def __init__(
        self,
        *,
        auth_type: Union[AuthTypeName, str],
        auth_fields: Optional[Sequence[Union[AuthField, Mapping[str, Any]]]] = ...,
        auth_test_code: Optional[str] = ...,
        oauth_client: Optional[Union[OAuthClient, Mapping[str, Any]]] = ...,
        **extra: Any,
    ) -> None: ...
    @property
    def auth_type(self) -> str:
        """The auth type (required); changing it disconnects every user."""
    @property
    def auth_fields(self) -> Optional[List[AuthField]]:
        """When given, replaces the whole list of auth fields."""
    @property
    def auth_test_code(self) -> Optional[str]:
        """The JavaScript that tests a connection (at most 1,000 characters), or None."""
    @property
    def oauth_client(self) -> Optional[OAuthClient]:
        """The OAuth client (OAUTH and OAUTH_DCR only), or None."""

class ActionInput(_Model):
    """The body of an action create, and of an update (a full replacement)."""

    def __init__(
        self,
        *,
        name: str,
        description: Optional[str] = ...,
        code: Optional[str] = ...,
        input_fields: Optional[Sequence[Union[InputField, Mapping[str, Any]]]] = ...,
        requires_confirmation: Optional[bool] = ...,
        **extra: Any,
    ) -> None: ...
    @property
    def name(self) -> str:
        """The name (required, at most 100 characters, unique in the integration)."""
    @property
    def description(self) -> Optional[str]:
        """The description, or None."""
    @property
    def code(self) -> Optional[str]:
        """The JavaScript the action runs (at most 40,000 characters), or None."""
    @property
    def input_fields(self) -> Optional[List[InputField]]:
        """The inputs it asks for, in order."""
    @property
    def requires_confirmation(self) -> Optional[bool]:
        """Whether a user confirms before it runs; None leaves the server's default (true)."""

class TriggerInput(_Model):
    """The body of a trigger create, and of an update (a full replacement)."""

    def __init__(
        self,
        *,
        name: str,
        description: Optional[str] = ...,
        polling_code: Optional[str] = ...,
        input_fields: Optional[Sequence[Union[InputField, Mapping[str, Any]]]] = ...,
        **extra: Any,
    ) -> None: ...
    @property
    def name(self) -> str:
        """The name (required, at most 100 characters, unique in the integration)."""
    @property
    def description(self) -> Optional[str]:
        """The description, or None."""
    @property
    def polling_code(self) -> Optional[str]:
        """The JavaScript that polls (at most 1,000 characters), or None."""
    @property
    def input_fields(self) -> Optional[List[InputField]]:
        """The inputs it asks for, in order."""

class IntegrationList(_Returned):
    """Every integration of the workspace: a sequence of ``IntegrationSummary``."""

    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, index: int) -> IntegrationSummary: ...
    @overload
    def __getitem__(self, index: slice) -> List[IntegrationSummary]: ...
    def __iter__(self) -> Iterator[IntegrationSummary]: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[..., Any], Tuple[str, int, Optional[str], int]]:
        """Pickles (and so copies) by value, like the models."""
    def to_list(self) -> List[Dict[str, Any]]:
        """The integrations as a list of plain dicts."""

class NativeClient:
    """The core client behind ``langdock.Client`` and ``langdock.AsyncClient``; every endpoint is one
    :meth:`call` by its operation name (the resources in ``langdock/resources/`` make them)."""

    def __init__(self, settings: Dict[str, Any]) -> None:
        """The core client from the settings the user gave (snake_case keys); the core decides the rest."""
    @property
    def settings(self) -> Dict[str, Any]: ...
    def with_options(
        self, *, timeout: Optional[float] = None, deadline: Optional[float] = None, max_retries: Optional[int] = None
    ) -> NativeClient: ...
    @property
    def base_url(self) -> str: ...
    @property
    def retry_budget(self) -> int: ...
    @property
    def paced_rate(self) -> Optional[float]: ...
    def call(
        self,
        operation: str,
        ids: List[str],
        payload: Any = None,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Any:
        """Makes the call named ``operation`` with its path ids in order and its body (or an upload's bytes)."""
    def call_async(
        self,
        operation: str,
        ids: List[str],
        payload: Any = None,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Awaitable[Any]:
        """:meth:`call` as an awaitable; cancelling it cancels the request."""


class Emulator:
    """A local emulator of the Langdock Integrations API on 127.0.0.1, on its own threads."""

    def __init__(
        self,
        *,
        port: int = 0,
        keys: Optional[List[str]] = None,
        rate_limit: Optional[int] = None,
        seed: bool = True,
        state_file: Optional[str] = None,
        tls: bool = False,
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def ca_pem(self) -> Optional[str]: ...
    def inject(self, fault: Mapping[str, Any]) -> None: ...
    def faults(self) -> List[Dict[str, Any]]: ...
    def clear_faults(self) -> None: ...
    def journal(self) -> List[Dict[str, Any]]: ...
    def clear_journal(self) -> None: ...
    def reset(self) -> None: ...
    def set_rate_limit(self, per_minute: Optional[int]) -> None: ...
    def add_key(self, spec: str) -> None: ...
    def stop(self) -> None: ...
