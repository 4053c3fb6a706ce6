"""Per-group error disparity on the holdout (fairlearn's MetricFrame).

The groups are conditions of the hour, not people: the data holds no personal attribute
(data/DATASHEET.md). For each group feature named in `gate.fairness.max_rmse_ratio`
(config/params.yaml): RMSE, MAE and row count per group, and the disparity, the largest group
RMSE over the smallest among groups with at least `gate.min_slice_rows` rows.

fairlearn is imported inside `measure` only: the service imports model/*.py and its image does
not ship fairlearn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error, root_mean_squared_error

from model.evaluate import hour_band

# One group feature's figures, as stored in the candidate record (plain JSON):
# {"groups": {value: {"rmse", "mae", "count"}}, "rmse_ratio": float | None,
#  "worst": value | None, "best": value | None}
Disparity = dict[str, Any]


def group_features(params: dict[str, Any]) -> list[str]:
    return list(params["gate"]["fairness"]["max_rmse_ratio"])


def measure(
    frame: pd.DataFrame, y_pred: np.ndarray, target: str, params: dict[str, Any]
) -> dict[str, Disparity]:
    """MetricFrame per group feature on these rows and predictions."""
    from fairlearn.metrics import MetricFrame, count  # training only, never in the image

    bands = hour_band(frame["hr"], params["evaluation"]["hour_bands"])
    frame = frame.assign(hour_band=bands)
    metrics = {"rmse": root_mean_squared_error, "mae": mean_absolute_error, "count": count}
    result = {}
    for feature in group_features(params):
        by_group = MetricFrame(
            metrics=metrics,
            y_true=frame[target].to_numpy(),
            y_pred=np.asarray(y_pred),
            sensitive_features=frame[feature].astype(str).to_numpy(),
        ).by_group
        groups = {
            str(value): {
                "rmse": round(float(row["rmse"]), 4),
                "mae": round(float(row["mae"]), 4),
                "count": int(row["count"]),
            }
            for value, row in by_group.sort_index().iterrows()
        }
        result[feature] = disparity(groups, params["gate"]["min_slice_rows"])
    return result


def from_slices(metrics: dict[str, Any], params: dict[str, Any]) -> dict[str, Disparity]:
    """The same figures from evaluate()'s slices (`feature=value`), which are per-group scores
    on the same rows: used for a champion whose model is not in the store when its recorded
    metrics stand for the holdout (same rows, and the record is reproducible from git)."""
    result = {}
    for feature in group_features(params):
        prefix = f"{feature}="
        groups = {
            name.removeprefix(prefix): {"rmse": s["rmse"], "mae": s["mae"], "count": s["rows"]}
            for name, s in sorted(metrics["slices"].items())
            if name.startswith(prefix)
        }
        if groups:
            result[feature] = disparity(groups, params["gate"]["min_slice_rows"])
    return result


def disparity(groups: dict[str, dict[str, Any]], min_rows: int) -> Disparity:
    """Largest over smallest group RMSE; groups under min_rows are shown but not counted
    (one rainy hour's RMSE is noise). None when fewer than two groups are large enough."""
    judged = {name: g["rmse"] for name, g in groups.items() if g["count"] >= min_rows}
    if len(judged) < 2 or min(judged.values()) <= 0:
        return {"groups": groups, "rmse_ratio": None, "worst": None, "best": None}
    worst, best = max(judged, key=judged.get), min(judged, key=judged.get)
    ratio = round(judged[worst] / judged[best], 4)
    return {"groups": groups, "rmse_ratio": ratio, "worst": worst, "best": best}


def failures(
    candidate: dict[str, Disparity], champion: dict[str, Disparity] | None, rules: dict
) -> list[str]:
    """One sentence per group feature whose disparity is over its ceiling, or grew beyond the
    champion's by more than the tolerance; each names the worst and best groups."""
    found = [check(f, new, (champion or {}).get(f), rules) for f, new in candidate.items()]
    return [sentence for sentence in found if sentence]


def check(feature: str, new: Disparity, old: Disparity | None, rules: dict) -> str | None:
    """Why this group feature fails the gate, or None when it passes."""
    ratio, ceiling = new["rmse_ratio"], rules["max_rmse_ratio"][feature]
    if ratio is None:
        return None
    spread = _spread(new)
    if ratio > ceiling:
        return f"fairness {feature}: RMSE ratio {ratio:.2f} ({spread}) over the ceiling {ceiling}"
    before, tolerance = (old or {}).get("rmse_ratio"), rules["max_ratio_increase"]
    if before and ratio > before * (1 + tolerance):
        return (
            f"fairness {feature}: RMSE ratio {ratio:.2f} vs champion {before:.2f} "
            f"(+{ratio / before - 1:.1%} > {tolerance:.0%} allowed; {spread})"
        )
    return None


def summary(candidate: dict[str, Disparity]) -> str:
    """The largest disparity, for a passing verdict's one line."""
    judged = {f: d["rmse_ratio"] for f, d in candidate.items() if d["rmse_ratio"] is not None}
    if not judged:
        return "no group large enough to judge disparity"
    ratios = ", ".join(f"{f} {r:.2f}" for f, r in judged.items())
    return f"group disparity within limits (RMSE ratios: {ratios})"


def _spread(d: Disparity) -> str:
    worst, best = d["worst"], d["best"]
    return f"{worst} {d['groups'][worst]['rmse']:.2f} vs {best} {d['groups'][best]['rmse']:.2f}"
