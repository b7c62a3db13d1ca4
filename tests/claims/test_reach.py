"""check reads derivations as their authors wrote them: documents, notations, conventions,
and a check with nothing checked is no success. Each notation proves where it is right
and never where it is wrong."""
import json

import pytest
from click.testing import CliRunner

from backprop_sym.claims import check as C
from backprop_sym.cli import main
from backprop_sym.cli.check import format_text
from backprop_sym.engine.vocabulary import Status
from support import STYLES



def one(latex):
    out = C.check_claim(latex)
    assert len(out) == 1, out
    return out[0]


# ---------------------------------------------------------------- nothing checked

@pytest.mark.parametrize("text, kind, reason", [
    ("\\begin{tcequation}\nz^l_j = \\sum_k w^l_{kj} a^{l-1}_k + b^l_j\n\\end{tcequation}\n",
     "latex", "display environment(s) not read: tcequation"),
    ("The error $\\delta^L_j = a^L_j - y_j$ and $z = 1$.\n", "markdown", "only inline math"),
    ("No maths here.\n", "markdown", "no display equation"),
    ("$$\\text{by the chain rule}$$\n", "markdown", "skipped"),
])
def test_nothing_checked_is_empty_with_its_reason(text, kind, reason):
    out = C.check_text(text, kind)
    assert C.overall(out) == Status.EMPTY
    assert reason in C.empty_reason(out)


def test_empty_exits_5_and_garbage_claim_is_ill_formed(tmp_path):
    f = tmp_path / "notes.md"
    f.write_text("Only $a = b$ inline.\n")
    r = CliRunner().invoke(main, ["check", str(f)])
    assert r.exit_code == 5 and "only inline math" in r.output
    r = CliRunner().invoke(main, ["check", "--claim", "garbage \\frac{"])
    assert r.exit_code == 1 and "ill-formed" in r.output


def test_unread_environment_is_named_beside_read_ones():
    text = ("\\begin{equation}\\frac{\\partial C}{\\partial b^l_j} = \\Delta^l_j\\end{equation}\n"
            "\\begin{myeq}\nz^l_j = b^l_j\n\\end{myeq}\n")
    out = C.check_text(text, "latex")
    assert [c["status"] for c in out] == [Status.PROVED, Status.UNKNOWN] and "myeq" in out[1]["reason"]


# ---------------------------------------------------------------- documents

def test_markdown_code_is_not_read_and_math_fences_are():
    text = ("Text.\n\n    $$ \\Delta^L_j = 0 $$\n\n"
            "- a list\n\n  $$\\frac{\\partial C}{\\partial b^l_j} = \\Delta^l_j$$\n\n"
            "```\n$$ \\Delta^L_j = 0 $$\n```\n\n"
            "```math\n\\frac{\\partial C}{\\partial b^l_j} = 2 \\Delta^l_j\n```\n")
    out = C.check_text(text, "markdown")
    assert [c["status"] for c in out] == [Status.PROVED, Status.REFUTED]


def test_notebook_cells_and_lines():
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": [],
         "execution_count": None, "id": "a"},
        {"cell_type": "markdown", "metadata": {}, "id": "b",
         "source": "Bias:\n\n$$\\frac{\\partial C}{\\partial b^l_j} = 2\\Delta^l_j$$"}]}
    out = C.check_text(json.dumps(nb), "notebook")
    assert out[0]["cell"] == 2 and out[0]["line"] == 3 and out[0]["status"] == Status.REFUTED
    assert "cell 2, line 3" in format_text(C.document("nb.ipynb", out, C.make_options()))


def test_html_mathjax_displays_entities_and_code():
    text = ("<p>Bias \\[\\frac{\\partial C}{\\partial b^l_j} = \\Delta^l_j\\]</p>\n"
            "<pre>\\[ \\Delta^L_j = 0 \\]</pre>\n"
            "<script type=\"math/tex; mode=display\">\\Delta^L_j = 2(a^L_j - y_j) f'(z^L_j)"
            "</script>\n"
            "\\begin{align}\\Delta^L_j &amp;= (a^L_j - y_j) f'(z^L_j)\\end{align}\n")
    out = C.check_text(text, "html")
    assert [c["status"] for c in out] == [Status.PROVED, Status.REFUTED, Status.PROVED]


