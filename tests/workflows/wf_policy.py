"""The project's rules for GitHub Actions workflows, as code.

`check(path)` returns the violations of one workflow file as (rule, message) pairs.
Rules (ids in brackets):
  [pinned]       every non-local action is pinned to a 40-hex commit SHA, version in a comment
  [permissions]  permissions declared at the top (read/none only) and in every job
  [write-all]    no write-all / read-all anywhere
  [id-token]     `id-token: write` only in jobs that assume an AWS role
  [timeout]      every job has timeout-minutes
  [concurrency]  a concurrency group for the workflow (or for every job)
  [prt-checkout] no pull_request_target / workflow_run that checks out the PR's code
  [thin-run]     every run step is `make <target>` (wiring only, no logic in YAML)
  [run-expr]     no ${{ }} inside run: values reach the shell through env (no injection)
  [checkout-creds] checkout never leaves the token in .git/config
  [bot-token]    a step that opens or merges a PR (make wf-open-pr / wf-automerge) uses the
                 GitHub App token when configured (GH_TOKEN from the job's app-token step,
                 falling back to github.token), so the PR's checks start
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

AWS_ROLE_ACTION = "aws-actions/configure-aws-credentials"
CHECKOUT_ACTION = "actions/checkout"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v?\d+(\.\d+)*")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*['\"]?([^'\"\s#]+)['\"]?\s*(#.*)?$")
# `sudo env "PATH=$PATH"` keeps setup-python's interpreter when a target needs root (apt,
# podman); "HOME=$HOME" lets root's podman read the registry login of the runner user.
MAKE_LINE = re.compile(r'^(sudo env "PATH=\$PATH" ("HOME=\$HOME" )?)?make [a-z][\w.-]*( .*)?$')
UNTRUSTED_TRIGGERS = {"pull_request_target", "workflow_run"}
PR_HEAD_REFS = ("pull_request.head", "github.head_ref", "refs/pull/", "workflow_run.head")
BROAD = {"write-all", "read-all"}
APP_TOKEN_ACTION = "actions/create-github-app-token"
BOT_PR_TARGETS = re.compile(r"\bmake (wf-open-pr|wf-automerge)\b")
BOT_TOKEN = "${{ steps.app-token.outputs.token || github.token }}"

Violation = tuple[str, str]


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: not a workflow mapping")
    return doc


def triggers(doc: dict[str, Any]) -> set[str]:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    on = doc.get("on", doc.get(True))
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return set(on)
    return set(on or {})


def _action(uses: str) -> str:
    return uses.split("@", 1)[0]


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps") or []


def check_pins(text: str) -> list[Violation]:
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        match = USES_LINE.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        ref, comment = match.group(1), match.group(2) or ""
        if ref.startswith("./"):
            continue
        if ref.startswith("docker://"):
            if "@sha256:" not in ref:
                out.append(("pinned", f"line {number}: {ref} is not pinned by digest"))
            continue
        if not PINNED.match(ref):
            out.append(("pinned", f"line {number}: {ref} is not pinned to a full commit SHA"))
        elif not VERSION_COMMENT.search(comment):
            out.append(("pinned", f"line {number}: {ref} has no `# vX.Y.Z` version comment"))
    return out


def check_permissions(doc: dict[str, Any], jobs: dict[str, Any]) -> list[Violation]:
    out = []
    top = doc.get("permissions")
    if "permissions" not in doc:
        out.append(("permissions", "no top-level permissions (use `permissions: {}`)"))
    elif isinstance(top, dict):
        writes = sorted(k for k, v in top.items() if v not in ("read", "none"))
        if writes:
            out.append(("permissions", f"top-level permissions grant {writes}: grant per job"))
    for name, job in jobs.items():
        if "permissions" not in job:
            out.append(("permissions", f"job {name}: no permissions block"))
    for where, value in [("top level", top)] + [
        (f"job {n}", j.get("permissions")) for n, j in jobs.items()
    ]:
        if isinstance(value, str) and value in BROAD:
            out.append(("write-all", f"{where}: permissions {value}"))
    return out


def check_id_token(doc: dict[str, Any], jobs: dict[str, Any]) -> list[Violation]:
    out = []
    top = doc.get("permissions")
    if isinstance(top, dict) and top.get("id-token") == "write":
        out.append(("id-token", "id-token: write at the top level reaches every job"))
    for name, job in jobs.items():
        perms = job.get("permissions")
        if not (isinstance(perms, dict) and perms.get("id-token") == "write"):
            continue
        if not any(_action(s.get("uses", "")) == AWS_ROLE_ACTION for s in _steps(job)):
            out.append(("id-token", f"job {name}: id-token: write but assumes no AWS role"))
    return out


def check_jobs(doc: dict[str, Any], jobs: dict[str, Any]) -> list[Violation]:
    out = []
    for name, job in jobs.items():
        if "uses" not in job and "timeout-minutes" not in job:
            out.append(("timeout", f"job {name}: no timeout-minutes"))
    if "concurrency" not in doc and not all("concurrency" in j for j in jobs.values()):
        out.append(("concurrency", "no concurrency group for the workflow or its jobs"))
    return out


def check_untrusted_checkout(doc: dict[str, Any], jobs: dict[str, Any]) -> list[Violation]:
    if not triggers(doc) & UNTRUSTED_TRIGGERS:
        return []
    out = []
    for name, job in jobs.items():
        for step in _steps(job):
            if _action(step.get("uses", "")) != CHECKOUT_ACTION:
                continue
            ref = str((step.get("with") or {}).get("ref", ""))
            if any(marker in ref for marker in PR_HEAD_REFS):
                out.append(("prt-checkout", f"job {name}: checks out PR code ({ref})"))
    return out


def check_steps(jobs: dict[str, Any]) -> list[Violation]:
    out = []
    for name, job in jobs.items():
        for index, step in enumerate(_steps(job), 1):
            where = f"job {name} step {index}"
            keeps_token = (step.get("with") or {}).get("persist-credentials") is not False
            if _action(step.get("uses", "")) == CHECKOUT_ACTION and keeps_token:
                out.append(("checkout-creds", f"{where}: set persist-credentials: false"))
            run = step.get("run")
            if run is None:
                continue
            if "${{" in run:
                out.append(("run-expr", f"{where}: ${{{{ }}}} in run; pass it through env"))
            for line in run.strip().splitlines():
                line = line.strip()
                if line and not line.startswith("#") and not MAKE_LINE.match(line):
                    out.append(("thin-run", f"{where}: `{line}` is not a make target"))
    return out


def check_bot_token(jobs: dict[str, Any]) -> list[Violation]:
    out = []
    for name, job in jobs.items():
        steps = _steps(job)
        has_app = any(
            s.get("id") == "app-token" and _action(s.get("uses", "")) == APP_TOKEN_ACTION
            for s in steps
        )
        for index, step in enumerate(steps, 1):
            if not BOT_PR_TARGETS.search(step.get("run") or ""):
                continue
            token = (step.get("env") or {}).get("GH_TOKEN")
            if not has_app or token != BOT_TOKEN:
                out.append(
                    (
                        "bot-token",
                        f"job {name} step {index}: open/merge PRs with GH_TOKEN: {BOT_TOKEN}",
                    )
                )
    return out


def check(path: Path) -> list[Violation]:
    text = path.read_text()
    doc = load(path)
    jobs = doc.get("jobs") or {}
    return (
        check_pins(text)
        + check_permissions(doc, jobs)
        + check_id_token(doc, jobs)
        + check_jobs(doc, jobs)
        + check_untrusted_checkout(doc, jobs)
        + check_steps(jobs)
        + check_bot_token(jobs)
    )
