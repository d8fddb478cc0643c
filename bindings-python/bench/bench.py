#!/usr/bin/env python3
"""The Python bench: `langdock.Client` against `requests.Session` and `httpx.Client` (64 threads),
`langdock.AsyncClient` against `httpx.AsyncClient` and `aiohttp` (64 tasks). See tests/bench/README.md;
`make bench` runs it under an emulator (LANGDOCK_BASE_URL, LANGDOCK_API_KEY) and it appends one JSON line
per measurement to `$BENCH_OUT`.

The parent sets up the emulator through its control API and runs every measurement in a child process of its
own (`measure.py`, importing only the client it measures), so that each peak-memory figure is that client's
alone.

The Rust core is one more client of the concurrent get, list and create measurements (`rust-core`): the Rust
bench's child (`core/examples/bench.rs --child`) run in the same place of the same repetition, with the same calls
and time cap, so that the binding tax compares figures measured side by side. So is `rust-core-threads`: the same
child with 64 threads that each block on one call at a time, as the blocking client's callers do, which shows how
much of the blocking client's tax is that way of waiting rather than Python.

Environment: BENCH_OUT (the JSON lines file), BENCH_ONLY (comma-separated workloads to run, e.g. `bulk` or
`scaling,import`), BENCH_REPEATS (default 3), BENCH_CLIENTS (comma-separated subset of the clients),
BENCH_RUST_CHILD (the release build of the Rust bench, set by `make bench-python`; unset: no `rust-core` rows).
"""
from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

HERE = Path(__file__).resolve().parent
MEASURE = HERE / "measure.py"
sys.path.insert(0, str(HERE))
from measure import CONCURRENT_SECONDS  # noqa: E402  (the window the Rust child is given too)

SYNC_CLIENTS = ["langdock", "requests", "httpx"]
ASYNC_CLIENTS = ["langdock-async", "httpx-async", "aiohttp"]
#: The Rust core, measured by the Rust bench's child on the concurrent get, list and create only: its calls as
#: tasks, and (`RUST_CORE_THREADS`) from 64 threads that each block on a call, as `langdock.Client`'s callers do.
RUST_CORE = "rust-core"
RUST_CORE_THREADS = "rust-core-threads"
RUST_CHILD_MODES = {RUST_CORE: "concurrent", RUST_CORE_THREADS: "threads"}
CLIENTS = SYNC_CLIENTS + ASYNC_CLIENTS + [RUST_CORE, RUST_CORE_THREADS]
WORKLOADS = [
    ("get", "sequential"),
    ("get", "concurrent"),
    ("list", "sequential"),
    ("list", "concurrent"),
    ("create", "sequential"),
    ("create", "concurrent"),
]
# (client, policy): langdock as it ships, three times each (its goal is judged over 3 repetitions), interleaved
# with each peer once with the retry policy its users typically add (requests: urllib3 Retry; httpx-async:
# tenacity) and requests once with the Stainless default (the peers fail the same way every run).
BULK = [
    ("langdock", "langdock"),
    ("langdock-async", "langdock"),
    ("requests", "typical"),
    ("langdock", "langdock"),
    ("langdock-async", "langdock"),
    ("httpx-async", "typical"),
    ("langdock", "langdock"),
    ("langdock-async", "langdock"),
    ("requests", "stainless"),
]
# `scaling`: each langdock client against its peer's raw call plus `.json()`, one call at a time, on a workspace
# of each size (seeded by the emulator's control API in one step).
SCALING_CLIENTS = ["langdock", "requests", "langdock-async", "aiohttp"]
SCALING_SIZES = [100, 1_000, 10_000]
IMPORTS = ["langdock", "requests", "httpx", "aiohttp"]
IMPORT_RUNS = 7


def base_url() -> str:
    url = os.environ.get("LANGDOCK_BASE_URL")
    if not url:
        sys.exit("bench.py: run it under `langdock-emulator -- ...` (LANGDOCK_BASE_URL is not set)")
    return url.rstrip("/")


