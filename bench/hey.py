"""Drive a URL with `hey` (a real load generator) and parse its summary."""

from __future__ import annotations

import re
import shutil
import subprocess
from math import nan
from pathlib import Path


def hey_binary() -> str:
    path = shutil.which("hey")
    if path is None:
        raise SystemExit("hey is not installed: run `make bench-tools` (Debian package `hey`).")
    return path


def run(
    url: str,
    body: Path,
    *,
    requests: int = 0,
    concurrency: int = 1,
    duration_s: int = 0,
    rate_per_client: float = 0,
    time_limit_s: float = 120,
    content_type: str = "application/json",
) -> dict:
    """POST `body` (JSON by default); bounded by count (or duration) and by a hard time limit."""
    cmd = [hey_binary(), "-m", "POST", "-T", content_type, "-D", str(body)]
    cmd += ["-c", str(concurrency), "-t", "30", "-cpus", "1"]
    cmd += ["-z", f"{duration_s}s"] if duration_s else ["-n", str(requests)]
    if rate_per_client:
        cmd += ["-q", str(rate_per_client)]
    try:
        out = subprocess.run(
            [*cmd, url], capture_output=True, text=True, timeout=time_limit_s, check=True
        ).stdout
    except subprocess.TimeoutExpired:  # hey is killed: count the run as failed, keep going
        return {"rps": 0.0, "p50": nan, "p95": nan, "p99": nan, "ok": 0, "errors": -1}
    return parse(out)


def parse(summary: str) -> dict:
    """Requests/s, latency percentiles (ms), status counts and errors from hey's summary."""

    def number(pattern: str) -> float:
        match = re.search(pattern, summary)
        return float(match.group(1)) if match else float("nan")

    statuses = {int(k): int(v) for k, v in re.findall(r"\[(\d{3})\]\s+(\d+) responses", summary)}
    _, _, error_block = summary.partition("Error distribution:")
    transport_errors = sum(int(n) for n in re.findall(r"^\s+\[(\d+)\]", error_block, re.M))
    # hey leaves out high percentiles when a run has few requests: use the slowest instead
    # (an upper bound, so a slow 10k-row run is never flattered).
    slowest = number(r"Slowest:\s+([\d.]+) secs")
    latency = {}
    for p in (50, 95, 99):
        value = number(rf"\s{p}% in ([\d.]+) secs")
        latency[f"p{p}"] = 1000 * (slowest if value != value else value)
    ok = statuses.get(200, 0)
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        **latency,
        "ok": ok,
        "errors": sum(statuses.values()) - ok + transport_errors,
        "statuses": statuses,
    }