def test_latex_macros_environments_and_matrices():
    out = C.check_file(STYLES / "lecture-notes.tex")
    assert C.overall(out) == Status.PROVED
    assert any("matrix" in c["reason"] for c in out if c["status"] == Status.SKIPPED)
    bad = C.check_text("\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}\n"
                       "\\def\\D#1{\\Delta^{#1}}\n"
                       "\\begin{equation}\\pd{C}{b^l_j} = \\D{l+1}_j\\end{equation}\n", "latex")
    assert [c["status"] for c in bad] == [Status.REFUTED]


def test_alignat_and_a_chain_past_an_unreadable_row():
    text = ("\\begin{alignat}{2}\n\\Delta^L_j &= \\frac{\\partial C}{\\partial z^L_j} \\\\\n"
            "&= \\frac{\\partial C}{\\partial a^L_j} \\frac{\\partial a^L_j}{\\partial z^L_j} \\\\\n"
            "&= \\unknownthing \\\\\n&= (a^L_j - y_j) f'(z^L_j) \\\\\n"
            "&= (a^L_j - y_j) f(z^L_j)\n\\end{alignat}\n")
    out = C.check_text(text, "latex")
    assert [c["status"] for c in out] == [Status.PROVED, Status.PROVED, Status.UNKNOWN,
                                          Status.UNKNOWN, Status.REFUTED]   # not read
    assert "continues an unread row (line 4)" in out[3]["reason"]   # never across the gap


# ---------------------------------------------------------------- notations

PROVE = [
    r"\delta^{(l)}_j = \sum_k [w^{(l+1)^{T}}]_{kj} \delta^{(l+1)}_k \sigma'(z^{(l)}_j)",
    r"\Delta^l_j = \sum_k [w^{l+1^T}]_{kj} \Delta^{l+1}_k f'(z^l_j)",
    r"\Delta^l = (w^{l+1} \Delta^{l+1}) \circ f'(z^l)",
    r"\frac{\partial C}{\partial w^{[l]}} = a^{[l-1]} (\Delta^{[l]})^{\mathsf T}",
    r"\frac{\partial C}{\partial \mathbf{W}^{l}} = \bm{a}^{l-1} (\boldsymbol{\Delta}^{l})^\intercal",
    r"\pdv{C}{b^l_j} = \Delta^l_j",
    r"\dfrac{\partial C}{\partial b^l_j} = \tfrac{\partial C}{\partial z^l_j}",
    r"\frac{\partial}{\partial z^l_j}\left( C \right) = \Delta^l_j",
    r"\frac{\partial z^l_i}{\partial z^l_j} = \delta_{ij}",
    r"\frac{\partial a^l_i}{\partial z^l_j} = \delta_{ij} f'(z^l_j)",
    r"\nabla_a C = a^L - y",
    r"a^{(l)}_j = \sigma^{(l)}(z^{(l)}_j)",
    r"a^{[l]} = g^{[l]}(z^{[l]})",
    r"\frac{\partial a^l_j}{\partial z^l_j} = \dot\varphi(z^l_j)",
    r"C = \frac{1}{2}\|y - a^L\|^2",
    r"C(x; w, b) = \frac12 \left\| a^L - y \right\|^2",
    r"{\cal C} = \frac{1}{N} \sum_x C_x",
    r"z^l_j = \sum_{k=1}^{M_{l-1}} w^l_{kj} a^{l-1}_k + b^l_j",
]
REFUSE = [   # each a deliberate mistake in the same notation: never proved
    r"\delta^{(l)}_j = \sum_k [w^{(l+1)^{T}}]_{jk} \delta^{(l+1)}_k \sigma'(z^{(l)}_j)",
    r"\Delta^l_j = \sum_k [w^{l+1^T}]_{jk} \Delta^{l+1}_k f'(z^l_j)",
    r"\Delta^l = (w^{l+1} \Delta^{l+1}) \circ f(z^l)",
    r"\frac{\partial C}{\partial w^{[l]}} = a^{[l]} (\Delta^{[l]})^{\mathsf T}",
    r"\frac{\partial C}{\partial \mathbf{W}^{l}} = (\bm{a}^{l-1})^\intercal \boldsymbol{\Delta}^{l}",
    r"\pdv{C}{b^l_j} = \Delta^{l+1}_j",
    r"\dfrac{\partial C}{\partial b^l_j} = \tfrac{\partial C}{\partial a^l_j}",
    r"\frac{\partial}{\partial z^l_j}\left( C \right) = 2\Delta^l_j",
    r"\frac{\partial z^l_i}{\partial z^l_j} = 1 - \delta_{ij}",
    r"\frac{\partial a^l_i}{\partial z^l_j} = f'(z^l_j)",
    r"\nabla_a C = y - a^L",
    r"a^{(l)}_j = \sigma^{(l+1)}(z^{(l)}_j)",
    r"a^{[l]} = g^{[l]}(z^{[l-1]})",
    r"\frac{\partial a^l_j}{\partial z^l_j} = \varphi(z^l_j)",
    r"C = \|y - a^L\|^2",
    r"C(x; w, b) = \frac12 \left\| a^L + y \right\|^2",
    r"{\cal C} = \sum_x C_x",
    r"z^l_j = \sum_{k=1}^{M_{l}} w^l_{kj} a^{l-1}_k + b^l_j",
    r"e(n) = y(n) - d(n)",
    r"\frac{\partial}{\partial z^l_j}\left[ \sum_k w^{l+1}_{jk} z^{l+1}_k \right] = 0",
]


