"""make verify: run the overlay's verification Job pod against the played service and
record the result as evidence in git (gitops/evidence.py), which `make promote` reads."""

from __future__ import annotations

import json

import yaml

from gitops import git
from gitops.errors import Failed, Refusal
from gitops.evidence import dumps, evidence_path, failed_checks, record_for
from kubeplay.job_pod import pod_from_template, run_once
from kubeplay.local import LocalTarget
from kubeplay.play import Played, pinned_release

RUNNER = "podman kube play (local): the verification Job's pod template against the played pod"


def result_of(code: int, output: str) -> dict:
    """The program's JSON line, or a failed result that says why there is none."""
    for line in reversed(output.strip().splitlines()):
        try:
            result = json.loads(line)
        except ValueError:
            continue
        if isinstance(result, dict) and "checks" in result:
            result["passed"] = bool(result["passed"]) and code == 0
            return result
    tail = output.strip().splitlines()[-1:] or ["no output"]
    return {"passed": False, "checks": [{"name": "run", "passed": False, "detail": tail[0]}]}


def verify(target: LocalTarget, commit: bool = True) -> str:
    root = target.root
    played = Played.load(target)
    release = pinned_release(target)
    if release.model_version != played.model_version or not played.image.endswith(release.digest):
        raise Refusal(
            f"{target.env} runs {played.image} from commit {played.commit[:12]}, but the work "
            f"tree pins {release.ref}: run make up ENV={target.env} first"
        )
    if commit:
        git.require_clean(root)
    docs = yaml.safe_load_all((target.directory / "rendered.yaml").read_text())
    job = next(d for d in docs if d["kind"] == "Job")
    code, output = run_once(pod_from_template(job), target.directory / "verify-pod.yaml")
    result = {**result_of(code, output), "runner": RUNNER}
    record = record_for(release, target.env, result, played.commit)
    path = evidence_path(target.env)
    (root / path).write_text(dumps(record))
    verdict = "passed" if record["passed"] else "FAILED"
    lines = [
        f"  {c['name']}: {'ok' if c['passed'] else 'FAILED'} ({c['detail']})"
        for c in result["checks"]
    ]
    summary = f"verification of {release.ref} in {target.env}: {verdict}\n" + "\n".join(lines)
    if commit:
        sha = git.commit(
            root,
            [path],
            f"verify({target.env}): {verdict} for {release.digest[:19]} model "
            f"{release.model_version}\n\n"
            f"Verification-Env: {target.env}\nImage: {release.ref}\n"
            f"Verified-Commit: {played.commit}\nVerification: {verdict}\n",
        )
        summary += f"\nrecorded in {path} (commit {sha[:12]})"
    else:
        summary += f"\nrecorded in {path} (not committed)"
    if not record["passed"]:
        raise Failed(f"{summary}\nfailed checks: {failed_checks(record)}")
    return summary
