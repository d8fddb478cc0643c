"""A wrong argument is a ``TypeError`` naming the parameter, before anything is sent; no message names a
Rust type."""

from __future__ import annotations

import re
from typing import Any

import pytest

import langdock
from langdock.testing import Emulator

RUST_TYPES = re.compile(r"serde|PyString|\bString\b|Vec<|rust", re.I)


def test_a_path_id_that_is_not_a_str_is_a_type_error_naming_it(client: langdock.Client, emulator: Emulator) -> None:
    emulator.clear_journal()
    bad: Any = 123
    with pytest.raises(TypeError, match=r"^integration_id must be a str, not int$") as caught:
        client.integrations.get(bad)
    assert not RUST_TYPES.search(str(caught.value))
    with pytest.raises(TypeError, match=r"^action_id must be a str, not NoneType$"):
        client.actions.delete("id", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^trigger_id must be a str, not bytes$"):
        client.triggers.update("id", b"t", name="x")  # type: ignore[arg-type]
    assert emulator.journal() == [], "nothing was sent"


@pytest.mark.asyncio
async def test_the_async_client_checks_ids_the_same_way(aclient: langdock.AsyncClient) -> None:
    with pytest.raises(TypeError, match=r"^integration_id must be a str, not list$"):
        await aclient.integrations.icon([])  # type: ignore[arg-type]


def test_an_image_that_is_neither_bytes_nor_a_path_is_a_type_error(client: langdock.Client) -> None:
    with pytest.raises(TypeError, match=r"^image must be bytes or a path, not int$"):
        client.integrations.set_icon("id", 5)  # type: ignore[arg-type]


def test_a_body_that_cannot_be_sent_is_a_type_error_naming_no_rust_type(client: langdock.Client) -> None:
    with pytest.raises(TypeError) as caught:
        client.integrations.create({"name": object()})
    assert "cannot send a object to the API" in str(caught.value)
    assert not RUST_TYPES.search(str(caught.value))
