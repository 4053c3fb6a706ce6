"""Floor: a bare ASGI app with the project's predictor and no validation at all.

What Python can do for this model over HTTP: json.loads, predict, json.dumps, nothing else
(no framework, no schema, no limits, no metrics). Not a serving option; the bound that every
other side is measured against. Run as `uvicorn bench.floor_app:app --workers <cores>
--no-access-log --http bench.nodelay:H11NoDelay` with BASELINE_MODEL_PATH set.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before scikit-learn loads OpenMP

import joblib

from model.predictor import Predictor
from model.schema import FEATURES

PREDICTOR = Predictor(joblib.load(os.environ["BASELINE_MODEL_PATH"]))
VERSION = os.environ.get("BASELINE_MODEL_VERSION", "unknown")
gc.collect()
gc.freeze()
HEADERS = [(b"content-type", b"application/json")]


def predict_rows(rows: list[dict]) -> list[float]:
    """The model work of one /predict request, for the in-process timing of the stall check."""
    return PREDICTOR.predict({name: [r[name] for r in rows] for name in FEATURES}).tolist()


async def app(scope: dict, receive: Any, send: Any) -> None:
    if scope["type"] != "http":  # lifespan: nothing to set up
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
        return
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    if scope["path"] == "/predict":
        rows = json.loads(body)["records"]
        rentals = predict_rows(rows)
    elif scope["path"] == "/predict_batch":
        # Off the event loop, as the other sides do: the trees release the GIL.
        columns = json.loads(body)["columns"]
        rentals = (await asyncio.to_thread(PREDICTOR.predict, columns)).tolist()
    else:
        rentals = None
    out = json.dumps({"rentals": rentals, "model_version": VERSION}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": out})
