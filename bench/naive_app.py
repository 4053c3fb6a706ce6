"""Naive baseline: what a user writes first with FastAPI, the pipeline called per request.

joblib-loads the pickle, builds a DataFrame per request and calls the scikit-learn pipeline,
sync handlers (FastAPI runs them in its thread pool), library defaults (OpenMP threads,
access log). Only the TCP stall of multi-worker uvicorn is removed (bench/nodelay.py). Run by
the benchmark as `uvicorn bench.naive_app:app --workers N --http bench.nodelay:H11NoDelay`
with BASELINE_MODEL_PATH set to the champion's saved_model.pkl.
"""

from __future__ import annotations

import os
from typing import Annotated

import joblib
import numpy as np
import pandas as pd
from fastapi import FastAPI
from pydantic import BaseModel, Field

from bento.schemas import MAX_RECORDS, Columns, Prediction, Record
from model.schema import FEATURES

MODEL = joblib.load(os.environ["BASELINE_MODEL_PATH"])
VERSION = os.environ.get("BASELINE_MODEL_VERSION", "unknown")

app = FastAPI(title="bikeshare-naive-baseline")


class Records(BaseModel):
    records: Annotated[list[Record], Field(min_length=1, max_length=MAX_RECORDS)]


class Batch(BaseModel):
    columns: Columns


def _predict(frame: pd.DataFrame) -> Prediction:
    rentals = np.clip(MODEL.predict(frame[list(FEATURES)]), 0, None)
    return Prediction(rentals=rentals.round(3).tolist(), model_version=VERSION)


def predict_rows(rows: list[dict]) -> list[float]:
    """The model work of one /predict request, for the in-process timing of the stall check."""
    return _predict(pd.DataFrame.from_records(rows)).rentals


@app.post("/predict")
def predict(body: Records) -> Prediction:
    return _predict(pd.DataFrame.from_records([r.model_dump() for r in body.records]))


@app.post("/predict_batch")
def predict_batch(body: Batch) -> Prediction:
    return _predict(pd.DataFrame(body.columns.model_dump()))


@app.get("/readyz")
def readyz() -> dict:
    return {"ready": True}
