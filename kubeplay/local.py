"""The local layer over an environment's overlay: what `make up` plays instead of a cluster.

build/up/<env>/kustomization.yaml takes what the environment's Argo CD Application syncs
(its hydrated manifests, argocd/rendered/<env>/manifests.yaml, copied beside it), adds the
committed local component (argocd/bikeshare/local: pull policy, loopback publishing, host
network for the Job and CronJob pods) and the values only known at run time: the loopback
registry host, the hostPort, the verification Job's URL, and a name suffix per environment and
checkout so that several checkouts on one machine do not replace each other's pods.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from gitops import hydrate
from gitops.errors import Refusal
from gitops.layout import Release, check_environment, rendered_path
from gitops.render import kustomize

LOCAL_COMPONENT = Path("argocd/bikeshare/local")
BUILD = Path("build/up")
API_PORT = 3000  # the container port of the Deployment
HYDRATED = "hydrated.yaml"  # the committed hydrated manifests, copied into the build folder


@dataclass(frozen=True)
class LocalTarget:
    root: Path
    env: str
    registry: str  # host:port of the loopback registry
    host_port: int
    label: str = ""  # a name part of its own (e.g. "preview"); default: the environment

    @property
    def suffix(self) -> str:
        checkout = hashlib.sha256(str(self.root.resolve()).encode()).hexdigest()[:6]
        return f"-{self.label or self.env}-{checkout}"

    @property
    def directory(self) -> Path:
        return self.root / BUILD / self.env

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.host_port}"

    def local_name(self, image: str) -> str:
        """The pinned repository on the loopback registry (same path, registry host swapped)."""
        host, _, path = image.partition("/")
        if not path or not ("." in host or ":" in host or host == "localhost"):
            path = image  # no registry host in the name
        return f"{self.registry}/{path}"


def kustomization(target: LocalTarget, release: Release) -> str:
    up = Path(*[".."] * len((*BUILD.parts, target.env)))  # from build/up/<env> to the root
    component = up / LOCAL_COMPONENT
    doc = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": [HYDRATED],
        "components": [component.as_posix()],
        "nameSuffix": target.suffix,
        "images": [{"name": release.image, "newName": target.local_name(release.image)}],
        "patches": [
            {
                "target": {"kind": "Deployment", "name": "bikeshare"},
                "patch": yaml.safe_dump(
                    [
                        {
                            "op": "add",
                            "path": "/spec/template/spec/containers/0/ports/0/hostPort",
                            "value": target.host_port,
                        }
                    ]
                ),
            },
            {
                # podman 4.3 plays an emptyDir as one named volume ("tmp") that every played
                # pod on the machine shares, where Kubernetes gives each pod its own; and
                # `bentoml serve` empties its home's Prometheus directory as it starts. So each
                # played Deployment keeps its BentoML home in a directory of its own there, or
                # starting one environment would wipe the other's metrics.
                "target": {"kind": "Deployment", "name": "bikeshare"},
                "patch": yaml.safe_dump(
                    {
                        "apiVersion": "apps/v1",
                        "kind": "Deployment",
                        "metadata": {"name": "bikeshare"},
                        "spec": {
                            "template": {
                                "spec": {
                                    "containers": [
                                        {
                                            "name": "bikeshare",
                                            "env": [
                                                {
                                                    "name": "BENTOML_HOME",
                                                    "value": f"/tmp/bentoml{target.suffix}",  # noqa: S108 (in the pod)
                                                }
                                            ],
                                        }
                                    ]
                                }
                            }
                        },
                    }
                ),
            },
            {
                "target": {"kind": "Job", "name": "bikeshare-verify"},
                # By name, not index: overlays add variables to the same list.
                "patch": yaml.safe_dump(
                    {
                        "apiVersion": "batch/v1",
                        "kind": "Job",
                        "metadata": {"name": "bikeshare-verify"},
                        "spec": {
                            "template": {
                                "spec": {
                                    "containers": [
                                        {
                                            "name": "verify",
                                            "env": [{"name": "BIKESHARE_URL", "value": target.url}],
                                        }
                                    ]
                                }
                            }
                        },
                    }
                ),
            },
        ],
    }
    header = "# Generated by `make up` (kubeplay/local.py); not committed.\n"
    return header + yaml.safe_dump(doc, sort_keys=False)


def render_local(target: LocalTarget, release: Release) -> list[dict]:
    """The environment's manifests with the local layer, as documents."""
    check_environment(target.root, target.env)
    source = target.root / rendered_path(target.env)
    if not source.is_file():
        raise Refusal(f"{rendered_path(target.env)} is missing: run make hydrate (or promote).")
    if target.env == hydrate.first_environment(target.root) and hydrate.stale(target.root):
        raise Refusal(
            f"{rendered_path(target.env)} is older than its overlay: run make hydrate and "
            "commit it (Argo CD syncs the committed file)"
        )
    target.directory.mkdir(parents=True, exist_ok=True)
    (target.directory / HYDRATED).write_text(source.read_text())
    (target.directory / "kustomization.yaml").write_text(kustomization(target, release))
    text = kustomize(target.root, target.directory.relative_to(target.root))
    return [doc for doc in yaml.safe_load_all(text) if doc]
