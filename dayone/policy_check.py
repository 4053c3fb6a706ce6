"""What moto does not enforce, evaluated by a kept IAM policy simulator.

moto 5.2 checks identity policies only (and ignores NotResource, conditions and boundaries
in them). KMS key policies, bucket policies, trust conditions and permission boundaries are
evaluated here with @cloud-copilot/iam-simulate (npm, scripts/iam-simulate), fed with the
policies as the emulator holds them after the apply: the same documents AWS would evaluate.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from dayone.emulator import Credentials, Emulator

ALLOWED = "Allowed"


class SimulatorMissing(RuntimeError):
    pass


def simulator_dir() -> Path:
    root = Path(
        os.environ.get(
            "IAM_SIMULATE_DIR", Path(__file__).resolve().parent.parent / "build" / "iam-simulate"
        )
    )
    if not (root / ".installed").exists() or shutil.which("node") is None:
        raise SimulatorMissing(
            f"The IAM policy simulator is not installed in {root}: "
            "run `make dayone-tools` (needs Node.js and npm)."
        )
    return root


@dataclass(frozen=True)
class Request:
    """One AWS request and the policies AWS would evaluate for it."""

    name: str
    principal: str
    action: str
    resource: str
    identity_policies: list[dict] = field(default_factory=list)
    resource_policy: dict | None = None
    boundary: dict | None = None
    context: dict = field(default_factory=dict)
    account: str = "123456789012"

    def simulation(self) -> dict:
        sim = {
            "request": {
                "principal": self.principal,
                "action": self.action,
                "resource": {"resource": self.resource, "accountId": self.account},
                "contextVariables": self.context,
            },
            "identityPolicies": [
                {"name": f"policy-{i}", "policy": p} for i, p in enumerate(self.identity_policies)
            ],
        }
        if self.resource_policy is not None:
            sim["resourcePolicy"] = self.resource_policy
        if self.boundary is not None:
            sim["permissionBoundaryPolicies"] = [{"name": "boundary", "policy": self.boundary}]
        return sim


def evaluate(requests: list[Request]) -> dict[str, str]:
    """Allowed / ImplicitlyDenied / ExplicitlyDenied for each request, by name."""
    root = simulator_dir()
    payload = json.dumps([{"name": r.name, "simulation": r.simulation()} for r in requests])
    done = subprocess.run(
        ["node", str(root / "simulate.mjs")],
        input=payload,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"The IAM policy simulator failed: {done.stderr.strip()[-500:]}")
    answers = {a["name"]: a for a in json.loads(done.stdout)}
    errors = [f"{n}: {a['error']}" for n, a in answers.items() if "error" in a]
    if errors:
        raise RuntimeError("The IAM policy simulator could not evaluate " + "; ".join(errors))
    return {n: a["result"] for n, a in answers.items()}


def _doc(value) -> dict:
    return json.loads(unquote(value)) if isinstance(value, str) else value


class Policies:
    """Reads the documents AWS would evaluate from the emulator, as the administrator."""

    def __init__(self, emulator: Emulator, admin: Credentials):
        self.iam = emulator.client("iam", admin)
        self.kms = emulator.client("kms", admin)
        self.s3 = emulator.client("s3", admin)

    def identity(self, role: str) -> list[dict]:
        docs = [
            _doc(self.iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"])
            for name in self.iam.list_role_policies(RoleName=role)["PolicyNames"]
        ]
        for attached in self.iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
            docs.append(self.managed(attached["PolicyArn"]))
        return docs

    def managed(self, arn: str) -> dict:
        version = self.iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        return _doc(
            self.iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"][
                "Document"
            ]
        )

    def boundary(self, role: str) -> dict | None:
        arn = (
            self.iam.get_role(RoleName=role)["Role"]
            .get("PermissionsBoundary", {})
            .get("PermissionsBoundaryArn")
        )
        return self.managed(arn) if arn else None

    def trust(self, role: str) -> dict:
        return _doc(self.iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"])

    def key_policy(self, key_id: str) -> dict:
        return json.loads(self.kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])

    def key_arn(self, alias: str) -> str:
        return self.kms.describe_key(KeyId=f"alias/{alias}")["KeyMetadata"]["Arn"]

    def bucket_policy(self, bucket: str) -> dict:
        return json.loads(self.s3.get_bucket_policy(Bucket=bucket)["Policy"])
