"""``langdock.Client`` (blocking) and ``langdock.AsyncClient`` (asyncio), with the resources
``integrations``, ``actions`` and ``triggers``.

Everything that decides (retries, waits, validation, defaults) happens in the Rust core; the resources'
methods are generated from the core's operation table (``langdock/resources/``, ``make generate``).
"""

from __future__ import annotations

import os
from typing import Mapping, Optional, Tuple, Union

from . import _native
from .resources import Actions, AsyncActions, AsyncIntegrations, AsyncTriggers, Integrations, Triggers

__all__ = [
    "Client",
    "AsyncClient",
    "Integrations",
    "Actions",
    "Triggers",
    "AsyncIntegrations",
    "AsyncActions",
    "AsyncTriggers",
]

USER_AGENT = f"langdock-python/{_native.VERSION}"

def _make_core(
    *,
    api_key: Optional[str],
    base_url: Optional[str],
    deployment_url: Optional[str],
    timeout: Optional[float],
    connect_timeout: Optional[float],
    deadline: Optional[float],
    max_retries: Optional[int],
    retry_after_cap: Optional[float],
    backoff: Optional[Tuple[float, float]],
    headers: Optional[Mapping[str, str]],
    user_agent_suffix: Optional[str],
    proxy: Optional[str],
    no_proxy: bool,
    ca_bundle: Optional[Union[str, "os.PathLike[str]"]],
    ca_pem: Optional[Union[str, bytes]],
    allow_insecure_http: bool,
    validation: Optional[bool],
    adaptive_pacing: Optional[bool],
) -> _native.NativeClient:
    user_agent = USER_AGENT + (f" {user_agent_suffix}" if user_agent_suffix else "")
    pems = None if ca_pem is None else [ca_pem.encode() if isinstance(ca_pem, str) else ca_pem]
    return _native.NativeClient(
        api_key=api_key,
        base_url=base_url,
        deployment_url=deployment_url,
        timeout=timeout,
        connect_timeout=connect_timeout,
        deadline=deadline,
        max_retries=max_retries,
        retry_after_cap=retry_after_cap,
        backoff=backoff,
        headers=dict(headers) if headers is not None else None,
        user_agent=user_agent,
        proxy=proxy,
        no_proxy=no_proxy,
        ca_bundle=os.fspath(ca_bundle) if ca_bundle is not None else None,
        ca_pem=pems,
        allow_insecure_http=allow_insecure_http,
        validation=validation,
        adaptive_pacing=adaptive_pacing,
    )


class _BaseClient:
    _core: _native.NativeClient

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        deployment_url: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
        retry_after_cap: Optional[float] = None,
        backoff: Optional[Tuple[float, float]] = None,
        headers: Optional[Mapping[str, str]] = None,
        user_agent_suffix: Optional[str] = None,
        proxy: Optional[str] = None,
        no_proxy: bool = False,
        ca_bundle: Optional[Union[str, "os.PathLike[str]"]] = None,
        ca_pem: Optional[Union[str, bytes]] = None,
        allow_insecure_http: bool = False,
        validation: Optional[bool] = None,
        adaptive_pacing: Optional[bool] = None,
    ) -> None:
        """A client of the Langdock Integrations API. Every setting is optional; what is not given
        comes from the environment, then the defaults.

        Args:
            api_key: the API key (else ``LANGDOCK_API_KEY``); it needs the ``INTEGRATION_API`` scope.
            base_url: the API's base URL (else ``LANGDOCK_BASE_URL``, else ``https://api.langdock.com``).
            deployment_url: a dedicated deployment's address, e.g. ``https://langdock.acme.com``
                (``/api/public`` is added).
            timeout: seconds one attempt may take (default 60).
            connect_timeout: seconds to establish a connection (default 10).
            deadline: seconds a whole call may take, all attempts and waits included (default 180).
            max_retries: retries after the first attempt (else ``LANGDOCK_MAX_RETRIES``, else 2).
            retry_after_cap: the longest ``Retry-After`` in seconds the client waits (default 60); a
                longer one fails the call at once with ``RateLimitError.retry_after`` set.
            backoff: the computed wait before the first retry and its cap, in seconds (default
                ``(0.5, 8.0)``); tests use small values.
            headers: extra headers sent with every request.
            user_agent_suffix: appended to ``User-Agent: langdock-python/<version>``.
            proxy: send every request through this proxy (else ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY``).
            no_proxy: ignore proxy settings from the environment.
            ca_bundle: a PEM file of extra CA certificates (else ``LANGDOCK_CA_BUNDLE``).
            ca_pem: extra CA certificates as PEM text.
            allow_insecure_http: allow plain ``http://`` to hosts other than loopback (the key then
                travels in clear text).
            validation: client-side validation on (default) or off.
            adaptive_pacing: slow the whole client down on 429s (default on).

        Raises:
            ConfigurationError: no API key, a bad or insecure base URL, an unreadable CA bundle.
        """
        self._core = _make_core(
            api_key=api_key,
            base_url=base_url,
            deployment_url=deployment_url,
            timeout=timeout,
            connect_timeout=connect_timeout,
            deadline=deadline,
            max_retries=max_retries,
            retry_after_cap=retry_after_cap,
            backoff=backoff,
            headers=headers,
            user_agent_suffix=user_agent_suffix,
            proxy=proxy,
            no_proxy=no_proxy,
            ca_bundle=ca_bundle,
            ca_pem=ca_pem,
            allow_insecure_http=allow_insecure_http,
            validation=validation,
            adaptive_pacing=adaptive_pacing,
        )
        self._closed = False

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

    def _live(self) -> _native.NativeClient:
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
