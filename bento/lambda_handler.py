"""The service image as an AWS Lambda function: API Gateway proxy events in, proxy responses out.

    entry point (same image):  python -m awslambdaric bento.lambda_handler.handler

Routes: POST /predict, /predict_batch, /explain; GET /version, /healthz (and /readyz).
Events: REST API (payload 1.0, what modules/api-gateway sends through its
`/lambda/{proxy+}` AWS_PROXY integration) and HTTP API (payload 2.0) alike; the route is the
`proxy` path parameter when there is one, else the path.

Why the runtime interface client with a handler over the one predictor, not Mangum over an
ASGI app:
- The image is built on the project's own Debian base, not on an AWS Lambda base image, so
  it needs the runtime interface client (awslambdaric, pinned in bento/requirements.txt)
  either way: Mangum runs inside a handler that awslambdaric calls; it does not replace it.
- The service's ASGI app is BentoML's: a supervisor that binds a port and spawns workers, each
  loading the model in `Bikeshare.__init__`, with per-worker Prometheus files and a request
  timeout of its own. Lambda gives one request at a time per execution environment, no port,
  and freezes the process between requests; building BentoML's app without its server would
  mean calling its private app factory (framework internals), and every cold start would pay
  for BentoML's server machinery that Lambda does not use.
- What must be the same is the inference path and the answers, and those are plain functions:
  the model is loaded exactly as the scoring job loads it (scoring.job.load_predictor: the
  bento's model store, the file's sha256 checked against the champion record), predictions
  go through model/predictor.py's Predictor, explanations through bento/explain.py, and
  requests are parsed, validated and refused with the service's own checks and problem
  details (bento/lambda_contract.py, the one adapter). No second inference path.
- The image's default entry point is untouched: no argument serves with `bentoml serve`,
  `serve` is SageMaker's; Lambda's function configuration overrides the command only.

Bad input gets the service's answers: 400 for a body the request models refuse, 413 over
MAX_BODY_BYTES, 415 for a body that is not JSON, each an RFC 9457 problem document
(application/problem+json) naming no value; 404/405 for another route or method. Every
answer carries the Model-Version header, as the service's do. Lambda itself refuses
requests over 6 MB before this code runs (a synchronous invocation's payload limit), and REST
APIs over 10 MB. Nothing of a request is logged: a rejected request is logged by route and
status only.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import time
from typing import Any

from bento import lambda_contract as contract
from model import paths

# One OpenMP thread (as bento/service.py): a Lambda function gets one vCPU per 1,769 MB.
os.environ.setdefault("OMP_NUM_THREADS", "1")

logger = logging.getLogger("bikeshare.lambda")
JSON_HEADERS = {"content-type": "application/json"}
POST_ROUTES = ("/predict", "/predict_batch", "/explain")
GET_ROUTES = ("/version", "/healthz", "/readyz")

Event = dict[str, Any]
Response = dict[str, Any]


def answer(status: int, body: str, headers: dict[str, str] | None = None) -> Response:
    """A proxy integration response (valid for payload 1.0 and 2.0)."""
    return {
        "statusCode": status,
        "headers": {**JSON_HEADERS, **(headers or {})},
        "body": body,
        "isBase64Encoded": False,
    }


def problem(refusal: contract.Problem) -> Response:
    """The service's problem details for a refusal."""
    return answer(refusal.status, refusal.body().decode(), refusal.headers())


def refuse(status: int, message: str) -> Response:
    return problem(contract.Problem(status, message))


def route_of(event: Event) -> tuple[str, str]:
    """(method, route) of a REST API (1.0) or HTTP API (2.0) proxy event."""
    if event.get("version") == "2.0":
        method = event["requestContext"]["http"]["method"]
        path = event.get("rawPath") or "/"
    else:
        method = event.get("httpMethod") or ""
        path = event.get("path") or "/"
    proxy = (event.get("pathParameters") or {}).get("proxy")
    if proxy is not None:  # /lambda/{proxy+}: the service's route is what the proxy matched
        path = "/" + proxy.lstrip("/")
    return method.upper(), "/" + path.strip("/")


def header(event: Event, name: str) -> str:
    """A request header, whatever its case (1.0 keeps the client's, 2.0 lowercases)."""
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name:
            return value or ""
    return ""


def body_of(event: Event) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return body.encode("utf-8", "surrogatepass")


class Handler:
    """The service's routes over one loaded predictor; `handler(event, context)` for Lambda."""

    def __init__(self, predictor: Any, champion: dict[str, Any]) -> None:
        self.predictor = predictor
        self.version = champion["version"]
        self.version_body = json.dumps(contract.version_payload(champion))
        self.explainer: Any = None  # shap loads on the first explanation, as in the service

    def __call__(self, event: Event, context: Any = None) -> Response:
        response = self.route(event)
        response["headers"][contract.MODEL_VERSION_HEADER] = self.version
        return response

    def route(self, event: Event) -> Response:
        method, route = route_of(event)
        if route in GET_ROUTES:
            if method not in ("GET", "HEAD"):
                return problem(contract.generic(405))
            if route == "/version":
                return answer(200, self.version_body)
            return answer(200, json.dumps({"status": "ready", "model_version": self.version}))
        if route not in POST_ROUTES:
            return problem(contract.generic(404))
        if method != "POST":
            return refuse(405, f"{route} takes POST with a JSON body; see /docs.json.")
        try:
            contract.check_media_type(route, header(event, "content-type"))
            try:
                body = body_of(event)
            except ValueError:  # binascii.Error: not base64
                raise contract.Problem(
                    400, "The request body is not valid base64 (isBase64Encoded is set)."
                ) from None
            contract.check_size(len(body))
            columns = contract.columns_from_body(route, body)
        except contract.Problem as refusal:
            logger.info("rejected request on %s: %d", route, refusal.status)
            return problem(refusal)
        if route == "/explain":
            return answer(200, self.explain(columns))
        rentals = self.predictor.predict(columns)
        return answer(200, json.dumps({"rentals": rentals.tolist(), "model_version": self.version}))

    def explain(self, columns: dict[str, list]) -> str:
        from bento.explain import Explainer, explanation

        if self.explainer is None:
            self.explainer = Explainer(self.predictor.pipeline)
        return explanation(self.explainer, columns, self.version).model_dump_json()


def load() -> Handler:
    """The champion, loaded as the scoring job loads it (sha256 checked before unpickling)."""
    from scoring.job import load_predictor

    start = time.perf_counter()
    champion = json.loads(paths.CHAMPION.read_text())
    loaded = Handler(load_predictor(champion["bento_model_tag"]), champion)
    logger.info(
        "model %s loaded in %.0f ms", champion["version"], 1000 * (time.perf_counter() - start)
    )
    return loaded


_HANDLER: Handler | None = None


def handler(event: Event, context: Any) -> Response:
    """The function's entry point (awslambdaric calls it once per invocation)."""
    global _HANDLER
    if _HANDLER is None:
        _HANDLER = load()
    try:
        return _HANDLER(event, context)
    except Exception as error:  # an answer, never a stack trace or request data to the caller
        logger.error("request failed: %s", type(error).__name__)
        return problem(contract.generic(500))


# On Lambda the model loads during the init phase (before the first event, and ahead of
# traffic with provisioned concurrency); imported anywhere else, on the first call.
if os.environ.get("AWS_LAMBDA_RUNTIME_API"):
    # awslambdaric has already sent the root logger to the function's log, at WARNING: the
    # model load and rejected requests (kinds of error only) are worth INFO there.
    logger.setLevel(logging.INFO)
    _HANDLER = load()
