"""Fixtures: a fresh in-process emulator per test (free port, real HTTP on 127.0.0.1) and clients
for it with short backoff, so retries take milliseconds."""

from __future__ import annotations

from typing import AsyncIterator, Iterator

import pytest
import pytest_asyncio

import langdock
from langdock.testing import Emulator

#: Retry waits for tests: 1 ms doubling up to 10 ms.
FAST = (0.001, 0.01)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def client(emulator: Emulator) -> Iterator[langdock.Client]:
    with emulator.client(backoff=FAST) as client:
        yield client


@pytest_asyncio.fixture
async def aclient(emulator: Emulator) -> AsyncIterator[langdock.AsyncClient]:
    async with emulator.async_client(backoff=FAST) as client:
        yield client


@pytest.fixture
def integration_id(client: langdock.Client) -> str:
    return client.integrations.create(name="Weather", description="Forecasts").id
