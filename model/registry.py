"""The local BentoML model store as the registry; the record's fields become labels/metadata."""

from __future__ import annotations

from typing import Any

import bentoml
from bentoml.exceptions import NotFound
from sklearn.pipeline import Pipeline

MODEL_NAME = "bikeshare"


def tag_for(version: str) -> str:
    return f"{MODEL_NAME}:{version}"


def save(model: Pipeline, record: dict[str, Any]) -> str:
    """Register the model under the record's tag; a tag already stored is kept as it is
    (the version is a hash of data, params and code, so it holds the same model)."""
    try:
        return str(bentoml.models.get(record["bento_model_tag"]).tag)
    except NotFound:
        pass
    labels = {
        "version": record["version"],
        "holdout": record["trained_on"]["holdout"],
        "data_fingerprint": record["data"]["fingerprint"][:16],
        "code_commit": record["code_commit"][:12],
        "stage": "champion",
    }
    metadata = {
        "data_fingerprint": record["data"]["fingerprint"],
        "metrics": record["metrics"]["overall"],
        "params": record["params"],
        "code_commit": record["code_commit"],
        "trained_on": record["trained_on"],
    }
    saved = bentoml.sklearn.save_model(
        record["bento_model_tag"],
        model,
        labels=labels,
        metadata=metadata,
        signatures={"predict": {"batchable": True}},
    )
    return str(saved.tag)


def load(tag: str) -> Pipeline | None:
    try:
        return bentoml.sklearn.load_model(tag)
    except NotFound:
        return None
