"""Row checks and scoring shared by the single-process job (bento/batch.py) and Spark
(bento/spark_backfill.py): one code path, so both give the same predictions and rejects.

Input rows arrive as text (CSV). A row that breaks the data contract in model/schema.py is
rejected with a reason naming the column and the value; the rest are scored with the model.
Every check looks at one row only, so any split of the rows (Spark partitions) gives the same
result. Duplicate hours are left to the training validator (model/validate.py): a repeated
hour gets the same prediction twice, which harms nobody downstream of scoring.
Checks are vectorised: per-row Python loops would dominate the cost of scoring 1M rows.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

# One OpenMP thread, set before scikit-learn loads its runtime (as bento/service.py does):
# HistGradientBoosting opens a parallel region per tree, and threads beyond the CPUs the job
# really has (a CronJob's limit, a Spark worker's core) contend instead of helping.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd

from model.schema import BY_NAME, FEATURES, KEY, MONTHS
from model.train import predict
from model.validate import INTEGER, MISSING_VALUES

LINE = "line"  # the row's line in its file (header = line 1), the one stable row identifier
PERIOD = "period"
PREDICTION = "predicted_bikers"
REASON = "reason"
REQUIRED = tuple(dict.fromkeys((*KEY, *FEATURES)))  # day, hr, then the other features


class BatchError(ValueError):
    """A run that cannot go on; the message is one sentence saying what to do."""


@dataclass(frozen=True)
class Scored:
    predictions: pd.DataFrame  # line, day, hr, predicted_bikers
    rejects: pd.DataFrame  # line, the row as read (text), reason


def read_rows(data: bytes, source: str) -> pd.DataFrame:
    """Parse a CSV file as text, numbered by file line; fail in one sentence on a bad file."""
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise BatchError(f"{source} is not a readable CSV file ({first}).") from err
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise BatchError(
            f"{source} lacks the column(s) {', '.join(missing)} that scoring needs; "
            "fix the export that wrote it."
        )
    if raw.empty:
        raise BatchError(f"{source} has a header but no rows; nothing to score.")
    raw = raw.fillna("")  # short rows: missing fields are empty text, rejected below
    raw.insert(0, LINE, np.arange(2, len(raw) + 2, dtype="int64"))
    return raw


def month_of(period: str) -> str:
    """'2011-12' -> 'Dec', the schema's spelling of the period's month."""
    return MONTHS[int(period[5:7]) - 1]


def _add(
    reasons: pd.Series, mask: pd.Series, what: str, value: pd.Series | None = None, after: str = ""
) -> pd.Series:
    """Append `what` ('<what> '<value>'<after>') to the reasons of the masked rows only."""
    if not mask.any():
        return reasons
    new = what if value is None else what + " '" + value[mask] + "'" + after
    old = reasons[mask]
    out = reasons.copy()
    out[mask] = old.where(old == "", old + "; ") + new
    return out


def _value_reasons(name: str, text: pd.Series) -> pd.Series:
    """The reason for each value of one column ('' when valid); `text` is stripped."""
    spec = BY_NAME[name]
    reasons = pd.Series("", index=text.index, dtype=object)
    missing = text.str.lower().isin(MISSING_VALUES)
    reasons = _add(reasons, missing, f"{name}: value is missing")
    present = ~missing
    if spec.kind == "category":
        unknown = present & ~text.isin(spec.categories)
        return _add(reasons, unknown, f"{name}: unknown category", text)
    number = pd.to_numeric(text.where(present), errors="coerce")
    if spec.kind == "int":
        malformed = present & ~text.str.fullmatch(INTEGER)
        reasons = _add(reasons, malformed, f"{name}:", text, " is not an integer")
    else:
        malformed = present & number.isna()
        reasons = _add(reasons, malformed, f"{name}:", text, " is not a number")
    infinite = present & ~malformed & ~np.isfinite(number.fillna(0))
    reasons = _add(reasons, infinite, f"{name}:", text, " is not a finite number")
    outside = present & ~malformed & ~infinite & ~number.between(spec.minimum, spec.maximum)
    return _add(reasons, outside, f"{name}:", text, f" is out of range ({spec.allowed})")


def _distinct(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(code per row, stripped distinct values): a column of 1M rows holds a few thousand
    distinct texts at most, so the string work is done once per distinct value."""
    codes, uniques = pd.factorize(column.astype(str))
    return codes, pd.Series(uniques, dtype=object).str.strip()


def reasons_for(raw: pd.DataFrame, period: str) -> pd.Series:
    """One reason per row ('' when the row is valid), every failed check listed."""
    reasons = np.full(len(raw), "", dtype=object)
    for name in REQUIRED:
        codes, values = _distinct(raw[name])
        per_value = _value_reasons(name, values).to_numpy()
        bad_value = per_value != ""
        if not bad_value.any():
            continue
        bad = bad_value[codes]
        old, new = reasons[bad], per_value[codes[bad]]
        reasons[bad] = np.where(old == "", new, old + "; " + new)
    month = month_of(period)
    codes, values = _distinct(raw["mnth"])
    other_month = (values.to_numpy() != month)[codes] & (reasons == "")
    reasons[other_month] = f"mnth: does not match the period {period} ({month})"
    return pd.Series(reasons, index=raw.index, dtype=object)


def typed(rows: pd.DataFrame) -> pd.DataFrame:
    """Valid text rows -> the model's input types (parsed once per distinct value)."""
    out = {}
    for name in REQUIRED:
        kind = BY_NAME[name].kind
        codes, values = _distinct(rows[name])
        parsed = values if kind == "category" else values.astype(float).astype(_numpy(kind))
        out[name] = parsed.to_numpy()[codes]
    return pd.DataFrame(out, index=rows.index)


def _numpy(kind: str) -> str:
    return "int64" if kind == "int" else "float64"


def score_rows(model, raw: pd.DataFrame, period: str) -> Scored:
    """Check every row, score the valid ones; rows in = predictions + rejects, always."""
    reasons = reasons_for(raw, period)
    bad = reasons != ""
    valid = typed(raw[~bad])
    predictions = pd.DataFrame(
        {
            LINE: raw.loc[~bad, LINE].astype("int64"),
            **{k: valid[k] for k in KEY},
            PREDICTION: predict(model, valid) if len(valid) else np.empty(0),
        }
    ).reset_index(drop=True)
    rejects = raw[bad].assign(**{REASON: reasons[bad]}).reset_index(drop=True)
    if len(predictions) + len(rejects) != len(raw):
        raise AssertionError("rows in != rows scored + rows rejected")
    return Scored(predictions, rejects)
