"""No import cycles between the loader, the Measurement record and the conversions (issue 11 §3).

Every ``import`` in a module counts -- also the ones inside functions, which hide a cycle without
removing it -- except those under ``if TYPE_CHECKING:`` (annotations only, never executed). The
``magfit.io`` package is one node: its reader modules register themselves with the package (a
plugin registry inside one package, not a dependency between jobs).
"""

from __future__ import annotations

import ast
from pathlib import Path

import magfit

PKG = Path(magfit.__file__).resolve().parent
#: modules that must not sit on any import cycle
GUARDED = ("magfit.io", "magfit.measurement", "magfit.segments",
           "magfit.convert", "magfit.sample", "magfit.corrections", "magfit.formula")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _node(module: str) -> str:
    """Graph node of a module: the io package counts as one."""
    return "magfit.io" if module.startswith("magfit.io.") else module


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path, modules: set[str]) -> set[str]:
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[:len(anchor) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                subs = {f"{base}.{a.name}" for a in child.names}
                found.update(subs if subs <= modules else {base, *subs})
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {_node(m) for m in found if m in modules} - {_node(name)}


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in PKG.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        graph.setdefault(_node(name), set()).update(_imports(path, set(paths)))
    return graph


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    stack, seen = [(start, [start])], {start}
    while stack:
        node, trail = stack.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt == goal:
                return [*trail, nxt]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*trail, nxt]))
    return None


def test_graph_sees_function_level_imports():
    graph = _graph()
    assert "magfit.segments" in graph["magfit.measurement"]
    assert "magfit.convert" in graph["magfit.io"]  # the holder reader is installed from io


def test_no_cycle_through_loader_record_or_conversions():
    graph = _graph()
    cycles = {mod: _reaches(graph, mod, mod) for mod in GUARDED}
    assert {m: c for m, c in cycles.items() if c} == {}
