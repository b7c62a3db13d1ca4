"""Each claim knows its column; `&`-separated equations of one align row are separate claims
at their own columns, a chain `a &= b \\ &= c` stays one chain; --format gcc prints
FILE:LINE:COL (a notebook FILE:CELL:LINE:COL) with a stable code per kind of finding."""
import json
import re

from backprop_sym.claims import check as C
from backprop_sym.engine.vocabulary import Status
from support import cli

ROW = r"\Delta^L_j &= (a^L_j - y_j) f'(z^L_j), & \frac{\partial C}{\partial b^L_j} &= \Delta^L_j + 1"
TEX = ("\\begin{align}\n" + ROW + " \\\\\n"
       "a^L_j &= f(z^L_j), & \\frac{\\partial C}{\\partial w^L_{kj}} &= a^{L-1}_k \\Delta^L_j\n"
       "\\end{align}\n"
       "\\begin{align}\n\\Delta^L_j &= (a^L_j - y_j) f'(z^L_j) \\\\\n"
       "  &= (a^L_j - y_j) f(z^L_j)\n\\end{align}\n")


def test_each_equation_of_a_row_is_a_claim_at_its_column():
    claims = C.check_text(TEX, "latex", convention="from-to")
    got = [(c["line"], c["column"], c["status"]) for c in claims]
    assert got[:4] == [(2, 1, Status.PROVED), (2, ROW.index(r"\frac") + 1, Status.REFUTED),
                       (3, 1, Status.PROVED), (3, 22, Status.PROVED)]
    # the chain: its second link compares with the line before, and is refuted
    assert [(c["line"], c["status"]) for c in claims[4:]] == [(6, Status.PROVED),
                                                              (7, Status.REFUTED)]


def test_gcc_lines_codes_and_verbose(tmp_path):
    path = tmp_path / "hw.tex"
    path.write_text(TEX + "$$\n\\delta = \\hat y - y\n$$\n")
    r = cli("check", str(path), "--format", "gcc", "--convention", "from-to")
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith(str(path))]
    assert r.exit_code == 1
    assert [re.match(r".*?:(\d+):(\d+): (\w+): .*\[(BPS\d+)\]$", ln).groups() for ln in lines] \
        == [("2", str(ROW.index(r"\frac") + 1), "error", "BPS101"),
            ("7", "4", "error", "BPS101"), ("10", "1", "warning", "BPS202")]
    loud = cli("check", str(path), "--format", "gcc", "--convention", "from-to", "--verbose")
    assert "note: proved" in loud.stdout and "[BPS001]" in loud.stdout
    assert len([ln for ln in loud.stdout.splitlines() if ln.startswith(str(path))]) == 7


def test_gcc_in_a_notebook_names_cell_line_column(tmp_path):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# hw\n"]},
             {"cell_type": "code", "metadata": {}, "source": ["x = 1\n"], "outputs": [],
              "execution_count": None},
             {"cell_type": "markdown", "metadata": {},
              "source": ["Output error:\n", "$$\n", "\\Delta^L_j = (a^L_j - y_j) f(z^L_j)\n",
                         "$$\n"]}]
    for k, cell in enumerate(cells):
        cell["id"] = f"c{k}"
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "hw.ipynb"
    path.write_text(json.dumps(nb))
    r = cli("check", str(path), "--format", "gcc", "--convention", "from-to")
    assert r.stdout.startswith(f"{path}:3:3:1: error: refuted")


def test_written_is_what_the_student_typed():
    """`latex` (shown as `written:`) is the file's text, macros unexpanded, for every
    equation of a row and every link of a chain; `parsed` is what was read."""
    tex = ("\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}\n\\begin{align}\n"
           "\\pd{C}{b^L_j} &= \\delta^L_j, & \\pd{C}{w^L_{kj}} &= a^{L-1}_k \\delta^L_j \\\\\n"
           "\\pd{C}{b^l_j} &= \\delta^l_j = \\pd{C}{z^l_j}\n\\end{align}\n")
    claims = C.check_text(tex, "latex", convention="from-to")
    assert [c["latex"] for c in claims] == [
        r"\pd{C}{b^L_j} = \delta^L_j", r"\pd{C}{w^L_{kj}} = a^{L-1}_k \delta^L_j",
        r"\pd{C}{b^l_j} = \delta^l_j", r"\delta^l_j = \pd{C}{z^l_j}"]
    assert all(c["status"] == Status.PROVED for c in claims)
    assert "∂C/∂b^L_j" in claims[0]["parsed"]
