"""The one training flow, run by `make train`, `make retrain` and CI alike:

validate → drift → [tracked: train → evaluate → gate → report → promote].
The gate judges metrics overall and per slice, per-group disparity and the behavioural tests
(model/behaviour.py); on a pass, reports/ keeps only the new champion's report.

The champion record moves only at the last step, and only on a pass; every earlier step
writes nothing outside the report folder, `out_dir` and the MLflow run. A candidate identical
to the champion (same data, params and code) ends the flow early: nothing to judge.
Tracking (model/tracking.py) wraps every run that trains: params, metrics overall and per
slice, data fingerprint, code commit, the verdict and the report; on a pass the model
becomes a registered version and the record pins its name, version and sha256.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.inspection import permutation_importance
from threadpoolctl import threadpool_limits

from model import artifact, paths, registry, tracking
from model import record as records
from model.changes import DataChanges, data_changes
from model.drift import FeatureDrift, compare, flagged
from model.gate import Verdict
from model.pipeline import Outcome, ensure_registered, gate_candidate
from model.schema import FEATURES, TARGET
from model.train import source_sha256, version_of
from model.validate import data_files, load_valid

IMPORTANCE_REPEATS = 5


@dataclass
class Result:
    changes: DataChanges
    message: str
    outcome: Outcome | None = None
    drift: list[FeatureDrift] | None = None
    report_dir: Path | None = None
    run_url: str | None = None


def run(
    data_dir: Path,
    params: dict[str, Any],
    champion_path: Path,
    drift_settings: dict[str, Any],
    reports_dir: Path = paths.REPORTS,
    out_dir: Path = paths.CANDIDATE,
) -> Result:
    champion = records.load(champion_path)
    # 1. validate: raises DataError naming file, line and column; nothing written.
    files = data_files(data_dir)
    changes = data_changes(champion, files)
    table = load_valid(files)
    latest = table["period"].max()
    expected = version_of(latest, records.fingerprint(files)["sha256"], params, source_sha256())
    if champion is not None and expected == champion["version"]:
        ensure_registered(champion, data_dir)
        return Result(changes, f"nothing changed since champion {champion['version']}.")

    # 2. drift: the new or changed periods against the champion's training periods.
    drift = None
    if champion is not None and changes.touched:
        reference = table[table["period"].isin(champion["trained_on"]["periods"])]
        new_rows = table[table["period"].isin([Path(n).stem for n in changes.touched])]
        drift = compare(reference, new_rows, drift_settings)

    with tracking.run(expected) as tracked:
        # 3-5. train, evaluate (candidate and champion on the same holdout), gate.
        outcome, model, holdout = gate_candidate(data_dir, params, champion)
        tracked.log_candidate(outcome.candidate, outcome.champion_metrics)
        tracked.log_verdict(outcome.verdict.passed, outcome.verdict.reasons, outcome.promoted)

        # 6. report: gate.json always; the reviewer's report when there is a champion.
        write_gate_json(outcome, out_dir, tracked.url)
        report_dir = None
        if champion is not None:
            report_dir = write_report(
                reports_dir, outcome, champion, changes, (drift, drift_settings), model, holdout
            )
            tracked.log_folder(report_dir, "report")

        # 7. promote, only on a pass: a registered MLflow version, the same bytes in the
        # BentoML store, then the champion record that pins them.
        if outcome.promoted:
            outcome.candidate["artifact"] = tracked.register(model, outcome.candidate)
            registry.save_bytes(artifact.dumps(model), outcome.candidate)
            records.save(outcome.candidate, champion_path)
            write_gate_json(outcome, out_dir, tracked.url)
            # reports/ holds the champion's report only: the former one leaves with it.
            for stale in stale_reports(reports_dir, outcome.candidate["version"]):
                shutil.rmtree(stale)
        tracked.log_folder(out_dir, "gate")
    return Result(changes, outcome.verdict.summary, outcome, drift, report_dir, tracked.url)


def write_gate_json(outcome: Outcome, out_dir: Path, run_url: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    report = {
        "candidate": outcome.candidate,
        "mlflow_run": run_url,
        "champion_version": outcome.champion_version,
        "champion_metrics_on_holdout": outcome.champion_metrics,
        "verdict": {"passed": outcome.verdict.passed, "reasons": outcome.verdict.reasons},
        "promoted": outcome.promoted,
    }
    (out_dir / "gate.json").write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")


def write_report(
    reports_dir: Path,
    outcome: Outcome,
    champion: dict[str, Any],
    changes: DataChanges,
    drift_and_limits: tuple[list[FeatureDrift] | None, dict[str, Any]],
    model: Any,
    holdout: pd.DataFrame,
) -> Path:
    from model import report  # matplotlib: only where a report is written

    drift, limits = drift_and_limits
    params = outcome.candidate["params"]
    report_dir = reports_dir / outcome.candidate["version"]
    report.write(
        report_dir,
        report.Facts(
            candidate=outcome.candidate,
            champion=champion,
            champion_metrics=outcome.champion_metrics,
            verdict=outcome.verdict,
            changes=changes,
            drift=drift,
            importance=importance(model, holdout, params["seed"]),
            importance_repeats=IMPORTANCE_REPEATS,
            tolerance=params["gate"]["max_slice_regression"],
            drift_limits=limits,
        ),
    )
    return report_dir


def importance(model, holdout: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Permutation importance on the holdout: how much RMSE grows when one feature's values
    are shuffled. Measured on unseen rows, on raw features (a category counts once)."""
    # One OpenMP thread, as in training: small predictions gain nothing from threads, and
    # spinning threads crawl on a busy 2-core machine.
    with threadpool_limits(limits=1, user_api="openmp"):
        result = permutation_importance(
            model,
            holdout[list(FEATURES)],
            holdout[TARGET],
            scoring="neg_root_mean_squared_error",
            n_repeats=IMPORTANCE_REPEATS,
            random_state=seed,
        )
    table = pd.DataFrame(
        {"feature": FEATURES, "mean": result.importances_mean, "std": result.importances_std}
    )
    return table.sort_values("mean", ascending=False, ignore_index=True)


def stale_reports(reports_dir: Path, keep: str) -> list[Path]:
    """Report folders in reports_dir other than `keep`'s."""
    if not reports_dir.is_dir():
        return []
    return sorted(p for p in reports_dir.iterdir() if p.is_dir() and p.name != keep)


def drift_warnings(drift: list[FeatureDrift] | None) -> list[str]:
    if not drift:
        return []
    return [f"{d.status}: {d.line}" for d in flagged(drift, "alert", "warn")]


__all__ = ["Result", "Verdict", "drift_warnings", "run"]
