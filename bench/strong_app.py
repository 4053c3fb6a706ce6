"""Strong baseline: FastAPI + uvicorn doing the service's work, as a careful operator would.

The same champion through the project's predictor (model/predictor.py), the same pydantic
request and response models as the service (bento/schemas.py), one OpenMP thread per worker,
the loaded model frozen out of the garbage collector, `async` /predict (a single row takes
less than the hop to the thread pool) and sync /predict_batch (runs off the event loop).
Run by the benchmark as `uvicorn bench.strong_app:app --workers <cores> --no-access-log
--http bench.nodelay:H11NoDelay` with BASELINE_MODEL_PATH set to the champion's pickle.
"""

from __future__ import annotations

import gc
import os
from typing import Annotated

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before scikit-learn loads OpenMP

import joblib
from fastapi import FastAPI
from pydantic import BaseModel, Field

from bento.schemas import MAX_RECORDS, Columns, Prediction, Record
from model.predictor import Predictor
from model.schema import FEATURES

PREDICTOR = Predictor(joblib.load(os.environ["BASELINE_MODEL_PATH"]))
VERSION = os.environ.get("BASELINE_MODEL_VERSION", "unknown")
gc.collect()
gc.freeze()

app = FastAPI(title="bikeshare-strong-baseline")


class Records(BaseModel):
    records: Annotated[list[Record], Field(min_length=1, max_length=MAX_RECORDS)]


class Batch(BaseModel):
    columns: Columns


def predict_rows(rows: list[dict]) -> list[float]:
    """The model work of one /predict request, for the in-process timing of the stall check."""
    return PREDICTOR.predict({name: [r[name] for r in rows] for name in FEATURES}).tolist()


@app.post("/predict")
async def predict(body: Records) -> Prediction:
    columns = {name: [getattr(r, name) for r in body.records] for name in FEATURES}
    return Prediction(rentals=PREDICTOR.predict(columns).tolist(), model_version=VERSION)


@app.post("/predict_batch")
def predict_batch(body: Batch) -> Prediction:
    columns = {name: getattr(body.columns, name) for name in FEATURES}
    return Prediction(rentals=PREDICTOR.predict(columns).tolist(), model_version=VERSION)


@app.get("/readyz")
async def readyz() -> dict:
    return {"ready": True}
