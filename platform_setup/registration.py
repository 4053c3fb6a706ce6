"""gitops-bridge: Terraform's `gitops_bridge` output → an Argo CD cluster Secret in git.

As gitops-bridge does, add-on switches become labels (the ApplicationSets select on them) and
the AWS facts become annotations (the templates read them). Argo CD runs in each cluster
(argocd/README.md), so the Secret registers the cluster Argo CD runs in: server
https://kubernetes.default.svc under the EKS cluster's name; the public endpoint is kept as
the `aws_cluster_endpoint` annotation.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from platform_setup.config import Platform
from platform_setup.errors import ConfigError

CLUSTERS = Path("argocd/clusters")
IN_CLUSTER = "https://kubernetes.default.svc"
SOURCE_LABEL = "bikeshare.acme-mlops.io/registration"  # terraform | sample
ADDONS = (
    "enable_aws_load_balancer_controller",
    "enable_metrics_server",
    "enable_kyverno",
    "enable_kube_prometheus_stack",
    "enable_external_secrets",
    "enable_external_dns",
)
# Metadata every template relies on; Terraform may send more (all kept as annotations).
REQUIRED_METADATA = (
    "aws_cluster_name",
    "aws_region",
    "aws_account_id",
    "aws_vpc_id",
    "aws_vpc_cidr",
    "environment",
    "artifacts_bucket",
    "registry_url",
    "workload_role_arn",
    "aws_load_balancer_controller_role_arn",
    "external_secrets_role_arn",
    "external_dns_role_arn",
    # external-dns's --domain-filter ("" where the environment has no zone).
    "dns_zone",
)
ANNOTATION_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def unwrap(document) -> dict:
    """`terraform output -json gitops_bridge`, or the whole `terraform output -json`."""
    if isinstance(document, dict) and "gitops_bridge" in document:
        document = document["gitops_bridge"]
        document = document.get("value", document) if isinstance(document, dict) else document
    if not isinstance(document, dict) or not {"cluster", "metadata", "addons"} <= set(document):
        raise ConfigError("the input is not a gitops_bridge output (cluster, metadata, addons).")
    return document


def check_bridge(bridge: dict, platform: Platform, env: str) -> None:
    """Refuse an output that does not fit this environment of config/platform.yaml."""
    cluster, metadata, addons = bridge["cluster"], bridge["metadata"], bridge["addons"]
    if not isinstance(cluster, dict) or not all(
        isinstance(cluster.get(k), str) and cluster[k] for k in ("name", "server", "environment")
    ):
        raise ConfigError("gitops_bridge.cluster needs non-empty name, server and environment.")
    if cluster["environment"] != env or metadata.get("environment") != env:
        raise ConfigError(
            f"this gitops_bridge output is for {cluster['environment']!r}, not {env!r}."
        )
    if env not in platform.environments:
        raise ConfigError(f"environment {env!r} is not in config/platform.yaml.")
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ConfigError("gitops_bridge.metadata must map names to strings.")
    if missing := [k for k in REQUIRED_METADATA if k not in metadata]:
        raise ConfigError(f"gitops_bridge.metadata lacks {', '.join(missing)}.")
    if bad := [k for k in metadata if not ANNOTATION_KEY.match(k)]:
        raise ConfigError(f"gitops_bridge.metadata key(s) {', '.join(bad)} are not snake_case.")
    if not isinstance(addons, dict) or set(addons) != set(ADDONS):
        raise ConfigError(f"gitops_bridge.addons must have exactly {', '.join(ADDONS)}.")
    if not all(isinstance(v, bool) for v in addons.values()):
        raise ConfigError("gitops_bridge.addons values must be true or false.")
    if addons["enable_external_dns"] and not metadata["dns_zone"]:
        raise ConfigError("gitops_bridge enables external-dns without a dns_zone to write in.")
    expected = platform.environments[env]
    if metadata["aws_account_id"] != expected.account_id:
        raise ConfigError(
            f"gitops_bridge is from account {metadata['aws_account_id']}, but "
            f"config/platform.yaml says {expected.account_id} for {env}: wrong credentials?"
        )
    if metadata["aws_region"] != platform.region:
        raise ConfigError(
            f"gitops_bridge is from region {metadata['aws_region']}, config says {platform.region}."
        )


def sample_bridge(platform: Platform, env: str) -> dict:
    """What Terraform will output for ENV, predicted from the config (names as Terraform
    makes them); values only known after an apply (VPC ID, endpoint) are empty."""
    e = platform.environments[env]
    return {
        "cluster": {"name": e.cluster_name, "server": "", "environment": env},
        "metadata": {
            "aws_cluster_name": e.cluster_name,
            "aws_region": platform.region,
            "aws_account_id": e.account_id,
            "aws_vpc_id": "",
            "aws_vpc_cidr": e.vpc_cidr,
            "environment": env,
            "artifacts_bucket": e.artifacts_bucket,
            "registry_url": platform.image_repository,
            "workload_role_arn": e.role_arn("workload"),
            "aws_load_balancer_controller_role_arn": e.role_arn("aws-load-balancer-controller"),
            "external_secrets_role_arn": e.role_arn("external-secrets"),
            # Terraform makes external-dns's role only where the environment has a zone.
            "external_dns_role_arn": e.role_arn("external-dns") if e.dns_zone else "",
            "dns_zone": e.dns_zone,
        },
        "addons": {**dict.fromkeys(ADDONS, True), "enable_external_dns": bool(e.dns_zone)},
    }


def secret(bridge: dict, source: str) -> dict:
    cluster, metadata = bridge["cluster"], bridge["metadata"]
    labels = {
        "argocd.argoproj.io/secret-type": "cluster",
        SOURCE_LABEL: source,
        "environment": cluster["environment"],
        **{k: str(bridge["addons"][k]).lower() for k in ADDONS},
    }
    annotations = {"aws_cluster_endpoint": cluster["server"], **metadata}
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": f"cluster-{cluster['name']}",
            "namespace": "argocd",
            "labels": labels,
            "annotations": dict(sorted(annotations.items())),
        },
        "type": "Opaque",
        "stringData": {
            "name": cluster["name"],
            "server": IN_CLUSTER,
            # No credentials: Argo CD reaches its own cluster with its service account.
            "config": json.dumps({"tlsClientConfig": {"insecure": False}}),
        },
    }


def render(bridge: dict, source: str) -> str:
    how = {
        "terraform": "# Written by `make cluster-register` from Terraform's gitops_bridge.\n",
        "sample": "# A sample written by `make configure` from config/platform.yaml; after\n"
        "# `terraform apply`, `make cluster-register ENV=...` replaces it with the real outputs.\n",
    }[source]
    header = f"# Argo CD cluster registration (gitops-bridge). Do not edit.\n{how}"
    return header + yaml.safe_dump(secret(bridge, source), sort_keys=False, width=100)


def path_for(env: str) -> Path:
    return CLUSTERS / f"{env}.yaml"


def source_of(text: str) -> str | None:
    doc = yaml.safe_load(text) or {}
    return ((doc.get("metadata") or {}).get("labels") or {}).get(SOURCE_LABEL)


def read_bridge(path: Path | None, text: str | None = None) -> dict:
    try:
        raw = text if text is not None else path.read_text()
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}.") from None
    try:
        return unwrap(json.loads(raw))
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path or 'the input'} is not JSON ({error.msg}).") from None
