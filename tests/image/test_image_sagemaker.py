"""The same image started the way SageMaker starts it: `docker run IMAGE serve`, port 8080
inside (or SAGEMAKER_BIND_TO_PORT), GET /ping, POST /invocations with JSON and CSV bodies.
It runs with the Deployment's settings (non-root, read-only root, no capabilities: SageMaker
is laxer, and the image must work both ways) and is compared with the Kubernetes-mode
container of the session (`container`, no argument, port 3000): same predictions on the same
rows, same answers to bad input."""

from __future__ import annotations

import json
import os

import httpx
import pandas as pd
import pytest

from image import run as image_run
from model.schema import FEATURES
from tests.image.conftest import REPO, free_port, run
from tests.service.bad_requests import BAD_REQUESTS, GOOD_RECORD, SENTINELS
from tests.service.sagemaker_requests import CSV, CSV_LIKE_JSON, JSON, csv_body, csv_line, json_with
from tests.service.test_service_bad_input import send

pytestmark = pytest.mark.slow
ROWS = 200


@pytest.fixture(scope="module")
def sagemaker(built_image):
    """The image started with the argument `serve`; yields (base URL, container name)."""
    name = f"bikeshare-sagemaker-{os.getpid()}"
    try:
        url = image_run.start(built_image["IMAGE_NAME"], name, free_port(), mode="sagemaker")
        yield url, name
    finally:
        image_run.stop(name)


@pytest.fixture(scope="module")
def december() -> list[dict]:
    frame = pd.read_csv(REPO / "data" / "2011-12.csv").head(ROWS)
    return json.loads(frame[list(FEATURES)].to_json(orient="records"))


def listening_ports(name: str) -> set[int]:
    """TCP ports in LISTEN state inside the container's network namespace."""
    # tcp6 may be absent (IPv6 off): cat still prints tcp, so its exit status is ignored.
    tables = run("podman", "exec", name, "cat", "/proc/net/tcp", "/proc/net/tcp6", check=False)
    rows = [line.split() for line in tables.stdout.splitlines()]
    return {
        int(row[1].rsplit(":", 1)[1], 16)
        for row in rows
        if len(row) > 3 and row[0].endswith(":") and row[3] == "0A"
    }


def test_serve_listens_on_8080_and_no_argument_on_3000(sagemaker, container):
    (url, name), (_, k8s_name) = sagemaker, container
    assert 8080 in listening_ports(name) and 3000 not in listening_ports(name)
    assert 3000 in listening_ports(k8s_name) and 8080 not in listening_ports(k8s_name)
    assert run("podman", "port", name).stdout.split()[0] == "8080/tcp"
    assert httpx.get(f"{url}/ping", timeout=10).status_code == 200


def test_sagemaker_mode_runs_with_the_deployments_settings(sagemaker):
    _, name = sagemaker
    exec_sh = ("podman", "exec", name, "sh", "-c")
    assert run(*exec_sh, "id -u").stdout.strip() == str(image_run.RUNTIME["uid"])
    status = run(*exec_sh, "cat /proc/1/status").stdout
    assert "CapEff:\t0000000000000000" in status and "NoNewPrivs:\t1" in status
    assert run(*exec_sh, "touch /app/.w 2>&1 || echo refused").stdout.strip().endswith("refused")


def test_invocations_predict_what_predict_predicts(sagemaker, container, december):
    (url, _), (k8s_url, _) = sagemaker, container
    predict = httpx.post(f"{k8s_url}/predict", json={"records": december}, timeout=30)
    assert predict.status_code == 200, predict.text[:500]
    as_json = httpx.post(f"{url}/invocations", json={"records": december}, timeout=30)
    as_csv = httpx.post(f"{url}/invocations", content=csv_body(december), headers=CSV, timeout=30)
    for response in (as_json, as_csv):
        assert response.status_code == 200, response.text[:500]
        assert response.json() == predict.json()
    assert len(predict.json()["rentals"]) == ROWS


@pytest.mark.parametrize(
    "case", [c for c in BAD_REQUESTS if c.path == "/predict"], ids=lambda c: c.name
)
def test_bad_json_gets_the_answer_predict_gives(sagemaker, container, case):
    (url, _), (k8s_url, _) = sagemaker, container
    on_predict = send(k8s_url, case)
    on_invocations = send(url, type(case)(**{**case.__dict__, "path": "/invocations"}))
    assert on_invocations.status_code == on_predict.status_code == case.status
    if case.status != 415:  # /invocations' 415 also names CSV
        assert on_invocations.json() == on_predict.json()


@pytest.mark.parametrize(
    ("name", "cells", "as_json"), CSV_LIKE_JSON, ids=[c[0] for c in CSV_LIKE_JSON]
)
def test_bad_csv_gets_the_answer_the_same_json_gets(sagemaker, container, name, cells, as_json):
    (url, _), (k8s_url, _) = sagemaker, container
    on_predict = httpx.post(f"{k8s_url}/predict", content=json_with(as_json), headers=JSON)
    body = (csv_line(GOOD_RECORD, **cells) + "\n").encode()
    on_invocations = httpx.post(f"{url}/invocations", content=body, headers=CSV, timeout=10)
    assert on_predict.status_code == on_invocations.status_code == 400
    assert on_invocations.json() == on_predict.json()


def test_sagemaker_mode_logs_no_request_data(sagemaker):
    url, name = sagemaker
    for _, cells, _ in CSV_LIKE_JSON:
        body = (csv_line(GOOD_RECORD, **cells) + "\n").encode()
        assert httpx.post(f"{url}/invocations", content=body, headers=CSV).status_code == 400
    assert httpx.get(f"{url}/ping", timeout=10).status_code == 200
    logs = run("podman", "logs", name)
    text = logs.stdout + logs.stderr
    assert "bikeshare" in text  # the log is there, so the checks below mean something
    for sentinel in SENTINELS:
        assert sentinel not in text
    assert "Traceback" not in text


def test_sagemaker_bind_to_port_is_honoured(built_image):
    name = f"bikeshare-sagemaker-port-{os.getpid()}"
    try:
        url = image_run.start(
            built_image["IMAGE_NAME"], name, free_port(), mode="sagemaker",
            env={"SAGEMAKER_BIND_TO_PORT": "8081"}, container_port=8081,
        )  # fmt: skip
        assert httpx.get(f"{url}/ping", timeout=10).status_code == 200
        assert 8081 in listening_ports(name) and 8080 not in listening_ports(name)
    finally:
        image_run.stop(name)


def test_a_bad_sagemaker_port_stops_the_container_with_one_sentence(built_image):
    args = image_run.podman_run_args(
        built_image["IMAGE_NAME"], "unused", free_port(), mode="sagemaker",
        env={"SAGEMAKER_BIND_TO_PORT": "eighty"},
    )  # fmt: skip
    # In the foreground and removed after: the script exits before any server starts.
    podman, command, *rest = (a for a in args if a not in ("--detach", "--name", "unused"))
    result = run(podman, command, "--rm", *rest, check=False, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("SAGEMAKER_BIND_TO_PORT must be")
