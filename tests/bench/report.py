#!/usr/bin/env python3
"""Turns the benches' JSON lines into the tables of `make bench` and a throughput chart.

usage: report.py RESULTS.jsonl OUT_DIR      the report: OUT_DIR/report.md (also printed) and throughput.png
       report.py --machine                  prints the `machine` row (CPU, cores, load average, date)
       report.py --timing PART START        prints a `timing` row: PART took from START (epoch seconds) to now

Every figure is the median of its repetitions (3 in `make bench`), shown with its spread: `±N%` is half the range
of the repetitions, (max - min) / 2, as a share of the median. Every figure also comes as a ratio to the peer
measured in the same run (see README.md): for throughput, langdock's calls per second over the peer's; for
latency, the peer's p50 over langdock's, so that above 1.0 always means langdock is faster.

The binding tax divides each binding's calls per second by the Rust core's measured in the same language's run
(the `rust-core` client of the Python and Node benches, interleaved with the others in every repetition): the median
of the per-repetition ratios, with their range. Only when a run has no `rust-core` rows does it fall back to the
Rust bench's own rows, measured at another time, and says so. The Python run also measures the Rust core called from
64 blocking threads (`rust-core-threads`), the way the blocking client is called: the table shows it as a share of
the Rust core, and the blocking client as a share of it.
"""
from __future__ import annotations

import datetime
import json
import os
import pathlib
import statistics
import sys
import time
from collections import defaultdict
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

Row = Dict[str, Any]

REFERENCE = {
    ("rust", "sync"): "reqwest",
    ("python", "sync"): "requests",
    ("python", "async"): "httpx-async",
    ("node", "sync"): "fetch",
}
#: `make bench-sandbox`: a run of a small action must take less of the runner's own time than this (issue 13).
SANDBOX_GOAL_MS = 50
ASYNC_CLIENTS = {"langdock-async", "httpx-async", "aiohttp"}
#: The README's goals (throughput at 64 in flight on get, list and create).
README_GOALS = [
    ("rust", "langdock", "reqwest", 0.95),
    ("python", "langdock", "requests", 2.0),
    ("python", "langdock-async", "httpx-async", 3.0),
    ("node", "langdock", "fetch", 1.0),
    ("node", "langdock", "axios", 1.5),
]
#: The bindings and the Rust core they wrap: (language, client, label). The core's figure for a binding is the
#: `RUST_CORE` client of that binding's own run, else (measured at another time) the Rust bench's `CORE`.
CORE = ("rust", "langdock")
RUST_CORE = "rust-core"
#: The Rust core in the Python run called from 64 threads that each block on a call, as the blocking client's
#: callers do: how much of that client's tax is the way its callers wait rather than Python.
RUST_CORE_THREADS = "rust-core-threads"
#: The binding whose callers block in threads, measured beside `RUST_CORE_THREADS` in its language's run.
BLOCKING_LANGUAGE, BLOCKING_CLIENT = "python", "langdock"
BINDINGS = [("python", "langdock", "Python sync"), ("python", "langdock-async", "Python asyncio"),
            ("node", "langdock", "Node")]
TAX_WORKLOADS = ("get", "list", "create")
#: `scaling`: each langdock client and its peer's raw call plus JSON decode.
SCALING_PAIRS = [("rust", "langdock", "reqwest", "Rust"), ("python", "langdock", "requests", "Python sync"),
                 ("python", "langdock-async", "aiohttp", "Python asyncio"), ("node", "langdock", "fetch", "Node")]
BULK_CALLS = 1000
BULK_CLIENTS = [("rust", "langdock", "Rust"), ("python", "langdock", "Python sync"),
                ("python", "langdock-async", "Python asyncio"), ("node", "langdock", "Node")]
FIELDS = ("rps", "p50_ms", "p99_ms", "seconds", "peak_rss_mb", "ideal_fraction", "status_429", "import_ms", "failed",
          "p95_ms", "answer_bytes")


def family(row: Row) -> str:
    return "async" if row["client"] in ASYNC_CLIENTS else "sync"


