"""An environment's account values as kustomize reads them: overlays/<env>/account.yaml.

A whole file generated from config/platform.yaml as data (the overlay's
components/environment copies each value onto the base's field), so no hand-written
manifest holds an account value and nothing is rewritten by pattern.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from platform_setup.config import Environment

OVERLAY = "argocd/bikeshare/overlays/{env}"
ACCOUNT_VALUES = OVERLAY + "/account.yaml"
HEADER = "# Written by `make configure` from config/platform.yaml; do not edit.\n"
# Kustomize reads this document as a source of replacements and leaves it out of the output.
LOCAL_CONFIG = {"config.kubernetes.io/local-config": "true"}


def path_for(env: str) -> Path:
    return Path(ACCOUNT_VALUES.format(env=env))


def account_values(env: Environment) -> str:
    doc = {
        "apiVersion": "bikeshare.acme-mlops.io/v1",
        "kind": "EnvironmentValues",
        "metadata": {"name": "account", "annotations": LOCAL_CONFIG},
        "spec": {
            "environment": env.name,
            "artifactsBucket": env.artifacts_bucket,
            "host": env.host,
            # "" until day one puts Terraform's ingress_certificate_arn in the config.
            "certificateArn": env.certificate_arn,
            "vpcCidr": env.vpc_cidr,
        },
    }
    return HEADER + yaml.safe_dump(doc, sort_keys=False)
