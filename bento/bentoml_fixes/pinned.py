"""The BentoML version every workaround in this package was written for, and its guard.

The workarounds that reach into BentoML's private modules (request_timeout, image_entrypoint,
model_store) call `require_written_for()` first: on any other version they raise RuntimeError
rather than patch something that may have moved. Upgrade on purpose: bump the pin in
pyproject.toml and bento/requirements.txt, run tests/service/test_bentoml_canaries.py (each
canary that now fails names a workaround that may be dropped), re-run the service and image
tests, then move WRITTEN_FOR here.
"""

from __future__ import annotations

from importlib.metadata import version

WRITTEN_FOR = "1.4.39"


def require_written_for() -> None:
    found = version("bentoml")
    if found != WRITTEN_FOR:
        raise RuntimeError(
            f"bentoml {found} is installed but bento/bentoml_fixes/ was written for "
            f"{WRITTEN_FOR}; re-check its private accesses before upgrading."
        )
