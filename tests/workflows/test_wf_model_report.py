"""The model report a reviewer reads on a PR: this run's gate result, and only this run's
full report (a stale report of another version must never be shown)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".github" / "scripts" / "model_report.py"


@pytest.fixture(scope="module")
def model_report():
    spec = importlib.util.spec_from_file_location("model_report", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_gate(path: Path, passed: bool, version: str = "v2", run: str = "") -> Path:
    metrics = {"rmse": 40.0, "mae": 25.0, "r2": 0.85}
    gate = {
        "candidate": {"version": version, "metrics": {"overall": metrics}},
        "champion_version": "v1",
        "champion_metrics_on_holdout": {"overall": {"rmse": 42.0, "mae": 26.0, "r2": 0.84}},
        "verdict": {"passed": passed, "reasons": ["RMSE 40.00 vs champion 42.00 (-2.00)"]},
        "mlflow_run": run,
    }
    path.write_text(json.dumps(gate))
    return path


REPORT = """# Model report: candidate v2 vs champion v1

**✓ PASS**: `v2` replaces champion `v1`; every check below holds.

Trained on 2011-01 … 2011-11 (champion: 2011-01 … 2011-10); both scored on 2011-12.

| | check | candidate | champion | change | limit |
|:-:|---|---:|---:|---:|---:|
| ✓ | RMSE overall (rentals/h) | 40.00 | 42.00 | −2.00 (−4.8%) | ≤ +2% |

<!-- details -->

## Error by slice

![error by slice](slices.png)
"""


def write_report(reports: Path, version: str, text: str = REPORT) -> None:
    (reports / version).mkdir(parents=True)
    (reports / version / "report.md").write_text(text)


def test_pass_shows_its_own_summary_and_collapses_the_rest(model_report, tmp_path):
    gate = write_gate(tmp_path / "gate.json", passed=True)
    reports = tmp_path / "reports"
    write_report(reports, "v2")
    write_report(reports, "v1", "# Report v1 (stale)\n")
    text = model_report.compose(gate, reports, changes=["`config/champion.json` (changed)"])
    lines = text.splitlines()
    assert lines[0] == "## ✓ PASS: v2 replaces v1"
    # The verdict and the checks come before anything collapsed, each said once.
    assert text.index("| ✓ | RMSE overall") < text.index("<details>")
    assert text.count("RMSE overall") == 1 and "**✓ PASS**" not in text
    assert "# Model report" not in text and "stale" not in text
    assert "Files this PR changes: `config/champion.json` (changed)." in text
    assert text.index("## Error by slice") > text.index("<details>")
    assert text.rstrip().endswith("</details>")
    # No upload: the plot is named, never a broken image.
    assert "![" not in text and "_(plot `slices.png`: in the run's artifact)_" in text


def test_a_note_goes_under_the_checks_never_above_the_verdict(model_report, tmp_path):
    """A drift dispatch's why (make wf-drift-note) once headed the body, above the verdict."""
    gate = write_gate(tmp_path / "gate.json", passed=True)
    write_report(tmp_path / "reports", "v2")
    note = "**Why this retrain:** drift in 2011-12.\n"
    text = model_report.compose(gate, tmp_path / "reports", note=note)
    assert text.startswith("## ✓ PASS: v2 replaces v1\n")
    assert text.index("| ✓ | RMSE overall") < text.index("**Why this retrain:**")
    assert text.index("**Why this retrain:**") < text.index("<details>")


def test_uploaded_plots_are_linked_absolutely(model_report, tmp_path):
    gate = write_gate(tmp_path / "gate.json", passed=True)
    write_report(tmp_path / "reports", "v2")
    text = model_report.compose(gate, tmp_path / "reports", image_base="https://x/raw/c/1/v2")
    assert "![error by slice](https://x/raw/c/1/v2/slices.png)" in text


def test_reject_says_why_and_lists_no_files(model_report, tmp_path):
    text = model_report.compose(
        write_gate(tmp_path / "gate.json", passed=False), tmp_path, changes=["`x` (changed)"]
    )
    assert text.startswith("## ✗ REJECTED: v2; v1 stays (1 check failed)")
    assert "- RMSE 40.00 vs champion 42.00 (-2.00)" in text
    assert "Files this PR changes" not in text


def test_the_run_is_linked_only_on_the_environments_server(model_report, tmp_path):
    run = "https://mlflow.example.com/#/experiments/1/runs/0123456789abcdef"
    gate = write_gate(tmp_path / "gate.json", passed=True, run=run)
    platform = tmp_path / "platform.yaml"
    platform.write_text("github_repository: a/b\n")
    text = model_report.compose(gate, tmp_path, platform=platform)
    assert "http" not in text
    assert "MLflow run `0123456789ab` lives in the workflow's own store" in text
    platform.write_text("github_repository: a/b\nmlflow_url: https://mlflow.example.com\n")
    text = model_report.compose(gate, tmp_path, platform=platform)
    assert f"MLflow: [run `0123456789ab`]({run}) on https://mlflow.example.com." in text


def test_title_is_model_and_version(model_report, tmp_path):
    gate = write_gate(tmp_path / "gate.json", passed=True, version="2011-12-abc")
    out, title = tmp_path / "out" / "body.md", tmp_path / "title.txt"
    assert model_report.main([str(gate), str(tmp_path), str(out), "--title-out", str(title)]) == 0
    assert title.read_text() == "model 2011-12-abc\n"


def test_changed_files_are_read_from_git(model_report, tmp_path):
    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "champion.json").write_text("{}")
    write_report(tmp_path / "reports", "v1")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "champion v1")
    (tmp_path / "config" / "champion.json").write_text('{"version": "v2"}')
    shutil.rmtree(tmp_path / "reports" / "v1")
    write_report(tmp_path / "reports", "v2")
    assert model_report.changed_files(tmp_path) == [
        "`config/champion.json` (changed)",
        "`reports/v1/` (removed)",
        "`reports/v2/` (added)",
    ]


def test_no_gate_result_says_nothing_was_trained(model_report, tmp_path):
    text = model_report.compose(tmp_path / "missing.json", tmp_path)
    assert text.startswith("### Model gate: not run")


def test_a_pass_removes_the_former_champions_report(model_report, tmp_path):
    reports = tmp_path / "reports"
    write_report(reports, "v1")
    write_report(reports, "v2")
    (reports / "README.md").write_text("kept")
    assert model_report.prune_reports(write_gate(tmp_path / "g.json", passed=False), reports) == []
    assert (reports / "v1").is_dir()
    gate = write_gate(tmp_path / "gate.json", passed=True)
    assert model_report.prune_reports(gate, reports) == [reports / "v1"]
    assert sorted(p.name for p in reports.iterdir()) == ["README.md", "v2"]


def test_a_reject_counts_the_failed_rows_the_reviewer_sees(model_report, tmp_path):
    gate = write_gate(tmp_path / "gate.json", passed=False)
    rejected = REPORT.replace("| ✓ | RMSE overall", "| ✗ | RMSE overall")
    write_report(tmp_path / "reports", "v2", rejected)
    text = model_report.compose(gate, tmp_path / "reports")
    assert text.startswith("## ✗ REJECTED: v2; v1 stays (1 check failed)\n")
