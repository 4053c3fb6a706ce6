"""`python -m model retrain` and `python -m model drift`: what they print and their exit codes
(0 pass or nothing to do, 1 rejected or drifted, errors are raised for cli.py to turn into 2)."""

from __future__ import annotations

import argparse

from model import record as records
from model.drift import compare, flagged, load_settings, read_window
from model.retrain import drift_warnings
from model.retrain import retrain as run_retrain
from model.train import load_params
from model.validate import data_files, load_valid

EXIT_REJECTED = 1


def retrain(args: argparse.Namespace) -> int:
    result = run_retrain(
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
    warnings = drift_warnings(result.drift)
    for line in warnings:
        print(f"drift {line}")
    if result.drift is not None and not warnings:
        print("drift: no monitored feature beyond the thresholds in model/monitoring.yaml")
    outcome = result.outcome
    print(f"candidate {outcome.candidate['version']}, champion {outcome.champion_version}")
    print(f"gate: {outcome.verdict.summary}")
    print(f"report: {result.report_dir / 'report.md'}")
    if outcome.promoted:
        print(f"new champion {outcome.candidate['bento_model_tag']} recorded in {args.champion}")
    return 0 if outcome.verdict.passed else EXIT_REJECTED


def drift(args: argparse.Namespace) -> int:
    champion = records.load(args.champion)
    if champion is None:
        raise FileNotFoundError(f"no champion record at {args.champion}; run `make train` first.")
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
    print("no monitored feature beyond the thresholds in model/monitoring.yaml.")
    return 0
