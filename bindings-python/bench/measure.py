#!/usr/bin/env python3
"""One measurement of the Python bench, in a process of its own that imports only the client it measures (so
that its peak memory is that client's alone); prints one JSON line. Started by bench.py.

usage: measure.py CLIENT WORKLOAD MODE POLICY INTEGRATION_ID

CLIENT: langdock, requests, httpx (64 threads when concurrent); langdock-async, httpx-async, aiohttp (64 tasks).
WORKLOAD: get, list, create, retry, bulk, scaling. MODE: sequential, concurrent. POLICY (bulk): langdock,
typical, stainless; `-` otherwise. For `scaling` (sequential only), INTEGRATION_ID is the number of integrations
the seeded workspace holds.

A concurrent measurement keeps 64 calls in flight for SETTLE_SECONDS and then CONCURRENT_SECONDS, and counts the
calls that end in that window: every client, fast or slow, is measured over the same time, in its steady state.

Every client makes the same calls and decodes the JSON into usable objects: the peers into dicts (`.json()`),
langdock into its typed models. The peers are configured as a careful user would: one session, a connection
pool of 64 (so that 64 in flight reuse their connections; httpx-async keeps its default pool, which is faster),
no proxy lookup (langdock: `no_proxy=True`), a 60-second timeout (langdock's default per attempt).
"""
from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import sys
import threading
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

IN_FLIGHT = 64
# How long a concurrent measurement's warm-up waits after its first call before it opens 64 connections, in seconds:
# past a new client's start window (0.6 s after its first send, core/src/pacing.rs), so that the measurement sees
# the client's steady state, and 64 open connections.
WARM_UP_SECONDS = 0.7
# 200 after 20 (the Rust bench: 300 after 30): enough for a stable p50, and it keeps `make bench` within 20 minutes
# now that the Rust core is measured in this run too.
SEQUENTIAL_CALLS, SEQUENTIAL_WARMUP = 200, 20
# A concurrent measurement (get, list, create, retry), after its warm-up: 64 calls in flight throughout,
# SETTLE_SECONDS unmeasured (CPython's 64 threads take a while to all be running, V8 runs its first thousands of
# calls before its JIT: the figures should be of the steady state, the peers' as much as langdock's), then
# CONCURRENT_SECONDS in which the calls that end count. The same in the three benches; the Rust core's child
# gets this window as BENCH_CONCURRENT_SECONDS.
SETTLE_SECONDS = 0.3
CONCURRENT_SECONDS = 1.0
BULK_CALLS = 1000
# (retries, first wait, longest wait) in seconds.
RETRY_WORKLOAD = (5, 0.01, 0.1)  # the `retry` workload: both sides, 10 ms doubling to 100 ms
STAINLESS = (2, 0.5, 8.0)  # the Stainless SDK default
RETRY_AFTER_CAP = 60.0
TIMEOUT = 60.0


class Failed(Exception):
    """An HTTP answer that is not a success (status 0: no answer), with its Retry-After in seconds."""

    def __init__(self, status: int, retry_after: Optional[float] = None) -> None:
        super().__init__(f"status {status}")
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.status in (0, 408, 429) or self.status >= 500


def retry_after_of(headers: Any) -> Optional[float]:
    value = headers.get("retry-after")
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 <= seconds <= RETRY_AFTER_CAP else None


def backoff(attempt: int, initial: float, longest: float) -> float:
    """Exponential backoff with up to 25% jitter, as the Stainless SDKs (and the Rust bench's loop) do."""
    return min(initial * 2**attempt, longest) * (1 - 0.25 * random.random())


def with_retries(send: Callable[[], Any], policy: Tuple[int, float, float]) -> Any:
    """The retry loop users write by hand: retries 408, 429, 5xx and connection errors, honouring Retry-After."""
    retries, initial, longest = policy
    attempt = 0
    while True:
        try:
            return send()
        except Failed as failure:
            if attempt >= retries or not failure.retryable:
                raise
            wait = failure.retry_after if failure.retry_after is not None else backoff(attempt, initial, longest)
            time.sleep(wait)
            attempt += 1


async def with_retries_async(send: Callable[[], Awaitable[Any]], policy: Tuple[int, float, float]) -> Any:
    retries, initial, longest = policy
    attempt = 0
    while True:
        try:
            return await send()
        except Failed as failure:
            if attempt >= retries or not failure.retryable:
                raise
            wait = failure.retry_after if failure.retry_after is not None else backoff(attempt, initial, longest)
            await asyncio.sleep(wait)
            attempt += 1


