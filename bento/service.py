"""Bike rentals per hour: online, batch and explained predictions of the champion model.

Read it as BentoML's quickstart: a service class, its model, three APIs. What this service adds
around BentoML is one call at the end (bento/bentoml_fixes/, each workaround with its upstream
issue), plus its own pieces: request rules as plain functions (bento/request_checks.py), one
error shape (bento/problems.py), its OpenAPI description (bento/openapi.py), SageMaker's
routes (bento/sagemaker.py) and its Prometheus metrics (bento/metrics.py). BentoML provides
/livez, /readyz, /metrics and /docs.json.
"""

from __future__ import annotations

import gc
import os
from functools import partial
from typing import Annotated, Any

import bentoml
from pydantic import Field

from bento import champion, metrics, openapi
from bento.bentoml_fixes import lean_route
from bento.bentoml_fixes.install import apply as install_bentoml_fixes
from bento.explain import MAX_EXPLAIN_ROWS, Explainer, Explanation, explanation
from bento.image import IMAGE
from bento.model_version_header import ModelVersionHeader
from bento.sagemaker import SageMakerRoutes
from bento.schemas import MAX_BODY_BYTES, MAX_RECORDS, Columns, Prediction, Record
from model.schema import FEATURES

# numpy, pandas and scikit-learn are imported in the worker only (in Bikeshare.__init__):
# `bentoml serve` imports this module in its supervisor process too, which then stays at
# ~40 MiB instead of ~220 MiB, and spawns the worker sooner.

# One OpenMP thread per worker, read when scikit-learn loads its OpenMP runtime (after this
# line). HistGradientBoosting opens a parallel region per tree (max_iter of them); with as
# many workers as cores, more threads only contend: 10x slower on a busy 2-core host.
os.environ.setdefault("OMP_NUM_THREADS", "1")

CHAMPION = champion.checked_record()  # exits 3 unless the stored model is the reviewed bytes


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
        # The bytes passed their sha256 check; if they still cannot be unpickled or warmed up
        # (Predictor checks its fast paths against the pipeline), the worker ends with one
        # sentence and `bentoml serve` with it (bento/champion.py), instead of a restart loop.
        with champion.loading(CHAMPION):
            from model.predictor import Predictor

            self.predictor = Predictor(bentoml.sklearn.load_model(self.model_ref))
        self.version = CHAMPION["version"]
        self.metrics = metrics.create(self.version, CHAMPION["data"]["fingerprint"][:16])
        self.explainer: Explainer | None = None  # shap loads on the first explanation
        # Everything loaded so far lives as long as the worker: freeze it out of the garbage
        # collector. A full collection then scans only per-request objects (measured in a
        # worker-like process on the busy host: 220-260 ms -> ~0 ms).
        gc.collect()
        gc.freeze()
        # From here on this worker's /predict and /predict_batch go through the lean route.
        lean_route.serve(self.rentals, self.version)

    # async: a single-row prediction takes well under a millisecond, less than the hop to
    # BentoML's worker thread; /predict_batch stays sync so that long batches run off the loop.
    @bentoml.api
    async def predict(
        self, records: Annotated[list[Record], Field(min_length=1, max_length=MAX_RECORDS)]
    ) -> Prediction:
        """Predicted rentals for a list of hours (online, up to 1,000 records per request)."""
        return self.prediction({name: [getattr(r, name) for r in records] for name in FEATURES})

    @bentoml.api
    def predict_batch(self, columns: Columns) -> Prediction:
        """Predicted rentals for a large batch sent column by column (up to 100,000 rows)."""
        return self.prediction({name: getattr(columns, name) for name in FEATURES})

    @bentoml.api
    def explain(
        self, records: Annotated[list[Record], Field(min_length=1, max_length=MAX_EXPLAIN_ROWS)]
    ) -> Explanation:
        """Each feature's contribution to log(predicted rentals) and the base value (SHAP)."""
        if self.explainer is None:
            self.explainer = Explainer(self.predictor.pipeline)
        columns = {name: [getattr(r, name) for r in records] for name in FEATURES}
        return explanation(self.explainer, columns, self.version)

    def rentals(self, columns: dict[str, list]) -> Any:
        """Predicted rentals for validated columns, observed in the metrics."""
        rentals = self.predictor.predict(columns)
        self.metrics.observe(rentals)
        return rentals

    def prediction(self, columns: dict[str, list]) -> Prediction:
        return Prediction(rentals=self.rentals(columns).tolist(), model_version=self.version)


install_bentoml_fixes(
    Bikeshare,
    max_body_bytes=MAX_BODY_BYTES,
    get_routes={"/version": champion.version_payload(CHAMPION)},
    describe=partial(
        openapi.describe,
        model_version=CHAMPION["version"],
        version_payload=champion.version_payload(CHAMPION),
    ),
    outer=[(ModelVersionHeader, {"version": CHAMPION["version"]})],
    inner=[SageMakerRoutes],  # GET /ping -> /readyz, POST /invocations -> /predict
    fatal_exit_codes=champion.FATAL_EXIT_CODES,  # a worker that cannot start ends the server
)
