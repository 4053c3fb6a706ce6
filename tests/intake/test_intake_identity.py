"""The intake job's own identity, refused just outside its job: terraform/modules/github-oidc
applied on the IAM-enforcing moto server (tests/fixtures/moto_iam.py) with its intake role,
beside an artifacts bucket (SSE-KMS with its own key), a Terraform state bucket and the
registry; then everything runs with the role's own credentials, got as the intake workflow
gets them: its OIDC token for `repo:<repo>:environment:intake` exchanged by
sts:AssumeRoleWithWebIdentity.

Under that role the real intake (`python -m intake land`, intake/landing.py) reads a landed
month into a data branch, rejects a bad one and records both outcomes in landing/_state/;
a second run reads those records back. It is refused with AccessDenied: overwriting or
deleting a landed month, writing outside landing/_state/ (models, scores, evidence),
reading models or verification evidence, reading or writing the Terraform state, logging in
to or pushing to the registry, decrypting with the state's key, assuming another role.

Enforced by moto (scripts/moto_server.py resolves ECR repositories and KMS keys): identity
policies on S3 keys, ECR repositories, KMS keys, roles. Not enforced by moto: the trust
policy's subject (moto takes any web-identity token), the s3:prefix condition on listing
(moto ignores StringLike: a listing outside landing/ passes moto) and the kms:ViaService /
encryption-context conditions on the bucket key (moto ignores conditions on keys it does not
know; its S3 never calls KMS as the caller). Those are evaluated by the policy simulator
(@cloud-copilot/iam-simulate, dayone/policy_check.py, `make dayone-tools`) on the documents
moto holds after the apply, and asserted by the module's `terraform test`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.fixtures.moto_iam import OIDC_PROVIDER, MotoIam, apply_root
from tests.fixtures.terraform_local import TF_DIR
from tests.intake.test_intake_landing import DECEMBER, ROOT, clone_without_december, git

pytestmark = pytest.mark.slow

REPOSITORY_SLUG = "acme-mlops/bikeshare-gitops"
SUBJECT = f"repo:{REPOSITORY_SLUG}:environment:intake"
BUCKET = "bikeshare-intake-artifacts-123456789012"
STATE_BUCKET = "bikeshare-tfstate-123456789012"
STATE_KEY = "staging/terraform.tfstate"
REGISTRY = "bikeshare-intake"
MODEL = "models/v1/model.skops"
EVIDENCE = "evidence/staging/sha256-" + "1" * 64 + ".json"

ROOT_TF = """
resource "aws_kms_key" "artifacts" {{
  description = "artifacts (intake identity test)"
}}

resource "aws_s3_bucket" "artifacts" {{
  bucket        = "{bucket}"
  force_destroy = true
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {{
  bucket = aws_s3_bucket.artifacts.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.artifacts.arn
    }}
    bucket_key_enabled = true
  }}
}}

resource "aws_kms_key" "state" {{
  description = "state (intake identity test)"
}}

resource "aws_s3_bucket" "state" {{
  bucket        = "{state_bucket}"
  force_destroy = true
}}

resource "aws_ecr_repository" "bikeshare" {{
  name = "{registry}"
}}

module "github_oidc" {{
  source               = "{module}"
  name_prefix          = "bikeshare-staging"
  environment          = "staging"
  repository           = "{slug}"
  deploy_environments  = ["staging"] # as in the staging account (none: an empty boundary statement)
  create_oidc_provider = false
  oidc_provider_arn    = "{oidc_provider}"
  ecr_repository_arn   = aws_ecr_repository.bikeshare.arn
  state_bucket_arn     = "arn:aws:s3:::{state_bucket}" # known at plan: the module counts on it
  create_intake_role   = true
  intake_bucket_arn    = aws_s3_bucket.artifacts.arn
  intake_kms_key_arn   = aws_kms_key.artifacts.arn
}}

output "roles" {{
  value = {{
    intake  = module.github_oidc.intake_role_arn
    release = module.github_oidc.release_role_arn
  }}
}}

