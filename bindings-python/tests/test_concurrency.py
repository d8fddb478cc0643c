"""One client shared by many threads (the GIL released while calls wait), signals that interrupt a
blocking call, and a client that keeps working in a child process after os.fork()."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from typing import List

import pytest

import langdock
from langdock import _native
from langdock.testing import Emulator


def test_one_client_serves_many_threads(client: langdock.Client) -> None:
    ids: List[str] = []
    errors: List[BaseException] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        try:
            for i in range(5):
                created = client.integrations.create(name=f"T{n}-{i}")
                assert client.integrations.get(created.id).name == f"T{n}-{i}"
                with lock:
                    ids.append(created.id)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(ids)) == 40


def test_blocking_calls_release_the_gil(client: langdock.Client, emulator: Emulator) -> None:
    emulator.inject("list_integrations", latency_ms=1000)
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    try:
        client.integrations.list()
    finally:
        done.set()
        counter.join()
    assert ticks > 1000, "the counting thread ran while the call waited"


class Interrupted(Exception):
    pass


@pytest.mark.skipif(sys.platform == "win32", reason="SIGALRM")
def test_a_signal_handler_that_raises_interrupts_a_blocking_call(client: langdock.Client, emulator: Emulator) -> None:
    emulator.inject("list_integrations", latency_ms=30_000)

    def handler(signum: int, frame: object) -> None:
        raise Interrupted()

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(Interrupted):
            client.integrations.list()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert _native._in_flight() == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_the_client_keeps_working_in_a_forked_child(client: langdock.Client, emulator: Emulator) -> None:
    parent_id = client.integrations.create(name="Before fork").id  # the runtime and connections exist now

    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 1
        try:
            assert client.integrations.get(parent_id).name == "Before fork"
            child = client.integrations.create(name="From child")

            async def with_asyncio() -> str:
                async with emulator.async_client() as aclient:
                    return (await aclient.integrations.get(child.id)).name

            assert asyncio.run(with_asyncio()) == "From child"
            code = 0
        except BaseException as error:  # noqa: BLE001 - the exit code reports it
            print(f"child failed: {error!r}", file=sys.stderr)
        finally:
            os._exit(code)

    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    names = [i.name for i in client.integrations.list()]
    assert "From child" in names, "the parent sees what the child created"
