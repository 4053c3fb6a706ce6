"""envs/local applied to moto once per session, then checked with boto3 and a second plan."""

import json
import re
import socket
import subprocess
import sys
import time

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from tests.fixtures.moto import SCRIPTS

pytestmark = pytest.mark.slow

REPO_SLUG = "acme-mlops/bikeshare-gitops"
ISSUER = "token.actions.githubusercontent.com"


@pytest.fixture(scope="module")
def aws(tf_local_stack):
    def client(service: str):
        return boto3.client(service, endpoint_url=tf_local_stack.endpoint, region_name="us-east-1")

    return client


@pytest.fixture(scope="module")
def outputs(tf_local_stack) -> dict:
    return tf_local_stack.outputs


def test_tf_local_outputs_carry_what_argocd_and_workflows_need(outputs):
    for name in (
        "artifacts_bucket_name",
        "ecr_repository_url",
        "cluster_name",
        "cluster_endpoint",
        "workload_role_arn",
        "github_release_role_arn",
        "aws_endpoint",
    ):
        assert outputs[name], name
    bridge = outputs["gitops_bridge"]
    assert bridge["cluster"] == {
        "name": outputs["cluster_name"],
        "server": outputs["cluster_endpoint"],
        "environment": "local",
    }
    metadata = bridge["metadata"]
    assert all(isinstance(v, str) for v in metadata.values()), metadata
    assert metadata["artifacts_bucket"] == outputs["artifacts_bucket_name"]
    assert metadata["registry_url"] == outputs["ecr_repository_url"]
    assert metadata["workload_role_arn"] == outputs["workload_role_arn"]
    assert metadata["aws_vpc_cidr"] == "10.42.0.0/16"
    assert all(isinstance(v, bool) for v in bridge["addons"].values()), bridge["addons"]


def test_tf_artifacts_bucket_is_sse_kms_versioned_private_and_logged(aws, outputs):
    s3, bucket = aws("s3"), outputs["artifacts_bucket_name"]
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert (
        rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"]
        == outputs["artifacts_kms_key_arn"]
    )
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    logging = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]
    assert logging["TargetBucket"] == outputs["access_log_bucket_name"]
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert any("NoncurrentVersionExpiration" in r for r in rules)


def test_tf_artifacts_bucket_policy_denies_plain_http(aws, outputs):
    s3, bucket = aws("s3"), outputs["artifacts_bucket_name"]

    statements = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    deny = [s for s in statements if s["Effect"] == "Deny"]
    assert len(deny) == 1
    assert deny[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny[0]["Action"] == "s3:*"
    assert sorted(deny[0]["Resource"]) == [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]


def test_tf_artifacts_bucket_takes_objects_over_tls_encrypted_by_default(aws, outputs):
    s3, bucket = aws("s3"), outputs["artifacts_bucket_name"]
    s3.put_object(Bucket=bucket, Key="reports/smoke.txt", Body=b"ok")
    head = s3.head_object(Bucket=bucket, Key="reports/smoke.txt")
    assert head["ServerSideEncryption"] == "aws:kms"


def test_tf_ecr_repository_is_immutable_and_scans_on_push(aws, outputs):
    ecr = aws("ecr")
    name = outputs["ecr_repository_url"].split("/", 1)[1]
    repo = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["encryptionConfiguration"]["encryptionType"] == "KMS"
    assert ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]


def _trust(iam, role_arn: str) -> dict:
    doc = iam.get_role(RoleName=role_arn.rsplit("/", 1)[1])["Role"]["AssumeRolePolicyDocument"]
    assert len(doc["Statement"]) == 1
    return doc["Statement"][0]


@pytest.mark.parametrize(
    ("role", "subject"),
    [
        ("plan", f"repo:{REPO_SLUG}:environment:plan"),
        ("release", f"repo:{REPO_SLUG}:ref:refs/heads/main"),
        ("deploy-staging", f"repo:{REPO_SLUG}:environment:staging"),
        ("deploy-prod", f"repo:{REPO_SLUG}:environment:prod"),
    ],
)
def test_tf_github_role_trusts_exactly_one_subject(aws, outputs, role, subject):
    arns = {
        "plan": outputs["github_plan_role_arn"],
        "release": outputs["github_release_role_arn"],
        **{f"deploy-{e}": arn for e, arn in outputs["github_deploy_role_arns"].items()},
    }
    statement = _trust(aws("iam"), arns[role])
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"]["Federated"].endswith(f":oidc-provider/{ISSUER}")
    # Only StringEquals (no StringLike), exactly these two keys: nothing wider than one subject.
    assert statement["Condition"] == {
        "StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com", f"{ISSUER}:sub": subject}
    }


# Role output → the gitops_bridge annotation that carries it.
BRIDGE_KEY = {
    "workload_role_arn": "workload_role_arn",
    "load_balancer_controller_role_arn": "aws_load_balancer_controller_role_arn",
    "external_secrets_role_arn": "external_secrets_role_arn",
    "external_dns_role_arn": "external_dns_role_arn",
}


