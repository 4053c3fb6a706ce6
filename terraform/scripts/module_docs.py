"""Regenerate the inputs/outputs tables of each module README (like terraform-docs).

The tables sit between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS -->; everything else in
the README is hand-written. Usage: python module_docs.py [--check] MODULE_DIR...
"""

import re
import sys
from pathlib import Path

BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"
BLOCK = re.compile(r'^(variable|output) "([^"]+)" \{\n(.*?)^\}', re.M | re.S)


def _attr(body: str, name: str) -> str | None:
    """Value of a top-level attribute; multi-line values are abbreviated."""
    match = re.search(rf"^  {name}\s*=\s*(.*)$", body, re.M)
    if not match:
        return None
    value = match.group(1).strip()
    if value.endswith(("(", "{", "[")):
        value += "...)" if value.endswith("(") else ("...}" if value.endswith("{") else "...]")
    return value


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def tables(module: Path) -> str:
    rows = ["## Inputs", "", "| Name | Description | Type | Default |", "|---|---|---|---|"]
    for _, name, body in BLOCK.findall((module / "variables.tf").read_text()):
        description = (_attr(body, "description") or '""').strip('"')
        default = _attr(body, "default")
        rows.append(
            f"| `{name}` | {_cell(description)} | `{_cell(_attr(body, 'type') or 'any')}` | "
            f"{'required' if default is None else f'`{_cell(default)}`'} |"
        )
    rows += ["", "## Outputs", "", "| Name | Description |", "|---|---|"]
    for _, name, body in BLOCK.findall((module / "outputs.tf").read_text()):
        rows.append(f"| `{name}` | {_cell((_attr(body, 'description') or '').strip(chr(34)))} |")
    return "\n".join(rows)


def render(module: Path) -> str:
    readme = (module / "README.md").read_text()
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{tables(module)}\n{END}{tail}"


def main(args: list[str]) -> int:
    check = "--check" in args
    stale = []
    for module in (Path(a) for a in args if a != "--check"):
        new = render(module)
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
