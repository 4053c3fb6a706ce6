"""What `bentoml.batch.run_in_spark` does, for a service it cannot run.

bentoml 1.4.39's run_in_spark expects the legacy service API (`api.input.from_arrow`) and
fails on a `@bentoml.service` class ("'APIMethod' object has no attribute 'input'"). Its
design is: in each partition, start the bento's HTTP server, send every Arrow batch to the API
over HTTP, read the answers. This module does exactly that with the service's /predict_batch,
so the two designs (model in the Python worker vs. a server per partition) can be timed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from model.schema import BY_NAME, FEATURES

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _typed(batch: pd.DataFrame) -> dict:
    out = {}
    for name in FEATURES:
        kind = BY_NAME[name].kind
        column = batch[name]
        out[name] = (
            column.tolist()
            if kind == "category"
            else column.astype("int64" if kind == "int" else "float64").tolist()
        )
    return out


def predict_in_worker(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """The other design, reduced to the same work: the model in the Python worker."""
    from scoring.job import champion, load_predictor

    predictor = load_predictor(champion().bento_model_tag)
    for batch in batches:
        yield pd.DataFrame({"rentals": predictor.predict_frame(pd.DataFrame(_typed(batch)))})


def score_over_http(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    port = _free_port()
    bentoml = Path(sys.executable).parent / "bentoml"
    server = subprocess.Popen(
        [str(bentoml), "serve", "bento.service:Bikeshare", "--host=127.0.0.1", f"--port={port}"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "BENTOML_DO_NOT_TRACK": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the bento server did not become ready") from None
                time.sleep(0.2)
        for batch in batches:
            body = json.dumps({"columns": _typed(batch)}).encode()
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/predict_batch",
                data=body,
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=300) as response:
                rentals = json.loads(response.read())["rentals"]
            yield pd.DataFrame({"rentals": rentals})
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
