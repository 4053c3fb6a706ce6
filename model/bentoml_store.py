"""The BentoML version this project's private BentoML accesses were written for, and the one
such access the model side needs: loading models from a bento's own models/ folder.

This is the BentoML workaround that lives outside bento/bentoml_fixes/: the scoring job and the
release path use it, and neither may import `bento` (scoring runs without the service; `model`
imports no other package). bento/bentoml_fixes/pinned.py re-exports the version guard, so the
pin stays in one place: BENTOML_WRITTEN_FOR below.

Upstream behaviour (BentoML 1.4.39): `bentoml serve BENTO` points the global model store at the
bento's models/ folder, but nothing public does that for other code running from the same
bento (here: the scheduled scoring job, scoring/job.py, which runs in the service image with
BENTO_PATH set). `bentoml.models.get` reads BENTOML_HOME's store only, so the job would miss
the model the image ships. The switch is the private `BentoMLContainer.model_store`.
Upstream: bentoml/BentoML#2710 ("Bento's modelstore should be injected when loading from a
bento", closed unmerged) describes the same switch for the loader; no public API exists.
Unnecessary once BentoML offers a public way to open a model store at a path (or honours
BENTO_PATH in `bentoml.models.get`): the canary `test_models_are_not_read_from_bento_path`
then fails.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

BENTOML_WRITTEN_FOR = "1.4.39"


def require_written_for() -> None:
    """RuntimeError unless the installed BentoML is the version the private accesses know."""
    found = version("bentoml")
    if found != BENTOML_WRITTEN_FOR:
        raise RuntimeError(
            f"bentoml {found} is installed but the BentoML workarounds (bento/bentoml_fixes/, "
            f"model/bentoml_store.py) were written for {BENTOML_WRITTEN_FOR}; re-check their "
            "private accesses before upgrading."
        )


def use_model_store(directory: Path) -> None:
    """Load models from `directory` (a bento's models/ folder), as `bentoml serve` does."""
    require_written_for()
    from bentoml._internal.configuration.containers import BentoMLContainer
    from bentoml._internal.models import ModelStore

    BentoMLContainer.model_store.set(ModelStore(str(directory)))


@contextlib.contextmanager
def model_store_at(directory: Path) -> Iterator[None]:
    """Use `directory` as the model store for a while, then the previous one again (tests of
    the release path import into a fresh store in-process)."""
    require_written_for()
    from bentoml._internal.configuration.containers import BentoMLContainer

    previous = BentoMLContainer.model_store.get()
    use_model_store(directory)
    try:
        yield
    finally:
        BentoMLContainer.model_store.set(previous)
