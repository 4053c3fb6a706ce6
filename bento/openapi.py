"""This service's OpenAPI document: what it is, its errors, its extra routes, real examples.

BentoML generates the paths and schemas of the APIs declared in bento/service.py;
bento/bentoml_fixes/openapi_document.py makes that valid 3.0 and removes BentoML's own
description and error schemas; `describe` (below) adds what a client needs:
- `info`: what the service predicts, in which unit, the Model-Version header, the error shape;
- the Problem schema (bento/problems.py) as the error answer of every route;
- the routes served outside BentoML's APIs: GET /version, SageMaker's GET /ping and
  POST /invocations (JSON or CSV);
- request and response examples from the golden set (config/golden.json: real hours of the
  champion's data with the answers the champion gives), so a client generated from this
  document (Postman's converter, for one) sends requests that succeed as they are.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from bento import problems
from bento.sagemaker import CSV_TYPE
from bento.schemas import MAX_BODY_BYTES
from model import paths
from model.schema import FEATURES

MODEL_VERSION_HEADER = "Model-Version"
EXAMPLE_ROWS = 2  # records in the /predict and /explain examples (the batch takes them all)
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

DESCRIPTION = """\
Predicts how many bikes will be rented in an hour of Washington D.C.'s Capital Bikeshare
system, from the calendar (season, month, hour, holiday, weekday, working day) and the weather
(situation, temperature, felt temperature, humidity, wind speed; normalised as in the UCI Bike
Sharing data set).

**Units.** `rentals` are bike rentals per hour (non-negative numbers, one per row sent, in
the order sent). `/explain` gives each feature's contribution to log(predicted rentals).

**Model version.** Every answer carries a `Model-Version` header naming the model that
served it (also `model_version` in each prediction, and GET /version for the whole record).

**Errors.** Every refusal, on every route, is RFC 9457 problem details
(`application/problem+json`, schema `Problem`): `status`, a one-sentence `detail`, and for a
body that does not match the schema an `errors` list of JSON Pointers into the body. No answer
or log repeats a request value. 400: the body does not match the schema; 405: wrong method;
413: body over 16 MiB; 415: not JSON (CSV is taken on /invocations only); 5xx: our side.

**Routes.** /predict takes up to 1,000 records; /predict_batch takes up to 100,000 rows as
columns; /explain up to 100 records. SageMaker's /invocations takes /predict's body, or the
same rows as CSV without a header line (columns in this order: {order}).
"""

PROBLEM_SCHEMA = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details: the one error shape of every route.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "Always about:blank: the status says it"},
        "title": {"type": "string", "description": "The HTTP status phrase"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "One sentence saying what to change"},
        "errors": {
            "type": "array",
            "description": "For a body that does not match the schema: where, and which rule",
            "items": {
                "type": "object",
                "required": ["pointer", "detail"],
                "properties": {
                    "pointer": {"type": "string", "description": "JSON Pointer into the body"},
                    "detail": {"type": "string"},
                },
            },
        },
    },
}

# The refusals a body route can give, each with an example the service really answers.
BODY_ERRORS = {
    400: problems.Problem(
        400,
        "records.0.hr: Input should be less than or equal to 23",
        [{"pointer": "#/records/0/hr", "detail": "Input should be less than or equal to 23"}],
    ),
    413: problems.Problem(
        413, f"The request body is over {MAX_BODY_BYTES} bytes; split it or use /predict_batch."
    ),
    415: problems.Problem(
        415, "Send the request body as JSON with 'Content-Type: application/json'."
    ),
    500: problems.generic(500),
    504: problems.generic(504),
}

# Short names of BentoML's operations (request names in a generated client); its own
# descriptions of the health routes stay as they are.
SUMMARIES = {
    "/predict": "Predict rentals for up to 1,000 hours",
    "/predict_batch": "Predict rentals for a batch sent as columns",
    "/explain": "Explain predictions: each feature's contribution",
    "/livez": "Liveness",
    "/healthz": "Liveness (deprecated alias of /livez)",
    "/readyz": "Readiness: 200 once the model is loaded",
    "/metrics": "Prometheus metrics",
}

VERSION_SCHEMA = {
    "type": "object",
    "required": ["model_version", "bento_model_tag", "data_fingerprint"],
    "properties": {
        "model_version": {"type": "string"},
        "bento_model_tag": {"type": "string"},
        "data_fingerprint": {"type": "string"},
        "trained_on": {
            "type": "object",
            "description": "The months the model was trained on, and the month held out",
            "properties": {
                "holdout": {"type": "string"},
                "periods": {"type": "array", "items": {"type": "string"}},
            },
        },
        "metrics": {"type": "object", "additionalProperties": {"type": "number"}},
        "code_commit": {"type": "string", "nullable": True},
    },
}


def golden() -> dict[str, Any]:
    return json.loads(paths.GOLDEN.read_text())


def problem_response(problem: problems.Problem) -> dict:
    return {
        "description": problem.document()["title"],
        "content": {
            problems.PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF, "example": problem.document()}
        },
    }


def json_content(schema: dict, example: Any) -> dict:
    return {"application/json": {"schema": schema, "example": example}}


def csv_text(records: list[dict]) -> str:
    return "".join(",".join(str(r[name]) for name in FEATURES) + "\n" for r in records)


def extra_paths(version: dict, predict: dict) -> dict:
    """GET /version and SageMaker's routes, which BentoML does not know of."""
    records = golden()["records"][:EXAMPLE_ROWS]
    invocations = copy.deepcopy(predict)
    invocations.update(
        tags=["SageMaker"],
        operationId="bikeshare__invocations",
        summary="SageMaker's inference route: /predict's JSON, or the same rows as CSV",
    )
    invocations["requestBody"]["content"][CSV_TYPE] = {
        "schema": {"type": "string", "description": "One row per hour, no header line"},
        "example": csv_text(records),
    }
    return {
        "/version": {
            "get": {
                "tags": ["Infrastructure"],
                "operationId": "bikeshare__version",
                "summary": "The model being served",
                "description": "Model version, BentoML model tag, data fingerprint, training "
                "date, holdout metrics and code commit of the champion this service serves.",
                "responses": {
                    "200": {
                        "description": "The champion record's identity",
                        "content": json_content(VERSION_SCHEMA, version),
                    }
                },
            }
        },
        "/ping": {
            "get": {
                "tags": ["SageMaker"],
                "operationId": "bikeshare__ping",
                "summary": "SageMaker's health check: 200 once the model is loaded (/readyz)",
                "responses": {"200": {"description": "Ready"}},
            }
        },
        "/invocations": {"post": invocations},
    }


