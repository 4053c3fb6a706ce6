"""Every private BentoML and scikit-learn API this project touches, in one place.

Written for the versions below (pinned in pyproject.toml). On any other version:
- scikit-learn: `hgb_internals` raises Unsupported, and the predictor (model/predictor.py)
  logs a line and predicts through the public pipeline instead of its fast paths;
- BentoML: `replace_timeout_middleware`, `use_model_store` and `image_with_entrypoint` raise
  RuntimeError, because the service's memory, the batch job's model loading and the image's
  start path depend on them: upgrade on purpose, re-run the tests, then move the version here.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

SKLEARN_WRITTEN_FOR = "1.9.1"
BENTOML_WRITTEN_FOR = "1.4.39"
# BentoML logs request validation errors (with the request's input) on this logger.
BENTOML_REQUEST_LOGGER = "bentoml._internal.server.http_app"


class Unsupported(ValueError):
    """The installed library is not the version these private accesses were written for."""


@dataclass(frozen=True)
class HistGradientBoostingInternals:
    trees: list[Any]  # TreePredictor per iteration (single output)
    bin_mapper: Any  # _BinMapper fitted on the training data
    missing_bin: int
    baseline: Any  # raw prediction before the first tree
    inverse_link: Any  # raw -> prediction (exp for the Poisson loss)


def hgb_internals(regressor: Any) -> HistGradientBoostingInternals:
    """The fitted trees and binning of a HistGradientBoostingRegressor (private attributes)."""
    found = version("scikit-learn")
    if found != SKLEARN_WRITTEN_FOR:
        raise Unsupported(f"scikit-learn {found} (fast paths written for {SKLEARN_WRITTEN_FOR})")
    try:
        if regressor.n_trees_per_iteration_ != 1:
            raise Unsupported("not a single-output HistGradientBoosting model")
        return HistGradientBoostingInternals(
            trees=[tree for iteration in regressor._predictors for tree in iteration],
            bin_mapper=regressor._bin_mapper,
            missing_bin=regressor._bin_mapper.missing_values_bin_idx_,
            baseline=regressor._baseline_prediction,
            inverse_link=regressor._loss.link.inverse,
        )
    except AttributeError as err:
        raise Unsupported(f"not a fitted HistGradientBoosting model ({err})") from err


def predict_binned(tree: Any, binned: Any, missing_bin: int) -> Any:
    """One compiled tree on binned features, one thread (a worker per core serves)."""
    return tree.predict_binned(binned, missing_bin, 1)


def _require_bentoml() -> None:
    found = version("bentoml")
    if found != BENTOML_WRITTEN_FOR:
        raise RuntimeError(
            f"bentoml {found} is installed but model/compat.py was written for "
            f"{BENTOML_WRITTEN_FOR}; re-check its private accesses before upgrading."
        )


def replace_timeout_middleware(middleware: type) -> None:
    """Put `middleware` where BentoML builds each server's stack (`traffic.timeout` cannot be
    switched off: its config schema wants a positive number). Call before the server starts:
    the service module does it when it is imported, which every BentoML process does first."""
    _require_bentoml()
    from bentoml._internal.server.http import traffic

    traffic.TimeoutMiddleware = middleware  # type: ignore[misc]


def use_model_store(directory: Path) -> None:
    """Load models from `directory` (a bento's models/ folder), as `bentoml serve` does."""
    _require_bentoml()
    from bentoml._internal.configuration.containers import BentoMLContainer
    from bentoml._internal.models import ModelStore

    BentoMLContainer.model_store.set(ModelStore(str(directory)))


@contextlib.contextmanager
def model_store_at(directory: Path) -> Iterator[None]:
    """Use `directory` as the model store for a while, then the previous one again (tests of
    the release path import into a fresh store in-process)."""
    _require_bentoml()
    from bentoml._internal.configuration.containers import BentoMLContainer

    previous = BentoMLContainer.model_store.get()
    use_model_store(directory)
    try:
        yield
    finally:
        BentoMLContainer.model_store.set(previous)


# BentoML's own entrypoint, kept in the bento next to the one that replaces it.
BENTOML_ENTRYPOINT = "bentoml-entrypoint.sh"


def image_with_entrypoint(wrapper: Path) -> type:
    """A `bentoml.images.Image` class whose bentos start through `wrapper`.

    BentoML's generated Dockerfile always ends with `ENTRYPOINT env/docker/entrypoint.sh`,
    a copy of its own script that `Image.freeze` (not public API) writes into each bento.
    This subclass lets freeze do that, then renames BentoML's script to BENTOML_ENTRYPOINT
    and puts `wrapper` in its place; the wrapper ends by exec-ing BentoML's script."""
    _require_bentoml()
    import bentoml

    class ImageWithEntrypoint(bentoml.images.Image):
        __slots__ = ()  # attrs made the parent slotted

        def freeze(self, bento_fs: Path, *args: Any, **kwargs: Any) -> Any:
            info = super().freeze(bento_fs, *args, **kwargs)
            docker = Path(bento_fs) / "env" / "docker"
            (docker / "entrypoint.sh").replace(docker / BENTOML_ENTRYPOINT)
            shutil.copy2(wrapper, docker / "entrypoint.sh")
            return info

    return ImageWithEntrypoint
