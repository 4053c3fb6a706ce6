"""Feature pipeline: raw schema columns in, model-ready matrix out, inside one sklearn Pipeline
so that the service and batch scoring apply exactly what training applied."""

from __future__ import annotations

from typing import Any

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from model.schema import BY_NAME, CATEGORICAL, NUMERIC


def build_pipeline(params: dict[str, Any]) -> Pipeline:
    encode = ColumnTransformer(
        [
            (
                "categories",
                # Known categories only: the schema already rejects anything else.
                OneHotEncoder(
                    categories=[list(BY_NAME[c].categories) for c in CATEGORICAL],
                    sparse_output=False,
                    handle_unknown="error",
                ),
                list(CATEGORICAL),
            ),
            ("numbers", "passthrough", list(NUMERIC)),
        ],
        verbose_feature_names_out=False,
    )
    regressor = HistGradientBoostingRegressor(
        **params["estimator"], early_stopping=False, random_state=params["seed"]
    )
    return Pipeline([("encode", encode), ("regress", regressor)])
