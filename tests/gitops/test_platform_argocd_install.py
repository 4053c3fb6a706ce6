"""The Argo CD install manifest is applied only when its sha256 is the pinned one. The real
download and apply need internet and a cluster; here the same target runs on a local file."""

from __future__ import annotations

import hashlib
import re
import subprocess

from .conftest import ROOT

MAKEFILE = (ROOT / "mk/platform.mk").read_text()


def make_manifest(tmp_path, content: bytes, pinned: str) -> subprocess.CompletedProcess:
    source = tmp_path / "upstream-install.yaml"
    source.write_bytes(content)
    return subprocess.run(
        [
            "make",
            "-s",
            "argocd-install-manifest",
            f"ARGOCD_INSTALL_URL=file://{source}",
            f"ARGOCD_INSTALL_FILE={tmp_path / 'out/install.yaml'}",
            f"ARGOCD_INSTALL_SHA256={pinned}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_the_install_is_pinned_by_version_and_sha256():
    version = re.search(r"^ARGOCD_VERSION := (v\d+\.\d+\.\d+)$", MAKEFILE, re.M)
    digest = re.search(r"^ARGOCD_INSTALL_SHA256 := ([0-9a-f]{64})$", MAKEFILE, re.M)
    assert version and digest
    assert "argo-cd/$(ARGOCD_VERSION)/manifests/install.yaml" in MAKEFILE


def test_a_manifest_with_the_pinned_sha256_is_accepted(tmp_path):
    content = b"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n"
    result = make_manifest(tmp_path, content, hashlib.sha256(content).hexdigest())
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out/install.yaml").read_bytes() == content


def test_a_tampered_manifest_is_refused_and_removed(tmp_path):
    content = b"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n"
    result = make_manifest(tmp_path, content + b"# extra\n", hashlib.sha256(content).hexdigest())
    assert result.returncode != 0
    assert "does not have the pinned sha256: refusing to apply it." in result.stderr
    assert not (tmp_path / "out/install.yaml").exists()
