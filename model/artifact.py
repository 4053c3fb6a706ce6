"""The model artifact: the exact bytes that are registered, released, shipped and loaded.

Format, chosen on purpose: a pickle of the scikit-learn pipeline at pickle.DEFAULT_PROTOCOL.
These are the bytes MLflow's sklearn flavour writes with serialization_format="pickle"
(model.pkl), and BentoML's sklearn loader (joblib.load) reads them as they are, so one file
travels from the MLflow run to the bento unchanged and one sha256 describes it everywhere.
MLflow's default, skops, refuses this pipeline (measured with mlflow 3.17.2: "untrusted types
... sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor") unless that private type
is trusted explicitly, and would put skops into the serving image. Pickle runs code when it is
loaded: the guard is the sha256 pinned in the champion record (git), checked before any load.

Training is deterministic here, but a pickle also encodes which equal strings are the same
object, and that depends on the process's history: the same model trained after other work in
one process pickled to other bytes (measured: 5895c457… against 830ef84a… in a fresh one;
the difference was one string, 'categories', pickled once or twice). `canonical` rebuilds a
freshly trained model with every equal string shared, so whichever pickler writes it (ours,
MLflow's, BentoML's) writes the same bytes in any process, and the raw file can be hashed.
No mlflow import here: the service and the scoring job use this module.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from importlib.metadata import version
from pathlib import Path
from typing import Any

from model.record import file_sha256  # the project's one file hash (streamed)

FILE_NAME = "model.pkl"  # in the MLflow model folder
FORMAT = "pickle"


class ArtifactError(ValueError):
    """The model artifact is missing, does not match its record, or does not load."""


class _SharedStrings(pickle._Pickler):
    """The pure-Python pickler, with equal strings pickled once (memoized by value, not id)."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.DEFAULT_PROTOCOL)
        self.strings: dict[str, str] = {}

    def save(self, obj: Any, save_persistent_id: bool = True) -> None:
        if type(obj) is str:
            obj = self.strings.setdefault(obj, obj)
        super().save(obj, save_persistent_id)


def canonical(model: Any) -> Any:
    """The same model with every equal string one object: its pickle no longer depends on
    what the process did before (see the module's docstring)."""
    buffer = io.BytesIO()
    _SharedStrings(buffer).dump(model)
    return pickle.loads(buffer.getvalue())  # noqa: S301 (our own bytes, just written)


def dumps(model: Any) -> bytes:
    return pickle.dumps(model, protocol=pickle.DEFAULT_PROTOCOL)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pinned(record: dict[str, Any]) -> str:
    """The sha256 the champion record pins; a record without one pins nothing."""
    sha = (record.get("artifact") or {}).get("sha256")
    if not sha:
        raise ArtifactError(
            f"champion {record.get('version')} pins no artifact sha256 in its record; "
            "re-record it with `make train`."
        )
    return sha


def check_bytes(data: bytes, record: dict[str, Any], source: str) -> None:
    _refuse_unless_pinned(sha256(data), record, source)


def check_file(path: Path, record: dict[str, Any]) -> None:
    """One sentence naming the tag and the file when the file is missing or was changed."""
    if not path.is_file():
        raise ArtifactError(f"model {record['bento_model_tag']}: {path} does not exist.")
    _refuse_unless_pinned(file_sha256(path), record, str(path))


def _refuse_unless_pinned(found: str, record: dict[str, Any], source: str) -> None:
    expected = pinned(record)
    if found != expected:
        raise ArtifactError(
            f"model {record['bento_model_tag']}: {source} has sha256 {found[:12]}…, not the "
            f"{expected[:12]}… its champion record pins, so it is refused."
        )


def check_loadable(path: Path, record: dict[str, Any]) -> None:
    """Cheap, before any load: a pickle loads only with the scikit-learn that wrote it."""
    wrote = record["libraries"]["scikit-learn"]
    if version("scikit-learn") != wrote:
        raise ArtifactError(
            f"model {record['bento_model_tag']}: {path} was written by scikit-learn {wrote} "
            f"and does not load with the installed {version('scikit-learn')}."
        )
