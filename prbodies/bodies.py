"""Every body CI posts, made by the code CI runs, from this repository's own state:

- model-pass: the model PR of the current champion (.github/scripts/model_report.py over
  config/champion.json and its report in reports/);
- model-reject: a real rejected retrain, replayed in a scratch folder (a December with
  rain every other hour and stronger wind, trained with too few iterations): drift alerts
  and failed checks, as a reviewer would meet them in the run summary and PR comment;
- model-drift: the model PR of a drift dispatch, with intake/dispatched.py's note under
  its checks (`make wf-drift-note`);
- data: the data PR intake/landing.py opens for a month that passed the contract;
- release, promotion, rollback, rollback-alert: gitops' set-image, promote and rollback and
  autorollback's open_rollback over a scratch copy of argocd/ and config/, prod running the
  former champion, the current one released to staging, verified (a local evidence store),
  promoted, then rolled back by hand and by an alert.
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
from datetime import UTC, datetime, timedelta
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
    # What the decision rests on, each required whole in the first screen besides the verdict
    # (prbodies/checks.py ELEMENTS): checks, evidence, changes, rollback.
    fold: tuple[str, ...] = ("checks",)
    changes: list[str] = field(default_factory=list)  # a model PR's changed files


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
    return Body("model-pass", f"model {version}", text, plots, changes=changes)


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
        sorted((scratch / "reports" / version).glob("*.png")),
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


# The releases the scratch repository moves through: prod runs the former champion; staging
# gets the current one, verified, then promoted; prod rolls it back.
OLD = ("sha256:" + "b2" * 32, "2011-11-fe7fef792b")
NEW_DIGEST = "sha256:" + "a1" * 32
EVIDENCE_BUCKET = "s3://bikeshare-evidence-staging"  # the store's name in the bodies


class _Store:
    """The evidence store's local form (gitops/evidence.py) under the name the promote
    workflow would give it, so the bodies read as CI's do."""

    def __init__(self, directory: Path, url: str) -> None:
        from gitops.evidence import DirectoryStore

        self._files, self.url = DirectoryStore(directory), url

    def get(self, name: str) -> bytes | None:
        return self._files.get(name)

    def put(self, name: str, body: bytes) -> None:
        self._files.put(name, body)


def verification(env: str, digest: str, version: str, finished: datetime) -> dict:
    """A passing record as bento/verify.py writes it (its checks' own wording)."""
    started = finished - timedelta(seconds=38.4)
    return {
        "environment": env, "digest": digest, "model_version": version, "passed": True,
        "cluster": f"bikeshare-{env}", "runner": "Argo CD PostSync Job",
        "checks": [
            {"name": "ready", "passed": True, "detail": "200"},
            {"name": "version", "passed": True,
             "detail": f"serves {version}, release pins {version}"},
            {"name": "golden", "passed": True, "detail": "24 rows exactly equal"},
            {"name": "latency", "passed": True,
             "detail": "p95 14.2 ms over 200 requests (budget 250 ms)"},
        ],
        "latency": {"requests": 200, "errors": 0, "error_rate": 0.0,
                    "p50_ms": 6.1, "p95_ms": 14.2, "p99_ms": 19.8},
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "duration_s": 38.4,
    }  # fmt: skip


def _scratch_repository(scratch: Path) -> Path:
    """This repository's argocd/, promotion rules and champion record, one commit on main."""
    shutil.rmtree(scratch, ignore_errors=True)
    repo = scratch / "repo"
    shutil.copytree(paths.ROOT / "argocd", repo / "argocd")
    (repo / "config").mkdir()
    for name in ("platform.yaml", "champion.json"):
        shutil.copy(paths.ROOT / "config" / name, repo / "config" / name)
    (repo / ".gitignore").write_text("build/\n")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "commit.gpgsign", "false")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "the repository as it is")
    return repo


def _merge(repo: Path, branch: str) -> None:
    _git(repo, "switch", "-q", "main")
    _git(repo, "merge", "-q", "--no-ff", "-m", f"Merge {branch}", branch)


