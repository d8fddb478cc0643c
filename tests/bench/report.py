#!/usr/bin/env python3
"""Turns the benches' JSON lines into the table of `make bench` and a throughput chart.

usage: report.py RESULTS.jsonl OUT_DIR

Every figure is shown next to its ratio to the reference peer measured in the same run (see README.md):
for throughput, langdock's calls per second over the peer's; for latency, the peer's p50 over langdock's, so that
above 1.0 always means langdock is faster.
"""
from __future__ import annotations

import json
import pathlib
import statistics
import sys
from collections import defaultdict

REFERENCE = {
    ("rust", "sync"): "reqwest",
    ("python", "sync"): "requests",
    ("python", "async"): "httpx-async",
    ("node", "sync"): "fetch",
}
#: `make bench-sandbox`: a run of a small action must take less of the runner's own time than this (issue 13).
SANDBOX_GOAL_MS = 50
ASYNC_CLIENTS = {"langdock-async", "httpx-async", "aiohttp"}
GOALS = [
    ("rust", "langdock", "reqwest", 0.95),
    ("python", "langdock", "requests", 2.0),
    ("python", "langdock-async", "httpx-async", 3.0),
    ("node", "langdock", "fetch", 1.0),
    ("node", "langdock", "axios", 1.5),
]


def family(row: dict) -> str:
    return "async" if row["client"] in ASYNC_CLIENTS else "sync"


def load(path: pathlib.Path) -> list[dict]:
    rows = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line:
            rows.append(json.loads(line))
    return rows


