"""The service image, built once per session with the real make targets, and what runs from it.

Everything a test writes goes to the session's temporary directories: the bento (in the
session's BentoML store), the image record, the registry's storage, keys, signatures, outputs.
Only the base image and download caches (.containers/, build/base-image.env) are shared
between sessions. A missing container tool fails the session with one sentence.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from image import run as image_run
from tests.fixtures import shared

REPO = Path(__file__).resolve().parents[2]
TOOLS = ("podman", "buildah", "runc", "skopeo", "docker-registry", "debootstrap", "gpg", "curl")

os.environ["CONTAINERS_CONF"] = str(REPO / "image" / "containers.conf")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, cwd=REPO, **kwargs)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return result


def read_env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key: value for key, value in pairs}


def in_image(image: str, code: str) -> str:
    """Run Python code on the image's own interpreter (no network, read-only, unprivileged)."""
    result = run(
        "podman", "run", "--rm", "--network", "none", "--read-only", "--user", "1034:1034",
        "--entrypoint", "/app/.venv/bin/python", image, "-c", code,
    )  # fmt: skip
    return result.stdout


@pytest.fixture(scope="session")
def container_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"Container tools missing: {', '.join(missing)}; run `make image-tools` "
            "(`make test` does) as root or install those Debian packages."
        )


@pytest.fixture(scope="session")
def image_dirs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("image")
    dirs = {name: root / name for name in ("out", "scratch", "other-key")}
    for path in dirs.values():
        path.mkdir()
    return dirs


@pytest.fixture(scope="session")
def make_vars(image_dirs) -> list[str]:
    """make variables that keep every output of the image targets in this session's dirs."""
    return [
        f"IMAGE_OUT={image_dirs['out']}",
        f"IMAGE_SCRATCH={image_dirs['scratch']}",
        f"IMAGE_RECORD={image_dirs['out'] / 'image.env'}",
        f"BENTO_TAG_FILE={image_dirs['out'] / 'bento-tag.txt'}",
        f"REGISTRY_PORT={free_port()}",
    ]


@pytest.fixture(scope="session")
def built_image(container_tools, champion_in_store, image_dirs, make_vars, tmp_path_factory):
    """`make image` of a bento built in the session's store, once for the whole run (every
    xdist worker uses the same image); yields the image record, copied into this session's
    output directory where make push/sign/sbom look for it."""

    def build(out: Path) -> dict:
        bentoml = Path(sys.executable).parent / "bentoml"
        built = run(str(bentoml), "build", "-f", "bento/bentofile.yaml", "--output", "tag", ".")
        tag = built.stdout.strip().splitlines()[-1].removeprefix("__tag__:")
        (out / "bento-tag.txt").write_text(tag + "\n")
        mine = ("IMAGE_RECORD=", "BENTO_TAG_FILE=")
        here = [v for v in make_vars if not v.startswith(mine)]
        here += [f"IMAGE_RECORD={out / 'image.env'}", f"BENTO_TAG_FILE={out / 'bento-tag.txt'}"]
        result = run("make", "image", *here, timeout=1800)
        print(result.stdout)
        record = read_env_file(out / "image.env")
        shared.register_cleanup(
            tmp_path_factory, "image", ["podman", "rmi", "--force", record["IMAGE_ID"]]
        )
        return {"dir": str(out)}

    built = Path(shared.once(tmp_path_factory, "image", build)["dir"])
    for name in ("image.env", "bento-tag.txt"):
        shutil.copy(built / name, image_dirs["out"] / name)
    return read_env_file(image_dirs["out"] / "image.env")


@pytest.fixture(scope="session")
def container(built_image):
    """The image running as the cluster runs it; yields (base URL, container name)."""
    name = f"bikeshare-test-{os.getpid()}"
    try:
        yield image_run.start(built_image["IMAGE_NAME"], name, free_port()), name
    finally:
        image_run.stop(name)


@pytest.fixture(scope="session")
def pushed(built_image, image_dirs, make_vars):
    """`make push` to a loopback registry of the session's own; yields the image reference."""
    try:
        result = run("make", "push", *make_vars, timeout=900)
        print(result.stdout)
        yield (image_dirs["out"] / "image-ref.txt").read_text().strip()
    finally:
        run("make", "registry-stop", *make_vars, check=False)
        shutil.rmtree(image_dirs["scratch"] / "registry", ignore_errors=True)  # ~0.3 GB per run


@pytest.fixture(scope="session")
def signed(pushed, make_vars, image_dirs):
    """`make sign`: the pushed image signed with a throwaway key; yields (ref, policy, regs.d)."""
    run("make", "sign", *make_vars)
    scratch = image_dirs["scratch"]
    yield pushed, scratch / "policy.json", scratch / "registries.d"
    for home in scratch.parent.glob("*/gnupg-*"):  # this key's agent and the other key's
        run(
            "gpgconf",
            "--kill",
            "gpg-agent",
            env={**os.environ, "GNUPGHOME": str(home)},
            check=False,
        )


@pytest.fixture(scope="session")
def image_packages(built_image) -> dict[str, str]:
    """Distribution name -> version of the image's Python environment."""
    code = (
        "import importlib.metadata as m, json; "
        "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
    )
    packages = json.loads(in_image(built_image["IMAGE_ID"], code))
    return {canonical(name): version for name, version in packages.items()}


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")
