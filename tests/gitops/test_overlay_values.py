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


def _ingress(rendered: str) -> dict:
    return next(d for d in yaml.safe_load_all(rendered) if d["kind"] == "Ingress")


def test_the_certificate_arn_lands_on_the_ingress(tmp_path):
    """config/platform.yaml certificate_arn → account.yaml → the certificate-arn annotation;
    "" (until day one puts Terraform's ingress_certificate_arn there) lets the controller
    find the certificate by the TLS host."""
    key = "alb.ingress.kubernetes.io/certificate-arn"
    arn = "arn:aws:acm:us-east-1:222222222222:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
    overlay = _copy(tmp_path)
    account = overlay / "account.yaml"
    doc = yaml.safe_load(account.read_text())
    assert "certificateArn" in doc["spec"]  # always there: a missing value fails the render
    doc["spec"]["certificateArn"] = arn
    account.write_text(yaml.safe_dump(doc))
    ingress = _ingress(kustomize(overlay))
    assert ingress["metadata"]["annotations"][key] == arn
    assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]
    assert _ingress(kustomize(OVERLAYS / "prod"))["metadata"]["annotations"][key] == ""


def test_the_namespaces_secrets_are_its_environments(tmp_path):
    """The bikeshare namespace's ExternalSecret reads bikeshare/<environment>/... only: the
    keys the External Secrets Operator of that environment may read."""
    for env in ("staging", "prod"):
        [secret] = [
            d
            for d in yaml.safe_load_all(kustomize(OVERLAYS / env))
            if d["kind"] == "ExternalSecret"
        ]
        keys = {item["remoteRef"]["key"] for item in secret["spec"]["data"]}
        assert keys == {f"bikeshare/{env}/github", f"bikeshare/{env}/alertmanager"}, keys
        assert secret["apiVersion"] == "external-secrets.io/v1"
