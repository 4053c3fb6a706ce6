"""Regenerate the inputs/outputs tables of each module README (like terraform-docs).

The tables sit between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS -->; everything else in
the README is hand-written. Usage: python module_docs.py [--check] MODULE_DIR...

The .tf files are read with a real HCL parser (python-hcl2, pinned in pyproject.toml), so a
type or default written over several lines comes out whole, on one line, brackets balanced.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

try:
    import hcl2
    from lark.exceptions import LarkError  # python-hcl2's parser
except ModuleNotFoundError:  # run with the project's virtualenv, which has it
    sys.exit("module_docs.py needs python-hcl2: run it with .venv/bin/python (make tf-docs).")

BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"
META = "__is_block__"  # python-hcl2's marker for blocks, not an attribute


def _blocks(path: Path, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """(name, attributes) of every `kind` block of a file, in file order."""
    with path.open() as handle:
        parsed = hcl2.load(handle)
    return [
        (name.strip('"'), body) for block in parsed.get(kind, []) for name, body in block.items()
    ]


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return text


def hcl(value: Any) -> str:
    """A parsed value written back as HCL on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        # Expressions come as "${...}"; string literals keep their quotes.
        return value[2:-1] if value.startswith("${") and value.endswith("}") else value
    if isinstance(value, list):
        return "[" + ", ".join(hcl(item) for item in value) + "]"
    if isinstance(value, dict):
        items = [f"{key} = {hcl(item)}" for key, item in value.items() if key != META]
        return "{" + ", ".join(items) + "}"
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def tables(module: Path) -> str:
    rows = ["## Inputs", "", "| Name | Description | Type | Default |", "|---|---|---|---|"]
    for name, body in _blocks(module / "variables.tf", "variable"):
        description = _unquote(hcl(body.get("description", '""')))
        kind = hcl(body["type"]) if "type" in body else "any"
        default = f"`{_cell(hcl(body['default']))}`" if "default" in body else "required"
        rows.append(f"| `{name}` | {_cell(description)} | `{_cell(kind)}` | {default} |")
    rows += ["", "## Outputs", "", "| Name | Description |", "|---|---|"]
    for name, body in _blocks(module / "outputs.tf", "output"):
        rows.append(f"| `{name}` | {_cell(_unquote(hcl(body.get('description', '')) or ''))} |")
    return "\n".join(rows)


def render(module: Path) -> str:
    readme = (module / "README.md").read_text()
    if BEGIN not in readme or END not in readme:
        raise ValueError(f"{module}/README.md has no {BEGIN} … {END} section")
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{tables(module)}\n{END}{tail}"


def main(args: list[str]) -> int:
    check = "--check" in args
    modules = [Path(a) for a in args if a != "--check"]
    stale = []
    for module in modules:
        try:
            new = render(module)
        except LarkError as error:
            where = str(error).splitlines()[0]
            print(f"{module}: not valid HCL ({where}); README left as it was.", file=sys.stderr)
            return 2
        except (OSError, ValueError) as error:
            print(f"{module}: {error}", file=sys.stderr)
            return 2
        if (module / "README.md").read_text() != new:
            stale.append(str(module))
            if not check:
                (module / "README.md").write_text(new)
    if check and stale:
        print(f"README tables out of date in {stale}: run `make tf-docs`.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
