"""A bare BentoML service, as BentoML's quickstart writes one: what BentoML does by itself,
shown by tests/service/test_bentoml_canaries.py (none of bento/bentoml_fixes/ is on it)."""

from __future__ import annotations

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
