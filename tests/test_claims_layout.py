"""The claims package keeps one concept per module: no import cycle among its modules, no
private name imported from another module, and no module grown past the size limit."""
import ast
from pathlib import Path

import backprop_sym

PACKAGE = Path(backprop_sym.__file__).parent
FILES = sorted((PACKAGE / "claims").glob("*.py")) + [PACKAGE / "report" / "claim_tex.py"]
LIMIT = 650
# check.py's output functions and its fork runner move to the faces and engine/runner.py
WAITING = {"check.py"}
# report/formulas.py (the report's) still names these privately; claim_tex uses them
FORMULAS = {"_Break", "_fill", "_Text"}


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            yield node


def test_no_private_name_is_imported_from_another_module():
    bad = [f"{p.name}: from {'.' * n.level}{n.module or ''} import {a.name}"
           for p in FILES for n in _imports(p) for a in n.names
           if a.name.startswith("_") and not (p.name == "claim_tex.py" and a.name in FORMULAS)]
    assert not bad


def test_no_import_cycle_among_the_claims_modules():
    graph = {}
    for p in (PACKAGE / "claims").glob("*.py"):
        deps = set()
        for n in _imports(p):
            if n.level == 1:
                deps |= {n.module.split(".")[0]} if n.module else {a.name for a in n.names}
        graph[p.stem] = deps

    def reach(start, node, seen):
        for d in graph.get(node, ()):
            assert d != start, f"import cycle through claims/{start}.py"
            if d not in seen:
                seen.add(d)
                reach(start, d, seen)
    for module in graph:
        reach(module, module, set())


def test_no_module_past_the_limit():
    long = {p.name: n for p in FILES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > LIMIT
            and p.name not in WAITING}
    assert not long


def test_claims_import_neither_click_nor_rich():
    for p in FILES:
        if p.name in WAITING:
            continue
        tree = ast.parse(p.read_text(encoding="utf-8"))
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                 for a in n.names}
        names |= {n.module.split(".")[0] for n in ast.walk(tree)
                  if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module}
        assert not names & {"click", "rich"}, p.name
