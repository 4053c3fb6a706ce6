"""No import circles in the project's code: between modules, and between packages.

Every import counts, including those deferred into a function (a deferred import that dodges
a circle is still a circle). The graph is read from the source with `ast`, not by importing.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SKIP = {"tests", "build", "node_modules"}


def _modules() -> dict[str, Path]:
    found = {}
    for init in REPO.glob("*/__init__.py"):
        package = init.parent
        if package.name in SKIP or package.name.startswith("."):
            continue
        for path in package.rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(path: Path, module: str, known: dict[str, Path]) -> set[str]:
    """Project modules imported anywhere in `path` (top level or inside functions)."""
    out = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                out.add(name)
    return out


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_module_imports_itself_through_others():
    known = _modules()
    graph = {name: _imports(path, name, known) for name, path in known.items()}
    # A package's __init__ importing its own submodules is not a circle of concern.
    for name in graph:
        graph[name] = {m for m in graph[name] if not m.startswith(name + ".")}
    cycle = _cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_no_package_imports_itself_through_others():
    known = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        top = name.split(".")[0]
        graph.setdefault(top, set()).update(
            m.split(".")[0] for m in _imports(path, name, known) if m.split(".")[0] != top
        )
    cycle = _cycle(graph)
    assert cycle is None, "package circle: " + " -> ".join(cycle)


def test_the_checker_sees_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
