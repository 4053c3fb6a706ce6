"""Terraform as the rehearsal runs it: a scratch copy of terraform/ (override files stay
out of the repository), the provider mirror when this machine has one, and each command
under the credentials of the role that runs it on AWS."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from dayone.emulator import REGION, REPO, Credentials, Emulator

# The S3 backend of envs/local on the emulator (the committed root keeps local state).
BACKEND_OVERRIDE = 'terraform {\n  backend "s3" {}\n}\n'


class Terraform:
    def __init__(self, emulator: Emulator, workdir: Path, state_bucket: str):
        self.emulator = emulator
        self.copy = workdir / "terraform"
        self.state_bucket = state_bucket
        shutil.rmtree(self.copy, ignore_errors=True)
        shutil.copytree(
            REPO / "terraform",
            self.copy,
            ignore=shutil.ignore_patterns(
                ".terraform*", "*.tfstate*", "tf_resources.json", "*.generated"
            ),
        )
        from scripts import cli_config

        config = str(cli_config.write_config() or "")
        self.base_env = {"TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "TF_CLI_ARGS": "-no-color"}
        if config:
            self.base_env["TF_CLI_CONFIG_FILE"] = config
        self.data = workdir / "tf-data"
        (self.copy / "envs" / "local" / "rehearsal_backend_override.tf").write_text(
            BACKEND_OVERRIDE
        )
        self.vars = [
            "-var",
            f"aws_endpoint={emulator.endpoint}",
            "-var",
            f"state_bucket={state_bucket}",
        ]

    def env(self, creds: Credentials, root: str) -> dict[str, str]:
        env = self.emulator.env(creds)
        env.pop("AWS_ENDPOINT_URL")  # Terraform takes the endpoints from its configuration
        return {**env, **self.base_env, "TF_DATA_DIR": str(self.data / root)}

    def run(
        self, creds: Credentials, root: str, *args: str, command: list[str] | None = None
    ) -> subprocess.CompletedProcess:
        command = [*(command or ["terraform"]), *args]
        cwd = self.copy / ("bootstrap" if root == "bootstrap" else "envs/local")
        env = self.env(creds, root)
        if root == "bootstrap":  # scripts.tf_bootstrap on the copy of the bootstrap root
            env = {**env, "TF_BOOTSTRAP_ROOT": str(cwd), "PYTHONPATH": str(REPO)}
        return subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, check=False
        )

    def bootstrap(self, creds: Credentials) -> subprocess.CompletedProcess:
        return self.run(
            creds, "bootstrap", "local", self.state_bucket, self.emulator.endpoint,
            command=[sys.executable, "-m", "scripts.tf_bootstrap"],
        )  # fmt: skip

    def init(self, creds: Credentials) -> subprocess.CompletedProcess:
        endpoint = self.emulator.endpoint
        return self.run(
            creds,
            "platform",
            "init",
            "-reconfigure",
            f"-backend-config=bucket={self.state_bucket}",
            "-backend-config=key=local/terraform.tfstate",
            f"-backend-config=region={REGION}",
            "-backend-config=encrypt=true",
            "-backend-config=use_lockfile=true",
            f'-backend-config=endpoints={{s3="{endpoint}",sts="{endpoint}"}}',
            "-backend-config=use_path_style=true",
            "-backend-config=skip_credentials_validation=true",
            "-backend-config=skip_requesting_account_id=true",
            "-backend-config=skip_metadata_api_check=true",
        )

    def platform(self, creds: Credentials, *args: str) -> subprocess.CompletedProcess:
        return self.run(creds, "platform", *args)


def tail(done: subprocess.CompletedProcess, lines: int = 15) -> str:
    return "\n".join((done.stdout + done.stderr).strip().splitlines()[-lines:])
