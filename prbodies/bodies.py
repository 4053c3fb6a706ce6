"""Every body CI posts, made by the code CI runs, from this repository's own state:

- model-pass: the model PR of the current champion (.github/scripts/model_report.py over
  config/champion.json and its report in reports/);
- model-reject: a real rejected retrain, replayed in a scratch folder (a December with
  rain every other hour and stronger wind, trained with too few iterations): drift alerts
  and failed checks, as a reviewer would meet them in the run summary and PR comment;
- promotion, rollback (and preview, once gitops/pr_body.py has it): gitops/pr_body.py's
  public functions over a scratch git repository holding the champion record.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from model import paths
from model import record as records

MODEL_REPORT = paths.ROOT / ".github" / "scripts" / "model_report.py"
IMAGE = "registry.example.com/bikeshare"


@dataclass
class Body:
    name: str
    title: str
    markdown: str
    assets: list[Path] = field(default_factory=list)  # files the body links relatively
    # The model bodies open with the table of checks, which must fit the first screen.
    checks_first: bool = False


def _model_report():
    spec = importlib.util.spec_from_file_location("model_report", MODEL_REPORT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def model_pass(reports: Path = paths.REPORTS, champion_path: Path = paths.CHAMPION) -> Body:
    champion = records.load(champion_path)
    version = champion["version"]
    pinned = champion.get("artifact") or {}
    report = (reports / version / "report.md").read_text()
    gate = {
        "candidate": champion,
        # The champion it replaced, as its report's title names it.
        "champion_version": report.splitlines()[0].rsplit(" ", 1)[-1],
        "verdict": {"passed": True, "reasons": []},
        # What CI's embedded store gives: a URL on the runner's loopback.
        "mlflow_run": f"http://127.0.0.1:5000/#/experiments/1/runs/{pinned.get('run_id', '')}",
    }
    scratch = paths.BUILD / "pr-bodies-scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    gate_file = scratch / "gate-pass.json"
    gate_file.write_text(json.dumps(gate))
    stale = sorted(p.name for p in reports.iterdir() if p.is_dir() and p.name != version)
    changes = [
        "`config/champion.json` (changed)",
        "`config/golden.json` (changed)",
        f"`reports/{version}/` (added)",
        *[f"`reports/{name}/` (removed)" for name in stale],
    ]
    # "." stands for the uploaded plots' URL: the page sits beside its copies of them.
    text = _model_report().compose(gate_file, reports, image_base=".", changes=changes)
    plots = sorted((reports / version).glob("*.png"))
    return Body("model-pass", f"model {version}", text, plots, checks_first=True)


def model_reject(scratch: Path) -> Body:
    """A retrain the gate rejects, run through model/flow.py in `scratch`."""
    from model import flow
    from model.champion_report import train_predecessor
    from model.drift import load_settings
    from model.train import load_params
    from model.validate import data_files

    params = load_params()
    shutil.rmtree(scratch, ignore_errors=True)
    before, after = scratch / "before", scratch / "after"
    before.mkdir(parents=True)
    after.mkdir()
    files = data_files(paths.DATA)
    for path in files[:-1]:
        shutil.copy(path, before / path.name)
        shutil.copy(path, after / path.name)
    train_predecessor(before, params, scratch / "champion.json")
    _rainy_windy(files[-1], after / files[-1].name)
    weak = {**params, "estimator": {**params["estimator"], "max_iter": 15}}
    saved = os.environ.get("MLFLOW_TRACKING_URI")
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{scratch / 'mlflow.db'}"
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            result = flow.run(
                after, weak, scratch / "champion.json", load_settings(),
                scratch / "reports", scratch / "out",
            )  # fmt: skip
    finally:
        if saved is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
        else:
            os.environ["MLFLOW_TRACKING_URI"] = saved
    if result.outcome is None or result.outcome.verdict.passed:
        raise RuntimeError("the reject scenario passed the gate: make it worse (prbodies).")
    text = _model_report().compose(
        scratch / "out" / "gate.json", scratch / "reports", image_base="."
    )
    version = result.outcome.candidate["version"]
    return Body(
        "model-reject", f"retrain run summary: {version} rejected", text,
        sorted((scratch / "reports" / version).glob("*.png")), checks_first=True,
    )  # fmt: skip


def _rainy_windy(source: Path, target: Path) -> None:
    """A valid month whose weather changed: rain every other hour, wind 1.8 times stronger."""
    table = pd.read_csv(source)
    table.loc[table.index % 2 == 0, "weathersit"] = "light rain/snow"
    table["windspeed"] = (table["windspeed"] * 1.8).clip(0, 1)
    table.to_csv(target, index=False, float_format="%.4f")


def _git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bot", "GIT_AUTHOR_EMAIL": "bot@example.com",
        "GIT_COMMITTER_NAME": "bot", "GIT_COMMITTER_EMAIL": "bot@example.com",
    }  # fmt: skip
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout.strip()


def _manifest(digest: str, version: str) -> str:
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bikeshare\n"
        f"  annotations:\n    bikeshare/model-version: {version}\n"
        f"spec:\n  template:\n    spec:\n      containers:\n      - name: bikeshare\n"
        f"        image: {IMAGE}@{digest}\n"
    )


def gitops_bodies(scratch: Path) -> list[Body]:
    """Promotion and rollback bodies from gitops/pr_body.py over a scratch repository."""
    from gitops import pr_body
    from gitops.layout import Release

    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / "config").mkdir(parents=True)
    shutil.copy(paths.CHAMPION, scratch / "config" / "champion.json")
    _git(scratch, "init", "-q", "-b", "main")
    _git(scratch, "add", "-A")
    _git(scratch, "commit", "-q", "-m", "set-image staging: the champion's release")
    source_commit = _git(scratch, "rev-parse", "HEAD")
    champion = records.load(paths.CHAMPION)
    new = Release(IMAGE, "sha256:" + "a1" * 32, champion["version"])
    old = Release(IMAGE, "sha256:" + "b2" * 32, "2011-11-fe7fef792b")
    _git(scratch, "commit", "-q", "--allow-empty", "-m", "promote staging → prod")
    commit = _git(scratch, "rev-parse", "HEAD")
    bodies = [
        Body(
            "promotion", f"promote {new.model_version} to prod",
            pr_body.promotion_body(
                scratch, "staging", "prod", new, source_commit, commit,
                _manifest(old.digest, old.model_version), _manifest(new.digest, new.model_version),
            ),
        ),
        Body(
            "rollback", f"roll back prod to {old.model_version}",
            pr_body.rollback_body("prod", commit, old, new),
        ),
    ]  # fmt: skip
    preview = getattr(pr_body, "preview_body", None)  # not every version has one
    if preview is not None:
        bodies.append(Body("preview", "preview", preview(scratch, "staging", new)))
    return bodies