def load(path: pathlib.Path) -> List[Row]:
    rows = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line:
            rows.append(json.loads(line))
    return rows


def key_of(row: Row) -> Tuple[Any, ...]:
    return (row.get("language"), row.get("client"), row["workload"], row.get("mode"), row.get("policy"),
            row.get("items"))


def merged(rows: List[Row]) -> List[Row]:
    """The median of repeated measurements of the same client, workload, mode, policy and size; each merged row
    keeps its repetitions, in the order they ran, under `runs`."""
    groups: Dict[Tuple[Any, ...], List[Row]] = defaultdict(list)
    for row in rows:
        if row["workload"] not in ("machine", "timing"):
            groups[key_of(row)].append(row)
    out = []
    for group in groups.values():
        row = dict(group[0])
        for field in FIELDS:
            values = [g[field] for g in group if g.get(field) is not None]
            row[field] = statistics.median(values) if values else None
        row["runs"] = group
        out.append(row)
    return out


def values_of(row: Optional[Row], field: str) -> List[float]:
    return [r[field] for r in (row or {}).get("runs", []) if r.get(field) is not None]


def spread(row: Optional[Row], field: str) -> Optional[float]:
    """Half the range of the repetitions as a share of their median (None for fewer than 2)."""
    values = values_of(row, field)
    if len(values) < 2 or not statistics.median(values):
        return None
    return (max(values) - min(values)) / 2 / statistics.median(values)


def fmt(value: Optional[float], digits: int = 1) -> str:
    if value is None:
        return ""
    return f"{value:,.{digits}f}"


def fmt_spread(row: Optional[Row], field: str, digits: int = 1) -> str:
    """The median with its spread, e.g. `2,514.0 ±3%`; `(1 run)` when it was not repeated."""
    if row is None or row.get(field) is None:
        return ""
    runs = len(values_of(row, field))
    s = spread(row, field)
    suffix = f" ±{s * 100:.0f}%" if s is not None else (" (1 run)" if runs == 1 else "")
    return fmt(row[field], digits) + suffix


def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return a / b if a and b else None


def fmt_ratio(value: Optional[float]) -> str:
    return "" if value is None else f"{value:.2f}x"


def paired(a: Optional[Row], b: Optional[Row], figure: Callable[[Row, Row], Optional[float]]) -> List[float]:
    """`figure` of each repetition of `a` against the same repetition of `b` (the i-th run of each)."""
    if not a or not b:
        return []
    out = [figure(x, y) for x, y in zip(a["runs"], b["runs"])]
    return [v for v in out if v is not None]


def fmt_range(values: Sequence[float], scale: float = 1.0, digits: int = 2, unit: str = "x") -> str:
    if len(values) < 2:
        return ""
    return f" (runs {min(values) * scale:.{digits}f}-{max(values) * scale:.{digits}f}{unit})"


def fmt_share(share: Optional[float], runs: Sequence[float], side_by_side: bool) -> str:
    """A cell of the binding tax: the share with the range of its runs, marked † when not measured side by side."""
    if share is None:
        return ""
    return f"{share * 100:.0f}%{'' if side_by_side else ' †'}{fmt_range(runs, 100, 0, '%')}"


def speed(a: Optional[Row], b: Optional[Row], mode: str) -> Optional[float]:
    """How much faster `a` is than `b`: calls/s over calls/s at 64 in flight, the inverse p50s one at a time."""
    if not a or not b:
        return None
    if mode == "sequential":
        return ratio(b.get("p50_ms"), a.get("p50_ms"))
    return ratio(a.get("rps"), b.get("rps"))


def speed_runs(a: Optional[Row], b: Optional[Row], mode: str) -> List[float]:
    return paired(a, b, lambda x, y: speed(x, y, mode))