@pytest.mark.parametrize(
    ("output", "namespace", "service_account"),
    [
        ("workload_role_arn", "bikeshare", "bikeshare"),
        ("load_balancer_controller_role_arn", "kube-system", "aws-load-balancer-controller"),
        ("external_secrets_role_arn", "external-secrets", "external-secrets"),
        ("external_dns_role_arn", "external-dns", "external-dns"),
    ],
)
def test_tf_pod_identity_role_trusts_one_service_account_on_this_cluster(
    aws, outputs, output, namespace, service_account
):
    statement = _trust(aws("iam"), outputs[output])
    assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(statement["Action"]) == ["sts:AssumeRole", "sts:TagSession"]
    assert statement["Condition"] == {
        "StringEquals": {
            "aws:RequestTag/eks-cluster-name": outputs["cluster_name"],
            "aws:RequestTag/kubernetes-namespace": namespace,
            "aws:RequestTag/kubernetes-service-account": service_account,
        }
    }
    assert outputs["gitops_bridge"]["metadata"][BRIDGE_KEY[output]] == outputs[output]


def _attached_documents(iam, role_arn: str) -> list[dict]:
    role = role_arn.rsplit("/", 1)[1]
    documents = []
    for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
        document = iam.get_policy_version(
            PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"]
        )["PolicyVersion"]["Document"]
        documents.append(json.loads(document) if isinstance(document, str) else document)
    return documents


def test_tf_cluster_secrets_exist_encrypted_and_without_a_value(aws, outputs):
    """Terraform makes each secret the ExternalSecrets name, never its value (day one)."""
    secrets = outputs["cluster_secrets"]
    assert secrets["prefix"] == "bikeshare/local/"
    assert sorted(secrets["names"]) == ["alertmanager", "argocd-repo-creds", "github"]
    sm = aws("secretsmanager")
    for key, name in secrets["names"].items():
        assert name == f"bikeshare/local/{key}"
        described = sm.describe_secret(SecretId=name)
        assert described["KmsKeyId"] == secrets["kms_key_arn"], name
        assert not described.get("VersionIdsToStages"), f"{name} has a value from Terraform"
    key = aws("kms").describe_key(KeyId=secrets["kms_key_arn"])["KeyMetadata"]
    assert key["KeyManager"] == "CUSTOMER"


def test_tf_external_secrets_role_reads_this_environments_secrets_only(aws, outputs):
    [document] = _attached_documents(aws("iam"), outputs["external_secrets_role_arn"])
    read, decrypt = document["Statement"]
    assert sorted(read["Action"]) == [
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
    ]
    assert (
        read["Resource"] == "arn:aws:secretsmanager:us-east-1:123456789012:secret:bikeshare/local/*"
    )
    assert decrypt["Action"] == ["kms:Decrypt"]
    assert decrypt["Resource"] == outputs["cluster_secrets"]["kms_key_arn"]
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}
    }
    # Under the permissions boundary every project role carries.
    role = aws("iam").get_role(RoleName=outputs["external_secrets_role_arn"].rsplit("/", 1)[1])
    assert role["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith(
        ":policy/bikeshare-local-boundary"
    )


def test_tf_ingress_certificate_is_issued_and_external_dns_writes_only_its_zone(aws, outputs):
    route53, zone = aws("route53"), outputs["gitops_bridge"]["metadata"]["dns_zone"]
    assert zone == "local.bikeshare.test"
    [hosted] = route53.list_hosted_zones_by_name(DNSName=zone)["HostedZones"]
    zone_id = hosted["Id"].rsplit("/", 1)[1]
    certificate = aws("acm").describe_certificate(
        CertificateArn=outputs["ingress_certificate_arn"]
    )["Certificate"]
    assert certificate["DomainName"] == f"bikeshare.{zone}" and certificate["Status"] == "ISSUED"
    [option] = certificate["DomainValidationOptions"]
    records = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    assert option["ResourceRecord"]["Name"] in {r["Name"] for r in records}
    [document] = _attached_documents(aws("iam"), outputs["external_dns_role_arn"])
    change, find = document["Statement"]
    assert "route53:ChangeResourceRecordSets" in change["Action"]
    assert change["Resource"] == f"arn:aws:route53:::hostedzone/{zone_id}"
    assert find == {**find, "Action": ["route53:ListHostedZones"], "Resource": "*"}
    assert outputs["gitops_bridge"]["addons"]["enable_external_dns"] is True


def test_tf_workload_role_reads_and_writes_the_artifacts_bucket_only(aws, outputs):
    iam = aws("iam")
    role = outputs["workload_role_arn"].rsplit("/", 1)[1]
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    # The bucket's read-write policy, and the deny on evidence/ (only the verification Job
    # writes evidence: docs/promotion.md).
    names = sorted(a["PolicyName"] for a in attached)
    assert len(attached) == 2 and names[1].endswith("-evidence-deny-write"), names
    read_write = next(a for a in attached if a["PolicyName"].endswith("-read-write"))
    policy = iam.get_policy(PolicyArn=read_write["PolicyArn"])["Policy"]
    document = iam.get_policy_version(
        PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"]
    )["PolicyVersion"]["Document"]
    document = json.loads(document) if isinstance(document, str) else document
    bucket = outputs["artifacts_bucket_name"]
    resources = {
        r
        for s in document["Statement"]
        for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])
    }
    assert any(bucket in r for r in resources), resources
    assert not any(r == "*" or r.startswith("arn:aws:s3:::*") for r in resources), resources


