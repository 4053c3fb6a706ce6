"""Per-feature drift between a reference window (what the model learned from) and new rows.

PSI (population stability index) for every feature, over the reference's quantile bins for
numbers and over the schema's categories for categories; the two-sample KS statistic (scipy's
ks_2samp) as well for numbers. Thresholds live in config/monitoring.yaml, outside the params
that make the model version, so tuning an alert never looks like a new model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy.stats import ks_2samp

from model import paths
from model.schema import BY_NAME, FEATURES
from model.validate import DataError

MONITORING_PATH = paths.MONITORING
# Keeps an empty bin from making PSI infinite: a share of 0 counts as this small share.
EPSILON = 1e-4


def load_settings(path: Path = MONITORING_PATH) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())["drift"]


@dataclass(frozen=True)
class FeatureDrift:
    feature: str
    psi: float
    ks: float | None  # numbers only
    outside: float | None  # numbers only: share of new rows outside the reference's range
    status: str  # "ok", "warn", "alert", or "calendar" (reported, never alerted)
    judged_on: str  # "psi", "range" (seasonal features) or "nothing" (calendar features)

    @property
    def line(self) -> str:
        parts = [f"PSI {self.psi:.2f}"]
        if self.ks is not None:
            parts.append(f"KS {self.ks:.2f}")
        if self.outside:
            parts.append(f"{self.outside:.0%} outside the reference range")
        return f"{self.feature} ({', '.join(parts)})"


def _shares(counts: np.ndarray) -> np.ndarray:
    counts = np.asarray(counts, dtype=float)
    shares = counts / max(counts.sum(), 1)
    return np.clip(shares, EPSILON, None)


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    """PSI of two histograms over the same bins: sum((a - e) * ln(a / e))."""
    e, a = _shares(expected), _shares(actual)
    return float(np.sum((a - e) * np.log(a / e)))


def _numeric_counts(
    reference: pd.Series, current: pd.Series, bins: int
) -> tuple[np.ndarray, np.ndarray]:
    # Quantile edges of the reference; repeated edges (many equal values, e.g. hours) merge.
    edges = np.unique(np.quantile(reference.to_numpy(float), np.linspace(0, 1, bins + 1)))
    inner = edges[1:-1]  # open-ended outer bins catch values beyond the reference's range
    ref = np.bincount(np.searchsorted(inner, reference, side="right"), minlength=len(inner) + 1)
    cur = np.bincount(np.searchsorted(inner, current, side="right"), minlength=len(inner) + 1)
    return ref, cur


def _category_counts(
    reference: pd.Series, current: pd.Series, values: list
) -> tuple[np.ndarray, np.ndarray]:
    ref = reference.value_counts().reindex(values, fill_value=0).to_numpy()
    cur = current.value_counts().reindex(values, fill_value=0).to_numpy()
    return ref, cur


def ks_statistic(reference: pd.Series, current: pd.Series) -> float:
    """Largest gap between the two empirical distribution functions (scipy's two-sample KS)."""
    return float(ks_2samp(reference.to_numpy(float), current.to_numpy(float)).statistic)


def outside_share(reference: pd.Series, current: pd.Series) -> float:
    return float(((current < reference.min()) | (current > reference.max())).mean())


def _values(feature: str) -> list:
    spec = BY_NAME[feature]
    if spec.categories is not None:
        return list(spec.categories)
    return list(range(int(spec.minimum), int(spec.maximum) + 1))


def _judge(
    feature: str, value: float, outside: float | None, settings: dict[str, Any]
) -> tuple[str, str]:
    """(status, what it is judged on)."""
    if feature in settings["calendar"]:
        return "calendar", "nothing"
    if feature in settings["seasonal"]:
        value, warn, alert = outside, settings["outside_warn"], settings["outside_alert"]
        judged_on = "range"
    else:
        warn, alert, judged_on = settings["psi_warn"], settings["psi_alert"], "psi"
    return ("alert" if value >= alert else "warn" if value >= warn else "ok"), judged_on


def compare(
    reference: pd.DataFrame, current: pd.DataFrame, settings: dict[str, Any]
) -> list[FeatureDrift]:
    """Drift of every feature, worst first among the monitored ones."""
    result = []
    for feature in FEATURES:
        ref, cur = reference[feature], current[feature]
        if BY_NAME[feature].kind == "float":
            counts = _numeric_counts(ref, cur, settings["bins"])
            ks, outside = round(ks_statistic(ref, cur), 4), round(outside_share(ref, cur), 4)
        else:
            # Small integer domains (hour, weekday, flags) are categories for drift purposes.
            counts = _category_counts(ref, cur, _values(feature))
            ks = outside = None
        value = round(psi(*counts), 4)
        status, judged_on = _judge(feature, value, outside, settings)
        result.append(FeatureDrift(feature, value, ks, outside, status, judged_on))
    order = {"alert": 0, "warn": 1, "ok": 2, "calendar": 3}
    return sorted(result, key=lambda d: (order[d.status], -d.psi))


def flagged(drifts: list[FeatureDrift], *statuses: str) -> list[FeatureDrift]:
    return [d for d in drifts if d.status in statuses]


def read_window(path: Path) -> pd.DataFrame:
    """Recent inputs: a CSV with a header, JSON Lines (one record per line) or a JSON list of
    records, as sent to /predict. Only the feature columns are read; values are checked
    against the schema so that a broken sample is not mistaken for drift."""
    try:
        if path.suffix == ".csv":
            frame = pd.read_csv(path)
        elif path.suffix in {".jsonl", ".ndjson"}:
            frame = pd.read_json(path, lines=True)
        elif path.suffix == ".json":
            frame = pd.DataFrame(json.loads(path.read_text()))
        else:
            raise DataError(f"{path}: expected a .csv, .jsonl or .json file of records.")
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataError(f"{path}: not readable ({str(err).strip().splitlines()[0]}).") from err
    if frame.empty:
        raise DataError(f"{path}: the window has no records.")
    missing = [f for f in FEATURES if f not in frame.columns]
    if missing:
        raise DataError(f"{path}: records lack the feature '{missing[0]}'.")
    frame = frame[list(FEATURES)]
    for feature in FEATURES:
        spec = BY_NAME[feature]
        column = frame[feature]
        if spec.categories is not None:
            bad = ~column.isin(spec.categories)
        else:
            numbers = pd.to_numeric(column, errors="coerce")
            bad = numbers.isna() | (numbers < spec.minimum) | (numbers > spec.maximum)
            frame = frame.assign(**{feature: numbers})
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                f"{path}: record {row + 1}, feature '{feature}': '{column.iloc[row]}' is outside "
                f"the schema ({spec.allowed})."
            )
    return frame
