"""One value checker for training data and scored data: its reasons in both wordings, and the
two users of it (validation, batch scoring) rejecting the same lines of the same file."""

from pathlib import Path

import pandas as pd
import pytest

from model.checks import SCORING, TRAINING, value_reasons
from model.validate import problems_in
from scoring.rows import read_rows, reasons_for

REPO = Path(__file__).resolve().parents[2]
WEATHER = "clear, cloudy/misty, light rain/snow, heavy rain/snow"

# column, value as written, training reason, scoring reason ('' = valid)
CASES = [
    ("hr", " 7 ", "", ""),
    ("hr", "-0", "", ""),
    ("temp", "1e-3", "", ""),
    ("weathersit", "clear", "", ""),
    ("windspeed", " ", "value is missing", "value is missing"),
    ("atemp", "NULL", "value is missing", "value is missing"),
    ("hr", "7.5", "'7.5' is not an integer", "'7.5' is not an integer"),
    ("hr", "+7", "'+7' is not an integer", "'+7' is not an integer"),
    # Python's float() reads these; pandas, which reads the data afterwards, does not.
    ("hr", "٣", "'٣' is not an integer", "'٣' is not an integer"),
    ("temp", "0.1_0", "'0.1_0' is not a number", "'0.1_0' is not a number"),
    ("temp", "warm", "'warm' is not a number", "'warm' is not a number"),
    ("temp", "-inf", "'-inf' is not a finite number", "'-inf' is not a finite number"),
    ("hum", "1.7", "1.7 is out of range (0 to 1)", "'1.7' is out of range (0 to 1)"),
    ("hr", "1" * 20, f"{'1' * 20} is out of range (0 to 23)", f"'{'1' * 20}' is out of range"),
    (
        "weathersit",
        "tornado",
        f"unknown category 'tornado' (allowed: {WEATHER})",
        "unknown category 'tornado'",
    ),
    ("mnth", "may", "unknown category 'may' (allowed: Jan,", "unknown category 'may'"),
]


@pytest.mark.parametrize(("column", "value", "training", "scoring"), CASES)
def test_reason_per_value_in_both_wordings(column, value, training, scoring):
    values = pd.Series(["", value], index=[10, 11])
    for wording, expected in ((TRAINING, training), (SCORING, scoring)):
        reasons = value_reasons(column, values, wording)
        assert reasons.index.tolist() == [10, 11]
        assert reasons[10] == "value is missing"
        if expected:
            assert reasons[11].startswith(expected)
        else:
            assert reasons[11] == ""


def test_validation_and_batch_scoring_reject_the_same_lines(data_dir):
    path = data_dir / "2011-12.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    broken = {2: ("temp", "0.1_0"), 5: ("hr", "٣"), 9: ("weathersit", "sunny"), 14: ("hum", "")}
    for row, (column, value) in broken.items():
        table.loc[row, column] = value
    table.to_csv(path, index=False)
    lines = sorted(row + 2 for row in broken)

    problems = problems_in(path)
    assert sorted(int(p.split(": line ")[1].split(",")[0]) for p in problems) == lines

    reasons = reasons_for(read_rows(path.read_bytes(), path.name), "2011-12")
    assert (reasons[reasons != ""].index + 2).tolist() == lines
