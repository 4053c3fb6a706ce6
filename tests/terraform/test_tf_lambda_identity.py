"""The Lambda execution role, refused just outside its job: terraform/modules/lambda-endpoint
applied on the IAM-enforcing moto server (tests/fixtures/moto_iam.py), then every call made
with the role's own credentials from sts:AssumeRole.

How the role is assumed. On AWS the Lambda service assumes it (the trust policy's principal
is `lambda.amazonaws.com`, for this account only). No Lambda service runs here, and moto
5.2.5 fails (TypeError, HTTP 500) on a statement whose principal is only a Service. The test
therefore adds the emulated account's administrator to the principal of the module's own
statement, in moto's copy of the role after the apply: the Service principal, the action and
the aws:SourceAccount condition stay as the module wrote them (asserted first), the module is
not changed, and the role's permissions are untouched. The trust policy itself is asserted by
the module's `terraform test`.

What the function does at run time (README: write its log group, send traces, decrypt its
environment with its key) is allowed; what lies just outside is refused with AccessDenied:
another function's logs, making log groups, reading logs or traces, its key for anything but
Decrypt, another key, the image in ECR (Lambda pulls it under the repository's policy, not
the role's), the artifacts bucket (models, verification evidence), secrets, IAM, assuming
another role, changing its own function. moto resolves the log group, key, repository, bucket
and role each call names (scripts/moto_server.py closes the gaps for Logs, KMS, ECR, X-Ray),
so a grant on one of them is told apart from a grant on another. Secrets Manager and Lambda
calls are authorised against "*" by moto: their refusals say the role has no such grant on
any resource. What moto ignores, the trust as the module wrote it (Service principal,
aws:SourceAccount) and the function key's policy, is evaluated by the policy simulator
(@cloud-copilot/iam-simulate, dayone/policy_check.py, `make dayone-tools`) on the documents
moto holds after the apply.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass

import pytest
from botocore.exceptions import ClientError

from tests.fixtures.moto_iam import MotoIam, apply_root
from tests.fixtures.terraform_local import TF_DIR
from tests.terraform.test_tf_lambda_target import _push_manifest as push_manifest

pytestmark = pytest.mark.slow

MODULE = TF_DIR / "modules" / "lambda-endpoint"
ACCOUNT = "123456789012"  # moto's
NAME = "bikeshare-idtest"
REPOSITORY = "bikeshare-idtest"
ARTIFACTS = "bikeshare-idtest-artifacts-123456789012"
OTHER_LOG_GROUP = "/aws/lambda/bikeshare-idtest-other"
SECRET = "bikeshare-idtest/github"
DIGEST = "sha256:" + "1" * 64

ROOT_TF = """
variable "image" {{
  type = string
}}

module "lambda" {{
  source               = "{module}"
  name                 = "{name}"
  environment          = "staging"
  image                = var.image
  model_version        = "v-identity-test"
  ecr_repository_arn   = "{repository_arn}"
  reserved_concurrency = 2
}}

