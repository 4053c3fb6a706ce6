"""make verify: run the overlay's verification Job pod against the played service; the pod
records its evidence in the store the promotion gate reads (gitops/evidence.py).

With an S3 store (EVIDENCE_STORE=s3://BUCKET, on moto here) the pod writes the object itself,
with the credentials it is given: this process's AWS credentials, which the caller obtains by
assuming the Job's role (what EKS Pod Identity hands the pod in a cluster), plus the
emulator's endpoint and CA. With a directory store (the local form) the pod runs without a
store and its JSON line is written under the same key here.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import yaml

from gitops.errors import Failed, Refusal
from gitops.evidence import DirectoryStore, dumps, failed_checks, key, open_store
from kubeplay.job_pod import pod_from_template, run_once
from kubeplay.local import LocalTarget
from kubeplay.play import Played, pinned_release

RUNNER = "podman kube play (local): the verification Job's pod template against the played pod"
CA_FILE = "/etc/moto-ca.pem"
CREDENTIALS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION")


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


def local_pod(job: dict, env: str, store: str | None, endpoint: str | None, ca: Path | None):
    """The Job's pod with what stands in for the cluster: the store, the caller's (assumed
    role's) credentials instead of Pod Identity's, the emulator's endpoint and CA."""
    pod = pod_from_template(copy.deepcopy(job))
    container = pod["spec"]["containers"][0]
    overrides = {"BIKESHARE_ENV": env, "BIKESHARE_VERIFY_RUNNER": RUNNER}
    overrides["BIKESHARE_EVIDENCE_STORE"] = store or ""
    if store:
        overrides |= {k: os.environ[k] for k in CREDENTIALS if os.environ.get(k)}
        overrides.setdefault("AWS_REGION", os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
        if endpoint:
            overrides["AWS_ENDPOINT_URL_S3"] = endpoint
    kept = [e for e in container.get("env", []) if e["name"] not in overrides]
    container["env"] = kept + [{"name": k, "value": v} for k, v in overrides.items()]
    if store and ca is not None:
        container["env"].append({"name": "AWS_CA_BUNDLE", "value": CA_FILE})
        container.setdefault("volumeMounts", []).append(
            {"name": "moto-ca", "mountPath": CA_FILE, "readOnly": True}
        )
        pod["spec"].setdefault("volumes", []).append(
            {"name": "moto-ca", "hostPath": {"path": str(ca.resolve()), "type": "File"}}
        )
    return pod


def verify(
    target: LocalTarget,
    store_url: str | Path,
    endpoint: str | None = None,
    ca_bundle: Path | None = None,
) -> str:
    played = Played.load(target)
    release = pinned_release(target)
    if release.model_version != played.model_version or not played.image.endswith(release.digest):
        raise Refusal(
            f"{target.env} runs {played.image} from commit {played.commit[:12]}, but the work "
            f"tree pins {release.ref}: run make up ENV={target.env} first"
        )
    store = open_store(store_url)
    s3 = not isinstance(store, DirectoryStore)
    docs = yaml.safe_load_all((target.directory / "rendered.yaml").read_text())
    job = next(d for d in docs if d["kind"] == "Job")
    pod = local_pod(job, target.env, store.url if s3 else None, endpoint, ca_bundle)
    code, output = run_once(pod, target.directory / "verify-pod.yaml")
    result = result_of(code, output)
    name = key(target.env, release.digest)
    if s3:
        if "evidence" not in result:
            raise Failed(
                f"the verification pod wrote no evidence to {store.url} (exit {code}): "
                + (output.strip().splitlines() or ["no output"])[-1]
            )
    else:
        record = {
            **result,
            "environment": target.env,
            "digest": release.digest,
            "cluster": f"local podman ({target.env})",
            "runner": RUNNER,
        }
        store.put(name, dumps(record).encode())
    verdict = "passed" if result["passed"] else "FAILED"
    lines = [
        f"  {c['name']}: {'ok' if c['passed'] else 'FAILED'} ({c['detail']})"
        for c in result["checks"]
    ]
    summary = (
        f"verification of {release.ref} in {target.env}: {verdict}\n"
        + "\n".join(lines)
        + f"\nevidence in {store.url}/{name}"
    )
    if not result["passed"]:
        raise Failed(f"{summary}\nfailed checks: {failed_checks(result)}")
    return summary
