"""Tests of report.py (stdlib only, run by `make test-bench-report`): the goals it judges, the spreads it shows."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import tempfile
import unittest
from typing import Any, Dict, List, Optional

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import report  # noqa: E402

Row = Dict[str, Any]


def row(language: str, client: str, workload: str, mode: Optional[str], **fields: Any) -> Row:
    return {"language": language, "client": client, "workload": workload, "mode": mode, "policy": None, **fields}


def goal(rows: List[Row], starts: str) -> tuple:
    _, headline = report.report(rows)
    found = [g for g in headline["goals"] if g[0].startswith(starts)]
    assert len(found) == 1, (starts, [g[0] for g in headline["goals"]])
    return found[0]


def bulk(language: str, client: str, ideal: float, throttled: int, failed: int = 0) -> Row:
    return row(language, client, "bulk", "concurrent", policy="langdock", ideal_fraction=ideal, status_429=throttled,
               failed=failed, seconds=20 / ideal)


def scaling(language: str, client: str, items: int, p50: float) -> Row:
    return row(language, client, "scaling", "sequential", items=items, p50_ms=p50, answer_bytes=items * 190)


class MedianAndSpread(unittest.TestCase):
    def test_a_figure_is_the_median_of_its_repetitions_with_half_the_range_as_spread(self) -> None:
        rows = [row("rust", "langdock", "get", "concurrent", rps=v) for v in (90.0, 100.0, 120.0)]
        [merged] = report.merged(rows)
        self.assertEqual(merged["rps"], 100.0)
        self.assertEqual(report.fmt_spread(merged, "rps", 0), "100 ±15%")

    def test_a_figure_measured_once_says_so(self) -> None:
        [merged] = report.merged([row("rust", "langdock", "get", "concurrent", rps=100.0)])
        self.assertEqual(report.fmt_spread(merged, "rps", 0), "100 (1 run)")

    def test_sizes_of_the_scaling_workload_are_kept_apart(self) -> None:
        rows = [scaling("rust", "langdock", 100, 1.0), scaling("rust", "langdock", 1000, 5.0)]
        self.assertEqual(len(report.merged(rows)), 2)


class Goals(unittest.TestCase):
    def test_binding_tax_passes_at_70_percent_of_the_core_on_every_workload_and_misses_below(self) -> None:
        rows = []
        for workload, share in [("get", 0.8), ("list", 0.7), ("create", 0.69)]:
            rows.append(row("rust", "langdock", workload, "concurrent", rps=1000.0))
            rows.append(row("node", "langdock", workload, "concurrent", rps=1000.0 * share))
        text, measured, met = goal(rows, "Node >= 70%")
        self.assertFalse(met)
        self.assertIn("lowest 69% (create)", measured)
        rows[-1]["rps"] = 700.0
        self.assertTrue(goal(rows, "Node >= 70%")[2])
        rendered, _ = report.report(rows)
        self.assertIn("| Node | 80% † | 70% † | 70% † |", rendered)

    def test_binding_tax_divides_by_the_rust_core_measured_in_the_bindings_own_run(self) -> None:
        # The Rust bench, minutes earlier on a quieter machine: 1,000 calls/s; the Node run's own rust-core: 500.
        rows = []
        for workload in report.TAX_WORKLOADS:
            rows.append(row("rust", "langdock", workload, "concurrent", rps=1000.0))
            for repetition in range(3):
                rows.append(row("node", "rust-core", workload, "concurrent", rps=500.0, repetition=repetition))
                rows.append(row("node", "langdock", workload, "concurrent", rps=400.0, repetition=repetition))
        text, measured, met = goal(rows, "Node >= 70%")
        self.assertTrue(met, measured)
        self.assertEqual(measured, "lowest 80% (get); get 80%, list 80%, create 80%")
        rendered, _ = report.report(rows)
        self.assertIn("| Node | 80% (runs 80-80%) | 80% (runs 80-80%) | 80% (runs 80-80%) |", rendered)
        self.assertIn("| Rust core (node run) | 500 ±0% calls/s |", rendered)
        self.assertNotIn("% †", rendered)
        self.assertNotIn("† No `rust-core` rows", rendered)

    def test_binding_tax_is_the_median_of_the_per_repetition_ratios_with_their_range(self) -> None:
        # Per repetition: 700/1000 = 70%, 900/1000 = 90%, 400/500 = 80%; the ratio of the medians would be 70%.
        rows = []
        for repetition, (ours, core) in enumerate([(700.0, 1000.0), (900.0, 1000.0), (400.0, 500.0)]):
            rows.append(row("python", "rust-core", "get", "concurrent", rps=core, repetition=repetition))
            rows.append(row("python", "langdock", "get", "concurrent", rps=ours, repetition=repetition))
        text, measured, met = goal(rows, "Python sync >= 70%")
        self.assertIn("get 80%", measured)
        self.assertIn("2 not measured", measured)
        self.assertFalse(met, "list and create not measured")
        rendered, _ = report.report(rows)
        self.assertIn("| Python sync | 80% (runs 70-90%) |  |  |", rendered)

    def test_the_blocking_clients_tax_is_split_into_the_way_its_callers_wait_and_what_python_adds(self) -> None:
        # Per repetition: the core 1000 as tasks, 600 from 64 blocking threads, the blocking client 480.
        rows = []
        for workload in report.TAX_WORKLOADS:
            for repetition in range(3):
                rows.append(row("python", "rust-core", workload, "concurrent", rps=1000.0, repetition=repetition))
                rows.append(row("python", "rust-core-threads", workload, "concurrent", rps=600.0,
                                repetition=repetition))
                rows.append(row("python", "langdock", workload, "concurrent", rps=480.0, repetition=repetition))
        text, measured, met = goal(rows, "Python sync >= 70%")
        self.assertFalse(met, "48% of the core as tasks")
        self.assertIn("get 48%", measured)
        self.assertIn("the Rust core itself, called from 64 blocking threads: get 60%, list 60%, create 60%", measured)
        rendered, _ = report.report(rows)
        self.assertIn("| Rust core from 64 blocking threads (python run) | 600 ±0% calls/s |", rendered)
        self.assertIn("| Python sync | 48% (runs 48-48%) |", rendered)
        self.assertIn("| Rust core from 64 blocking threads, of the Rust core | 60% (runs 60-60%) |", rendered)
        self.assertIn("| Python sync, of the Rust core from 64 blocking threads | 80% (runs 80-80%) |", rendered)

    def test_without_blocking_thread_rows_the_tax_table_has_no_split(self) -> None:
        rows = [row("python", "rust-core", "get", "concurrent", rps=1000.0),
                row("python", "langdock", "get", "concurrent", rps=500.0)]
        text, measured, met = goal(rows, "Python sync >= 70%")
        self.assertNotIn("blocking threads", measured)
        rendered, _ = report.report(rows)
        self.assertNotIn("blocking threads", rendered)

    def test_binding_tax_pairs_runs_of_the_same_repetition_when_one_is_missing(self) -> None:
        # The binding's repetition 1 failed: its repetition 2 (600) pairs with the core's repetition 2 (600), not
        # with the core's repetition 1 (2000).
        rows = [row("node", "rust-core", "list", "concurrent", rps=core, repetition=r)
                for r, core in enumerate([1000.0, 2000.0, 600.0])]
        rows += [row("node", "langdock", "list", "concurrent", rps=ours, repetition=r)
                 for r, ours in [(0, 900.0), (2, 600.0)]]
        share, runs, side_by_side = report.Report(rows).tax("node", "langdock", "list")
        self.assertTrue(side_by_side)
        self.assertEqual(sorted(runs), [0.9, 1.0])
        self.assertAlmostEqual(share, 0.95)

    def test_binding_tax_without_rust_core_rows_falls_back_to_the_rust_bench_and_says_so(self) -> None:
        rows = [row("rust", "langdock", "get", "concurrent", rps=1000.0),
                row("python", "langdock-async", "get", "concurrent", rps=750.0),
                row("python", "rust-core", "list", "concurrent", rps=100.0),
                row("python", "langdock-async", "list", "concurrent", rps=100.0)]
        text, measured, met = goal(rows, "Python asyncio >= 70%")
        self.assertIn("get 75%, list 100%", measured)
        self.assertIn("get: against the Rust bench's rows, measured at another time", measured)
        rendered, _ = report.report(rows)
        self.assertIn("| Python asyncio | 75% † | 100% |  |", rendered)
        self.assertIn("† No `rust-core` rows", rendered)

    def test_one_call_at_a_time_compares_the_median_latencies(self) -> None:
        rows = []
        for workload in report.TAX_WORKLOADS:
            rows.append(row("node", "langdock", workload, "sequential", p50_ms=0.5))
            rows.append(row("node", "fetch", workload, "sequential", p50_ms=0.55))
        self.assertEqual(goal(rows, "Node >= 1.0x fetch, one call")[2], True)
        rows[0]["p50_ms"] = 0.6
        self.assertEqual(goal(rows, "Node >= 1.0x fetch, one call")[2], False)

    def test_a_goal_with_a_workload_not_measured_is_not_passed(self) -> None:
        rows = [row("node", "langdock", "get", "concurrent", rps=2000.0), row("node", "fetch", "get", "concurrent", rps=1000.0)]
        text, measured, met = goal(rows, "Node >= 1.3x fetch, 64")
        self.assertFalse(met)
        self.assertIn("2 not measured", measured)
        self.assertIsNone(goal([], "Node >= 1.3x fetch, 64")[2])

    def test_scaling_needs_the_peer_matched_at_every_size_and_per_item_cost_to_grow_at_most_1_2x(self) -> None:
        rows = [
            scaling("python", "langdock", 100, 0.8), scaling("python", "requests", 100, 0.9),
            scaling("python", "langdock", 1000, 2.0), scaling("python", "requests", 1000, 2.4),
            scaling("python", "langdock", 10000, 24.0), scaling("python", "requests", 10000, 24.0),
        ]
        self.assertTrue(goal(rows, "scaling: Python sync >= 1.0x")[2])
        text, measured, met = goal(rows, "scaling: Python sync cost per item")
        self.assertEqual((measured, met), ("1.20x", True))
        rows[4]["p50_ms"] = 25.0
        self.assertEqual(goal(rows, "scaling: Python sync >= 1.0x")[2], False)
        self.assertEqual(goal(rows, "scaling: Python sync cost per item")[1:], ("1.25x", False))

    def test_per_item_growth_is_the_median_of_each_repetition_s_own_ratio(self) -> None:
        # Repetition 2 measured 1,000 quiet and 10,000 under load (its own ratio 3.0x), the others 1.0x; the medians
        # of each size (2.0 ms and 30.0 ms) would make 1.5x.
        rows = [scaling("rust", "langdock", n, p50) for n, p50 in
                [(1000, 2.0), (10000, 20.0), (1000, 1.0), (10000, 30.0), (1000, 4.0), (10000, 40.0)]]
        self.assertEqual(goal(rows, "scaling: Rust cost per item")[1:], ("1.00x", True))
        rows[1]["p50_ms"], rows[5]["p50_ms"] = 25.0, 50.0
        self.assertEqual(goal(rows, "scaling: Rust cost per item")[1:], ("1.25x", False))

    def test_bulk_is_judged_on_the_worst_of_three_runs(self) -> None:
        good = [bulk("rust", "langdock", 1.0, 5) for _ in range(3)]
        self.assertTrue(goal(good, "bulk: Rust")[2])
        self.assertFalse(goal(good[:2], "bulk: Rust")[2], "fewer than 3 runs do not pass")
        for bad in (bulk("rust", "langdock", 0.97, 5), bulk("rust", "langdock", 1.0, 11),
                    bulk("rust", "langdock", 1.0, 5, failed=1)):
            text, measured, met = goal(good[:2] + [bad], "bulk: Rust")
            self.assertFalse(met, measured)
        self.assertIn("3 runs: 97-100% of ideal", goal(good[:2] + [bulk("rust", "langdock", 0.97, 5)], "bulk: Rust")[1])


class CommandLine(unittest.TestCase):
    def test_machine_and_timing_rows_reach_the_top_of_the_report(self) -> None:
        script = str(pathlib.Path(report.__file__))
        machine = json.loads(subprocess.run([sys.executable, script, "--machine"], capture_output=True, text=True,
                                            check=True).stdout)
        self.assertEqual(machine["workload"], "machine")
        self.assertGreaterEqual(machine["cores"], 1)
        timing = json.loads(subprocess.run([sys.executable, script, "--timing", "bench-rust", "0"],
                                           capture_output=True, text=True, check=True).stdout)
        with tempfile.TemporaryDirectory() as out:
            results = pathlib.Path(out) / "results.jsonl"
            results.write_text("\n".join(json.dumps(r) for r in [machine, timing, bulk("rust", "langdock", 1.0, 5)]))
            done = subprocess.run([sys.executable, script, str(results), out], capture_output=True, text=True,
                                  check=True)
            self.assertIn(f"Machine: {machine['cpu']}, {machine['cores']} cores", done.stdout)
            self.assertIn("Time: bench-rust", done.stdout)
            self.assertEqual((pathlib.Path(out) / "report.md").read_text().splitlines()[0], "# langdock bench")


if __name__ == "__main__":
    unittest.main()
