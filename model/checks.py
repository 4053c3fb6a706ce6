"""One checker of text values against the schema (model/schema.py), used for training data
(model/validate.py) and for scored data (scoring/rows.py), so both accept the same values.

Vectorised with pandas: batch scoring calls it once per distinct value of a 1M-row column.
Numbers are parsed as pandas parses them (`pd.to_numeric`), the parser the data is read with
afterwards: a value it cannot read is rejected here rather than failing later.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from model.schema import BY_NAME

# How data files spell "no value" (compared in lower case) and an integer.
MISSING_VALUES = frozenset({"", "na", "nan", "null", "none"})
INTEGER = r"-?\d+"
_VALUE = "\0"  # stands for the value while a reason's text is split around it


@dataclass(frozen=True)
class Wording:
    """How each failed check reads: '{value}' is the value as written, '{allowed}' the domain."""

    missing: str
    category: str
    integer: str
    number: str
    finite: str
    range: str


# A sentence for the person fixing a training file: it lists the allowed categories.
TRAINING = Wording(
    missing="value is missing",
    category="unknown category '{value}' (allowed: {allowed})",
    integer="'{value}' is not an integer",
    number="'{value}' is not a number",
    finite="'{value}' is not a finite number",
    range="{value} is out of range ({allowed})",
)
# A rejects-file reason: short, the value always quoted.
SCORING = replace(
    TRAINING,
    category="unknown category '{value}'",
    range="'{value}' is out of range ({allowed})",
)


def value_reasons(name: str, text: pd.Series, wording: Wording = TRAINING) -> pd.Series:
    """The reason for each text value of column `name`, '' when it is valid (blanks around a
    value are ignored); at most one reason per value, the first check it fails."""
    spec = BY_NAME[name]
    text = text.astype(str).str.strip()
    values = text.to_numpy(dtype=object)
    # numpy masks: a column of one training file makes the per-call cost of pandas count
    missing = text.str.lower().isin(MISSING_VALUES).to_numpy()
    failed = {"missing": missing}
    if spec.kind == "category":
        failed["category"] = ~missing & ~text.isin(spec.categories).to_numpy()
    else:
        number = pd.to_numeric(text.where(~missing), errors="coerce").to_numpy(dtype=float)
        unreadable = ~missing & np.isnan(number)
        if spec.kind == "int":
            # `\d` matches digits of every script; pandas reads ASCII ones only.
            integer = text.str.fullmatch(INTEGER).to_numpy(dtype=bool)
            malformed = failed["integer"] = (~missing & ~integer) | unreadable
        else:
            malformed = failed["number"] = unreadable
        read = ~missing & ~malformed
        inside = (spec.minimum <= number) & (number <= spec.maximum)
        failed["finite"] = read & np.isinf(number)
        failed["range"] = read & ~failed["finite"] & ~inside
    reasons = np.full(len(values), "", dtype=object)
    for check, mask in failed.items():
        if mask.any():
            template = getattr(wording, check).format(value=_VALUE, allowed=spec.allowed)
            before, quoted, after = template.partition(_VALUE)
            reasons[mask] = before + values[mask] + after if quoted else before
    return pd.Series(reasons, index=text.index, dtype=object)
