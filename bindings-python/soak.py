"""The Python soak: the Rust soak (core/examples/soak.rs) through the Python API. Many calls over every
endpoint, many in flight, against an emulator that faults a share of all requests with every kind of failure.
Nothing may be lost or created twice.

``langdock-emulator -- python bindings-python/soak.py --calls 10000 --concurrency 32 --chaos 0.3``
(``make soak-python``; ``make soak`` runs it with the other languages' soaks). One ``langdock.AsyncClient``
with ``--concurrency`` asyncio tasks in flight. The emulator runs in its own process, so that the memory
figures are the client's alone; the soak drives it through its control API.

With ``--restarts N`` it is the crash-restart soak instead, run under ``crash_supervisor``
(core/examples/crash_supervisor.rs): creates, updates, deletes and reads while the emulator is killed with
SIGKILL and restarted on the same ``--state`` N times, then every write the client saw acknowledged is read back
from the final state. Prints one table row on stdout, details on stderr; exits 1 when a call or an acknowledged
write was lost or a create duplicated.

Which operations, in what proportion, and with what faults is data: ``tests/soak/mix.json``, which the Rust and
Node soaks read too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import urllib.request
from pathlib import Path
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple, TypeVar, Union

import langdock

#: The workload, the one description the three languages' soak runners read.
MIX = Path(__file__).resolve().parent.parent / "tests" / "soak" / "mix.json"
#: One entry of a run's mix: ``op``, ``weight``, and optionally ``whenNoneFree`` and ``of``.
Entry = Dict[str, Any]

PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89"
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
    """Items created during the chaos run, for the updates and deletes that follow: (integration id, item id,
    name) by kind."""

    items: Dict[str, List[Tuple[str, str, str]]] = field(default_factory=lambda: {"action": [], "trigger": []})


def item_operation(op: str) -> Optional[Tuple[str, str]]:
    """The verb and kind of an operation on an action or a trigger, read from its wire name ``<verb>_<kind>``
    (e.g. ``("delete", "action")``); ``None`` for the operations on an integration itself."""
    verb, _, kind = op.partition("_")
    if verb in ("create", "update", "delete") and kind in ("action", "trigger"):
        return verb, kind
    return None


def resource(client: langdock.AsyncClient, kind: str) -> Any:
    """The client's resource for a kind of item: ``client.actions`` or ``client.triggers``."""
    return {"action": client.actions, "trigger": client.triggers}[kind]


def item_body(kind: str, detail: str, first: bool) -> Dict[str, Any]:
    """What a write of a ``kind`` sends besides the name: ``detail`` goes where the crash run reads it back (an
    action's code, a trigger's description, so it is code-shaped); ``first`` for a create."""
    if kind == "action":
        fields = [langdock.InputField(label="City", type="TEXT")] if first else None
        return {"code": detail, "input_fields": fields}
    return {"description": detail, "polling_code": "return [];" if first else "return [1];"}


def rss_mb() -> float:
    """This process's resident memory in MB (VmRSS of /proc/self/status)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cycle(run: Dict[str, Any]) -> List[Entry]:
    """A run's mix as a cycle: each entry ``weight`` times, in order; call n runs ``cycle[n % len(cycle)]``."""
    return [entry for entry in run["mix"] for _ in range(entry["weight"])]


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


async def instead(client: langdock.AsyncClient, entry: Entry, integration: str) -> int:
    """The read an update or delete makes instead when no item is free: a list, or a get of ``integration``."""
    if entry.get("whenNoneFree") == "get_integration":
        return (await client.integrations.get(integration)).attempts
    return (await client.integrations.list()).attempts


