"""Seeded, params-driven training on every period but the latest, which is the holdout."""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from model import paths
from model.features import build_pipeline
from model.schema import FEATURES, TARGET

PARAMS_PATH = paths.PARAMS
# The code that decides what the model computes; editing other files keeps the version.
MODEL_CODE = tuple(
    Path(__file__).parent / name for name in ("schema.py", "features.py", "train.py")
)


def load_params(path: Path = PARAMS_PATH) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def split(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Time-based split: the latest period is held out, all earlier ones train."""
    latest = table["period"].max()
    return table[table["period"] < latest], table[table["period"] == latest]


def fit(train: pd.DataFrame, params: dict[str, Any]) -> Pipeline:
    pipeline = build_pipeline(params)
    # One OpenMP thread: on ~8k rows threads gain little, and on a busy 2-core machine their
    # spin-waiting made training 30-100x slower (measured: 186 s vs ~3 s for two fits).
    with threadpool_limits(limits=1, user_api="openmp"):
        pipeline.fit(train[list(FEATURES)], train[TARGET])
    return pipeline


def predict(model: Pipeline, frame: pd.DataFrame) -> np.ndarray:
    # Rentals cannot be negative, whatever the regressor says.
    return np.clip(model.predict(frame[list(FEATURES)]), 0, None)


def source_sha256() -> str:
    """Hash of the pipeline's code, so a code change yields a new model version. The syntax
    tree is hashed, not the text: formatting and comments do not change the model."""
    digest = hashlib.sha256()
    for path in MODEL_CODE:
        digest.update(path.name.encode() + b"\0" + ast.dump(ast.parse(path.read_text())).encode())
    return digest.hexdigest()


def version_of(holdout: str, data_sha: str, params: dict[str, Any], code_sha: str) -> str:
    """Deterministic: the same data, params and code give the same version."""
    canonical_params = json.dumps(params, sort_keys=True)
    digest = hashlib.sha256(f"{data_sha}|{canonical_params}|{code_sha}".encode())
    return f"{holdout}-{digest.hexdigest()[:10]}"
