"""The Python soak: the Rust soak (core/examples/soak.rs) through the Python API. Many calls over every
endpoint, many in flight, against an emulator that faults a share of all requests with every kind of failure.
Nothing may be lost or created twice.

``langdock-emulator -- python bindings-python/soak.py --calls 10000 --concurrency 32 --chaos 0.3``
(``make soak-python``; ``make soak`` runs it with the other languages' soaks). One ``langdock.AsyncClient``
with ``--concurrency`` asyncio tasks in flight. The emulator runs in its own process, so that the memory
figures are the client's alone; the soak drives it through its control API. Prints one table row on stdout,
details on stderr; exits 1 when a call was lost or a create duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import langdock

PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89"
INTEGRATIONS = 8
#: A call that has not answered after this long counts as lost (the client's own deadline is 180 s).
WATCHDOG_SECONDS = 200.0


@dataclass
class Tally:
    calls: int = 0
    ok: int = 0
    typed_errors: int = 0
    lost: int = 0
    retries: int = 0
    errors_by_class: Counter[str] = field(default_factory=Counter)
    lost_why: Counter[str] = field(default_factory=Counter)


@dataclass
class Pool:
    """Items created during the run, for the updates and deletes that follow."""

    actions: List[Tuple[str, str]] = field(default_factory=list)
    triggers: List[Tuple[str, str, str]] = field(default_factory=list)


def rss_mb() -> float:
    """This process's resident memory in MB (VmRSS of /proc/self/status)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def control(base_url: str, path: str, body: Dict[str, Any]) -> None:
    """POSTs to the emulator's control API (never through a proxy)."""
    request = urllib.request.Request(
        f"{base_url.rstrip('/')}/_emulator/{path}",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as answer:
        answer.read()


async def one_call(client: langdock.AsyncClient, n: int, integrations: List[str], pool: Pool) -> int:
    """Call ``n`` of the 13-way mix over every endpoint; returns its attempts."""
    integration = integrations[n % len(integrations)]
    kind = n % 13
    if kind == 0:
        return (await client.integrations.list()).attempts
    if kind == 1:
        return (await client.integrations.create(name=f"soak-int-{n}")).attempts
    if kind == 2:
        return (await client.integrations.get(integration)).attempts
    if kind == 3:
        return (await client.integrations.update(integration, description=f"pass {n}")).attempts
    if kind == 4:
        auth_fields = [langdock.AuthField(slug="apiKey", label="API key", type="PASSWORD")]
        updated_auth = await client.integrations.update_auth(integration, auth_type="API_KEY", auth_fields=auth_fields)
        return updated_auth.attempts
    if kind == 5:
        return (await client.integrations.icon(integration)).attempts
    if kind == 6:
        return (await client.integrations.set_icon(integration, PNG)).attempts
    if kind in (7, 8):
        action = await client.actions.create(
            integration,
            name=f"soak-action-{n}",
            code="return 1;",
            input_fields=[langdock.InputField(label="City", type="TEXT")],
        )
        pool.actions.append((integration, action.id))
        return action.attempts
    if kind == 9:
        if not pool.actions:
            return (await client.integrations.get(integration)).attempts
        owner, action_id = taken = pool.actions.pop()
        updated = await client.actions.update(owner, action_id, name=f"soak-action-{n}-renamed", code="return 2;")
        pool.actions.append(taken)
        return updated.attempts
    if kind == 10:
        if not pool.actions:
            return (await client.integrations.list()).attempts
        owner, action_id = pool.actions.pop()
        return (await client.actions.delete(owner, action_id)).attempts
    if kind == 11:
        name = f"soak-trigger-{n}"
        trigger = await client.triggers.create(integration, name=name, polling_code="return [];")
        pool.triggers.append((integration, trigger.id, name))
        return trigger.attempts
    if not pool.triggers:
        return (await client.integrations.list()).attempts
    owner, trigger_id, name = taken_trigger = pool.triggers.pop()
    if n % 2 == 0:
        updated_trigger = await client.triggers.update(owner, trigger_id, name=name, polling_code="return [1];")
        pool.triggers.append(taken_trigger)
        return updated_trigger.attempts
    return (await client.triggers.delete(owner, trigger_id)).attempts


async def duplicated_creates(client: langdock.AsyncClient) -> int:
    """Creates that exist more than once: integrations, actions and triggers with the same soak name."""
    names: Counter[str] = Counter()
    for summary in await client.integrations.list():
        names[summary.name] += 1 if summary.name.startswith("soak-int-") else 0
        integration = await client.integrations.get(summary.id)
        items = [action.name for action in integration.actions] + [trigger.name for trigger in integration.triggers]
        for name in items:
            names[f"{summary.id}/{name}"] += 1
    return sum(seen - 1 for seen in names.values() if seen > 1)


async def soak(calls: int, concurrency: int, rate: float, pacing: bool) -> int:
    base_url = os.environ.get("LANGDOCK_BASE_URL")
    if not base_url:
        raise SystemExit("LANGDOCK_BASE_URL: run it under langdock-emulator --")
    control(base_url, "reset", {})
    # LANGDOCK_API_KEY and LANGDOCK_BASE_URL from the environment, as the emulator set them.
    client = langdock.AsyncClient(no_proxy=True, timeout=5.0, backoff=(0.005, 0.1), adaptive_pacing=pacing)
    integrations = [(await client.integrations.create(name=f"soak-base-{n}")).id for n in range(INTEGRATIONS)]
    # One client, as a real script has: its retry budget and pacing are part of what is measured, and a call
    # the budget stops ends as a typed error, never as a lost one.
    control(base_url, "chaos", {"rate": rate, "seed": 42, "latencyMs": 50})
    # Memory is read once the run is warm (a tenth of the calls made) and at the end; growth between the two
    # would be a leak.
    rss_start: Optional[float] = None
    started = time.monotonic()
    pool = Pool()
    tally = Tally()
    counter = iter(range(calls))

    async def worker() -> None:
        nonlocal rss_start
        for n in counter:
            if n == calls // 10 and rss_start is None:
                rss_start = rss_mb()
            tally.calls += 1
            try:
                attempts = await asyncio.wait_for(one_call(client, n, integrations, pool), WATCHDOG_SECONDS)
            except asyncio.TimeoutError:
                tally.lost += 1
                tally.lost_why[f"no answer within {WATCHDOG_SECONDS:.0f} s"] += 1
            except langdock.LangdockError as error:
                tally.typed_errors += 1
                tally.retries += max(0, error.attempts - 1)
                tally.errors_by_class[type(error).__name__] += 1
            except Exception as error:  # noqa: BLE001 - anything else is a binding bug: counted as lost
                tally.lost += 1
                tally.lost_why[f"{type(error).__name__}: {error}"] += 1
            else:
                tally.ok += 1
                tally.retries += max(0, attempts - 1)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.monotonic() - started
    rss_end = rss_mb()
    control(base_url, "chaos", {"rate": 0.0})
    duplicates = await duplicated_creates(langdock.AsyncClient(no_proxy=True))

    row = [
        "python",
        tally.calls,
        tally.ok,
        tally.typed_errors,
        tally.lost,
        duplicates,
        tally.retries,
        f"{rss_start or 0.0:.0f}",
        f"{rss_end:.0f}",
        f"{seconds:.1f}",
    ]
    print(f"| {' | '.join(str(cell) for cell in row)} |", flush=True)

    def listed(counts: Counter[str]) -> str:
        return ", ".join(sorted(f"{what} {count}" for what, count in counts.items()))

    print(f"python typed errors: {listed(tally.errors_by_class)}", file=sys.stderr)
    if tally.lost:
        print(f"python lost: {listed(tally.lost_why)}", file=sys.stderr)
    return 1 if tally.lost or duplicates or tally.calls != calls else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--chaos", type=float, default=0.3, help="the share of requests the emulator faults")
    parser.add_argument("--pacing", type=int, default=1, help="adaptive pacing on (1) or off (0)")
    args = parser.parse_args()
    return asyncio.run(soak(args.calls, args.concurrency, args.chaos, args.pacing > 0))


if __name__ == "__main__":
    sys.exit(main())
