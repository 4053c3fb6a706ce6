"""argocd/README.md "Add an environment", executed on a temporary copy: an entry in
config/platform.yaml, an overlay, one tfvars file; `configure` writes its account values and
its sample registration; the overlay renders and validates; the ApplicationSets give it its
Applications; and Terraform's shared root validates and plans it on moto with the flags
`make tf-plan ENV=qa` passes. Create it, render it, plan it: one test."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml

from platform_setup.appsets import expand_all
from tests.fixtures.terraform_local import plan_environment

from .conftest import ROOT, kustomize
from .test_gitops_argocd import validate_argo
from .test_gitops_manifests import kubernetes_validate
from .test_platform_setup import CLI, copy_tree, edit_config

NEW = "qa"
MOTO_ACCOUNT = "123456789012"  # the emulator's account: the provider refuses any other


def _add_environment(root):
    edit_config(
        root,
        lambda d: d["environments"].update(
            {
                NEW: {
                    "account_id": MOTO_ACCOUNT,  # planned on moto below
                    "vpc_cidr": "10.2.0.0/16",
                    "host": "bikeshare.qa.example.com",
                }
            }
        ),
    )
    overlay = root / "argocd/bikeshare/overlays"
    shutil.copytree(overlay / "staging", overlay / NEW)
    kustomization = overlay / NEW / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text().replace("staging", NEW))
    # Terraform: the environment's shape, one file (its account values come from configure).
    (root / f"terraform/envs/{NEW}").mkdir()
    (root / f"terraform/envs/{NEW}/terraform.tfvars").write_text(
        "availability_zone_count = 2\nsingle_nat_gateway = true\n"
    )


@pytest.mark.slow  # kustomize, node, and a Terraform plan on moto
def test_add_an_environment(tmp_path, moto_endpoint):
    root = copy_tree(tmp_path / "repo")
    shutil.copytree(ROOT / "scripts", root / "scripts")
    skip = shutil.ignore_patterns(".terraform*", "*.tfstate*", "tf_resources.json")
    shutil.copytree(ROOT / "terraform", root / "terraform", ignore=skip, dirs_exist_ok=True)
    _add_environment(root)

    proc = subprocess.run(
        [*CLI, "--root", str(root), "configure"], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    assert f"argocd/clusters/{NEW}.yaml" in proc.stdout

    rendered = kustomize(root / f"argocd/bikeshare/overlays/{NEW}")
    assert "bikeshare-qa-workload" in rendered and MOTO_ACCOUNT in rendered
    assert "10.2.0.0/16" in rendered and "bikeshare.qa.example.com" in rendered
    (tmp_path / "qa.yaml").write_text(rendered)
    result = kubernetes_validate(tmp_path / "qa.yaml")
    assert result.returncode == 0, result.stdout + result.stderr

    secrets = [yaml.safe_load(p.read_text()) for p in (root / "argocd/clusters").glob("*.yaml")]
    apps = expand_all(list(yaml.safe_load_all(kustomize(root / "argocd/apps"))), secrets)
    mine = {a["metadata"]["name"]: a for a in apps if a["metadata"]["name"].endswith(f"-{NEW}")}
    assert len(mine) == 9, sorted(mine)
    assert mine[f"bikeshare-{NEW}"]["spec"]["source"]["path"] == f"argocd/bikeshare/overlays/{NEW}"
    result = validate_argo(list(mine.values()))
    assert result.returncode == 0, result.stdout

    tfvars = json.loads((root / f"terraform/envs/{NEW}/platform.auto.tfvars.json").read_text())
    assert tfvars["account_id"] == MOTO_ACCOUNT and tfvars["vpc_cidr"] == "10.2.0.0/16"

    plan = plan_environment(root, NEW, moto_endpoint, tmp_path)
    bridge = plan["output_changes"]["gitops_bridge"]["after"]
    assert bridge["cluster"]["name"] == f"bikeshare-{NEW}"
    assert bridge["metadata"]["aws_vpc_cidr"] == "10.2.0.0/16"
    assert bridge["metadata"]["aws_account_id"] == MOTO_ACCOUNT
