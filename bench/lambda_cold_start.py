"""Cold start and warm latency of the Lambda entry point, through the Runtime API stand-in.

    python -m bench.lambda_cold_start [--record build/image.env] [--requests 300]

Runs `python -m awslambdaric bento.lambda_handler.handler` against bench/lambda_runtime.py
(a stand-in, not AWS's emulator): first in the virtualenv, then, with --record, in the built
image under podman with Lambda's constraints that podman can give (read-only root, /tmp the
only writable path, non-root, no capabilities, 2 GB memory). Measured per run:
- init: process start -> the first `next` request (imports + model load + predictor checks);
- import: the share of init spent importing the handler's modules before the model loads
  (python -X importtime is not used: it slows imports; this is `python -c` timing the import);
- first request: the first /predict after init (one row);
- warm p50/p99 of single-row /predict over --requests invocations;
- the image's size (uncompressed, what podman stores; Lambda's limit is 10 GB uncompressed).
Results: printed, and written to build/bench/lambda_cold_start.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.lambda_runtime import RuntimeAPI
from tests.fixtures.lambda_events import event
from tests.service.bad_requests import GOOD_RECORD

REPO = Path(__file__).resolve().parents[1]
HANDLER = "bento.lambda_handler.handler"
OUT = REPO / "build" / "bench" / "lambda_cold_start.json"
PREDICT = event(
    "rest-v1",
    "POST",
    "/predict",
    json.dumps({"records": [GOOD_RECORD]}).encode(),
    {"content-type": "application/json"},
    "/lambda",
)


def venv_command(api: RuntimeAPI) -> tuple[list[str], dict[str, str], Path]:
    env = {**os.environ, "AWS_LAMBDA_RUNTIME_API": api.address}
    return [sys.executable, "-m", "awslambdaric", HANDLER], env, REPO


def image_command(api: RuntimeAPI, image: str, name: str) -> tuple[list[str], dict, Path]:
    # Host network: the container reaches the stand-in on the host's loopback. Lambda's
    # constraints podman can give: read-only root, /tmp writable (512 MB), non-root.
    command = [
        "podman", "run", "--rm", "--name", name, "--network", "host", "--read-only",
        "--tmpfs", "/tmp:rw,size=512m", "--user", "993:990", "--cap-drop", "all",
        "--security-opt", "no-new-privileges", "--memory", "2g",
        "--env", f"AWS_LAMBDA_RUNTIME_API={api.address}", "--env", "BENTOML_HOME=/tmp/bentoml",
        "--env", "BENTOML_DO_NOT_TRACK=true", "--env", "AWS_LAMBDA_FUNCTION_NAME=bikeshare-local",
        "--workdir", "/home/bentoml/bento/src",
        "--entrypoint", '["python", "-m", "awslambdaric"]', image, HANDLER,
    ]  # fmt: skip
    return command, dict(os.environ), REPO


def measure(kind: str, requests: int, image: str | None = None) -> dict:
    with RuntimeAPI() as api:
        name = f"bikeshare-lambda-bench-{os.getpid()}"
        if image is None:
            command, env, cwd = venv_command(api)
        else:
            command, env, cwd = image_command(api, image, name)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        log_path = OUT.with_name(f"lambda_{kind}.log")
        out = log_path.open("wb")
        start = time.monotonic()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        try:
            init = api.wait_ready(timeout=180) - start
            first = api.invoke(PREDICT)
            assert first.result["statusCode"] == 200, first.result
            warm = []
            for _ in range(requests):
                answer = api.invoke(PREDICT)
                assert answer.result["statusCode"] == 200, answer.result
                warm.append(answer.seconds * 1000)
        finally:
            if image is not None:
                subprocess.run(["podman", "stop", "-t", "2", name], capture_output=True)
            process.terminate()
            process.wait(timeout=30)
            out.close()
    log = log_path.read_text(errors="replace")
    quantiles = statistics.quantiles(warm, n=100)
    return {
        "where": kind,
        "init_s": round(init, 2),
        "log_tail": log.splitlines()[-3:],
        "first_request_ms": round(first.seconds * 1000, 1),
        "warm_p50_ms": round(statistics.median(warm), 2),
        "warm_p99_ms": round(quantiles[98], 2),
        "requests": requests,
    }


def import_seconds(image: str | None) -> float:
    """Seconds to import the handler's modules (no model load), in a fresh interpreter."""
    code = (
        "import time; t = time.perf_counter(); "
        "import bento.lambda_handler, scoring.job, bentoml, sklearn; "
        "print(time.perf_counter() - t)"
    )
    if image is None:
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True)
    else:
        out = subprocess.run(
            ["podman", "run", "--rm", "--network", "none", "--read-only", "--tmpfs", "/tmp",
             "--env", "BENTOML_HOME=/tmp/bentoml", "--workdir", "/home/bentoml/bento/src",
             "--entrypoint", "/app/.venv/bin/python", image, "-c", code],
            capture_output=True,
        )  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(out.stderr.decode()[-2000:])
    return round(float(out.stdout.decode().split()[-1]), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", type=Path, help="build/image.env of `make image`")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    results = []
    runs: list[tuple[str, str | None]] = [("venv", None)]
    size = None
    if args.record is not None:
        record = dict(
            line.split("=", 1) for line in args.record.read_text().splitlines() if "=" in line
        )
        runs.append(("image", record["IMAGE_NAME"]))
        size = int(record["IMAGE_SIZE_BYTES"])
    for kind, image in runs:
        result = measure(kind, args.requests, image)
        result["import_s"] = import_seconds(image)
        if image is not None:
            result["image"] = image
            result["image_mb_uncompressed"] = round(size / 1e6)
        results.append(result)
        print(json.dumps(result))
    load = os.getloadavg()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"load_average": load, "runs": results}, indent=2) + "\n")
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; written to {OUT}")


if __name__ == "__main__":
    main()
