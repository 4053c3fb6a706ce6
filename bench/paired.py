"""Paired runs: a measurement that can see a 5% difference on a shared 2-core machine.

One run per side, one after the other, cannot: the strong baseline alone moved from 1,850 to
2,755 req/s between two back-to-back runs here. So the two sides take turns in pairs, both
already up and warmed the same way, and each pair gives one ratio (project / strong) measured
under the same minute's load. The order alternates from pair to pair (AB, BA, AB, ...), so a
load that rises or falls through a pair favours neither side on the whole. The figure is the
median of the paired ratios, with their spread (min-max) and the load average of each pair.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable

# Scenarios the targets are judged on (names as in bench/serving.py's SCENARIOS).
PAIRED = ("1 row, c=8", "1 row, c=32", "10k rows, c=2")
PAIRS = 5
PAIR_SECONDS = 5


def ratios(pairs: list[dict], key: str) -> list[float]:
    return [p["project"][key] / p["strong"][key] for p in pairs if p["strong"][key]]


def summary(values: list[float]) -> dict:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def measure(
    run: Callable[[str, tuple, float], dict], scenario: tuple, pairs: int, seconds: float
) -> dict:
    """`pairs` pairs of runs of `scenario`: run(side, scenario, seconds) -> hey's figures."""
    done = []
    for k in range(pairs):
        order = ("project", "strong") if k % 2 == 0 else ("strong", "project")
        figures = {side: run(side, scenario, seconds) for side in order}
        done.append({**figures, "order": order, "load1": os.getloadavg()[0]})
    return {
        "pairs": done,
        "rps": summary(ratios(done, "rps")),
        "p99": summary(ratios(done, "p99")),
        "load1": [p["load1"] for p in done],
    }


def table(paired: dict) -> list[str]:
    """Markdown lines: one row per scenario and figure, median and spread of the ratios."""
    lines = [
        "Paired runs (project and strong taking turns, both warm; ratio project / strong per "
        "pair; median and min-max over the pairs):",
        "",
        "| scenario | figure | pairs | median ratio | min-max | load average during |",
        "|---|---|---:|---:|---|---|",
    ]
    for name, result in paired.items():
        load = result["load1"]
        for key, label in (("rps", "req/s"), ("p99", "p99")):
            s = result[key]
            lines.append(
                f"| {name} | {label} | {s['n']} | {s['median']:.2f}x | "
                f"{s['min']:.2f}-{s['max']:.2f}x | {min(load):.1f}-{max(load):.1f} |"
            )
    return lines
