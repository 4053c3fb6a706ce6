"""Push to a real registry on loopback: the digest is the registry's, a pull by digest runs,
and the staging overlay that `make set-image` writes renders with that digest."""

import os
import shutil
import tempfile

import httpx
import pytest
import yaml

from image import run as image_run
from tests.image.conftest import REPO, free_port, run

pytestmark = pytest.mark.slow  # podman: an image built, run or pushed

MANIFEST_TYPES = (
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json"
)


def test_pushed_digest_is_the_one_the_registry_serves(pushed, built_image):
    registry, rest = pushed.split("/", 1)
    repo, digest = rest.split("@")
    tag = built_image["IMAGE_NAME"].rsplit(":", 1)[1]
    by_tag = httpx.head(
        f"http://{registry}/v2/{repo}/manifests/{tag}", headers={"Accept": MANIFEST_TYPES}
    )
    assert by_tag.status_code == 200
    assert by_tag.headers["Docker-Content-Digest"] == digest
    by_digest = httpx.get(
        f"http://{registry}/v2/{repo}/manifests/{digest}", headers={"Accept": MANIFEST_TYPES}
    )
    assert by_digest.status_code == 200
    assert registry.startswith("127.0.0.1:") and repo == "bikeshare"


def test_pull_by_digest_into_empty_storage_and_run(pushed, tmp_path):
    # A storage of its own: the pull really fetches every layer from the registry.
    runroot = tempfile.mkdtemp(prefix="podman-run-")  # podman wants it under 50 characters
    podman = ("podman", "--root", str(tmp_path / "root"), "--runroot", runroot)
    name = f"bikeshare-pulled-{os.getpid()}"
    try:
        run(*podman, "pull", "--quiet", "--tls-verify=false", pushed, timeout=600)
        digests = run(*podman, "images", "--digests", "--format", "{{.Digest}}").stdout.split()
        assert digests == [pushed.split("@")[1]]
        url = image_run.start(pushed, name, free_port(), podman)
        assert httpx.get(f"{url}/readyz", timeout=5).status_code == 200
        assert httpx.get(f"{url}/version", timeout=5).json()["model_version"]
    finally:
        image_run.stop(name, podman)
        run(*podman, "rmi", "--all", "--force", check=False)
        shutil.rmtree(tmp_path / "root", ignore_errors=True)
        shutil.rmtree(runroot, ignore_errors=True)


def test_staging_overlay_renders_the_pushed_digest(pushed, tmp_path):
    # A temporary clone: `make set-image` commits, and the real tree must not change.
    clone = tmp_path / "repo"
    run("git", "clone", "--quiet", str(REPO), str(clone))
    venv_bin = REPO / ".venv" / "bin"
    run(
        "make", "-C", str(clone), "-o", ".venv/.installed", "set-image", "ENV=staging",
        f"IMAGE={pushed}", "COMMIT=0", f"BIN={venv_bin}", f"PY={venv_bin / 'python'}",
    )  # fmt: skip
    rendered = run("kubectl", "kustomize", str(clone / "argocd/bikeshare/overlays/staging"))
    deployments = [
        doc for doc in yaml.safe_load_all(rendered.stdout) if doc and doc["kind"] == "Deployment"
    ]
    images = [c["image"] for d in deployments for c in d["spec"]["template"]["spec"]["containers"]]
    assert pushed in images
