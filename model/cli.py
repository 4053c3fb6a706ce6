"""Command line of the model pipeline: `bikeshare-model` (or `python -m model`).

train and retrain run the same flow (model/flow.py); they differ only in wording: train is
what a person runs, retrain is what CI runs when data changes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model import flow, paths
from model import record as records
from model.artifact import ArtifactError
from model.drift import compare, flagged, load_settings, read_window
from model.pipeline import ensure_registered
from model.train import load_params
from model.validate import DataError, data_files, load_valid

EXIT_REJECTED = 1
EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bikeshare-model", description=__doc__)
    parser.add_argument(
        "--data", type=Path, default=paths.DATA, help="data directory (default: %(default)s)"
    )
    parser.add_argument(
        "--champion",
        type=Path,
        default=paths.CHAMPION,
        help="champion record to judge against and update (default: %(default)s)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("validate", help="check every data file against the schema")
    for name, text in (
        ("train", "validate, drift, train, evaluate, gate, report, promote"),
        ("retrain", "the same flow, run by CI when data changed since the champion"),
    ):
        flow = sub.add_parser(name, help=text)
        flow.add_argument(
            "--params", type=Path, default=paths.PARAMS, help="hyper-parameters and gate rules"
        )
        flow.add_argument(
            "--monitoring", type=Path, default=paths.MONITORING, help="drift thresholds"
        )
        flow.add_argument(
            "--reports", type=Path, default=paths.REPORTS, help="where report folders go"
        )
        flow.add_argument("--out", type=Path, default=paths.CANDIDATE, help="where gate.json goes")
    report = sub.add_parser(
        "report", help="regenerate reports/ for the champion by replaying its retrain"
    )
    report.add_argument("--params", type=Path, default=paths.PARAMS, help="hyper-parameters")
    report.add_argument("--monitoring", type=Path, default=paths.MONITORING, help="drift limits")
    report.add_argument("--reports", type=Path, default=paths.REPORTS, help="the reports folder")
    sub.add_parser(
        "register", help="make sure the champion is in the BentoML store (local: rebuilt from git)"
    )
    sub.add_parser(
        "release-model",
        help="fetch the registered artifact the record pins, check its sha256, import it",
    )
    sub.add_parser("champion-alias", help="point the registry's alias `champion` at the record")
    sub.add_parser("show", help="print the champion record summary")
    drift = sub.add_parser("drift", help="recent inputs vs the champion's training data")
    drift.add_argument("--window", type=Path, required=True, help="CSV, JSONL or JSON records")
    drift.add_argument("--monitoring", type=Path, default=paths.MONITORING, help="drift thresholds")
    return parser


def format_metrics(metrics: dict) -> str:
    return f"RMSE {metrics['rmse']:.2f}  MAE {metrics['mae']:.2f}  R² {metrics['r2']:.3f}"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            files = data_files(args.data)
            table = load_valid(files)
            print(f"{len(files)} files, {len(table)} rows: valid.")
        elif args.command == "register":
            champion = require_champion(args.champion)
            ensure_registered(champion, args.data)
            print(champion["bento_model_tag"])
        elif args.command == "release-model":
            from model.release import release_model

            champion = require_champion(args.champion)
            tag = release_model(champion)
            print(f"{tag}: sha256 {champion['artifact']['sha256']} matches the record")
            print(tag)
        elif args.command == "champion-alias":
            from model.tracking import move_alias

            pinned = require_champion(args.champion).get("artifact") or {}
            if "version" not in pinned:
                raise ArtifactError("the champion record names no registered version.")
            print(f"{move_alias(pinned)} -> version {pinned['version']}")
        elif args.command == "show":
            champion = require_champion(args.champion)
            overall = format_metrics(champion["metrics"]["overall"])
            print(f"{champion['bento_model_tag']}: {overall}")
        elif args.command in ("train", "retrain"):
            return train(args)
        elif args.command == "drift":
            return drift(args)
        elif args.command == "report":
            from model.champion_report import regenerate

            folder = regenerate(
                args.data,
                args.champion,
                load_params(args.params),
                load_settings(args.monitoring),
                args.reports,
            )
            print(f"{folder / 'report.md'}: the champion's report, regenerated")
    except (DataError, ArtifactError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def require_champion(path: Path) -> dict:
    champion = records.load(path)
    if champion is None:
        raise FileNotFoundError(f"no champion record at {path}; run `make train` first.")
    return champion


def train(args: argparse.Namespace) -> int:
    result = flow.run(
        args.data,
        load_params(args.params),
        args.champion,
        load_settings(args.monitoring),
        args.reports,
        args.out,
    )
    print(f"data since the champion: {result.changes.summary()}")
    for line in result.changes.suspicious:
        print(f"suspicious: {line}; data should only grow, check who rewrote it.")
    if result.outcome is None:
        print(result.message)
        return 0
    warnings = flow.drift_warnings(result.drift)
    for line in warnings:
        print(f"drift {line}")
    if result.drift is not None and not warnings:
        print("drift: no monitored feature beyond the thresholds in config/monitoring.yaml")
    outcome = result.outcome
    candidate = outcome.candidate
    print(f"candidate {candidate['version']}: {format_metrics(candidate['metrics']['overall'])}")
    if outcome.champion_metrics:
        print(
            f"champion  {outcome.champion_version}: "
            f"{format_metrics(outcome.champion_metrics['overall'])} (same holdout)"
        )
    print(f"gate: {outcome.verdict.summary}")
    if result.report_dir is not None:
        print(f"report: {result.report_dir / 'report.md'}")
    if result.run_url:
        print(f"mlflow run: {result.run_url}")
    if outcome.promoted:
        pinned = candidate["artifact"]
        print(
            f"new champion {candidate['bento_model_tag']} recorded in {args.champion}: "
            f"{pinned['uri']} sha256 {pinned['sha256']}"
        )
    return 0 if outcome.verdict.passed else EXIT_REJECTED


def drift(args: argparse.Namespace) -> int:
    champion = require_champion(args.champion)
    window = read_window(args.window)
    periods = champion["trained_on"]["periods"]
    files = [p for p in data_files(args.data) if p.stem in periods]
    reference = load_valid(files)
    drifts = compare(reference, window, load_settings(args.monitoring))
    print(f"{len(window)} recent inputs vs {len(reference)} training rows ({champion['version']})")
    for d in flagged(drifts, "warn"):
        print(f"warning: {d.line}")
    alerts = flagged(drifts, "alert")
    if alerts:
        names = ", ".join(d.feature for d in alerts)
        print(f"drift beyond thresholds in {names}: " + "; ".join(d.line for d in alerts))
        return EXIT_REJECTED
    print("no monitored feature beyond the thresholds in config/monitoring.yaml.")
    return 0
