"""POST /predict and /predict_batch answered by a lean ASGI route inside the bento.

BentoML's own API path costs ~2x the CPU of a FastAPI app doing the same work (its request
context, router and endpoint wrapper, JSON decoded in Python then validated). This route sits
inside BentoML's middleware stack, so the request metrics, the request timeout and the guards
(415/413, bento/guards.py) still apply, and answers from the raw body: the same pydantic
models validate the JSON bytes directly (pydantic-core), and pydantic-core writes the answer.
The APIs stay declared in bento/service.py: the OpenAPI document, BentoML's client and any
request that arrives before the worker's model is loaded go through BentoML as before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from pydantic_core import to_json

from bento.guards import json_response
from bento.schemas import MAX_RECORDS, STRICT, Columns, Record
from model.schema import FEATURES

logger = logging.getLogger("bentoml.service.bikeshare")
HEADERS = [(b"content-type", b"application/json")]
SHOWN_ERRORS = 5  # the answer names the first few failures, never the input


class RecordsBody(BaseModel):
    model_config = STRICT
    records: Annotated[list[Record], Field(min_length=1, max_length=MAX_RECORDS)]


class ColumnsBody(BaseModel):
    model_config = STRICT
    columns: Columns


RECORDS = TypeAdapter(RecordsBody)
COLUMNS = TypeAdapter(ColumnsBody)


def records_columns(body: bytes) -> dict[str, list]:
    records = RECORDS.validate_json(body).records
    return {name: [getattr(r, name) for r in records] for name in FEATURES}


def batch_columns(body: bytes) -> dict[str, list]:
    columns = COLUMNS.validate_json(body).columns
    return {name: getattr(columns, name) for name in FEATURES}


def error_message(error: ValidationError) -> str:
    shown = [
        f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}"
        for e in error.errors(include_url=False, include_input=False)[:SHOWN_ERRORS]
    ]
    more = error.error_count() - len(shown)
    return "; ".join(shown) + (f" (and {more} more)" if more > 0 else "")


class Model:
    """What a worker's service instance hands to the route once its model is loaded."""

    predict: Callable[[dict[str, list]], Any] | None = None  # columns -> rentals (ndarray)
    version: str = ""


MODEL = Model()


def serve(predict: Callable[[dict[str, list]], Any], version: str) -> None:
    MODEL.predict, MODEL.version = predict, version


class LeanAPI:
    def __init__(self, app: Any, batch_threads: int) -> None:
        self.app = app
        # Batches are parsed and predicted off the event loop (the trees release the GIL).
        self.pool = ThreadPoolExecutor(batch_threads, thread_name_prefix="batch")

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope.get("path")
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or path not in ("/predict", "/predict_batch")
            or MODEL.predict is None
        ):
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        if path == "/predict":
            status, answer = self.answer(records_columns, body, path)
        else:
            loop = asyncio.get_running_loop()
            status, answer = await loop.run_in_executor(
                self.pool, self.answer, batch_columns, body, path
            )
        await send({"type": "http.response.start", "status": status, "headers": HEADERS})
        await send({"type": "http.response.body", "body": answer})

    @staticmethod
    def answer(parse: Callable[[bytes], dict], body: bytes, path: str) -> tuple[int, bytes]:
        try:
            columns = parse(body)
        except ValidationError as error:
            kinds = sorted({e["type"] for e in error.errors(include_input=False)})
            logger.info(
                "rejected request on %s: %d validation error(s) of type %s",
                path,
                error.error_count(),
                kinds,
            )
            return 400, json_response(400, error_message(error))[1]["body"]
        rentals = MODEL.predict(columns)
        return 200, to_json({"rentals": rentals.tolist(), "model_version": MODEL.version})


async def read_body(receive: Any) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)
