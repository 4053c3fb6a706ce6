"""Report plots where reviewers read them: `make wf-report-images` commits this run's PNGs to
the report-assets branch of a real git remote (a bare repository here, GitHub in CI), and the
PR body / sticky comment link them absolutely, pinned to that commit."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / ".github" / "scripts"
REPOSITORY = "acme-mlops/bikeshare-gitops"


def _git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A checkout-like folder with this run's gate result and its report's plots."""
    work = tmp_path / "work"
    (work / "build" / "candidate").mkdir(parents=True)
    gate = {"candidate": {"version": "2011-12-abc"}}
    (work / "build" / "candidate" / "gate.json").write_text(json.dumps(gate))
    report = work / "reports" / "2011-12-abc"
    report.mkdir(parents=True)
    for name in ("metrics.png", "slices.png"):
        (report / name).write_bytes(b"\x89PNG\r\n\x1a\n" + name.encode())
    (report / "report.md").write_text("![metrics](metrics.png)\n![slices](slices.png)\n")
    for part in ("Makefile", "mk"):
        (work / part).symlink_to(ROOT / part)
    shutil.copytree(SCRIPTS, work / ".github" / "scripts")
    return work


def _make(work: Path, remote: Path, run_id: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "REPORT_ASSETS_REMOTE": str(remote),
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_RUN_ID": run_id,
    }
    return subprocess.run(
        ["make", "-s", "wf-report-images"], cwd=work, env=env, capture_output=True, text=True
    )


def test_plots_are_pushed_and_linked_by_commit(workspace, tmp_path):
    remote = tmp_path / "origin.git"
    _git("init", "-q", "--bare", str(remote))
    first = _make(workspace, remote, "101")
    assert first.returncode == 0, first.stderr
    base = (workspace / "build" / "report-image-base.txt").read_text().strip()
    head = _git("rev-parse", "report-assets", cwd=remote)
    assert base == f"https://github.com/{REPOSITORY}/raw/{head}/101/2011-12-abc"
    assert _git("ls-tree", "-r", "--name-only", head, cwd=remote).splitlines() == [
        "101/2011-12-abc/metrics.png",
        "101/2011-12-abc/slices.png",
    ]
    # A second run adds its plots on top: earlier links keep working.
    assert _make(workspace, remote, "102").returncode == 0
    files = _git("ls-tree", "-r", "--name-only", "report-assets", cwd=remote).splitlines()
    assert "101/2011-12-abc/metrics.png" in files and "102/2011-12-abc/metrics.png" in files
    assert _git("rev-parse", "report-assets~1", cwd=remote) == head

    # The composed report links the uploaded plots, not relative files.
    spec = importlib.util.spec_from_file_location("model_report", SCRIPTS / "model_report.py")
    model_report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model_report)
    text = model_report.absolute_images(
        (workspace / "reports" / "2011-12-abc" / "report.md").read_text(), base
    )
    assert f"![metrics]({base}/metrics.png)" in text
    assert "](metrics.png)" not in text and "](slices.png)" not in text


def test_no_plots_uploads_nothing(workspace, tmp_path):
    remote = tmp_path / "origin.git"
    _git("init", "-q", "--bare", str(remote))
    for png in (workspace / "reports" / "2011-12-abc").glob("*.png"):
        png.unlink()
    result = _make(workspace, remote, "103")
    assert result.returncode == 0
    assert "nothing to upload" in result.stdout
    assert not (workspace / "build" / "report-image-base.txt").exists()


def test_an_unreachable_remote_fails_and_leaves_no_link(workspace, tmp_path):
    result = _make(workspace, tmp_path / "missing.git", "104")
    assert result.returncode != 0
    assert "could not push" in result.stderr
    assert not (workspace / "build" / "report-image-base.txt").exists()
