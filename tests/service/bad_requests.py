"""Bad requests and the status each must get: shared by the service and container tests.

Values that must never reach a log are marked with SENTINEL or unusual digits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

SENTINEL = "zq-sentinel-7731"
SENTINEL_NUMBER = "1.98765"
SENTINEL_KEY = "zq-sentinel-key-4410"  # a field name: neither echoed in the answer nor logged
SENTINELS = (SENTINEL, SENTINEL_NUMBER, SENTINEL_KEY)

GOOD_RECORD = {
    "season": 1,
    "mnth": "Jan",
    "hr": 8,
    "holiday": 0,
    "weekday": 1,
    "workingday": 1,
    "weathersit": "clear",
    "temp": 0.3,
    "atemp": 0.3,
    "hum": 0.5,
    "windspeed": 0.1,
}
MAX_BODY_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class BadRequest:
    name: str
    path: str
    body: bytes
    status: int
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})
    chunked: bool = False


def _records(*records: dict) -> bytes:
    return json.dumps({"records": list(records)}).encode()


def _with(**changes) -> dict:
    return {**GOOD_RECORD, **changes}


def _without(name: str) -> dict:
    return {k: v for k, v in GOOD_RECORD.items() if k != name}


def _columns(rows: int, **overrides) -> bytes:
    columns = {k: [v] * rows for k, v in GOOD_RECORD.items()} | overrides
    return json.dumps({"columns": columns}).encode()


BAD_REQUESTS = [
    BadRequest("malformed json", "/predict", b'{"records": [{"season": 1,', 400),
    BadRequest("empty body", "/predict", b"", 400),
    BadRequest("json not an object", "/predict", b"[1, 2, 3]", 400),
    BadRequest("wrong type", "/predict", _records(_with(temp=SENTINEL)), 400),
    BadRequest("number as string", "/predict", _records(_with(hr="8")), 400),
    BadRequest("missing field", "/predict", _records(_without("hum")), 400),
    BadRequest("unknown field", "/predict", _records(_with(**{SENTINEL_KEY: 1})), 400),
    BadRequest("out of range", "/predict", _records(_with(hum=float(SENTINEL_NUMBER))), 400),
    BadRequest("unknown category", "/predict", _records(_with(weathersit=SENTINEL)), 400),
    BadRequest(
        "nan", "/predict", _records(GOOD_RECORD).replace(b'"temp": 0.3', b'"temp": NaN'), 400
    ),
    BadRequest(
        "infinity",
        "/predict",
        _records(GOOD_RECORD).replace(b'"hum": 0.5', b'"hum": Infinity'),
        400,
    ),
    BadRequest("empty list", "/predict", _records(), 400),
    BadRequest("too many records", "/predict", _records(*[GOOD_RECORD] * 1001), 400),
    BadRequest(
        "batch columns of unequal length", "/predict_batch", _columns(3, temp=[0.2, 0.2]), 400
    ),
    BadRequest("batch empty columns", "/predict_batch", _columns(0), 400),
    BadRequest("batch out of range", "/predict_batch", _columns(2, hr=[1, 24]), 400),
    BadRequest(
        "not json", "/predict", _records(GOOD_RECORD), 415, headers={"content-type": "text/plain"}
    ),
    BadRequest(
        "multipart without a boundary",
        "/predict",
        _records(GOOD_RECORD),
        415,
        headers={"content-type": "multipart/form-data"},
    ),
    BadRequest("explain out of range", "/explain", _records(_with(hr=24)), 400),
    BadRequest("explain unknown field", "/explain", _records(_with(**{SENTINEL_KEY: 1})), 400),
    BadRequest("explain malformed json", "/explain", b'{"records": [', 400),
    BadRequest(
        "batch unknown column", "/predict_batch", _columns(2, **{SENTINEL_KEY: [1, 2]}), 400
    ),
    BadRequest("invocations wrong type", "/invocations", _records(_with(temp=SENTINEL)), 400),
    BadRequest("body over the limit", "/predict", b" " * (MAX_BODY_BYTES + 1), 413),
    BadRequest(
        "chunked body over the limit", "/predict", b" " * (MAX_BODY_BYTES + 1), 413, chunked=True
    ),
]
