"""Test your own code against a local emulator of the Langdock Integrations API, in-process, without
a network or an account.

>>> from langdock.testing import Emulator
>>> with Emulator() as emulator:
...     client = emulator.client()
...     emulator.inject("create_action", status=503, headers={"Retry-After": "0"})
...     ...  # your code under test, given `client`
...     assert [e.operation for e in emulator.journal()] == [...]

The emulator keeps its state in memory, accepts the key ``emulator.api_key`` (both scopes), serves
two Langdock-built integrations from the start, and answers faults you inject, first in first out,
per operation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from . import _native
from ._client import AsyncClient, Client
from ._operations import OPERATIONS as _OPERATIONS

__all__ = ["Emulator", "JournalEntry", "OPERATIONS"]

OPERATIONS = _OPERATIONS
"""The operation names faults and journal entries use ("*" in a fault means any operation)."""



@dataclass(frozen=True)
class JournalEntry:
    """One API request as the emulator saw it (the ``Authorization`` header is never recorded)."""

    seq: int
    """Sequence number, from 1, in the order requests finished."""
    method: str
    """The HTTP method."""
    path: str
    """The request path, without the query."""
    operation: Optional[str]
    """The API operation the request matched (one of :data:`OPERATIONS`), or None for an unknown route."""
    status: Optional[int]
    """The status answered; None when the connection was dropped."""
    fault: Optional[str]
    """The kind of fault that shaped the answer: status, drop_before_body, drop_after_body, truncate,
    latency, body, rate_limited."""
    applied: bool
    """Whether the request changed the state."""
    request_id: Optional[str]
    """The request's ``x-request-id``, as the client sent it."""
    body: Any
    """The request body parsed as JSON (camelCase, as sent), or None."""
    received_at: int
    """Milliseconds since the emulator started."""
    response: Any = None
    """The answered body parsed as JSON, when the emulator was told to keep answers."""


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class Emulator:
    """A local emulator of the API on ``127.0.0.1`` (a free port unless ``port`` is given).

    Args:
        port: the port, 0 for a free one.
        keys: accepted keys, each ``"KEY"`` (every scope) or ``"KEY:SCOPE1,SCOPE2"``; they replace the
            default key ``sk-ld-emulator-local``.
        rate_limit: requests per minute and key; None for no limit.
        seed: start with two Langdock-built integrations.
        state_file: keep the state in this JSON file across restarts.
        tls: serve HTTPS (``https://127.0.0.1:PORT``) with a certificate authority generated for this run:
            :attr:`ca_pem`. :meth:`client` trusts it; any other client needs it as ``ca_pem`` or in a file
            named by ``LANGDOCK_CA_BUNDLE``.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        keys: Optional[Sequence[str]] = None,
        rate_limit: Optional[int] = None,
        seed: bool = True,
        state_file: Optional[Union[str, "os.PathLike[str]"]] = None,
        tls: bool = False,
    ) -> None:
        self._native = _native.Emulator(
            port=port,
            keys=list(keys) if keys is not None else None,
            rate_limit=rate_limit,
            seed=seed,
            state_file=os.fspath(state_file) if state_file is not None else None,
            tls=tls,
        )
        self._api_key = keys[0].rsplit(":", 1)[0] if keys else _native.EMULATOR_API_KEY

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (``https://`` with ``tls``): pass it as the client's ``base_url``."""
        return self._native.base_url

    @property
    def ca_pem(self) -> Optional[str]:
        """With ``tls``, the PEM of the CA that signed the emulator's certificate (a client's ``ca_pem``, or the
        content of a ``LANGDOCK_CA_BUNDLE`` file); None for plain HTTP."""
        return self._native.ca_pem

    @property
    def api_key(self) -> str:
        """A key the emulator accepts."""
        return self._api_key

    def client(self, **options: Any) -> Client:
        """A :class:`langdock.Client` for this emulator (trusting its CA with ``tls``); ``options`` go to the
        client (e.g. ``backoff``)."""
        return Client(base_url=self.base_url, **self._client_options(options))

    def async_client(self, **options: Any) -> AsyncClient:
        """A :class:`langdock.AsyncClient` for this emulator (trusting its CA with ``tls``); ``options`` go to
        the client."""
        return AsyncClient(base_url=self.base_url, **self._client_options(options))

    def _client_options(self, options: Dict[str, Any]) -> Dict[str, Any]:
        options.setdefault("api_key", self.api_key)
        if self.ca_pem is not None:
            options.setdefault("ca_pem", self.ca_pem)
        return options

    def inject(
        self,
        operation: str = "*",
        *,
        status: Optional[int] = None,
        headers: Optional[Mapping[str, str]] = None,
        body: Optional[str] = None,
        content_type: Optional[str] = None,
        latency_ms: Optional[int] = None,
        drop: Optional[str] = None,
        apply: bool = False,
        truncate: bool = False,
        times: int = 1,
        method: Optional[str] = None,
        pad_bytes: Optional[int] = None,
    ) -> None:
        """Scripts a failure for the next matching request(s).

        Args:
            operation: one of :data:`OPERATIONS`, or ``"*"`` for any.
            status: answer this status instead of the real answer (not applied unless ``apply``).
            headers: headers added to the answer, e.g. ``{"Retry-After": "1"}``.
            body: the raw answer body; without ``status``, answered as 200 instead of the real one.
            content_type: the content type of ``body`` (default ``application/json``).
            latency_ms: delay the answer.
            drop: ``"before_body"`` (not applied) or ``"after_body"`` (applied): close the connection
                without an answer.
            apply: with ``status``, run the real handler first, so the request takes effect.
            truncate: send only the first half of the real answer's body.
            times: how many requests the fault applies to; 0 until :meth:`reset`.
            method: only requests with this HTTP method.
            pad_bytes: append this many spaces to the answered JSON (still valid JSON): a very large answer.
        """
        fault: Dict[str, Any] = {"operation": operation, "times": times, "apply": apply, "truncate": truncate}
        given = {
            "status": status,
            "headers": dict(headers) if headers is not None else None,
            "body": body,
            "content_type": content_type,
            "latency_ms": latency_ms,
            "drop": drop,
            "method": method,
            "pad_bytes": pad_bytes,
        }
        fault.update({_camel(name): value for name, value in given.items() if value is not None})
        self._native.inject(fault)

    def faults(self) -> List[Dict[str, Any]]:
        """The pending faults (the control API's JSON)."""
        return self._native.faults()

    def clear_faults(self) -> None:
        """Removes every pending fault."""
        self._native.clear_faults()

    def journal(self, operation: Optional[str] = None) -> List[JournalEntry]:
        """The requests received, oldest first; only those of ``operation`` when given."""
        entries = [
            JournalEntry(
                seq=entry["seq"],
                method=entry["method"],
                path=entry["path"],
                operation=entry.get("operation"),
                status=entry.get("status"),
                fault=entry.get("fault"),
                applied=entry["applied"],
                request_id=entry.get("requestId"),
                body=entry.get("body"),
                received_at=entry["receivedAt"],
                response=entry.get("response"),
            )
            for entry in self._native.journal()
        ]
        return [e for e in entries if operation is None or e.operation == operation]

    def clear_journal(self) -> None:
        """Empties the journal."""
        self._native.clear_journal()

    def reset(self) -> None:
        """Back to the start: seed data only, no faults, an empty journal."""
        self._native.reset()

    def set_rate_limit(self, per_minute: Optional[int]) -> None:
        """Requests per minute and key; None turns the limit off."""
        self._native.set_rate_limit(per_minute)

    def add_key(self, key: str, scopes: Optional[Sequence[str]] = None) -> None:
        """Accepts another key, with these scopes (``INTEGRATION_API``, ``ASSISTANT_API``; default both,
        ``[]`` for none)."""
        self._native.add_key(key if scopes is None else f"{key}:{','.join(scopes)}")

    def stop(self) -> None:
        """Stops the emulator (also done on leaving the ``with`` block)."""
        self._native.stop()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<langdock.testing.Emulator {self.base_url}>"
