"""The served OpenAPI document is valid and complete; the model's metrics reach /metrics."""

import json

import httpx
import pytest
from openapi_spec_validator import validate
from prometheus_client.parser import text_string_to_metric_families

from bento.bentoml_fixes.openapi_document import nullable_as_3_0
from tests.conftest import REPO
from tests.service.bad_requests import GOOD_RECORD

CHAMPION = json.loads((REPO / "config/champion.json").read_text())

pytestmark = pytest.mark.slow  # the served service

ROUTES = {"/predict", "/predict_batch", "/version", "/livez", "/readyz", "/healthz", "/metrics"}
BODY_ROUTES = ("/predict", "/predict_batch", "/explain", "/invocations")


def test_served_openapi_document_is_valid_and_lists_every_route(service):
    url, _ = service
    document = httpx.get(f"{url}/docs.json", timeout=10).json()
    validate(document)  # raises with the failing schema path
    assert set(document["paths"]) >= ROUTES
    version = document["paths"]["/version"]["get"]["responses"]["200"]
    assert "model_version" in version["content"]["application/json"]["schema"]["properties"]


def test_served_openapi_document_describes_this_service(service):
    url, _ = service
    document = httpx.get(f"{url}/docs.json", timeout=10).json()
    info = json.dumps(document["info"])
    assert "rentals" in info and "Model-Version" in info and "problem" in info
    assert "BentoML" not in info and "contact" not in document["info"]
    assert document["info"]["version"] == CHAMPION["version"]
    golden = json.loads((REPO / "config/golden.json").read_text())
    for path, item in document["paths"].items():
        for method, operation in item.items():
            error = operation["responses"]["default"]["content"]["application/problem+json"]
            assert error["schema"] == {"$ref": "#/components/schemas/Problem"}, (path, method)
            assert "Model-Version" in operation["responses"]["default"]["headers"]
    for path in BODY_ROUTES:
        operation = document["paths"][path]["post"]
        for status in ("400", "413", "415", "500"):
            assert "application/problem+json" in operation["responses"][status]["content"]
        example = operation["requestBody"]["content"]["application/json"]["example"]
        rows = example.get("records") or [
            dict(zip(example["columns"], values, strict=True))
            for values in zip(*example["columns"].values(), strict=True)
        ]
        assert all(row in golden["records"] for row in rows), path  # real golden rows
        answered = httpx.post(f"{url}{path}", json=example, timeout=60)
        assert answered.status_code == 200, (path, answered.text[:300])
        shown = operation["responses"]["200"]["content"]["application/json"].get("example")
        if shown is not None:  # /explain's answer is not in the golden set
            assert answered.json() == shown, path


def test_nullable_alternatives_are_rewritten_in_3_0_form():
    schema = {"properties": {"at": {"anyOf": [{"type": "string"}, {"type": "null"}], "x": 1}}}
    assert nullable_as_3_0(schema) == {
        "properties": {"at": {"type": "string", "x": 1, "nullable": True}}
    }
    ref = {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}
    assert nullable_as_3_0(ref) == {"anyOf": [{"$ref": "#/components/schemas/A"}], "nullable": True}


def samples(url: str) -> dict[str, list]:
    text = httpx.get(f"{url}/metrics", timeout=10).text
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def predicted_count(url: str) -> float:
    found = samples(url)["bikeshare_predicted_rentals"]
    return sum(s.value for s in found if s.name == "bikeshare_predicted_rentals_count")


def test_model_metrics_are_summed_over_the_workers(service):
    url, _ = service
    before = predicted_count(url)
    for _ in range(20):  # a new connection each: both workers get some of them
        assert httpx.post(f"{url}/predict", json={"records": [GOOD_RECORD]}).status_code == 200
    # Every worker's observations are on /metrics, whichever worker answers the scrape.
    assert predicted_count(url) - before >= 20
    info = samples(url)["bikeshare_model_info"]
    assert [s.value for s in info] == [1.0]  # one series for the service, not one per worker
    assert "model_version" in info[0].labels
