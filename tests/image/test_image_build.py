"""The image: within budget, built on the recorded base, its Python environment is the lock."""

from pathlib import Path

import pytest

from bento.image import pinned_requirements
from tests.image.conftest import REPO, canonical, read_env_file, run

MAX_MB = 700  # mk/image.mk IMAGE_MAX_MB; image/slim.py drops what the image never runs


@pytest.mark.slow  # podman: the image built
def test_image_is_within_the_size_budget(built_image):
    size_mb = int(built_image["IMAGE_SIZE_BYTES"]) / 1e6
    print(f"image size: {size_mb:.0f} MB uncompressed")
    assert size_mb <= MAX_MB


@pytest.mark.slow  # podman: the image built
def test_image_is_built_on_the_recorded_base(built_image):
    base = read_env_file(REPO / "build" / "base-image.env")
    labels = run(
        "podman", "image", "inspect", "--format", "{{json .Labels}}", built_image["IMAGE_ID"]
    ).stdout
    assert base["BASE_IMAGE_DIGEST"] in labels
    # Squashed into one layer (--squash-all): what image/slim.py removed is not in a lower layer.
    layers = "{{range .RootFS.Layers}}{{.}} {{end}}"
    image_layers = run("podman", "image", "inspect", "--format", layers, built_image["IMAGE_ID"])
    assert len(image_layers.stdout.split()) == 1
    # ...and that layer holds the base's files: its os-release, byte for byte.
    os_release = "cat /etc/os-release"
    in_image = run(
        "podman", "run", "--rm", "--entrypoint", "sh", built_image["IMAGE_ID"], "-c", os_release
    )
    in_base = run(
        "podman", "run", "--rm", "--entrypoint", "sh", base["BASE_IMAGE_ID"], "-c", os_release
    )
    assert in_image.stdout == in_base.stdout and "bookworm" in in_base.stdout


@pytest.mark.slow  # podman: the image built
def test_image_python_environment_is_exactly_the_lock(image_packages):
    lock = dict(line.split("==") for line in pinned_requirements())
    assert image_packages == {canonical(name): version for name, version in lock.items()}


@pytest.mark.slow  # podman: the image built
def test_build_tools_do_not_ship(built_image):
    # uv, the CA bundle and uv's cache were bind-mounted for the build only.
    listing = run(
        "podman", "run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "sh",
        built_image["IMAGE_ID"], "-c", "ls -A /usr/local/bin ~root/.cache; command -v uv",
        check=False,
    )  # fmt: skip
    assert listing.stdout.split() == ["/usr/local/bin:"]
    # root's home inside the image (the build ran as root) has no uv cache
    assert "/.cache" in listing.stderr and "No such file" in listing.stderr


def test_requirements_lock_pins_every_package():
    lines = pinned_requirements(Path(REPO / "bento" / "requirements.txt"))
    assert len(lines) > 50
    assert all(line.count("==") == 1 and " " not in line for line in lines)
