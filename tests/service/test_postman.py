"""The kept Postman collection: in step with the served OpenAPI document, and every request
answered 2xx with the Model-Version header and a schema-valid body when newman runs it."""

from __future__ import annotations

import json

import httpx
import pytest
import yaml

from bento.postman import collection as kept
from tests.conftest import REPO
from tests.fixtures.service import run_newman


def kept_collection() -> dict:
    return json.loads(kept.COLLECTION.read_text())


@pytest.mark.slow  # the served service and npm
def test_kept_collection_is_in_step_with_the_served_document(service, postman_tools):
    url, _ = service
    document = httpx.get(f"{url}/docs.json", timeout=30).json()
    regenerated = kept.convert(document)
    assert kept.request_set(kept_collection()) == kept.request_set(regenerated), (
        "bento/postman/collection.json is stale: run `make postman-collection URL=...` "
        "against `make serve`"
    )


@pytest.mark.slow  # the served service and npm
def test_newman_passes_every_request_against_the_served_service(service, postman_tools, tmp_path):
    url, _ = service
    done, report = run_newman(url, tmp_path)
    stats = report["run"]["stats"]
    assert done.returncode == 0, done.stdout[-3000:]
    assert stats["requests"]["total"] == len(kept.requests(kept_collection())) >= 10
    assert stats["requests"]["failed"] == 0 and stats["assertions"]["failed"] == 0
    # Each request ran its three (two for bodiless answers) tests.
    assert stats["assertions"]["total"] >= 2 * stats["requests"]["total"]
    assert (tmp_path / "report.html").stat().st_size > 10_000


def test_every_kept_request_checks_status_header_and_schema():
    for item in kept.requests(kept_collection()):
        script = "\n".join(item["event"][0]["script"]["exec"])
        assert "within(200, 299)" in script and "Model-Version" in script, item["name"]
        if item["request"]["method"] == "POST":
            assert "jsonSchema" in script, item["name"]
            assert json.loads(item["request"]["body"]["raw"]), item["name"]  # a real example


def test_environment_files_hold_only_each_base_url():
    platform = yaml.safe_load((REPO / "config/platform.yaml").read_text())
    expected = {"local": kept.LOCAL_URL} | {
        name: f"https://{env['host']}" for name, env in platform["environments"].items()
    }
    found = {}
    for path in sorted(kept.ENVIRONMENTS.glob("*.postman_environment.json")):
        values = json.loads(path.read_text())["values"]
        assert [v["key"] for v in values] == ["baseUrl"], path  # nothing secret belongs here
        found[path.name.split(".")[0]] = values[0]["value"]
    assert found == expected
