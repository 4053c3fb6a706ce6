"""make score-pod: the scoring CronJob's pod template, played once as a Pod against the local
stack on moto, with its env, security context, resources and volumes as rendered.

What stands in for the cluster is added and listed: credentials and endpoint of the emulator
(IRSA and the real S3 endpoint on EKS), the emulator's CA certificate (mounted read-only),
the local stack's bucket, and a fixed period instead of `previous` (the data is from 2011).
"""

from __future__ import annotations

import copy
from pathlib import Path

from gitops.errors import Failed, Refusal
from gitops.layout import PLACEHOLDER
from kubeplay import podman
from kubeplay.job_pod import pod_from_template, run_once
from kubeplay.local import LocalTarget, render_local
from kubeplay.play import check_pinned, containers, pinned_release

CA_FILE = "/etc/moto-ca.pem"  # only the certificate, not the emulator's key next to it
# What a cluster gives the job and this machine has not: the Pushgateway, GitHub and the
# Secret External Secrets makes (podman would refuse the pod for the missing Secret).
CLUSTER_ONLY_ENV = {"BIKESHARE_PUSHGATEWAY_URL", "BIKESHARE_RETRAIN_REPOSITORY", "GITHUB_TOKEN"}


def local_pod(cronjob: dict, period: str, bucket: str, endpoint: str, ca_bundle: Path) -> dict:
    pod = pod_from_template(copy.deepcopy(cronjob))
    container = pod["spec"]["containers"][0]
    command = container.get("command", [])
    if "previous" not in command:
        raise Refusal(f"the CronJob's command {command} has no 'previous' period to replace")
    container["command"] = [period if arg == "previous" else arg for arg in command]
    overrides = {
        "BIKESHARE_ARTIFACTS_BUCKET": bucket,
        "AWS_ENDPOINT_URL_S3": endpoint,
        "AWS_CA_BUNDLE": CA_FILE,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }
    env = [
        e
        for e in container.get("env", [])
        if e["name"] not in overrides and e["name"] not in CLUSTER_ONLY_ENV
    ]
    container["env"] = env + [{"name": k, "value": v} for k, v in overrides.items()]
    container.setdefault("volumeMounts", []).append(
        {"name": "moto-ca", "mountPath": CA_FILE, "readOnly": True}
    )
    pod["spec"].setdefault("volumes", []).append(
        {"name": "moto-ca", "hostPath": {"path": str(ca_bundle), "type": "File"}}
    )
    return pod


def score_pod(
    target: LocalTarget,
    policy: Path,
    registries_d: Path,
    period: str,
    bucket: str,
    endpoint: str,
    ca_bundle: Path,
) -> str:
    release = pinned_release(target)
    if release.digest == PLACEHOLDER:
        raise Refusal(f"{target.env} pins no released image yet: make release ENV={target.env}")
    docs = render_local(target, release)
    check_pinned(docs)
    cronjob = next(d for d in docs if d["kind"] == "CronJob")
    pod = local_pod(cronjob, period, bucket, endpoint, ca_bundle.resolve())
    podman.pull_signed(containers(pod)[0]["image"], policy, registries_d)
    code, output = run_once(pod, target.directory / "score-pod.yaml")
    lines = [
        f"{cronjob['metadata']['name']}'s pod template played once as a Pod "
        f"({containers(pod)[0]['image']}), exit {code}:",
        *(f"  {line}" for line in output.strip().splitlines()[-5:]),
        "stand-ins for the cluster: emulator credentials and endpoint (IRSA, S3 on AWS), its "
        f"CA at {CA_FILE}, bucket {bucket}, period {period} (the CronJob says 'previous')",
    ]
    if code != 0:
        raise Failed("\n".join(lines))
    return "\n".join(lines)
