"""SageMaker requests shared by the service and container tests: rows as CSV, and CSV cells
that must get exactly the answer the same value gets as JSON on /predict."""

from __future__ import annotations

import json

from model.schema import FEATURES
from tests.service.bad_requests import GOOD_RECORD, SENTINEL

CSV = {"content-type": "text/csv"}
JSON = {"content-type": "application/json"}


def csv_line(record: dict, **cells: str) -> str:
    """One CSV row of `record` in FEATURES' order, with some cells replaced by raw text."""
    return ",".join(cells.get(name, str(record[name])) for name in FEATURES)


def csv_body(records: list[dict]) -> bytes:
    return "".join(csv_line(record) + "\n" for record in records).encode()


# (case, CSV cell replacements, the same values as /predict's JSON text)
CSV_LIKE_JSON = [
    ("out of range", {"hr": "24"}, '"hr": 24'),
    ("fraction in an integer column", {"hr": "8.5"}, '"hr": 8.5'),
    ("text in a number column", {"temp": SENTINEL}, f'"temp": "{SENTINEL}"'),
    ("empty cell", {"hum": ""}, '"hum": ""'),
    ("unknown category", {"weathersit": SENTINEL}, f'"weathersit": "{SENTINEL}"'),
    ("number as category", {"mnth": "1"}, '"mnth": "1"'),
    ("nan", {"temp": "nan"}, '"temp": NaN'),
    ("infinity", {"hum": "inf"}, '"hum": Infinity'),
]


def json_with(replacement: str) -> bytes:
    """/predict's body for GOOD_RECORD with one "name": value pair replaced as raw text."""
    name = replacement.split('"')[1]
    good = json.dumps({"records": [GOOD_RECORD]})
    original = f'"{name}": {json.dumps(GOOD_RECORD[name])}'
    assert original in good
    return good.replace(original, replacement).encode()
