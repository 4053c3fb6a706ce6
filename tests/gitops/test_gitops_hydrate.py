"""The committed hydrated manifests: what each environment's Argo CD Application syncs."""

from __future__ import annotations

import yaml

from gitops import hydrate
from gitops.layout import read_release, rendered_path

from .conftest import ENVIRONMENTS, ROOT


def test_the_first_environments_hydrated_manifests_are_current():
    env = hydrate.first_environment(ROOT)
    assert hydrate.stale(ROOT) == [], f"run `make hydrate` and commit {rendered_path(env)}"


def test_every_environments_hydrated_manifests_run_its_release():
    """Later environments move only by promotion (a past render of their overlay, possibly
    over an older base), but always in the same commit as their release file."""
    for env in ENVIRONMENTS:
        text = (ROOT / rendered_path(env)).read_text()
        assert text.startswith(f"# Rendered from argocd/bikeshare/overlays/{env} ")
        release = read_release(ROOT, env)
        images = {
            c["image"]
            for d in yaml.safe_load_all(text)
            for c in d.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])
        }
        assert images == {release.ref}, (env, images)
