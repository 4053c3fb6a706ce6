"""scripts/tf.py and scripts/tf_bootstrap.py: flags per environment, refusals in one sentence,
validate reporting an invalid root (terraform runs for real)."""

import os
import subprocess
import sys

import pytest

from scripts import tf, tf_bootstrap

REPO = tf.REPO


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"TF_STATE_BUCKET", "MOTO_ENDPOINT"}}
    return subprocess.run(
        [sys.executable, "-m", "scripts.tf", *args],
        capture_output=True, text=True, cwd=REPO, env={**clean, **env},
    )  # fmt: skip


def test_local_vars_point_at_the_emulator():
    done = run("vars", "local", MOTO_ENDPOINT="https://127.0.0.1:4999")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["-var", "aws_endpoint=https://127.0.0.1:4999"]


def test_staging_vars_name_the_state_bucket_and_the_tfvars():
    done = run("vars", "staging", TF_STATE_BUCKET="bucket-of-state")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:4] == ["-var", "environment=staging", "-var", "state_bucket=bucket-of-state"]
    assert lines[4] == f"-var-file={REPO / 'terraform/envs/staging/terraform.tfvars'}"


@pytest.mark.parametrize(
    ("args", "env", "sentence"),
    [
        (
            ["vars", "staging"],
            {},
            "Set TF_STATE_BUCKET to the state bucket made by 'make tf-bootstrap ENV=staging'.",
        ),
        (["vars", "nowhere"], {"TF_STATE_BUCKET": "b"}, "No environment nowhere (no "),
        (["plan", "local"], {}, "Set MOTO_ENDPOINT (make moto-start prints it)."),
        (["destroy", "prod"], {}, "tf-destroy only runs for ENV=local;"),
        (["bootstrap", "prod"], {}, "Set TF_STATE_BUCKET, e.g. bikeshare-tfstate-<account id>."),
    ],
)
def test_refusals_are_one_sentence(args, env, sentence):
    done = run(*args, **env)
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and sentence in done.stderr, done.stderr


@pytest.mark.parametrize("args", [[], ["plan"], ["nonsense", "x"], ["output", "local"]])
def test_usage_exits_2(args):
    done = run(*args, MOTO_ENDPOINT="https://127.0.0.1:4999")
    assert done.returncode == 2 and done.stderr.startswith("Usage:")


def test_backend_flags_reach_the_emulator_only_when_given_one():
    real = tf_bootstrap.backend_flags("b", "eu-west-1", None)
    assert "-backend-config=region=eu-west-1" in real
    assert not any("endpoints" in flag or "skip_" in flag for flag in real)
    emulated = tf_bootstrap.backend_flags("b", "us-east-1", "https://127.0.0.1:1")
    assert (
        '-backend-config=endpoints={s3="https://127.0.0.1:1",sts="https://127.0.0.1:1"}' in emulated
    )
    assert "-backend-config=use_path_style=true" in emulated


@pytest.mark.slow  # terraform init
def test_validate_names_the_invalid_root(tmp_path):
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (good / "main.tf").write_text('output "x" {\n  value = 1\n}\n')
    (bad / "main.tf").write_text('output "x" {\n  value = var.missing\n}\n')
    done = run("validate", str(good), str(bad), TF_BUILD=str(tmp_path / "build"))
    assert done.returncode == 1
    assert f"valid: {good}" in done.stdout
    assert f"INVALID: {bad}" in done.stderr and "missing" in done.stderr
