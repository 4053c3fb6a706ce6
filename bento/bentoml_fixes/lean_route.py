"""POST /predict, /predict_batch and /explain: bodies judged here, predictions answered here.

Upstream behaviour (BentoML 1.4.39, _bentoml_impl/server/app.py `api_endpoint_wrapper`):
1. Cost: BentoML's own API path (request context, router, endpoint wrapper, generated input
   model) costs ~2x the CPU of a FastAPI app doing the same work at the server level; in
   process it is ~200x a pydantic-core route (bentoml/BentoML#3431 reports the same gap).
2. Bad requests: a body that fails validation gets BentoML's own shape,
   `{"error": "N validation error for Input", "detail": [pydantic's errors with their
   documentation URLs]}`; a body BentoML cannot parse at all (multipart/form-data with no
   boundary) gets 500; a 4xx BentoML raises itself is sent as a one-element JSON list
   (`detail = ({"error": ...},)`). No upstream issue found for these (searched
   bentoml/BentoML: validation error, 400, 500, detail); #3652 covers user exceptions -> 500.
This route sits inside BentoML's middleware stack (request metrics and the request timeout
still apply) and behind request_limits.py (413/415). It validates every body route's JSON
bytes with the request models of bento/request_checks.py (pydantic-core, no Python decoding)
and answers a bad body with the service's problem shape (bento/problems.py). A good body on
/predict or /predict_batch is predicted here once the worker's model is loaded; /explain, and
any request before that, go on to BentoML's API (declared in bento/service.py, which also
gives the OpenAPI document and BentoML's client).
Unnecessary when BentoML's path costs about what this one does (`make bench` without this
layer) and answers bad bodies with 4xx in a shape of the service's choosing: the canaries
`test_bentoml_api_path_costs_far_more_than_a_lean_route` and
`test_bentoml_answers_bad_bodies_in_its_own_shape` then fail.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pydantic_core import to_json

from bento import problems, request_checks
from bento.asgi import json_messages, read_body, send_problem

logger = logging.getLogger("bentoml.service.bikeshare")
PREDICTED = ("/predict", "/predict_batch")
OFF_THE_LOOP = ("/predict_batch",)  # large bodies: parsed and predicted in a thread


class Model:
    """What a worker's service instance hands to the route once its model is loaded."""

    predict: Callable[[dict[str, list]], Any] | None = None  # columns -> rentals (ndarray)
    version: str = ""


MODEL = Model()


def serve(predict: Callable[[dict[str, list]], Any], version: str) -> None:
    MODEL.predict, MODEL.version = predict, version


def answer(path: str, body: bytes) -> tuple[int, bytes, str] | None:
    """(status, body, media type) for a body route, or None to let BentoML answer."""
    try:
        columns = request_checks.columns_from_body(path, body)
    except problems.Problem as problem:
        # The status and a count only: details can hold the caller's field names.
        logger.info(
            "rejected request on %s: %d (%d error(s))",
            path,
            problem.status,
            max(1, len(problem.errors)),
        )
        return problem.status, problem.body(), problems.PROBLEM_MEDIA_TYPE
    if path not in PREDICTED or MODEL.predict is None:
        return None
    try:
        rentals = MODEL.predict(columns)
    except Exception as error:  # never the input in the log: the type says enough to start
        logger.error("prediction failed on %s: %s", path, type(error).__name__)
        problem = problems.generic(500)
        return 500, problem.body(), problems.PROBLEM_MEDIA_TYPE
    body = to_json({"rentals": rentals.tolist(), "model_version": MODEL.version})
    return 200, body, "application/json"


class LeanRoute:
    def __init__(self, app: Any, batch_threads: int) -> None:
        self.app = app
        # Batches are parsed and predicted off the event loop (the trees release the GIL).
        self.pool = ThreadPoolExecutor(batch_threads, thread_name_prefix="batch")

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope.get("path")
        if scope["type"] != "http" or path not in request_checks.BODY_ROUTES:
            await self.app(scope, receive, send)
            return
        try:
            request_checks.check_method(path, scope["method"])
        except problems.Problem as problem:
            await send_problem(send, problem)
            return
        body = await read_body(receive)
        if body is None:
            return
        if path in OFF_THE_LOOP:
            loop = asyncio.get_running_loop()
            answered = await loop.run_in_executor(self.pool, answer, path, body)
        else:
            answered = answer(path, body)
        if answered is None:
            await self.app(scope, replay(body, receive), send)
            return
        for message in json_messages(*answered):
            await send(message)


def replay(body: bytes, receive: Any) -> Any:
    """A receive callable that gives `body` once, then the client's own messages."""
    pending = [body]

    async def receive_again() -> dict:
        if pending:
            return {"type": "http.request", "body": pending.pop(), "more_body": False}
        return await receive()

    return receive_again
