"""A notebook's cell magics: Jupyter runs the body of %%time, %%capture and %%prun as
Python in the notebook's namespace, so grade does too (once); a cell under any other cell
magic (%%bash, %%writefile, %%html...) is no Python that runs, and is left out; nor is
%%timeit's: IPython runs it inside a function, so what it defines is not kept."""
import json

import pytest

from backprop_sym import grade as G
from support import GOOD_BACKWARD as GOOD, cli_process

SIGN = GOOD.replace("(a[-1] - y)", "(y - a[-1])")


def notebook(*sources) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "code", "metadata": {}, "source": s,
                                  "outputs": [], "execution_count": None} for s in sources]})


@pytest.mark.parametrize("magic", ["%%time", "%%capture out", "  %%capture --no-stderr",
                                   "%%prun -q"])
def test_a_body_magic_runs_its_body_keeping_line_numbers(tmp_path, magic):
    nb = tmp_path / "n.ipynb"
    nb.write_text(notebook(f"\n{magic}\na = 1\n%ls\nb = 2\n", "c = 3"))
    assert G.notebook_cells(nb) == ["\n\na = 1\n\nb = 2", "c = 3"]


@pytest.mark.parametrize("magic", ["%%bash", "%%writefile f.py", "%%html", "%%script sh",
                                   "%%timeit -n1 -r1", "%%timeit"])
def test_other_cell_magics_are_left_out(tmp_path, magic):
    nb = tmp_path / "n.ipynb"
    nb.write_text(notebook(f"{magic}\na = 1\n", "c = 3"))
    assert G.notebook_cells(nb) == ["", "c = 3"]


def test_graded_backward_defined_under_time_and_capture(tmp_path):
    body = GOOD.replace("import numpy as np\n", "")
    (tmp_path / "timed.ipynb").write_text(notebook("import numpy as np", "%%time\n" + body))
    (tmp_path / "captured.ipynb").write_text(notebook(
        "import numpy as np", "%%capture cap\n" + SIGN.replace("import numpy as np\n", "")))
    # a backward under %%writefile is not defined: the wrong one before it is graded
    (tmp_path / "written.ipynb").write_text(notebook(
        SIGN, "%%writefile good.py\n" + GOOD))
    # nor under %%timeit (review R3: it was graded, a false proof of the notebook, whose
    # backward in Jupyter is the wrong one: IPython runs the body inside a function)
    (tmp_path / "timed_it.ipynb").write_text(notebook(
        SIGN, "%%timeit -n1 -r1\n" + GOOD.replace("import numpy as np\n", "")))
    out = cli_process("grade", tmp_path, "--convention", "to-from", "--json",
                      "--timeout", "30")
    rows = {r["student"]: r for r in json.loads(out.stdout)["submissions"]}
    assert {s: r["status"] for s, r in rows.items()} == {
        "timed": "proved", "captured": "refuted", "written": "refuted",
        "timed_it": "refuted"}, out.stdout
    assert "sign" in rows["captured"]["hint"]


# review R3: IPython reads `%` / `!` as a magic only at the start of a logical line;
# inside brackets, after a backslash or in a string it is Python (modulo, !=, text)
@pytest.mark.parametrize("source, kept", [
    ("v = (7.5\n     % 2)", "v = (7.5\n     % 2)"),
    ("m = (z\n     != 0)", "m = (z\n     != 0)"),
    ("v = 7.5 \\\n% 2", "v = 7.5 \\\n% 2"),
    ("s = '''\n%x\n!y\n'''", "s = '''\n%x\n!y\n'''"),
    ("%time f()\n!ls\ndef g():\n    %time h()\n    return 1", "\n\ndef g():\n\n    return 1"),
])
def test_a_magic_only_at_the_start_of_a_logical_line(tmp_path, source, kept):
    nb = tmp_path / "n.ipynb"
    nb.write_text(notebook(source))
    assert G.notebook_cells(nb) == [kept]


def test_a_modulo_continuation_is_not_a_magic_graded_away(tmp_path):
    # in Jupyter this backward takes every bias gradient modulo 1/1000: wrong; it was
    # graded with that line left out, proved
    wrong = GOOD.replace("gb[l] = d.sum(axis=1, keepdims=True) / x.shape[1]",
                         "gb[l] = (d.sum(axis=1, keepdims=True) / x.shape[1]\n"
                         "                 % 0.001\n                 )")
    assert wrong != GOOD
    (tmp_path / "mod.ipynb").write_text(notebook(wrong))
    out = cli_process("grade", tmp_path, "--convention", "to-from", "--json",
                      "--timeout", "30")
    rows = json.loads(out.stdout)["submissions"]
    assert rows[0]["status"] != "proved", out.stdout
