"""Retrain when data changed since the champion: what changed → validate → drift → train →
gate against the champion (same holdout) → report; the champion record moves only on a pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.inspection import permutation_importance
from threadpoolctl import threadpool_limits

from model import record as records
from model import report
from model.drift import FeatureDrift, compare, flagged
from model.pipeline import Outcome, gate_candidate, promote, write_report
from model.schema import FEATURES, TARGET
from model.train import source_sha256, version_of
from model.validate import data_files, load_valid

REPORTS_DIR = Path("reports")
IMPORTANCE_REPEATS = 5


@dataclass
class DataChanges:
    """Data files on disk compared with the per-file fingerprints in the champion record."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def touched(self) -> list[str]:
        return sorted(self.new + self.changed)

    @property
    def suspicious(self) -> list[str]:
        """Data is append-only: a rewritten or deleted period rewrites the champion's history."""
        lines = [f"{name} changed since the champion was trained" for name in self.changed]
        lines += [f"{name} is gone since the champion was trained" for name in self.missing]
        return lines

    def summary(self) -> str:
        parts = [
            f"{label}: {', '.join(names)}"
            for label, names in (("new", self.new), ("changed", self.changed))
            if names
        ]
        parts += [f"missing: {', '.join(self.missing)}"] if self.missing else []
        return "; ".join(parts) or "no data file changed"


@dataclass
class Result:
    changes: DataChanges
    message: str
    outcome: Outcome | None = None
    drift: list[FeatureDrift] | None = None
    report_dir: Path | None = None


def data_changes(champion: dict[str, Any], files: list[Path]) -> DataChanges:
    recorded = champion["data"]["files"]
    on_disk = {p.name: records.file_sha256(p) for p in files}
    return DataChanges(
        new=sorted(n for n in on_disk if n not in recorded),
        changed=sorted(n for n, sha in on_disk.items() if n in recorded and recorded[n] != sha),
        missing=sorted(n for n in recorded if n not in on_disk),
    )


def importance(model, holdout: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Permutation importance on the holdout: how much RMSE grows when one feature's values
    are shuffled. Measured on unseen rows, on raw features (a category counts once)."""
    # One OpenMP thread, as in training: 55 small predictions gain nothing from threads, and
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


def retrain(
    data_dir: Path,
    params: dict[str, Any],
    champion_path: Path,
    drift_settings: dict[str, Any],
    reports_dir: Path = REPORTS_DIR,
    out_dir: Path = Path("build/candidate"),
) -> Result:
    champion = records.load(champion_path)
    if champion is None:
        raise FileNotFoundError(f"no champion record at {champion_path}; run `make train` first.")
    files = data_files(data_dir)
    changes = data_changes(champion, files)
    table = load_valid(files)  # raises DataError naming file, line and column; nothing written

    latest = table["period"].max()
    expected = version_of(latest, records.fingerprint(files)["sha256"], params, source_sha256())
    if expected == champion["version"]:
        return Result(changes, f"nothing changed since champion {champion['version']}.")

    drift = None
    if changes.touched:
        window = table[table["period"].isin(champion["trained_on"]["periods"])]
        new_rows = table[table["period"].isin([Path(n).stem for n in changes.touched])]
        drift = compare(window, new_rows, drift_settings)

    outcome, model, holdout = gate_candidate(data_dir, params, champion)
    candidate, champion_metrics, verdict = (
        outcome.candidate,
        outcome.champion_metrics,
        outcome.verdict,
    )

    report_dir = reports_dir / candidate["version"]
    report.write(
        report_dir,
        report.Facts(
            candidate=candidate,
            champion=champion,
            champion_metrics=champion_metrics,
            verdict=verdict,
            changes=changes,
            drift=drift,
            importance=importance(model, holdout, params["seed"]),
            importance_repeats=IMPORTANCE_REPEATS,
            tolerance=params["gate"]["max_slice_regression"],
        ),
    )
    write_report(outcome, out_dir)
    if outcome.promoted:
        promote(model, candidate, champion_path)
    return Result(changes, verdict.summary, outcome, drift, report_dir)


def drift_warnings(drift: list[FeatureDrift] | None) -> list[str]:
    if not drift:
        return []
    return [f"{d.status}: {d.line}" for d in flagged(drift, "alert", "warn")]
