"""Metrics overall and per slice on the holdout month."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error


def hour_band(hours: pd.Series, bands: dict[str, list[int]]) -> pd.Series:
    labels = pd.Series("unbanded", index=hours.index)
    for name, (first, last) in bands.items():
        labels[(hours >= first) & (hours <= last)] = name
    return labels


def scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    result = {
        "rmse": root_mean_squared_error(y_true, y_pred),
        "mae": mean_absolute_error(y_true, y_pred),
        "r2": r2_score(y_true, y_pred) if len(y_true) > 1 else float("nan"),
    }
    # Rounded so records stay readable and comparisons are not thrown by float noise.
    return {k: round(float(v), 4) for k, v in result.items()} | {"rows": len(y_true)}


def evaluate(frame: pd.DataFrame, y_pred: np.ndarray, target: str, params: dict) -> dict[str, Any]:
    """Scores overall and for each value of each slice column, e.g. slices['season=1']."""
    settings = params["evaluation"]
    frame = frame.assign(hour_band=hour_band(frame["hr"], settings["hour_bands"]), _pred=y_pred)
    slices = {}
    for column in settings["slices"]:
        for value, group in frame.groupby(column, sort=True):
            slices[f"{column}={value}"] = scores(
                group[target].to_numpy(), group["_pred"].to_numpy()
            )
    return {"overall": scores(frame[target].to_numpy(), y_pred), "slices": slices}
