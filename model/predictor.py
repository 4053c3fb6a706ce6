"""The one inference path: validated columns in, predicted rentals out.

Used by the online service (bento/service.py), the scheduled scoring job (scoring/job.py) and
the Spark backfill (scoring/spark_backfill.py) alike, so all three give the same numbers.

The trained pipeline is ColumnTransformer(one-hot + passthrough) -> HistGradientBoosting. On
small requests the fixed costs dominate: a DataFrame, the ColumnTransformer, and one Python
call per tree (max_iter of them, 200 in config/params.yaml). The fast paths
- read the fitted encoder's layout and build the same float matrix directly;
- for small requests walk all trees at once with numpy (one step per tree level), and sum
  the leaves in tree order, the same float additions as scikit-learn;
- for large requests bin the features once with the regressor's own bin mapper and run its
  compiled trees on the bins (uint8), as scikit-learn does while fitting: 1.5x faster than
  `regressor.predict` on 10k rows, which walks float64 features tree by tree.
They check themselves against the pipeline when built, on rows covering every category and
both ends of every range; if the pipeline has another shape, the scikit-learn version is not
the one model/compat.py was written for, or a single prediction differs by a single bit, the
predictor logs why and predicts through the pipeline instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

from model import compat
from model.schema import BY_NAME, FEATURES

logger = logging.getLogger("bikeshare.predictor")
DECIMALS = 3  # a prediction is a count of rentals: thousandths are plenty


class Predictor:
    """Predicted rentals (clipped at 0, rounded to DECIMALS) for validated columns."""

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline
        self.fast: FastPredictor | None
        try:
            self.fast = FastPredictor(pipeline)
        except ValueError as error:  # compat.Unsupported is a ValueError too
            logger.warning("fast prediction paths off, predicting through the pipeline: %s", error)
            self.fast = None

    def predict(self, columns: Mapping[str, Sequence]) -> np.ndarray:
        """columns: feature name -> values (lists or arrays), all of the same length."""
        if self.fast is not None:
            raw = self.fast.predict(columns)
        else:
            raw = self.pipeline.predict(pd.DataFrame({n: columns[n] for n in FEATURES}))
        return np.clip(raw, 0, None).round(DECIMALS)

    def predict_frame(self, frame: pd.DataFrame) -> np.ndarray:
        return self.predict({name: frame[name].to_numpy() for name in FEATURES})


class FastPredictor:
    def __init__(self, pipeline: Any) -> None:
        steps = getattr(pipeline, "named_steps", {})
        encode, self.regressor = steps.get("encode"), steps.get("regress")
        if encode is None or self.regressor is None or len(steps) != 2:
            raise ValueError("pipeline is not encode -> regress")
        # One entry per input column, in output order: (name, index of each category or None).
        self.layout: list[tuple[str, dict[str, int] | None]] = []
        for name, transformer, columns in encode.transformers_:
            if transformer == "drop":
                continue
            if isinstance(transformer, OneHotEncoder) and transformer.drop_idx_ is None:
                for column, categories in zip(columns, transformer.categories_, strict=True):
                    self.layout.append((column, {c: i for i, c in enumerate(categories)}))
            elif transformer == "passthrough" or (
                # a fitted "passthrough" is an identity FunctionTransformer
                isinstance(transformer, FunctionTransformer) and transformer.func is None
            ):
                self.layout.extend((column, None) for column in columns)
            else:
                raise ValueError(f"unsupported step {name!r} in the encoder")
        self.width = sum(len(index) if index else 1 for _, index in self.layout)
        self.forest = Forest(self.regressor)
        self.binned = BinnedForest(self.regressor)
        self._check(pipeline)

    def matrix(self, columns: Mapping[str, Sequence]) -> np.ndarray:
        """The encoder's output for already validated columns (dict of equal-length lists)."""
        rows = len(columns[self.layout[0][0]])
        out = np.zeros((rows, self.width))
        at = 0
        for column, index in self.layout:
            if index is None:
                out[:, at] = columns[column]
                at += 1
            else:
                codes = _codes(index, columns[column], rows)
                out[np.arange(rows), at + codes] = 1.0
                at += len(index)
        return out

    def predict(self, columns: Mapping[str, Sequence]) -> np.ndarray:
        features = self.matrix(columns)
        if len(features) <= SMALL_ROWS:
            return self.forest.predict(features)
        return self.binned.predict(features)

    def _check(self, pipeline: Any) -> None:
        probe = _probe_rows()
        expected = pipeline.predict(pd.DataFrame(probe)[list(FEATURES)])
        features = self.matrix(probe)
        for path in (self.forest.predict, self.binned.predict):
            if not np.array_equal(path(features), expected):
                raise ValueError("fast path predictions differ from the pipeline")


