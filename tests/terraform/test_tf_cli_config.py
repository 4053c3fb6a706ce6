"""scripts/cli_config.py: the provider mirror is discovered, never assumed."""

import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.fixtures.terraform_local import REPO


def _run(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k != "TF_PROVIDER_MIRROR"}
    out = tmp_path / "terraformrc"
    return subprocess.run(
        [sys.executable, "-m", "scripts.cli_config", str(out)],
        capture_output=True, text=True, cwd=REPO, env={**clean, **env},
    )  # fmt: skip


def test_tf_cli_config_finds_a_mirror_wherever_it_is(tmp_path):
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    platform_dir = f"{platform.system().lower()}_{arch}"
    mirror = tmp_path / "somewhere" / "plugins"
    (mirror / "registry.terraform.io/hashicorp/aws/5.100.0" / platform_dir).mkdir(parents=True)
    proc = _run(tmp_path, TF_MIRROR_SEARCH_ROOTS=str(tmp_path / "somewhere"))
    assert proc.returncode == 0, proc.stderr
    config = (tmp_path / "terraformrc").read_text()
    assert proc.stdout.strip() == str(tmp_path / "terraformrc")
    assert f'path    = "{mirror}"' in config
    assert 'exclude = ["registry.terraform.io/hashicorp/aws"]' in config


def test_tf_cli_config_without_a_mirror_leaves_terraform_alone(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = _run(tmp_path, TF_MIRROR_SEARCH_ROOTS=str(tmp_path / "empty"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert not (tmp_path / "terraformrc").exists()


def test_tf_cli_config_rejects_a_wrong_explicit_mirror(tmp_path):
    proc = _run(tmp_path, TF_PROVIDER_MIRROR=str(tmp_path))
    assert proc.returncode == 1
    assert "holds no registry.terraform.io/hashicorp/aws 5.x" in proc.stderr


def test_tf_cli_config_skips_temporary_copies_of_a_mirror(tmp_path):
    """Another checkout's scratch copy under /tmp may vanish mid-run: never pick it."""
    from scripts import cli_config

    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    scratch = tmp_path / "root" / "tmp"
    (scratch / "copy/registry.terraform.io/hashicorp/aws/5.1.0" / f"linux_{arch}").mkdir(
        parents=True
    )
    assert cli_config.search([str(tmp_path / "root")], skip={str(scratch)}) is None
    assert cli_config.search([str(tmp_path / "root")], skip=set()) == scratch / "copy"
    assert str(Path(tempfile.gettempdir()).resolve()) in cli_config._temporary_dirs()
