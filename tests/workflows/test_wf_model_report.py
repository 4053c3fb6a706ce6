"""The model report a reviewer reads on a PR: this run's gate result, and only this run's
full report (a stale report of another version must never be shown)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".github" / "scripts" / "model_report.py"


@pytest.fixture(scope="module")
def model_report():
    spec = importlib.util.spec_from_file_location("model_report", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_gate(path: Path, passed: bool, version: str = "v2") -> Path:
    metrics = {"rmse": 40.0, "mae": 25.0, "r2": 0.85}
    gate = {
        "candidate": {"version": version, "metrics": {"overall": metrics}},
        "champion_version": "v1",
        "champion_metrics_on_holdout": {"overall": {"rmse": 42.0, "mae": 26.0, "r2": 0.84}},
        "verdict": {"passed": passed, "reasons": ["RMSE 40.00 vs champion 42.00 (-2.00)"]},
    }
    path.write_text(json.dumps(gate))
    return path


def test_pass_with_its_own_report(model_report, tmp_path):
    gate = write_gate(tmp_path / "gate.json", passed=True)
    (tmp_path / "reports" / "v2").mkdir(parents=True)
    (tmp_path / "reports" / "v2" / "report.md").write_text("# Report v2\n")
    (tmp_path / "reports" / "v1").mkdir()
    (tmp_path / "reports" / "v1" / "report.md").write_text("# Report v1 (stale)\n")
    text = model_report.compose(gate, tmp_path / "reports")
    assert text.startswith("### Model gate: PASS")
    assert "Candidate `v2` vs champion `v1`" in text
    assert "| RMSE | 40.000 | 42.000 | -2.000 |" in text
    assert "# Report v2" in text
    assert "stale" not in text


def test_reject_says_why(model_report, tmp_path):
    text = model_report.compose(write_gate(tmp_path / "gate.json", passed=False), tmp_path)
    assert text.startswith("### Model gate: REJECT")
    assert "- RMSE 40.00 vs champion 42.00 (-2.00)" in text


def test_no_gate_result_says_nothing_was_trained(model_report, tmp_path):
    text = model_report.compose(tmp_path / "missing.json", tmp_path)
    assert text.startswith("### Model gate: not run")
