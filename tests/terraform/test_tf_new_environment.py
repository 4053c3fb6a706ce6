"""Adding an environment is one tfvars file: a temporary copy of terraform/ (and the make
files) gets envs/qa/terraform.tfvars plus the account values `make configure` would write,
then make accepts ENV=qa and the shared root validates and plans it on moto.

Planned on the emulator rather than with a mocked provider: the plan then reads the
account from STS (the provider's allowed_account_ids and the composition's account check
run for real) and every resource the new environment would create is priced by the real
provider schema. Only the wiring differs from AWS: an override file in the copy points the
provider at moto and keeps state in the copy (the committed root uses the S3 backend).
"""

import json
import shutil
import subprocess

import pytest

from tests.fixtures.terraform_local import REPO, plan_environment

pytestmark = pytest.mark.slow

QA_TFVARS = """\
availability_zone_count = 3
node_group              = { min_size = 1, desired_size = 1, max_size = 3 }
addons                  = { kyverno = false }
"""


def _make(copy, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", "-C", str(copy), *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def qa_copy(tmp_path_factory):
    copy = tmp_path_factory.mktemp("new-env")
    ignore = shutil.ignore_patterns(".terraform*", "tf_resources.json", "*.tfstate*", "*.generated")
    shutil.copytree(REPO / "terraform", copy / "terraform", ignore=ignore)
    shutil.copytree(REPO / "mk", copy / "mk")
    shutil.copytree(REPO / "scripts", copy / "scripts")
    shutil.copy(REPO / "Makefile", copy / "Makefile")
    qa = copy / "terraform" / "envs" / "qa"
    qa.mkdir()
    (qa / "terraform.tfvars").write_text(QA_TFVARS)  # the one file a new environment needs
    return copy


def test_tf_make_accepts_the_new_environment_and_refuses_unknown_ones(qa_copy):
    assert _make(qa_copy, "tf-check-env", "ENV=qa").returncode == 0
    refused = _make(qa_copy, "tf-check-env", "ENV=nope")
    assert refused.returncode != 0
    assert "ENV must be one of: local prod qa staging (got 'nope')." in refused.stderr


def test_tf_new_environment_validates_and_plans_on_moto(qa_copy, moto_endpoint, tmp_path):
    qa = qa_copy / "terraform" / "envs" / "qa"
    # What `make configure` writes for an environment: its account values.
    account = {
        "account_id": "123456789012",  # moto's account
        "region": "us-east-1",
        "vpc_cidr": "10.7.0.0/16",
        "github_repository": "acme-mlops/bikeshare-gitops",
    }
    (qa / "platform.auto.tfvars.json").write_text(json.dumps(account))
    shown = plan_environment(qa_copy, "qa", moto_endpoint, tmp_path)
    created = [r for r in shown["resource_changes"] if r["change"]["actions"] == ["create"]]
    assert created and len(created) == len(shown["resource_changes"])
    by_type = {}
    for r in created:
        by_type.setdefault(r["type"], []).append(r["change"]["after"])
    assert [c["name"] for c in by_type["aws_eks_cluster"]] == ["bikeshare-qa"]
    assert len(by_type["aws_subnet"]) == 6  # three zones, public + private
    buckets = {b["bucket"] for b in by_type["aws_s3_bucket"]}
    assert "bikeshare-qa-artifacts-123456789012" in buckets
    bridge = shown["planned_values"]["outputs"]["gitops_bridge"]
    after = shown["output_changes"]["gitops_bridge"]["after"]
    assert bridge is not None and after["cluster"]["environment"] == "qa"
    assert after["addons"]["enable_kyverno"] is False
    assert after["metadata"]["aws_vpc_cidr"] == "10.7.0.0/16"
