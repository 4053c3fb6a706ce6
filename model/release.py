"""The release path: ship exactly the artifact the champion record pins. It never trains.

fetch the registered version the record names → check its sha256 against the record →
import those bytes into the BentoML store (`make release-model`, then `make release-bento`).
A mismatch anywhere refuses with one sentence and leaves the store as it was. This module
imports nothing that trains; tests/release runs it with every training function made to
raise.
"""

from __future__ import annotations

from typing import Any

from model import artifact, registry, tracking


def release_model(record: dict[str, Any]) -> str:
    """Make the store hold the record's artifact, byte for byte; returns the BentoML tag."""
    block = record.get("artifact") or {}
    if block.get("registry") != "mlflow" or "version" not in block:
        raise artifact.ArtifactError(
            f"champion {record['version']} names no registered MLflow version to release; "
            "only a model promoted by `make train`/`make retrain` can be released."
        )
    artifact.pinned(record)
    try:
        stored = registry.model_file(record["bento_model_tag"])
    except registry.DamagedEntry:
        stored = None  # save_bytes replaces the entry with the fetched, verified bytes
    if stored is not None:  # already imported: still the pinned bytes?
        artifact.check_file(stored, record)
        return record["bento_model_tag"]
    data = tracking.fetch(block)
    artifact.check_bytes(data, record, block["uri"])
    return registry.save_bytes(data, record)
