"""Per-prediction explanations: each raw feature's contribution and the base value.

SHAP's TreeExplainer (exact path-dependent TreeSHAP, in C) on the regressor: the model predicts
exp(raw) (Poisson loss, log link), so the contributions and the base value are in log space and
base + sum(contributions) = log(predicted rentals, before clipping and rounding) to 1e-4
(tests/service/test_explain.py). The regressor sees one-hot columns; a category's columns are
summed back into its raw feature, which keeps the sum. shap (and numba) are imported on the
first explanation only, so serving /predict pays nothing for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from model.schema import FEATURES

if TYPE_CHECKING:  # numpy and pandas load in the worker only, as in bento/service.py
    import numpy as np
    import pandas as pd

MAX_EXPLAIN_ROWS = 100  # TreeSHAP costs ~1 ms a row on 200 trees; bounded like /predict


class Explanation(BaseModel):
    base_value: float = Field(description="log of the mean prediction on the training data")
    contributions: list[dict[str, float]] = Field(
        description="Per row: raw feature -> contribution to log(predicted rentals)"
    )
    rentals: list[float] = Field(description="exp(base_value + sum of contributions), per row")
    model_version: str


class Explainer:
    def __init__(self, pipeline: Any) -> None:
        import numpy as np
        import shap

        self.encode = pipeline.named_steps["encode"]
        self.tree = shap.TreeExplainer(pipeline.named_steps["regress"])
        owners: list[str] = []
        for _, transformer, columns in self.encode.transformers_:
            if isinstance(transformer, str) and transformer == "drop":
                continue
            categories = getattr(transformer, "categories_", None)
            if categories is None:
                owners.extend(columns)
            else:
                for column, values in zip(columns, categories, strict=True):
                    owners.extend([column] * len(values))
        self.owners = np.array(owners)

    def explain(self, frame: pd.DataFrame) -> tuple[float, np.ndarray]:
        """(base value, contributions per row and raw feature, in FEATURES order)."""
        import numpy as np

        encoded = self.encode.transform(frame[list(FEATURES)])
        values = np.asarray(self.tree.shap_values(np.asarray(encoded, dtype=float)))
        by_feature = np.stack(
            [values[:, self.owners == name].sum(axis=1) for name in FEATURES], axis=1
        )
        return float(np.ravel(self.tree.expected_value)[0]), by_feature


def explanation(explainer: Explainer, columns: dict[str, list], version: str) -> Explanation:
    import numpy as np
    import pandas as pd

    base, values = explainer.explain(pd.DataFrame(columns))
    return Explanation(
        base_value=base,
        contributions=[dict(zip(FEATURES, map(float, row), strict=True)) for row in values],
        rentals=np.exp(base + values.sum(axis=1)).round(3).tolist(),
        model_version=version,
    )
