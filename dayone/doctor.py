"""`make doctor`: every day-one prerequisite a person sets up by hand, checked in the order
docs/day-one.md gives them, with one sentence per missing item naming the command or page
that fixes it.

GitHub and AWS are reached through a Probe (LiveProbe here); the tests run the AWS half on
moto and the GitHub half (and EKS access entries, which moto lacks) on recorded responses.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from platform_setup.config import Platform

EXAMPLE_ACCOUNTS = {"111111111111", "222222222222"}
VARIABLES = Path(".github/variables.json")
APP_SECRET = "BOT_APP_PRIVATE_KEY"  # noqa: S105 the secret's name, not its value


class Probe(Protocol):
    def github(self, path: str) -> tuple[int, Any]: ...
    def bucket_exists(self, env: str, bucket: str) -> bool: ...
    def hosted_zone_exists(self, env: str, zone: str) -> bool: ...
    def secret_state(self, env: str, name: str) -> str: ...  # missing | empty | set
    def cluster_access(self, env: str, cluster: str) -> tuple[bool, bool]: ...
    def http_ok(self, url: str) -> bool: ...


@dataclass(frozen=True)
class Check:
    key: str  # the heading id of its step in docs/day-one.md
    title: str
    run: Callable[[Probe, Platform, Path], list[str]]


def check_config(probe: Probe, p: Platform, root: Path) -> list[str]:
    fix = "put your values in config/platform.yaml and run `make configure`"
    out = [
        f"environments.{e.name}.account_id is the example {e.account_id}: {fix}."
        for e in p.environments.values()
        if e.account_id in EXAMPLE_ACCOUNTS
    ]
    if not p.teams:
        out.append(f"config/platform.yaml names no teams (CODEOWNERS needs them): {fix}.")
    if not p.mlflow_tracking_uri:
        out.append(f"config/platform.yaml has no mlflow_tracking_uri: {fix}.")
    if not p.github_app_client_id:
        out.append(f"config/platform.yaml has no github_app.client_id: {fix}.")
    out += [
        f"environments.{e.name} has no dns_zone: {fix}."
        for e in p.environments.values()
        if not e.dns_zone
    ]
    return out


def check_state_buckets(probe: Probe, p: Platform, root: Path) -> list[str]:
    return [
        f"The state bucket {e.state_bucket} of {e.name} does not exist: run "
        f"`make tf-bootstrap ENV={e.name} TF_STATE_BUCKET={e.state_bucket}` as an administrator."
        for e in p.environments.values()
        if not probe.bucket_exists(e.name, e.state_bucket)
    ]


def check_github_app(probe: Probe, p: Platform, root: Path) -> list[str]:
    status, _ = probe.github(f"/repos/{p.github_repository}/actions/secrets/{APP_SECRET}")
    if status == 200:
        return []
    return [
        f"The repository secret {APP_SECRET} is missing: create and install the GitHub App "
        "(https://github.com/settings/apps/new, permissions in docs/day-one.md), then "
        f"`gh secret set {APP_SECRET} --repo {p.github_repository} < app-private-key.pem`."
    ]


REPO_CREDENTIALS = "bikeshare/{env}/argocd-repo-creds"  # modules/platform/external_secrets.tf


def check_repo_credentials(probe: Probe, p: Platform, root: Path) -> list[str]:
    """Argo CD reads this repository (and posts commit statuses) as its GitHub App, whose
    credentials the External Secrets Operator copies from this secret: Terraform makes it,
    a person puts the value in."""
    out = []
    for e in p.environments.values():
        name = REPO_CREDENTIALS.format(env=e.name)
        state = probe.secret_state(e.name, name)
        if state == "missing":
            out.append(
                f"The secret {name} does not exist yet: run `make tf-apply ENV={e.name}` "
                "(the first apply, as an administrator)."
            )
        elif state != "set":
            out.append(
                f"The secret {name} has no value: put Argo CD's GitHub App ID, installation ID "
                f"and private key in it with `aws secretsmanager put-secret-value --secret-id "
                f"{name} --secret-string file://argocd-app.json` (docs/day-one.md, "
                "repo-credentials)."
            )
    return out


def check_github_environments(probe: Probe, p: Platform, root: Path) -> list[str]:
    out = []
    # plan and intake scope the plan and intake roles' tokens (their roles trust them).
    for name in ["plan", "intake", *p.environments]:
        status, body = probe.github(f"/repos/{p.github_repository}/environments/{name}")
        page = f"https://github.com/{p.github_repository}/settings/environments"
        if status != 200:
            out.append(f"The GitHub environment {name} is missing: create it at {page}.")
        elif name == "prod":
            rules = {r.get("type") for r in (body or {}).get("protection_rules", [])}
            if "required_reviewers" not in rules:
                out.append(f"The environment prod has no required reviewers: add them at {page}.")
    return out


def check_github_variables(probe: Probe, p: Platform, root: Path) -> list[str]:
    wanted = json.loads((root / VARIABLES).read_text())
    out = []
    for scope, variables in wanted.items():
        base = f"/repos/{p.github_repository}"
        if scope.startswith("environment:"):
            base += f"/environments/{scope.removeprefix('environment:')}"
        for name, value in variables.items():
            status, body = probe.github(
                f"{base}/actions/variables/{name}"
                if scope == "repository"
                else f"{base}/variables/{name}"
            )
            if status != 200 or (body or {}).get("value") != value:
                out.append(
                    f"The GitHub variable {name} ({scope}) is not {value}: "
                    "run `make github-variables`."
                )
    return out


def check_dns_zones(probe: Probe, p: Platform, root: Path) -> list[str]:
    return [
        f"No Route 53 hosted zone {e.dns_zone} in {e.name}'s account: run `aws route53 "
        f"create-hosted-zone --name {e.dns_zone} --caller-reference day-one` and delegate its "
        "NS records at the parent zone or registrar."
        for e in p.environments.values()
        if e.dns_zone and not probe.hosted_zone_exists(e.name, e.dns_zone)
    ]


def check_mlflow(probe: Probe, p: Platform, root: Path) -> list[str]:
    if not p.mlflow_tracking_uri or probe.http_ok(p.mlflow_tracking_uri.rstrip("/") + "/health"):
        return []
    return [
        f"The MLflow server at {p.mlflow_tracking_uri} does not answer: apply the environment that "
        "trains (`make tf-apply ENV=staging`, mlflow_tracking_server in its tfvars), then "
        "`make mlflow-register-first MLFLOW_TRACKING_URI=...`."
    ]


def check_cluster_access(probe: Probe, p: Platform, root: Path) -> list[str]:
    out = []
    for e in p.environments.values():
        exists, mine = probe.cluster_access(e.name, e.cluster_name)
        if not exists:
            out.append(
                f"The cluster {e.cluster_name} does not exist yet: run "
                f"`make tf-apply ENV={e.name}` (the first apply, as an administrator)."
            )
        elif not mine:
            out.append(
                f"Your role has no access entry on {e.cluster_name}: add its ARN to "
                f"cluster_admin_role_arns in terraform/envs/{e.name}/terraform.tfvars and apply."
            )
    return out


# The order of docs/day-one.md (a test compares them).
DAY_ONE: list[Check] = [
    Check("config", "Account values in config/platform.yaml", check_config),
    Check("state-bucket", "The state bucket of each account", check_state_buckets),
    Check("github-app", "The GitHub App and its secret", check_github_app),
    Check("repo-credentials", "Argo CD's repository credentials", check_repo_credentials),
    Check("github-environments", "GitHub environments", check_github_environments),
    Check("github-variables", "GitHub variables", check_github_variables),
    Check("dns-zone", "The DNS zone of each host", check_dns_zones),
    Check("mlflow", "The MLflow server", check_mlflow),
    Check("cluster-access", "Cluster access", check_cluster_access),
]


def doctor(probe: Probe, platform: Platform, root: Path, say: Callable[[str], None]) -> int:
    """Prints each step's verdict and every missing item; the number of missing items."""
    missing = 0
    for check in DAY_ONE:
        try:
            problems = check.run(probe, platform, root)
        except Exception as error:  # a probe that cannot ask is a missing item too
            problems = [f"{check.title} could not be checked ({error}); see docs/day-one.md."]
        say(f"{'ok     ' if not problems else 'MISSING'} {check.title}")
        for problem in problems:
            say(f"  - {problem}")
        missing += len(problems)
    return missing


