"""Signature policy, executed: the signed image is accepted; an unsigned one, one signed by
another key, and the signed one copied to another repository are refused."""

import sys
import uuid

import pytest

from tests.image.conftest import REPO, run

pytestmark = pytest.mark.slow  # podman: an image built, run or pushed

PULL = str(REPO / "image" / "pull.sh")


def pull(ref, policy, registries_d):
    return run("bash", PULL, ref, str(policy), str(registries_d), check=False)


def test_signed_image_is_accepted(signed):
    ref, policy, registries_d = signed
    result = pull(ref, policy, registries_d)
    assert result.returncode == 0, result.stderr


def test_unsigned_image_is_refused(signed, image_dirs):
    ref, policy, registries_d = signed
    registry = ref.split("/")[0]
    out = image_dirs["out"] / "unsigned"
    # An image of this test's own (a label on the base): no session, earlier or parallel, can
    # have signed its digest, whatever the shared base tag points at on this machine.
    unsigned = f"localhost/bikeshare-unsigned-test:{uuid.uuid4().hex[:12]}"
    containerfile = "FROM localhost/bikeshare-base:bookworm\nLABEL purpose=unsigned-test\n"
    context = out / "context"  # empty: nothing to send to the build
    context.mkdir(parents=True)
    run(
        "podman", "build", "--pull=never", "--label", f"run={unsigned}", "-t", unsigned, "-f", "-",
        str(context), input=containerfile, timeout=600,
    )  # fmt: skip
    run(sys.executable, "-m", "scripts.push", unsigned, registry, "bikeshare", "unsigned", str(out),
        timeout=600)  # fmt: skip
    result = pull((out / "image-ref.txt").read_text().strip(), policy, registries_d)
    assert result.returncode != 0
    assert "no signature exists" in result.stderr


def test_image_signed_by_another_key_is_refused(signed, image_dirs):
    ref, policy, _ = signed
    other = image_dirs["other-key"]
    run(sys.executable, "-m", "scripts.sign", "gpg", ref, str(other), str(other / "out"), "other")
    result = pull(ref, policy, other / "registries.d")  # our policy, the other key's signature
    assert result.returncode != 0
    assert "Invalid GPG signature" in result.stderr


def test_signature_does_not_follow_a_copy_to_another_repository(signed, image_dirs):
    ref, policy, registries_d = signed
    registry, rest = ref.split("/", 1)
    digest = rest.split("@")[1]
    copy = f"{registry}/bikeshare-copy@{digest}"
    run(
        "skopeo", "copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false",
        f"docker://{ref}", f"docker://{registry}/bikeshare-copy:latest", timeout=600,
    )  # fmt: skip
    # Even with the signature copied next to it, the signed identity names another repository.
    sigstore = image_dirs["scratch"] / "sigstore"
    source = sigstore / rest.replace("@sha256:", "@sha256=") / "signature-1"
    target = sigstore / f"bikeshare-copy@{digest.replace('sha256:', 'sha256=')}"
    target.mkdir(parents=True)
    (target / "signature-1").write_bytes(source.read_bytes())
    result = pull(copy, policy, registries_d)
    assert result.returncode != 0
    assert "is not accepted" in result.stderr
