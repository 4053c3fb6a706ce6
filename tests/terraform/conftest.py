"""Order and share the Terraform checks: fast ones first, each expensive step once."""

import subprocess
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.fixtures.terraform_local import TF_DIR, run_terraform, terraform_env

MODULES = sorted(p for p in (TF_DIR / "modules").iterdir() if (p / "main.tf").exists())
ROOTS = [TF_DIR / "envs" / "local", TF_DIR / "account", TF_DIR / "bootstrap"]

# Fast and offline first, so a broken module fails in seconds; the moto apply last.
ORDER = [
    "test_tf_cli_config.py",
    "test_tf_static.py",
    "test_tf_checkov.py",
    "test_tf_bootstrap.py",
    "test_tf_new_environment.py",
    "test_tf_local_stack.py",
]


def pytest_collection_modifyitems(items):
    here = [i for i, item in enumerate(items) if item.path.name in ORDER]
    mine = sorted((items[i] for i in here), key=lambda item: ORDER.index(item.path.name))
    for index, item in zip(here, mine, strict=True):
        items[index] = item


def _init_then(command: str, directory: Path, data_dir: Path) -> subprocess.CompletedProcess:
    env = terraform_env(data_dir)
    init = run_terraform(directory, env, "init", "-backend=false", check=False)
    if init.returncode != 0:
        return init
    start = time.monotonic()
    proc = run_terraform(directory, env, command, check=False)
    proc.seconds = round(time.monotonic() - start, 1)
    return proc


@pytest.fixture(scope="session")
def tf_offline_runs(tmp_path_factory) -> dict[Path, Future]:
    """validate of every root and `terraform test` of every module, two at a time (each
    terraform process mostly waits on its provider plugin, so two keep two cores busy)."""
    work = tmp_path_factory.mktemp("tf-offline")
    pool = ThreadPoolExecutor(max_workers=2)
    runs = {r: pool.submit(_init_then, "validate", r, work / f"v-{r.name}") for r in ROOTS}
    # `terraform test` validates the configuration first: no separate validate for modules.
    runs |= {m: pool.submit(_init_then, "test", m, work / f"t-{m.name}") for m in MODULES}
    pool.shutdown(wait=False)
    return runs
