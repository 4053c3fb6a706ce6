"""Request and response models, generated from the data contract in model/schema.py.

Constraints (ranges, categories, finite numbers, list sizes) are published in the service's
OpenAPI document, and the same limits apply to online and batch requests.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from model.schema import BY_NAME, FEATURES

MAX_RECORDS = 1_000  # per online request; larger sets go to /predict_batch
MAX_BATCH_ROWS = 100_000  # per batch request
MAX_BODY_BYTES = 16 * 1024 * 1024  # answered with 413 before parsing

STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, hide_input_in_errors=True)


def _value_type(name: str) -> Any:
    spec = BY_NAME[name]
    if spec.kind == "category":
        return Literal[spec.categories]
    base = int if spec.kind == "int" else float
    return Annotated[base, Field(ge=spec.minimum, le=spec.maximum, description=spec.description)]


Record = create_model(
    "Record",
    __config__=STRICT,
    __doc__="One hour to predict rentals for.",
    **{name: (_value_type(name), ...) for name in FEATURES},
)

Columns = create_model(
    "Columns",
    __config__=STRICT,
    __doc__="A batch in columnar form: one list per feature, all of the same length.",
    __validators__={"same_length": model_validator(mode="after")(lambda self: _same_length(self))},
    **{
        name: (
            Annotated[list[_value_type(name)], Field(min_length=1, max_length=MAX_BATCH_ROWS)],
            ...,
        )
        for name in FEATURES
    },
)


class Prediction(BaseModel):
    rentals: list[float] = Field(description="Predicted rentals per hour, one per input row")
    model_version: str


def _same_length(columns: Any) -> Any:
    lengths = {len(getattr(columns, name)) for name in FEATURES}
    if len(lengths) > 1:
        raise ValueError(f"all columns must have the same length (got {sorted(lengths)})")
    return columns