async def one_call(client: langdock.AsyncClient, n: int, entry: Entry, integrations: List[str], pool: Pool) -> int:
    """Call ``n`` of the chaos run, ``entry`` of its mix; returns its attempts."""
    integration = integrations[n % len(integrations)]
    op = entry["op"]
    item = item_operation(op)
    if item:
        return await item_call(client, n, entry, item, integration, pool)
    if op == "list_integrations":
        return (await client.integrations.list()).attempts
    if op == "create_integration":
        return (await client.integrations.create(name=f"soak-int-{n}")).attempts
    if op == "get_integration":
        return (await client.integrations.get(integration)).attempts
    if op == "update_integration":
        return (await client.integrations.update(integration, description=f"pass {n}")).attempts
    if op == "update_auth":
        auth_fields = [langdock.AuthField(slug="apiKey", label="API key", type="PASSWORD")]
        updated_auth = await client.integrations.update_auth(integration, auth_type="API_KEY", auth_fields=auth_fields)
        return updated_auth.attempts
    if op == "get_icon":
        return (await client.integrations.icon(integration)).attempts
    if op == "put_icon":
        return (await client.integrations.set_icon(integration, PNG)).attempts
    raise ValueError(f"tests/soak/mix.json: the chaos run does not call {op}")


async def item_call(
    client: langdock.AsyncClient, n: int, entry: Entry, item: Tuple[str, str], integration: str, pool: Pool
) -> int:
    """A chaos call to an action or a trigger: a create adds to the kind's pool; an update or delete takes an item
    from it (an update returns it), or makes the entry's read instead when none is free."""
    verb, kind = item
    items, api = pool.items[kind], resource(client, kind)
    if verb == "create":
        name = f"soak-{kind}-{n}"
        created = await api.create(integration, name=name, **item_body(kind, "return 1;", first=True))
        items.append((integration, created.id, name))
        return int(created.attempts)
    if not items:
        return await instead(client, entry, integration)
    owner, item_id, name = taken = items.pop()
    if verb == "delete":
        return int((await api.delete(owner, item_id)).attempts)
    updated = await api.update(owner, item_id, name=name, **item_body(kind, "return 2;", first=False))
    items.append(taken)
    return int(updated.attempts)


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


#: An acknowledged create or update: the item is there with this (name, detail) (an integration's or trigger's
#: description, an action's code). An acknowledged delete: ``GONE``. A write that ended in an error: ``UNSURE``
#: (applied or not, both are right, so it is not checked).
Known = Union[Tuple[str, str], str]
GONE = "gone"
UNSURE = "unsure"


@dataclass
class Ledger:
    """The crash-restart run's record of acknowledged writes, and the items free for the next update or delete
    (each taken by one call at a time, so that the last acknowledged write to an item is its final state)."""

    base: List[str]
    #: Integration creates by name (unique per run): "acknowledged", "ambiguous" (``maybe_created``: at most
    #: one may exist) or "refused" (none may exist).
    creates: Dict[str, str] = field(default_factory=dict)
    integrations: Dict[str, Known] = field(default_factory=dict)
    #: Actions and triggers by (integration id, item id).
    actions: Dict[Tuple[str, str], Known] = field(default_factory=dict)
    triggers: Dict[Tuple[str, str], Known] = field(default_factory=dict)
    free_integrations: List[str] = field(default_factory=list)
    free_actions: List[Tuple[str, str]] = field(default_factory=list)
    free_triggers: List[Tuple[str, str]] = field(default_factory=list)

    def book(self, kind: str) -> Tuple[Dict[Tuple[str, str], Known], List[Tuple[str, str]]]:
        """The record and the free list of one kind of item."""
        return {"action": (self.actions, self.free_actions), "trigger": (self.triggers, self.free_triggers)}[kind]


K = TypeVar("K")


def settle(known: Dict[K, Known], free: List[K], key: K, outcome: Optional[Known]) -> None:
    """Records a write to an item taken from ``free`` (``None``: it failed); puts the item back when it is there."""
    known[key] = UNSURE if outcome is None else outcome
    if isinstance(outcome, tuple):
        free.append(key)


