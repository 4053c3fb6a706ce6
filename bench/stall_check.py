"""Check that a side is not crippled by something outside its design.

A single-row request at concurrency 1 over loopback should cost its in-process predict time
plus a little HTTP work. A side whose p50 is more than SLACK_MS above its in-process time is
waiting on something else (Nagle's algorithm with a delayed ACK costs ~40 ms per response),
and comparing against it would prove nothing: the benchmark stops and says why.

    python -m bench.stall_check MODULE BODY   # median ms of MODULE.predict_rows on BODY's records
"""

from __future__ import annotations

import importlib
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

SLACK_MS = 5.0


class Stalled(SystemExit):
    """A side answers much slower over HTTP than its own work explains."""


def check(side: str, http_p50_ms: float, inprocess_ms: float, slack_ms: float = SLACK_MS) -> str:
    """One line for the report; raises Stalled when the gap is over slack_ms."""
    gap = http_p50_ms - inprocess_ms
    line = (
        f"{side}: single-row p50 at c=1 {http_p50_ms:.2f} ms over loopback, "
        f"{inprocess_ms:.2f} ms in-process (gap {gap:.2f} ms, limit {slack_ms:g} ms)"
    )
    if not gap <= slack_ms:  # also catches NaN (no successful request)
        raise Stalled(
            f"{line}: the {side} side stalls on something outside its design (a per-response "
            "wait such as Nagle's algorithm without TCP_NODELAY, or a crash); fix it before "
            "comparing against it."
        )
    return line


def inprocess_ms(module: str, body: Path, env: dict) -> float:
    """Median time of MODULE.predict_rows on the body's records, in a process with `env`."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.stall_check", module, str(body)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout
    return float(out.strip().splitlines()[-1])


def _time_module(module: str, body: Path, seconds: float = 3, calls: int = 20) -> float:
    """Median over `seconds` (at least `calls` calls), the first calls left out (warm-up)."""
    predict_rows = importlib.import_module(module).predict_rows
    rows = json.loads(body.read_text())["records"]
    times: list[float] = []
    until = time.perf_counter() + seconds
    while len(times) < calls or time.perf_counter() < until:
        start = time.perf_counter()
        predict_rows(rows)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times[3:])


if __name__ == "__main__":
    print(f"{_time_module(sys.argv[1], Path(sys.argv[2])):.4f}")
