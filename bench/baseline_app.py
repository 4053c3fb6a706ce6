"""The plain alternative: the same model and request models behind FastAPI + uvicorn.

Written the way a user would without BentoML: joblib-load the pickle, build a DataFrame per
request, sync handlers (FastAPI runs them in its thread pool), uvicorn defaults. Run by the
benchmark as `uvicorn bench.baseline_app:app --workers N` with BASELINE_MODEL_PATH set to the
champion's saved_model.pkl and BASELINE_MODEL_VERSION to its version.
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

app = FastAPI(title="bikeshare-baseline")


class Records(BaseModel):
    records: Annotated[list[Record], Field(min_length=1, max_length=MAX_RECORDS)]


class Batch(BaseModel):
    columns: Columns


def _predict(frame: pd.DataFrame) -> Prediction:
    rentals = np.clip(MODEL.predict(frame[list(FEATURES)]), 0, None)
    return Prediction(rentals=rentals.round(3).tolist(), model_version=VERSION)


@app.post("/predict")
def predict(body: Records) -> Prediction:
    return _predict(pd.DataFrame.from_records([r.model_dump() for r in body.records]))


@app.post("/predict_batch")
def predict_batch(body: Batch) -> Prediction:
    return _predict(pd.DataFrame(body.columns.model_dump()))


@app.get("/readyz")
def readyz() -> dict:
    return {"ready": True}
