"""grade's input: usage errors (NumPy missing, an --entry no file defines), per-student
folders (the student is the folder's name) and notebooks (code cells, magics left out)."""
import json

import pytest

from backprop_sym import grade as G
from support import GOOD_BACKWARD as GOOD, cli_process

SIGN = GOOD.replace("(a[-1] - y)", "(y - a[-1])")

BLOCK_NUMPY = '''
import sys

class _NoNumpy:
    def find_spec(self, name, path=None, target=None):
        if name == "numpy" or name.startswith("numpy."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoNumpy())
'''


def notebook(*cells) -> str:
    """A notebook (nbformat 4 JSON): (kind, source) cells."""
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": kind, "metadata": {}, "source": src,
                                  **({"outputs": [], "execution_count": None}
                                     if kind == "code" else {})} for kind, src in cells]})


def test_numpy_missing_is_a_usage_error(tmp_path):
    (tmp_path / "block").mkdir()
    (tmp_path / "block" / "sitecustomize.py").write_text(BLOCK_NUMPY)
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("a.py", "b.py", "c.py"):
        (subs / name).write_text(GOOD)
    import os
    path = os.pathsep.join([str(tmp_path / "block"), os.environ.get("PYTHONPATH", "")])
    out = cli_process("grade", subs, "--convention", "to-from", env={"PYTHONPATH": path})
    assert out.returncode == 2, out.stdout + out.stderr
    assert "backprop-sym[impl]" in out.stderr and "NumPy" in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_a_mistyped_entry_is_a_usage_error(tmp_path):
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(GOOD)
    (tmp_path / "c.py").write_text("def broken(:\n")          # does not parse: not counted
    out = cli_process("grade", tmp_path, "--entry", "backwrd", "--convention", "to-from")
    assert out.returncode == 2, out.stdout + out.stderr
    assert "backwrd" in out.stderr and "backward (2 files)" in out.stderr
    assert "sigmoid" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("text, defines", [
    (GOOD, True),
    ("from helper import backward\n", True),
    ("import helper\nbackward = helper.grad\n", True),
    ("from helper import *\n", True),                  # cannot be told: not refused
    ("try:\n    def backward(w, b, x, y):\n        pass\nexcept Exception:\n    pass\n", True),
    ("def backprop(w, b, x, y):\n    pass\n", False),
    ("class Net:\n    def backward(self, w, b, x, y):\n        pass\n", False),
])
def test_which_files_may_define_the_entry(tmp_path, text, defines):
    (tmp_path / "s.py").write_text(text)
    assert G.may_define(tmp_path / "s.py", "backward") is defines
    assert (G.missing_entry([tmp_path / "s.py"], "backward") is None) is defines


def test_one_file_defining_the_entry_is_enough(tmp_path):
    (tmp_path / "a.py").write_text("def other():\n    pass\n")
    (tmp_path / "b.py").write_text(GOOD)
    assert G.missing_entry([tmp_path / "a.py", tmp_path / "b.py"], "backward") is None
    message = G.missing_entry([tmp_path / "a.py"], "backward")
    assert "'backward'" in message and "other (1 file)" in message


def test_per_student_folders_and_notebooks(tmp_path):
    subs = tmp_path / "export"
    for student in ("alice", "bob", "carol", "dave", "erin"):
        (subs / student).mkdir(parents=True)
    (subs / "alice" / "hw3.py").write_text(GOOD)
    (subs / "bob" / "hw3.ipynb").write_text(notebook(
        ("markdown", "# Homework 3\n$\\delta = ...$"),
        ("code", ["%matplotlib inline\n", "!pip install numpy\n", "import numpy as np\n"]),
        ("code", "%%writefile out.txt\nraise SystemExit('this cell magic is not run')\n"),
        ("code", GOOD.replace("import numpy as np\n", "")),
        ("code", "  %time backward\n")))
    # carol's helper module is imported by her submission, not graded itself
    (subs / "carol" / "helper.py").write_text(GOOD.replace("def backward", "def grad"))
    (subs / "carol" / "hw3.py").write_text("from helper import grad as backward\n")
    (subs / "dave" / "hw3.ipynb").write_text(notebook(("code", SIGN)))
    (subs / "erin" / "hw3.ipynb").write_text(notebook(
        ("code", "import numpy as np\n"), ("code", "x = 1\n\nundefined_name + 1\n")))
    (subs / "erin" / ".ipynb_checkpoints").mkdir()
    (subs / "erin" / ".ipynb_checkpoints" / "hw3-checkpoint.ipynb").write_text("{}")
    (subs / "frank.py").write_text(GOOD)                 # a file at the top: its stem
    items = G.submissions(subs, "backward")
    assert [(s, p.name) for s, p in items] == [
        ("alice", "hw3.py"), ("bob", "hw3.ipynb"), ("carol", "hw3.py"),
        ("dave", "hw3.ipynb"), ("erin", "hw3.ipynb"), ("frank", "frank.py")]
    out = cli_process("grade", subs, "--convention", "to-from", "--json", "--timeout", "30")
    doc = json.loads(out.stdout)
    rows = {r["student"]: r for r in doc["submissions"]}
    assert [r["student"] for r in doc["submissions"]] == \
        ["alice", "bob", "carol", "dave", "erin", "frank"]
    assert {s: r["status"] for s, r in rows.items()} == {
        "alice": "proved", "bob": "proved", "carol": "proved", "dave": "refuted",
        "erin": "error", "frank": "proved"}, out.stdout
    assert rows["dave"]["first"] == "∂C/∂w^1_11" and "sign" in rows["dave"]["hint"]
    assert "NameError" in rows["erin"]["detail"] and "[cell 2]:3" in rows["erin"]["detail"]
    assert out.returncode == 1


def test_notebook_cells_leave_magics_out(tmp_path):
    nb = tmp_path / "n.ipynb"
    nb.write_text(notebook(("code", "a = 1\n%timeit a\n!ls\nb = 2"), ("markdown", "x"),
                           ("code", "%%bash\necho hi")))
    assert G.notebook_cells(nb) == ["a = 1\n\n\nb = 2", ""]
    (tmp_path / "bad.ipynb").write_text("not json")
    with pytest.raises(ValueError, match="not a readable notebook"):
        G.notebook_cells(tmp_path / "bad.ipynb")


def test_a_file_that_is_neither_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    out = cli_process("grade", tmp_path / "notes.txt")
    assert out.returncode == 2 and ".ipynb" in out.stderr
    (tmp_path / "empty").mkdir()
    out = cli_process("grade", tmp_path / "empty")
    assert out.returncode == 2 and "holds no .py or .ipynb" in out.stderr


def test_a_module_missing_for_one_student_is_that_students_error(tmp_path):
    """Only NumPy missing in the grader is a usage error: a submission importing what is
    not installed is an error of that submission, and the others are graded."""
    (tmp_path / "a.py").write_text(GOOD)
    (tmp_path / "b.py").write_text("import no_such_module_for_grading\n" + GOOD)
    out = cli_process("grade", tmp_path, "--convention", "to-from", "--json")
    assert out.returncode == 1, out.stderr
    rows = {r["student"]: r for r in json.loads(out.stdout)["submissions"]}
    assert rows["a"]["status"] == "proved" and rows["b"]["status"] == "error"
    assert "no_such_module_for_grading" in rows["b"]["detail"]
