"""The asyncio client: every endpoint, concurrency, errors, and cancellation that drops the Rust request."""

from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator, List, Optional

import pytest

import langdock
from langdock import _native
from langdock.testing import Emulator

from .conftest import PNG


async def settles(condition: Callable[[], bool], within: float = 30.0) -> bool:
    """Whether `condition` becomes true within `within` seconds: a bound for a loaded machine, not a wait."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


@pytest.mark.asyncio
async def test_every_endpoint(aclient: langdock.AsyncClient) -> None:
    integrations = await aclient.integrations.list()
    assert len(integrations) == 2 and integrations.attempts == 1
    created = await aclient.integrations.create(name="Async", description="d")
    integration_id = created.id
    assert (await aclient.integrations.update(integration_id, name="Async 2")).name == "Async 2"
    auth = await aclient.integrations.update_auth(
        integration_id, auth_type="API_KEY", auth_fields=[{"slug": "key", "label": "Key", "type": "PASSWORD"}]
    )
    assert auth.auth_type == "API_KEY"
    assert (await aclient.integrations.icon(integration_id)).icon_url is None
    assert (await aclient.integrations.set_icon(integration_id, PNG)).icon_url
    action = await aclient.actions.create(
        integration_id, name="Act", input_fields=[langdock.InputField(label="City", required=True)]
    )
    assert action.input_fields[0].type == "TEXT"
    assert (await aclient.actions.update(integration_id, action.id, name="Act 2")).name == "Act 2"
    trigger = await aclient.triggers.create(integration_id, langdock.TriggerInput(name="Trig"))
    assert (await aclient.triggers.update(integration_id, trigger.id, {"name": "Trig 2"})).name == "Trig 2"
    full = await aclient.integrations.get(integration_id)
    assert ([a.name for a in full.actions], [t.name for t in full.triggers]) == (["Act 2"], ["Trig 2"])
    assert (await aclient.actions.delete(integration_id, action.id)).id == action.id
    assert (await aclient.triggers.delete(integration_id, trigger.id)).id == trigger.id


@pytest.mark.asyncio
async def test_concurrent_calls_with_gather(aclient: langdock.AsyncClient) -> None:
    created = await asyncio.gather(*(aclient.integrations.create(name=f"N{i}") for i in range(20)))
    assert len({c.id for c in created}) == 20
    listed = await aclient.integrations.list()
    assert len(listed) == 22


@pytest.mark.asyncio
async def test_errors_are_raised_on_await(aclient: langdock.AsyncClient, emulator: Emulator) -> None:
    emulator.inject("list_integrations", status=503, times=2)
    assert (await aclient.integrations.list()).attempts == 3
    with pytest.raises(langdock.NotFoundError) as error:
        await aclient.integrations.get("00000000-0000-4000-8000-000000000000")
    assert error.value.status == 404
    with pytest.raises(langdock.ValidationError):
        await aclient.integrations.create(name="")


@pytest.fixture
def spin_always() -> Iterator[None]:
    """Every call made alone is spun for (on its loop's thread when the loop has nothing else ready), however
    loaded the machine: the tests of that path do not depend on how fast the emulator answers."""
    switch = getattr(_native, "_debug_spin_always", None)
    if switch is None:
        pytest.skip("a release build has no switch to spin for every call")
    switch(True)
    try:
        yield
    finally:
        switch(False)


@pytest.mark.asyncio
async def test_a_call_spun_for_on_the_loop_answers_and_fails_as_any_other(
    aclient: langdock.AsyncClient, emulator: Emulator, spin_always: None
) -> None:
    spun = aclient._live().call_async("list_integrations", [])
    # Answered on the loop's thread while it waited: no task and no future of the loop were needed.
    assert not isinstance(spun, asyncio.Future)
    assert len(await spun) == 2
    created = await aclient.integrations.create(name="Spun", description="d")
    assert (await aclient.integrations.get(created.id)).name == "Spun"
    emulator.inject("list_integrations", status=503, times=2)
    assert (await aclient.integrations.list()).attempts == 3
    with pytest.raises(langdock.NotFoundError) as error:
        await aclient.integrations.get("00000000-0000-4000-8000-000000000000")
    assert error.value.status == 404


@pytest.mark.asyncio
async def test_calls_spun_for_in_a_row_still_let_the_loop_run(aclient: langdock.AsyncClient, spin_always: None) -> None:
    loop = asyncio.get_running_loop()
    calls_done = 0
    timer_saw: List[int] = []
    loop.call_later(0, lambda: timer_saw.append(calls_done))
    for _ in range(5):
        await aclient.integrations.list()
        calls_done += 1
    # The first call is spun for (nothing else is ready); awaiting it yields to the loop once, whose next turn
    # runs this task and then the timer, which is ready by then; so the second call is not spun for, and the
    # timer runs while it waits. A spun-for call that did not yield would let the timer run only after all five.
    assert timer_saw == [1]


@pytest.mark.asyncio
async def test_a_call_is_not_spun_for_while_other_tasks_are_ready(
    aclient: langdock.AsyncClient, emulator: Emulator, spin_always: None
) -> None:
    emulator.inject("list_integrations", latency_ms=300, times=2)
    calls = [asyncio.ensure_future(aclient.integrations.list()) for _ in range(2)]
    # The first task's call starts while the second task is ready to run, so it is not spun for (which would
    # hold the loop for 300 ms); the second starts while the first is in flight. Both are in flight together.
    assert await settles(lambda: _native._in_flight() == 2)
    assert [len(answer) for answer in await asyncio.gather(*calls)] == [2, 2]


@pytest.mark.asyncio
async def test_cancelling_the_task_drops_the_rust_request(aclient: langdock.AsyncClient, emulator: Emulator) -> None:
    emulator.inject("list_integrations", latency_ms=30_000)
    task = asyncio.ensure_future(aclient.integrations.list())
    assert await settles(lambda: _native._in_flight() == 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The request would take 30 s; the future is dropped (and the request cancelled) long before.
    assert await settles(lambda: _native._in_flight() == 0)
    # The client keeps working.
    emulator.clear_faults()
    assert len(await aclient.integrations.list()) == 2


@pytest.mark.asyncio
async def test_wait_for_timeout_cancels_too(aclient: langdock.AsyncClient, emulator: Emulator) -> None:
    emulator.inject("list_integrations", latency_ms=30_000)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(aclient.integrations.list(), timeout=0.2)
    assert await settles(lambda: _native._in_flight() == 0)


def test_asyncio_run_works_from_plain_code(emulator: Emulator) -> None:
    async def main() -> int:
        async with emulator.async_client() as client:
            return len(await client.integrations.list())

    assert asyncio.run(main()) == 2


class CountingLoop(asyncio.SelectorEventLoop):
    """An event loop that counts its wake-ups from other threads."""

    def __init__(self) -> None:
        super().__init__()
        self.wakeups = 0

    def call_soon_threadsafe(  # type: ignore[override]  # typeshed types it with a TypeVarTuple
        self, callback: Callable[..., Any], *args: Any, context: Any = None
    ) -> asyncio.Handle:
        self.wakeups += 1
        return super().call_soon_threadsafe(callback, *args, context=context)


def test_calls_that_finish_together_wake_the_loop_once(emulator: Emulator) -> None:
    loop = CountingLoop()

    async def main() -> List[int]:
        async with emulator.async_client() as client:
            calls = [asyncio.ensure_future(client.integrations.list()) for _ in range(32)]
            # Each task's first step (which starts its call) runs before this one resumes; some calls may
            # already have finished by then, so the count of calls in flight proves nothing here.
            await asyncio.sleep(0)
            # Hold the loop thread (not the GIL) until every call has finished and queued its answer.
            _native._drain_tasks(30.0)
            assert _native._in_flight() == 0
            return [len(answer) for answer in await asyncio.gather(*calls)]

    try:
        assert loop.run_until_complete(main()) == [2] * 32
    finally:
        loop.close()
    assert loop.wakeups == 1, f"{loop.wakeups} wake-ups for 32 calls"


@pytest.mark.asyncio
async def test_each_task_keeps_its_context_variables_across_a_call(aclient: langdock.AsyncClient) -> None:
    var: contextvars.ContextVar[int] = contextvars.ContextVar("var")

    async def one(n: int) -> int:
        var.set(n)
        await aclient.integrations.list()
        return var.get()

    assert await asyncio.gather(*(one(n) for n in range(16))) == list(range(16))


def test_one_client_serves_event_loops_in_several_threads_and_successive_runs(emulator: Emulator) -> None:
    client = emulator.async_client()

    def run(_: int) -> List[int]:
        async def main() -> List[int]:
            return [len(answer) for answer in await asyncio.gather(*(client.integrations.list() for _ in range(16)))]

        return [n for _ in range(3) for n in asyncio.run(main())]

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(run, range(4))) == [[2] * 48] * 4


@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited")
def test_a_call_that_finishes_after_its_loop_closed_is_dropped(emulator: Emulator) -> None:
    emulator.inject("list_integrations", latency_ms=500)
    client = emulator.async_client()
    loop = asyncio.new_event_loop()
    pending: Optional["asyncio.Future[Any]"] = None

    async def start() -> None:
        nonlocal pending
        pending = asyncio.ensure_future(client.integrations.list())
        await asyncio.sleep(0)

    loop.run_until_complete(start())
    assert _native._in_flight() == 1
    loop.close()
    # The answer arrives for a closed loop: dropped, without a crash or a hang.
    _native._drain_tasks(30.0)
    assert _native._in_flight() == 0
    emulator.clear_faults()

    async def again() -> int:
        return len(await client.integrations.list())

    assert asyncio.run(again()) == 2
    assert pending is not None
    pending._log_destroy_pending = False  # type: ignore[attr-defined]  # it never ends, by design
