"""Serving benchmark: the project's BentoML service against a plain FastAPI+uvicorn app.

Both serve the same champion model with the same number of workers, one after the other,
driven over loopback by `hey`, every run bounded in count and time. Writes
bench/results/serving.{json,md,png}, updates the table in the top-level README.md and prints it.

    python -m bench.serving [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from bench import hey, report
from bench.servers import BIN, Server, free_port, project_server, tree_cpu_s
from bench.workload import write_bodies

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SCRATCH = ROOT / "build" / "bench"

# name, path, body, rows per request, concurrency. Each run lasts SCENARIO_SECONDS (hey -z),
# so the whole benchmark takes a few minutes however loaded the machine is.
SCENARIOS = [
    ("1 row, c=1", "/predict", "row", 1, 1),
    ("1 row, c=8", "/predict", "row", 1, 8),
    ("1 row, c=32", "/predict", "row", 1, 32),
    ("100 rows, c=8", "/predict", "records100", 100, 8),
    ("10k rows, c=2", "/predict_batch", "columns10k", 10_000, 2),
]
SCENARIO_SECONDS = 10
SOAK_SECONDS, SOAK_CLIENTS, SOAK_RATE = 60, 4, 25  # 100 requests/s of single rows


def champion() -> tuple[dict, Path, int]:
    """The champion record, its pickle in the BentoML store, and the service's worker count."""
    import bentoml

    from bento.service import CHAMPION, Bikeshare

    model_path = Path(bentoml.models.get(CHAMPION["bento_model_tag"]).path_of("saved_model.pkl"))
    return CHAMPION, model_path, int(Bikeshare.config.get("workers") or 1)


def uvicorn_args(port: int, workers: int) -> list[str]:
    return ["--host=127.0.0.1", f"--port={port}", f"--workers={workers}"]


def baseline_server(name: str, model_path: Path, record: dict, workers: int, env: dict) -> Server:
    port = free_port()
    return Server(
        name,
        [BIN / "uvicorn", "bench.baseline_app:app", *uvicorn_args(port, workers)],
        f"http://127.0.0.1:{port}/readyz",
        SCRATCH / f"{name}.log",
        {
            "BENTOML_DO_NOT_TRACK": "true",
            "PYTHONPATH": str(ROOT),
            "BASELINE_MODEL_PATH": str(model_path),
            "BASELINE_MODEL_VERSION": record["version"],
            **env,
        },
    )


def servers(record: dict, model_path: Path, workers: int) -> list[Server]:
    return [
        # What a user would write: library defaults.
        baseline_server("baseline", model_path, record, workers, {}),
        # The same with one OpenMP thread per worker, to show what the service's other
        # changes are worth on their own (reported, not a target).
        baseline_server("baseline_1thread", model_path, record, workers, {"OMP_NUM_THREADS": "1"}),
        project_server(SCRATCH / "project.log"),
    ]


def drive(server: Server, bodies: dict[str, Path], scale: float, soak: bool) -> dict:
    base = server.ready_url.rsplit("/", 1)[0]
    ready_s = server.start()
    try:
        # Warm both the same way: imports, first predictions, connection pools.
        hey.run(f"{base}/predict", bodies["row"], requests=100, concurrency=4, time_limit_s=60)
        hey.run(f"{base}/predict_batch", bodies["columns10k"], requests=4, concurrency=2)
        runs = {}
        for name, path, body, rows, concurrency in SCENARIOS:
            load, cpu = os.getloadavg()[0], tree_cpu_s(server.proc.pid)
            seconds = max(2, round(SCENARIO_SECONDS * scale))
            result = hey.run(
                base + path,
                bodies[body],
                concurrency=concurrency,
                duration_s=seconds,
                time_limit_s=seconds + 40,
            )
            # Server CPU per request: what the load of other jobs on the host barely moves.
            served = max(1, sum(result.get("statuses", {}).values()))
            cpu_ms = 1000 * (tree_cpu_s(server.proc.pid) - cpu) / served
            runs[name] = {
                **result,
                "rows_per_s": result["rps"] * rows,
                "cpu_ms_per_request": cpu_ms,
                "load1": load,
            }
            print(f"  {server.name:8s} {name:14s} {result['rps']:9.1f} req/s", flush=True)
        out = {"ready_s": ready_s, "peak_rss_mib": server.peak_rss_mib(), "runs": runs}
        if soak:
            out["soak"] = soak_run(server, bodies["row"], base)
        return out
    finally:
        server.stop()


def soak_run(server: Server, body: Path, base: str) -> dict:
    """Fixed rate for SOAK_SECONDS: no errors, and memory flat after the first 10 s."""
    start = time.perf_counter()
    result = hey.run(
        f"{base}/predict",
        body,
        concurrency=SOAK_CLIENTS,
        duration_s=SOAK_SECONDS,
        rate_per_client=SOAK_RATE,
        time_limit_s=SOAK_SECONDS + 30,
    )
    early = [rss for t, rss in server.samples if start + 5 <= t < start + 15]
    late = [rss for t, rss in server.samples if t >= start + SOAK_SECONDS - 10]
    first, last = max(early) / 2**20, max(late) / 2**20
    return {
        "seconds": SOAK_SECONDS,
        "target_rps": SOAK_CLIENTS * SOAK_RATE,
        **result,
        "rss_after_10s_mib": first,
        "rss_at_end_mib": last,
        "rss_growth": last / first - 1,
    }


def ceiling(model_path: Path, data_dir: Path) -> dict:
    """In-process pipeline.predict on a 10k-row DataFrame: what no server can beat."""
    import joblib
    from threadpoolctl import threadpool_limits

    from bench.workload import feature_rows

    model, frame = joblib.load(model_path), feature_rows(data_dir, 10_000)
    with threadpool_limits(1):
        model.predict(frame)
        start, calls = time.perf_counter(), 0
        while time.perf_counter() - start < 3:
            model.predict(frame)
            calls += 1
    return {"rows_per_s": 10_000 * calls / (time.perf_counter() - start), "threads": 1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, no soak")
    parser.add_argument(
        "--only", choices=["baseline", "baseline_1thread", "project"], help="serve one side only"
    )
    args = parser.parse_args()
    # Same store as `make serve` (the Makefile exports it too).
    os.environ.setdefault("BENTOML_HOME", str(ROOT / ".bentoml"))
    record, model_path, workers = champion()
    bodies = write_bodies(ROOT / "data", SCRATCH / "bodies")
    scale = 0.3 if args.quick else 1.0
    results = {
        "model_version": record["version"],
        "workers": workers,
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
        "quick": args.quick,
    }
    for server in servers(record, model_path, workers):
        if args.only and server.name != args.only:
            continue
        print(f"{server.name}: serving with {workers} worker(s)", flush=True)
        soak = server.name == "project" and not args.quick
        results[server.name] = drive(server, bodies, scale, soak)
    results["ceiling"] = ceiling(model_path, ROOT / "data")
    results["load_after"] = os.getloadavg()
    if args.only:
        print(json.dumps(results, indent=2))
        return
    table = report.write(results, RESULTS)
    print(table)


if __name__ == "__main__":
    main()