def add_examples(document: dict, model_version: str) -> None:
    """Request and response examples of the APIs, from the golden set."""
    gold = golden()
    records, rentals = gold["records"], gold["rentals"]
    some = records[:EXAMPLE_ROWS]
    requests = {
        "/predict": ({"records": some}, {"rentals": rentals[:EXAMPLE_ROWS]}),
        "/predict_batch": (
            {"columns": {name: [r[name] for r in records] for name in FEATURES}},
            {"rentals": rentals},
        ),
        "/explain": ({"records": some}, None),
    }
    for path, (request, answer) in requests.items():
        operation = document["paths"][path]["post"]
        operation["requestBody"]["content"]["application/json"]["example"] = request
        if answer is not None:
            ok = operation["responses"]["200"]["content"]["application/json"]
            ok["example"] = {**answer, "model_version": model_version}


def describe(document: dict, model_version: str, version_payload: dict) -> dict:
    """The service's description, errors, extra routes and examples on BentoML's paths."""
    out = copy.deepcopy(document)
    out["info"] = {
        "title": "Bike rentals per hour",
        "version": model_version,
        "description": DESCRIPTION.replace("{order}", ", ".join(FEATURES)),
    }
    out["tags"] = [
        {"name": "Service APIs", "description": "Predictions and explanations"},
        {"name": "Infrastructure", "description": "Health, readiness, metrics and version"},
        {"name": "SageMaker", "description": "SageMaker's hosting contract on this service"},
    ]
    out.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    out["components"]["headers"] = {
        MODEL_VERSION_HEADER: {
            "description": "The version of the model that served this answer",
            "schema": {"type": "string", "example": model_version},
        }
    }
    add_examples(out, model_version)
    out["paths"].update(extra_paths(version_payload, out["paths"]["/predict"]["post"]))
    header_ref = {MODEL_VERSION_HEADER: {"$ref": f"#/components/headers/{MODEL_VERSION_HEADER}"}}
    for path, item in out["paths"].items():
        for method, operation in item.items():
            if path in SUMMARIES:
                operation["summary"] = SUMMARIES[path]
            responses = operation.setdefault("responses", {})
            if method == "post":
                responses.update({str(s): problem_response(p) for s, p in BODY_ERRORS.items()})
            responses["default"] = problem_response(problems.generic(503))
            responses["default"]["description"] = "Any other refusal (problem details)"
            for response in responses.values():
                response["headers"] = header_ref
    return out