def merged(rows: list[dict]) -> list[dict]:
    """The median of repeated measurements of the same client, workload, mode and policy."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        key = (row["language"], row["client"], row["workload"], row.get("mode"), row.get("policy"))
        groups[key].append(row)
    out = []
    for key, group in groups.items():
        row = dict(group[0])
        for field in ("rps", "p50_ms", "p99_ms", "seconds", "peak_rss_mb", "ideal_fraction", "status_429", "import_ms", "failed", "p95_ms"):
            values = [g[field] for g in group if g.get(field) is not None]
            row[field] = statistics.median(values) if values else None
        out.append(row)
    return out


def fmt(value, digits=1) -> str:
    if value is None:
        return ""
    return f"{value:,.{digits}f}"


def ratio(a, b) -> str:
    if not a or not b:
        return ""
    return f"{a / b:.2f}x"


def report(rows: list[dict]) -> tuple[str, dict]:
    lines: list[str] = []
    headline: dict = {}
    bulk = [r for r in rows if r["workload"] == "bulk"]
    if bulk:
        lines += ["## Bulk job under the rate limit (1,000 creates, 64 in flight, 50 requests/s)", "",
                  "| language | client | retry policy | seconds | of ideal rate | 429s | failed |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for r in sorted(bulk, key=lambda r: (r["language"], r["client"] != "langdock", r["client"], r.get("policy") or "")):
            lines.append(f"| {r['language']} | {r['client']} | {r.get('policy') or ''} | {fmt(r['seconds'])} | "
                         f"{fmt((r.get('ideal_fraction') or 0) * 100, 0)}% | {fmt(r.get('status_429'), 0)} | {fmt(r.get('failed'), 0)} |")
        lines.append("")

    by_key = {(r["language"], r["client"], r["workload"], r.get("mode")): r for r in rows}
    for workload, mode in [("get", "sequential"), ("get", "concurrent"), ("list", "sequential"), ("list", "concurrent"),
                           ("create", "sequential"), ("create", "concurrent"), ("retry", "concurrent")]:
        selected = [r for r in rows if r["workload"] == workload and r.get("mode") == mode]
        if not selected:
            continue
        title = {"sequential": "one call at a time", "concurrent": "64 in flight"}[mode]
        lines += [f"## {workload}, {title}", "",
                  "| language | client | calls/s | p50 ms | p99 ms | peak RSS MB | vs reference |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for r in sorted(selected, key=lambda r: (r["language"], family(r), not r["client"].startswith("langdock"), r["client"])):
            reference = REFERENCE.get((r["language"], family(r)))
            peer = by_key.get((r["language"], reference, workload, mode))
            if mode == "sequential":
                vs = ratio(peer and peer.get("p50_ms"), r.get("p50_ms"))
            else:
                vs = ratio(r.get("rps"), peer and peer.get("rps"))
            vs = "1.00x (reference)" if r["client"] == reference else vs
            lines.append(f"| {r['language']} | {r['client']} | {fmt(r.get('rps'))} | {fmt(r.get('p50_ms'), 2)} | "
                         f"{fmt(r.get('p99_ms'), 2)} | {fmt(r.get('peak_rss_mb'))} | {vs} |")
        lines.append("")

    imports = [r for r in rows if r["workload"] == "import"]
    if imports:
        lines += ["## Import / load time (fresh process)", "", "| language | package | ms |", "| --- | --- | --- |"]
        for r in sorted(imports, key=lambda r: (r["language"], r["client"])):
            lines.append(f"| {r['language']} | {r['client']} | {fmt(r.get('import_ms'))} |")
        lines.append("")

    sandbox = [r for r in rows if r["workload"] == "sandbox"]
    if sandbox:
        lines += ["## Local sandbox: one small action, the runner's own time (goal: p50 under "
                  f"{SANDBOX_GOAL_MS} ms)", "",
                  "| language | runner | p50 ms | p95 ms | met |", "| --- | --- | --- | --- | --- |"]
        for r in sorted(sandbox, key=lambda r: (r["language"], r["client"])):
            p50 = r.get("p50_ms")
            met = "not measured" if p50 is None else ("yes" if p50 < SANDBOX_GOAL_MS else "no")
            headline[f"{r['language']}:{r['client']}:sandbox_p50_ms"] = p50
            lines.append(f"| {r['language']} | {r['client']} | {fmt(p50, 2)} | {fmt(r.get('p95_ms'), 2)} | {met} |")
        lines.append("")

    lines += ["## Goals (throughput, 64 in flight)", "", "| goal | get | list | create | met |", "| --- | --- | --- | --- | --- |"]
    for language, ours, peer, goal in GOALS:
        figures = []
        for workload in ("get", "list", "create"):
            a = by_key.get((language, ours, workload, "concurrent"))
            b = by_key.get((language, peer, workload, "concurrent"))
            figures.append(a["rps"] / b["rps"] if a and b and a.get("rps") and b.get("rps") else None)
        known = [f for f in figures if f is not None]
        met = "yes" if known and min(known) >= goal else ("no" if known else "not measured")
        headline[f"{language}:{ours}/{peer}"] = figures
        lines.append(f"| {language} {ours} >= {goal}x {peer} | " + " | ".join(f"{f:.2f}x" if f else "" for f in figures) + f" | {met} |")
    lines.append("")
    return "\n".join(lines), headline


def chart(rows: list[dict], path: pathlib.Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    concurrent = [r for r in rows if r.get("mode") == "concurrent" and r.get("rps")]
    languages = sorted({r["language"] for r in concurrent})
    if not languages:
        return False
    workloads = ["get", "list", "create", "retry"]
    fig, axes = plt.subplots(1, len(languages), figsize=(5 * len(languages), 4), squeeze=False)
    for ax, language in zip(axes[0], languages):
        clients = sorted({r["client"] for r in concurrent if r["language"] == language}, key=lambda c: (not c.startswith("langdock"), c))
        width = 0.8 / max(1, len(clients))
        for index, client in enumerate(clients):
            values = []
            for workload in workloads:
                match = [r for r in concurrent if r["language"] == language and r["client"] == client and r["workload"] == workload]
                values.append(match[0]["rps"] if match else 0)
            ax.bar([w + index * width for w in range(len(workloads))], values, width, label=client)
        ax.set_xticks([w + width * (len(clients) - 1) / 2 for w in range(len(workloads))], workloads)
        ax.set_title(f"{language}: calls/s, 64 in flight")
        ax.set_yscale("log")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    results, out_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = merged(load(results))
    text, _ = report(rows)
    (out_dir / "report.md").write_text(text)
    print(text)
    png = out_dir / "throughput.png"
    print(f"chart: {png}" if chart(rows, png) else "chart: matplotlib is not installed, no PNG written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
