"""The container settings (image/run.py) and the Deployment the cluster runs cannot drift."""

import subprocess

import pytest
import yaml

from bento.image import BASE_IMAGE
from image.run import RUNTIME, podman_run_args
from tests.image.conftest import REPO


@pytest.fixture(scope="module")
def pod_spec() -> dict:
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(REPO / "argocd/bikeshare/overlays/staging")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    deployment = next(
        doc for doc in yaml.safe_load_all(rendered) if doc and doc["kind"] == "Deployment"
    )
    return deployment["spec"]["template"]["spec"]


def test_security_context_matches_the_container_settings(pod_spec):
    container = next(c for c in pod_spec["containers"] if c["name"] == "bikeshare")
    pod, ctx = pod_spec["securityContext"], container["securityContext"]
    assert ctx["runAsUser"] == pod["runAsUser"] == RUNTIME["uid"]
    assert ctx["runAsGroup"] == pod["runAsGroup"] == RUNTIME["gid"]
    assert ctx["runAsNonRoot"] is True and pod["runAsNonRoot"] is True
    assert ctx["readOnlyRootFilesystem"] is RUNTIME["read_only_root"]
    assert ctx["allowPrivilegeEscalation"] is (not RUNTIME["no_new_privileges"])
    assert ctx["capabilities"]["drop"] == RUNTIME["cap_drop"]
    assert "add" not in ctx["capabilities"]


def test_port_probes_env_and_writable_paths_match(pod_spec):
    container = next(c for c in pod_spec["containers"] if c["name"] == "bikeshare")
    assert [p["containerPort"] for p in container["ports"]] == [RUNTIME["container_port"]]
    # Exec probes (bento/probe.py): the last argument is the URL, with the numeric port.
    assert container["livenessProbe"]["exec"]["command"][-1].endswith(RUNTIME["liveness"])
    assert container["readinessProbe"]["exec"]["command"][-1].endswith(RUNTIME["readiness"])
    for probe in ("livenessProbe", "readinessProbe"):
        port = f"127.0.0.1:{RUNTIME['container_port']}/"
        assert port in container[probe]["exec"]["command"][-1]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert {k: env.get(k) for k in RUNTIME["env"]} == RUNTIME["env"]
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_spec["volumes"]}
    assert set(mounts) == set(RUNTIME["tmpfs"])
    for path, size in RUNTIME["tmpfs"].items():
        empty_dir = volumes[mounts[path]]["emptyDir"]
        assert empty_dir["medium"] == "Memory"
        assert empty_dir["sizeLimit"].lower().rstrip("i") == size.lower()


def test_podman_arguments_carry_every_setting():
    args = podman_run_args("img@sha256:0", "n", 8080)
    assert "--read-only" in args and "--read-only-tmpfs=false" in args
    assert "--cap-drop=all" in args and "no-new-privileges" in args
    assert "--user" in args and args[args.index("--user") + 1] == "1034:1034"
    assert "127.0.0.1:8080:3000" in args


def test_bento_image_uses_the_base_that_make_builds():
    assert f"BASE_IMAGE_NAME := {BASE_IMAGE}" in (REPO / "mk" / "image.mk").read_text()
