"""The champion the service serves: its record, checked against the stored model at import.

The model file must be the bytes the champion record pins, checked when bento/service.py is
imported: in the `bentoml serve` process before it starts any worker, and again in each worker.
Pickle runs code when loaded: check first. On a mismatch the process exits with EXIT_BAD_MODEL
and one line on stderr. Bytes that pass the check but cannot be loaded (a class the installed
libraries lack, an estimator failing to unpickle or to warm up) end the worker with
EXIT_UNLOADABLE and one sentence. Either code from a worker ends the whole `bentoml serve`
with that sentence as its last line (bento/bentoml_fixes/worker_exit.py); BentoML alone would
start the worker again for ever.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

from bento.bentoml_fixes.worker_exit import exit_worker
from model import paths, registry
from model.artifact import ArtifactError

EXIT_BAD_MODEL = 3  # also uvicorn's code for a worker whose startup failed
EXIT_UNLOADABLE = 4
FATAL_EXIT_CODES = (EXIT_BAD_MODEL, EXIT_UNLOADABLE)
REASON_CHARS = 200  # of the exception's message, in the sentence


def checked_record() -> dict:
    record = json.loads(paths.CHAMPION.read_text())
    try:
        registry.check_stored(record)
    except ArtifactError as err:
        exit_worker(f"error: {err}", EXIT_BAD_MODEL)
    return record


@contextlib.contextmanager
def loading(record: dict) -> Iterator[None]:
    """Around a worker's loading and warming of the model: any exception ends the worker with
    EXIT_UNLOADABLE and `unloadable`'s sentence."""
    try:
        yield
    except Exception as error:
        exit_worker(unloadable(record, error), EXIT_UNLOADABLE)


def unloadable(record: dict, error: BaseException) -> str:
    """One sentence: the tag, that its bytes are the pinned ones, the error, and the repair."""
    reason = " ".join(str(error).split()).rstrip(".")
    if len(reason) > REASON_CHARS:
        reason = reason[: REASON_CHARS - 1] + "…"
    libraries = ", ".join(f"{name} {v}" for name, v in sorted(record["libraries"].items()))
    return (
        f"error: model {record['bento_model_tag']} (sha256 ok) cannot be loaded: "
        f"{type(error).__name__}{': ' + reason if reason else ''}; its bytes are the reviewed "
        f"ones, so install the libraries its record lists ({libraries}) with `make venv` or a "
        "rebuilt image, or roll the release back with `make rollback ENV=<env>`."
    )


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
