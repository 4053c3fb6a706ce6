"""A real PostgreSQL (Debian's server, initdb + pg_ctl in a scratch directory, run as a
non-root user on a loopback port) and a real `mlflow server` on it, artifacts in moto S3."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from scripts.emulator import free_port
from tests.fixtures.mlflow_server import mlflow_server as serve_mlflow


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
    port = free_port()
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
    bucket = "day-one-mlflow-artifacts"
    boto3.client("s3", endpoint_url=moto_endpoint).create_bucket(Bucket=bucket)
    folder = tmp_path_factory.mktemp("mlflow-pg")
    with serve_mlflow(postgres, bucket, moto_endpoint, folder, free_port()) as url:
        yield url, bucket
