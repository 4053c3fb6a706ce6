"""Latency of the one image in its two container modes, measured in one run.

Kubernetes mode: the image started with no argument (as the Deployment does), POST /predict
on port 3000 inside. SageMaker mode: the same image started with `serve` (as SageMaker
does), POST /invocations on port 8080 inside, with a JSON body and with a CSV body. Both run
with the Deployment's settings (image/run.py) at the same time, published on loopback; each
scenario is a bounded `hey` run (count and a hard time limit) of single-row requests, the
scenarios taking turns (each round starts with another) so that the machine's load falls on
all alike.

    python -m bench.container_modes [--image REF] [--requests N] [--rounds R]
    make sagemaker-bench

Writes bench/results/container_modes.{md,json} and the table in docs/deployment-targets.md
(when no request failed).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from bench import hey
from image import run as image_run
from model.schema import FEATURES

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SCRATCH = ROOT / "build" / "bench" / "container-modes"
README = ROOT / "docs" / "deployment-targets.md"
BEGIN, END = "<!-- container-modes:begin -->", "<!-- container-modes:end -->"
# Host ports of this benchmark (never the container ports themselves: 8080 may be taken).
KUBERNETES_PORTS = range(3180, 3190)
SAGEMAKER_PORTS = range(38080, 38090)
CONCURRENCY = (1, 8)
WARMUP = 200
# name, mode, path, content type, body file
SCENARIOS = [
    ("Kubernetes mode, /predict, JSON", "kubernetes", "/predict", "application/json", "row.json"),
    (
        "SageMaker mode, /invocations, JSON",
        "sagemaker",
        "/invocations",
        "application/json",
        "row.json",
    ),
    ("SageMaker mode, /invocations, CSV", "sagemaker", "/invocations", "text/csv", "row.csv"),
]


def free_port(ports: range) -> int:
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"No free port in {ports.start}-{ports.stop - 1} on 127.0.0.1.")


def image_ref(record: Path) -> str:
    if not record.is_file():
        raise SystemExit(f"{record} not found: build the image first (make image).")
    fields = dict(line.split("=", 1) for line in record.read_text().splitlines() if "=" in line)
    return fields["IMAGE_NAME"]


def write_bodies(out: Path) -> None:
    """One real row (the first hour of December) as /predict's JSON and as a CSV line."""
    row = pd.read_csv(ROOT / "data" / "2011-12.csv").head(1)[list(FEATURES)]
    record = json.loads(row.to_json(orient="records"))[0]
    out.mkdir(parents=True, exist_ok=True)
    (out / "row.json").write_text(json.dumps({"records": [record]}))
    (out / "row.csv").write_text(",".join(str(record[name]) for name in FEATURES) + "\n")


def measure(urls: dict[str, str], requests: int, rounds: int) -> list[dict]:
    results = []
    for concurrency in CONCURRENCY:
        runs: dict[str, list[dict]] = {name: [] for name, *_ in SCENARIOS}
        for round_ in range(rounds + 1):  # round 0 warms up every path, and is not kept
            # Each round starts with another scenario: no mode always runs first.
            turn = round_ % len(SCENARIOS)
            for name, mode, path, content_type, body in SCENARIOS[turn:] + SCENARIOS[:turn]:
                outcome = hey.run(
                    urls[mode] + path,
                    SCRATCH / body,
                    requests=WARMUP if round_ == 0 else requests,
                    concurrency=concurrency,
                    time_limit_s=90,
                    content_type=content_type,
                )
                if round_:
                    runs[name].append(outcome)
        for name, outcomes in runs.items():
            results.append(summary(name, concurrency, outcomes))
            print(format_row(results[-1]), flush=True)
    return results


def summary(name: str, concurrency: int, outcomes: list[dict]) -> dict:
    """Median over rounds of each figure; errors summed (a failed run counts as -1)."""
    return {
        "scenario": name,
        "concurrency": concurrency,
        "rounds": len(outcomes),
        **{k: statistics.median(o[k] for o in outcomes) for k in ("rps", "p50", "p99")},
        "p99_max": max(o["p99"] for o in outcomes),
        "ok": sum(o["ok"] for o in outcomes),
        "errors": sum(o["errors"] for o in outcomes),
    }


def format_row(r: dict) -> str:
    return (
        f"| {r['scenario']} | {r['concurrency']} | {r['rps']:,.0f} | {r['p50']:.1f} | "
        f"{r['p99']:.1f} (max {r['p99_max']:.1f}) | {r['ok']:,} | {r['errors']} |"
    )


def table(report: dict) -> str:
    load = "/".join(f"{x:.2f}" for x in (report["load_before"][0], report["load_after"][0]))
    lines = [
        f"Image `{report['image']}`, {report['cpus']} CPUs, load average (1 min) before/after "
        f"{load}; {report['requests']:,} single-row requests per run, {report['rounds']} rounds "
        "(medians; p99 max over rounds in brackets), both containers up, scenarios taking turns.",
        "",
        "| container mode, route, body | concurrency | req/s | p50 ms | p99 ms | ok | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(format_row(r) for r in report["results"]),
    ]
    return "\n".join(lines) + "\n"


def update_readme(text: str, readme: Path = README) -> None:
    """Put the table between the markers in docs/deployment-targets.md."""
    content = readme.read_text()
    head, begin, rest = content.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not (begin and end):
        raise SystemExit(f"{readme.name} has no {BEGIN} ... {END} block to update.")
    readme.write_text(f"{head}{BEGIN}\n{text}{END}{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", help="image reference (default: IMAGE_NAME in --record)")
    parser.add_argument("--record", type=Path, default=ROOT / "build" / "image.env")
    parser.add_argument("--requests", type=int, default=2000, help="per hey run")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    ref = args.image or image_ref(args.record)
    hey.hey_binary()  # fail before starting anything when hey is missing
    write_bodies(SCRATCH)
    names = {mode: f"bikeshare-bench-{mode}-{os.getpid()}" for mode in image_run.MODES}
    ports = {"kubernetes": free_port(KUBERNETES_PORTS), "sagemaker": free_port(SAGEMAKER_PORTS)}
    report = {"image": ref, "cpus": os.cpu_count(), "load_before": os.getloadavg()}
    try:
        urls = {}
        for mode in ("kubernetes", "sagemaker"):
            started = time.monotonic()
            urls[mode] = image_run.start(ref, names[mode], ports[mode], mode=mode)
            print(f"{mode} mode ready at {urls[mode]} in {time.monotonic() - started:.1f} s")
        report["results"] = measure(urls, args.requests, args.rounds)
    finally:
        for name in names.values():
            image_run.stop(name)
    report |= {"load_after": os.getloadavg(), "requests": args.requests, "rounds": args.rounds}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "container_modes.json").write_text(json.dumps(report, indent=2) + "\n")
    text = table(report)
    (RESULTS / "container_modes.md").write_text(text)
    print(text)
    failed = sum(r["errors"] for r in report["results"])
    if failed:
        print(f"{failed} request(s) failed: the figures above are not comparable.", file=sys.stderr)
        return 1
    update_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
