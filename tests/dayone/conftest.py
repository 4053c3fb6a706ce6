"""A real PostgreSQL (Debian's server, initdb + pg_ctl in a scratch directory, run as a
non-root user on a loopback port) and a real `mlflow server` on it, artifacts in moto S3."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL's server is not installed: apt-get install postgresql.")
    return Path(found[-1]).parent


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as the `postgres` user when we are root."""
    if os.geteuid() != 0:
        return command
    pwd.getpwnam("postgres")
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """postgresql+psycopg2://… of a database `mlflow` on a scratch cluster."""
    bindir = _pg_bin()
    # Not under pytest's tmp (0700, root's): the postgres user must reach its directory.
    folder = Path(tempfile.mkdtemp(prefix="day-one-postgres-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    subprocess.run(
        _as_postgres(
            [str(bindir / "initdb"), "-D", str(data), "-U", "mlflow", "--auth=trust", "-E", "UTF8"]
        ),
        check=True,
        capture_output=True,
    )
    log = folder / "postgres.log"
    options = f"-h 127.0.0.1 -p {port} -k {folder}"
    subprocess.run(
        _as_postgres(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"]
        ),
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "mlflow",
                    "mlflow",
                ]
            ),
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg2://mlflow@127.0.0.1:{port}/mlflow"
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def mlflow_on_postgres(postgres, moto_endpoint, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """(URL, bucket): a new account's MLflow server: PostgreSQL store, artifacts in S3."""
    binary = Path(os.environ.get("MLFLOW_SERVER") or REPO / ".venv-mlflow" / "bin" / "mlflow")
    if not binary.is_file():
        pytest.fail("the MLflow server is not installed: run `make mlflow-server-install`.")
    bucket = "day-one-mlflow-artifacts"
    boto3.client("s3", endpoint_url=moto_endpoint).create_bucket(Bucket=bucket)
    folder = tmp_path_factory.mktemp("mlflow-pg")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "MLFLOW_S3_ENDPOINT_URL": moto_endpoint,
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
    }
    env.pop("MLFLOW_TRACKING_URI", None)
    log = folder / "server.log"
    command = [
        str(binary), "server",
        "--backend-store-uri", postgres,
        "--artifacts-destination", f"s3://{bucket}/mlflow",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, f"mlflow server exited:\n{log.read_text()[-3000:]}"
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"mlflow server not ready in 180 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url, bucket
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
