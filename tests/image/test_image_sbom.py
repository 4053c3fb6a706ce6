"""The SBOM (CycloneDX, made inside the image) lists exactly the image's Python packages."""

import json

import pytest

from tests.image.conftest import canonical, run

pytestmark = pytest.mark.slow  # podman: an image built, run or pushed


def test_sbom_lists_every_python_package_of_the_image(
    built_image, image_packages, make_vars, image_dirs
):
    run("make", "sbom", *make_vars, timeout=600)
    bom = json.loads((image_dirs["out"] / "release" / "sbom.cdx.json").read_text())
    assert bom["bomFormat"] == "CycloneDX"
    assert bom["specVersion"] == "1.6"
    listed = {
        canonical(c["name"]): c["version"]
        for c in bom["components"]
        if c.get("purl", "").startswith("pkg:pypi/")
    }
    assert len(bom["components"]) == len(image_packages)
    assert listed == image_packages
    properties = {p["name"]: p["value"] for p in bom["metadata"]["properties"]}
    assert properties["bikeshare:image.id"] == f"sha256:{built_image['IMAGE_ID']}"
