"""What the Lambda handler takes from the service, in one place: request models, validation,
the error body and the guards' limits and sentences.

The handler (bento/lambda_handler.py) must answer bad input exactly as the service does, so
it decides nothing here of its own: it parses with the service's pydantic models
(bento/lean_api.py, bento/schemas.py), words validation errors with the service's function,
and refuses media types and sizes with the rules and sentences of bento/guards.py. When the
service's error answers become plain functions of their own, this module is the one place
to point at them.
"""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from bento import lean_api
from bento.explain import MAX_EXPLAIN_ROWS
from bento.guards import JSON_TYPES
from bento.schemas import MAX_BODY_BYTES, STRICT, Record
from model.schema import FEATURES

__all__ = [
    "MAX_BODY_BYTES",
    "ValidationError",
    "batch_columns",
    "error_body",
    "explain_columns",
    "media_type_refusal",
    "records_columns",
    "size_refusal",
    "validation_message",
]

records_columns = lean_api.records_columns  # POST /predict body -> validated columns
batch_columns = lean_api.batch_columns  # POST /predict_batch body -> validated columns
validation_message = lean_api.error_message  # a ValidationError as the service words it


class ExplainBody(BaseModel):
    """POST /explain's body: /predict's records, at most MAX_EXPLAIN_ROWS of them."""

    model_config = STRICT
    records: Annotated[list[Record], Field(min_length=1, max_length=MAX_EXPLAIN_ROWS)]


EXPLAIN = TypeAdapter(ExplainBody)


def explain_columns(body: bytes) -> dict[str, list]:
    records = EXPLAIN.validate_json(body).records
    return {name: [getattr(r, name) for r in records] for name in FEATURES}


def error_body(message: str) -> str:
    """The service's error answer: {"error": message} (bento/guards.json_response)."""
    return json.dumps({"error": message})


def media_type_refusal(media_type: str) -> str | None:
    """The 415 sentence of bento/guards.RequestGuard, or None for a JSON body."""
    if media_type.lower() in JSON_TYPES:
        return None
    return "send the request body as JSON with 'Content-Type: application/json'"


def size_refusal(size: int, limit: int = MAX_BODY_BYTES) -> str | None:
    """The 413 sentence of bento/guards.RequestGuard, or None within the limit."""
    if size <= limit:
        return None
    return f"request body is over {limit} bytes; split it or use /predict_batch"
