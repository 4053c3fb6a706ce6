"""What makes a request acceptable, as plain functions: no ASGI, no BentoML.

The HTTP service (bento/bentoml_fixes/ layers) and any other entry point (a Lambda handler, a
test) call the same functions, so they give the same answers to the same requests:

    check_request(path, method, content_type, body)  -> columns (feature -> values)
                                                       or raises problems.Problem (4xx)

or the steps one by one: check_method, check_media_type, check_size, columns_from_body.
Each refusal is a problems.Problem with one sentence that names no request value.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from bento import problems
from bento.explain import MAX_EXPLAIN_ROWS
from bento.sagemaker import json_from_csv
from bento.schemas import MAX_BODY_BYTES, MAX_RECORDS, STRICT, Columns, Record
from model.schema import FEATURES

JSON_TYPE = "application/json"
CSV_TYPE = "text/csv"
# SageMaker's route: /predict's body as JSON, or the same rows as CSV (bento/sagemaker.py).
INVOCATIONS = "/invocations"


class RecordsBody(BaseModel):
    model_config = STRICT
    records: Annotated[list[Record], Field(min_length=1, max_length=MAX_RECORDS)]


class ExplainBody(BaseModel):
    model_config = STRICT
    records: Annotated[list[Record], Field(min_length=1, max_length=MAX_EXPLAIN_ROWS)]


class ColumnsBody(BaseModel):
    model_config = STRICT
    columns: Columns


RECORDS = TypeAdapter(RecordsBody)
EXPLAIN = TypeAdapter(ExplainBody)
COLUMNS = TypeAdapter(ColumnsBody)

# POST routes that take a body, and how each body becomes columns.
BODY_ROUTES = ("/predict", "/predict_batch", "/explain", INVOCATIONS)


def check_method(path: str, method: str) -> None:
    """405 unless a body route is called with POST."""
    if path in BODY_ROUTES and method.upper() != "POST":
        raise problems.Problem(405, f"{path} takes POST with a JSON body; see /docs.json.")


def media_type(content_type: str | None) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return (content_type or "").split(";")[0].strip().lower()


def check_media_type(path: str, content_type: str | None) -> str:
    """The body's media type if the route takes it, else 415."""
    kind = media_type(content_type)
    if kind == JSON_TYPE or (path == INVOCATIONS and kind == CSV_TYPE):
        return kind
    also = f" or as CSV with 'Content-Type: {CSV_TYPE}'" if path == INVOCATIONS else ""
    raise problems.Problem(
        415, f"Send the request body as JSON with 'Content-Type: {JSON_TYPE}'{also}."
    )


def check_size(size: int, limit: int = MAX_BODY_BYTES) -> None:
    """413 when a body (or its declared length) is over the limit."""
    if size > limit:
        raise problems.Problem(
            413, f"The request body is over {limit} bytes; split it or use /predict_batch."
        )


def columns_from_body(path: str, body: bytes, content_type: str = JSON_TYPE) -> dict[str, list]:
    """The body validated against the route's request model, as columns; 400 otherwise."""
    if path == INVOCATIONS:
        body = json_from_csv(body) if media_type(content_type) == CSV_TYPE else body
        path = "/predict"
    try:
        if path == "/predict_batch":
            columns = COLUMNS.validate_json(body).columns
            return {name: getattr(columns, name) for name in FEATURES}
        records = (EXPLAIN if path == "/explain" else RECORDS).validate_json(body).records
    except ValidationError as error:
        raise problems.from_validation_error(error) from None
    return {name: [getattr(r, name) for r in records] for name in FEATURES}


def check_request(path: str, method: str, content_type: str | None, body: bytes) -> dict[str, list]:
    """Every check of a request to a body route, in the HTTP service's order."""
    check_method(path, method)
    kind = check_media_type(path, content_type)
    check_size(len(body))
    return columns_from_body(path, body, kind)