def base() -> str:
    return os.environ["LANGDOCK_BASE_URL"].rstrip("/") + "/integrations/v1"


def auth() -> Dict[str, str]:
    return {"authorization": f"Bearer {os.environ.get('LANGDOCK_API_KEY', 'sk-ld-emulator-local')}"}


# ---------------------------------------------------------------------------------------------- the clients
# Each returns `call(n)` (sync) or `async call(n)` for the workload, and raises when the call failed for good.

Call = Callable[[int], Any]


def create_body(client: str, n: int) -> Dict[str, str]:
    # Unique per process too: the sequential and concurrent runs of one client may share an integration.
    return {"name": f"bench-{client}-{os.getpid()}-{n}", "code": "z" * 5000}


def bulk_body(client: str, policy: str, n: int) -> Dict[str, str]:
    return {"name": f"bulk-{client}-{policy}-{n}", "code": "return 1;"}


def langdock_sync(client: str, workload: str, policy: str, target: str) -> Call:
    import langdock

    if workload == "retry":
        retries, initial, longest = RETRY_WORKLOAD
        ld = langdock.Client(no_proxy=True, max_retries=retries, backoff=(initial, longest))
    elif policy == "stainless":
        ld = langdock.Client(no_proxy=True, max_retries=STAINLESS[0], adaptive_pacing=False)
    else:
        ld = langdock.Client(no_proxy=True)
    if workload in ("get", "retry"):
        return lambda n: ld.integrations.get(target)
    if workload == "list":
        return lambda n: ld.integrations.list()
    if workload == "scaling":
        return lambda n: touch(ld.integrations.list())
    if workload == "create":
        return lambda n: ld.actions.create(target, **create_body(client, n))
    if workload == "bulk":
        return lambda n: ld.actions.create(target, **bulk_body(client, policy, n))
    raise ValueError(workload)


def langdock_async(client: str, workload: str, policy: str, target: str) -> Call:
    import langdock

    if workload == "retry":
        retries, initial, longest = RETRY_WORKLOAD
        ld = langdock.AsyncClient(no_proxy=True, max_retries=retries, backoff=(initial, longest))
    elif policy == "stainless":
        ld = langdock.AsyncClient(no_proxy=True, max_retries=STAINLESS[0], adaptive_pacing=False)
    else:
        ld = langdock.AsyncClient(no_proxy=True)
    if workload in ("get", "retry"):
        return lambda n: ld.integrations.get(target)
    if workload == "list":
        return lambda n: ld.integrations.list()
    if workload == "scaling":

        async def scaling(n: int) -> Tuple[int, str, str]:
            return touch(await ld.integrations.list())

        return scaling
    if workload == "create":
        return lambda n: ld.actions.create(target, **create_body(client, n))
    if workload == "bulk":
        return lambda n: ld.actions.create(target, **bulk_body(client, policy, n))
    raise ValueError(workload)


def touch(items: Any) -> Tuple[int, str, str]:
    """What a user does first with a list (`scaling`): its length, the first and the last name. Attribute access
    for langdock's models, subscripts for the peers' dicts."""
    if items and isinstance(items[0], dict):
        return len(items), items[0]["name"], items[-1]["name"]
    return len(items), items[0].name, items[-1].name


def peer_calls(client: str, workload: str, policy: str, target: str, send: Callable[..., Any], retrying: Any) -> Call:
    """The workload's calls through `send(method, path, body)`, wrapped by `retrying(fn)` where a retry policy
    applies. Shared by the sync and async peers (`send` and `retrying` are then coroutine functions)."""
    if workload == "get":
        return lambda n: send("GET", f"/{target}", None, "integration")
    if workload == "list":
        return lambda n: send("GET", "/get", None, "integrations")
    if workload == "scaling":
        return lambda n: send("GET", "/get", None, "integrations", touch)
    if workload == "create":
        return lambda n: send("POST", f"/{target}/actions/create", create_body(client, n), "action")
    if workload == "retry":
        return lambda n: retrying(lambda: send("GET", f"/{target}", None, "integration"), RETRY_WORKLOAD)
    if workload == "bulk":
        path = f"/{target}/actions/create"
        if policy == "stainless":
            return lambda n: retrying(lambda: send("POST", path, bulk_body(client, policy, n), "action"), STAINLESS)
        return lambda n: send("POST", path, bulk_body(client, policy, n), "action")  # typical: in the session
    raise ValueError(workload)


