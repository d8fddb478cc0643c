"""``langdock.Client`` (blocking) and ``langdock.AsyncClient`` (asyncio), with the resources
``integrations``, ``actions`` and ``triggers``.

Everything that decides (retries, waits, validation, defaults) happens in the Rust core; this file
only gathers keyword arguments into request bodies and hands them over.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Optional, Sequence, TypeVar, Union

from . import _native
from ._settings import _ClientSettings
from ._native import (
    Action,
    ActionInput,
    AuthField,
    CreateIntegration,
    Deleted,
    Icon,
    InputField,
    Integration,
    IntegrationList,
    IntegrationRef,
    OAuthClient,
    Trigger,
    TriggerInput,
    UpdateAuth,
    UpdateIntegration,
)

__all__ = ["Client", "AsyncClient"]

_Model = TypeVar("_Model")
#: A request body: the typed class, or a dict with snake_case (or camelCase) keys.
Body = Union[_Model, Mapping[str, Any]]
#: An input field: the typed class, or a dict.
InputFieldLike = Union[InputField, Mapping[str, Any]]
#: An auth field: the typed class, or a dict.
AuthFieldLike = Union[AuthField, Mapping[str, Any]]
#: An icon image: the bytes, or the path of a PNG, JPEG or WebP file.
Image = Union[bytes, str, "os.PathLike[str]"]


def _body(body: Any, fields: Dict[str, Any]) -> Any:
    """The request body: ``body`` (a model or a mapping) with the keyword fields that were given on top."""
    given = {name: value for name, value in fields.items() if value is not None}
    if body is None:
        return given
    if not given:
        return body
    merged: Dict[str, Any] = dict(body.to_dict() if hasattr(body, "to_dict") else body)
    merged.update(given)
    return merged


def _image(image: Image) -> bytes:
    if isinstance(image, bytes):
        return image
    with open(image, "rb") as file:
        return file.read()


class _BaseClient(_ClientSettings):
    # The constructor, its arguments and their docs are generated from the core's settings (_settings.py).

    @property
    def base_url(self) -> str:
        """The base URL calls go to."""
        return self._core.base_url

    @property
    def retry_budget(self) -> int:
        """The tokens left in the client-wide retry budget (500 when full)."""
        return self._core.retry_budget

    @property
    def paced_rate(self) -> Optional[float]:
        """The send rate (requests per second) adaptive pacing allows, or None while not rate-limited."""
        return self._core.paced_rate

    def _live(self) -> _native.Core:
        if self._closed:
            raise RuntimeError(f"this {type(self).__name__} is closed")
        return self._core

    def __repr__(self) -> str:
        return f"<langdock.{type(self).__name__} base_url={self.base_url!r}>"


class Client(_BaseClient):
    """The blocking client. Calls release the GIL while they wait, so one client can serve many
    threads. Use it as a context manager, or call :meth:`close`.

    >>> client = langdock.Client()              # LANGDOCK_API_KEY, LANGDOCK_BASE_URL
    >>> for integration in client.integrations.list():
    ...     print(integration.name)
    """

    @property
    def integrations(self) -> Integrations:
        """Integrations: list, create, get, update, update_auth, icon, set_icon."""
        return Integrations(self)

    @property
    def actions(self) -> Actions:
        """Actions of an integration: create, update, delete."""
        return Actions(self)

    @property
    def triggers(self) -> Triggers:
        """Triggers of an integration: create, update, delete."""
        return Triggers(self)

    def with_options(
        self, *, timeout: Optional[float] = None, deadline: Optional[float] = None, max_retries: Optional[int] = None
    ) -> Client:
        """A copy whose calls use these options; connections, retry budget and pacing are shared."""
        copy = Client.__new__(Client)
        copy._core = self._live().with_options(timeout=timeout, deadline=deadline, max_retries=max_retries)
        copy._closed = False
        return copy

    def close(self) -> None:
        """Closes the client; its connections close when no copy uses them."""
        self._closed = True

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncClient(_BaseClient):
    """The asyncio client: the same resources as :class:`Client`, every call awaitable. Cancelling
    the awaiting task cancels the request. Use it as an async context manager, or await :meth:`close`.

    >>> async with langdock.AsyncClient() as client:
    ...     integrations = await client.integrations.list()
    """

    @property
    def integrations(self) -> AsyncIntegrations:
        """Integrations: list, create, get, update, update_auth, icon, set_icon."""
        return AsyncIntegrations(self)

    @property
    def actions(self) -> AsyncActions:
        """Actions of an integration: create, update, delete."""
        return AsyncActions(self)

    @property
    def triggers(self) -> AsyncTriggers:
        """Triggers of an integration: create, update, delete."""
        return AsyncTriggers(self)

    def with_options(
        self, *, timeout: Optional[float] = None, deadline: Optional[float] = None, max_retries: Optional[int] = None
    ) -> AsyncClient:
        """A copy whose calls use these options; connections, retry budget and pacing are shared."""
        copy = AsyncClient.__new__(AsyncClient)
        copy._core = self._live().with_options(timeout=timeout, deadline=deadline, max_retries=max_retries)
        copy._closed = False
        return copy

    async def close(self) -> None:
        """Closes the client; its connections close when no copy uses them."""
        self._closed = True

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


class _Resource:
    def __init__(self, client: _BaseClient) -> None:
        self._client = client

    @property
    def _core(self) -> _native.Core:
        return self._client._live()


class Integrations(_Resource):
    """The integration endpoints of :class:`Client`.

    Example:
        >>> ref = client.integrations.create(name="Weather", description="Forecasts")
        >>> client.integrations.update(ref.id, color="#0a84ff")
        >>> integration = client.integrations.get(ref.id)
        >>> print(integration.name, len(integration.actions), integration.attempts)
    """

    def list(
        self, *, timeout: Optional[float] = None, deadline: Optional[float] = None, max_retries: Optional[int] = None
    ) -> IntegrationList:
        """Every integration of the workspace, Langdock-built and custom (unpaginated)."""
        return self._core.list_integrations(timeout=timeout, deadline=deadline, max_retries=max_retries)

    def create(
        self,
        body: Optional[Body[CreateIntegration]] = None,
        /,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> IntegrationRef:
        """Creates an integration (auth type NONE, no actions, no triggers).

        Names are not unique, so a create that failed ambiguously is not retried: its error has
        ``maybe_created`` set.
        """
        request = _body(body, {"name": name, "description": description})
        return self._core.create_integration(request, timeout=timeout, deadline=deadline, max_retries=max_retries)

    def get(
        self,
        integration_id: str,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Integration:
        """The whole integration: auth settings, actions (with code and input fields), triggers."""
        return self._core.get_integration(integration_id, timeout=timeout, deadline=deadline, max_retries=max_retries)

    def update(
        self,
        integration_id: str,
        body: Optional[Body[UpdateIntegration]] = None,
        /,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        icon_url: Optional[str] = None,
        color: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> IntegrationRef:
        """Changes the name, description, icon URL or color; only what is given changes."""
        request = _body(body, {"name": name, "description": description, "icon_url": icon_url, "color": color})
        return self._core.update_integration(
            integration_id, request, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    def update_auth(
        self,
        integration_id: str,
        body: Optional[Body[UpdateAuth]] = None,
        /,
        *,
        auth_type: Optional[str] = None,
        auth_fields: Optional[Sequence[AuthFieldLike]] = None,
        auth_test_code: Optional[str] = None,
        oauth_client: Optional[Union[OAuthClient, Mapping[str, Any]]] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Integration:
        """Sets how users authenticate. Changing the auth type disconnects every user of the
        integration; ``auth_fields``, when given, replace the whole list."""
        request = _body(
            body,
            {
                "auth_type": auth_type,
                "auth_fields": None if auth_fields is None else list(auth_fields),
                "auth_test_code": auth_test_code,
                "oauth_client": oauth_client,
            },
        )
        return self._core.update_auth(integration_id, request, timeout=timeout, deadline=deadline, max_retries=max_retries)

    def icon(
        self,
        integration_id: str,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Icon:
        """The integration's icon URL (``icon_url`` is None when it has none)."""
        return self._core.get_icon(integration_id, timeout=timeout, deadline=deadline, max_retries=max_retries)

    def set_icon(
        self,
        integration_id: str,
        image: Image,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Icon:
        """Uploads a new icon: PNG, JPEG or WebP (recognised by content), at most 20 MB."""
        return self._core.set_icon(
            integration_id, _image(image), timeout=timeout, deadline=deadline, max_retries=max_retries
        )


class Actions(_Resource):
    """The action endpoints of :class:`Client`.

    Example:
        >>> action = client.actions.create(
        ...     integration_id,
        ...     name="Get forecast",
        ...     code="return ld.request({ url: `https://wttr.in/${data.input.city}` });",
        ...     input_fields=[{"label": "City", "type": "TEXT", "required": True}],
        ... )
        >>> client.actions.delete(integration_id, action.id)
    """

    def create(
        self,
        integration_id: str,
        body: Optional[Body[ActionInput]] = None,
        /,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        code: Optional[str] = None,
        input_fields: Optional[Sequence[InputFieldLike]] = None,
        requires_confirmation: Optional[bool] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Action:
        """Adds an action to an integration. Safe to retry: a 409 met after an ambiguous failure
        resolves to the existing action when it holds what was sent."""
        request = _body(
            body,
            {
                "name": name,
                "description": description,
                "code": code,
                "input_fields": None if input_fields is None else list(input_fields),
                "requires_confirmation": requires_confirmation,
            },
        )
        return self._core.create_action(
            integration_id, request, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    def update(
        self,
        integration_id: str,
        action_id: str,
        body: Optional[Body[ActionInput]] = None,
        /,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        code: Optional[str] = None,
        input_fields: Optional[Sequence[InputFieldLike]] = None,
        requires_confirmation: Optional[bool] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Action:
        """Replaces an action. An omitted description is cleared and omitted input fields are
        removed; an omitted code or requires_confirmation is kept."""
        request = _body(
            body,
            {
                "name": name,
                "description": description,
                "code": code,
                "input_fields": None if input_fields is None else list(input_fields),
                "requires_confirmation": requires_confirmation,
            },
        )
        return self._core.update_action(
            integration_id, action_id, request, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    def delete(
        self,
        integration_id: str,
        action_id: str,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Deleted:
        """Deletes an action, permanently."""
        return self._core.delete_action(
            integration_id, action_id, timeout=timeout, deadline=deadline, max_retries=max_retries
        )


class Triggers(_Resource):
    """The trigger endpoints of :class:`Client`.

    Example:
        >>> trigger = client.triggers.create(
        ...     integration_id,
        ...     name="New ticket",
        ...     polling_code='return ld.request({ url: "https://example.com/tickets" });',
        ... )
        >>> client.triggers.update(integration_id, trigger.id, name="New or updated ticket")
    """

    def create(
        self,
        integration_id: str,
        body: Optional[Body[TriggerInput]] = None,
        /,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        polling_code: Optional[str] = None,
        input_fields: Optional[Sequence[InputFieldLike]] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Trigger:
        """Adds a polling trigger to an integration (safe to retry, like actions)."""
        request = _body(
            body,
            {
                "name": name,
                "description": description,
                "polling_code": polling_code,
                "input_fields": None if input_fields is None else list(input_fields),
            },
        )
        return self._core.create_trigger(
            integration_id, request, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    def update(
        self,
        integration_id: str,
        trigger_id: str,
        body: Optional[Body[TriggerInput]] = None,
        /,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        polling_code: Optional[str] = None,
        input_fields: Optional[Sequence[InputFieldLike]] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Trigger:
        """Replaces a trigger. The API never returns polling code or input fields: send all you want to keep."""
        request = _body(
            body,
            {
                "name": name,
                "description": description,
                "polling_code": polling_code,
                "input_fields": None if input_fields is None else list(input_fields),
            },
        )
        return self._core.update_trigger(
            integration_id, trigger_id, request, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    def delete(
        self,
        integration_id: str,
        trigger_id: str,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Deleted:
        """Deletes a trigger, permanently."""
        return self._core.delete_trigger(
            integration_id, trigger_id, timeout=timeout, deadline=deadline, max_retries=max_retries
        )


class AsyncIntegrations(_Resource):
    """The integration endpoints of :class:`AsyncClient`.

    Example:
        >>> ref = await client.integrations.create(name="Weather")
        >>> integration = await client.integrations.get(ref.id)
    """

    async def list(
        self, *, timeout: Optional[float] = None, deadline: Optional[float] = None, max_retries: Optional[int] = None
    ) -> IntegrationList:
        """Every integration of the workspace, Langdock-built and custom (unpaginated)."""
        return await self._core.list_integrations_async(timeout=timeout, deadline=deadline, max_retries=max_retries)

    async def create(
        self,
        body: Optional[Body[CreateIntegration]] = None,
        /,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> IntegrationRef:
        """Creates an integration; see :meth:`Integrations.create`."""
        request = _body(body, {"name": name, "description": description})
        return await self._core.create_integration_async(
            request, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    async def get(
        self,
        integration_id: str,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Integration:
        """The whole integration: auth settings, actions (with code and input fields), triggers."""
        return await self._core.get_integration_async(
            integration_id, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    async def update(
        self,
        integration_id: str,
        body: Optional[Body[UpdateIntegration]] = None,
        /,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        icon_url: Optional[str] = None,
        color: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> IntegrationRef:
        """Changes the name, description, icon URL or color; only what is given changes."""
        request = _body(body, {"name": name, "description": description, "icon_url": icon_url, "color": color})
        return await self._core.update_integration_async(
            integration_id, request, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    async def update_auth(
        self,
        integration_id: str,
        body: Optional[Body[UpdateAuth]] = None,
        /,
        *,
        auth_type: Optional[str] = None,
        auth_fields: Optional[Sequence[AuthFieldLike]] = None,
        auth_test_code: Optional[str] = None,
        oauth_client: Optional[Union[OAuthClient, Mapping[str, Any]]] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Integration:
        """Sets how users authenticate; see :meth:`Integrations.update_auth`."""
        request = _body(
            body,
            {
                "auth_type": auth_type,
                "auth_fields": None if auth_fields is None else list(auth_fields),
                "auth_test_code": auth_test_code,
                "oauth_client": oauth_client,
            },
        )
        return await self._core.update_auth_async(
            integration_id, request, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    async def icon(
        self,
        integration_id: str,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Icon:
        """The integration's icon URL (``icon_url`` is None when it has none)."""
        return await self._core.get_icon_async(
            integration_id, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    async def set_icon(
        self,
        integration_id: str,
        image: Image,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Icon:
        """Uploads a new icon: PNG, JPEG or WebP (recognised by content), at most 20 MB."""
        return await self._core.set_icon_async(
            integration_id, _image(image), timeout=timeout, deadline=deadline, max_retries=max_retries
        )


class AsyncActions(_Resource):
    """The action endpoints of :class:`AsyncClient`.

    Example:
        >>> action = await client.actions.create(integration_id, name="Get forecast", code="return 1;")
        >>> await client.actions.delete(integration_id, action.id)
    """

    async def create(
        self,
        integration_id: str,
        body: Optional[Body[ActionInput]] = None,
        /,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        code: Optional[str] = None,
        input_fields: Optional[Sequence[InputFieldLike]] = None,
        requires_confirmation: Optional[bool] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Action:
        """Adds an action to an integration; see :meth:`Actions.create`."""
        request = _body(
            body,
            {
                "name": name,
                "description": description,
                "code": code,
                "input_fields": None if input_fields is None else list(input_fields),
                "requires_confirmation": requires_confirmation,
            },
        )
        return await self._core.create_action_async(
            integration_id, request, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    async def update(
        self,
        integration_id: str,
        action_id: str,
        body: Optional[Body[ActionInput]] = None,
        /,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        code: Optional[str] = None,
        input_fields: Optional[Sequence[InputFieldLike]] = None,
        requires_confirmation: Optional[bool] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Action:
        """Replaces an action; see :meth:`Actions.update`."""
        request = _body(
            body,
            {
                "name": name,
                "description": description,
                "code": code,
                "input_fields": None if input_fields is None else list(input_fields),
                "requires_confirmation": requires_confirmation,
            },
        )
        return await self._core.update_action_async(
            integration_id, action_id, request, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    async def delete(
        self,
        integration_id: str,
        action_id: str,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Deleted:
        """Deletes an action, permanently."""
        return await self._core.delete_action_async(
            integration_id, action_id, timeout=timeout, deadline=deadline, max_retries=max_retries
        )


class AsyncTriggers(_Resource):
    """The trigger endpoints of :class:`AsyncClient`.

    Example:
        >>> trigger = await client.triggers.create(integration_id, name="New ticket")
        >>> await client.triggers.delete(integration_id, trigger.id)
    """

    async def create(
        self,
        integration_id: str,
        body: Optional[Body[TriggerInput]] = None,
        /,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        polling_code: Optional[str] = None,
        input_fields: Optional[Sequence[InputFieldLike]] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Trigger:
        """Adds a polling trigger to an integration (safe to retry, like actions)."""
        request = _body(
            body,
            {
                "name": name,
                "description": description,
                "polling_code": polling_code,
                "input_fields": None if input_fields is None else list(input_fields),
            },
        )
        return await self._core.create_trigger_async(
            integration_id, request, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    async def update(
        self,
        integration_id: str,
        trigger_id: str,
        body: Optional[Body[TriggerInput]] = None,
        /,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        polling_code: Optional[str] = None,
        input_fields: Optional[Sequence[InputFieldLike]] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Trigger:
        """Replaces a trigger; see :meth:`Triggers.update`."""
        request = _body(
            body,
            {
                "name": name,
                "description": description,
                "polling_code": polling_code,
                "input_fields": None if input_fields is None else list(input_fields),
            },
        )
        return await self._core.update_trigger_async(
            integration_id, trigger_id, request, timeout=timeout, deadline=deadline, max_retries=max_retries
        )

    async def delete(
        self,
        integration_id: str,
        trigger_id: str,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Deleted:
        """Deletes a trigger, permanently."""
        return await self._core.delete_trigger_async(
            integration_id, trigger_id, timeout=timeout, deadline=deadline, max_retries=max_retries
        )