SMALL_ROWS = 32  # up to here walking the trees with numpy beats one compiled call per tree


class Forest:
    """The regressor's trees as flat arrays; leaves point to themselves."""

    def __init__(self, regressor: Any) -> None:
        internals = compat.hgb_internals(regressor)
        trees = internals.trees
        nodes = [t.nodes for t in trees]
        if any(n["is_categorical"].any() for n in nodes):
            raise ValueError("categorical splits are not handled by the fast path")
        starts = np.cumsum([0] + [len(n) for n in nodes[:-1]])
        self.roots = starts.astype(np.intp)
        flat = np.concatenate(nodes)
        own = np.arange(len(flat))
        offset = np.repeat(starts, [len(n) for n in nodes])
        leaf = flat["is_leaf"].astype(bool)
        self.feature = np.where(leaf, 0, flat["feature_idx"]).astype(np.intp)
        self.threshold = flat["num_threshold"]
        self.left = np.where(leaf, own, flat["left"] + offset).astype(np.intp)
        self.right = np.where(leaf, own, flat["right"] + offset).astype(np.intp)
        self.value = flat["value"]
        self.depth = int(flat["depth"].max())
        self.baseline = internals.baseline
        self.inverse_link = internals.inverse_link

    def predict(self, features: np.ndarray) -> np.ndarray:
        # Inputs are validated finite numbers: no missing-value branch is ever taken.
        rows = np.arange(len(features))[:, None]
        node = np.broadcast_to(self.roots, (len(features), len(self.roots)))
        for _ in range(self.depth):
            go_left = features[rows, self.feature[node]] <= self.threshold[node]
            step = np.where(go_left, self.left[node], self.right[node])
            if np.array_equal(step, node):  # every walk has reached its leaf
                break
            node = step
        # cumsum adds left to right like scikit-learn's loop: bit-identical sums.
        terms = np.concatenate(
            [np.broadcast_to(self.baseline, (len(node), 1)), self.value[node]], 1
        )
        return self.inverse_link(np.cumsum(terms, axis=1)[:, -1])


class BinnedForest:
    """The regressor's compiled trees on binned features, summed in scikit-learn's order."""

    def __init__(self, regressor: Any) -> None:
        self.internals = compat.hgb_internals(regressor)

    def predict(self, features: np.ndarray) -> np.ndarray:
        inside = self.internals
        binned = inside.bin_mapper.transform(features)
        raw = np.full(len(features), float(np.ravel(inside.baseline)[0]))
        for tree in inside.trees:
            raw += compat.predict_binned(tree, binned, inside.missing_bin)
        return inside.inverse_link(raw)


def _codes(index: dict[str, int], values: Sequence, rows: int) -> np.ndarray:
    """Position of each value among the fitted categories (values are validated)."""
    if rows <= SMALL_ROWS:  # a dict lookup per value beats pandas' setup on a few rows
        return np.fromiter(map(index.__getitem__, values), np.intp, rows)
    return pd.Index(list(index)).get_indexer(values)


def _probe_rows(rows: int = 48) -> dict[str, list]:
    """Rows that visit every category and both ends of every numeric range."""
    rng = np.random.default_rng(0)
    out: dict[str, list] = {}
    for name in FEATURES:
        spec = BY_NAME[name]
        if spec.categories is not None:
            out[name] = [spec.categories[i % len(spec.categories)] for i in range(rows)]
        elif spec.kind == "int":
            values = rng.integers(spec.minimum, spec.maximum, rows, endpoint=True)
            out[name] = [int(spec.minimum), int(spec.maximum), *map(int, values[2:])]
        else:
            values = rng.uniform(spec.minimum, spec.maximum, rows)
            out[name] = [float(spec.minimum), float(spec.maximum), *map(float, values[2:])]
    return out
