"""The local BentoML model store: what the service and the scoring job load. The record's
fields become labels/metadata; the model file holds the artifact's exact bytes
(model/artifact.py), so its sha256 is the one the champion record pins."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import bentoml
from bentoml.exceptions import BentoMLException, NotFound

from model import artifact

if TYPE_CHECKING:  # the service checks the store before its workers import scikit-learn
    from sklearn.pipeline import Pipeline

MODEL_NAME = "bikeshare"
# The file bentoml.sklearn.load_model reads (joblib.load, which reads a plain pickle).
MODEL_FILE = "saved_model.pkl"


def tag_for(version: str) -> str:
    return f"{MODEL_NAME}:{version}"


class DamagedEntry(artifact.ArtifactError):
    """The store has an entry for the tag but cannot read it (e.g. a damaged model.yaml)."""


def model_file(tag: str) -> Path | None:
    """Where the store keeps the model's bytes, or None when the tag is not stored;
    DamagedEntry (one sentence naming the tag and the repair) when the entry is unreadable."""
    try:
        return Path(bentoml.models.get(tag).path_of(MODEL_FILE))
    except NotFound:
        return None
    # BentoML 1.4.39 reads model.yaml lazily: a damaged one surfaces as BentoMLException
    # ("malformed model.yaml"), KeyError (a missing field) or a YAML/type error.
    except (BentoMLException, KeyError, TypeError, ValueError, OSError) as error:
        kind = type(error).__name__
        raise DamagedEntry(
            f"the BentoML store entry {tag} is damaged ({kind} reading its model.yaml): "
            "run `make register` to rebuild it from the verified artifact."
        ) from None


def check_stored(record: dict[str, Any]) -> Path:
    """The stored model file, after its sha256 matches the record; ArtifactError (one
    sentence naming the tag and the file) when it is missing or changed."""
    path = model_file(record["bento_model_tag"])
    if path is None:
        raise artifact.ArtifactError(
            f"model {record['bento_model_tag']} is not in the BentoML model store; "
            "run `make register` (local) or `make release-model`."
        )
    artifact.check_file(path, record)
    artifact.check_loadable(path, record)
    return path


def save(model: Pipeline, record: dict[str, Any]) -> str:
    return save_bytes(artifact.dumps(model), record)


def save_bytes(data: bytes, record: dict[str, Any], source: str = "the artifact to import") -> str:
    """Store these exact bytes under the record's tag. A tag already stored is kept when its
    file matches the record's sha256 and refused (ArtifactError) when it does not."""
    tag = record["bento_model_tag"]
    try:
        stored = model_file(tag)
    except DamagedEntry:
        # Replace the unreadable entry with the bytes in hand, once they are verified.
        artifact.check_bytes(data, record, source)
        bentoml.models.delete(tag)
        stored = None
    if stored is not None:
        artifact.check_file(stored, record)
        return tag
    artifact.check_bytes(data, record, source)
    labels = {
        "version": record["version"],
        "holdout": record["trained_on"]["holdout"],
        "data_fingerprint": record["data"]["fingerprint"][:16],
        "code_commit": record["code_commit"][:12],
        "stage": "champion",
    }
    metadata = {
        "data_fingerprint": record["data"]["fingerprint"],
        "metrics": record["metrics"]["overall"],
        "params": record["params"],
        "code_commit": record["code_commit"],
        "trained_on": record["trained_on"],
        "artifact": record["artifact"],
    }
    # The public `create` with the sklearn module's name: bentoml.sklearn.load_model reads the
    # file; save_model would re-serialize instead of keeping the verified bytes.
    with bentoml.models.create(
        tag,
        module="bentoml.sklearn",
        labels=labels,
        metadata=metadata,
        signatures={"predict": {"batchable": True}},
        context=bentoml.models.ModelContext(
            framework_name="sklearn",
            framework_versions={"scikit-learn": record["libraries"]["scikit-learn"]},
        ),
    ) as saved:
        Path(saved.path_of(MODEL_FILE)).write_bytes(data)
    # BentoML makes the model's folder 0700 and images copy it as it is; Lambda runs an image
    # as a user of its own (not the image's USER), which must be able to read the model.
    model_file(str(saved.tag)).parent.chmod(0o755)
    return str(saved.tag)


def load(tag: str) -> Pipeline | None:
    try:
        return bentoml.sklearn.load_model(tag)
    except NotFound:
        return None


def load_checked(record: dict[str, Any]) -> Pipeline | None:
    """The champion from the store after its file's sha256 matches the record; None when
    the tag is not stored. Pickle runs code when loaded: the check comes first."""
    if model_file(record["bento_model_tag"]) is None:
        return None
    check_stored(record)
    return bentoml.sklearn.load_model(record["bento_model_tag"])