output "key_arns" {{
  value = {{ artifacts = aws_kms_key.artifacts.arn, state = aws_kms_key.state.arn }}
}}
"""


@dataclass(frozen=True)
class IntakeStack:
    moto: MotoIam
    roles: dict[str, str]
    keys: dict[str, str]  # artifacts, state -> KMS key ARN


@pytest.fixture(scope="session")
def intake_stack(moto_iam: MotoIam, tmp_path_factory) -> IntakeStack:
    """The module applied once per session with the intake role, and what lies beside the
    landing prefix (a model, verification evidence, the state), put there by the admin."""
    root = tmp_path_factory.mktemp("intake-identity-tf")
    body = ROOT_TF.format(
        bucket=BUCKET,
        state_bucket=STATE_BUCKET,
        registry=REGISTRY,
        module=os.path.relpath(TF_DIR / "modules" / "github-oidc", root),
        slug=REPOSITORY_SLUG,
        oidc_provider=OIDC_PROVIDER,
    )
    outputs = apply_root(moto_iam, root, ["iam", "sts", "s3", "kms", "ecr"], body)
    s3 = moto_iam.client("s3")
    s3.put_object(Bucket=BUCKET, Key=MODEL, Body=b"model")
    s3.put_object(Bucket=BUCKET, Key=EVIDENCE, Body=b'{"passed": true}')
    s3.put_object(Bucket=STATE_BUCKET, Key=STATE_KEY, Body=b'{"version": 4}')
    return IntakeStack(moto_iam, outputs["roles"], outputs["key_arns"])


@pytest.fixture(scope="session")
def intake_role(intake_stack) -> dict[str, str]:
    """The intake workflow's credentials: its OIDC token exchanged by STS."""
    return intake_stack.moto.assume_with_web_identity(intake_stack.roles["intake"], SUBJECT)


@pytest.fixture
def before_december(tmp_path) -> Path:
    repo = clone_without_december(tmp_path / "clone")
    git(repo, "commit", "--quiet", "-am", "before December")
    return repo


