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

import csv
import io
import os
from dataclasses import dataclass, field

# One OpenMP thread, set before scikit-learn loads its runtime (as bento/service.py does):
# HistGradientBoosting opens a parallel region per tree, and threads beyond the CPUs the job
# really has (a CronJob's limit, a Spark worker's core) contend instead of helping.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv

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
    features: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # scored rows, typed


def read_rows(data: bytes, source: str) -> pd.DataFrame:
    """Parse a CSV file as text, numbered by file line; fail in one sentence on a bad file."""
    try:
        raw = _read_arrow(data)
    except (pa.ArrowInvalid, UnicodeDecodeError, IndexError, ValueError):
        # Short or long rows, bad bytes, no header: pandas reads short rows (missing fields
        # become empty text, rejected per row below) and names what is wrong with the rest.
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


def _read_arrow(data: bytes) -> pd.DataFrame:
    """Every column as text, parsed by Arrow's CSV reader: 2-3x faster than pandas' on 1M
    rows, one thread (the job gets one core). Columns stay Arrow strings: factorizing them
    below costs a fraction of Python strings."""
    header = data[: data.index(b"\n")].decode("utf-8").rstrip("\r")
    names = next(csv.reader([header]))
    table = pcsv.read_csv(
        io.BytesIO(data),
        read_options=pcsv.ReadOptions(use_threads=False),
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def month_of(period: str) -> str:
    """'2011-12' -> 'Dec', the schema's spelling of the period's month."""
    return MONTHS[int(period[5:7]) - 1]


def _distinct(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(code per row, stripped distinct values): a column of 1M rows holds a few thousand
    distinct texts at most, so the string work is done once per distinct value."""
    codes, uniques = pd.factorize(column)
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype=object).str.strip()


Distinct = dict[str, tuple[np.ndarray, pd.Series]]


def distinct_values(raw: pd.DataFrame) -> Distinct:
    """Every required column factorized once, for the checks and the typing alike."""
    return {name: _distinct(raw[name]) for name in REQUIRED}


def reasons_for(raw: pd.DataFrame, period: str, distinct: Distinct | None = None) -> pd.Series:
    """One reason per row ('' when the row is valid), every failed check listed."""
    distinct = distinct if distinct is not None else distinct_values(raw)
    reasons = np.full(len(raw), "", dtype=object)
    for name in REQUIRED:
        codes, values = distinct[name]
        per_value = value_reasons(name, values, SCORING).to_numpy()
        bad_value = per_value != ""
        if not bad_value.any():
            continue
        per_value[bad_value] = f"{name}: " + per_value[bad_value]
        bad = bad_value[codes]
        old, new = reasons[bad], per_value[codes[bad]]
        reasons[bad] = np.where(old == "", new, old + "; " + new)
    month = month_of(period)
    codes, values = distinct["mnth"]
    other_month = (values.to_numpy() != month)[codes] & (reasons == "")
    reasons[other_month] = f"mnth: does not match the period {period} ({month})"
    return pd.Series(reasons, index=raw.index, dtype=object)


def sample(features: dict[str, np.ndarray], rows: int, seed: int = 0) -> pd.DataFrame:
    """At most `rows` of the typed rows, drawn without replacement with a fixed seed (the same
    input gives the same sample: re-runs stay byte-identical), in their original order."""
    count = len(next(iter(features.values()))) if features else 0
    if count <= rows:
        return pd.DataFrame(features)
    keep = np.sort(np.random.default_rng(seed).choice(count, rows, replace=False))
    return pd.DataFrame({name: values[keep] for name, values in features.items()})


def typed(raw: pd.DataFrame) -> pd.DataFrame:
    """Text rows, all valid -> a frame of the model's input types."""
    return pd.DataFrame(typed_columns(raw), index=raw.index)


def typed_columns(
    raw: pd.DataFrame, distinct: Distinct | None = None, rows: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Valid text rows (the mask `rows`, default all) -> one array per column in the model's
    input types, parsed once per distinct value that a valid row uses. Plain arrays, not a
    frame: building a 1M-row DataFrame only to take its columns apart again cost ~0.4 s."""
    distinct = distinct if distinct is not None else distinct_values(raw)
    rows = rows if rows is not None else np.ones(len(raw), dtype=bool)
    out = {}
    for name in REQUIRED:
        kind = BY_NAME[name].kind
        codes, values = distinct[name]
        codes = codes[rows]
        if kind == "category":
            parsed = values.to_numpy()
        else:
            used = np.zeros(len(values), dtype=bool)
            used[codes] = True
            parsed = np.zeros(len(values), dtype=_numpy(kind))
            parsed[used] = values[used].astype(float).astype(_numpy(kind))
        out[name] = parsed[codes]
    return out


def _numpy(kind: str) -> str:
    return "int64" if kind == "int" else "float64"


def score_rows(predictor: Predictor, raw: pd.DataFrame, period: str) -> Scored:
    """Check every row, score the valid ones; rows in = predictions + rejects, always."""
    distinct = distinct_values(raw)
    reasons = reasons_for(raw, period, distinct)
    bad = (reasons != "").to_numpy()
    valid = typed_columns(raw, distinct, ~bad)
    predictions = pd.DataFrame(
        {
            LINE: raw[LINE].to_numpy()[~bad],
            **{k: valid[k] for k in KEY},
            PREDICTION: predictor.predict(valid) if (~bad).any() else np.empty(0),
        }
    )
    # The rows as read, as plain text (Arrow-backed columns would change the Parquet schema).
    text = {c: object for c in raw.columns if isinstance(raw[c].dtype, pd.ArrowDtype)}
    rejects = raw[bad].astype(text).assign(**{REASON: reasons[bad]}).reset_index(drop=True)
    if len(predictions) + len(rejects) != len(raw):
        raise AssertionError("rows in != rows scored + rows rejected")
    return Scored(predictions, rejects, valid)