def requests_peer(client: str, workload: str, policy: str, target: str) -> Call:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    session = requests.Session()
    session.trust_env = False
    session.headers.update(auth())
    retry: Any = 0
    if workload == "bulk" and policy == "typical":
        # What requests users add: urllib3's Retry on the adapter, honouring Retry-After.
        retry = Retry(
            total=5,
            backoff_factor=0.5,
            status_forcelist=[429, 500, 502, 503, 504],
            respect_retry_after_header=True,
            allowed_methods=None,
        )
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=IN_FLIGHT, max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    url = base()

    def send(method: str, path: str, body: Optional[Dict[str, Any]], key: str, then: Any = None) -> Any:
        try:
            answer = session.request(method, url + path, json=body, timeout=TIMEOUT)
        except requests.RequestException as error:
            raise Failed(0) from error
        if answer.status_code >= 300:
            raise Failed(answer.status_code, retry_after_of(answer.headers))
        value = answer.json()[key]
        return then(value) if then else value

    return peer_calls(client, workload, policy, target, send, with_retries)


def httpx_peer(client: str, workload: str, policy: str, target: str) -> Call:
    import httpx

    http = httpx.Client(
        headers=auth(),
        trust_env=False,
        timeout=TIMEOUT,
        limits=httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT),
    )
    url = base()

    def send(method: str, path: str, body: Optional[Dict[str, Any]], key: str) -> Any:
        try:
            answer = http.request(method, url + path, json=body)
        except httpx.HTTPError as error:
            raise Failed(0) from error
        if answer.status_code >= 300:
            raise Failed(answer.status_code, retry_after_of(answer.headers))
        return answer.json()[key]

    return peer_calls(client, workload, policy, target, send, with_retries)


def tenacity_retrying(retries: int) -> Callable[[Callable[[], Awaitable[Any]], Any], Awaitable[Any]]:
    """What httpx users add: tenacity, exponential 0.5 s doubling to 8 s, `retries` retries, honouring
    Retry-After."""
    import tenacity

    class RetryAfterOr(tenacity.wait.wait_base):
        def __init__(self, fallback: tenacity.wait.wait_base) -> None:
            self.fallback = fallback

        def __call__(self, retry_state: tenacity.RetryCallState) -> float:
            error = retry_state.outcome.exception() if retry_state.outcome else None
            if isinstance(error, Failed) and error.retry_after is not None:
                return error.retry_after
            return self.fallback(retry_state)

    policy = tenacity.retry(
        stop=tenacity.stop_after_attempt(retries + 1),
        wait=RetryAfterOr(tenacity.wait_exponential(multiplier=0.5, min=0.5, max=8)),
        retry=tenacity.retry_if_exception(lambda e: isinstance(e, Failed) and e.retryable),
        reraise=True,
    )

    async def retrying(send: Callable[[], Awaitable[Any]], _: Any) -> Any:
        # tenacity retries coroutine functions only when it sees one: a lambda returning a coroutine would
        # be "called" successfully and never retried.
        async def attempt() -> Any:
            return await send()

        return await policy(attempt)()

    return retrying


def httpx_async_peer(client: str, workload: str, policy: str, target: str) -> Call:
    import httpx

    # httpx's default pool (100 connections, 20 kept alive): measured faster here than a pool of 64 kept
    # alive (371 against 283 calls/s on `get`), as httpcore's async pool slows down as it grows.
    http = httpx.AsyncClient(headers=auth(), trust_env=False, timeout=TIMEOUT)
    url = base()

    async def send(method: str, path: str, body: Optional[Dict[str, Any]], key: str) -> Any:
        try:
            answer = await http.request(method, url + path, json=body)
        except httpx.HTTPError as error:
            raise Failed(0) from error
        if answer.status_code >= 300:
            raise Failed(answer.status_code, retry_after_of(answer.headers))
        return answer.json()[key]

    if workload == "bulk" and policy == "typical":
        typical = tenacity_retrying(5)
        path = f"/{target}/actions/create"
        return lambda n: typical(lambda: send("POST", path, bulk_body(client, policy, n), "action"), None)
    return peer_calls(client, workload, policy, target, send, with_retries_async)


