"""The receiver's manifests: rendered by kustomize, strict Kubernetes schemas, reachable where
Alertmanager posts, credentials only from the ExternalSecret's Secret."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def rendered() -> str:
    done = subprocess.run(
        ["kubectl", "kustomize", str(ROOT / "argocd/bikeshare/autorollback")],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_the_receiver_renders_validates_and_takes_its_credentials_from_the_external_secret():
    text = rendered()
    strict = subprocess.run(
        [str(Path(sys.executable).parent / "kubernetes-validate"), "--strict", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    assert strict.returncode == 0, strict.stdout + strict.stderr
    docs = {d["kind"]: d for d in yaml.safe_load_all(text)}
    stack = yaml.safe_load((ROOT / "argocd/addons/kube-prometheus-stack.yaml").read_text())
    config = stack["spec"]["template"]["spec"]["source"]["helm"]["valuesObject"]["alertmanager"]
    [hook] = [r for r in config["config"]["receivers"] if r["name"] == "autorollback"]
    service = docs["Service"]
    url = f"http://{service['metadata']['name']}.{service['metadata']['namespace']}.svc:"
    assert hook["webhook_configs"][0]["url"] == f"{url}{service['spec']['ports'][0]['port']}/alerts"
    pod = docs["Deployment"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    secret_names = {
        e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e
    } | {v["secret"]["secretName"] for v in pod["volumes"] if "secret" in v}
    external = yaml.safe_load(
        (ROOT / "argocd/bikeshare/base/externalsecret-github.yaml").read_text()
    )
    assert secret_names == {external["spec"]["target"]["name"]}
    keys = {d["secretKey"] for d in external["spec"]["data"]}
    mounted = {i["key"] for v in pod["volumes"] if "secret" in v for i in v["secret"]["items"]}
    assert mounted <= keys
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    values = " ".join(str(e.get("value", "")) for e in container["env"])
    assert "BEGIN" not in values and "ghs_" not in values  # no key or token inline
