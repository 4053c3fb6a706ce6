"""Command line: `python -m model validate|train|register|show|retrain|drift`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model import record as records
from model.drift import MONITORING_PATH
from model.pipeline import ensure_registered, run
from model.train import PARAMS_PATH, load_params
from model.validate import DataError, data_files, load_valid

EXIT_REJECTED = 1
EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m model", description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data"), help="data directory")
    parser.add_argument("--champion", type=Path, default=records.CHAMPION_PATH)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check every data file against the schema")
    train = sub.add_parser("train", help="validate, train, evaluate, gate and register")
    train.add_argument("--params", type=Path, default=PARAMS_PATH)
    train.add_argument("--out", type=Path, default=Path("build/candidate"))
    sub.add_parser("register", help="make sure the champion is in the BentoML store")
    sub.add_parser("show", help="print the champion record summary")
    retrain = sub.add_parser("retrain", help="retrain on data changed since the champion, report")
    retrain.add_argument("--params", type=Path, default=PARAMS_PATH)
    retrain.add_argument("--monitoring", type=Path, default=MONITORING_PATH)
    retrain.add_argument("--reports", type=Path, default=Path("reports"))
    retrain.add_argument("--out", type=Path, default=Path("build/candidate"))
    drift = sub.add_parser("drift", help="recent inputs vs the champion's training data")
    drift.add_argument("--window", type=Path, required=True, help="CSV, JSONL or JSON records")
    drift.add_argument("--monitoring", type=Path, default=MONITORING_PATH)
    return parser


def _format_metrics(metrics: dict) -> str:
    return f"RMSE {metrics['rmse']:.2f}  MAE {metrics['mae']:.2f}  R² {metrics['r2']:.3f}"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            files = data_files(args.data)
            table = load_valid(files)
            print(f"{len(files)} files, {len(table)} rows: valid.")
        elif args.command == "train":
            outcome = run(args.data, load_params(args.params), args.champion, args.out)
            candidate = outcome.candidate
            overall = _format_metrics(candidate["metrics"]["overall"])
            print(f"candidate {candidate['version']}: {overall}")
            if outcome.champion_metrics:
                print(
                    f"champion  {outcome.champion_version}: "
                    f"{_format_metrics(outcome.champion_metrics['overall'])} (same holdout)"
                )
            print(f"gate: {outcome.verdict.summary}")
            if outcome.promoted:
                print(f"new champion {candidate['bento_model_tag']} recorded in {args.champion}")
            return 0 if outcome.verdict.passed else EXIT_REJECTED
        elif args.command == "register":
            champion = _require_champion(args.champion)
            ensure_registered(champion, args.data)
            print(champion["bento_model_tag"])
        elif args.command == "show":
            champion = _require_champion(args.champion)
            print(
                f"{champion['bento_model_tag']}: {_format_metrics(champion['metrics']['overall'])}"
            )
        elif args.command in ("retrain", "drift"):
            # Imported here: the report needs matplotlib, which train and serve do not.
            from model import retrain_cli

            return getattr(retrain_cli, args.command)(args)
    except (DataError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def _require_champion(path: Path) -> dict:
    champion = records.load(path)
    if champion is None:
        raise FileNotFoundError(f"no champion record at {path}; run `make train` first.")
    return champion