def aiohttp_peer(client: str, workload: str, policy: str, target: str) -> Call:
    import aiohttp

    session: Optional[aiohttp.ClientSession] = None
    url = base()

    async def send(method: str, path: str, body: Optional[Dict[str, Any]], key: str, then: Any = None) -> Any:
        nonlocal session
        if session is None:  # made inside the running loop
            session = aiohttp.ClientSession(
                headers=auth(),
                timeout=aiohttp.ClientTimeout(total=TIMEOUT),
                connector=aiohttp.TCPConnector(limit=IN_FLIGHT),
            )
        try:
            async with session.request(method, url + path, json=body) as answer:
                if answer.status >= 300:
                    raise Failed(answer.status, retry_after_of(answer.headers))
                value = (await answer.json())[key]
                return then(value) if then else value
        except aiohttp.ClientError as error:
            raise Failed(0) from error

    return peer_calls(client, workload, policy, target, send, with_retries_async)


MAKERS = {
    "langdock": langdock_sync,
    "requests": requests_peer,
    "httpx": httpx_peer,
    "langdock-async": langdock_async,
    "httpx-async": httpx_async_peer,
    "aiohttp": aiohttp_peer,
}
ASYNC = {"langdock-async", "httpx-async", "aiohttp"}


# -------------------------------------------------------------------------------------------------- running


class Tally:
    def __init__(self) -> None:
        self.latencies: List[float] = []
        self.failed = 0
        self.first_failure: Optional[BaseException] = None

    def fail(self, error: BaseException) -> None:
        self.failed += 1
        if self.first_failure is None:
            self.first_failure = error

    def record(self, at: float, failure: Optional[BaseException], window: Optional[Window]) -> None:
        """Counts a call that started at `at` and ended now, unless it ended outside `window`."""
        ended = time.perf_counter()
        if window is not None and not window.counts(ended):
            return
        if failure is not None:
            self.fail(failure)
        self.latencies.append((ended - at) * 1000)


def sequential(call: Call, warm_up: int = SEQUENTIAL_WARMUP, calls: int = SEQUENTIAL_CALLS) -> Tuple[float, Tally]:
    for n in range(warm_up):
        try:
            call(1_000_000 + n)
        except Exception:
            pass
    tally = Tally()
    started = time.perf_counter()
    for n in range(calls):
        at = time.perf_counter()
        try:
            call(n)
        except Exception as error:
            tally.fail(error)
        tally.latencies.append((time.perf_counter() - at) * 1000)
    return time.perf_counter() - started, tally


class Window:
    """When a concurrent measurement counts: the calls that end between `opens` and `closes` (set when the
    calls start); none starts after `closes`."""

    def __init__(self) -> None:
        self.opens = self.closes = float("inf")

    def start(self) -> None:
        self.opens = time.perf_counter() + SETTLE_SECONDS
        self.closes = self.opens + CONCURRENT_SECONDS

    def counts(self, ended: float) -> bool:
        return self.opens <= ended < self.closes


def threads(call: Call, calls: Optional[int], warm_up: bool) -> Tuple[float, Tally]:
    """64 threads take call numbers from one counter: `calls` of them, or (None) the calls that end in a Window.
    With `warm_up`, one call first (which starts a langdock client's start window), then after WARM_UP_SECONDS
    each thread makes one call (so that 64 connections are open: inside the start window they would share a
    handful), and all start together."""
    tally = Tally()
    counter = itertools.count()
    window = Window()
    # The window starts as the threads are released (the barrier's action runs before any of them goes on).
    barrier = threading.Barrier(IN_FLIGHT + 1, action=window.start if calls is None else None)
    warm_until = time.perf_counter() + WARM_UP_SECONDS
    if warm_up:
        try:
            call(3_000_000)
        except Exception:
            pass

    def worker(index: int) -> None:
        if warm_up:
            time.sleep(max(0.0, warm_until - time.perf_counter()))
            try:
                call(2_000_000 + index)
            except Exception:
                pass
        barrier.wait()
        while True:
            n = next(counter)
            at = time.perf_counter()
            if (calls is not None and n >= calls) or at >= window.closes:
                return
            failure: Optional[BaseException] = None
            try:
                call(n)
            except Exception as error:
                failure = error
            tally.record(at, failure, window if calls is None else None)

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(IN_FLIGHT)]
    for thread in workers:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in workers:
        thread.join()
    return (CONCURRENT_SECONDS if calls is None else time.perf_counter() - started), tally


