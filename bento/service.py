"""Online and batch prediction for the champion model, with health, readiness and metrics.

BentoML provides /livez, /readyz and /metrics; this module adds /predict, /predict_batch and
/version, the guards in bento/guards.py that turn bad requests into clear 4xx answers, a valid
OpenAPI document (bento/openapi.py) and the model's metrics (bento/metrics.py).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
from typing import Annotated, Any

import bentoml
from pydantic import Field

from bento import lean_api, metrics, version_route
from bento.explain import MAX_EXPLAIN_ROWS, Explainer, Explanation, explanation
from bento.guards import RequestGuard, hide_request_data_in_logs
from bento.image import IMAGE
from bento.lean_api import LeanAPI
from bento.openapi import VERSION_PATH, OpenAPIRoute
from bento.sagemaker import SageMakerRoutes
from bento.schemas import MAX_BODY_BYTES, MAX_RECORDS, Columns, Prediction, Record
from bento.traffic_timeout import TimeoutMiddleware
from bento.version_route import VersionRoute
from model import compat, paths, registry
from model.artifact import ArtifactError
from model.schema import FEATURES

# numpy, pandas and scikit-learn are imported in the worker only (in Bikeshare.__init__):
# `bentoml serve` imports this module in its supervisor process too, which then stays at
# ~40 MiB instead of ~220 MiB, and spawns the worker sooner.

# One OpenMP thread per worker, read when scikit-learn loads its OpenMP runtime (after this
# line). HistGradientBoosting opens a parallel region per tree (max_iter of them); with as
# many workers as cores, more threads only contend: 10x slower on a busy 2-core host.
os.environ.setdefault("OMP_NUM_THREADS", "1")

CHAMPION = json.loads(paths.CHAMPION.read_text())
EXIT_BAD_MODEL = 3

# The model file must be the bytes the champion record pins, checked here at import: in the
# `bentoml serve` process before it starts any worker (a worker failing in __init__ is
# restarted forever), and again in each worker. Pickle runs code when loaded: check first.
try:
    registry.check_stored(CHAMPION)
except ArtifactError as err:
    print(f"error: {err}", file=sys.stderr, flush=True)
    sys.exit(EXIT_BAD_MODEL)

hide_request_data_in_logs()
# BentoML's request timeout keeps every request's context alive for the whole timeout; ours
# cancels its timer (bento/traffic_timeout.py). Swapped in before any server builds its app.
compat.replace_timeout_middleware(TimeoutMiddleware)
logger = logging.getLogger("bentoml.service.bikeshare")


def version_payload() -> dict:
    return version_route.version_payload(CHAMPION)


@bentoml.service(
    name="bikeshare",
    image=IMAGE,
    labels={"model_version": CHAMPION["version"]},
    traffic={"timeout": 30},
    # No OpenTelemetry span for the prediction routes (BentoML wraps every request in the
    # ASGI tracing middleware even with no exporter; excluded URLs skip it).
    tracing={"excluded_urls": ["/predict", "/predict_batch"]},
    http={"port": 3000},
    workers=2,
    # Two batch requests at once per worker (BentoML runs one by default): the trees run
    # without the GIL, so a worker can use both cores when it holds both clients' keep-alive
    # connections, which asyncio's accept loop often gives one worker. 10k-row batches at
    # c=2: 12-27 req/s (one worker or both) -> 20-25 req/s.
    threads=2,
    # Access log off by default: per request it costs ~30% of the server's CPU (single rows:
    # 2.7-4.1 -> 2.0-2.4 ms). Request counts, statuses and latencies stay in /metrics;
    # rejected requests are still logged. BIKESHARE_ACCESS_LOG=1 turns it back on.
    logging={"access": {"enabled": os.environ.get("BIKESHARE_ACCESS_LOG", "0") == "1"}},
)
class Bikeshare:
    model_ref = bentoml.models.BentoModel(CHAMPION["bento_model_tag"])

    def __init__(self) -> None:
        from model.predictor import Predictor

        self.predictor = Predictor(bentoml.sklearn.load_model(self.model_ref))
        # Everything loaded so far lives as long as the worker: freeze it out of the garbage
        # collector. A full collection then scans only per-request objects (measured in a
        # worker-like process on the busy host: 220-260 ms -> ~0 ms).
        gc.collect()
        gc.freeze()
        self.version = CHAMPION["version"]
        self.metrics = metrics.create(self.version, CHAMPION["data"]["fingerprint"][:16])
        # From here on this worker's /predict and /predict_batch go through the lean route.
        lean_api.serve(self.rentals, self.version)

    def rentals(self, columns: dict[str, list]) -> Any:
        """Predicted rentals for validated columns, observed in the metrics."""
        rentals = self.predictor.predict(columns)
        self.metrics.observe(rentals)
        return rentals

    def _predict(self, columns: dict[str, list]) -> Prediction:
        """Predict from validated columns (feature name -> values, all the same length)."""
        return Prediction(rentals=self.rentals(columns).tolist(), model_version=self.version)

    # async: a single-row prediction takes well under a millisecond, less than the hop to
    # BentoML's worker thread; /predict_batch stays sync so that long batches run off the loop.
    @bentoml.api
    async def predict(
        self, records: Annotated[list[Record], Field(min_length=1, max_length=MAX_RECORDS)]
    ) -> Prediction:
        """Predict rentals for a list of hours (online, up to MAX_RECORDS per request)."""
        return self._predict({name: [getattr(r, name) for r in records] for name in FEATURES})

    @bentoml.api
    def predict_batch(self, columns: Columns) -> Prediction:
        """Predict rentals for a large batch sent column by column."""
        return self._predict({name: getattr(columns, name) for name in FEATURES})

    @bentoml.api
    def explain(
        self, records: Annotated[list[Record], Field(min_length=1, max_length=MAX_EXPLAIN_ROWS)]
    ) -> Explanation:
        """Each feature's contribution to log(predicted rentals) and the base value (SHAP)."""
        if getattr(self, "explainer", None) is None:  # shap loads on the first explanation
            self.explainer = Explainer(self.predictor.pipeline)
        columns = {name: [getattr(r, name) for r in records] for name in FEATURES}
        return explanation(self.explainer, columns, self.version)


Bikeshare.add_asgi_middleware(RequestGuard, max_body_bytes=MAX_BODY_BYTES)
Bikeshare.add_asgi_middleware(VersionRoute, payload=version_payload())
Bikeshare.add_asgi_middleware(SageMakerRoutes)  # GET /ping, POST /invocations: bento/sagemaker.py
# Inside BentoML's metrics and timeout middleware and after the guards (added in this order).
Bikeshare.add_asgi_middleware(LeanAPI, batch_threads=Bikeshare.config["threads"])
Bikeshare.add_asgi_middleware(
    OpenAPIRoute, service=Bikeshare, paths={"/version": VERSION_PATH}, version=CHAMPION["version"]
)
