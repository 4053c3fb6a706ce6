"""The main job: data → gated model → bento → service answering real requests → the retrain,
release, verification, promotion and rollback loop in a scratch clone, with two real images
played as pods (demo/loop.py)."""

from __future__ import annotations

import shutil
import statistics
import sys
import time

import httpx
import pandas as pd

from bento.build import build
from demo.narrate import say, step
from demo.serving import served_bento
from model import flow, paths
from model import record as records
from model.drift import load_settings
from model.schema import FEATURES, TARGET
from model.train import load_params
from model.validate import DataError, data_files, load_valid

TOOLS = ("podman", "skopeo", "docker-registry", "debootstrap", "gpg")
BUILD = paths.BUILD / "demo"


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def fmt(metrics: dict) -> str:
    return f"RMSE {metrics['rmse']:.2f}, MAE {metrics['mae']:.2f}, R² {metrics['r2']:.3f}"


def exercise(url: str, holdout: pd.DataFrame) -> None:
    """Real online and batch requests, a latency sample and /version."""
    sample = holdout.sample(5, random_state=1)
    records = sample[list(FEATURES)].to_dict("records")
    online = httpx.post(f"{url}/predict", json={"records": records}, timeout=30)
    say("online /predict, 5 hours of the holdout month:")
    for (_, row), predicted in zip(
        sample.iterrows(), online.raise_for_status().json()["rentals"], strict=True
    ):
        say(
            f"  day {row['day']:>3} {row['hr']:>2}h {row['weathersit']:<16} "
            f"predicted {predicted:6.1f}  actual {row[TARGET]:4d}"
        )
    columns = holdout[list(FEATURES)].to_dict("list")
    batch = httpx.post(f"{url}/predict_batch", json={"columns": columns}, timeout=60)
    body = batch.raise_for_status().json()
    say(
        f"batch /predict_batch: {len(body['rentals'])} rows scored by model {body['model_version']}"
    )
    latencies = []
    with httpx.Client(base_url=url, timeout=10) as client:
        for _ in range(100):
            sent = time.perf_counter()
            client.post("/predict", json={"records": records[:1]}).raise_for_status()
            latencies.append((time.perf_counter() - sent) * 1000)
    cuts = statistics.quantiles(latencies, n=100)
    say(
        f"observed latency, 100 sequential single-row requests: "
        f"p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms"
    )
    version = httpx.get(f"{url}/version", timeout=10).json()
    say(f"/version: model {version['model_version']}, data {version['data_fingerprint'][:12]}…")


def main() -> int:
    started = time.monotonic()
    with step("Validate the versioned data against the schema"):
        files = data_files(paths.DATA)
        table = load_valid(files)
        say(f"{len(files)} monthly files, {len(table):,} hourly rows: valid")

    with step("Train, evaluate on the latest month, gate against the champion, register"):
        result = flow.run(
            paths.DATA,
            load_params(),
            paths.CHAMPION,
            load_settings(),
            BUILD / "reports",
            BUILD / "candidate",
        )
        outcome = result.outcome
        if outcome is None:  # the champion is this very data, params and code
            champion = records.load(paths.CHAMPION)
            say(f"champion {champion['version']}: {fmt(champion['metrics']['overall'])}")
            say(result.message)
        else:
            candidate = outcome.candidate
            say(f"candidate {candidate['version']}: {fmt(candidate['metrics']['overall'])}")
            if outcome.champion_metrics:
                say(
                    f"champion  {outcome.champion_version}: "
                    f"{fmt(outcome.champion_metrics['overall'])} (same holdout)"
                )
            say(f"gate verdict: {outcome.verdict.summary}")
            if not outcome.verdict.passed:
                say("the champion stays; nothing else to ship")
                return 1

    with step("Build the bento (service code + champion model)"):
        bento_tag = build()
        say(f"bento {bento_tag}")

    holdout = pd.read_csv(files[-1])
    serving = served_bento(bento_tag, BUILD / "service.log")
    with step("Serve the bento on loopback and send real requests"), serving as (url, ready_s):
        say(f"{url} ready in {ready_s:.1f} s")
        exercise(url, holdout)

    missing = missing_tools()
    if missing:
        print(
            f"container tools not found ({', '.join(missing)}): the loop plays real images "
            "as pods; run `make image-tools` (as root) and `make demo` again.",
            file=sys.stderr,
        )
        return 1

    # New month → retrain → report → staging → prod → rollback, in a scratch clone.
    from demo.loop import main as retrain_release_rollback_loop

    if retrain_release_rollback_loop() != 0:
        return 1

    print(f"\ndemo finished in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
