"""CONTRIBUTING.md "Add an environment", executed on a temporary copy: an entry in
config/platform.yaml (its account values, and its place in the promotion order), an overlay,
one tfvars file; `configure` writes its account values and its sample registration; the
overlay renders and validates; its first hydrated file is written; the ApplicationSets give
it its Applications; a release is promoted into it and out of it with real git (staging ->
qa -> prod, each step gated on evidence); and Terraform's shared root validates and plans it
on moto with the flags `make tf-plan ENV=qa` passes. Create it, render it, promote through
it, plan it: one test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime

import pytest
import yaml

from gitops.evidence import key
from platform_setup.appsets import expand_all
from tests.fixtures.terraform_local import plan_environment

from .conftest import ROOT, kustomize
from .test_gitops_argocd import validate_argo
from .test_gitops_manifests import kubernetes_validate
from .test_platform_setup import CLI, copy_tree, edit_config

NEW = "qa"
DIGEST = "sha256:" + "3" * 64
MOTO_ACCOUNT = "123456789012"  # the emulator's account: the provider refuses any other


def _config(data: dict) -> None:
    data["environments"][NEW] = {
        "account_id": MOTO_ACCOUNT,  # planned on moto below
        "vpc_cidr": "10.2.0.0/16",
        "host": "bikeshare.qa.example.com",
    }
    # Between staging and prod; its promotion PRs merge on green checks, after evidence.
    stage = {"name": NEW, "auto_merge": True, "requires": ["verification"]}
    data["promotion"]["environments"].insert(1, stage)


def _add_environment(root):
    edit_config(root, _config)
    overlay = root / "argocd/bikeshare/overlays"
    shutil.copytree(overlay / "staging", overlay / NEW)
    kustomization = overlay / NEW / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text().replace("staging", NEW))
    # Terraform: the environment's shape, one file (its account values come from configure).
    (root / f"terraform/envs/{NEW}").mkdir()
    (root / f"terraform/envs/{NEW}/terraform.tfvars").write_text(
        "availability_zone_count = 2\nsingle_nat_gateway = true\n"
    )


def gitops(root, *args, store=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if store:
        env["EVIDENCE_STORE"] = str(store)
    return subprocess.run(
        [sys.executable, "-m", "gitops", "--root", str(root), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )


def _evidence(store, env: str, digest: str) -> None:
    record = {"environment": env, "digest": digest, "model_version": "v1", "passed": True}
    record |= {"checks": [{"name": "golden", "passed": True, "detail": "8 rows exactly equal"}]}
    record["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    path = store / key(env, digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record))


def _merge(root, out: str) -> None:
    branch = out.split()[1].rstrip(",")
    subprocess.run(["git", "-C", str(root), "switch", "--quiet", "main"], check=True)
    subprocess.run(["git", "-C", str(root), "merge", "--quiet", "--no-ff", branch], check=True)


def _promote_through(root, store) -> None:
    """staging -> qa -> prod with real git: the new environment is a step of the order."""
    for args in (["init", "--quiet", "--initial-branch=main"], ["add", "."]):
        subprocess.run(["git", "-C", str(root), *args], check=True)
    for key_, value in (("user.name", "t"), ("user.email", "t@example.invalid")):
        subprocess.run(["git", "-C", str(root), "config", key_, value], check=True)
    subprocess.run(["git", "-C", str(root), "commit", "--quiet", "-m", "qa"], check=True)
    image = f"127.0.0.1:5000/bikeshare@{DIGEST}"
    done = gitops(root, "set-image", "--env", "staging", "--image", image, "--model-version", "v1")
    assert done.returncode == 0, done.stderr

    skipped = gitops(root, "promote", "--from", "staging", "--to", "prod", store=store)
    assert skipped.returncode == 1 and "staging -> qa -> prod" in skipped.stderr
    assert gitops(root, "promote", "--to", NEW, store=store).returncode == 1  # no evidence yet
    _evidence(store, "staging", DIGEST)
    done = gitops(root, "promote", "--to", NEW, store=store)  # from staging, the one before
    assert done.returncode == 0, done.stderr
    _merge(root, done.stdout)
    assert image in (root / f"argocd/rendered/{NEW}/manifests.yaml").read_text()
    assert image not in (root / "argocd/rendered/prod/manifests.yaml").read_text()

    refused = gitops(root, "promote", store=store)  # qa -> prod needs qa's own evidence
    assert refused.returncode == 1 and f"{NEW} has no verification" in refused.stderr
    _evidence(store, NEW, DIGEST)
    done = gitops(root, "promote", store=store)
    assert done.returncode == 0, done.stderr
    _merge(root, done.stdout)
    prod = (root / "argocd/rendered/prod/manifests.yaml").read_text()
    assert (
        image in prod
        and "Promoted-From: qa"
        in subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%B", "HEAD^2"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


@pytest.mark.slow  # kustomize, node, git, and a Terraform plan on moto
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
    done = gitops(root, "hydrate", "--env", NEW)  # its first hydrated file, once
    assert done.returncode == 0, done.stderr
    assert gitops(root, "hydrate", "--env", NEW).returncode == 1  # then only by promotion

    rendered = kustomize(root / f"argocd/bikeshare/overlays/{NEW}")
    # Pod Identity, not IRSA: no role annotation; the account is in the bucket's name.
    assert "eks.amazonaws.com/role-arn" not in rendered and MOTO_ACCOUNT in rendered
    assert "10.2.0.0/16" in rendered and "bikeshare.qa.example.com" in rendered
    (tmp_path / "qa.yaml").write_text(rendered)
    result = kubernetes_validate(tmp_path / "qa.yaml")
    assert result.returncode == 0, result.stdout + result.stderr

    secrets = [yaml.safe_load(p.read_text()) for p in (root / "argocd/clusters").glob("*.yaml")]
    apps = expand_all(list(yaml.safe_load_all(kustomize(root / "argocd/apps"))), secrets)
    mine = {a["metadata"]["name"]: a for a in apps if a["metadata"]["name"].endswith(f"-{NEW}")}
    # Every ApplicationSet's but external-dns's: qa has no dns_zone, so no record to write.
    assert len(mine) == 12 and f"external-dns-{NEW}" not in mine, sorted(mine)
    assert mine[f"bikeshare-{NEW}"]["spec"]["source"]["path"] == f"argocd/rendered/{NEW}"
    result = validate_argo(list(mine.values()))
    assert result.returncode == 0, result.stdout

    tfvars = json.loads((root / f"terraform/envs/{NEW}/platform.auto.tfvars.json").read_text())
    assert tfvars["account_id"] == MOTO_ACCOUNT and tfvars["vpc_cidr"] == "10.2.0.0/16"

    _promote_through(root, tmp_path / "evidence")

    plan = plan_environment(root, NEW, moto_endpoint, tmp_path)
    bridge = plan["output_changes"]["gitops_bridge"]["after"]
    assert bridge["cluster"]["name"] == f"bikeshare-{NEW}"
    assert bridge["metadata"]["aws_vpc_cidr"] == "10.2.0.0/16"
    assert bridge["metadata"]["aws_account_id"] == MOTO_ACCOUNT