output "lambda" {{
  value = module.lambda
}}
"""
SERVICES = ["iam", "sts", "kms", "cloudwatchlogs", "lambda", "ecr", "cloudwatch"]


@dataclass(frozen=True)
class LambdaIdentity:
    moto: MotoIam
    outputs: dict
    role: dict[str, str]  # the execution role's credentials
    other_key: str  # a key of the account that is not the function's (the artifacts')
    other_role: str  # a role that trusts the account: assumable by whom IAM allows
    trust: dict  # the role's trust policy as the module wrote it


def _trust_also_the_administrator(moto: MotoIam, role_arn: str) -> dict:
    """The module's trust statement with the administrator added to its principal; the trust
    policy as the module wrote it."""
    iam = moto.client("iam")
    name = role_arn.rsplit("/", 1)[1]
    trust = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    written = json.loads(json.dumps(trust))
    [statement] = trust["Statement"]
    assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    statement["Principal"]["AWS"] = iam.get_user(UserName="admin")["User"]["Arn"]
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
    return written


@pytest.fixture(scope="session")
def lambda_identity(moto_iam: MotoIam, tmp_path_factory) -> LambdaIdentity:
    """The module applied once per session, with the neighbours the role must not reach (the
    artifacts bucket with a model and evidence, another function's log group, another key, a
    secret, another role) made by the administrator."""
    ecr = moto_iam.client("ecr")
    repository = ecr.create_repository(repositoryName=REPOSITORY)["repository"]
    image = f"{repository['repositoryUri']}@{push_manifest(ecr, REPOSITORY, 'identity')}"
    root = tmp_path_factory.mktemp("lambda-identity-tf")
    # A relative source: the module calls ../kms-key, which an absolute (copied) source cuts off.
    module = os.path.relpath(MODULE, root)
    body = ROOT_TF.format(module=module, name=NAME, repository_arn=repository["repositoryArn"])
    (root / "terraform.tfvars.json").write_text(json.dumps({"image": image}))
    outputs = apply_root(moto_iam, root, SERVICES, body)["lambda"]

    s3 = moto_iam.client("s3")
    s3.create_bucket(Bucket=ARTIFACTS)
    s3.put_object(Bucket=ARTIFACTS, Key="models/v1/model.skops", Body=b"model")
    moto_iam.client("logs").create_log_group(logGroupName=OTHER_LOG_GROUP)
    other_key = moto_iam.client("kms").create_key(Description="artifacts")["KeyMetadata"]["Arn"]
    moto_iam.client("secretsmanager").create_secret(Name=SECRET, SecretString="token")
    # Trusts the account: on AWS whoever's own policy allows sts:AssumeRole on it may assume it.
    account = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}
    other_role = moto_iam.client("iam").create_role(
        RoleName="bikeshare-idtest-other",
        AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{**account, "Action": "sts:AssumeRole"}]}
        ),
    )["Role"]["Arn"]
    trust = _trust_also_the_administrator(moto_iam, outputs["execution_role_arn"])
    role = moto_iam.assume(outputs["execution_role_arn"])
    return LambdaIdentity(moto_iam, outputs, role, other_key, other_role, trust)


def refused(call) -> None:
    """`call` must be refused by IAM (moto answers 403 AccessDenied before doing anything)."""
    with pytest.raises(ClientError) as raised:
        call()
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403, raised.value
    assert "AccessDenied" in str(raised.value), raised.value


def test_the_role_does_what_the_function_does_at_run_time(lambda_identity):
    stack, out = lambda_identity, lambda_identity.outputs
    as_role = stack.role
    logs = stack.moto.client("logs", as_role)
    group = out["log_group_name"]
    assert group == f"/aws/lambda/{NAME}"
    logs.create_log_stream(logGroupName=group, logStreamName="2026/12/08/[$LATEST]run")
    logs.put_log_events(
        logGroupName=group,
        logStreamName="2026/12/08/[$LATEST]run",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": "START RequestId: 1"}],
    )
    segment = {
        "name": NAME,
        "id": "70de5b6f19ff9a0a",
        "trace_id": "1-581cf771-a006649127e371903a2de979",
        "start_time": time.time() - 1,
        "end_time": time.time(),
    }
    xray = stack.moto.client("xray", as_role)
    xray.put_trace_segments(TraceSegmentDocuments=[json.dumps(segment)])
    # The environment as Lambda encrypts it: with the function's key, its name as context.
    context = {"LambdaFunctionName": NAME}
    blob = stack.moto.client("kms").encrypt(
        KeyId=out["kms_key_arn"], Plaintext=b"BENTOML_DO_NOT_TRACK=true", EncryptionContext=context
    )["CiphertextBlob"]
    plain = stack.moto.client("kms", as_role).decrypt(
        CiphertextBlob=blob, EncryptionContext=context
    )
    assert plain["Plaintext"] == b"BENTOML_DO_NOT_TRACK=true"
    # What was written is there (read back as the administrator: the role may not read it).
    events = stack.moto.client("logs").get_log_events(
        logGroupName=group, logStreamName="2026/12/08/[$LATEST]run"
    )["events"]
    assert [e["message"] for e in events] == ["START RequestId: 1"]


REFUSALS = {
    "writing another function's log group": lambda s, c: c("logs").create_log_stream(
        logGroupName=OTHER_LOG_GROUP, logStreamName="forged"
    ),
    "making a log group (the module makes its own, encrypted, with retention)": lambda s, c: c(
        "logs"
    ).create_log_group(logGroupName=f"/aws/lambda/{NAME}-unencrypted"),
    "reading its own logs back": lambda s, c: c("logs").filter_log_events(
        logGroupName=s.outputs["log_group_name"]
    ),
    "reading traces": lambda s, c: c("xray").get_trace_summaries(
        StartTime=time.time() - 60, EndTime=time.time()
    ),
    "encrypting with its own key (Decrypt only)": lambda s, c: c("kms").encrypt(
        KeyId=s.outputs["kms_key_arn"], Plaintext=b"x"
    ),
    "decrypting with another key of the account": lambda s, c: c("kms").decrypt(
        CiphertextBlob=s.moto.client("kms").encrypt(KeyId=s.other_key, Plaintext=b"x")[
            "CiphertextBlob"
        ]
    ),
    "pulling the image itself (Lambda does, under the repository's policy)": lambda s, c: c(
        "ecr"
    ).batch_get_image(repositoryName=REPOSITORY, imageIds=[{"imageTag": "identity"}]),
    "pushing an image": lambda s, c: c("ecr").put_image(
        repositoryName=REPOSITORY, imageManifest="{}", imageTag="forged"
    ),
    "reading a model from the artifacts bucket": lambda s, c: c("s3").get_object(
        Bucket=ARTIFACTS, Key="models/v1/model.skops"
    ),
    "writing verification evidence": lambda s, c: c("s3").put_object(
        Bucket=ARTIFACTS, Key=f"evidence/staging/{DIGEST}.json", Body=b'{"passed": true}'
    ),
    "reading a secret": lambda s, c: c("secretsmanager").get_secret_value(SecretId=SECRET),
    "making a role": lambda s, c: c("iam").create_role(
        RoleName=f"{NAME}-escalate", AssumeRolePolicyDocument="{}"
    ),
    "assuming another role of the account": lambda s, c: c("sts").assume_role(
        RoleArn=s.other_role, RoleSessionName="escalate"
    ),
    "changing its own function's image": lambda s, c: c("lambda").update_function_code(
        FunctionName=s.outputs["function_name"],
        ImageUri=f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/{REPOSITORY}@{DIGEST}",
    ),
}


@pytest.mark.parametrize("what", REFUSALS)
def test_just_outside_its_job_is_refused(lambda_identity, what):
    stack = lambda_identity

    def as_role(service: str):
        return stack.moto.client(service, stack.role)

    refused(lambda: REFUSALS[what](stack, as_role))


def test_what_moto_does_not_evaluate_by_the_policy_simulator(lambda_identity):
    """The trust as the module wrote it (the Lambda service, for this account only) and the
    function's key policy (modules/kms-key), which moto ignores, evaluated as AWS does on the
    documents moto holds: the role decrypts with its key, the key's policy letting it."""
    from dayone.policy_check import Policies, Request, evaluate

    stack, out = lambda_identity, lambda_identity.outputs
    role = out["execution_role_arn"]
    held = Policies(stack.moto, stack.moto.admin)  # MotoIam.client takes the admin's keys
    name = role.rsplit("/", 1)[1]

    def assumed_by(principal: str, account: str) -> Request:
        return Request(
            name=f"{principal} from {account} assumes the role",
            principal=principal,
            action="sts:AssumeRole",
            resource=role,
            resource_policy=stack.trust,
            context={"aws:SourceAccount": account},
        )

    def decrypt(what: str, key: str, context: dict) -> Request:
        return Request(
            name=what,
            principal=role,
            action="kms:Decrypt",
            resource=key,
            identity_policies=held.identity(name),
            resource_policy=held.key_policy(key),
            context=context,
        )

    function = {"kms:EncryptionContext:LambdaFunctionName": NAME}
    allowed = [
        assumed_by("lambda.amazonaws.com", ACCOUNT),
        decrypt("the role decrypts its environment with its key", out["kms_key_arn"], function),
    ]
    refused = [
        assumed_by("lambda.amazonaws.com", "210987654321"),  # a function of another account
        assumed_by("ecs-tasks.amazonaws.com", ACCOUNT),
        decrypt("the role decrypts with another key", stack.other_key, function),
    ]
    results = evaluate(allowed + refused)
    assert {r.name: results[r.name] for r in allowed} == {r.name: "Allowed" for r in allowed}
    assert [r.name for r in refused if results[r.name] == "Allowed"] == []
