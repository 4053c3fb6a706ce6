"""The Lambda target of the composition applied on moto through envs/local, then checked with
boto3: the session's envs/local stack (tests/fixtures/terraform_local.py), copied, with the
lambda target and an API Gateway turned on and a release file of the test's own that pins
an image the emulated registry has (a manifest put into moto's ECR, as the release pushes).

What moto does not do, and where it is covered instead:
- it does not run image functions (Invoke answers 500; moto documents PackageType=Image
  invocation as not supported): the image is run with its Lambda entry point under podman,
  through a Runtime API stand-in (tests/image/test_image_lambda.py);
- it stores alarms but never evaluates them, and stores a function's reserved concurrency but
  does not throttle: modules/lambda-endpoint's `terraform test` checks the rest.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.fixtures.terraform_local import LOCAL_ROOT, run_terraform

pytestmark = pytest.mark.slow

ALLOWED = ["203.0.113.0/24"]
RELEASE = """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
images:
  - name: bikeshare
    newName: {repository}
    digest: {digest}
commonAnnotations:
  bikeshare.acme-mlops.io/model-version: "v-lambda-test"
"""


@dataclass
class LambdaStack:
    outputs: dict
    digest: str
    repository: str
    flags: list[str]
    state: Path


def _push_manifest(ecr, repository_name: str, tag: str) -> str:
    """An image manifest in moto's ECR; its digest, as the registry reports it."""
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 7023,
            "digest": "sha256:" + "b" * 64,
        },
        "layers": [],
    }
    image = ecr.put_image(
        repositoryName=repository_name, imageManifest=json.dumps(manifest), imageTag=tag
    )
    return image["image"]["imageId"]["imageDigest"]


@pytest.fixture(scope="module")
def aws(tf_local_stack):
    def client(service: str):
        return boto3.client(service, endpoint_url=tf_local_stack.endpoint, region_name="us-east-1")

    return client


@pytest.fixture(scope="module")
def lambda_stack(tf_local_stack, aws, tmp_path_factory) -> LambdaStack:
    work = tmp_path_factory.mktemp("tf-lambda")
    state = work / "terraform.tfstate"
    shutil.copy(tf_local_stack.state, state)  # the session's stack stays as it was applied
    repository = tf_local_stack.outputs["ecr_repository_url"]
    digest = _push_manifest(aws("ecr"), repository.split("/", 1)[1], "lambda-test")
    release = work / "release.yaml"
    release.write_text(RELEASE.format(repository=repository, digest=digest))
    flags = [
        f"-var=aws_endpoint={tf_local_stack.endpoint}",
        '-var=deployment_targets=["eks","lambda"]',
        f"-var=api_allowed_cidrs={json.dumps(ALLOWED)}",
    ]
    apply = ["apply", "-auto-approve", f"-state={state}", *flags, f"-var=release_file={release}"]
    done = run_terraform(LOCAL_ROOT, tf_local_stack.env, *apply, check=False)
    conflict = re.search(r"Alias already exists: arn:\S+:function:([^:\s]+):(\S+)", done.stderr)
    if done.returncode != 0 and conflict:
        # Seen once in a loaded full run, never alone: moto answered 409 to CreateAlias for
        # the alias this very apply had just made (the provider's retry of a request moto
        # had served), so the state lacks it. Remove moto's copy and apply again.
        aws("lambda").delete_alias(FunctionName=conflict[1], Name=conflict[2])
        done = run_terraform(LOCAL_ROOT, tf_local_stack.env, *apply, check=False)
    assert done.returncode == 0, f"terraform apply failed:\n{done.stderr}\n{done.stdout[-3000:]}"
    raw = run_terraform(LOCAL_ROOT, tf_local_stack.env, "output", "-json", f"-state={state}")
    outputs = json.loads(raw.stdout)["platform"]["value"]
    return LambdaStack(outputs, digest, repository, flags, state)


def test_function_runs_the_released_digest_through_the_lambda_entry_point(aws, lambda_stack):
    name = lambda_stack.outputs["lambda"]["function_name"]
    function = aws("lambda").get_function(FunctionName=name)
    config = function["Configuration"]
    assert config["PackageType"] == "Image"
    assert function["Code"]["ImageUri"] == f"{lambda_stack.repository}@{lambda_stack.digest}"
    image_config = config["ImageConfigResponse"]["ImageConfig"]
    assert image_config["EntryPoint"] == ["python", "-m", "awslambdaric"]
    assert image_config["Command"] == ["bento.lambda_handler.handler"]
    assert config["TracingConfig"]["Mode"] == "Active"
    assert config["KMSKeyArn"].startswith("arn:aws:kms:")
    concurrency = aws("lambda").get_function_concurrency(FunctionName=name)
    assert concurrency["ReservedConcurrentExecutions"] == 2


def test_alias_is_named_after_the_release_and_points_at_its_version(aws, lambda_stack):
    out = lambda_stack.outputs["lambda"]
    alias = aws("lambda").get_alias(FunctionName=out["function_name"], Name=out["alias_name"])
    assert out["alias_name"] == f"release-{lambda_stack.digest.split(':')[1][:12]}"
    assert alias["FunctionVersion"] not in ("$LATEST", "")
    assert "v-lambda-test" in alias["Description"]