class LiveProbe:
    """GitHub's REST API (GH_TOKEN) and each environment's AWS account (profile
    bikeshare-<env> when it exists, the default credentials otherwise)."""

    def __init__(self, region: str, api: str = "https://api.github.com"):
        self.api = api
        self.region = region
        self.token = os.environ.get("GH_TOKEN") or os.environ.get("GITHUB_TOKEN")

    def github(self, path: str) -> tuple[int, Any]:
        if not self.token:
            raise RuntimeError("GH_TOKEN is not set: `export GH_TOKEN=$(gh auth token)`")
        request = urllib.request.Request(  # noqa: S310 api.github.com
            self.api + path,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/vnd.github+json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 https
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, None

    def _client(self, env: str, service: str):
        import boto3

        profile = f"bikeshare-{env}"
        session = (
            boto3.Session(profile_name=profile)
            if profile in boto3.Session().available_profiles
            else boto3.Session()
        )
        return session.client(service, region_name=self.region)

    def bucket_exists(self, env: str, bucket: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._client(env, "s3").head_bucket(Bucket=bucket)
            return True
        except ClientError:
            return False

    def hosted_zone_exists(self, env: str, zone: str) -> bool:
        zones = self._client(env, "route53").list_hosted_zones_by_name(DNSName=zone, MaxItems="1")
        return any(z["Name"].rstrip(".") == zone for z in zones["HostedZones"])

    def secret_state(self, env: str, name: str) -> str:
        """Whether the secret exists and has a current value, without reading the value."""
        from botocore.exceptions import ClientError

        try:
            described = self._client(env, "secretsmanager").describe_secret(SecretId=name)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                return "missing"
            raise
        stages = described.get("VersionIdsToStages") or {}
        return "set" if any("AWSCURRENT" in s for s in stages.values()) else "empty"

    def cluster_access(self, env: str, cluster: str) -> tuple[bool, bool]:
        from botocore.exceptions import ClientError

        eks = self._client(env, "eks")
        try:
            eks.describe_cluster(name=cluster)
        except ClientError:
            return False, False
        arn = self._client(env, "sts").get_caller_identity()["Arn"]
        role = _role_arn(arn)
        entries = eks.list_access_entries(clusterName=cluster)["accessEntries"]
        return True, role in entries


def _role_arn(caller: str) -> str:
    """arn:aws:sts::A:assumed-role/R/session → arn:aws:iam::A:role/R (what access entries name)."""
    if ":assumed-role/" not in caller:
        return caller
    account = caller.split(":")[4]
    return f"arn:aws:iam::{account}:role/{caller.split('/')[1]}"


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 the configured URL
            return answer.status == 200
    except (OSError, ValueError):
        return False


LiveProbe.http_ok = staticmethod(http_ok)  # type: ignore[attr-defined]