async def crash_call(client: langdock.AsyncClient, n: int, entry: Entry, ledger: Ledger) -> int:
    """Call ``n`` of the crash-restart run, ``entry`` of its mix; returns its attempts."""
    base = ledger.base[n % len(ledger.base)]
    op = entry["op"]
    item = item_operation(op)
    if item:
        return await crash_item_call(client, n, entry, item, base, ledger)
    if op == "list_integrations":
        return (await client.integrations.list()).attempts
    if op == "create_integration":
        name, description = f"crash-int-{n}", f"created {n}"
        try:
            created = await client.integrations.create(name=name, description=description)
        except langdock.LangdockError as error:
            ledger.creates[name] = "ambiguous" if error.maybe_created else "refused"
            raise
        ledger.creates[name] = "acknowledged"
        ledger.integrations[created.id] = (name, description)
        ledger.free_integrations.append(created.id)
        return created.attempts
    if op == "get_integration" and entry.get("of") == "newest":
        created_id = ledger.free_integrations[-1] if ledger.free_integrations else base
        return (await client.integrations.get(created_id)).attempts
    if op == "get_integration":
        return (await client.integrations.get(base)).attempts
    if op == "update_integration":
        if not ledger.free_integrations:
            return await instead(client, entry, base)
        integration_id = ledger.free_integrations.pop()
        description = f"pass {n}"
        outcome: Optional[Known] = None
        try:
            updated = await client.integrations.update(integration_id, description=description)
            outcome = (updated.name, description)
            return updated.attempts
        finally:
            settle(ledger.integrations, ledger.free_integrations, integration_id, outcome)
    raise ValueError(f"tests/soak/mix.json: the crash-restart run does not call {op}")


async def crash_item_call(
    client: langdock.AsyncClient, n: int, entry: Entry, item: Tuple[str, str], base: str, ledger: Ledger
) -> int:
    """A crash-restart call to an action or a trigger, recorded in the ledger: a create makes a free item; an
    update or delete takes one (or makes the entry's read instead when none is free)."""
    verb, kind = item
    (known, free), api = ledger.book(kind), resource(client, kind)
    name, detail = f"crash-{kind}-{n}", f"return {n};"
    if verb == "create":
        created = await api.create(base, name=name, **item_body(kind, detail, first=True))
        known[(base, created.id)] = (name, detail)
        free.append((base, created.id))
        return int(created.attempts)
    if not free:
        return await instead(client, entry, base)
    owner, item_id = key = free.pop()
    outcome: Optional[Known] = None
    try:
        if verb == "update":
            attempts = (await api.update(owner, item_id, name=name, **item_body(kind, detail, first=False))).attempts
            outcome = (name, detail)
        else:
            attempts = (await api.delete(owner, item_id)).attempts
            outcome = GONE
        return int(attempts)
    finally:
        settle(known, free, key, outcome)


@dataclass
class Verdict:
    """What the final check found: acknowledged writes missing from the final state, creates that exist more
    than once, and creates reported as refused that exist all the same."""

    lost_writes: int = 0
    duplicates: int = 0
    misreported: int = 0
    #: What was checked, for the log: a soak that checked nothing proves nothing.
    checked: str = ""
    details: List[str] = field(default_factory=list)


