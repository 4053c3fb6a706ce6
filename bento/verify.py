"""Verify a running release before it is promoted: the verification Job's program.

Runs inside the service image (standard library only) against the service URL:
1. /readyz answers 200 (waits up to --wait seconds: a hook may start before the last pod),
2. /version names the model version the release file pins,
3. the golden set (config/golden.json: rows and the champion's exact answers) is predicted
   exactly, and its model version is the release's,
4. single-row /predict latency: p95 of --requests sequential calls within the budget.

Prints one JSON line (the evidence `make verify` records) and exits 0 only if all passed.

    python -m bento.verify [--url URL] [--expected-model-version V] [--golden PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from model import paths  # stdlib only: the Job imports nothing heavy

GOLDEN = paths.GOLDEN


def call(url: str, body: dict | None = None, timeout: float = 10) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 (http only)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def check_ready(url: str, wait: float) -> tuple[bool, str]:
    deadline = time.monotonic() + wait
    last = "no answer"
    while True:
        try:
            status, _ = call(f"{url}/readyz", timeout=2)
            if status == 200:
                return True, "200"
            last = str(status)
        except OSError as error:
            last = str(error)
        if time.monotonic() >= deadline:
            return False, f"not ready after {wait:.0f} s ({last})"
        time.sleep(1)


def check_version(url: str, expected: str) -> tuple[bool, str]:
    status, body = call(f"{url}/version")
    if status != 200:
        return False, f"/version answered {status}"
    served = json.loads(body).get("model_version")
    return served == expected, f"serves {served}, release pins {expected}"


def check_golden(url: str, golden: dict, expected: str) -> tuple[bool, str]:
    if golden.get("model_version") != expected:
        return False, f"golden set is for {golden.get('model_version')}, release pins {expected}"
    status, body = call(f"{url}/predict", {"records": golden["records"]})
    if status != 200:
        return False, f"/predict answered {status}"
    got, want = json.loads(body)["rentals"], golden["rentals"]
    wrong = [i for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b]
    if wrong:
        i = wrong[0]
        return False, f"{len(wrong)} of {len(want)} rows differ (row {i}: {got[i]} != {want[i]})"
    return True, f"{len(want)} rows exactly equal"


def check_latency(url: str, record: dict, requests: int, budget_ms: float) -> tuple[bool, str]:
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        status, _ = call(f"{url}/predict", {"records": [record]})
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200:
            return False, f"/predict answered {status}"
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    return p95 <= budget_ms, f"p95 {p95:.1f} ms over {requests} requests (budget {budget_ms:g} ms)"


def verify(url: str, expected: str, golden: dict, budget_ms: float, requests: int, wait: float):
    checks = []

    def record(name: str, outcome: tuple[bool, str]) -> bool:
        checks.append({"name": name, "passed": outcome[0], "detail": outcome[1]})
        return outcome[0]

    if record("ready", check_ready(url, wait)):
        record("version", check_version(url, expected))
        record("golden", check_golden(url, golden, expected))
        record("latency", check_latency(url, golden["records"][0], requests, budget_ms))
    return {
        "passed": all(c["passed"] for c in checks),
        "model_version": expected,
        "checks": checks,
    }


def main(argv: list[str] | None = None) -> int:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=env("BIKESHARE_URL", "http://127.0.0.1:3000"))
    parser.add_argument("--expected-model-version", default=env("BIKESHARE_EXPECTED_MODEL_VERSION"))
    parser.add_argument("--golden", type=Path, default=GOLDEN)
    parser.add_argument(
        "--budget-ms", type=float, default=float(env("BIKESHARE_LATENCY_BUDGET_MS", "250"))
    )
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--wait", type=float, default=60)
    args = parser.parse_args(argv)
    if not args.expected_model_version:
        print("no expected model version: set BIKESHARE_EXPECTED_MODEL_VERSION.", file=sys.stderr)
        return 2
    golden = json.loads(args.golden.read_text())
    result = verify(
        args.url.rstrip("/"),
        args.expected_model_version,
        golden,
        args.budget_ms,
        args.requests,
        args.wait,
    )
    print(json.dumps(result, sort_keys=True), flush=True)
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
