"""`make configure`: write the values of config/platform.yaml everywhere they are needed.

Two kinds of output, both deterministic (the drift test regenerates and compares):
- whole files generated from the config (each overlay's account.yaml, Terraform's
  platform.auto.tfvars.json, the GitHub variables, sample cluster registrations);
- values rewritten in place in hand-written files (repository URL, registry host), each
  found by a pattern that names its context. A pattern that stops
  matching fails loudly, so a moved value is never silently left behind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from platform_setup import overlay_values, registration
from platform_setup.config import Environment, Platform
from platform_setup.errors import ConfigError

RELEASE = "argocd/bikeshare/overlays/{env}/release/kustomization.yaml"
TFVARS = "terraform/envs/{env}/platform.auto.tfvars.json"
GITHUB_VARIABLES = Path(".github/variables.json")
SLUG = r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+?"


@dataclass(frozen=True)
class Edit:
    """Rewrite group 1 of every match of `pattern` in the files of `glob` with `value`."""

    glob: str
    pattern: str
    value: Callable[[Platform, Environment | None], str]
    what: str
    per_env: bool = False


EDITS = (
    Edit(
        "argocd/[abp]*/*.yaml",  # apps, addons, bootstrap, policies
        rf"(https://github\.com/{SLUG}\.git)\b",
        lambda p, _: p.repo_url,
        "the repository URL",
    ),
    Edit(
        "argocd/bootstrap/credentials/*.yaml",
        rf"(https://github\.com/{SLUG}\.git)\b",
        lambda p, _: p.repo_url,
        "the repository URL of Argo CD's credentials",
    ),
    Edit(
        "argocd/addons/external-secrets/*.yaml",
        r"(?m)^\s+region: (\S+)$",
        lambda p, _: p.region,
        "the secret store's AWS region",
    ),
    Edit(
        "argocd/policies/*.yaml",
        rf"https://github\.com/({SLUG})/\.github/workflows/",
        lambda p, _: p.github_repository,
        "the signing workflow's repository",
    ),
    Edit(
        "argocd/policies/*.yaml",
        rf"workflow of ({SLUG}) on main",
        lambda p, _: p.github_repository,
        "the signing workflow's repository (description)",
    ),
    Edit(
        "argocd/policies/*.yaml",
        rf"(?m)value: https://github\.com/({SLUG})$",
        lambda p, _: p.github_repository,
        "the provenance's source repository",
    ),
    Edit(
        "argocd/bikeshare/base/prometheusrule.yaml",
        rf"runbook_url: https://github\.com/({SLUG})/blob/",
        lambda p, _: p.github_repository,
        "the runbooks' repository",
    ),
    Edit(
        "argocd/bikeshare/base/cronjob-score.yaml",
        rf"BIKESHARE_RETRAIN_REPOSITORY\n\s*value: ({SLUG})\n",
        lambda p, _: p.github_repository,
        "the retrain dispatch's repository",
    ),
    Edit(
        "argocd/bikeshare/autorollback/deployment.yaml",
        rf"AUTOROLLBACK_GITHUB_REPOSITORY\n\s*value: ({SLUG})\n",
        lambda p, _: p.github_repository,
        "the auto-rollback receiver's repository",
    ),
    Edit(
        ".github/workflows/*.yml",
        r"(?m)^\s+AWS_REGION: (\S+)$",
        lambda p, _: p.region,
        "the AWS region",
    ),
    Edit(
        RELEASE,
        r"newName: ([A-Za-z0-9.-]+(?::[0-9]+)?)/bikeshare\n",
        lambda p, _: p.registry_host,
        "the registry host",
        per_env=True,
    ),
)


def _rewrite(text: str, edit: Edit, value: str, path: str) -> str:
    pattern = re.compile(edit.pattern)
    if not pattern.search(text):
        raise ConfigError(f"{path} no longer has {edit.what} where configure expects it.")

    def replace(match: re.Match) -> str:
        start, end = match.span(1)
        return (
            match.group(0)[: start - match.start()] + value + match.group(0)[end - match.start() :]
        )

    return pattern.sub(replace, text)


def _json(data) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def tfvars(platform: Platform, env: Environment) -> str:
    values = {
        "account_id": env.account_id,
        "region": platform.region,
        "vpc_cidr": env.vpc_cidr,
        "github_repository": platform.github_repository,
    }
    if env.dns_zone:  # the Ingress host's ACM certificate, validated in its zone
        values["ingress_certificate"] = {"host": env.host, "zone": env.dns_zone}
    prod = platform.environments.get("prod")
    if env.name == platform.registry_environment and prod and prod.name != env.name:
        values["prod_account_id"] = prod.account_id  # the account allowed to pull from ECR
    if env.name != platform.registry_environment:  # pulls from the registry's account
        values["registry_account_id"] = platform.environments[
            platform.registry_environment
        ].account_id
    return _json(values)


def github_variables(platform: Platform) -> str:
    """Variables the workflows read (`vars.*`), set with `make github-variables`."""
    registry = platform.environments[platform.registry_environment]
    scopes: dict[str, dict[str, str]] = {
        "repository": {
            "AWS_RELEASE_ROLE_ARN": registry.role_arn("github-release"),
            "ECR_REGISTRY": platform.registry_host,
        },
        "environment:plan": {},
        # The intake workflow's job runs in the `intake` environment (its role trusts that
        # subject) and reads the landing prefix of the registry account's artifacts bucket.
        "environment:intake": {
            "AWS_INTAKE_ROLE_ARN": registry.role_arn("github-intake"),
            "INTAKE_BUCKET": registry.artifacts_bucket,
        },
    }
    # Day one's values, once config/platform.yaml has them (the workflows read both).
    if platform.mlflow_tracking_uri:
        scopes["repository"]["MLFLOW_TRACKING_URI"] = platform.mlflow_tracking_uri
    if platform.github_app_client_id:
        scopes["repository"]["BOT_APP_CLIENT_ID"] = platform.github_app_client_id
    for env in platform.environments.values():
        suffix = env.name.upper().replace("-", "_")
        scopes["environment:plan"][f"AWS_PLAN_ROLE_ARN_{suffix}"] = env.role_arn("github-plan")
        scopes["environment:plan"][f"TF_STATE_BUCKET_{suffix}"] = env.state_bucket
        # The promotion gate reads each environment's verification evidence (promote.yml).
        scopes["repository"][f"AWS_EVIDENCE_ROLE_ARN_{suffix}"] = env.role_arn("promote")
        scopes["repository"][f"EVIDENCE_BUCKET_{suffix}"] = env.artifacts_bucket
        scopes[f"environment:{env.name}"] = {
            "AWS_APPLY_ROLE_ARN": env.role_arn(f"github-deploy-{env.name}"),
            "TF_STATE_BUCKET": env.state_bucket,
        }
    return _json(scopes)


def plan(root: Path, platform: Platform) -> dict[Path, str]:
    """Every file configure owns or edits, with the content it should have."""
    out: dict[Path, str] = {}

    def current(path: Path) -> str:
        return out[path] if path in out else (root / path).read_text()

    for edit in EDITS:
        envs = platform.environments.values() if edit.per_env else [None]
        for env in envs:
            glob = edit.glob.format(env=env.name) if env else edit.glob
            paths = sorted(p.relative_to(root) for p in root.glob(glob))
            if edit.per_env and not paths:
                raise ConfigError(f"{glob} not found: environment {env.name!r} needs its overlay.")
            hits = [p for p in paths if re.search(edit.pattern, current(p))]
            if not hits:
                raise ConfigError(f"no file matching {glob} has {edit.what}.")
            for path in hits:
                out[path] = _rewrite(current(path), edit, edit.value(platform, env), str(path))

    for env in platform.environments.values():
        overlay = overlay_values.path_for(env.name)
        if not (root / overlay.parent / "kustomization.yaml").is_file():
            raise ConfigError(
                f"{overlay.parent} not found: environment {env.name!r} needs its overlay."
            )
        out[overlay] = overlay_values.account_values(env)
        tf_root = Path(TFVARS.format(env=env.name)).parent
        if not (root / tf_root).is_dir():
            raise ConfigError(
                f"{tf_root} not found: environment {env.name!r} needs its Terraform root."
            )
        out[tf_root / "platform.auto.tfvars.json"] = tfvars(platform, env)
        cluster = registration.path_for(env.name)
        existing = root / cluster
        if not existing.is_file() or registration.source_of(existing.read_text()) == "sample":
            sample = registration.sample_bridge(platform, env.name)
            out[cluster] = registration.render(sample, "sample")
    out[GITHUB_VARIABLES] = github_variables(platform)
    return out


def changed(root: Path, files: dict[Path, str]) -> list[Path]:
    return sorted(
        path
        for path, text in files.items()
        if not (root / path).is_file() or (root / path).read_text() != text
    )


def write(root: Path, files: dict[Path, str]) -> list[Path]:
    written = changed(root, files)
    for path in written:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(files[path])
        tmp.replace(target)
    return written
