"""``langdock.Client`` (blocking) and ``langdock.AsyncClient`` (asyncio), with the resources
``integrations``, ``actions`` and ``triggers``.

Everything that decides (retries, waits, validation, defaults) happens in the Rust core; the resources'
methods are generated from the core's operation table (``langdock/resources/``, ``make generate``).
"""

from __future__ import annotations

from typing import Optional

from . import _native
from ._settings import _ClientSettings
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

    def _live(self) -> _native.NativeClient:
        if self._closed:
            raise RuntimeError(f"this {type(self).__name__} is closed")
        return self._core

    def __repr__(self) -> str:
        return f"<langdock.{type(self).__name__} base_url={self.base_url!r}>"


class Client(_BaseClient):
    """The blocking client. Calls release the GIL while they wait, so one client can serve many
    threads. A call made alone (no other call of the process in flight) to a server that answers
    within a fraction of a millisecond (a local one) spins for its answer for up to 0.4 ms before its
    thread sleeps, which saves the wake-up; calls to the remote service do not spin (but one in eight
    calls made alone does, to notice a server that became fast). Use it as a context manager, or call
    :meth:`close`.

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
    the awaiting task cancels the request. A call made alone, while the event loop has nothing else
    ready to run, is waited for as :class:`Client` waits: the loop's thread spins for it for up to
    0.4 ms (GIL released), and the awaiting task then yields to the loop once, as ``asyncio.sleep(0)``
    does. Use it as an async context manager, or await :meth:`close`.

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
