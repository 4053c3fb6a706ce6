"""A bare BentoML service, as BentoML's quickstart writes one: what BentoML does by itself,
shown by tests/service/test_bentoml_canaries.py (none of bento/bentoml_fixes/ is on it)."""

from __future__ import annotations

import os
from pathlib import Path

import bentoml
from pydantic import BaseModel, ConfigDict


class Row(BaseModel):
    # Asked not to quote its input in errors: BentoML's generated input model still does.
    model_config = ConfigDict(hide_input_in_errors=True, strict=True)
    x: int


@bentoml.service(name="bare")
class Bare:
    @bentoml.api
    async def mean(self, rows: list[Row]) -> float:
        return sum(row.x for row in rows) / len(rows)  # an empty list fails here: 500


@bentoml.service(name="bare-fails-at-startup", workers=1)
class FailsAtStartup:
    """As a service whose model cannot be loaded: its __init__ raises. Each start of a worker
    leaves a file in the folder named by BARE_STARTS (the tests count them)."""

    def __init__(self) -> None:
        (Path(os.environ["BARE_STARTS"]) / f"start-{os.getpid()}").touch()
        raise RuntimeError("the model cannot be loaded")

    @bentoml.api
    def ping(self) -> str:
        return "pong"
