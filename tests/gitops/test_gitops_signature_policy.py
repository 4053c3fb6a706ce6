"""The cluster's image-signature policy names what the release workflow really signs."""

from fnmatch import fnmatch
from pathlib import Path

import yaml

from platform_config.config import load

ROOT = Path(__file__).resolve().parents[2]
POLICY = yaml.safe_load((ROOT / "argocd/policies/verify-image-signatures.yaml").read_text())
RELEASE = ROOT / ".github/workflows/release.yml"


def _rules() -> dict:
    return {rule["name"]: rule for rule in POLICY["spec"]["rules"]}


def _overlay_images() -> list[str]:
    images = []
    for env in ("staging", "prod"):
        release = ROOT / f"argocd/bikeshare/overlays/{env}/release/kustomization.yaml"
        for image in yaml.safe_load(release.read_text())["images"]:
            images.append(f"{image['newName']}@{image['digest']}")
    return images


def test_policy_enforces_and_covers_the_namespace():
    assert POLICY["kind"] == "ClusterPolicy"
    assert POLICY["spec"]["validationFailureAction"] == "Enforce"
    for rule in _rules().values():
        assert rule["match"]["any"][0]["resources"]["namespaces"] == ["bikeshare"]


def test_keyless_subject_is_the_release_workflow_that_signs():
    verify = _rules()["signed-by-the-release-workflow"]["verifyImages"][0]
    keyless = verify["attestors"][0]["entries"][0]["keyless"]
    assert keyless["issuer"] == "https://token.actions.githubusercontent.com"
    assert keyless["subject"] == (
        f"https://github.com/{load(ROOT).github_repository}/.github/workflows/release.yml"
        "@refs/heads/main"
    )
    assert "make sign SIGNER=cosign" in RELEASE.read_text()
    assert verify["required"] is True and verify["verifyDigest"] is True


def test_every_overlay_image_is_covered_by_the_policy():
    verify = _rules()["signed-by-the-release-workflow"]["verifyImages"][0]
    pattern = _rules()["only-the-bikeshare-repository"]["validate"]["pattern"]
    allowed = pattern["spec"]["containers"][0]["image"]
    for image in _overlay_images():
        assert any(fnmatch(image, ref) for ref in verify["imageReferences"]), image
        assert fnmatch(image, allowed), image


def test_an_unpinned_or_foreign_image_is_outside_the_allowed_pattern():
    pattern = _rules()["only-the-bikeshare-repository"]["validate"]["pattern"]
    allowed = pattern["spec"]["containers"][0]["image"]
    assert not fnmatch("111111111111.dkr.ecr.us-east-1.amazonaws.com/bikeshare:latest", allowed)
    assert not fnmatch("docker.io/library/bikeshare@sha256:" + "0" * 64, allowed)
