"""reports/ holds the report of the current champion (config/champion.json) and nothing
stale, and `make report` regenerates exactly what is committed."""

import re
from pathlib import Path

import pytest

from model import record as records
from model.champion_report import regenerate
from model.drift import load_settings
from model.train import load_params

REPO = Path(__file__).resolve().parents[2]
REPORTS = REPO / "reports"
CHAMPION = records.load(REPO / "config" / "champion.json")


def test_reports_holds_the_champions_report_and_nothing_else():
    folders = sorted(p.name for p in REPORTS.iterdir() if p.is_dir())
    assert folders == [CHAMPION["version"]], (
        f"reports/ should hold only {CHAMPION['version']}/: run `make report`"
    )
    report = (REPORTS / CHAMPION["version"] / "report.md").read_text()
    assert report.startswith(f"# Model report: candidate {CHAMPION['version']} vs champion ")
    assert "**✓ PASS**" in report
    rmse = CHAMPION["metrics"]["overall"]["rmse"]
    assert f"| ✓ | RMSE overall (rentals/h) | {rmse:.2f} |" in report


def test_every_plot_the_report_links_is_there():
    folder = REPORTS / CHAMPION["version"]
    linked = re.findall(r"!\[[^\]]+\]\(([\w.-]+\.png)\)", (folder / "report.md").read_text())
    assert sorted(linked) == sorted(p.name for p in folder.glob("*.png"))
    assert {"metrics.png", "slices.png", "importance.png", "drift.png"} <= set(linked)


@pytest.mark.slow
def test_make_report_regenerates_the_committed_report_byte_for_byte(tmp_path, champion_in_store):
    out = tmp_path / "reports"
    regenerate(
        REPO / "data", REPO / "config" / "champion.json", load_params(), load_settings(), out
    )
    made = {p.name: p.read_bytes() for p in (out / CHAMPION["version"]).iterdir()}
    committed = {p.name: p.read_bytes() for p in (REPORTS / CHAMPION["version"]).iterdir()}
    assert made.keys() == committed.keys()
    assert [name for name in made if made[name] != committed[name]] == []
