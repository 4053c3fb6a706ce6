"""Hydrated manifests: each environment's overlay rendered into one committed file, which is
all its Argo CD Application syncs (argocd/rendered/<env>/manifests.yaml).

The first environment of the promotion order is re-rendered with every change to main (`make
hydrate`, and `set-image` in the same commit as the release file); a test fails when it is
stale. Every later environment's file changes only in a promotion commit, which renders that
environment's overlay (its own values and release) over the base as main has it, the base the
environment before it was rendered from. So a change to base/ reaches staging at once and prod
only through a reviewed promotion; a revert of the promotion restores prod byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from gitops.errors import Refusal
from gitops.layout import OVERLAYS, check_environment, rendered_path
from gitops.render import render
from gitops.rules import load

HEADER = (
    "# Rendered from {overlay} by `python -m gitops` ({how}); do not edit.\n"
    "# The environment's Argo CD Application syncs exactly this file.\n"
)


def hydrated(root: Path, env: str) -> str:
    how = "make hydrate" if env == first_environment(root) else "make promote"
    return HEADER.format(overlay=(OVERLAYS / env).as_posix(), how=how) + render(root, env)


def first_environment(root: Path) -> str:
    return load(root).environments[0]


def write(root: Path, env: str) -> tuple[Path, bool]:
    """Write `env`'s hydrated file; (its path, whether it changed)."""
    path = rendered_path(env)
    text = hydrated(root, env)
    target = root / path
    if target.is_file() and target.read_text() == text:
        return path, False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return path, True


def stale(root: Path) -> list[str]:
    """Environments whose committed hydrated file differs from their overlay's render and
    that `make hydrate` owns (the first one only; later ones move by promotion)."""
    env = first_environment(root)
    path = root / rendered_path(env)
    current = path.read_text() if path.is_file() else None
    return [] if current == hydrated(root, env) else [env]


def first_render(root: Path, env: str) -> str:
    """A new environment's hydrated file, once: what its Application syncs before its first
    promotion. Afterwards only a promotion (or, for the first environment, hydrate) moves it."""
    check_environment(root, env)
    path = rendered_path(env)
    if env == first_environment(root):
        write(root, env)
        return f"{path} written."
    if (root / path).is_file():
        raise Refusal(f"{path} exists: {env} changes only by promotion (make promote TO={env})")
    write(root, env)
    return f"{path} written: commit it with the new environment."
