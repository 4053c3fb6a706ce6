"""Offline checks of every Terraform module and root: fmt, validate, terraform test, docs."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.terraform_local import TF_DIR
from tests.terraform.conftest import MODULES, ROOTS


def _rel(path: Path) -> str:
    return str(path.relative_to(TF_DIR))


def test_tf_fmt_is_clean():
    proc = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", str(TF_DIR)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, f"Run `make tf-fmt`:\n{proc.stdout}{proc.stderr}"


@pytest.mark.slow  # terraform init + validate/test of every root and module
@pytest.mark.parametrize("root", ROOTS, ids=_rel)
def test_tf_root_validates_without_backend(root: Path, tf_offline_runs):
    proc = tf_offline_runs[root].result()
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow  # terraform init + validate/test of every root and module
@pytest.mark.parametrize("module", MODULES, ids=_rel)
def test_tf_module_passes_terraform_test_with_mocked_provider(module: Path, tf_offline_runs):
    proc = tf_offline_runs[module].result()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Every module has mocked tests, and they ran (a missing tests/ dir would pass vacuously).
    passed = re.search(r"Success! (\d+) passed, 0 failed", proc.stdout)
    assert passed and int(passed.group(1)) >= 3, proc.stdout
    print(f"{_rel(module)}: terraform test, {passed.group(1)} runs in {proc.seconds} s")


def test_tf_module_readme_tables_are_up_to_date():
    proc = subprocess.run(
        [sys.executable, TF_DIR.parent / "scripts" / "module_docs.py", "--check", *MODULES],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("module", MODULES, ids=_rel)
def test_tf_module_readme_lists_every_input_and_output(module: Path):
    readme = (module / "README.md").read_text()
    for kind, file in (("variable", "variables.tf"), ("output", "outputs.tf")):
        names = re.findall(rf'^{kind} "([^"]+)"', (module / file).read_text(), re.M)
        assert names, f"{module.name}/{file} declares no {kind}s"
        missing = [n for n in names if f"| `{n}` |" not in readme]
        assert not missing, f"{module.name}/README.md does not document {kind}s {missing}"


@pytest.mark.parametrize("module", MODULES, ids=_rel)
def test_tf_module_variables_are_typed_and_described(module: Path):
    blocks = re.split(r'^variable "', (module / "variables.tf").read_text(), flags=re.M)[1:]
    for block in blocks:
        name = block.split('"', 1)[0]
        assert re.search(r"^\s+description\s*=", block, re.M), (
            f"{module.name}.{name} has no description"
        )
        assert re.search(r"^\s+type\s*=", block, re.M), f"{module.name}.{name} has no type"
