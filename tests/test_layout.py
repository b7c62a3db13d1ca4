"""The package's imports, read with `ast`: data flows one way, engine <- claims <- report <-
faces (cli, display, terminal, grade, pytest_plugin, testing); click and rich only in the
faces; no import cycle; no `_private` name taken from another backprop_sym module."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "backprop_sym"
ORDER = {"schemas": 0, "engine": 1, "claims": 2, "report": 3, "faces": 4}
UI = ("click", "rich")

def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str:
    """The layer of a module; the package itself (its version, its lazy public API) and
    the schemas are beneath them all."""
    parts = module.split(".")
    if len(parts) == 1:
        return "schemas"
    return parts[1] if parts[1] in ORDER else "faces"


def resolve(module: str, path: Path, level: int, name: str | None) -> str:
    if not level:
        return name or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[:len(package) - level + 1]
    return ".".join(base + ([name] if name else []))


def imports(module: str):
    """(imported module, names taken from it, line) for every import of `module`, at any
    depth (an import inside a function is an import too)."""
    path = MODULES[module]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, (), node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = resolve(module, path, node.level, node.module)
            names = tuple(a.name for a in node.names)
            yield target, names, node.lineno
            for n in names:                     # `from . import display` names a module
                if f"{target}.{n}" in MODULES:
                    yield f"{target}.{n}", (), node.lineno


def internal(target: str) -> str | None:
    """The backprop_sym module `target` is, or is inside of."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def test_the_walk_sees_the_package():
    assert "backprop_sym.engine.vocabulary" in MODULES and "backprop_sym.cli" in MODULES
    assert layer("backprop_sym.cli.verify") == "faces"
    assert layer("backprop_sym.engine.runner") == "engine"


@pytest.mark.parametrize("low", ["engine", "claims", "report"])
def test_data_flows_one_way(low):
    bad = []
    for module in MODULES:
        if layer(module) != low:
            continue
        for target, _, line in imports(module):
            inner = internal(target)
            if inner and ORDER[layer(inner)] > ORDER[low]:
                bad.append(f"{module}:{line} imports {target}")
    assert bad == []


def test_the_runner_and_the_vocabulary_import_no_higher_layer():
    for module in ("backprop_sym.engine.runner", "backprop_sym.engine.vocabulary",
                   "backprop_sym.engine.errors"):
        for target, _, _ in imports(module):
            inner = internal(target)
            assert inner is None or layer(inner) in ("schemas", "engine"), (module, target)


def test_click_and_rich_only_in_the_faces():
    bad = [f"{m}:{line} imports {t}" for m in MODULES if layer(m) != "faces"
           for t, _, line in imports(m) if t.split(".")[0] in UI]
    assert bad == []


def test_engine_and_claims_modules_of_the_faces_area_import_no_ui():
    for module in ("backprop_sym.engine.runner", "backprop_sym.claims.check",
                   "backprop_sym.engine.prove", "backprop_sym.engine.verify"):
        assert not [t for t, _, _ in imports(module) if t.split(".")[0] in UI], module


def graph() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for module in MODULES:
        deps = set()
        for target, _, _ in imports(module):
            inner = internal(target)
            # a package's __init__ is not a dependency of the modules it holds
            if inner and inner != module and not module.startswith(inner + "."):
                deps.add(inner)
        out[module] = deps
    return out


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found = []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in g:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    assert cycles(graph()) == []


def private_uses(module: str) -> list[str]:
    """`from X import _name`, and `alias._name` where alias is a backprop_sym module,
    with X another module of the package."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad, aliases = [], {}
    for target, names, line in imports(module):
        inner = internal(target)
        if inner is None or inner == module:
            continue
        for n in names:
            if n.startswith("_") and not n.startswith("__"):
                bad.append(f"{module}:{line} from {target} import {n}")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = resolve(module, path, node.level, node.module)
            for a in node.names:
                if f"{target}.{a.name}" in MODULES:
                    aliases[a.asname or a.name] = f"{target}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("backprop_sym") and a.asname:
                    aliases[a.asname] = a.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.value.id in aliases and node.attr.startswith("_") and \
                not node.attr.startswith("__"):
            bad.append(f"{module}:{node.lineno} {node.value.id}.{node.attr}")
    return bad


@pytest.mark.slow
def test_no_private_name_is_imported_across_modules():
    bad = [b for m in MODULES for b in private_uses(m)]
    assert bad == []


LIMIT = 650      # lines: a module holds one concept and fits in a reader's head


def test_each_module_says_what_it_owns_and_is_small():
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        assert ast.get_docstring(ast.parse(text)), f"{name} has no docstring"
        assert len(text.splitlines()) <= LIMIT, f"{name}: {len(text.splitlines())} lines"