@pytest.mark.parametrize("latex", PROVE)
def test_notation_proves(latex):
    c = one(latex)
    assert c["status"] == Status.PROVED, c


@pytest.mark.parametrize("latex", REFUSE)
def test_notation_mistake_never_proves(latex):
    assert one(latex)["status"] != Status.PROVED


# ---------------------------------------------------------------- conventions and styles

STYLE_FILES = {"nielsen.md": Status.PROVED, "lecture-notes.tex": Status.PROVED,
               "ng-brackets.md": Status.PROVED, "ufldl.md": Status.PROVED,
               "zero-based.md": Status.PROVED, "averaged.md": Status.PROVED,
               "ng-batch.md": Status.PROVED, "scalar-chain.md": Status.PROVED}


@pytest.mark.parametrize("name", sorted(STYLE_FILES))
@pytest.mark.slow
def test_each_style_proves(name):
    out = C.check_file(STYLES / name)
    assert C.overall(out) == STYLE_FILES[name], [c for c in out if c["status"] != Status.PROVED]


@pytest.mark.parametrize("name", sorted(p.name for p in STYLES.glob("*mistakes*")))
@pytest.mark.slow
def test_style_mistakes_never_prove(name):
    """The first equation of a mistakes file is the author's definition; every other one
    is a deliberate mistake."""
    out = C.check_file(STYLES / name)
    wrong = [c for c in out[1:] if c["status"] == Status.PROVED]
    assert out[0]["status"] == Status.PROVED and not wrong, wrong


def test_conventions_are_read_with_their_line_and_options_override():
    out = C.check_file(STYLES / "ufldl.md")
    found = {f["what"]: f for f in out.notes["conventions"]}
    assert found["convention"]["value"] == "to-from" and found["weight layer"]["line"] == 4
    off = C.check_file(STYLES / "ufldl.md", weight_layer=0)
    assert C.overall(off) != Status.PROVED
    doc = C.document("ufldl.md", out, C.make_options(convention="to-from"))
    assert "read from line 4: convention to-from" in format_text(doc)


def test_a_claim_against_the_authors_own_definition_is_refuted():
    text = ("$$z^l_j = \\sum_k w^l_{jk} a^{l-1}_k + b^l_j$$\n\n"
            "$$\\frac{\\partial z^l_j}{\\partial a^{l-1}_k} = w^l_{kj}$$\n")
    out = C.check_text(text, "markdown")
    assert [c["status"] for c in out] == [Status.PROVED, Status.REFUTED]
