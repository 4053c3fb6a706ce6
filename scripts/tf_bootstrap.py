"""Create the Terraform state bucket of one environment and move the bootstrap root's own
state into it (the chicken-and-egg order, see terraform/README.md).

    python -m scripts.tf_bootstrap ENV BUCKET [AWS_ENDPOINT]

1. If BUCKET already holds the bootstrap state: init against it and apply (idempotent).
2. Otherwise: apply with local state (override file), then `init -migrate-state` into
   BUCKET, delete the local copy, and plan once more against S3 to prove nothing changes.
TF_DATA_DIR may be set by the caller (one per environment); TF and TF_CLI_CONFIG_FILE too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from scripts.tf_runner import REPO, Terraform

# The bootstrap root; TF_BOOTSTRAP_ROOT points at a copy of it (the day-one rehearsal).
ROOT = Path(os.environ.get("TF_BOOTSTRAP_ROOT") or REPO / "terraform" / "bootstrap")
OVERRIDE = ROOT / "local_backend_override.tf"


def backend_flags(bucket: str, region: str, endpoint: str | None) -> list[str]:
    flags = [
        f"bucket={bucket}",
        "key=bootstrap/terraform.tfstate",
        f"region={region}",
        "encrypt=true",
        "use_lockfile=true",
    ]
    if endpoint:
        flags += [
            f'endpoints={{s3="{endpoint}",sts="{endpoint}"}}',
            "use_path_style=true",
            "skip_credentials_validation=true",
            "skip_requesting_account_id=true",
            "skip_metadata_api_check=true",
        ]
    return [f"-backend-config={flag}" for flag in flags]


def holds_state(tf: Terraform, backend: list[str], log: Path) -> bool:
    """init against the bucket works and its state lists resources."""
    env = tf.env
    with log.open("w") as out:
        init = subprocess.run(
            [tf.binary, f"-chdir={ROOT}", "init", "-input=false", "-reconfigure", *backend],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    if init.returncode != 0:
        return False
    listed = subprocess.run(
        [tf.binary, f"-chdir={ROOT}", "state", "list"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    return listed.returncode == 0 and bool(listed.stdout.strip())


def bootstrap(tf: Terraform, env_name: str, bucket: str, endpoint: str | None) -> None:
    work = Path(tf.env.get("TF_DATA_DIR") or ROOT / ".terraform")
    work.mkdir(parents=True, exist_ok=True)
    tf.env["TF_DATA_DIR"] = str(work)
    backend = backend_flags(bucket, tf.env.get("AWS_REGION", "us-east-1"), endpoint)
    variables = ["-var", f"environment={env_name}", "-var", f"bucket_name={bucket}"]
    if endpoint:
        variables += ["-var", f"aws_endpoint={endpoint}"]
    try:
        if holds_state(tf, backend, work / "init-s3.log"):
            print(f"State bucket {bucket} exists and holds the bootstrap state: applying in place.")
            tf.run(ROOT, "apply", "-input=false", "-auto-approve", *variables)
            return
        print(f"Step 1/3: create {bucket} with local state.", flush=True)
        local_state = work / f"bootstrap-{env_name}.tfstate"
        OVERRIDE.write_text(
            f'terraform {{\n  backend "local" {{\n    path = "{local_state}"\n  }}\n}}\n'
        )
        tf.run(ROOT, "init", "-input=false", "-reconfigure", quiet=True)
        tf.run(ROOT, "apply", "-input=false", "-auto-approve", *variables)

        print(
            f"Step 2/3: migrate the bootstrap state into s3://{bucket}/bootstrap/terraform.tfstate.",
            flush=True,
        )
        OVERRIDE.unlink()
        tf.run(ROOT, "init", "-input=false", "-migrate-state", "-force-copy", *backend)
        local_state.unlink(missing_ok=True)
        local_state.with_name(local_state.name + ".backup").unlink(missing_ok=True)

        print("Step 3/3: plan against the migrated state (expect no changes).", flush=True)
        tf.run(ROOT, "plan", "-input=false", "-detailed-exitcode", *variables)
    finally:
        OVERRIDE.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        print("Usage: python -m scripts.tf_bootstrap ENV BUCKET [AWS_ENDPOINT]", file=sys.stderr)
        return 2
    bootstrap(Terraform.from_environment(), args[0], args[1], args[2] if len(args) == 3 else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
