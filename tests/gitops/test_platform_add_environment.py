"""argocd/README.md "Add an environment", executed on a temporary copy: an entry in
config/platform.yaml, an overlay, a Terraform root; `configure` writes its values and its
sample registration; the overlay renders and validates; the ApplicationSets give it its
Applications; the Terraform root gets its generated tfvars. Validating and planning the new
root is the Terraform tests' part (tests/terraform): today the modules' variable validation
accepts only local, staging and prod as environment names."""

from __future__ import annotations

import json
import shutil
import subprocess

import yaml

from platform_config.appsets import expand_all

from .conftest import ROOT, kustomize
from .test_gitops_argocd import validate_argo
from .test_gitops_manifests import kubernetes_validate
from .test_platform_config import CLI, copy_tree, edit_config

NEW = "qa"


def _add_environment(root):
    edit_config(
        root,
        lambda d: d["environments"].update(
            {
                NEW: {
                    "account_id": "333333333333",
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
    envs = root / "terraform/envs"
    shutil.copytree(
        envs / "staging",
        envs / NEW,
        ignore=shutil.ignore_patterns(".terraform*", "*.tfvars", "*.tfvars.json"),
    )
    main = envs / NEW / "main.tf"
    main.write_text(main.read_text().replace('"staging"', f'"{NEW}"'))


def test_add_an_environment(tmp_path):
    root = copy_tree(tmp_path)
    _add_environment(root)

    proc = subprocess.run(
        [*CLI, "--root", str(root), "configure"], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    assert f"argocd/clusters/{NEW}.yaml" in proc.stdout

    rendered = kustomize(root / f"argocd/bikeshare/overlays/{NEW}")
    assert "bikeshare-qa-workload" in rendered and "333333333333" in rendered
    assert "10.2.0.0/16" in rendered and "bikeshare.qa.example.com" in rendered
    (tmp_path / "qa.yaml").write_text(rendered)
    result = kubernetes_validate(tmp_path / "qa.yaml")
    assert result.returncode == 0, result.stdout + result.stderr

    secrets = [yaml.safe_load(p.read_text()) for p in (root / "argocd/clusters").glob("*.yaml")]
    apps = expand_all(list(yaml.safe_load_all(kustomize(root / "argocd/apps"))), secrets)
    mine = {a["metadata"]["name"]: a for a in apps if a["metadata"]["name"].endswith(f"-{NEW}")}
    assert len(mine) == 8, sorted(mine)
    assert mine[f"bikeshare-{NEW}"]["spec"]["source"]["path"] == f"argocd/bikeshare/overlays/{NEW}"
    result = validate_argo(list(mine.values()))
    assert result.returncode == 0, result.stdout

    tfvars = json.loads((root / f"terraform/envs/{NEW}/platform.auto.tfvars.json").read_text())
    assert tfvars["account_id"] == "333333333333" and tfvars["vpc_cidr"] == "10.2.0.0/16"
