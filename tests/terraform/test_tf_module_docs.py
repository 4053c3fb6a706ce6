"""module_docs.py reads variables with a real HCL parser: multi-line types come out whole."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "module_docs.py"

VARIABLES = """
variable "node_group" {
  description = "Sizes, \\"quoted\\" | piped."
  type = object({
    instance_types = optional(list(string), ["m6i.large"])
    min_size       = optional(number, 2)
  })
  default = {}
}

variable "roles" {
  type = map(object({
    namespace = string
  }))
  default = {
    app = { namespace = "bikeshare" }
  }
}

variable "name" {
  description = "Required, no default."
  type        = string
}
"""


def _module(tmp_path: Path, variables: str) -> Path:
    (tmp_path / "variables.tf").write_text(variables)
    (tmp_path / "outputs.tf").write_text(
        'output "id" {\n  description = "The id."\n  value = 1\n}\n'
    )
    (tmp_path / "README.md").write_text("# m\n\n<!-- BEGIN_TF_DOCS -->\n<!-- END_TF_DOCS -->\n")
    return tmp_path


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)


def test_multi_line_types_and_defaults_are_whole_and_balanced(tmp_path):
    module = _module(tmp_path, VARIABLES)
    assert _run("--check", module).returncode == 1  # the empty section is out of date
    assert _run(module).returncode == 0
    readme = (module / "README.md").read_text()
    rows = {line.split("|")[1].strip(" `"): line for line in readme.splitlines() if "| `" in line}
    assert (
        '`object({instance_types = optional(list(string), ["m6i.large"]), '
        "min_size = optional(number, 2)})`" in rows["node_group"]
    )
    assert '| Sizes, "quoted" \\| piped. |' in rows["node_group"]
    assert "`map(object({namespace = string}))`" in rows["roles"]
    assert '`{app = {namespace = "bikeshare"}}`' in rows["roles"]
    assert rows["name"].endswith("| `string` | required |")
    for line in rows.values():
        assert line.count("(") == line.count(")") and line.count("{") == line.count("}")
    assert _run("--check", module).returncode == 0


def test_bad_hcl_is_one_message_and_the_readme_is_untouched(tmp_path):
    module = _module(tmp_path, 'variable "x" {\n  type = object({\n')
    before = (module / "README.md").read_text()
    result = _run(module)
    assert result.returncode == 2
    assert result.stderr.startswith(str(module))
    assert (module / "README.md").read_text() == before