def control(method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base_url()}/_emulator/{path}", data=data, method=method)
    request.add_header("content-type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as answer:
        text = answer.read()
    return json.loads(text) if text else None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Out:
    def __init__(self, path: str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.file = open(path, "a", encoding="utf-8")

    def write(self, row: Dict[str, Any]) -> None:
        self.file.write(json.dumps(row) + "\n")
        self.file.flush()


def run_child(args: List[str]) -> Optional[Dict[str, Any]]:
    """One measurement by measure.py (or, for the Rust core, by the Rust bench's child) in a process of its own."""
    if args[0] in RUST_CHILD_MODES:
        return rust_core(args[0], args[1:])
    return run_command([sys.executable, str(MEASURE), *args])


def rust_core(client: str, args: List[str]) -> Optional[Dict[str, Any]]:
    """The Rust core's measurement of `WORKLOAD concurrent POLICY TARGET` (get, list, create), with the same
    warm-up and window as measure.py's, its calls as tasks (`rust-core`) or from 64 blocking threads
    (`rust-core-threads`), recorded as this language's row of `client`."""
    child = os.environ.get("BENCH_RUST_CHILD")
    if not child:
        return None
    workload, _, policy, target = args
    env = {**os.environ, "BENCH_CONCURRENT_SECONDS": str(CONCURRENT_SECONDS)}
    command = [child, "--child", "langdock", workload, RUST_CHILD_MODES[client], policy, target]
    return run_command(command, env, {"language": "python", "client": client, "mode": "concurrent"})


def run_command(
    command: List[str], env: Optional[Dict[str, str]] = None, amend: Optional[Dict[str, Any]] = None
) -> Optional[Dict[str, Any]]:
    """Runs one measurement and returns its row (the last JSON line it printed), updated with `amend`."""
    args = command[-5:]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    lines = [line for line in done.stdout.splitlines() if line.strip().startswith("{")]
    if not lines:
        log(f"  bench {args} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        return None
    if done.returncode != 0:
        # The measurement finished and printed its row; the process died on the way out. Keep the row, say so.
        log(f"  bench {args}: measured, then exited with {done.returncode} ({done.stderr.strip()[-300:]!r})")
    row: Dict[str, Any] = {**json.loads(lines[-1]), **(amend or {})}
    log(f"  {json.dumps(row)} ({time.perf_counter() - started:.1f} s)")
    return row


def set_up() -> Dict[str, Any]:
    """After a reset: 100 integrations `bench-NNN` with 3 actions of 150 characters of code each; the first
    gets 4 more actions with 400 characters (the detail `get` reads, about 2 KB). Made through langdock; not
    measured."""
    import langdock

    control("POST", "reset", {})
    ids: List[str] = []
    with langdock.Client(no_proxy=True) as client:
        for n in range(100):
            integration_id = client.integrations.create(name=f"bench-{n:03}").id
            for a in range(3):
                client.actions.create(
                    integration_id, name=f"Action {a}", description="An action of the bench", code="x" * 150
                )
            ids.append(integration_id)
        for a in range(3, 7):
            client.actions.create(ids[0], name=f"Action {a}", code="y" * 400)
    headers = {"authorization": f"Bearer {os.environ.get('LANGDOCK_API_KEY', '')}"}
    sizes = {}
    for name, path in [("detail", f"/{ids[0]}"), ("list", "/get")]:
        request = urllib.request.Request(f"{base_url()}/integrations/v1{path}", headers=headers)
        with urllib.request.urlopen(request) as answer:
            sizes[name] = len(answer.read())
    return {"first": ids[0], "ids": ids, "sizes": sizes}


def bulk(out: Out, clients: List[str]) -> None:
    for client, policy in BULK:
        if client not in clients:
            continue
        control("POST", "reset", {})
        import langdock

        with langdock.Client(no_proxy=True) as setup:
            integration_id = setup.integrations.create(name="bulk").id
        control("POST", "rate-limit", {"perMinute": 3000})
        log(f"python bulk {client} {policy}")
        try:
            row = run_child([client, "bulk", "concurrent", policy, integration_id])
            journal = control("GET", "journal")
        finally:
            control("POST", "rate-limit", {"perMinute": None})
        if row is None:
            continue
        row["status_429"] = sum(1 for entry in journal.get("requests", []) if entry.get("status") == 429)
        log(f"    429s: {row['status_429']}")
        out.write(row)


def scaling(out: Out, clients: List[str], repeats: int) -> None:
    headers = {"authorization": f"Bearer {os.environ.get('LANGDOCK_API_KEY', '')}"}
    chosen = [c for c in SCALING_CLIENTS if c in clients]
    if not chosen:
        return
    for repeat in range(repeats):
        for items in SCALING_SIZES:
            control("POST", "seed", {"integrations": items, "descriptionLength": 60})
            request = urllib.request.Request(f"{base_url()}/integrations/v1/get", headers=headers)
            with urllib.request.urlopen(request) as answer:
                size = len(answer.read())
            log(f"python: scaling, {items} integrations ({size} bytes), repeat {repeat + 1} of {repeats}")
            # The clients in a rotated order each repetition.
            turn = repeat % len(chosen)
            for client in chosen[turn:] + chosen[:turn]:
                row = run_child([client, "scaling", "sequential", "-", str(items)])
                if row is not None:
                    row["answer_bytes"] = size
                    out.write(row)


def imports(out: Out) -> None:
    """`import X` in a fresh interpreter, the median of several runs (the first, which may warm the disk
    cache and write .pyc files, is left out)."""
    for package in IMPORTS:
        code = (
            "import time; t = time.perf_counter(); import " + package + "; "
            "print((time.perf_counter() - t) * 1000)"
        )
        times = []
        for run in range(IMPORT_RUNS + 1):
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            if run:
                times.append(float(done.stdout.strip()))
        row = {
            "language": "python", "client": package, "workload": "import", "mode": None, "calls": None,
            "seconds": None, "rps": None, "p50_ms": None, "p99_ms": None, "peak_rss_mb": None, "failed": 0,
            "policy": None, "ideal_fraction": None, "status_429": None, "import_ms": statistics.median(times),
        }
        log(f"  import {package}: {row['import_ms']:.1f} ms (runs: {', '.join(f'{t:.0f}' for t in times)})")
        out.write(row)


def main() -> int:
    out = Out(os.environ.get("BENCH_OUT") or "target/bench/results.jsonl")
    only = {w for w in os.environ.get("BENCH_ONLY", "").split(",") if w}
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    clients = [c for c in os.environ.get("BENCH_CLIENTS", ",".join(CLIENTS)).split(",") if c]
    wanted = lambda workload: not only or workload in only  # noqa: E731
    started = time.perf_counter()

    def part(name: str, since: float) -> None:
        log(f"python: {name} took {time.perf_counter() - since:.0f} s")

    if wanted("import"):
        log("python: import times")
        at = time.perf_counter()
        imports(out)
        part("import", at)
    if wanted("bulk"):
        at = time.perf_counter()
        bulk(out, clients)
        part("bulk", at)
    if wanted("scaling"):
        at = time.perf_counter()
        scaling(out, clients, repeats)
        part("scaling", at)
    workloads = [(w, m) for (w, m) in WORKLOADS if wanted(w)]
    if set(RUST_CHILD_MODES) & set(clients) and workloads and not os.environ.get("BENCH_RUST_CHILD"):
        log("python: BENCH_RUST_CHILD is not set (`make bench-python` sets it): no rust-core rows, so the report's "
            "binding tax falls back to the Rust bench's own rows, measured at another time")
    at = time.perf_counter()
    if workloads or wanted("retry"):
        data = set_up()
        log(f"python: set up (the detail is {data['sizes']['detail']} bytes, the list {data['sizes']['list']} bytes)")
        # Creates go to integrations of their own (one per measurement, from the second on), so that neither
        # the detail `get` reads nor the emulator's per-integration work grows as the run goes on; and they run
        # after every `get` and `list`, since the list shows each action's id, name and description (thousands
        # of creates would make it megabytes).
        spare = itertools.cycle(data["ids"][1:])
        phases = [[wm for wm in workloads if wm[0] != "create"], [wm for wm in workloads if wm[0] == "create"]]
        for phase in phases:
            for repeat in range(repeats if phase else 0):
                log(f"python: {', '.join(sorted({w for w, _ in phase}))}: repeat {repeat + 1} of {repeats}")
                # The clients in a rotated order each repetition; the Rust core only at 64 in flight (the
                # binding tax).
                turn = repeat % len(clients)
                for workload, mode in phase:
                    for client in clients[turn:] + clients[:turn]:
                        if client in RUST_CHILD_MODES and mode != "concurrent":
                            continue
                        target = next(spare) if workload == "create" else data["first"]
                        row = run_child([client, workload, mode, "-", target])
                        if row is not None:
                            # The report pairs each binding's row with the Rust core's of the same repetition.
                            row["repetition"] = repeat
                            out.write(row)
        for repeat in range(repeats if wanted("retry") else 0):
            log(f"python: retry: repeat {repeat + 1} of {repeats}")
            control("POST", "chaos", {"rate": 0.2, "seed": 5, "statuses": [503]})
            try:
                for client in (c for c in clients if c not in RUST_CHILD_MODES):
                    row = run_child([client, "retry", "concurrent", "-", data["first"]])
                    if row is not None:
                        out.write(row)
            finally:
                control("POST", "chaos", {"rate": 0})
        part("get, list, create, retry", at)
    log(f"python: done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