def test_tf_eks_cluster_encrypts_secrets_and_logs_the_control_plane(aws, outputs):
    cluster = aws("eks").describe_cluster(name=outputs["cluster_name"])["cluster"]
    (encryption,) = cluster["encryptionConfig"]
    assert encryption["resources"] == ["secrets"]
    assert encryption["provider"]["keyArn"].startswith("arn:aws:kms:")
    enabled = {
        t
        for entry in cluster["logging"]["clusterLogging"]
        if entry["enabled"]
        for t in entry["types"]
    }
    assert enabled == {"api", "audit", "authenticator", "controllerManager", "scheduler"}
    assert cluster["resourcesVpcConfig"]["endpointPublicAccess"] is False
    assert cluster["resourcesVpcConfig"]["endpointPrivateAccess"] is True


def test_tf_network_spans_two_azs_with_flow_logs(aws, outputs):
    ec2 = aws("ec2")
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [outputs["vpc_id"]]}])[
        "Subnets"
    ]
    assert len({s["AvailabilityZone"] for s in subnets}) >= 2
    assert len(subnets) == 4
    logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [outputs["vpc_id"]]}])
    assert [f["TrafficType"] for f in logs["FlowLogs"]] == ["ALL"]


def test_tf_local_second_plan_shows_no_changes(tf_local_stack):
    start = time.monotonic()
    proc = tf_local_stack.terraform(
        "plan", "-detailed-exitcode", f"-var=aws_endpoint={tf_local_stack.endpoint}", check=False
    )
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, (
        f"expected no changes (exit 0), got {proc.returncode}:\n{proc.stdout}{proc.stderr}"
    )
    print(f"apply {tf_local_stack.timings['apply_seconds']} s, second plan {elapsed:.1f} s")


def test_tf_bad_inputs_are_rejected_with_a_clear_message(tf_local_stack):
    proc = tf_local_stack.terraform(
        "plan",
        "-refresh=false",
        "-lock=false",
        f"-var=aws_endpoint={tf_local_stack.endpoint}",
        "-var=account_id=12345",
        "-var=vpc_cidr=10.0.0.0/33",
        "-var=github_repository=acme-mlops/*",
        check=False,
    )
    assert proc.returncode == 1
    text = re.sub(r"[\s│╷╵]+", " ", proc.stderr)
    assert "account_id must be a 12-digit AWS account ID." in text
    assert "cidr must be a valid IPv4 CIDR block" in text
    assert "repository must be a GitHub slug owner/name" in text


def test_tf_artifacts_bucket_policy_refuses_plain_http(aws, outputs, tmp_path):
    """The deployed policy, copied onto a bucket of a plain-HTTP emulator, refuses objects."""
    port = _free_port()
    log = tmp_path / "moto-http.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, SCRIPTS / "moto_server.py", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        http = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1")
        deadline = time.monotonic() + 60
        while True:
            try:
                http.create_bucket(Bucket="copy")
                break
            except EndpointConnectionError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.25)
        http.put_object(Bucket="copy", Key="before", Body=b"ok")  # no policy yet: allowed
        bucket = outputs["artifacts_bucket_name"]
        policy = aws("s3").get_bucket_policy(Bucket=bucket)["Policy"].replace(bucket, "copy")
        http.put_bucket_policy(Bucket="copy", Policy=policy)
        with pytest.raises(ClientError) as denied:
            http.put_object(Bucket="copy", Key="after", Body=b"no")
        assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    finally:
        server.terminate()
        server.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_tf_emulator_empties_versioned_buckets_with_delete_markers(aws):
    """What force_destroy does on the local stack's buckets (moto 5.2 needs the launcher's fix)."""
    s3 = aws("s3")
    s3.create_bucket(Bucket="scratch-versions")
    s3.put_bucket_versioning(
        Bucket="scratch-versions", VersioningConfiguration={"Status": "Enabled"}
    )
    s3.put_object(Bucket="scratch-versions", Key="k", Body=b"1")
    s3.delete_object(Bucket="scratch-versions", Key="k")  # leaves a delete marker
    # Destroy removes aws_s3_bucket_versioning (suspends it) before emptying the bucket.
    s3.put_bucket_versioning(
        Bucket="scratch-versions", VersioningConfiguration={"Status": "Suspended"}
    )
    listing = s3.list_object_versions(Bucket="scratch-versions")
    versions = listing.get("Versions", []) + listing.get("DeleteMarkers", [])
    assert len(versions) == 2
    result = s3.delete_objects(
        Bucket="scratch-versions",
        Delete={"Objects": [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions]},
    )
    assert not result.get("Errors")
    s3.delete_bucket(Bucket="scratch-versions")
