"""A panic in the native code (a bug in langdock) reaches Python as ``InternalError``, a ``LangdockError`` that
``except Exception`` catches, never pyo3's ``PanicException`` (a ``BaseException``): while a call's arguments are
converted, in a blocking call, in an asyncio call (where the call runs in a task of the Rust runtime), and while an
answer becomes a Python object.
The panics are armed through ``_native._debug_panic_next``, which only debug builds have."""

from __future__ import annotations

import asyncio
from typing import Optional

import pytest

import langdock
from langdock import _native

pytestmark = pytest.mark.skipif(
    not hasattr(_native, "_debug_panic_next"), reason="a release build has no switch to make a call panic"
)

SITES = ["dispatch", "call", "convert"]


def arm(site: str) -> None:
    getattr(_native, "_debug_panic_next")(site)


def check(error: BaseException) -> None:
    assert type(error) is langdock.InternalError, repr(error)
    assert isinstance(error, langdock.LangdockError)
    assert error.code == "internal"
    assert "bug in langdock" in error.message, error.message
    assert "debug panic armed at" in error.message, "the message says what panicked"


@pytest.mark.parametrize("site", SITES)
def test_a_panic_in_a_blocking_call_is_an_internal_error_that_except_exception_catches(
    client: langdock.Client, site: str
) -> None:
    arm(site)
    caught: Optional[BaseException] = None
    try:
        client.integrations.list()
    except Exception as error:  # what user code writes; a PanicException would fly past it
        caught = error
    assert caught is not None, "the call did not fail"
    check(caught)
    assert len(client.integrations.list()) == 2, "the client keeps working after the panic"


@pytest.mark.asyncio
@pytest.mark.parametrize("site", SITES)
async def test_a_panic_in_an_asyncio_call_is_an_internal_error(aclient: langdock.AsyncClient, site: str) -> None:
    arm(site)
    with pytest.raises(Exception) as raised:
        # Bounded: a panic lost in the runtime's hand-back task would leave the awaitable pending forever.
        await asyncio.wait_for(aclient.integrations.list(), timeout=30)
    check(raised.value)
    assert len(await aclient.integrations.list()) == 2, "the client keeps working after the panic"


def test_an_unknown_panic_site_is_refused() -> None:
    with pytest.raises(ValueError):
        arm("nowhere")
