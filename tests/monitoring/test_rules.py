"""The rules the manifests ship: valid for Prometheus, unit-tested with `promtool test rules`,
and the release's model version in them comes from the release file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from .conftest import require_tool, rules_for_release

HERE = Path(__file__).parent


def promtool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [require_tool("promtool"), *args], capture_output=True, text=True, check=False
    )


def test_promtool_unit_tests_pass(tmp_path, champion_version):
    rules_for_release(tmp_path, champion_version)
    tests = (HERE / "rules_test.yml").read_text().replace("MODEL_VERSION", champion_version)
    (tmp_path / "rules_test.yml").write_text(tests)
    check = promtool("check", "rules", str(tmp_path / "rules.yml"))
    assert check.returncode == 0, check.stdout + check.stderr
    result = promtool("test", "rules", str(tmp_path / "rules_test.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_can_fail(tmp_path, champion_version):
    # The same tests against a release naming another version: the mismatch case must fail.
    rules_for_release(tmp_path, "2011-10-0000000000")
    tests = (HERE / "rules_test.yml").read_text().replace("MODEL_VERSION", champion_version)
    (tmp_path / "rules_test.yml").write_text(tests)
    result = promtool("test", "rules", str(tmp_path / "rules_test.yml"))
    assert result.returncode != 0
    assert "BikeshareModelVersionMismatch" in result.stdout + result.stderr


def test_release_version_comes_from_the_release_file(tmp_path):
    rules = yaml.safe_load(rules_for_release(tmp_path, "2011-07-abcdef0123").read_text())
    [release] = [
        r
        for g in rules["groups"]
        for r in g["rules"]
        if r.get("record") == "bikeshare:release_model_version:info"
    ]
    assert release["labels"] == {"model_version": "2011-07-abcdef0123"}