async def check_ledger(client: langdock.AsyncClient, ledger: Ledger) -> Verdict:
    """Reads the final state back through the API and checks every entry of the ledger against it."""
    verdict = Verdict()
    summaries = {summary.id: summary for summary in await client.integrations.list()}
    by_name = Counter(summary.name for summary in summaries.values())
    for name, created in ledger.creates.items():
        verdict.duplicates += max(0, by_name[name] - 1)
        # An acknowledged create is checked by its id below, with the updates that followed it.
        if created == "refused" and by_name[name] > 0:
            verdict.misreported += 1
            verdict.details.append(f"integration {name} exists although its create failed as not created")

    def lost(what: str) -> None:
        verdict.lost_writes += 1
        verdict.details.append(what)

    for integration_id, known in ledger.integrations.items():
        summary = summaries.get(integration_id)
        found = None if summary is None else (summary.name, summary.description)
        if isinstance(known, tuple) and found != known:
            lost(f"integration {integration_id}: expected {known}, found {found}")
    actions: Dict[Tuple[str, str], Tuple[str, str]] = {}
    triggers: Dict[Tuple[str, str], Tuple[str, str]] = {}
    names: Counter[str] = Counter()
    for integration_id in ledger.base:
        # A base integration that is gone is already counted above; its items are counted below.
        if integration_id not in summaries:
            continue
        integration = await client.integrations.get(integration_id)
        for action in integration.actions:
            names[f"{integration_id}/{action.name}"] += 1
            actions[(integration_id, action.id)] = (action.name, action.code or "")
        for trigger in integration.triggers:
            names[f"{integration_id}/{trigger.name}"] += 1
            triggers[(integration_id, trigger.id)] = (trigger.name, trigger.description or "")
    for kind, known_items, found_items in (("action", ledger.actions, actions), ("trigger", ledger.triggers, triggers)):
        for key, expected in known_items.items():
            actual = found_items.get(key)
            if expected == UNSURE or (expected == GONE and actual is None) or expected == actual:
                continue
            lost(f"{kind} {key[0]}/{key[1]}: expected {expected}, found {actual}")
    verdict.duplicates += sum(seen - 1 for seen in names.values() if seen > 1)

    def count(known: List[Known]) -> str:
        present = sum(1 for k in known if isinstance(k, tuple))
        gone = known.count(GONE)
        return f"{present} there, {gone} gone, {len(known) - present - gone} unsure"

    ambiguous = [name for name, created in ledger.creates.items() if created == "ambiguous"]
    verdict.checked = (
        f"integrations {count(list(ledger.integrations.values()))}; actions {count(list(ledger.actions.values()))}; "
        f"triggers {count(list(ledger.triggers.values()))}; ambiguous integration creates {len(ambiguous)} "
        f"({sum(1 for name in ambiguous if by_name[name])} of them exist)"
    )
    return verdict


async def restart_emulator(socket: str) -> None:
    """Asks the crash supervisor (at ``LANGDOCK_SOAK_SUPERVISOR``) to kill and restart the emulator; returns once
    the new one listens."""
    reader, writer = await asyncio.open_unix_connection(socket)
    try:
        writer.write(b"restart\n")
        await writer.drain()
        answer = (await reader.readline()).decode()
    finally:
        writer.close()
    if not answer.startswith("restarted"):
        raise RuntimeError(f"the supervisor answered {answer!r}")


