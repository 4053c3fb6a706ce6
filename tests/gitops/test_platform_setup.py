"""config/platform.yaml is the one place of account values; configure writes every copy;
gitops-bridge registrations come from Terraform's output and agree with the config."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from platform_setup import configure, registration
from platform_setup.appsets import expand_all
from platform_setup.config import CONFIG, load
from platform_setup.errors import ConfigError

from .conftest import ROOT, kustomize
from .test_gitops_manifests import kubernetes_validate

FIXTURE = Path(__file__).parent / "fixtures" / "gitops_bridge_staging.json"
# What configure reads and writes: copied into temporary trees by the tests below.
TREES = ("config", "argocd", ".github", "terraform/envs")
SCANNED = ("argocd", ".github")
CLI = (sys.executable, "-m", "platform_setup")


def copy_tree(dest: Path) -> Path:
    for tree in TREES:
        shutil.copytree(ROOT / tree, dest / tree, ignore=shutil.ignore_patterns(".terraform"))
    return dest


def edit_config(root: Path, change) -> None:
    data = yaml.safe_load((root / CONFIG).read_text())
    change(data)
    (root / CONFIG).write_text(yaml.safe_dump(data, sort_keys=False))


def literals(platform) -> set[str]:
    """The values no file but config/platform.yaml may spell out by hand."""
    return {
        *(e.account_id for e in platform.environments.values()),
        platform.registry_host,
        platform.repo_url.removesuffix(".git"),
        platform.github_repository,
    }


# Rendered output, not hand-written: re-rendered by `make hydrate` and promotions.
DERIVED = Path("argocd/rendered")


def occurrences(root: Path, needles: set[str]) -> list[str]:
    hits = []
    for tree in SCANNED:
        for path in sorted((root / tree).rglob("*")):
            if path.is_file() and not path.relative_to(root).is_relative_to(DERIVED):
                for number, line in enumerate(path.read_text().splitlines(), 1):
                    hits += [
                        f"{path.relative_to(root)}:{number}: {n}" for n in needles if n in line
                    ]
    return hits


def test_committed_files_equal_what_configure_writes():
    files = configure.plan(ROOT, load(ROOT))
    assert configure.changed(ROOT, files) == [], "run `make configure` and commit the result"
    assert len(files) >= 15


def test_configure_check_fails_on_drift(tmp_path):
    root = copy_tree(tmp_path)
    release = root / "argocd/bikeshare/overlays/prod/release/kustomization.yaml"
    release.write_text(release.read_text().replace(load(ROOT).registry_host, "example.org"))
    proc = subprocess.run(
        [sys.executable, "-m", "platform_setup", "--root", str(root), "configure", "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 1
    assert "out of date: argocd/bikeshare/overlays/prod/release/kustomization.yaml" in proc.stderr


def test_no_account_value_is_a_literal_outside_the_config(tmp_path):
    """Configure a copy with other accounts, registry and repository: if any old value is
    left in argocd/ or .github/, it is a literal configure does not own."""
    root = copy_tree(tmp_path)
    old = load(root)

    def other_accounts(data):
        data["github_repository"] = "someone-else/their-fork"
        for number, env in enumerate(data["environments"].values()):
            env["account_id"] = f"99999999999{number}"

    edit_config(root, other_accounts)
    written = configure.write(root, configure.plan(root, load(root)))
    assert written, "configure changed nothing"
    assert occurrences(root, literals(old)) == []
    assert occurrences(root, literals(load(root)))  # the new values did land


def test_every_account_shaped_number_in_the_tree_is_a_configured_account():
    accounts = {e.account_id for e in load(ROOT).environments.values()}
    found = set()
    for tree in SCANNED:
        for path in (ROOT / tree).rglob("*"):
            if path.is_file():
                text = path.read_text()
                found |= set(re.findall(r"arn:aws:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}):", text))
                found |= set(re.findall(r"\b([0-9]{12})\.dkr\.ecr\.", text))
    # 000000000000: the base's placeholder role (never deployable, every overlay replaces it).
    assert found and found - {"000000000000"} <= accounts, found - accounts


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["environments"]["prod"].update(account_id="12345"), "account_id"),
        (lambda d: d.update(github_repository="not a repo"), "github_repository"),
        (lambda d: d["environments"]["staging"].update(vpc_cidr="10.0.0.0/8"), "/16 to /24"),
        (lambda d: d.update(registry_environment="qa"), "registry_environment"),
        (lambda d: d.update(colour="blue"), "unknown key"),
    ],
)
def test_bad_config_is_refused_and_nothing_is_written(tmp_path, change, message):
    root = copy_tree(tmp_path)
    edit_config(root, change)
    before = {p: p.read_bytes() for t in SCANNED for p in (root / t).rglob("*") if p.is_file()}
    proc = subprocess.run(
        [sys.executable, "-m", "platform_setup", "--root", str(root), "configure"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 1 and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert before == {p: p.read_bytes() for p in before}


def test_terraform_output_becomes_a_cluster_secret(tmp_path):
    root = copy_tree(tmp_path)
    proc = subprocess.run(
        [*CLI, "--root", str(root), "register", "--env", "staging", "--from", str(FIXTURE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    secret = yaml.safe_load((root / "argocd/clusters/staging.yaml").read_text())
    bridge = json.loads(FIXTURE.read_text())
    labels, annotations = secret["metadata"]["labels"], secret["metadata"]["annotations"]
    assert labels["argocd.argoproj.io/secret-type"] == "cluster"
    assert labels[registration.SOURCE_LABEL] == "terraform"
    assert labels["enable_kyverno"] == "false" and labels["enable_metrics_server"] == "true"
    assert {k: annotations[k] for k in bridge["metadata"]} == bridge["metadata"]
    assert annotations["aws_cluster_endpoint"] == bridge["cluster"]["server"]
    assert secret["stringData"]["name"] == "bikeshare-staging"
    assert secret["stringData"]["server"] == "https://kubernetes.default.svc"
    # The add-on switches select: no Kyverno (nor its policies) on this cluster.
    apps = expand_all(
        list(yaml.safe_load_all(kustomize(root / "argocd/apps"))),
        [secret],
    )
    names = {a["metadata"]["name"] for a in apps}
    assert "kyverno-staging" not in names and "kyverno-policies-staging" not in names
    alb = next(a for a in apps if a["metadata"]["name"] == "aws-load-balancer-controller-staging")
    assert alb["spec"]["source"]["helm"]["valuesObject"]["vpcId"] == "vpc-0a1b2c3d4e5f60718"
    # configure keeps a Terraform-made registration; it only regenerates samples.
    assert str(registration.path_for("staging")) not in {
        str(p) for p in configure.changed(root, configure.plan(root, load(root)))
    }


def _bridge(**changes):
    bridge = json.loads(FIXTURE.read_text())
    for path, value in changes.items():
        node = bridge
        *parents, leaf = path.split("__")
        for key in parents:
            node = node[key]
        if value is None:
            del node[leaf]
        else:
            node[leaf] = value
    return bridge


@pytest.mark.parametrize(
    ("bridge", "message"),
    [
        (_bridge(metadata__aws_account_id="222222222222"), "wrong credentials"),
        (_bridge(cluster__environment="prod"), "not 'staging'"),
        (_bridge(metadata__registry_url=None), "lacks registry_url"),
        (_bridge(addons__enable_kyverno="yes"), "true or false"),
        (_bridge(metadata__aws_region="eu-west-1"), "region"),
    ],
)
def test_a_wrong_terraform_output_is_refused(bridge, message):
    with pytest.raises(ConfigError, match=message):
        registration.check_bridge(bridge, load(ROOT), "staging")


def test_full_terraform_output_json_is_accepted_too():
    bridge = json.loads(FIXTURE.read_text())
    wrapped = {"gitops_bridge": {"sensitive": False, "type": "object", "value": bridge}}
    assert registration.unwrap(copy.deepcopy(wrapped)) == bridge
    with pytest.raises(ConfigError, match="not a gitops_bridge"):
        registration.unwrap({"cluster_name": {"value": "x"}})


def test_registrations_agree_with_the_config(cluster_secrets):
    platform = load(ROOT)
    assert {s["metadata"]["labels"]["environment"] for s in cluster_secrets} == set(
        platform.environments
    )
    for secret in cluster_secrets:
        env = platform.environments[secret["metadata"]["labels"]["environment"]]
        annotations = secret["metadata"]["annotations"]
        assert annotations["aws_account_id"] == env.account_id
        assert annotations["aws_region"] == platform.region
        assert annotations["aws_vpc_cidr"] == env.vpc_cidr
        assert annotations["registry_url"] == platform.image_repository


def test_registrations_pass_strict_kubernetes_schemas(tmp_path):
    paths = sorted((ROOT / registration.CLUSTERS).glob("*.yaml"))
    for path in paths:
        result = kubernetes_validate(path)
        assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text(paths[0].read_text().replace("stringData:", "stringdata:"))
    assert kubernetes_validate(broken).returncode != 0
