"""The champion the service serves: its record, checked against the stored model at import.

The model file must be the bytes the champion record pins, checked when bento/service.py is
imported: in the `bentoml serve` process before it starts any worker (a worker failing in
__init__ is restarted forever), and again in each worker. Pickle runs code when loaded: check
first. On a mismatch the process exits with EXIT_BAD_MODEL and one line on stderr.
"""

from __future__ import annotations

import json
import sys

from model import paths, registry
from model.artifact import ArtifactError

EXIT_BAD_MODEL = 3


def checked_record() -> dict:
    record = json.loads(paths.CHAMPION.read_text())
    try:
        registry.check_stored(record)
    except ArtifactError as err:
        print(f"error: {err}", file=sys.stderr, flush=True)
        sys.exit(EXIT_BAD_MODEL)
    return record


def version_payload(record: dict) -> dict:
    """GET /version's answer: the record's identity, without its sha256s."""
    return {
        "model_version": record["version"],
        "bento_model_tag": record["bento_model_tag"],
        "data_fingerprint": record["data"]["fingerprint"],
        "trained_on": record["trained_on"],
        "metrics": record["metrics"]["overall"],
        "code_commit": record["code_commit"],
    }
