"""Play a Job's or CronJob's pod template once as a Pod (podman kube play 4.3 runs neither
kind) and collect its exit code and output. Standing in for the Job controller, this copies
the template as is: containers, env, security contexts, resources, volumes."""

from __future__ import annotations

from pathlib import Path

import yaml

from gitops.errors import Refusal
from kubeplay import podman


def pod_from_template(doc: dict) -> dict:
    if doc["kind"] == "Job":
        template = doc["spec"]["template"]
    elif doc["kind"] == "CronJob":
        template = doc["spec"]["jobTemplate"]["spec"]["template"]
    else:
        raise Refusal(f"{doc['kind']} has no pod template to play.")
    meta = template.get("metadata", {})
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": doc["metadata"]["name"],
            "namespace": doc["metadata"].get("namespace", "default"),
            "labels": meta.get("labels", {}),
            "annotations": meta.get("annotations", {}),
        },
        "spec": template["spec"],
    }


def run_once(pod: dict, manifest: Path, timeout: float = 600) -> tuple[int, str]:
    """Play POD, wait for its (single) container to exit; (exit code, stdout). Removes it."""
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(yaml.safe_dump(pod, sort_keys=False))
    container = f"{pod['metadata']['name']}-{pod['spec']['containers'][0]['name']}"
    podman.play(manifest)
    try:
        waited = podman.run("podman", "wait", container, timeout=timeout)
        code = int(waited.stdout.strip().splitlines()[-1])
        logs = podman.run("podman", "logs", container, check=False)
        return code, logs.stdout + logs.stderr
    finally:
        podman.down(manifest)
