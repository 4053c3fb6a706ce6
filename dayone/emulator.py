"""moto with IAM enforcement on, and the one person a new account starts with.

moto authorises every request after the first INITIAL_NO_AUTH_ACTION_COUNT against the
caller's identity policies (not resource policies, KMS key policies, permission boundaries
or EKS access: those are checked with the policy simulator, dayone/policy_check.py). The
unauthenticated calls create what AWS gives a new account: a person with the right to assume
an administrator role. Everything after runs under credentials from STS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

from scripts import emulator as emulator_server
from scripts import moto_tls

REPO = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"  # moto's account
REGION = "us-east-1"
ADMIN_ROLE = "day-one-admin"
# The seeding calls below, made before enforcement starts; moto counts every request.
SEED_CALLS = 5


@dataclass(frozen=True)
class Credentials:
    """Temporary credentials of one role, as the AWS SDKs and Terraform read them."""

    who: str
    access_key: str
    secret_key: str
    token: str | None = None

    def env(self) -> dict[str, str]:
        values = {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key}
        if self.token:
            values["AWS_SESSION_TOKEN"] = self.token
        return values


@dataclass
class Emulator:
    endpoint: str
    ca_bundle: Path
    person: Credentials

    def env(self, creds: Credentials) -> dict[str, str]:
        """A process environment that talks to the emulator as `creds` and nobody else."""
        base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        return {
            **base,
            **creds.env(),
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CA_BUNDLE": str(self.ca_bundle),
            "AWS_ENDPOINT_URL": self.endpoint,
        }

    def client(self, service: str, creds: Credentials | None):
        kwargs = {"aws_access_key_id": "none", "aws_secret_access_key": "none"}
        if creds is not None:
            kwargs = {
                "aws_access_key_id": creds.access_key,
                "aws_secret_access_key": creds.secret_key,
                "aws_session_token": creds.token,
            }
        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=self.endpoint,
            verify=str(self.ca_bundle),
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
            **kwargs,
        )

    def assume(self, caller: Credentials, role_arn: str, session: str) -> Credentials:
        """sts:AssumeRole as `caller` (a person taking the administrator role)."""
        answer = self.client("sts", caller).assume_role(RoleArn=role_arn, RoleSessionName=session)
        return _from_sts(role_arn, answer)

    def assume_with_web_identity(self, role_arn: str, subject: str) -> Credentials:
        """sts:AssumeRoleWithWebIdentity with a token shaped like GitHub's (moto does not
        verify the token or the trust policy's conditions: policy_check does the latter)."""
        token = github_token(subject)
        answer = self.client("sts", None).assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName="github-actions", WebIdentityToken=token
        )
        return _from_sts(role_arn, answer)


def _from_sts(role_arn: str, answer: dict) -> Credentials:
    c = answer["Credentials"]
    return Credentials(
        role_arn.rsplit("/", 1)[1], c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]
    )


def github_token(subject: str) -> str:
    """An unsigned JWT with the claims GitHub's OIDC token carries (moto reads, never checks)."""
    import base64

    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    claims = {
        "iss": "https://token.actions.githubusercontent.com",
        "aud": "sts.amazonaws.com",
        "sub": subject,
        "exp": int(time.time()) + 3600,
    }
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _seed(emulator: Emulator) -> Credentials:
    """The account's first person: may assume the administrator role, nothing else."""
    iam = emulator.client("iam", Credentials("seed", "seed", "seed"))
    person = iam.create_user(UserName="day-one-person")["User"]["Arn"]
    # moto compares the trusted principal with the caller's ARN exactly (no :root expansion).
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": person},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName=ADMIN_ROLE, AssumeRolePolicyDocument=json.dumps(trust))
    iam.attach_role_policy(
        RoleName=ADMIN_ROLE, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
    )
    may_assume = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": f"arn:aws:iam::{ACCOUNT}:role/{ADMIN_ROLE}",
            }
        ],
    }
    iam.put_user_policy(
        UserName="day-one-person", PolicyName="assume-admin", PolicyDocument=json.dumps(may_assume)
    )
    key = iam.create_access_key(UserName="day-one-person")["AccessKey"]
    return Credentials("day-one-person", key["AccessKeyId"], key["SecretAccessKey"])


@contextmanager
def enforcing_moto(workdir: Path, port: int | None = None) -> Iterator[Emulator]:
    """An HTTPS moto server on loopback that enforces IAM after the seeding calls."""
    cert, key = moto_tls.write_cert(workdir / "moto")
    port = port or emulator_server.free_port()
    url = f"https://127.0.0.1:{port}"
    log = workdir / "moto" / "moto.log"
    env = {
        **os.environ,
        "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
        "INITIAL_NO_AUTH_ACTION_COUNT": str(SEED_CALLS),
    }
    command = emulator_server.server_command(sys.executable, port, cert, key)
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        emulator_server.wait_ready(url, proc, log, cert)
        emulator = Emulator(url, cert, Credentials("nobody", "none", "none"))
        emulator.person = _seed(emulator)
        yield emulator
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
