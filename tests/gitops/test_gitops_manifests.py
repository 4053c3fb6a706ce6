"""Rendered overlays: strict Kubernetes schemas, digest pinning, and the Deployment contract."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gitops.layout import IMAGE_REF, MODEL_VERSION_KEY

from .conftest import ENVIRONMENTS, environment_differences

# The EKS control-plane version terraform/modules/eks defaults to.
KUBERNETES_VERSION = "1.33.0"
KINDS = {
    "ServiceAccount",
    "Deployment",
    "Service",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
    "Ingress",
}


def kubernetes_validate(path: Path) -> subprocess.CompletedProcess:
    """`kubernetes-validate --strict --quiet -k VERSION PATH`, run in this process (the CLI's
    own function: a process per file spent seconds importing the same library)."""
    try:
        from kubernetes_validate import utils
    except ImportError:
        pytest.fail("kubernetes-validate not installed: run `make venv` (gitops group).")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = utils.validate_file(str(path), KUBERNETES_VERSION, True, True, False)
    return subprocess.CompletedProcess(
        ["kubernetes-validate", str(path)], code, printed.getvalue(), ""
    )


def by_kind(docs: list[dict], kind: str) -> dict:
    [doc] = [d for d in docs if d["kind"] == kind]
    return doc


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_overlay_passes_strict_kubernetes_schemas(env, rendered, rendered_docs, tmp_path):
    assert {d["kind"] for d in rendered_docs[env]} >= KINDS
    path = tmp_path / f"{env}.yaml"
    path.write_text(rendered[env])
    result = kubernetes_validate(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(d["metadata"]["namespace"] == "bikeshare" for d in rendered_docs[env])


def test_strict_validation_rejects_a_misspelled_field(rendered, tmp_path):
    # The check above could fail: a typo in a container field is an error, not a warning.
    path = tmp_path / "typo.yaml"
    path.write_text(rendered["staging"].replace("readinessProbe:", "readinesProbe:"))
    assert kubernetes_validate(path).returncode != 0


def images(node) -> list[str]:
    """Every container image in a document (Deployment, CronJob, ... at any depth)."""
    if isinstance(node, list):
        return [image for item in node for image in images(item)]
    if not isinstance(node, dict):
        return []
    found = [c["image"] for key in ("containers", "initContainers") for c in node.get(key, [])]
    return found + [image for value in node.values() for image in images(value)]


def pod_labels(doc: dict) -> dict | None:
    """The labels of the pods a workload makes (Deployment, CronJob), else None."""
    spec = doc.get("spec", {})
    template = spec.get("jobTemplate", {}).get("spec", spec).get("template")
    return template["metadata"]["labels"] if template else None


def selects(policy: dict, labels: dict) -> bool:
    wanted = policy["spec"]["podSelector"].get("matchLabels", {})
    return all(labels.get(key) == value for key, value in wanted.items())


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_pod_is_under_a_default_deny_network_policy(env, rendered_docs):
    docs = rendered_docs[env]
    policies = [d for d in docs if d["kind"] == "NetworkPolicy"]
    workloads = [(d["metadata"]["name"], pod_labels(d)) for d in docs if pod_labels(d)]
    assert {name for name, _ in workloads} >= {"bikeshare", "bikeshare-score"}
    for name, labels in workloads:
        covering = [p for p in policies if selects(p, labels)]
        assert covering, f"no NetworkPolicy selects the pods of {name}"
        assert all(set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"} for p in covering)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_images_are_pinned_by_digest_with_a_model_version(env, rendered_docs):
    found = images(rendered_docs[env])
    assert found and all(IMAGE_REF.match(image) for image in found), found
    assert len(set(found)) == 1  # the service and any job run the same digest
    for doc in rendered_docs[env]:
        assert doc["metadata"]["annotations"][MODEL_VERSION_KEY]


PROBE_TIMING = {"periodSeconds", "timeoutSeconds", "failureThreshold", "initialDelaySeconds"}


def probe_target(probe: dict) -> tuple[int, str]:
    """(port, path) of an exec probe: bento/probe.py on the image's python3, a numeric port,
    and no argument a shell would split (podman joins exec probes into one command line)."""
    command = probe["exec"]["command"]
    assert command[:3] == ["/usr/bin/python3", "-S", "/home/bentoml/bento/src/bento/probe.py"]
    assert all(re.fullmatch(r"[\w./:-]+", arg) for arg in command), command
    url = urlsplit(command[3])
    return url.port, url.path


def test_deployment_runs_as_the_image_expects(rendered_docs):
    for env in ENVIRONMENTS:
        pod = by_kind(rendered_docs[env], "Deployment")["spec"]["template"]["spec"]
        [container] = pod["containers"]
        security = container["securityContext"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == security["runAsUser"] == 1034
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"] == {"drop": ["ALL"]}
        assert container["ports"] == [{"name": "http", "containerPort": 3000, "protocol": "TCP"}]
        for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/livez")):
            assert set(container[probe]) - PROBE_TIMING == {"exec"}, container[probe]
            assert probe_target(container[probe]) == (3000, path)
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
        assert {"name": "BENTOML_HOME", "value": "/tmp/bentoml"} in container["env"]
        assert {"name": "BIKESHARE_ENV", "value": env} in container["env"]
        assert set(container["resources"]) == {"requests", "limits"}
        assert len(pod["topologySpreadConstraints"]) == 2


def test_overlays_differ_only_in_replicas_resources_environment_and_image(rendered_docs):
    differing, unexpected = environment_differences(*(rendered_docs[env] for env in ENVIRONMENTS))
    assert not unexpected, unexpected
    assert ("HorizontalPodAutoscaler", "/spec/minReplicas") in differing
