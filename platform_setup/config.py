"""config/platform.yaml: load, check, and the values derived from it (ARNs, registry, ...)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from platform_setup.errors import ConfigError

CONFIG = Path("config/platform.yaml")
PROJECT = "bikeshare"  # Terraform's `project` variable: prefix of every name it creates
ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
REPOSITORY = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")
REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")
ENV_NAME = re.compile(r"^[a-z][a-z0-9-]{0,15}$")
TEAM = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")
URL = re.compile(r"^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$")
APP_CLIENT_ID = re.compile(r"^Iv[0-9A-Za-z.]{6,40}$")
CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$")
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@dataclass(frozen=True)
class Environment:
    name: str
    account_id: str
    vpc_cidr: str
    host: str
    # Route 53 hosted zone that holds host's record and the certificate's validation records.
    dns_zone: str = ""
    # The ACM certificate Terraform made for host (output certificate_arn); "" until applied.
    certificate_arn: str = ""

    @property
    def cluster_name(self) -> str:
        return f"{PROJECT}-{self.name}"

    def role_arn(self, role: str) -> str:
        """ARN of a role Terraform names `bikeshare-<env>-<role>` in this account."""
        return f"arn:aws:iam::{self.account_id}:role/{self.cluster_name}-{role}"

    @property
    def artifacts_bucket(self) -> str:
        return f"{self.cluster_name}-artifacts-{self.account_id}"

    @property
    def state_bucket(self) -> str:
        return f"{PROJECT}-tfstate-{self.account_id}"


@dataclass(frozen=True)
class Platform:
    github_repository: str
    region: str
    registry_environment: str
    environments: dict[str, Environment]
    # Day one: who owns what (CODEOWNERS is checked against these), where MLflow answers, the
    # GitHub App that opens bot pull requests.
    teams: dict[str, str] = field(default_factory=dict)
    mlflow_tracking_uri: str = ""
    github_app_client_id: str = ""

    @property
    def repo_url(self) -> str:
        return f"https://github.com/{self.github_repository}.git"

    @property
    def registry_host(self) -> str:
        account = self.environments[self.registry_environment].account_id
        return f"{account}.dkr.ecr.{self.region}.amazonaws.com"

    @property
    def image_repository(self) -> str:
        return f"{self.registry_host}/{PROJECT}"


def _require(value, pattern: re.Pattern, what: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise ConfigError(f"{CONFIG}: {what} is {value!r}, which is not valid.")
    return value


def _optional(value, pattern: re.Pattern, what: str) -> str:
    """An optional value: empty until day one fills it in, valid once it is there."""
    return "" if value in (None, "") else _require(value, pattern, what)


def _teams(value) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{CONFIG}: teams must map a role (platform, ml, ...) to org/team.")
    return {str(role): _require(team, TEAM, f"teams.{role}") for role, team in value.items()}


def _cidr(value, where: str) -> str:
    try:
        network = ipaddress.IPv4Network(value)
    except (ValueError, TypeError):
        raise ConfigError(f"{CONFIG}: {where}.vpc_cidr {value!r} is not an IPv4 CIDR.") from None
    if not 16 <= network.prefixlen <= 24:
        raise ConfigError(f"{CONFIG}: {where}.vpc_cidr must be a /16 to /24 (the network module).")
    return str(network)


def parse(data) -> Platform:
    if not isinstance(data, dict):
        raise ConfigError(f"{CONFIG} must be a mapping of the keys it documents.")
    known = {
        "github_repository",
        "region",
        "registry_environment",
        "environments",
        "teams",
        "mlflow_tracking_uri",
        "github_app",
        # `promotion` is the promotion rules, read and checked by gitops/rules.py.
        "promotion",
    }
    if unknown := sorted(set(data) - known):
        raise ConfigError(f"{CONFIG}: unknown key(s) {', '.join(unknown)}.")
    envs = data.get("environments")
    if not isinstance(envs, dict) or not envs:
        raise ConfigError(f"{CONFIG}: `environments` must name at least one environment.")
    environments = {}
    for name, values in envs.items():
        _require(name, ENV_NAME, "an environment name")
        required = {"account_id", "vpc_cidr", "host"}
        optional = {"dns_zone", "certificate_arn"}
        if not isinstance(values, dict) or not required <= set(values) <= required | optional:
            raise ConfigError(
                f"{CONFIG}: environments.{name} needs account_id, vpc_cidr and host "
                "(and may have dns_zone, certificate_arn)."
            )
        environments[name] = Environment(
            name=name,
            account_id=_require(
                values["account_id"], ACCOUNT_ID, f"environments.{name}.account_id"
            ),
            vpc_cidr=_cidr(values["vpc_cidr"], f"environments.{name}"),
            host=_require(values["host"], HOST, f"environments.{name}.host"),
            dns_zone=_optional(values.get("dns_zone"), HOST, f"environments.{name}.dns_zone"),
            certificate_arn=_optional(
                values.get("certificate_arn"),
                CERTIFICATE_ARN,
                f"environments.{name}.certificate_arn",
            ),
        )
    registry = data.get("registry_environment")
    if registry not in environments:
        raise ConfigError(f"{CONFIG}: registry_environment must be one of {', '.join(envs)}.")
    return Platform(
        github_repository=_require(data.get("github_repository"), REPOSITORY, "github_repository"),
        region=_require(data.get("region"), REGION, "region"),
        registry_environment=registry,
        environments=environments,
        teams=_teams(data.get("teams")),
        mlflow_tracking_uri=_optional(data.get("mlflow_tracking_uri"), URL, "mlflow_tracking_uri"),
        github_app_client_id=_optional(
            (data.get("github_app") or {}).get("client_id"), APP_CLIENT_ID, "github_app.client_id"
        ),
    )


def load(root: Path) -> Platform:
    path = root / CONFIG
    if not path.is_file():
        raise ConfigError(
            f"{CONFIG} not found: copy the sample from git and fill in your accounts."
        )
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise ConfigError(f"{CONFIG} is not valid YAML ({error.problem}).") from None
    return parse(data)
