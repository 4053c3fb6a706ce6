"""Overlays are values, not patches: each environment is the same few lines plus its values
files, which components/environment copies onto the base; a changed value lands in the
rendered manifests, and a missing one fails the render instead of deploying the base's."""

from __future__ import annotations

import shutil
import subprocess

import yaml

from .conftest import ROOT, kustomize

OVERLAYS = ROOT / "argocd" / "bikeshare" / "overlays"


def test_every_overlay_is_the_same_few_lines_without_patches():
    texts = {}
    for overlay in sorted(p for p in OVERLAYS.iterdir() if p.is_dir()):
        text = (overlay / "kustomization.yaml").read_text()
        assert len(text.splitlines()) <= 15, overlay.name
        doc = yaml.safe_load(text)
        assert "patches" not in doc and "replacements" not in doc, overlay.name
        texts[overlay.name] = text.replace(overlay.name, "<env>")
    assert len(set(texts.values())) == 1, "overlays differ in more than their name"


def _copy(tmp_path):
    shutil.copytree(ROOT / "argocd" / "bikeshare", tmp_path / "bikeshare")
    return tmp_path / "bikeshare" / "overlays" / "prod"


def _hpa(rendered: str) -> dict:
    return next(d for d in yaml.safe_load_all(rendered) if d["kind"] == "HorizontalPodAutoscaler")


def test_a_changed_value_lands_in_the_rendered_manifests(tmp_path):
    overlay = _copy(tmp_path)
    values = overlay / "values.yaml"
    values.write_text(values.read_text().replace("max: 10", "max: 17"))
    assert _hpa(kustomize(overlay))["spec"]["maxReplicas"] == 17
    assert _hpa(kustomize(OVERLAYS / "prod"))["spec"]["maxReplicas"] == 10


def test_a_missing_value_fails_the_render(tmp_path):
    overlay = _copy(tmp_path)
    account = overlay / "account.yaml"
    account.write_text(account.read_text().replace("  host:", "  hostname:"))
    proc = subprocess.run(["kubectl", "kustomize", str(overlay)], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "spec.host" in proc.stderr
