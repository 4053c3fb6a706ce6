"""The External Secrets Operator's grant, under its role's own credentials, with IAM enforced.

terraform/modules/cluster-secrets applied for staging and prod on moto with IAM enforcement
(tests/fixtures/moto_iam.py), each environment's operator role made as the composition makes
it (the module's read policy attached). Enforced here by moto: the identity policy on each
Secrets Manager call, against the secret's ARN (scripts/moto_server.py, gap 9). Not enforced
by moto: the kms:ViaService condition on the secrets' key (moto neither evaluates conditions
nor calls KMS to decrypt a secret), checked instead with the kept IAM policy simulator
(dayone/policy_check.py) on the documents moto holds after the apply.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.slow  # moto with IAM enforcement + terraform apply

REFUSED = r"AccessDenied|not authorized"
VALUE = {
    "githubAppID": "123456",
    "githubAppInstallationID": "7654321",
    "githubAppPrivateKey": "-----BEGIN RSA PRIVATE KEY-----\ntest\n-----END RSA PRIVATE KEY-----",
}


@pytest.fixture(scope="module")
def stack(cluster_secrets_stack):
    """The stack with values put in by the administrator, as a person does on day one."""
    admin = cluster_secrets_stack.moto.client("secretsmanager")
    names = [n for env in cluster_secrets_stack.secrets.values() for n in env.values()]
    for name in [*names, *cluster_secrets_stack.others]:
        admin.put_secret_value(SecretId=name, SecretString=json.dumps({**VALUE, "name": name}))
    return cluster_secrets_stack


def operator(stack, env: str):
    """Secrets Manager as the External Secrets Operator of `env` (its role's credentials)."""
    return stack.moto.client("secretsmanager", stack.moto.assume(stack.roles[env]))


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_the_operator_reads_its_environments_secrets(stack, env):
    client = operator(stack, env)
    for name in stack.secrets[env].values():
        got = json.loads(client.get_secret_value(SecretId=name)["SecretString"])
        assert got["name"] == name and got["githubAppID"] == VALUE["githubAppID"]
        assert client.describe_secret(SecretId=name)["Name"] == name
    assert stack.secrets[env]["argocd-repo-creds"] == f"bikeshare/{env}/argocd-repo-creds"


@pytest.mark.parametrize(
    ("env", "other"),
    [("staging", "prod"), ("prod", "staging")],
)
def test_the_operator_is_refused_another_environments_secrets(stack, env, other):
    client = operator(stack, env)
    for name in stack.secrets[other].values():
        with pytest.raises(ClientError, match=REFUSED):
            client.get_secret_value(SecretId=name)


def test_the_operator_is_refused_secrets_outside_the_project_and_any_write(stack):
    client = operator(stack, "staging")
    # rds/master-password (not the project's) and bikeshare/alarms/... (the project's, but in
    # no environment's prefix).
    for name in stack.others:
        with pytest.raises(ClientError, match=REFUSED):
            client.get_secret_value(SecretId=name)
    own = stack.secrets["staging"]["argocd-repo-creds"]
    refused = {
        "list": lambda: client.list_secrets(),
        "put": lambda: client.put_secret_value(SecretId=own, SecretString="{}"),
        "delete": lambda: client.delete_secret(SecretId=own, ForceDeleteWithoutRecovery=True),
        "create": lambda: client.create_secret(Name="bikeshare/staging/new", SecretString="x"),
    }
    for what, call in refused.items():
        with pytest.raises(ClientError, match=REFUSED):
            call()
        print(f"refused: {what}")
    # Nothing was changed by the refused calls.
    admin = stack.moto.client("secretsmanager")
    assert json.loads(admin.get_secret_value(SecretId=own)["SecretString"])["name"] == own


def test_the_operator_decrypts_only_its_key_only_through_secrets_manager(stack):
    """kms:Decrypt as AWS evaluates it (the simulator): the identity policy as moto holds it,
    the key policy of modules/kms-key (the account's IAM decides)."""
    from dayone.policy_check import Request, SimulatorMissing, evaluate

    iam, kms = stack.moto.client("iam"), stack.moto.client("kms")

    def document(arn: str) -> dict:
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        doc = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
        return json.loads(doc["Document"]) if isinstance(doc["Document"], str) else doc["Document"]

    policy = document(stack.policies["staging"])
    role = stack.roles["staging"]
    via = {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}
    cases = {
        "its key through Secrets Manager": (stack.keys["staging"], via, "Allowed"),
        "its key directly": (stack.keys["staging"], {}, "ImplicitlyDenied"),
        "its key through S3": (
            stack.keys["staging"],
            {"kms:ViaService": "s3.us-east-1.amazonaws.com"},
            "ImplicitlyDenied",
        ),
        "prod's key through Secrets Manager": (stack.keys["prod"], via, "ImplicitlyDenied"),
    }
    requests = [
        Request(
            name=name,
            principal=role,
            action="kms:Decrypt",
            resource=key,
            identity_policies=[policy],
            resource_policy=json.loads(
                kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"]
            ),
            context=context,
        )
        for name, (key, context, _) in cases.items()
    ]
    try:
        results = evaluate(requests)
    except SimulatorMissing as missing:
        pytest.fail(str(missing))
    assert results == {name: expected for name, (_, _, expected) in cases.items()}
