"""SageMaker's hosting contract on the same service: GET /ping and POST /invocations.

SageMaker starts the image with the argument `serve` and sends traffic to port 8080
(bento/entrypoint.sh picks the port). This middleware maps its two routes onto the service's
own, so every answer has one implementation:
- GET /ping is /readyz (200 once the model is loaded);
- POST /invocations is /predict. A JSON body is /predict's body as it is ({"records": [...]});
  a CSV body (Content-Type: text/csv) is turned into that same JSON first. Both then go
  through the same request model, the same validation and the same 4xx answers; the answer
  is /predict's JSON ({"rentals": [...], "model_version": ...}).

CSV, decided here: one row per hour, NO header line, the columns of model/schema.py's
FEATURES in that order (season, mnth, hr, holiday, weekday, workingday, weathersit, temp,
atemp, hum, windspeed). No header because SageMaker Batch Transform splits a file by line
(SplitType=Line) and a header would reach only the first mini-batch. A cell means what the
same text means in /predict's JSON: in a numeric column an integer literal is an integer and
a decimal literal (or nan, inf) a number; anything else, and every cell of a category column,
is a string. So `8.5` in `hr` and `24` in `hr` get exactly the answers `"hr": 8.5` and
`"hr": 24` get. A header line, a row with the wrong number of values, or a body that is not
UTF-8 CSV answers 400 (problem details, bento/problems.py) with one sentence that names no
value; so does a body of over MAX_RECORDS rows (the limit of /predict), read no further than
that. Batch Transform must
therefore send at most MAX_RECORDS rows per request (BatchStrategy=SingleRecord, or
MultiRecord with a payload that small); large sets belong to the scoring job (scoring/).
Bodies are size-limited by bento/bentoml_fixes/request_limits.py before they get here (it
lets text/csv through on /invocations only). The CSV rules are plain functions
(`records_from_csv`, `json_from_csv`), so other entry points give the same answers.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from typing import Any

from bento import problems
from bento.asgi import read_body, send_problem
from bento.schemas import MAX_RECORDS
from model.schema import BY_NAME, FEATURES

PING, INVOCATIONS = "/ping", "/invocations"
READY, PREDICT = "/readyz", "/predict"
CSV_TYPE = "text/csv"
# Python's int() and float() also take "1_000", " 8 ", "8\n" and non-ASCII digits: only plain
# ASCII literals here.
INTEGER = re.compile(r"[+-]?[0-9]+")
DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
NON_FINITE = re.compile(r"[+-]?(nan|inf|infinity)", re.IGNORECASE)
KINDS = tuple(BY_NAME[name].kind for name in FEATURES)
ORDER = ", ".join(FEATURES)

Scope = dict[str, Any]


class CsvError(ValueError):
    """A CSV body that cannot be read as rows of FEATURES (the message names no value)."""


def value(kind: str, text: str) -> Any:
    """A CSV cell as the JSON value with the same text (the request model judges it)."""
    # No number has 100 characters; int() would even refuse over 4,300 digits.
    if kind != "category" and len(text) < 100:
        if INTEGER.fullmatch(text):
            return int(text)
        if DECIMAL.fullmatch(text) or NON_FINITE.fullmatch(text):
            return float(text)
    return text


def records_from_csv(body: bytes) -> list[dict[str, Any]]:
    """/predict's records from a CSV body: no header, one row per record, FEATURES' order."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise CsvError("the CSV body is not UTF-8 text") from err
    # Trailing newlines end the body; any blank line before them is a row with no values.
    reader = csv.reader(io.StringIO(text.rstrip("\r\n")), strict=True)
    try:
        # One row past the limit, no further: 16 MiB of short rows would be ~400k records.
        rows = list(itertools.islice(reader, MAX_RECORDS + 1))
    except csv.Error as err:
        raise CsvError(f"the CSV body is malformed ({err})") from err
    if len(rows) > MAX_RECORDS:
        raise CsvError(f"the CSV body has over {MAX_RECORDS} rows; send at most that many")
    if rows and [cell.strip() for cell in rows[0]] == list(FEATURES):
        raise CsvError(f"send CSV rows without a header line; the columns are, in order: {ORDER}")
    records = []
    for line, row in enumerate(rows, start=1):
        if len(row) != len(FEATURES):
            raise CsvError(
                f"CSV line {line} has {len(row)} values; expected {len(FEATURES)}, "
                f"in this order: {ORDER}"
            )
        records.append({n: value(k, c) for n, k, c in zip(FEATURES, KINDS, row, strict=True)})
    return records


def json_from_csv(body: bytes) -> bytes:
    """A CSV body as /predict's JSON body (the request model then judges it), else 400."""
    try:
        records = records_from_csv(body)
    except CsvError as error:
        sentence = str(error)
        raise problems.Problem(400, sentence[0].upper() + sentence[1:].rstrip(".") + ".") from None
    # allow_nan: a "nan" cell reaches the request model, which refuses it as in JSON.
    return json.dumps({"records": records}).encode()


def media_type(scope: Scope) -> str:
    for key, raw in scope["headers"]:
        if key == b"content-type":
            return raw.split(b";")[0].strip().decode("latin-1").lower()
    return ""


def at(scope: Scope, path: str) -> Scope:
    """The same request addressed to another route of the service."""
    return {**scope, "path": path, "raw_path": path.encode()}


class SageMakerRoutes:
    """ASGI middleware: /ping -> /readyz, /invocations -> /predict (JSON as is, CSV converted)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        path = scope.get("path") if scope["type"] == "http" else None
        if path == PING:
            await self.app(at(scope, READY), receive, send)
        elif path != INVOCATIONS:
            await self.app(scope, receive, send)
        elif media_type(scope) != CSV_TYPE:
            await self.app(at(scope, PREDICT), receive, send)
        else:
            await self._csv(scope, receive, send)

    async def _csv(self, scope: Scope, receive: Any, send: Any) -> None:
        body = await read_body(receive)
        if body is None:
            return
        try:
            payload = json_from_csv(body)
        except problems.Problem as problem:
            await send_problem(send, problem)
            return
        headers = [
            (key, raw)
            for key, raw in scope["headers"]
            if key not in (b"content-type", b"content-length", b"transfer-encoding")
        ]
        headers.append((b"content-type", b"application/json"))
        headers.append((b"content-length", b"%d" % len(payload)))
        pending: list[bytes] = [payload]

        async def replay() -> dict:
            if pending:
                return {"type": "http.request", "body": pending.pop(), "more_body": False}
            return await receive()

        await self.app({**at(scope, PREDICT), "headers": headers}, replay, send)
