"""render: what Argo CD would apply, from `kubectl kustomize` (the kustomize it embeds)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from gitops.errors import Refusal
from gitops.layout import OVERLAYS, check_environment

APPS = Path("argocd/apps")


def kustomize(root: Path, directory: Path) -> str:
    if shutil.which("kubectl") is None:
        raise Refusal("kubectl not found on PATH: install kubectl (it embeds kustomize).")
    proc = subprocess.run(
        ["kubectl", "kustomize", str(root / directory)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        detail = proc.stderr.strip().splitlines()
        raise Refusal(f"kustomize failed for {directory}: {detail[-1] if detail else '?'}.")
    return proc.stdout


def render(root: Path, env: str) -> str:
    return kustomize(root, OVERLAYS / check_environment(root, env))


def render_if_possible(root: Path, env: str) -> str | None:
    """Rendered manifests for a PR body; None where kubectl is not installed."""
    return render(root, env) if shutil.which("kubectl") else None


def render_all(root: Path, environments: list[str], out: Path) -> list[Path]:
    """One file per environment plus the Argo CD objects (argocd.yaml)."""
    (root / out).mkdir(parents=True, exist_ok=True)
    written = []
    for env in environments:
        path = out / f"{env}.yaml"
        (root / path).write_text(render(root, env))
        written.append(path)
    path = out / "argocd.yaml"
    (root / path).write_text(kustomize(root, APPS))
    return [*written, path]
