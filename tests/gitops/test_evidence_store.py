"""The evidence store with IAM enforced (moto): the verification program (bento/verify.py,
in process, against the served champion) writes its evidence with the Job role's own
credentials; `promote` reads it with the promote role's; every other identity is refused.

The same with the played pod (the Job's pod template under podman) is in
tests/image/test_image_play.py. Enforced here by moto: identity policies of users and
assumed roles on S3 object keys, and trust policies (each role also trusts the test's
administrator, standing in for EKS Pod Identity and GitHub OIDC). Not enforced by moto: KMS
key and bucket policies."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from bento import verify as job
from gitops import evidence
from model import paths

from .conftest import ROOT
from .test_gitops_cli import (
    DIGEST_1,
    DIGEST_2,
    REGISTRY,
    cli,
    git,
    template_repo,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.slow


@pytest.fixture
def work(template_repo, tmp_path) -> Path:  # noqa: F811
    """A scratch copy of the test repository, staging released but nothing verified."""
    copy = tmp_path / "repo"
    shutil.copytree(template_repo, copy)
    return copy


def release(repo_path: Path, digest: str) -> None:
    done = cli(repo_path, "set-image", "--env", "staging", "--image", f"{REGISTRY}@{digest}")
    assert done.returncode == 0, done.stderr


def promote(repo_path: Path, stack, credentials: dict, *args: str) -> subprocess.CompletedProcess:
    """`make promote`'s command with the given role's credentials and the S3 store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"PYTHONPATH": str(ROOT), "EVIDENCE_STORE": f"s3://{stack.bucket}"}
    env |= {"AWS_ENDPOINT_URL_S3": stack.moto.endpoint, "AWS_REGION": "us-east-1", **credentials}
    return subprocess.run(
        [sys.executable, "-m", "gitops", "--root", str(repo_path), "promote", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def publish_as(stack, credentials: dict, monkeypatch, result: dict, env: str, digest: str) -> str:
    """bento/verify.py's own publish step, with `credentials` as the pod's environment."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, credentials.get(name, ""))
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", stack.moto.endpoint)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)
    return job.publish(result, f"s3://{stack.bucket}", env, digest, f"bikeshare-{env}", "test")


@pytest.fixture(scope="module")
def verified_result(service) -> dict:
    """bento/verify.py in process against the served champion: the real checks."""
    url, _ = service
    golden = json.loads(paths.GOLDEN.read_text())
    result = job.verify(url, golden["model_version"], golden, 1000, 20, 30)
    assert result["passed"], result
    return result


def test_the_job_role_writes_and_the_promote_role_reads(
    evidence_stack,
    verified_result,
    work,
    monkeypatch,
):
    stack = evidence_stack
    assert job.evidence_key("staging", DIGEST_1) == evidence.key("staging", DIGEST_1)
    release(work, DIGEST_1)
    promote_role = stack.moto.assume(stack.roles["promote"])

    refused = promote(work, stack, promote_role)
    assert refused.returncode == 1 and "staging has no verification" in refused.stderr

    job_role = stack.moto.assume(stack.roles["job_staging"])
    where = publish_as(stack, job_role, monkeypatch, verified_result, "staging", DIGEST_1)
    assert where == f"s3://{stack.bucket}/evidence/staging/{DIGEST_1}.json"

    # The Job's role may write, not read, even its own evidence.
    with pytest.raises(ClientError, match="AccessDenied"):
        stack.moto.client("s3", job_role).get_object(
            Bucket=stack.bucket, Key=where.split("/", 3)[3]
        )
    # A role without the grant cannot read it: the gate refuses with one sentence.
    for name in ("job_staging", "nobody"):
        denied = promote(work, stack, stack.moto.assume(stack.roles[name]))
        assert denied.returncode == 1, denied.stdout
        assert "refused to read" in denied.stderr and len(denied.stderr.splitlines()) == 1

    done = promote(work, stack, promote_role)
    assert done.returncode == 0, done.stderr
    body = (work / "build/promote-prod.md").read_text()
    assert body.startswith("## ✓ VERIFIED: promote ")
    for check in verified_result["checks"]:
        assert f"| ✓ {check['name']} | {check['detail']}" in body
    assert f"{verified_result['latency']['p99_ms']:.1f} ms" in body and "bikeshare-staging" in body
    assert f"Verified-By: s3://{stack.bucket}/evidence/staging/{DIGEST_1}.json" in git(
        work, "log", "-1", "--format=%B"
    )


@pytest.mark.parametrize(
    ("writer", "env"),
    [
        ("workload", "staging"),  # read/write on the bucket, but the deny-write policy
        ("nobody", "staging"),  # no grant at all
        ("promote", "staging"),  # the reader
        ("job_staging", "prod"),  # a Job writing another environment's evidence
        ("job_prod", "staging"),
    ],
)
def test_forged_evidence_is_refused(evidence_stack, verified_result, monkeypatch, writer, env):
    stack = evidence_stack
    credentials = stack.moto.assume(stack.roles[writer])
    with pytest.raises(ClientError, match="AccessDenied"):
        publish_as(stack, credentials, monkeypatch, verified_result, env, DIGEST_2)
    admin = stack.moto.client("s3")
    listed = admin.list_objects_v2(Bucket=stack.bucket, Prefix=evidence.key(env, DIGEST_2))
    assert "Contents" not in listed


def test_a_failed_verification_in_the_store_blocks_the_promotion(
    evidence_stack,
    verified_result,
    work,
    monkeypatch,
):
    stack = evidence_stack
    release(work, DIGEST_2)
    failed = {**verified_result, "passed": False}
    slow = {"name": "latency", "passed": False, "detail": "p95 900 ms"}
    failed["checks"] = [*verified_result["checks"][:-1], slow]
    job_role = stack.moto.assume(stack.roles["job_staging"])
    publish_as(stack, job_role, monkeypatch, failed, "staging", DIGEST_2)
    before = git(work, "rev-parse", "HEAD")
    refused = promote(work, stack, stack.moto.assume(stack.roles["promote"]))
    assert refused.returncode == 1 and "latency: p95 900 ms" in refused.stderr
    assert git(work, "rev-parse", "HEAD") == before and "promote/" not in git(work, "branch")
