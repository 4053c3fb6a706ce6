"""The cluster's image policy names what the release workflow really signs and attests."""

import re
from fnmatch import fnmatch
from pathlib import Path

import yaml

from platform_setup.config import load

ROOT = Path(__file__).resolve().parents[2]
POLICY = yaml.safe_load((ROOT / "argocd/policies/verify-image-signatures.yaml").read_text())
RELEASE = ROOT / ".github/workflows/release.yml"
WORKFLOW = yaml.safe_load(RELEASE.read_text())
REPOSITORY = "acme-mlops/bikeshare-gitops"
IDENTITY = f"https://github.com/{REPOSITORY}/.github/workflows/release.yml@refs/heads/main"


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


def _steps(job: str) -> list[dict]:
    return WORKFLOW["jobs"][job]["steps"]


def _provenance() -> dict:
    return _rules()["built-by-the-release-workflow"]["verifyImages"][0]


def test_the_release_attests_slsa_provenance_of_the_pushed_digest():
    steps = _steps("image")
    uses = [s.get("uses", "") for s in steps]
    attest = next(i for i, u in enumerate(uses) if u.startswith("actions/attest-build-provenance@"))
    # Pinned to a commit, with the release it is in named beside it.
    assert re.fullmatch(r"actions/attest-build-provenance@[0-9a-f]{40}", uses[attest])
    assert re.search(r"attest-build-provenance@[0-9a-f]{40} # v\d+\.\d+\.\d+", RELEASE.read_text())
    inputs = steps[attest]["with"]
    assert inputs["push-to-registry"] is True
    # Name and digest come from what `make push` recorded, through the step before it.
    subject = steps[attest - 1]
    assert subject["run"] == "make wf-provenance-subject"
    outputs = "${{ steps." + subject["id"] + ".outputs"
    assert inputs["subject-name"] == outputs + ".name }}"
    assert inputs["subject-digest"] == outputs + ".digest }}"
    push = next(
        i
        for i, s in enumerate(steps)
        if s.get("run", "").endswith('make push REGISTRY="$REGISTRY" TAG="$GITHUB_SHA"')
    )
    assert push < attest
    assert WORKFLOW["jobs"]["image"]["permissions"]["attestations"] == "write"
    assert WORKFLOW["jobs"]["image"]["permissions"]["id-token"] == "write"


def test_the_policy_verifies_that_provenance_next_to_the_signature():
    signature = _rules()["signed-by-the-release-workflow"]["verifyImages"][0]
    provenance = _provenance()
    # The same images, and both required by digest.
    assert provenance["imageReferences"] == signature["imageReferences"]
    assert provenance["required"] is True and provenance["verifyDigest"] is True
    # GitHub's attestations are Sigstore bundles; cosign's signature is not.
    assert provenance["type"] == "SigstoreBundle"
    assert signature.get("type", "Cosign") == "Cosign"
    (attestation,) = provenance["attestations"]
    assert attestation["type"] == "https://slsa.dev/provenance/v1"
    keyless = attestation["attestors"][0]["entries"][0]["keyless"]
    assert keyless["issuer"] == "https://token.actions.githubusercontent.com"
    assert keyless["subject"] == IDENTITY


def _admits(predicate: dict) -> bool:
    """Kyverno's `all` of Equals conditions over the provenance predicate (JMESPath paths)."""
    for condition in _provenance()["attestations"][0]["conditions"][0]["all"]:
        assert condition["operator"] == "Equals"
        path = re.fullmatch(r"\{\{ ([\w.]+) \}\}", condition["key"]).group(1)
        value = predicate
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value != condition["value"]:
            return False
    return True


def _github_predicate(repository=REPOSITORY, path=".github/workflows/release.yml",
                      ref="refs/heads/main") -> dict:  # fmt: skip
    """The shape of the predicate actions/attest-build-provenance writes (SLSA v1)."""
    return {
        "buildDefinition": {
            "buildType": "https://actions.github.io/buildtypes/workflow/v1",
            "externalParameters": {
                "workflow": {
                    "ref": ref,
                    "repository": f"https://github.com/{repository}",
                    "path": path,
                },
            },
        },
        "runDetails": {"builder": {"id": "https://github.com/actions/runner/github-hosted"}},
    }


def test_provenance_conditions_admit_only_the_release_workflow_on_main():
    assert _admits(_github_predicate())
    assert not _admits(_github_predicate(repository="someone/fork"))
    assert not _admits(_github_predicate(path=".github/workflows/ci.yml"))
    assert not _admits(_github_predicate(ref="refs/heads/feature"))
    other_builder = _github_predicate()
    other_builder["buildDefinition"]["buildType"] = "https://slsa-framework.github.io/v1"
    assert not _admits(other_builder)
    # The workflow path the conditions name is the file that attests.
    assert RELEASE.relative_to(ROOT).as_posix() == ".github/workflows/release.yml"
