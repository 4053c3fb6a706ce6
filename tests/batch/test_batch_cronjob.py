"""The scoring CronJob: rendered in every overlay, same digest as the service, schema and
checkov clean, and the contract of a scheduled job (Forbid, deadlines, non-root, read-only)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from gitops.layout import OVERLAYS
from gitops.rules import load as load_rules
from tests.gitops.conftest import kustomize, require_tool
from tests.gitops.test_gitops_manifests import kubernetes_validate

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = load_rules(ROOT).environments
CRONJOB = ROOT / "argocd/bikeshare/base/cronjob-score.yaml"
OTHER_DIGEST = "sha256:" + "ab" * 32


def _by_kind(docs: list[dict], kind: str) -> dict:
    [doc] = [d for d in docs if d["kind"] == kind]
    return doc


def _job_container(cronjob: dict) -> dict:
    [container] = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    return container


def _service_container(deployment: dict) -> dict:
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    return container


@pytest.fixture(scope="module")
def rendered_docs() -> dict[str, list[dict]]:
    """Every overlay rendered with `kubectl kustomize` (the gitops tests' renderer)."""
    return {env: list(yaml.safe_load_all(kustomize(ROOT / OVERLAYS / env))) for env in ENVIRONMENTS}


@pytest.fixture(scope="module")
def cronjobs(rendered_docs) -> dict[str, dict]:
    return {env: _by_kind(rendered_docs[env], "CronJob") for env in ENVIRONMENTS}


def test_cronjob_runs_the_service_image_and_scores_the_previous_month(cronjobs, rendered_docs):
    for env, cronjob in cronjobs.items():
        deployment = _by_kind(rendered_docs[env], "Deployment")
        container = _job_container(cronjob)
        assert container["image"] == _service_container(deployment)["image"]
        assert "@sha256:" in container["image"]
        assert container["command"] == [
            *("python", "-m", "scoring", "score", "--period", "previous")
        ]
        env_vars = {e["name"]: e.get("value") for e in container["env"]}
        # Terraform's name: <project>-<env>-artifacts-<account id>.
        assert env_vars["BIKESHARE_ARTIFACTS_BUCKET"].startswith(f"bikeshare-{env}-artifacts-")
        assert env_vars["BENTOML_HOME"] == "/tmp/bentoml"
        # Drift reaches people and git: the Pushgateway, and the retrain dispatch with a token
        # from the Secret that External Secrets makes (never a value in the manifest).
        assert env_vars["BIKESHARE_PUSHGATEWAY_URL"].endswith(".monitoring.svc:9091")
        assert env_vars["BIKESHARE_RETRAIN_REPOSITORY"].count("/") == 1
        [token] = [e for e in container["env"] if e["name"] == "GITHUB_TOKEN"]
        assert token["valueFrom"]["secretKeyRef"] == {
            "name": "bikeshare-github",
            "key": "dispatch-token",
        }
        secrets = [d for d in rendered_docs[env] if d["kind"] == "ExternalSecret"]
        assert "bikeshare-github" in {s["spec"]["target"]["name"] for s in secrets}


def test_cronjob_has_a_schedule_per_environment(cronjobs):
    schedules = {env: cronjob["spec"]["schedule"] for env, cronjob in cronjobs.items()}
    assert len(set(schedules.values())) == len(ENVIRONMENTS), schedules
    assert all(len(s.split()) == 5 for s in schedules.values())


def test_cronjob_is_a_safe_scheduled_job(cronjobs):
    for cronjob in cronjobs.values():
        spec = cronjob["spec"]
        job = spec["jobTemplate"]["spec"]
        pod = job["template"]["spec"]
        container = _job_container(cronjob)
        assert spec["concurrencyPolicy"] == "Forbid"
        assert spec["startingDeadlineSeconds"] > 0
        assert job["backoffLimit"] >= 1 and job["activeDeadlineSeconds"] > 0
        assert pod["restartPolicy"] == "Never"
        assert pod["serviceAccountName"] == "bikeshare"
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 1034
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"] == {"drop": ["ALL"]}
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]


def test_a_new_release_moves_the_cronjob_and_the_deployment_together(tmp_path):
    # The overlay's `images:` rewrites every `bikeshare` image: change the digest in a copy.
    copy = tmp_path / "argocd"
    shutil.copytree(ROOT / "argocd", copy)
    release = copy / OVERLAYS.relative_to("argocd") / "staging" / "release" / "kustomization.yaml"
    text = release.read_text()
    old = yaml.safe_load(text)["images"][0]["digest"]
    release.write_text(text.replace(old, OTHER_DIGEST))
    docs = list(yaml.safe_load_all(kustomize(copy / OVERLAYS.relative_to("argocd") / "staging")))
    job_image = _job_container(_by_kind(docs, "CronJob"))["image"]
    assert job_image.endswith("@" + OTHER_DIGEST)
    assert job_image == _service_container(_by_kind(docs, "Deployment"))["image"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_cronjob_passes_strict_kubernetes_schemas(env, cronjobs, tmp_path):
    path = tmp_path / "cronjob.yaml"
    path.write_text(yaml.safe_dump(cronjobs[env]))
    result = kubernetes_validate(path)
    assert result.returncode == 0, result.stdout + result.stderr
    # The check could fail: a misspelled job field is an error.
    path.write_text(yaml.safe_dump(cronjobs[env]).replace("backoffLimit", "backofLimit"))
    assert kubernetes_validate(path).returncode != 0


@pytest.mark.slow  # checkov
def test_cronjob_passes_checkov(tmp_path):
    require_tool("kubectl")
    checkov = os.environ.get("CHECKOV", "")
    if not Path(checkov).is_file():
        pytest.fail("checkov not installed: run `make checkov-install` (CHECKOV is unset).")
    proc = subprocess.run(
        [
            *(checkov, "-f", str(CRONJOB), "--framework", "kubernetes"),
            *("--skip-download", "--quiet", "--output", "json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    summary = json.loads(proc.stdout)["summary"]
    assert summary["passed"] > 0 and summary["failed"] == 0, proc.stdout[:4000]


def test_the_played_job_pod_leaves_out_what_only_a_cluster_has(cronjobs):
    """`make score-pod` plays the CronJob's pod with podman: no Pushgateway, GitHub or
    External Secrets' Secret here (podman would refuse the pod for the missing Secret)."""
    from kubeplay.score_pod import CLUSTER_ONLY_ENV, local_pod

    pod = local_pod(cronjobs["staging"], "2011-12", "bucket", "https://127.0.0.1:1", Path("/ca"))
    names = {e["name"] for e in pod["spec"]["containers"][0]["env"]}
    assert CLUSTER_ONLY_ENV and not names & CLUSTER_ONLY_ENV
    assert {"BIKESHARE_ARTIFACTS_BUCKET", "AWS_ENDPOINT_URL_S3"} <= names
