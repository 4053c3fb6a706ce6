"""`make help`: the documented targets of the Makefile and its fragments, grouped by area.

A line `##@ Area` starts a group; `target: prerequisites ## description` documents a target.
References like $(PORT) in a description are replaced by the values make passes in, so a
reader sees the defaults ("on 127.0.0.1:3000"). Colour only on a terminal, never with NO_COLOR.

    python3 scripts/make_help.py --names Makefile mk/a.mk ...      # variables to pass in
    python3 scripts/make_help.py PORT=3000 ... -- Makefile mk/a.mk ...
"""

import os
import re
import sys

HEADING = re.compile(r"^##@\s*(.+?)\s*$")
TARGET = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)\s*:(?![=:]).*?##\s*(.*?)\s*$")
REFERENCE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def parse(paths: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(area, [(target, description), ...]), ...] in the order make reads them."""
    groups: list[tuple[str, list[tuple[str, str]]]] = [("Other", [])]
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if heading := HEADING.match(line):
                    groups.append((heading[1], []))
                elif target := TARGET.match(line):
                    groups[-1][1].append((target[1], target[2]))
    return [(area, targets) for area, targets in groups if targets]


def render(groups, values: dict[str, str], colour: bool) -> str:
    bold, cyan, reset = ("\033[1m", "\033[36m", "\033[0m") if colour else ("", "", "")
    width = max(len(t) for _, targets in groups for t, _ in targets)
    lines = ["Usage: make <target> [VARIABLE=value ...]"]
    for area, targets in groups:
        lines += ["", f"{bold}{area}{reset}"]
        for target, description in targets:
            text = REFERENCE.sub(lambda m: values.get(m[1], m[0]), description)
            lines.append(f"  {cyan}{target:<{width}}{reset}  {text}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if argv[:1] == ["--names"]:
        names = {m for _, ts in parse(argv[1:]) for _, d in ts for m in REFERENCE.findall(d)}
        print(" ".join(sorted(names)))
        return 0
    if "--" not in argv:
        print("Usage: make_help.py [NAME=value ...] -- MAKEFILE ...", file=sys.stderr)
        return 2
    split = argv.index("--")
    values = dict(pair.split("=", 1) for pair in argv[:split])
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    sys.stdout.write(render(parse(argv[split + 1 :]), values, colour))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
