"""The SBOM (CycloneDX 1.6, `make sbom`) lists exactly the image's Debian and Python packages,
and the model it ships as a machine-learning component with its model card."""

from __future__ import annotations

import json

import pytest

from model import record
from tests.image.conftest import canonical, run

pytestmark = pytest.mark.slow  # podman: an image built, run or pushed


@pytest.fixture(scope="module")
def bom(built_image, make_vars, image_dirs) -> dict:
    result = run("make", "sbom", *make_vars, timeout=600)
    print(result.stdout)
    return json.loads((image_dirs["out"] / "release" / "sbom.cdx.json").read_text())


@pytest.fixture(scope="module")
def debian_packages(built_image) -> dict[str, str]:
    """Package -> version, as dpkg inside the image knows them."""
    listed = run(
        "podman", "run", "--rm", "--network", "none", "--read-only", "--user", "1034:1034",
        "--entrypoint", "dpkg-query", built_image["IMAGE_ID"],
        "-W", "-f", "${db:Status-Status} ${Package} ${Version}\\n",
    ).stdout  # fmt: skip
    rows = (line.split() for line in listed.splitlines())
    return {name: version for status, name, version in rows if status == "installed"}


def _by_purl_type(bom: dict, kind: str) -> dict[str, str]:
    prefix = f"pkg:{kind}/"
    return {
        canonical(c["name"]) if kind == "pypi" else c["name"]: c["version"]
        for c in bom["components"]
        if c.get("purl", "").startswith(prefix)
    }


def test_sbom_is_cyclonedx_1_6_of_this_image(bom, built_image):
    assert bom["bomFormat"] == "CycloneDX"
    assert bom["specVersion"] == "1.6"
    properties = {p["name"]: p["value"] for p in bom["metadata"]["properties"]}
    assert properties["bikeshare:image.id"] == f"sha256:{built_image['IMAGE_ID']}"


def test_sbom_lists_every_python_package_of_the_image(bom, image_packages):
    assert _by_purl_type(bom, "pypi") == image_packages


def test_sbom_lists_every_debian_package_of_the_image(bom, debian_packages):
    debs = _by_purl_type(bom, "deb")
    # A package every Debian image has, and the one the service runs on.
    assert debs["libc6"] == debian_packages["libc6"]
    assert debs["python3.11"] == debian_packages["python3.11"]
    assert debs == debian_packages


def test_sbom_describes_the_shipped_model_and_its_data(bom):
    champion = record.load()
    models = [c for c in bom["components"] if c["type"] == "machine-learning-model"]
    assert [m["version"] for m in models] == [champion["version"]]
    card = models[0]["modelCard"]
    overall = {
        m["type"]: float(m["value"])
        for m in card["quantitativeAnalysis"]["performanceMetrics"]
        if m["slice"] == champion["trained_on"]["holdout"]
    }
    assert overall == {
        "RMSE": champion["metrics"]["overall"]["rmse"],
        "MAE": champion["metrics"]["overall"]["mae"],
        "R2": champion["metrics"]["overall"]["r2"],
    }
    (dataset_ref,) = card["modelParameters"]["datasets"]
    (data,) = [c for c in bom["components"] if c.get("bom-ref") == dataset_ref["ref"]]
    assert data["type"] == "data"
    assert data["hashes"] == [{"alg": "SHA-256", "content": champion["data"]["fingerprint"]}]
