"""Row checks and scoring shared by the single-process job (scoring/job.py) and Spark
(scoring/spark_backfill.py): one code path, so both give the same predictions and rejects.

Input rows arrive as text (CSV). A row that breaks the data contract in model/schema.py is
rejected with a reason naming the column and the value; the rest are scored with the model.
Every check looks at one row only, so any split of the rows (Spark partitions) gives the same
result. Duplicate hours are left to the training validator (model/validate.py): a repeated
hour gets the same prediction twice, which harms nobody downstream of scoring.
Value checks are model/checks.py's, the same as training data gets; they run once per distinct
value of a column: per-row Python loops would dominate the cost of scoring 1M rows.
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

from model.checks import SCORING, value_reasons
from model.predictor import Predictor
from model.schema import BY_NAME, FEATURES, KEY, MONTHS

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
        per_value = value_reasons(name, values, SCORING).to_numpy()
        bad_value = per_value != ""
        if not bad_value.any():
            continue
        per_value[bad_value] = f"{name}: " + per_value[bad_value]
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


def score_rows(predictor: Predictor, raw: pd.DataFrame, period: str) -> Scored:
    """Check every row, score the valid ones; rows in = predictions + rejects, always."""
    reasons = reasons_for(raw, period)
    bad = reasons != ""
    valid = typed(raw[~bad])
    predictions = pd.DataFrame(
        {
            LINE: raw.loc[~bad, LINE].astype("int64"),
            **{k: valid[k] for k in KEY},
            PREDICTION: predictor.predict_frame(valid) if len(valid) else np.empty(0),
        }
    ).reset_index(drop=True)
    rejects = raw[bad].assign(**{REASON: reasons[bad]}).reset_index(drop=True)
    if len(predictions) + len(rejects) != len(raw):
        raise AssertionError("rows in != rows scored + rows rejected")
    return Scored(predictions, rejects)
