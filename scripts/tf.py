"""Terraform as the make targets run it (mk/terraform.mk): the provider mirror when this
machine has one (scripts/cli_config.py; plain registry downloads otherwise), one data
directory per root under TF_BUILD, the moto emulator for ENV=local.

    python -m scripts.tf validate ROOT...        validate each root (no backend, no credentials)
    python -m scripts.tf test MODULE...          `terraform test` each module that has tests/
    python -m scripts.tf plan|apply|destroy ENV  one environment (destroy: local only)
    python -m scripts.tf plan-save ENV           plan to TF_BUILD/plan-ENV.tfplan (+ .sha256)
    python -m scripts.tf apply-plan ENV SHA256   apply that saved plan (refused: other sha256)
    python -m scripts.tf bootstrap ENV           the state bucket of ENV, its own state moved in
    python -m scripts.tf output ENV NAME         one output of ENV as JSON (e.g. gitops_bridge)
    python -m scripts.tf vars ENV                the -var flags of ENV, one per line

Environment: TF (the terraform binary), TF_BUILD (default build/terraform), TF_STATE_BUCKET
(staging, prod; bootstrap local has a default), MOTO_ENDPOINT and MOTO_DIR (local; the
emulator's fake credentials come from the caller: make exports them).
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from scripts.tf_runner import REPO, Terraform

USAGE = (
    "Usage: python -m scripts.tf validate|test DIR... | plan|apply|destroy|bootstrap|vars"
    "|plan-save ENV | apply-plan ENV SHA256 | output ENV NAME"
)


class Refusal(Exception):
    """A one-sentence reason to stop, printed on stderr (exit 1)."""


def need(env: dict[str, str], name: str, hint: str) -> str:
    value = env.get(name, "")
    if not value:
        raise Refusal(f"Set {name}{hint}.")
    return value


@dataclass
class Environment:
    """ENV's root and the -var flags its plan/apply/destroy/output need. local is its own
    root (moto); every other environment is a folder envs/<env>/ of tfvars applied with the
    shared root account/, one state key and one .terraform per environment."""

    name: str
    root: Path
    vars: list[str]

    @classmethod
    def of(cls, name: str, env: dict[str, str]) -> Environment:
        if name == "local":
            endpoint = need(env, "MOTO_ENDPOINT", " (make moto-start prints it)")
            return cls(name, REPO / "terraform/envs/local", ["-var", f"aws_endpoint={endpoint}"])
        tfvars = REPO / "terraform/envs" / name / "terraform.tfvars"
        if not tfvars.is_file():
            raise Refusal(f"No environment {name} (no {tfvars}).")
        bucket = need(
            env, "TF_STATE_BUCKET", f" to the state bucket made by 'make tf-bootstrap ENV={name}'"
        )
        flags = ["-var", f"environment={name}", "-var", f"state_bucket={bucket}"]
        flags.append(f"-var-file={tfvars}")
        # Account values (`make configure`) after the environment's shape.
        account = tfvars.with_name("platform.auto.tfvars.json")
        if account.is_file():
            flags.append(f"-var-file={account}")
        return cls(name, REPO / "terraform/account", flags)


def validate(tf: Terraform, roots: list[str]) -> None:
    for root in roots:
        data = tf.build / "validate" / Path(root).name
        ok = (
            tf.run(
                root,
                "init",
                "-input=false",
                "-backend=false",
                data_dir=data,
                quiet=True,
                check=False,
            )
            == 0
        )
        ok = (
            ok
            and tf.run(root, "validate", "-no-color", data_dir=data, quiet=True, check=False) == 0
        )
        if not ok:
            print(f"INVALID: {root}", file=sys.stderr)
            tf.run(root, "validate", "-no-color", data_dir=data, check=False)
            raise SystemExit(1)
        print(f"valid: {root}")


def test_modules(tf: Terraform, modules: list[str]) -> None:
    for module in modules:
        if not (Path(module) / "tests").is_dir():
            continue
        data = tf.build / "test" / Path(module).name
        tf.run(module, "init", "-input=false", "-backend=false", data_dir=data, quiet=True)
        tf.run(module, "test", "-no-color", data_dir=data)


def init(tf: Terraform, target: Environment) -> Path | None:
    """init of ENV's root; returns the data directory (None: the root's own .terraform)."""
    if target.name == "local":
        state = tf.build / "local" / "terraform.tfstate"
        tf.run(
            target.root,
            "init",
            "-input=false",
            "-reconfigure",
            f"-backend-config=path={state}",
            quiet=True,
        )
        return None
    data = tf.build / f"env-{target.name}"
    bucket = tf.env["TF_STATE_BUCKET"]
    tf.run(
        target.root, "init", "-input=false", "-reconfigure", "-backend-config=backend.hcl",
        f"-backend-config=key={target.name}/terraform.tfstate", f"-backend-config=bucket={bucket}",
        data_dir=data, quiet=True,
    )  # fmt: skip
    return data


def plan(tf: Terraform, target: Environment) -> None:
    data = init(tf, target)
    code = tf.run(
        target.root,
        "plan",
        "-input=false",
        "-detailed-exitcode",
        *target.vars,
        data_dir=data,
        check=False,
    )
    if code == 0:
        print("No changes.")
    elif code == 2:
        print("Changes pending (exit code 2 from -detailed-exitcode).")
    else:
        raise SystemExit(code)


def apply(tf: Terraform, target: Environment) -> None:
    data = init(tf, target)
    approve = ["-auto-approve"] if target.name == "local" else []
    start = time.monotonic()
    tf.run(target.root, "apply", "-input=false", *approve, *target.vars, data_dir=data)
    print(f"apply took {time.monotonic() - start:.0f} s")


# The reviewed saved plan: plan-save writes the plan file, its text and its sha256; the apply
# job (behind the environment's reviewers) checks the sha256 the plan job published and
# applies that file, so what runs is what was reviewed, never a fresh plan.
def plan_save(tf: Terraform, target: Environment) -> None:
    import hashlib

    data = init(tf, target)
    out = tf.build / f"plan-{target.name}.tfplan"
    tf.build.mkdir(parents=True, exist_ok=True)
    tf.run(target.root, "plan", "-input=false", f"-out={out}", *target.vars, data_dir=data)
    shown = subprocess.run(
        [tf.binary, f"-chdir={target.root}", "show", "-no-color", str(out)],
        env={**tf.env, **({"TF_DATA_DIR": str(data)} if data else {})},
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    (tf.build / f"plan-{target.name}.txt").write_text(shown.stdout)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    Path(f"{out}.sha256").write_text(digest + "\n")
    print(f"Saved plan {out} (sha256 {digest}).")


def apply_plan(tf: Terraform, target: Environment, expected: str) -> None:
    import hashlib

    out = tf.build / f"plan-{target.name}.tfplan"
    if not expected:
        raise Refusal(
            "Give the sha256 the plan job published (PLAN_SHA256=...): only a reviewed plan"
            " is applied."
        )
    if not out.is_file():
        raise Refusal(f"No saved plan {out}: download the plan artifact of this run first.")
    actual = hashlib.sha256(out.read_bytes()).hexdigest()
    if actual != expected:
        raise Refusal(
            f"The saved plan's sha256 is {actual}, not the reviewed {expected}: refusing to"
            " apply; re-run the plan job."
        )
    data = init(tf, target)
    start = time.monotonic()
    tf.run(target.root, "apply", "-input=false", str(out), data_dir=data)
    print(f"apply of the reviewed plan took {time.monotonic() - start:.0f} s")


def destroy(tf: Terraform, name: str) -> None:
    if name != "local":
        raise Refusal(
            "tf-destroy only runs for ENV=local; staging and prod are destroyed by a reviewed"
            " change, not a make target."
        )
    moto_dir = need(tf.env, "MOTO_DIR", " (where moto.pid is)")
    if not (Path(moto_dir) / "moto.pid").is_file():
        print("moto is not running: the local stack is already gone.")
        return
    target = Environment.of(name, tf.env)
    data = init(tf, target)
    start = time.monotonic()
    tf.run(target.root, "destroy", "-input=false", "-auto-approve", *target.vars, data_dir=data)
    print(f"destroy took {time.monotonic() - start:.0f} s")


def output(tf: Terraform, target: Environment, name: str) -> None:
    data = init(tf, target)
    tf.run(target.root, "output", "-json", name, data_dir=data)


def bootstrap(tf: Terraform, name: str) -> None:
    from scripts import tf_bootstrap

    tf.env["TF_DATA_DIR"] = str(tf.build / f"bootstrap-{name}")
    if name == "local":
        endpoint = need(tf.env, "MOTO_ENDPOINT", " (make moto-start prints it)")
        bucket = tf.env.get("TF_STATE_BUCKET") or "bikeshare-tfstate-local"
        tf_bootstrap.bootstrap(tf, "local", bucket, endpoint)
    else:
        bucket = need(tf.env, "TF_STATE_BUCKET", ", e.g. bikeshare-tfstate-<account id>")
        tf_bootstrap.bootstrap(tf, name, bucket, None)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(USAGE, file=sys.stderr)
        return 2
    command, rest = args[0], args[1:]
    one = {"plan", "apply", "destroy", "bootstrap", "vars", "output", "plan-save", "apply-plan"}
    if command not in one | {"validate", "test"} or (command in one and not rest):
        print(USAGE, file=sys.stderr)
        return 2
    tf = Terraform.from_environment()
    try:
        if command == "validate":
            validate(tf, rest)
        elif command == "test":
            test_modules(tf, rest)
        elif command == "vars":
            print("\n".join(Environment.of(rest[0], tf.env).vars))
        elif command == "plan":
            plan(tf, Environment.of(rest[0], tf.env))
        elif command == "apply":
            apply(tf, Environment.of(rest[0], tf.env))
        elif command == "plan-save":
            plan_save(tf, Environment.of(rest[0], tf.env))
        elif command == "apply-plan":
            apply_plan(tf, Environment.of(rest[0], tf.env), rest[1] if len(rest) > 1 else "")
        elif command == "destroy":
            destroy(tf, rest[0])
        elif command == "bootstrap":
            bootstrap(tf, rest[0])
        elif command == "output":
            if len(rest) < 2:
                print(USAGE, file=sys.stderr)
                return 2
            output(tf, Environment.of(rest[0], tf.env), rest[1])
    except Refusal as refusal:
        print(refusal, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
