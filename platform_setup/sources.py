"""What an Application of this repository syncs: its folder rendered by kustomize with the
Application's own `source.kustomize.patches` applied, as Argo CD does, for the offline checks
and for `make argocd-bootstrap` (which applies Argo CD's repository credentials before Argo
CD can read this repository). Any other kustomize option of the source is refused, so that
nothing renders differently here than in Argo CD."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import yaml

from platform_setup.errors import ConfigError

SUPPORTED = {"patches"}


def render(root: Path, app: dict, repo_url: str) -> str:
    """The manifests `app` syncs, when its source is a folder of `repo_url`."""
    name = app["metadata"]["name"]
    source = app["spec"].get("source") or {}
    if source.get("repoURL") != repo_url or "path" not in source:
        raise ConfigError(f"{name} does not sync a folder of {repo_url}.")
    options = source.get("kustomize") or {}
    if unsupported := sorted(set(options) - SUPPORTED):
        raise ConfigError(
            f"{name}: kustomize option(s) {', '.join(unsupported)} not rendered here."
        )
    folder = (root / source["path"]).resolve()
    if not (folder / "kustomization.yaml").is_file():
        raise ConfigError(f"{source['path']} has no kustomization.yaml.")
    with tempfile.TemporaryDirectory(prefix="render-") as layer:
        kustomization = {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": [os.path.relpath(folder, layer)],
            "patches": options.get("patches", []),
        }
        (Path(layer) / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
        proc = subprocess.run(
            ["kubectl", "kustomize", layer], capture_output=True, text=True, check=False
        )
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        raise ConfigError(f"kustomize failed for {name}: {lines[-1] if lines else '?'}.")
    return proc.stdout
