"""Load models from a bento's own models/ folder outside `bentoml serve`.

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
from pathlib import Path

from bento.bentoml_fixes.pinned import require_written_for


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
