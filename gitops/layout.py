"""Where things live in the repository, and the release record each overlay carries."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from gitops import rules
from gitops.errors import Refusal
from model import paths

OVERLAYS = Path("argocd/bikeshare/overlays")
# What each environment's Argo CD Application syncs: the overlay rendered (hydrated) into one
# committed file. The first environment's is rewritten with every change to main (`make
# hydrate`); every later one's only by a promotion commit (gitops/hydrate.py).
RENDERED = Path("argocd/rendered")
CHAMPION = paths.CHAMPION_IN_REPO
IMAGE_NAME = "bikeshare"  # the image name in the kustomize base
MODEL_VERSION_KEY = "bikeshare.acme-mlops.io/model-version"
# The digest again, in the verification Job's environment: the key of the evidence it writes.
# (Not an annotation: podman kube play refuses annotation values over 63 characters.)
DIGEST_ENV = "BIKESHARE_IMAGE_DIGEST"
VERIFY_JOB = "bikeshare-verify"
# The digest an overlay pins before its first release (nothing to run yet).
PLACEHOLDER = "sha256:" + "0" * 64

# NAME@sha256:<64 hex>; NAME is a registry path (host[:port]/repo...), no tag.
_COMPONENT = r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*"
_NAME = rf"(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?{_COMPONENT}(?:/{_COMPONENT})*"
IMAGE_REF = re.compile(rf"^(?P<name>{_NAME})@(?P<digest>sha256:[0-9a-f]{{64}})$")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
MODEL_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$")

_HEADER = (
    "# Written by `python -m gitops` (set-image, promote); do not edit by hand.\n"
    "# The release running in this environment: image pinned by digest, and its model version.\n"
)


def check_environment(root: Path, env: str) -> str:
    """`env` if config/platform.yaml's promotion rules name it (gitops/rules.py)."""
    return rules.load(root).check(env)


def _name(env: str) -> str:
    """A well-formed environment name (it becomes a path)."""
    if not isinstance(env, str) or not rules.ENV_NAME.match(env):
        raise Refusal(f"malformed environment name {env!r}: lowercase letters, digits and -.")
    return env


def check_digest(digest: str) -> str:
    if not DIGEST.match(digest):
        raise Refusal(f"malformed digest {digest!r}: expected sha256: and 64 lowercase hex digits.")
    return digest


def release_path(env: str) -> Path:
    """The kustomize Component that pins the image and model version of `env`."""
    return OVERLAYS / _name(env) / "release" / "kustomization.yaml"


def rendered_path(env: str) -> Path:
    """The hydrated manifests `env`'s Argo CD Application syncs."""
    return RENDERED / _name(env) / "manifests.yaml"


@dataclass(frozen=True)
class Release:
    image: str  # registry/repository, without tag or digest
    digest: str
    model_version: str

    @property
    def ref(self) -> str:
        return f"{self.image}@{self.digest}"

    @classmethod
    def parse_ref(cls, ref: str, model_version: str) -> Release:
        match = IMAGE_REF.match(ref)
        if not match:
            raise Refusal(
                f"malformed image {ref!r}: expected REGISTRY/REPOSITORY@sha256:<64 hex digits>, "
                "pinned by digest and without a tag."
            )
        if not MODEL_VERSION.match(model_version):
            raise Refusal(f"malformed model version {model_version!r}: letters, digits, ._+- only.")
        return cls(match["name"], match["digest"], model_version)

    @classmethod
    def loads(cls, text: str) -> Release:
        doc = yaml.safe_load(text)
        image = next(i for i in doc["images"] if i["name"] == IMAGE_NAME)
        return cls(image["newName"], image["digest"], doc["commonAnnotations"][MODEL_VERSION_KEY])

    def dumps(self) -> str:
        # Fixed layout, so that the same release always gives the same bytes in every overlay.
        return (
            f"{_HEADER}"
            "apiVersion: kustomize.config.k8s.io/v1alpha1\n"
            "kind: Component\n"
            "images:\n"
            f"  - name: {IMAGE_NAME}\n"
            f"    newName: {self.image}\n"
            f"    digest: {self.digest}\n"
            "commonAnnotations:\n"
            f"  {MODEL_VERSION_KEY}: {json.dumps(self.model_version)}\n"
            "patches:\n"
            "  - target:\n"
            "      kind: Job\n"
            f"      name: {VERIFY_JOB}\n"
            "    patch: |-\n"
            "      apiVersion: batch/v1\n"
            "      kind: Job\n"
            "      metadata:\n"
            f"        name: {VERIFY_JOB}\n"
            "      spec:\n"
            "        template:\n"
            "          spec:\n"
            "            containers:\n"
            "              - name: verify\n"
            "                env:\n"
            f"                  - name: {DIGEST_ENV}\n"
            f"                    value: {json.dumps(self.digest)}\n"
        )


def read_release(root: Path, env: str) -> Release:
    return Release.loads((root / release_path(env)).read_text())


def champion(root: Path) -> dict | None:
    path = root / CHAMPION
    return json.loads(path.read_text()) if path.is_file() else None