async def sequential_async(
    call: Call, warm_up: int = SEQUENTIAL_WARMUP, calls: int = SEQUENTIAL_CALLS
) -> Tuple[float, Tally]:
    for n in range(warm_up):
        try:
            await call(1_000_000 + n)
        except Exception:
            pass
    tally = Tally()
    started = time.perf_counter()
    for n in range(calls):
        at = time.perf_counter()
        try:
            await call(n)
        except Exception as error:
            tally.fail(error)
        tally.latencies.append((time.perf_counter() - at) * 1000)
    return time.perf_counter() - started, tally


async def tasks(call: Call, calls: Optional[int], warm_up: bool) -> Tuple[float, Tally]:
    """64 tasks take call numbers from one counter: `calls` of them, or (None) the calls that end in a Window. With
    `warm_up`, one call
    first (which starts a langdock client's start window), then after WARM_UP_SECONDS 64 calls at once (so that
    64 connections are open: inside the start window they would share a handful)."""
    if warm_up:
        warm_until = time.perf_counter() + WARM_UP_SECONDS
        await asyncio.gather(call(3_000_000), return_exceptions=True)
        await asyncio.sleep(max(0.0, warm_until - time.perf_counter()))
        await asyncio.gather(*(call(2_000_000 + i) for i in range(IN_FLIGHT)), return_exceptions=True)
    tally = Tally()
    counter = itertools.count()
    window = Window()

    async def worker() -> None:
        while True:
            n = next(counter)
            at = time.perf_counter()
            if (calls is not None and n >= calls) or at >= window.closes:
                return
            failure: Optional[BaseException] = None
            try:
                await call(n)
            except Exception as error:
                failure = error
            tally.record(at, failure, window if calls is None else None)

    if calls is None:
        window.start()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return (CONCURRENT_SECONDS if calls is None else time.perf_counter() - started), tally


def scaling_calls(items: int) -> Tuple[int, int]:
    """Warm-up and measured calls of a `scaling` measurement: fewer as the answer grows (as the Rust bench)."""
    if items <= 100:
        return 20, 200
    if items <= 1000:
        return 5, 60
    return 3, 30


def check_scaling(touched: Tuple[int, str, str], items: int) -> Tuple[int, str, str]:
    """A `scaling` call counts only if the whole list came back (the seed's names: `seed-00000`, ...)."""
    if touched != (items, "seed-00000", f"seed-{items - 1:05}"):
        raise ValueError(f"unexpected list: {touched}")
    return touched


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: List[float], p: float) -> Optional[float]:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[round((len(ordered) - 1) * p)]


def main() -> int:
    client, workload, mode, policy, target = sys.argv[1:6]
    call = MAKERS[client](client, workload, policy, target)
    items = int(target) if workload == "scaling" else None
    calls: Optional[int] = None  # None: a concurrent measurement's Window
    sequential_warm_up = SEQUENTIAL_WARMUP
    if workload == "bulk":
        calls, warm_up = BULK_CALLS, False
    elif workload == "scaling":
        assert items is not None
        sequential_warm_up, calls = scaling_calls(items)
        warm_up = True

        def checked(n: int, inner: Call = call) -> Any:
            return check_scaling(inner(n), items)

        async def checked_async(n: int, inner: Call = call) -> Any:
            return check_scaling(await inner(n), items)

        call = checked_async if client in ASYNC else checked
    elif mode == "sequential":
        calls, warm_up = SEQUENTIAL_CALLS, True
    else:
        warm_up = True
    if mode == "sequential":
        assert calls is not None
        if client in ASYNC:
            seconds, tally = asyncio.run(sequential_async(call, sequential_warm_up, calls))
        else:
            seconds, tally = sequential(call, sequential_warm_up, calls)
    elif client in ASYNC:
        seconds, tally = asyncio.run(tasks(call, calls, warm_up))
    else:
        seconds, tally = threads(call, calls, warm_up)
    if tally.first_failure is not None:
        print(f"{client} {workload}: {tally.failed} failed, the first: {tally.first_failure!r}", file=sys.stderr)
    row = {
        "language": "python",
        "client": client,
        "workload": workload,
        "mode": mode,
        "calls": len(tally.latencies),
        "seconds": seconds,
        "rps": len(tally.latencies) / seconds,
        "p50_ms": percentile(tally.latencies, 0.5),
        "p99_ms": percentile(tally.latencies, 0.99),
        "peak_rss_mb": peak_rss_mb(),
        "failed": tally.failed,
        "policy": policy if workload == "bulk" else None,
        "ideal_fraction": (BULK_CALLS / 50) / seconds if workload == "bulk" else None,
        "status_429": None,
        "import_ms": None,
    }
    if items is not None:
        row["items"] = items
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
