"""make retrain: new data → validate → drift → train → gate → report; champion moves on a pass."""

import json
import shutil
from pathlib import Path

import matplotlib.image
import pandas as pd
import pytest
import yaml

from model import registry
from model.cli import main
from model.record import load

from .conftest import DECEMBER, REPO

pytestmark = pytest.mark.slow  # trains models

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def snapshot(directory: Path) -> dict[str, bytes]:
    files = (p for p in directory.rglob("*") if p.is_file())
    return {str(p.relative_to(directory)): p.read_bytes() for p in files}


def test_schema_break_fails_clearly_and_changes_nothing(workspace, capsys):
    broken = pd.read_csv(DECEMBER).drop(columns=["hum"])
    broken.to_csv(workspace.data / DECEMBER.name, index=False)
    before = snapshot(workspace.data.parent)

    code = main(workspace.args("retrain"))

    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err == f"error: {workspace.data / DECEMBER.name}: missing column 'hum'."
    assert snapshot(workspace.data.parent) == before  # no report, no record change, no build


def test_shifted_month_warns_naming_the_features(shifted_run):
    _, _, _, printed = shifted_run
    warnings = [line for line in printed.splitlines() if line.startswith("drift ")]
    named = {line.split(": ", 1)[1].split(" ")[0] for line in warnings}
    assert named == {"weathersit", "windspeed"}, printed
    assert any(line.startswith("drift alert: weathersit (PSI") for line in warnings)


def test_report_names_versions_and_has_valid_plots(shifted_run):
    ws, before, code, _ = shifted_run
    candidate = json.loads((ws.out / "gate.json").read_text())["candidate"]["version"]
    report_dir = ws.reports / candidate
    report = (report_dir / "report.md").read_text()

    assert report.splitlines()[0] == (
        f"# Model report: candidate {candidate} vs champion {before['version']}"
    )
    decision = report.splitlines()[2]
    assert decision.startswith("**✓ PASS**" if code == 0 else "**✗ REJECTED**")
    summary, details = report.split("<!-- details -->")
    # The drift alerts are in the one-screen summary, by their human names, marked.
    assert "| ⚠ | Drift alert: Weather (PSI) |" in summary
    assert "| ⚠ | Drift alert: Wind speed (PSI) |" in summary
    assert "| Weather | PSI |" in details.split("## Drift")[1]
    for name in ("metrics.png", "slices.png", "importance.png", "drift.png"):
        assert f"]({name})" in report
        assert (report_dir / name).read_bytes()[:8] == PNG_SIGNATURE
        pixels = matplotlib.image.imread(report_dir / name)
        assert pixels.ndim == 3 and min(pixels.shape[:2]) > 100


def test_worse_candidate_is_rejected_and_champion_unchanged(workspace, tmp_path, capsys):
    shutil.copy(DECEMBER, workspace.data / DECEMBER.name)
    params = yaml.safe_load((REPO / "config" / "params.yaml").read_text())
    params["estimator"]["max_iter"] = 5
    (tmp_path / "worse.yaml").write_text(yaml.safe_dump(params))
    before = workspace.champion.read_bytes()

    code = main(workspace.args("retrain", "--params", str(tmp_path / "worse.yaml")))

    printed = capsys.readouterr().out
    assert code == 1
    assert "gate: REJECT: " in printed
    assert workspace.champion.read_bytes() == before
    candidate = json.loads((workspace.out / "gate.json").read_text())["candidate"]
    assert registry.load(candidate["bento_model_tag"]) is None  # never registered
    report = (workspace.reports / candidate["version"] / "report.md").read_text()
    champion = load(workspace.champion)["version"]
    assert f"**✗ REJECTED**: champion `{champion}` stays; " in report
    assert "| ✗ | RMSE overall (rentals/h) |" in report


def test_a_misbehaving_candidate_is_rejected_by_its_behaviour(workspace, monkeypatch, capsys):
    """Good metrics, perverse behaviour: its predictor is made to predict more in rain."""
    from model import behaviour

    shutil.copy(DECEMBER, workspace.data / DECEMBER.name)
    honest = behaviour.predictor

    def rain_lover(model):
        predict = honest(model)
        return lambda frame: predict(frame) * (1 + 2 * (frame["weathersit"] != "clear"))

    monkeypatch.setattr(behaviour, "predictor", rain_lover)
    before = workspace.champion.read_bytes()

    assert main(workspace.args("retrain")) == 1

    printed = capsys.readouterr().out
    gate_line = next(line for line in printed.splitlines() if line.startswith("gate: "))
    assert gate_line.startswith("gate: REJECT: behaviour 'rain → fewer rentals' failed: +")
    assert workspace.champion.read_bytes() == before
    candidate = json.loads((workspace.out / "gate.json").read_text())["candidate"]
    report = (workspace.reports / candidate["version"] / "report.md").read_text()
    assert "| ✗ | Behaviour: rain → fewer rentals |" in report
    assert "| ✓ | Behaviour: alone = in a batch |" in report


def test_nothing_new_means_nothing_to_do(workspace, capsys):
    before = snapshot(workspace.data.parent)
    assert main(workspace.args("retrain")) == 0
    assert "nothing changed since champion" in capsys.readouterr().out
    assert snapshot(workspace.data.parent) == before
