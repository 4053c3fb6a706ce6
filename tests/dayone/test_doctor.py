"""make doctor: the checks, their order (the same as docs/day-one.md) and their sentences.
GitHub answers come from recorded responses of its REST API (no GitHub here); the AWS half
runs against moto in the slow test, EKS access entries are recorded (moto has no API)."""

import json
import re
from pathlib import Path

import pytest

from dayone.doctor import DAY_ONE, LiveProbe, doctor
from platform_setup.config import load

REPO = Path(__file__).resolve().parents[2]
RECORDED = Path(__file__).parent / "recorded"


class RecordedProbe:
    """GitHub from a recording (variables answered from .github/variables.json unless told);
    AWS facts given."""

    def __init__(
        self,
        github: dict,
        *,
        buckets=True,
        zones=True,
        cluster=(True, True),
        mlflow=True,
        secrets="set",
    ):
        self.answers = github
        self.buckets, self.zones, self.cluster, self.mlflow = buckets, zones, cluster, mlflow
        self.secrets = secrets

    def github(self, path):
        status, body = self.answers.get(path, [404, {"message": "Not Found"}])
        return status, body

    def bucket_exists(self, env, bucket):
        return self.buckets

    def hosted_zone_exists(self, env, zone):
        return self.zones

    def secret_state(self, env, name):
        return self.secrets[env] if isinstance(self.secrets, dict) else self.secrets

    def cluster_access(self, env, cluster):
        return self.cluster

    def http_ok(self, url):
        return self.mlflow


def _all_variables(platform) -> dict:
    answers = {}
    for scope, variables in json.loads((REPO / ".github/variables.json").read_text()).items():
        base = f"/repos/{platform.github_repository}"
        for name, value in variables.items():
            if scope == "repository":
                path = f"{base}/actions/variables/{name}"
            else:
                path = f"{base}/environments/{scope.removeprefix('environment:')}/variables/{name}"
            answers[path] = [200, {"name": name, "value": value}]
    return answers


@pytest.fixture
def platform():
    return load(REPO)


def _run(probe, platform):
    lines = []
    missing = doctor(probe, platform, REPO, lines.append)
    return missing, lines


def test_the_guide_lists_the_doctors_steps_in_the_same_order():
    guide = (REPO / "docs" / "day-one.md").read_text()
    steps = guide.split("## Steps", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^### (\S+)$", steps, re.M) == [c.key for c in DAY_ONE]


def test_everything_set_up_leaves_only_the_example_accounts(platform):
    recorded = json.loads((RECORDED / "github-all-set.json").read_text())
    missing, lines = _run(RecordedProbe({**recorded, **_all_variables(platform)}), platform)
    problems = [line for line in lines if line.startswith("  - ")]
    # The committed config carries example accounts: the one thing a new adopter must change.
    assert len(problems) == missing == 2 and all("is the example" in p for p in problems)


def test_each_missing_item_is_one_sentence_with_its_fix(platform):
    recorded = json.loads((RECORDED / "github-all-set.json").read_text())
    del recorded["/repos/acme-mlops/bikeshare-gitops/actions/secrets/BOT_APP_PRIVATE_KEY"]
    recorded["/repos/acme-mlops/bikeshare-gitops/environments/prod"][1]["protection_rules"] = []
    probe = RecordedProbe(
        recorded,
        buckets=False,
        zones=False,
        cluster=(True, False),
        mlflow=False,
        secrets={"staging": "empty", "prod": "missing"},
    )
    _, lines = _run(probe, platform)
    text = "\n".join(lines)
    assert (
        "aws secretsmanager put-secret-value --secret-id bikeshare/staging/argocd-repo-creds"
        in text
    )
    assert (
        "bikeshare/prod/argocd-repo-creds does not exist yet: run `make tf-apply ENV=prod`" in text
    )
    assert "make tf-bootstrap ENV=staging TF_STATE_BUCKET=bikeshare-tfstate-111111111111" in text
    assert "gh secret set BOT_APP_PRIVATE_KEY" in text
    assert "The environment prod has no required reviewers" in text
    assert "run `make github-variables`" in text  # none recorded: every variable is missing
    assert "aws route53 create-hosted-zone --name staging.example.com" in text
    assert "make mlflow-register-first" in text
    assert "cluster_admin_role_arns in terraform/envs/prod/terraform.tfvars" in text
    for line in lines:
        if line.startswith("  - "):
            assert line.count(". ") == 0 and line.endswith("."), line  # one sentence each
    assert [line.split(" ", 1)[1] for line in lines if not line.startswith("  ")] == [
        c.title for c in DAY_ONE
    ]


def test_a_probe_that_cannot_ask_is_reported_not_raised(platform):
    class NoToken(RecordedProbe):
        def github(self, path):
            raise RuntimeError("GH_TOKEN is not set")

    _, lines = _run(NoToken({}), platform)
    assert any("could not be checked (GH_TOKEN is not set)" in line for line in lines)


@pytest.mark.slow
def test_the_aws_half_against_moto(moto_endpoint, monkeypatch, platform):
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    staging = platform.environments["staging"]
    probe = LiveProbe(platform.region)
    assert not probe.bucket_exists("staging", staging.state_bucket)
    assert not probe.hosted_zone_exists("staging", staging.dns_zone)
    boto3.client("s3").create_bucket(Bucket=staging.state_bucket)
    boto3.client("route53").create_hosted_zone(Name=staging.dns_zone, CallerReference="day-one")
    assert probe.bucket_exists("staging", staging.state_bucket)
    assert probe.hosted_zone_exists("staging", staging.dns_zone)
    assert probe.cluster_access("staging", staging.cluster_name) == (False, False)
    # Argo CD's repository credentials: made by Terraform (no value), then filled in.
    name = "bikeshare/staging/argocd-repo-creds"
    secrets = boto3.client("secretsmanager")
    assert probe.secret_state("staging", name) == "missing"
    secrets.create_secret(Name=name)
    assert probe.secret_state("staging", name) == "empty"
    secrets.put_secret_value(SecretId=name, SecretString='{"githubAppID": "1"}')
    assert probe.secret_state("staging", name) == "set"
