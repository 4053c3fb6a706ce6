"""Validate data files against the schema; the first problem is reported in one sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from model.checks import value_reasons
from model.schema import COLUMNS, KEY, MONTHS

PERIOD_FILE = re.compile(r"^(\d{4})-(\d{2})\.csv$")


class DataError(ValueError):
    """Bad data: the message names the file, the row and the column."""


def data_files(data_dir: Path) -> list[Path]:
    """The period files of a data directory, oldest first."""
    files = sorted(p for p in data_dir.glob("*.csv") if PERIOD_FILE.match(p.name))
    if not files:
        raise DataError(f"{data_dir}: no data files named YYYY-MM.csv.")
    return files


def _problem(path: Path, row: int, column: str, what: str) -> str:
    # Row numbers are file lines: the header is line 1, the first record line 2.
    return f"{path}: line {row + 2}, column '{column}': {what}"


def _check_column(path: Path, raw: pd.Series, column: str) -> list[str]:
    reasons = value_reasons(column, raw)
    return [_problem(path, row, column, what) for row, what in reasons[reasons != ""].items()]


def problems_in(path: Path) -> list[str]:
    """Every problem in one file, each a sentence; empty when the file is valid."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        return [f"{path}: not a readable CSV file ({str(err).strip().splitlines()[0]})"]
    expected = [c.name for c in COLUMNS]
    missing = [c for c in expected if c not in raw.columns]
    if missing:
        return [
            f"{path}: missing column '{missing[0]}'"
            + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
        ]
    unknown = [c for c in raw.columns if c not in expected]
    if unknown:
        return [f"{path}: unexpected column '{unknown[0]}' (the schema has {len(expected)})"]
    if raw.empty:
        return [f"{path}: the file has no rows"]

    problems = [p for c in expected for p in _check_column(path, raw[c], c)]
    if problems:
        return problems
    return _consistency_problems(path, raw.astype({c.name: _dtype(c.kind) for c in COLUMNS}))


def _dtype(kind: str) -> str:
    return {"int": "int64", "float": "float64", "category": "object"}[kind]


def _consistency_problems(path: Path, table: pd.DataFrame) -> list[str]:
    problems = []
    duplicated = table.duplicated(list(KEY), keep="first")
    for row in table.index[duplicated]:
        day, hour = table.loc[row, "day"], table.loc[row, "hr"]
        problems.append(
            _problem(path, row, "day,hr", f"duplicate timestamp (day {day}, hour {hour})")
        )
    match = PERIOD_FILE.match(path.name)
    if match:
        month = MONTHS[int(match.group(2)) - 1] if 1 <= int(match.group(2)) <= 12 else None
        for row in table.index[table["mnth"] != month]:
            problems.append(
                _problem(
                    path, row, "mnth", f"'{table.loc[row, 'mnth']}' does not match the file's month"
                )
            )
    total = table["casual"] + table["registered"]
    for row in table.index[total != table["bikers"]]:
        problems.append(_problem(path, row, "bikers", "is not casual + registered"))
    return problems


def load_valid(files: list[Path]) -> pd.DataFrame:
    """Validate and concatenate files; raise DataError naming the first problem."""
    frames = []
    for path in files:
        problems = problems_in(path)
        if problems:
            more = f" ({len(problems) - 1} more problems in this file)" if len(problems) > 1 else ""
            raise DataError(f"{problems[0]}{more}.")
        frame = pd.read_csv(path, dtype={c.name: _dtype(c.kind) for c in COLUMNS})
        frames.append(frame.assign(period=path.stem))
    table = pd.concat(frames, ignore_index=True)
    clash = table[table.duplicated(list(KEY), keep=False)]
    if not clash.empty:
        first = clash.iloc[0]
        periods = sorted(set(clash[(clash.day == first.day) & (clash.hr == first.hr)].period))
        raise DataError(
            f"data files {', '.join(periods)} both hold day {first.day} hour {first.hr}: "
            "duplicate timestamp across files."
        )
    return table
