"""Drift: what changed in data/, PSI per feature, and the live-input drift command."""

import shutil

import pandas as pd
import pytest

from model.changes import data_changes
from model.cli import main
from model.drift import compare, flagged, load_settings, psi
from model.record import load
from model.validate import data_files, load_valid

from .conftest import DECEMBER, REPO, shifted_december

SETTINGS = load_settings(REPO / "config" / "monitoring.yaml")


def test_psi_is_zero_for_the_same_histogram_and_grows_with_shift():
    assert psi([10, 20, 30], [1, 2, 3]) == 0
    assert 0 < psi([10, 20, 30], [20, 20, 20]) < psi([10, 20, 30], [30, 20, 10])


@pytest.mark.slow  # an eleven-month champion trained first
def test_an_ordinary_new_month_raises_no_drift_warning(eleven_months):
    window = load_valid(data_files(eleven_months.data)[:-1])  # the champion's training window
    december = load_valid([DECEMBER])
    drifts = compare(window, december, SETTINGS)
    assert flagged(drifts, "warn", "alert") == []
    # Calendar features move by design: reported, never alerted.
    assert {d.feature for d in flagged(drifts, "calendar")} == set(SETTINGS["calendar"])


@pytest.mark.slow  # an eleven-month champion trained first
def test_new_and_rewritten_files_are_told_apart(workspace):
    champion = load(workspace.champion)
    shutil.copy(DECEMBER, workspace.data / DECEMBER.name)
    may = workspace.data / "2011-05.csv"
    table = pd.read_csv(may)
    table.loc[0, "hum"] = 0.5
    table.to_csv(may, index=False, float_format="%.4f")
    (workspace.data / "2011-02.csv").unlink()

    changes = data_changes(champion, data_files(workspace.data))

    assert (changes.new, changes.changed, changes.missing) == (
        ["2011-12.csv"],
        ["2011-05.csv"],
        ["2011-02.csv"],
    )
    assert changes.suspicious == [
        "2011-05.csv changed since the champion was trained",
        "2011-02.csv is gone since the champion was trained",
    ]


@pytest.mark.slow  # an eleven-month champion trained first
def test_drift_command_on_recent_inputs(workspace, tmp_path, capsys):
    ordinary = tmp_path / "ordinary.jsonl"
    pd.read_csv(DECEMBER).to_json(ordinary, orient="records", lines=True)
    assert main(workspace.args("drift", "--window", str(ordinary))) == 0

    shifted = tmp_path / "shifted.csv"
    shifted_december(shifted)
    capsys.readouterr()
    assert main(workspace.args("drift", "--window", str(shifted))) == 1
    verdict = capsys.readouterr().out.splitlines()[-1]
    named = verdict.removeprefix("drift beyond thresholds in ").split(":")[0]
    assert set(named.split(", ")) == {"weathersit", "windspeed"}, verdict


@pytest.mark.slow  # an eleven-month champion trained first
def test_drift_command_refuses_a_broken_window(workspace, tmp_path, capsys):
    window = tmp_path / "window.csv"
    pd.read_csv(DECEMBER).assign(hum=1.7).to_csv(window, index=False)
    assert main(workspace.args("drift", "--window", str(window))) == 2
    err = capsys.readouterr().err
    assert f"{window}: record 1, feature 'hum': '1.7' is outside the schema (0 to 1)." in err