async def soak(
    mix: Dict[str, Any], calls: int, concurrency: int, rate: Optional[float], pacing: bool, restarts: int
) -> int:
    base_url = os.environ.get("LANGDOCK_BASE_URL")
    if not base_url:
        raise SystemExit("LANGDOCK_BASE_URL: run it under langdock-emulator --")
    supervisor = os.environ.get("LANGDOCK_SOAK_SUPERVISOR") if restarts else None
    if restarts and not supervisor:
        raise SystemExit("LANGDOCK_SOAK_SUPERVISOR: run --restarts under crash_supervisor")
    # LANGDOCK_API_KEY and LANGDOCK_BASE_URL from the environment, as the emulator set them.
    if supervisor:
        # Retries enough to ride over a restart (connect refused is provably not applied, so even creates
        # retry it); a call the window is too long for still ends as a typed error.
        client = langdock.AsyncClient(no_proxy=True, timeout=5.0, deadline=60.0, max_retries=12, backoff=(0.05, 1.0))
    else:
        control(base_url, "reset", {})
        client = langdock.AsyncClient(no_proxy=True, timeout=5.0, backoff=(0.005, 0.1), adaptive_pacing=pacing)
    prefix = "crash-base" if supervisor else "soak-base"
    integrations = [
        (await client.integrations.create(name=f"{prefix}-{n}", description="base")).id
        for n in range(mix["baseIntegrations"])
    ]
    ledger = Ledger(base=integrations, free_integrations=list(integrations))
    ledger.integrations = {base_id: (f"{prefix}-{n}", "base") for n, base_id in enumerate(integrations)}
    if not supervisor:
        # One client, as a real script has: its retry budget and pacing are part of what is measured, and a call
        # the budget stops ends as a typed error, never as a lost one.
        faults = dict(mix["chaos"]["faults"])
        if rate is not None:
            faults["rate"] = rate
        control(base_url, "chaos", faults)
    # Faults live in the emulator's memory and die with it: the crash run's faults are the restarts, which fall
    # at even shares of the calls so that all of them happen while calls are in flight.
    restart_at = {k * calls // (restarts + 1) for k in range(1, restarts + 1)}
    restarted = 0
    restart_failures: List[str] = []
    # Memory is read once the run is warm (a tenth of the calls made) and at the end; growth between the two
    # would be a leak.
    rss_start: Optional[float] = None
    started = time.monotonic()
    pool = Pool()
    tally = Tally()
    counter = iter(range(calls))
    entries = cycle(mix["crash"] if supervisor else mix["chaos"])

    async def worker() -> None:
        nonlocal rss_start, restarted
        for n in counter:
            if n == calls // 10 and rss_start is None:
                rss_start = rss_mb()
            if supervisor and n in restart_at:
                try:
                    await restart_emulator(supervisor)
                    restarted += 1
                except (OSError, RuntimeError) as error:
                    restart_failures.append(str(error))
            tally.calls += 1
            entry = entries[n % len(entries)]
            call = (
                crash_call(client, n, entry, ledger) if supervisor else one_call(client, n, entry, integrations, pool)
            )
            try:
                attempts = await asyncio.wait_for(call, WATCHDOG_SECONDS)
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
    label = "python (crash-restart)" if supervisor else "python"
    lost_writes: Optional[int] = None
    misreported = 0
    if supervisor:
        # Every restart was answered before this point: this reads the state the last emulator loaded.
        verdict = await check_ledger(client, ledger)
        lost_writes, duplicates, misreported = verdict.lost_writes, verdict.duplicates, verdict.misreported
        print(f"{label} checked: {verdict.checked}", file=sys.stderr)
        for detail in verdict.details[:20]:
            print(f"{label}: {detail}", file=sys.stderr)
        if len(verdict.details) > 20:
            print(f"{label}: and {len(verdict.details) - 20} more", file=sys.stderr)
    else:
        control(base_url, "chaos", {"rate": 0.0})
        duplicates = await duplicated_creates(langdock.AsyncClient(no_proxy=True))

    row = [
        label,
        tally.calls,
        restarted,
        tally.ok,
        tally.typed_errors,
        tally.lost,
        "-" if lost_writes is None else lost_writes,
        duplicates,
        tally.retries,
        f"{rss_start or 0.0:.0f}",
        f"{rss_end:.0f}",
        f"{seconds:.1f}",
    ]
    print(f"| {' | '.join(str(cell) for cell in row)} |", flush=True)

    def listed(counts: Counter[str]) -> str:
        return ", ".join(sorted(f"{what} {count}" for what, count in counts.items()))

    print(f"{label} typed errors: {listed(tally.errors_by_class)}", file=sys.stderr)
    if tally.lost:
        print(f"{label} lost: {listed(tally.lost_why)}", file=sys.stderr)
    for why in restart_failures:
        print(f"{label}: a restart failed: {why}", file=sys.stderr)
    failed = tally.lost or duplicates or lost_writes or misreported or restart_failures
    return 1 if failed or tally.calls != calls or restarted != restarts else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    mix = json.loads(MIX.read_text(encoding="utf-8"))
    parser.add_argument("--calls", type=int, default=mix["calls"])
    parser.add_argument("--concurrency", type=int, default=mix["concurrency"])
    parser.add_argument("--chaos", type=float, default=None, help="the share of requests the emulator faults")
    parser.add_argument("--pacing", type=int, default=1, help="adaptive pacing on (1) or off (0)")
    parser.add_argument(
        "--restarts", type=int, default=0, help="the crash-restart run under crash_supervisor, with this many restarts"
    )
    args = parser.parse_args()
    return asyncio.run(soak(mix, args.calls, args.concurrency, args.chaos, args.pacing > 0, args.restarts))


if __name__ == "__main__":
    sys.exit(main())