def intake_as(credentials: dict[str, str], repo: Path, endpoint: str):
    """`make intake`'s command, with only the given credentials in its environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {**credentials, "AWS_REGION": "us-east-1", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "intake", "--root", str(repo), "land", "--bucket", BUCKET]
    return subprocess.run(
        [*command, "--endpoint-url", endpoint],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_the_intake_reads_landed_months_under_its_own_role(
    intake_stack, intake_role, before_december
):
    stack, repo = intake_stack, before_december
    admin = stack.moto.client("s3")
    admin.put_object(Bucket=BUCKET, Key="landing/2011-12.csv", Body=DECEMBER.read_bytes())
    lines = (ROOT / "data/2011-01.csv").read_text().splitlines()
    header, bad = lines[0].split(","), lines[1].split(",")
    bad[header.index("hr")] = "25"
    admin.put_object(
        Bucket=BUCKET, Key="landing/2012-01.csv", Body="\n".join([lines[0], ",".join(bad)]) + "\n"
    )

    first = intake_as(intake_role, repo, stack.moto.endpoint)
    assert first.returncode == 0, first.stderr
    assert "2011-12: opened: data/2011-12" in first.stdout
    assert "2012-01: rejected" in first.stdout and "'hr'" in first.stdout
    shown = git(repo, "show", "data/2011-12:data/2011-12.csv")
    assert shown == DECEMBER.read_text().rstrip("\n")
    # Both outcomes recorded by the role under landing/_state/, encrypted with the bucket's key.
    for month, status in (("2011-12", "opened"), ("2012-01", "rejected")):
        got = admin.get_object(Bucket=BUCKET, Key=f"landing/_state/{month}.json")
        assert json.loads(got["Body"].read())["status"] == status
        assert got["ServerSideEncryption"] == "aws:kms"

    # The next run reads the records back (the branch exists, the rejection is not repeated).
    second = intake_as(intake_role, repo, stack.moto.endpoint)
    assert second.returncode == 0, second.stderr
    assert "2012-01: skipped: already rejected" in second.stdout, second.stdout
    assert "2011-12: skipped" in second.stdout


REFUSALS = {
    "overwriting a landed month": lambda s, c: c("s3").put_object(
        Bucket=BUCKET, Key="landing/2011-11.csv", Body=b"dteday,hr\n"
    ),
    "deleting a landed month": lambda s, c: c("s3").delete_object(
        Bucket=BUCKET, Key="landing/2011-12.csv"
    ),
    "writing a month straight into the data beside landing/": lambda s, c: c("s3").put_object(
        Bucket=BUCKET, Key="data/2011-12.csv", Body=b"dteday,hr\n"
    ),
    "writing scores": lambda s, c: c("s3").put_object(
        Bucket=BUCKET, Key="scores/2011-12/predictions.csv", Body=b"x"
    ),
    "writing a model": lambda s, c: c("s3").put_object(
        Bucket=BUCKET, Key="models/v2/model.skops", Body=b"x"
    ),
    "reading a model": lambda s, c: c("s3").get_object(Bucket=BUCKET, Key=MODEL),
    "reading verification evidence": lambda s, c: c("s3").get_object(Bucket=BUCKET, Key=EVIDENCE),
    "writing verification evidence": lambda s, c: c("s3").put_object(
        Bucket=BUCKET, Key=EVIDENCE, Body=b'{"passed": true}'
    ),
    "reading the Terraform state": lambda s, c: c("s3").get_object(
        Bucket=STATE_BUCKET, Key=STATE_KEY
    ),
    "writing the Terraform state": lambda s, c: c("s3").put_object(
        Bucket=STATE_BUCKET, Key=STATE_KEY, Body=b"{}"
    ),
    "logging in to the registry": lambda s, c: c("ecr").get_authorization_token(),
    "pushing an image": lambda s, c: c("ecr").put_image(
        repositoryName=REGISTRY, imageManifest="{}", imageTag="forged"
    ),
    "decrypting with the state's key": lambda s, c: c("kms").decrypt(
        CiphertextBlob=s.moto.client("kms").encrypt(KeyId=s.keys["state"], Plaintext=b"x")[
            "CiphertextBlob"
        ]
    ),
    "assuming the release role": lambda s, c: c("sts").assume_role(
        RoleArn=s.roles["release"], RoleSessionName="escalate"
    ),
}


@pytest.mark.parametrize("what", REFUSALS)
def test_just_outside_its_job_is_refused(intake_stack, intake_role, what):
    stack = intake_stack

    def as_intake(service: str):
        return stack.moto.client(service, intake_role)

    with pytest.raises(ClientError) as raised:
        REFUSALS[what](stack, as_intake)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403, raised.value
    assert "AccessDenied" in str(raised.value), raised.value


def test_what_moto_does_not_evaluate_by_the_policy_simulator(intake_stack):
    """The role's trust, its listing condition and its key conditions, as AWS evaluates them,
    on the documents moto holds (identity policy, permissions boundary, trust policy)."""
    from dayone.policy_check import Policies, Request, evaluate

    stack = intake_stack
    arn = stack.roles["intake"]
    name = arn.rsplit("/", 1)[1]
    held = Policies(stack.moto, stack.moto.admin)  # MotoIam.client takes the admin's keys
    identity, boundary, trust = held.identity(name), held.boundary(name), held.trust(name)
    issuer = "token.actions.githubusercontent.com"
    bucket, key = f"arn:aws:s3:::{BUCKET}", stack.keys["artifacts"]
    via_s3 = {
        "kms:ViaService": "s3.us-east-1.amazonaws.com",
        "kms:EncryptionContext:aws:s3:arn": bucket,
    }

    def token(subject: str) -> Request:
        return Request(
            name=f"a token for {subject}",
            principal=OIDC_PROVIDER,
            action="sts:AssumeRoleWithWebIdentity",
            resource=arn,
            resource_policy=trust,
            context={f"{issuer}:sub": subject, f"{issuer}:aud": "sts.amazonaws.com"},
        )

    key_policy = held.key_policy(key)  # KMS needs its key's policy to let IAM policies count

    def call(what: str, action: str, resource: str, context: dict) -> Request:
        return Request(
            name=what,
            principal=arn,
            action=action,
            resource=resource,
            identity_policies=identity,
            boundary=boundary,
            resource_policy=key_policy if action.startswith("kms:") else None,
            context=context,
        )

    slug = REPOSITORY_SLUG
    allowed = [
        token(SUBJECT),
        call("listing landing/", "s3:ListBucket", bucket, {"s3:prefix": "landing/"}),
        call("decrypting with the bucket's key through S3", "kms:Decrypt", key, via_s3),
        call("encrypting a record through S3", "kms:GenerateDataKey", key, via_s3),
    ]
    refused = [
        token(f"repo:{slug}:ref:refs/heads/main"),  # the release role's subject
        token(f"repo:{slug}:pull_request"),
        token(f"repo:{slug}:environment:staging"),
        token("repo:someone/bikeshare-gitops:environment:intake"),  # a fork's intake
        call("listing evidence/", "s3:ListBucket", bucket, {"s3:prefix": "evidence/"}),
        call("listing the whole bucket", "s3:ListBucket", bucket, {}),
        call("decrypting with the bucket's key outside S3", "kms:Decrypt", key, {}),
        call(
            "decrypting the state through S3 with the bucket's key",
            "kms:Decrypt",
            key,
            {**via_s3, "kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{STATE_BUCKET}"},
        ),
    ]
    results = evaluate(allowed + refused)
    assert {r.name: results[r.name] for r in allowed} == {r.name: "Allowed" for r in allowed}
    assert [r.name for r in refused if results[r.name] == "Allowed"] == []
