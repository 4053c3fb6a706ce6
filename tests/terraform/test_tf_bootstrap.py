"""The state bootstrap on moto: bucket first with local state, then the state moves into it."""

import subprocess
import sys

import boto3
import pytest

from tests.fixtures.terraform_local import REPO, terraform_env

pytestmark = pytest.mark.slow

BUCKET = "bikeshare-tfstate-test"


def _bootstrap(env: dict[str, str], endpoint: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scripts.tf_bootstrap", "local", BUCKET, endpoint],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "TF_CLI_ARGS": "-no-color"},
    )


def _finish(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    stdout, stderr = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def test_tf_bootstrap_moves_its_own_state_into_the_bucket_it_made(moto_endpoint, tmp_path, request):
    env = terraform_env(tmp_path / "data")
    running = _bootstrap(env, moto_endpoint)
    # Both applies spend most of their time waiting (S3 lifecycle rules, KMS keys): when
    # this test runs first, the session's envs/local apply overlaps with the bootstrap.
    request.getfixturevalue("tf_local_stack")
    first = _finish(running)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Step 3/3" in first.stdout and "No changes." in first.stdout, first.stdout

    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == ["bootstrap/terraform.tfstate"]  # state moved in, lock file released
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    assert not (tmp_path / "data" / "bootstrap-local.tfstate").exists(), "local copy left behind"

    again = _finish(_bootstrap(env, moto_endpoint))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "holds the bootstrap state: applying in place" in again.stdout
    assert "0 added, 0 changed, 0 destroyed" in again.stdout
