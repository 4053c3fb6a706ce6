"""The BentoML version every workaround in this package was written for, and its guard.

The workarounds that reach into BentoML's private modules (request_timeout, image_entrypoint,
and model/bentoml_store.py) call `require_written_for()` first: on any other version they raise
RuntimeError rather than patch something that may have moved. The pin itself lives in
model/bentoml_store.py (the model side needs it too and must not import `bento`).
Upgrade on purpose: bump the pin in pyproject.toml and bento/requirements.txt, run
tests/service/test_bentoml_canaries.py (each canary that now fails names a workaround that may
be dropped), re-run the service and image tests, then move BENTOML_WRITTEN_FOR.
"""

from __future__ import annotations

from model.bentoml_store import BENTOML_WRITTEN_FOR as WRITTEN_FOR
from model.bentoml_store import require_written_for

__all__ = ["WRITTEN_FOR", "require_written_for"]
