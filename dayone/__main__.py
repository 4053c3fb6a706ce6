"""python -m dayone: day one on a new account.

rehearse               day one on moto under each role's credentials (make rehearse)
mlflow-register-first  the champion from git becomes version 1 in MLFLOW_TRACKING_URI
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from dayone.policy_check import SimulatorMissing
from dayone.rehearsal import Context, StepFailed, rehearse


def _rehearse(args: argparse.Namespace) -> int:
    from dayone.emulator import enforcing_moto
    from dayone.steps import STATE_BUCKET, STEPS
    from dayone.terraform_run import Terraform

    def say(line: str) -> None:
        print(line, flush=True)

    with tempfile.TemporaryDirectory(prefix="rehearse-") as scratch:
        workdir = Path(args.workdir or scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        with enforcing_moto(workdir, args.port) as emulator:
            say(f"moto, IAM enforced, on {emulator.endpoint} (a person may assume day-one-admin)")
            context = Context(emulator=emulator, workdir=workdir, say=say)
            context.terraform = Terraform(emulator, workdir, STATE_BUCKET)
            try:
                seconds = rehearse(STEPS, context)
            except (StepFailed, SimulatorMissing) as error:
                print(f"FAILED: {error}", file=sys.stderr)
                return 1
    say(f"rehearsal took {seconds:.0f} s")
    return 0


def _register_first(args: argparse.Namespace) -> int:
    from dayone.mlflow_first import FirstRegistrationError, register_first
    from model.artifact import ArtifactError

    try:
        print(register_first())
    except (FirstRegistrationError, ArtifactError) as error:
        print(f"mlflow-register-first: {error}", file=sys.stderr)
        return 1
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from dayone.doctor import LiveProbe, doctor
    from platform_setup.config import load
    from platform_setup.errors import ConfigError

    root = Path.cwd()
    try:
        platform = load(root)
    except ConfigError as error:
        print(f"doctor: {error}", file=sys.stderr)
        return 1
    missing = doctor(LiveProbe(platform.region), platform, root, print)
    print(f"{missing} item(s) missing" if missing else "day one's prerequisites are all there")
    return 1 if missing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dayone", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("rehearse", help="day one on moto with IAM enforced")
    r.add_argument("--port", type=int, default=None, help="moto's port (default: a free one)")
    r.add_argument("--workdir", default=None, help="keep Terraform data and logs here")
    sub.add_parser("mlflow-register-first", help="the champion from git becomes version 1")
    sub.add_parser("doctor", help="check the prerequisites a person sets up by hand")
    args = parser.parse_args(argv)
    commands = {"rehearse": _rehearse, "mlflow-register-first": _register_first, "doctor": _doctor}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
