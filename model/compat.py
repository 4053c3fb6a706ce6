"""Every private scikit-learn API this project touches, in one place.

Written for the version below (pinned in pyproject.toml). On any other version `hgb_internals`
raises Unsupported, and the predictor (model/predictor.py) logs a line and predicts through the
public pipeline instead of its fast paths. BentoML's private accesses and workarounds live in
bento/bentoml_fixes/ (with their own version guard).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

SKLEARN_WRITTEN_FOR = "1.9.1"


class Unsupported(ValueError):
    """The installed library is not the version these private accesses were written for."""


@dataclass(frozen=True)
class HistGradientBoostingInternals:
    trees: list[Any]  # TreePredictor per iteration (single output)
    bin_mapper: Any  # _BinMapper fitted on the training data
    missing_bin: int
    baseline: Any  # raw prediction before the first tree
    inverse_link: Any  # raw -> prediction (exp for the Poisson loss)


def hgb_internals(regressor: Any) -> HistGradientBoostingInternals:
    """The fitted trees and binning of a HistGradientBoostingRegressor (private attributes)."""
    found = version("scikit-learn")
    if found != SKLEARN_WRITTEN_FOR:
        raise Unsupported(f"scikit-learn {found} (fast paths written for {SKLEARN_WRITTEN_FOR})")
    try:
        if regressor.n_trees_per_iteration_ != 1:
            raise Unsupported("not a single-output HistGradientBoosting model")
        return HistGradientBoostingInternals(
            trees=[tree for iteration in regressor._predictors for tree in iteration],
            bin_mapper=regressor._bin_mapper,
            missing_bin=regressor._bin_mapper.missing_values_bin_idx_,
            baseline=regressor._baseline_prediction,
            inverse_link=regressor._loss.link.inverse,
        )
    except AttributeError as err:
        raise Unsupported(f"not a fitted HistGradientBoosting model ({err})") from err


def predict_binned(tree: Any, binned: Any, missing_bin: int) -> Any:
    """One compiled tree on binned features, one thread (a worker per core serves)."""
    return tree.predict_binned(binned, missing_bin, 1)
