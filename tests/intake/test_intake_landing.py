"""New data becomes a PR, executed: a clone of this repository (real git) as it was before
December (data up to November, the champion trained on it), December lands in the bucket's
landing prefix (moto), `python -m intake land` opens branch data/2011-12 with the file and its
datasheet entry; a bad month is rejected with its reason, once; then `make retrain` runs on the
data branch as the retrain workflow would after the merge, and writes the model PR's report.
GitHub is not here: the PRs are the branches (the workflow pushes them: make intake-open-prs)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import pytest

from model import record as records
from tests.retrain.conftest import eleven_months, one_openmp_thread  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]
DECEMBER = ROOT / "data" / "2011-12.csv"

pytestmark = pytest.mark.slow


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def intake(repo: Path, bucket: str, endpoint: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "intake",
            "--root",
            str(repo),
            "land",
            "--bucket",
            bucket,
            "--endpoint-url",
            endpoint,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def clone_without_december(repo: Path) -> Path:
    """A clone of this repository's HEAD on branch main, December's file deleted (not yet
    committed), committing as a test identity."""
    git(ROOT, "clone", "--quiet", "--no-hardlinks", str(ROOT), str(repo))
    for key, value in {
        "user.name": "intake test",
        "user.email": "intake@example.invalid",
        "commit.gpgsign": "false",
    }.items():
        git(repo, "config", key, value)
    git(repo, "branch", "--quiet", "-M", "main")
    (repo / "data" / DECEMBER.name).unlink()
    return repo


@pytest.fixture
def before_december(tmp_path, eleven_months) -> Path:  # noqa: F811
    """A clone of this repository's HEAD without December, its champion the eleven months'."""
    repo = clone_without_december(tmp_path / "clone")
    shutil.copy(eleven_months.champion, repo / "config" / "champion.json")
    git(repo, "commit", "--quiet", "-am", "before December")
    return repo


def test_a_landed_month_becomes_a_data_branch_and_then_a_retrain_report(
    before_december, moto_endpoint, tmp_path
):
    repo = before_december
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    bucket = f"bikeshare-intake-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="landing/2011-12.csv", Body=DECEMBER.read_bytes())
    # A second month with an hour 25: refused, and said once.
    lines = (ROOT / "data/2011-01.csv").read_text().splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("hr")] = "25"
    s3.put_object(
        Bucket=bucket, Key="landing/2012-01.csv", Body="\n".join([lines[0], ",".join(bad)]) + "\n"
    )

    first = intake(repo, bucket, moto_endpoint)
    assert first.returncode == 0, first.stderr
    assert "2011-12: opened: data/2011-12" in first.stdout
    [rejected] = [line for line in first.stdout.splitlines() if line.startswith("2012-01")]
    assert "rejected" in rejected and "'hr'" in rejected, rejected
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert not (repo / "data" / DECEMBER.name).exists()  # main is untouched
    changed = git(repo, "diff", "--name-only", "main", "data/2011-12").splitlines()
    assert changed == ["data/2011-12.csv", "data/DATASHEET.md"]
    assert git(repo, "show", "data/2011-12:data/2011-12.csv") == DECEMBER.read_text().rstrip("\n")
    sheet = git(repo, "show", "data/2011-12:data/DATASHEET.md")
    assert "| `2011-12.csv` |" in sheet
    assert f"s3://{bucket}/landing/2011-12.csv" in sheet
    body = (repo / "build/intake/2011-12.md").read_text()
    assert body.startswith("## ✓ ACCEPTED: data 2011-12 passed the data contract (741 rows)\n")
    assert "| ✓ | one row per hour of 2011-12 | no (day, hour) twice; 741 of its 744 hours" in body
    assert (
        f"| `data/2011-12.csv` | 741 | `{hashlib.sha256(DECEMBER.read_bytes()).hexdigest()}` |"
        in body
    )
    assert (repo / "build/intake/branches.txt").read_text() == "data/2011-12\n"
    state = json.loads(
        s3.get_object(Bucket=bucket, Key="landing/_state/2012-01.json")["Body"].read()
    )
    assert state["status"] == "rejected" and "'hr'" in state["reason"]

    # The next run: nothing new is opened, and the rejection is not said again.
    second = intake(repo, bucket, moto_endpoint)
    assert second.returncode == 0, second.stderr
    assert (
        "2011-12: skipped" in second.stdout
        and "2012-01: skipped: already rejected" in second.stdout
    )
    assert "'hr'" not in second.stdout
    assert (repo / "build/intake/branches.txt").read_text() == ""

    # Merged, the data starts the retrain workflow: `make retrain` on it, as CI runs it
    # (the clone borrows this checkout's virtualenv; -o: make must not rebuild it).
    git(repo, "switch", "--quiet", "data/2011-12")
    (repo / ".venv").symlink_to(ROOT / ".venv")
    with one_openmp_thread():
        retrain = subprocess.run(
            ["make", "-C", str(repo), "-o", ".venv/.installed", "retrain"],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
        )
    assert retrain.returncode == 0, retrain.stdout[-3000:] + retrain.stderr[-3000:]
    champion = records.load(repo / "config" / "champion.json")
    assert champion["trained_on"]["holdout"] == "2011-12"
    assert "2011-12.csv" in champion["data"]["files"]
    assert (repo / "reports" / champion["version"] / "report.md").is_file()