def test_execution_role_writes_only_its_log_group(aws, lambda_stack):
    out = lambda_stack.outputs["lambda"]
    role = aws("lambda").get_function(FunctionName=out["function_name"])["Configuration"]["Role"]
    iam = aws("iam")
    name = role.rsplit("/", 1)[1]
    assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == []
    [policy] = iam.list_role_policies(RoleName=name)["PolicyNames"]
    document = iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
    document = json.loads(document) if isinstance(document, str) else document
    resources = {s["Sid"]: s["Resource"] for s in document["Statement"]}
    assert resources["WriteLogs"].endswith(f":log-group:{out['log_group_name']}:*")
    [group] = aws("logs").describe_log_groups(logGroupNamePrefix=out["log_group_name"])["logGroups"]
    assert group["retentionInDays"] == 365 and group["kmsKeyId"].startswith("arn:aws:kms:")


def test_alarms_watch_the_alias_and_link_their_runbooks(aws, lambda_stack):
    out = lambda_stack.outputs["lambda"]
    names = list(out["alarm_names"].values())
    alarms = aws("cloudwatch").describe_alarms(AlarmNames=names)["MetricAlarms"]
    assert len(alarms) == 3
    for alarm in alarms:
        dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
        assert dimensions["Resource"] == f"{out['function_name']}:{out['alias_name']}"
        runbook = alarm["AlarmDescription"].rsplit("/docs/runbooks/", 1)[1]
        assert (Path(__file__).parents[2] / "docs" / "runbooks" / runbook).is_file()


def test_api_routes_lambda_through_a_proxy_integration_on_the_alias(aws, lambda_stack):
    api, out = lambda_stack.outputs["api_gateway"], lambda_stack.outputs["lambda"]
    apigw = aws("apigateway")
    resources = {r["path"]: r for r in apigw.get_resources(restApiId=api["rest_api_id"])["items"]}
    assert {"/lambda", "/lambda/{proxy+}"} <= set(resources)
    integration = apigw.get_integration(
        restApiId=api["rest_api_id"],
        resourceId=resources["/lambda/{proxy+}"]["id"],
        httpMethod="ANY",
    )
    assert integration["type"] == "AWS_PROXY"
    assert f":function:{out['function_name']}:{out['alias_name']}/invocations" in integration["uri"]
    method = apigw.get_method(
        restApiId=api["rest_api_id"],
        resourceId=resources["/lambda/{proxy+}"]["id"],
        httpMethod="ANY",
    )
    assert method["authorizationType"] == "AWS_IAM"
    policy = json.loads(
        aws("lambda").get_policy(FunctionName=out["function_name"], Qualifier=out["alias_name"])[
            "Policy"
        ]
    )
    [statement] = policy["Statement"]
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"].endswith("/*/*/lambda/*")
    escaped = apigw.get_rest_api(restApiId=api["rest_api_id"])["policy"]
    deny = next(
        s for s in json.loads(json.loads(f'"{escaped}"'))["Statement"] if s["Effect"] == "Deny"
    )
    assert deny["Condition"] == {"NotIpAddress": {"aws:SourceIp": ALLOWED}}


def test_a_release_naming_a_digest_the_registry_lacks_stops_the_plan(
    tf_local_stack, lambda_stack, tmp_path
):
    release = tmp_path / "release.yaml"
    release.write_text(
        RELEASE.format(repository=lambda_stack.repository, digest="sha256:" + "0" * 64)
    )
    plan = run_terraform(
        LOCAL_ROOT,
        tf_local_stack.env,
        "plan",
        f"-state={lambda_stack.state}",
        *lambda_stack.flags,
        f"-var=release_file={release}",
        check=False,
    )
    assert plan.returncode == 1
    # The provider's words: "couldn't find resource" on moto, ImageNotFoundException on AWS;
    # the address names the check (its comment in modules/lambda-endpoint says what to do).
    assert "couldn't find resource" in plan.stderr or "ImageNotFound" in plan.stderr, plan.stderr
    assert "module.lambda[0].data.aws_ecr_image.release" in plan.stderr, plan.stderr


def test_moto_does_not_invoke_image_functions(aws, lambda_stack):
    """Stated, not hidden: moto runs functions in Docker (no daemon here) and documents
    "Invoking a Function with PackageType=Image is not yet supported"; its server answers 500.
    The invocation path is the podman + Runtime API stand-in test instead."""
    out = lambda_stack.outputs["lambda"]
    client = boto3.client(
        "lambda",
        endpoint_url=lambda_stack_endpoint(aws),
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}),
    )
    with pytest.raises(ClientError) as raised:
        client.invoke(FunctionName=out["function_name"], Qualifier=out["alias_name"], Payload=b"{}")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def lambda_stack_endpoint(aws) -> str:
    return aws("lambda").meta.endpoint_url