def by_repetition(a: Optional[Row], b: Optional[Row], figure: Callable[[Row, Row], Optional[float]]) -> List[float]:
    """`figure` of each run of `a` against the run of `b` of the same repetition (the rows' `repetition`), so that a
    repetition one of them missed pairs nothing; rows without it pair in the order they ran (as `paired`)."""
    if not a or not b:
        return []
    if not all("repetition" in r for r in a["runs"] + b["runs"]):
        return paired(a, b, figure)
    theirs = {r["repetition"]: r for r in b["runs"]}
    out = [figure(x, theirs[x["repetition"]]) for x in a["runs"] if x["repetition"] in theirs]
    return [v for v in out if v is not None]


class Report:
    def __init__(self, raw: List[Row]) -> None:
        self.raw = raw
        self.rows = merged(raw)
        self.by_key = {(r.get("language"), r.get("client"), r["workload"], r.get("mode"), r.get("items")): r
                       for r in self.rows if r["workload"] != "bulk"}
        self.lines: List[str] = []
        #: Every goal as (goal, measured, met or None when not measured).
        self.goals: List[Tuple[str, str, Optional[bool]]] = []
        self.headline: Dict[str, Any] = {}

    def find(self, language: str, client: str, workload: str, mode: Optional[str], items: Optional[int] = None
             ) -> Optional[Row]:
        return self.by_key.get((language, client, workload, mode, items))

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    # ------------------------------------------------------------------------------------------------ sections

    def machine(self) -> None:
        machine = next((r for r in self.raw if r["workload"] == "machine"), None)
        timings = [r for r in self.raw if r["workload"] == "timing"]
        self.add("# langdock bench", "")
        if machine:
            self.add(f"Machine: {machine.get('cpu')}, {machine.get('cores')} cores; load average at the start "
                     f"{machine.get('load')}; {machine.get('date')}.", "")
        if timings:
            parts = ", ".join(f"{t['part']} {t['seconds']:.0f} s" for t in timings if t["part"] != "total")
            total = next((t for t in timings if t["part"] == "total"), None)
            self.add(f"Time: {parts}" + (f"; in all {total['seconds'] / 60:.1f} min" if total else "") + ".", "")
        self.add("Figures: the median of the repetitions (3 unless marked); ±N% is half their range as a share of "
                 "the median.", "")

    def goal(self, text: str, measured: str, met: Optional[bool]) -> None:
        self.goals.append((text, measured, met))

    def judge_goals(self) -> None:
        """The goals of issue 14's "Done when", each with its measured value."""
        # Every binding at least 70% of the Rust core's throughput on get, list and create at 64 in flight,
        # measured side by side (the per-repetition ratios' median) where the run has `rust-core` rows.
        for language, client, label in BINDINGS:
            taxes = {w: self.tax(language, client, w) for w in TAX_WORKLOADS}
            shares = {w: share for w, (share, _, _) in taxes.items()}
            fallback = [w for w, (share, _, side_by_side) in taxes.items() if share is not None and not side_by_side]
            note = f"; {', '.join(fallback)}: against the Rust bench's rows, measured at another time" if fallback else ""
            if (language, client) == (BLOCKING_LANGUAGE, BLOCKING_CLIENT):
                ceiling = {w: self.tax(language, RUST_CORE_THREADS, w)[0] for w in TAX_WORKLOADS}
                if any(v is not None for v in ceiling.values()):
                    note += ("; the Rust core itself, called from 64 blocking threads: "
                             + ", ".join(f"{w} {v * 100:.0f}%" for w, v in ceiling.items() if v is not None))
            self.judge(f"{label} >= 70% of the Rust core (get, list, create, 64 in flight)", shares, 0.70,
                       percent=True, note=note)
        # Python: asyncio >= 1.2x aiohttp, sync >= 2x requests, on every workload (both modes).
        every = [(w, m) for w in TAX_WORKLOADS for m in ("sequential", "concurrent")]
        for client, peer, goal, label in [("langdock-async", "aiohttp", 1.2, "Python asyncio"),
                                          ("langdock", "requests", 2.0, "Python sync")]:
            figures = {f"{w} {short(m)}": speed(self.find("python", client, w, m), self.find("python", peer, w, m), m)
                       for w, m in every}
            self.judge(f"{label} >= {goal}x {peer} on every workload", figures, goal)
        # Node: >= 1.3x fetch and >= 1.5x axios at 64 in flight, >= 1.0x fetch one call at a time.
        for peer, goal, mode in [("fetch", 1.3, "concurrent"), ("axios", 1.5, "concurrent"),
                                 ("fetch", 1.0, "sequential")]:
            figures = {w: speed(self.find("node", "langdock", w, mode), self.find("node", peer, w, mode), mode)
                       for w in TAX_WORKLOADS}
            where = "64 in flight" if mode == "concurrent" else "one call at a time"
            self.judge(f"Node >= {goal}x {peer}, {where}", figures, goal)
        # Scaling: >= 1.0x the peer at every size; per-item cost at 10,000 <= 1.2x that at 1,000.
        for language, client, peer, label in SCALING_PAIRS:
            sizes = self.scaling_sizes(language)
            figures = {f"{n:,}": speed(self.find(language, client, "scaling", "sequential", n),
                                       self.find(language, peer, "scaling", "sequential", n), "sequential")
                       for n in sizes}
            self.judge(f"scaling: {label} >= 1.0x {peer} + JSON decode at every size", figures, 1.0)
            growth = self.per_item_growth(language, client)
            self.goal(f"scaling: {label} cost per item at 10,000 <= 1.2x that at 1,000",
                      "" if growth is None else f"{growth:.2f}x", None if growth is None else growth <= 1.2)
        # Bulk: >= 98% of the ideal rate, <= 1% of requests answered 429, 0 failed, over 3 repetitions.
        for language, client, label in BULK_CLIENTS:
            runs = [r for r in self.raw
                    if r["workload"] == "bulk" and r.get("language") == language and r.get("client") == client
                    and r.get("policy") == "langdock"]
            text = f"bulk: {label} >= 98% of the ideal rate, <= 1% 429s, 0 failed, over 3 repetitions"
            if not runs:
                self.goal(text, "", None)
                continue
            ideal = [r.get("ideal_fraction") or 0 for r in runs]
            shares = [throttled_share(r) for r in runs]
            failed = [r.get("failed") or 0 for r in runs]
            met = len(runs) >= 3 and min(ideal) >= 0.98 and max(shares) <= 0.01 and max(failed) == 0
            self.goal(text, f"{len(runs)} runs: {min(ideal) * 100:.0f}-{max(ideal) * 100:.0f}% of ideal, "
                            f"{min(shares) * 100:.1f}-{max(shares) * 100:.1f}% 429s, {max(failed)} failed", met)
        # The README's goals (performance section).
        for language, ours, peer, goal in README_GOALS:
            figures = {w: speed(self.find(language, ours, w, "concurrent"), self.find(language, peer, w, "concurrent"),
                                "concurrent") for w in TAX_WORKLOADS}
            self.headline[f"{language}:{ours}/{peer}"] = [figures[w] for w in TAX_WORKLOADS]
            self.judge(f"README: {language} {ours} >= {goal}x {peer} (64 in flight)", figures, goal)
        for r in sorted((r for r in self.rows if r["workload"] == "sandbox"), key=lambda r: (r["language"], r["client"])):
            p50 = r.get("p50_ms")
            self.goal(f"README: sandbox ({r['client']}) p50 under {SANDBOX_GOAL_MS} ms",
                      "" if p50 is None else f"{p50:.2f} ms", None if p50 is None else p50 < SANDBOX_GOAL_MS)

    def judge(self, text: str, figures: Dict[str, Optional[float]], goal: float, percent: bool = False,
              note: str = "") -> None:
        """A goal met when every figure reaches `goal`; shows the lowest and every figure."""
        known = {k: v for k, v in figures.items() if v is not None}
        if not known:
            self.goal(text, "", None)
            return
        show = (lambda v: f"{v * 100:.0f}%") if percent else (lambda v: f"{v:.2f}x")
        worst = min(known, key=lambda k: known[k])
        detail = ", ".join(f"{k} {show(v)}" for k, v in known.items())
        missing = "" if len(known) == len(figures) else f" ({len(figures) - len(known)} not measured)"
        self.goal(text, f"lowest {show(known[worst])} ({worst}); {detail}{missing}{note}",
                  min(known.values()) >= goal and len(known) == len(figures))

    def goals_section(self) -> None:
        self.add("## Goals (issue 14 \"Done when\", and the README's)", "", "| goal | measured | result |",
                 "| --- | --- | --- |")
        for text, measured, met in self.goals:
            result = "not measured" if met is None else ("PASS" if met else "**MISSED**")
            self.add(f"| {text} | {measured} | {result} |")
        missed = sum(1 for _, _, met in self.goals if met is False)
        unmeasured = sum(1 for _, _, met in self.goals if met is None)
        self.add("", f"{len(self.goals) - missed - unmeasured} passed, {missed} missed, {unmeasured} not measured.",
                 "")
        self.headline["goals_missed"] = missed

    def core_of(self, language: str, workload: str) -> Tuple[Optional[Row], bool]:
        """The Rust core's row a binding of `language` is divided by, and whether it was measured side by side
        (the `rust-core` client of that language's run) rather than by the Rust bench at another time."""
        own = self.find(language, RUST_CORE, workload, "concurrent")
        if own is not None:
            return own, True
        return self.find(*CORE, workload, "concurrent"), False

    def tax(self, language: str, client: str, workload: str,
            core_client: Optional[str] = None) -> Tuple[Optional[float], List[float], bool]:
        """A binding's calls per second as a share of the Rust core's at 64 in flight: (the median share, the
        share of each repetition, side by side or not). Side by side, the median of the per-repetition ratios
        (each binding's run against the Rust core's of the same repetition); else the ratio of the medians.
        With `core_client`, divided by that client of the same run (side by side) instead."""
        if core_client is None:
            core, side_by_side = self.core_of(language, workload)
        else:
            core, side_by_side = self.find(language, core_client, workload, "concurrent"), True
        row = self.find(language, client, workload, "concurrent")
        if side_by_side:
            runs = by_repetition(row, core, lambda x, y: speed(x, y, "concurrent"))
            return (statistics.median(runs) if runs else None), runs, True
        return speed(row, core, "concurrent"), speed_runs(row, core, "concurrent"), False

    def binding_tax(self) -> None:
        rust = {w: self.find(*CORE, w, "concurrent") for w in TAX_WORKLOADS}
        own = {lang: {w: self.find(lang, RUST_CORE, w, "concurrent") for w in TAX_WORKLOADS}
               for lang in dict.fromkeys(language for language, _, _ in BINDINGS)}
        if not any(rust.values()) and not any(r for rows in own.values() for r in rows.values()):
            return
        self.add("## Binding tax: each binding's throughput as a share of the Rust core's (64 in flight)", "",
                 "Side by side: the Rust core is measured in the binding's own run (`rust-core`, interleaved with the "
                 "other clients in every repetition, same warm-up and window); each share is the median of the "
                 "per-repetition ratios, with their range. A share marked † falls back to the Rust bench's rows, "
                 "measured at another time.", "",
                 "| binding | " + " | ".join(TAX_WORKLOADS) + " |", "| --- |" + " --- |" * len(TAX_WORKLOADS))
        if any(rust.values()):
            self.add("| Rust core (Rust bench) | "
                     + " | ".join(f"{fmt_spread(rust[w], 'rps', 0)} calls/s" for w in TAX_WORKLOADS) + " |")
        for language, rows in own.items():
            if any(rows.values()):
                self.add(f"| Rust core ({language} run) | "
                         + " | ".join(f"{fmt_spread(rows[w], 'rps', 0)} calls/s" if rows[w] else ""
                                      for w in TAX_WORKLOADS) + " |")
        threads = {w: self.find(BLOCKING_LANGUAGE, RUST_CORE_THREADS, w, "concurrent") for w in TAX_WORKLOADS}
        if any(threads.values()):
            self.add(f"| Rust core from 64 blocking threads ({BLOCKING_LANGUAGE} run) | "
                     + " | ".join(f"{fmt_spread(threads[w], 'rps', 0)} calls/s" if threads[w] else ""
                                  for w in TAX_WORKLOADS) + " |")
        fallbacks = False
        for language, client, label in BINDINGS:
            cells = []
            for w in TAX_WORKLOADS:
                share, runs, side_by_side = self.tax(language, client, w)
                fallbacks = fallbacks or (share is not None and not side_by_side)
                cells.append(fmt_share(share, runs, side_by_side))
            self.add(f"| {label} | " + " | ".join(cells) + " |")
        if any(threads.values()):
            # The blocking client's tax in two parts: the way its callers wait (the Rust core from 64 blocking
            # threads against its tasks), and what Python adds to that (the blocking client against it).
            for label, client, core_client in [
                    ("Rust core from 64 blocking threads, of the Rust core", RUST_CORE_THREADS, None),
                    ("Python sync, of the Rust core from 64 blocking threads", BLOCKING_CLIENT, RUST_CORE_THREADS)]:
                cells = []
                for w in TAX_WORKLOADS:
                    share, runs, side_by_side = self.tax(BLOCKING_LANGUAGE, client, w, core_client)
                    fallbacks = fallbacks or (share is not None and not side_by_side)
                    cells.append(fmt_share(share, runs, side_by_side))
                self.add(f"| {label} | " + " | ".join(cells) + " |")
        self.add("")
        if any(threads.values()):
            self.add("The Python run also measures the Rust core called the way the blocking client is: from 64 "
                     "threads that each block on one call at a time (`rust-core-threads`, interleaved like "
                     "`rust-core`). Its share of the Rust core is what that way of waiting costs without Python; the "
                     "last row is what Python adds to it.", "")
        if fallbacks:
            self.add("† No `rust-core` rows in that language's run (BENCH_RUST_CHILD unset): divided by the Rust "
                     "bench's figure, measured minutes apart under another load; not a like-for-like tax.", "")

    def scaling_sizes(self, language: str) -> List[int]:
        return sorted({r["items"] for r in self.rows
                       if r["workload"] == "scaling" and r.get("language") == language and r.get("items")})

    def per_item_growth(self, language: str, client: str) -> Optional[float]:
        """The cost per item at 10,000 as a multiple of that at 1,000: the median of the repetitions' own ratios (the
        two sizes of one repetition are measured seconds apart, the repetitions minutes apart, under other loads)."""
        small = self.find(language, client, "scaling", "sequential", 1_000)
        large = self.find(language, client, "scaling", "sequential", 10_000)

        def growth(at_1k: Row, at_10k: Row) -> Optional[float]:
            if not at_1k.get("p50_ms") or not at_10k.get("p50_ms"):
                return None
            return (at_10k["p50_ms"] / 10_000) / (at_1k["p50_ms"] / 1_000)

        growths = paired(small, large, growth)
        return statistics.median(growths) if growths else None

    def scaling(self) -> None:
        if not any(r["workload"] == "scaling" for r in self.rows):
            return
        self.add("## Scaling: `list` of N integrations, one call at a time (60-character descriptions, no actions)", "")
        sizes = sorted({r["items"] for r in self.rows if r["workload"] == "scaling" and r.get("items")})
        answer = []
        for n in sizes:
            rows = [r for r in self.rows if r["workload"] == "scaling" and r.get("items") == n and r.get("answer_bytes")]
            if rows:
                answer.append(f"{n:,}: {rows[0]['answer_bytes'] / 1024:,.0f} KB")
        if answer:
            self.add("Answer sizes: " + ", ".join(answer) + ".", "")
        self.add("| language | client | N | ms per call | µs per item | vs peer | per item at 10,000 / at 1,000 |",
                 "| --- | --- | --- | --- | --- | --- | --- |")
        for language, client, peer, _ in SCALING_PAIRS:
            for who in (client, peer):
                growth = self.per_item_growth(language, who)
                for n in sizes:
                    row = self.find(language, who, "scaling", "sequential", n)
                    if row is None:
                        continue
                    other = self.find(language, peer, "scaling", "sequential", n)
                    vs = "1.00x (peer)" if who == peer else (
                        fmt_ratio(speed(row, other, "sequential")) + fmt_range(speed_runs(row, other, "sequential")))
                    last = f"{growth:.2f}x" if growth is not None and n == sizes[-1] else ""
                    self.add(f"| {language} | {who} | {n:,} | {fmt_spread(row, 'p50_ms', 2)} | "
                             f"{fmt(row['p50_ms'] * 1000 / n, 2)} | {vs} | {last} |")
        self.add("")

    def bulk(self) -> None:
        bulk = [r for r in self.rows if r["workload"] == "bulk"]
        if not bulk:
            return
        self.add("## Bulk job under the rate limit (1,000 creates, 64 in flight, 50 requests/s)", "",
                 "| language | client | retry policy | runs | seconds | of ideal rate | 429s | 429s, share of requests "
                 "| failed |",
                 "| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in sorted(bulk, key=lambda r: (r["language"], r["client"] != "langdock", r["client"], r.get("policy") or "")):
            runs = r["runs"]
            ideal = [x.get("ideal_fraction") or 0 for x in runs]
            throttled = [x.get("status_429") or 0 for x in runs]
            shares = [throttled_share(x) for x in runs]
            failed = [x.get("failed") or 0 for x in runs]
            self.add(f"| {r['language']} | {r['client']} | {r.get('policy') or ''} | {len(runs)} | "
                     f"{fmt_spread(r, 'seconds')} | {span(ideal, 100, '%')} | {span(throttled)} | "
                     f"{span(shares, 100, '%', 1)} | {span(failed)} |")
        self.add("")

    def workloads(self) -> None:
        for workload, mode in [("get", "sequential"), ("get", "concurrent"), ("list", "sequential"),
                               ("list", "concurrent"), ("create", "sequential"), ("create", "concurrent"),
                               ("retry", "concurrent")]:
            selected = [r for r in self.rows if r["workload"] == workload and r.get("mode") == mode]
            if not selected:
                continue
            title = {"sequential": "one call at a time", "concurrent": "64 in flight"}[mode]
            self.add(f"## {workload}, {title}", "",
                     "| language | client | calls/s | p50 ms | p99 ms | peak RSS MB | vs reference |",
                     "| --- | --- | --- | --- | --- | --- | --- |")
            for r in sorted(selected, key=lambda r: (r["language"], family(r), not r["client"].startswith("langdock"),
                                                     r["client"])):
                reference = REFERENCE.get((r["language"], family(r)))
                peer = self.find(r["language"], reference or "", workload, mode)
                vs = fmt_ratio(speed(r, peer, mode)) + fmt_range(speed_runs(r, peer, mode))
                vs = "1.00x (reference)" if r["client"] == reference else vs
                self.add(f"| {r['language']} | {r['client']} | {fmt_spread(r, 'rps')} | {fmt_spread(r, 'p50_ms', 2)} | "
                         f"{fmt(r.get('p99_ms'), 2)} | {fmt(r.get('peak_rss_mb'))} | {vs} |")
            self.add("")

    def imports(self) -> None:
        imports = [r for r in self.rows if r["workload"] == "import"]
        if imports:
            self.add("## Import / load time (fresh process)", "", "| language | package | ms |", "| --- | --- | --- |")
            for r in sorted(imports, key=lambda r: (r["language"], r["client"])):
                self.add(f"| {r['language']} | {r['client']} | {fmt(r.get('import_ms'))} |")
            self.add("")

    def sandbox(self) -> None:
        sandbox = [r for r in self.rows if r["workload"] == "sandbox"]
        if sandbox:
            self.add("## Local sandbox: one small action, the runner's own time (goal: p50 under "
                     f"{SANDBOX_GOAL_MS} ms)", "",
                     "| language | runner | p50 ms | p95 ms | met |", "| --- | --- | --- | --- | --- |")
            for r in sorted(sandbox, key=lambda r: (r["language"], r["client"])):
                p50 = r.get("p50_ms")
                met = "not measured" if p50 is None else ("yes" if p50 < SANDBOX_GOAL_MS else "no")
                self.headline[f"{r['language']}:{r['client']}:sandbox_p50_ms"] = p50
                self.add(f"| {r['language']} | {r['client']} | {fmt(p50, 2)} | {fmt(r.get('p95_ms'), 2)} | {met} |")
            self.add("")

    def render(self) -> str:
        self.machine()
        self.judge_goals()
        self.goals_section()
        self.binding_tax()
        self.scaling()
        self.bulk()
        self.workloads()
        self.imports()
        self.sandbox()
        return "\n".join(self.lines)


def short(mode: str) -> str:
    return {"sequential": "1 at a time", "concurrent": "64 in flight"}[mode]


def throttled_share(row: Row) -> float:
    """The share of the requests sent that were answered 429: every 429 is one more request than the calls."""
    throttled = row.get("status_429") or 0
    return throttled / (BULK_CALLS + throttled)


def span(values: Sequence[float], scale: float = 1.0, unit: str = "", digits: int = 0) -> str:
    """`a-b` over the repetitions (one value when they agree)."""
    if not values:
        return ""
    low, high = min(values) * scale, max(values) * scale
    if f"{low:.{digits}f}" == f"{high:.{digits}f}":
        return f"{low:,.{digits}f}{unit}"
    return f"{low:,.{digits}f}-{high:,.{digits}f}{unit}"


def report(rows: List[Row]) -> Tuple[str, Dict[str, Any]]:
    """The report's Markdown and a few headline figures (for tests and tooling)."""
    built = Report(rows)
    text = built.render()
    built.headline["goals"] = built.goals
    return text, built.headline


def chart(rows: List[Row], path: pathlib.Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    concurrent = [r for r in rows if r.get("mode") == "concurrent" and r.get("rps") and r["workload"] != "bulk"]
    languages = sorted({r["language"] for r in concurrent})
    if not languages:
        return False
    workloads = ["get", "list", "create", "retry"]
    fig, axes = plt.subplots(1, len(languages), figsize=(5 * len(languages), 4), squeeze=False)
    for ax, language in zip(axes[0], languages):
        clients = sorted({r["client"] for r in concurrent if r["language"] == language},
                         key=lambda c: (not c.startswith("langdock"), c))
        width = 0.8 / max(1, len(clients))
        for index, client in enumerate(clients):
            values = []
            for workload in workloads:
                match = [r for r in concurrent
                         if r["language"] == language and r["client"] == client and r["workload"] == workload]
                values.append(match[0]["rps"] if match else 0)
            ax.bar([w + index * width for w in range(len(workloads))], values, width, label=client)
        ax.set_xticks([w + width * (len(clients) - 1) / 2 for w in range(len(workloads))], workloads)
        ax.set_title(f"{language}: calls/s, 64 in flight")
        ax.set_yscale("log")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def machine_row() -> Row:
    cpu = "unknown CPU"
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return {"workload": "machine", "cpu": cpu, "cores": os.cpu_count(), "load": load, "date": date}


def main(argv: List[str]) -> int:
    if argv[1:2] == ["--machine"]:
        print(json.dumps(machine_row()))
        return 0
    if argv[1:2] == ["--timing"] and len(argv) == 4:
        seconds = time.time() - float(argv[3])
        print(f"bench: {argv[2]} took {seconds:.0f} s", file=sys.stderr)
        print(json.dumps({"workload": "timing", "part": argv[2], "seconds": seconds}))
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    results, out_dir = pathlib.Path(argv[1]), pathlib.Path(argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    raw = load(results)
    text, _ = report(raw)
    (out_dir / "report.md").write_text(text)
    print(text)
    png = out_dir / "throughput.png"
    print(f"chart: {png}" if chart(merged(raw), png) else "chart: matplotlib is not installed, no PNG written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