def gitops_bodies(scratch: Path) -> list[Body]:
    """Release, promotion and rollback bodies as gitops writes them (set-image, promote,
    rollback, autorollback) over a scratch copy of this repository, prod running the former
    champion and staging's verification in a local evidence store."""
    from autorollback.act import open_rollback
    from autorollback.decide import DEFAULT_WINDOW_SECONDS, decide, deployed_at
    from gitops.evidence import dumps, key
    from gitops.promote import promote
    from gitops.rollback import rollback
    from gitops.set_image import set_image

    repo = _scratch_repository(scratch)
    store = _Store(scratch / "evidence", EVIDENCE_BUCKET)
    # Staging verifies a release minutes after it syncs; the promotion comes 2 hours later.
    verified = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=6)
    now = verified + timedelta(hours=2)
    champion = records.load(paths.CHAMPION)["version"]

    def release(digest: str, version: str | None, body: Path | None = None) -> None:
        set_image(repo, "staging", f"{IMAGE}@{digest}", version, body_file=body)
        record = verification("staging", digest, version or champion, verified)
        store.put(key("staging", digest), dumps(record).encode())

    # prod runs the former champion, promoted and merged as a reviewer would.
    release(*OLD)
    branch, _ = promote(repo, "staging", "prod", None, Path("build/old.md"), store=store, now=now)
    _merge(repo, branch)
    # The current champion: released to staging (the release PR), verified, promoted.
    release(NEW_DIGEST, None, Path("build/release-staging.md"))
    branch, _ = promote(repo, "staging", "prod", None, Path("build/promote-prod.md"), store=store,
                        now=now)  # fmt: skip
    _merge(repo, branch)
    # Rolled back by hand, then (another branch of the same main) by an alert.
    branch, _ = rollback(
        repo, "prod", Path("build/rollback-prod.md"), "p99 doubled since the merge"
    )
    _git(repo, "switch", "-q", "main")
    _git(repo, "branch", "-q", "-D", branch)
    deployed = deployed_at(repo, "prod")
    alert = {
        "status": "firing",
        "labels": {"alertname": "BikeshareHighLatency", "severity": "page",
                   "environment": "prod", "namespace": "bikeshare"},
        "annotations": {"summary": "p99 latency of /predict is 2.6 s over 5 min",
                        "runbook_url": "docs/runbooks/BikeshareHighLatency.md"},
        "startsAt": (deployed + timedelta(seconds=95)).isoformat().replace("+00:00", "Z"),
        "generatorURL": "http://prometheus:9090/graph?g0.expr=bikeshare%3Ap99",
    }  # fmt: skip
    decision = decide(repo, "prod", alert, DEFAULT_WINDOW_SECONDS)
    if not decision.rollback:
        raise RuntimeError(f"the alert would not roll back: {decision.why}")
    why = decision.why
    alerted = open_rollback(repo, "prod", alert, why)
    text = (repo / "build").joinpath
    return [
        Body("release", f"release(staging): model {champion}", text("release-staging.md")
             .read_text(), fold=("checks", "changes")),
        Body("promotion", f"promote(prod): model {champion} from staging",
             text("promote-prod.md").read_text(),
             fold=("checks", "changes", "evidence", "rollback")),
        Body("rollback", f"rollback(prod): back to model {OLD[1]}",
             text("rollback-prod.md").read_text(), fold=("checks", "changes")),
        Body("rollback-alert", f"rollback(prod): back to model {OLD[1]} (alert)",
             alerted.body, fold=("checks", "changes")),
    ]  # fmt: skip


def data_body(scratch: Path) -> Body:
    """The data PR intake/landing.py opens for a month that passed the contract: December
    landing in a scratch copy of data/ holding January to November."""
    from intake import check, landing

    shutil.rmtree(scratch, ignore_errors=True)
    repo = scratch / "repo"
    (repo / "data").mkdir(parents=True)
    files = sorted((paths.DATA).glob("????-??.csv"))
    for path in files[:-1]:
        shutil.copy(path, repo / "data" / path.name)
    shutil.copy(paths.DATA / "DATASHEET.md", repo / "data" / "DATASHEET.md")
    (repo / ".gitignore").write_text("build/\n")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "commit.gpgsign", "false")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "data up to November")
    month, data = files[-1].stem, files[-1].read_bytes()
    problem = check.problem(repo / "data", files[-1].name, data)
    if problem:
        raise RuntimeError(f"the data body's month fails the contract: {problem}")
    uri = f"s3://bikeshare-artifacts/landing/{month}.csv"
    landing.open_month(repo, month, data, uri)
    body = (repo / landing.BODY_DIR / f"{month}.md").read_text()
    return Body("data", f"data: {month} from the landing prefix", body)


def model_drift(scratch: Path) -> Body:
    """The model PR of a drift dispatch: the champion's body with the note intake/dispatched.py
    writes (why this run retrains), as `make wf-drift-note` composes it."""
    from intake import dispatched

    body = model_pass()
    champion = records.load(paths.CHAMPION)
    month = champion["trained_on"]["holdout"]
    payload = {
        "period": month,
        "model_version": "2011-11-fe7fef792b",
        "alert": ["windspeed", "weathersit"],
        "drift": {"uri": f"s3://bikeshare-artifacts/scores/{month}/run-7/drift.json",
                  "sha256": "3c" * 32},
        "data": {"uri": f"s3://bikeshare-artifacts/scores/{month}/run-7/input.csv",
                 "sha256": "9e" * 32},
    }  # fmt: skip
    note = dispatched.note(
        payload,
        {"retrain": True, "alert": payload["alert"]},
        f"the scored data became `data/{month}.csv` (741 rows).",
    )
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / "drift-retrain.md").write_text(note)
    gate = paths.BUILD / "pr-bodies-scratch" / "gate-pass.json"
    text = _model_report().compose(
        gate, paths.REPORTS, image_base=".", changes=body.changes, note=note
    )
    return Body("model-drift", f"{body.title} (drift dispatch)", text, body.assets)
