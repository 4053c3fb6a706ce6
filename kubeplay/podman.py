"""The podman and skopeo calls the local runtime needs (real binaries, no API)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from gitops.errors import Refusal

# The project's pull script, next to this package (the played repository may be a clone).
PULL_SCRIPT = Path(__file__).resolve().parents[1] / "image" / "pull.sh"


def run(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    if shutil.which(args[0]) is None:
        raise Refusal(f"{args[0]} not found on PATH: run `make image-tools` (as root).")
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        detail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        raise Refusal(f"{' '.join(args[:3])} failed: {detail[-1] if detail else 'no output'}.")
    return proc


def pull_signed(ref: str, policy: Path, registries_d: Path) -> None:
    """Copy REF into podman's storage only if the signature policy accepts it."""
    if not policy.is_file():
        raise Refusal(f"no signature policy at {policy}: sign a release first (make sign).")
    proc = subprocess.run(
        ["bash", str(PULL_SCRIPT), ref, str(policy), str(registries_d)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        lines = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        reason = lines[-1].rsplit(": ", 1)[-1] if lines else "no output"
        raise Refusal(f"the signature policy or the registry refused {ref} ({reason})")


def play(manifest: Path) -> None:
    run("podman", "kube", "play", "--replace", str(manifest))


def down(manifest: Path) -> None:
    run("podman", "kube", "down", str(manifest), check=False)


def running(container: str) -> bool:
    proc = run("podman", "inspect", "--format", "{{.State.Running}}", container, check=False)
    return proc.stdout.strip() == "true"


def logs_tail(container: str, lines: int = 5) -> str:
    proc = run("podman", "logs", "--tail", str(lines), container, check=False)
    return (proc.stdout + proc.stderr).strip()
