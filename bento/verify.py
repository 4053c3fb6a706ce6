"""Verify a running release before it is promoted: the verification Job's program.

Runs inside the service image (standard library only) against the service URL:
1. /readyz answers 200 (waits up to --wait seconds: a hook may start before the last pod),
2. /version names the model version the release file pins,
3. the golden set (config/golden.json: rows and the champion's exact answers) is predicted
   exactly, and its model version is the release's,
4. single-row /predict latency: p95 of --requests sequential calls within the budget.

Prints one JSON line and exits 0 only if all passed. With an evidence store
(BIKESHARE_EVIDENCE_STORE=s3://BUCKET) it also writes the record, with the digest, environment,
cluster, latencies and times, to evidence/<env>/<digest>.json there, under the pod's own
credentials (Pod Identity in EKS): the promotion gate reads it (gitops/evidence.py).

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
from datetime import UTC, datetime
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


def percentile(timings: list[float], q: float) -> float:
    ordered = sorted(timings)
    return ordered[max(0, round(q * len(ordered)) - 1)]


def check_latency(
    url: str, record: dict, requests: int, budget_ms: float, measured: dict | None = None
) -> tuple[bool, str]:
    timings, errors = [], 0
    for _ in range(requests):
        started = time.perf_counter()
        try:
            status, _ = call(f"{url}/predict", {"records": [record]})
        except OSError:
            status = 0
        timings.append((time.perf_counter() - started) * 1000)
        errors += status != 200
    p95 = percentile(timings, 0.95)
    if measured is not None:
        measured.update(
            requests=requests,
            errors=errors,
            error_rate=errors / requests if requests else 0.0,
            p50_ms=round(percentile(timings, 0.50), 2),
            p95_ms=round(p95, 2),
            p99_ms=round(percentile(timings, 0.99), 2),
        )
    if errors:
        return False, f"{errors} of {requests} requests failed"
    return p95 <= budget_ms, f"p95 {p95:.1f} ms over {requests} requests (budget {budget_ms:g} ms)"


def verify(url: str, expected: str, golden: dict, budget_ms: float, requests: int, wait: float):
    checks, latency = [], {}
    started = datetime.now(UTC)

    def record(name: str, outcome: tuple[bool, str]) -> bool:
        checks.append({"name": name, "passed": outcome[0], "detail": outcome[1]})
        return outcome[0]

    if record("ready", check_ready(url, wait)):
        record("version", check_version(url, expected))
        record("golden", check_golden(url, golden, expected))
        record("latency", check_latency(url, golden["records"][0], requests, budget_ms, latency))
    finished = datetime.now(UTC)
    return {
        "passed": bool(checks) and all(c["passed"] for c in checks),
        "model_version": expected,
        "checks": checks,
        "latency": latency,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "duration_s": round((finished - started).total_seconds(), 1),
    }


def evidence_key(env: str, digest: str) -> str:
    """The same key gitops/evidence.py reads (a test keeps the two equal)."""
    return f"evidence/{env}/{digest}.json"


def publish(result: dict, store: str, env: str, digest: str, cluster: str, runner: str) -> str:
    """Write the evidence record to `store` (s3://BUCKET) under this process's credentials."""
    import boto3  # in the image (the scoring job uses it); only when a store is named

    if not store.startswith("s3://") or "/" in store.removeprefix("s3://").strip("/"):
        raise ValueError(f"evidence store {store!r}: expected s3://BUCKET")
    record = {
        **result,
        "environment": env,
        "digest": digest,
        "cluster": cluster,
        "runner": runner,
    }
    bucket, key = store.removeprefix("s3://").strip("/"), evidence_key(env, digest)
    # A session of its own: boto3's default session keeps the first credentials it found.
    boto3.session.Session().client("s3").put_object(
        Bucket=bucket,
        Key=key,
        Body=(json.dumps(record, indent=2, sort_keys=True) + "\n").encode(),
        ContentType="application/json",
    )
    return f"s3://{bucket}/{key}"


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
    parser.add_argument("--evidence-store", default=env("BIKESHARE_EVIDENCE_STORE", ""))
    parser.add_argument("--environment", default=env("BIKESHARE_ENV", ""))
    parser.add_argument("--digest", default=env("BIKESHARE_IMAGE_DIGEST", ""))
    parser.add_argument("--cluster", default=env("BIKESHARE_CLUSTER", ""))
    parser.add_argument("--runner", default=env("BIKESHARE_VERIFY_RUNNER", "Argo CD PostSync Job"))
    args = parser.parse_args(argv)
    if not args.expected_model_version:
        print("no expected model version: set BIKESHARE_EXPECTED_MODEL_VERSION.", file=sys.stderr)
        return 2
    if args.evidence_store and not (
        args.environment and args.environment != "unset" and args.digest.startswith("sha256:")
    ):
        print(
            "an evidence store needs BIKESHARE_ENV and BIKESHARE_IMAGE_DIGEST (sha256:...).",
            file=sys.stderr,
        )
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
    if args.evidence_store:
        cluster = args.cluster or f"bikeshare-{args.environment}"
        try:
            where = publish(
                result, args.evidence_store, args.environment, args.digest, cluster, args.runner
            )
        except Exception as error:
            print(json.dumps(result, sort_keys=True), flush=True)
            print(f"evidence not written to {args.evidence_store}: {error}", file=sys.stderr)
            return 3
        result["evidence"] = where
    print(json.dumps(result, sort_keys=True), flush=True)
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
