"""Bad data is rejected with one sentence naming file, line and column, and changes nothing."""

from pathlib import Path

import pandas as pd
import pytest

from model.validate import DataError, data_files, load_valid, problems_in
from tests.model_cli import model_cli

REPO = Path(__file__).resolve().parents[2]


def corrupt(path: Path, row: int, column: str, value: str) -> None:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[row, column] = value
    table.to_csv(path, index=False)


def test_committed_data_is_valid():
    table = load_valid(data_files(REPO / "data"))
    assert len(table) == 8645
    assert sorted(table["period"].unique()) == [f"2011-{m:02d}" for m in range(1, 13)]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("temp", "warm", "'warm' is not a number"),
        ("hr", "7.5", "'7.5' is not an integer"),
        ("hum", "1.7", "1.7 is out of range (0 to 1)"),
        ("season", "0", "0 is out of range (1 to 4)"),
        ("weathersit", "tornado", "unknown category 'tornado'"),
        ("windspeed", "", "value is missing"),
        ("atemp", "NaN", "value is missing"),
        ("temp", "inf", "'inf' is not a finite number"),
        # float() reads it, pandas (which loads the data afterwards) does not
        ("temp", "0.1_0", "'0.1_0' is not a number"),
    ],
)
def test_bad_value_is_named_with_file_line_and_column(data_dir, column, value, expected):
    path = data_dir / "2011-03.csv"
    corrupt(path, 4, column, value)
    problems = problems_in(path)
    assert problems[0].startswith(f"{path}: line 6, column '{column}': {expected}")


def test_missing_column(data_dir):
    path = data_dir / "2011-02.csv"
    pd.read_csv(path).drop(columns=["hum"]).to_csv(path, index=False)
    assert problems_in(path) == [f"{path}: missing column 'hum'"]


def test_duplicate_timestamp_within_a_file(data_dir):
    path = data_dir / "2011-05.csv"
    table = pd.read_csv(path)
    pd.concat([table, table.iloc[[10]]]).to_csv(path, index=False)
    assert f"line {len(table) + 2}, column 'day,hr': duplicate timestamp" in problems_in(path)[0]


@pytest.mark.slow  # reads all twelve months (4 s)
def test_duplicate_timestamp_across_files(data_dir):
    # February's file claims an hour that January's file already holds.
    jan = pd.read_csv(data_dir / "2011-01.csv")
    feb_path = data_dir / "2011-02.csv"
    feb = pd.read_csv(feb_path)
    pd.concat([feb, jan.iloc[[0]].assign(mnth="Feb")]).to_csv(feb_path, index=False)
    with pytest.raises(DataError, match="duplicate timestamp across files"):
        load_valid(data_files(data_dir))


def test_month_must_match_file(data_dir):
    path = data_dir / "2011-06.csv"
    corrupt(path, 0, "mnth", "May")
    assert problems_in(path)[0].endswith("column 'mnth': 'May' does not match the file's month")


def test_target_must_add_up(data_dir):
    path = data_dir / "2011-07.csv"
    corrupt(path, 3, "bikers", "9999")
    assert problems_in(path)[0].endswith("column 'bikers': is not casual + registered")


@pytest.mark.slow  # a python -m model process (11 s on a loaded machine)
def test_cli_rejects_bad_data_in_one_sentence_and_changes_nothing(data_dir, tmp_path):
    corrupt(data_dir / "2011-04.csv", 2, "weathersit", "hail")
    champion = REPO / "config" / "champion.json"
    before = {p.name: p.read_bytes() for p in data_dir.iterdir()}
    champion_before = champion.read_bytes()
    result = model_cli(
        "--data", data_dir, "--champion", champion, "train", "--out", tmp_path / "out"
    )  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "2011-04.csv: line 4, column 'weathersit': unknown category 'hail'" in lines[0]
    assert champion.read_bytes() == champion_before
    assert {p.name: p.read_bytes() for p in data_dir.iterdir()} == before
    assert not (tmp_path / "out").exists()
