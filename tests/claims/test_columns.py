"""Alignment columns as TeX lays them out (issue 18, class 3, and the align part of class 5):
a label in a column of its own is not part of the equation, column pairs are equations of
their own, a & where TeX has no columns is not read, and a definition in a two-column align
row is read (so the document's convention is learned from a .tex file as from a .md one)."""
import json

import pytest

from backprop_sym.claims import check as C
from backprop_sym.claims import documents
from backprop_sym.claims.columns import is_label
from backprop_sym.engine.vocabulary import Status
from tests.support import cli

ALIGN = "\\begin{{{env}}}\n{body}\n\\end{{{env}}}\n"
HALF = r"\Delta^L_j &= \frac12 (a^L_j - y_j) f'(z^L_j)"       # false: ½ too much
THIRD = r"\frac{\partial C}{\partial b^l_j} &= \frac{1}{3} \Delta^l_j"   # false: ⅓ too much
RIGHT = r"\Delta^L_j &= (a^L_j - y_j) f'(z^L_j)"


def statuses(text, kind="latex"):
    return [c["status"] for c in C.check_text(text, kind)]


@pytest.mark.parametrize("label", [
    "&& (2)", "&& \\text{(2)}", "&&\\quad (2)", "& (BP1)", "&& \\text{eq. 3}", "&& 2",
    "&& (2.1)", "&& \\qquad \\text{(5)}", "&& (\\text{BP1})", "&& [3]", "&& \\mathrm{(4a)}",
    "&& \\text{Eq. } (6)", "&& \\hfill (3)",
])
@pytest.mark.parametrize("claim, factor", [(HALF, "2"), (THIRD, "3")])
def test_a_label_in_its_own_column_is_not_multiplied_in(label, claim, factor):
    text = ALIGN.format(env="align", body=f"{claim} {label.replace('2', factor, 1)}")
    assert statuses(text) == [Status.REFUTED], text


@pytest.mark.parametrize("env, body", [
    ("align*", HALF + r" && (2)"),
    ("flalign", HALF + r" && (2)"),
    ("alignat}{2", HALF + r" && (2)"),
    ("equation", "\\begin{aligned}" + HALF + r" && (2) \end{aligned}"),
    ("equation", "\\begin{split}" + HALF + r" & (2) \end{split}"),
    ("eqnarray", r"\Delta^L_j &=& \frac12 (a^L_j - y_j) f'(z^L_j) & (2)"),
])
def test_labels_in_other_alignment_environments_are_not_multiplied_in(env, body):
    text = ALIGN.format(env=env, body=body).replace("\\end{alignat}{2}", "\\end{alignat}")
    assert Status.PROVED not in statuses(text), text
    assert Status.REFUTED in statuses(text), text


def test_a_label_column_in_markdown_is_not_multiplied_in():
    text = "$$\n\\begin{aligned}\n" + HALF + " && (2) \\\\\n" + THIRD + " && (3)\n\\end{aligned}\n$$\n"
    assert statuses(text, "markdown") == [Status.REFUTED, Status.REFUTED]


@pytest.mark.parametrize("env", ["equation", "gather", "multline"])
def test_an_ampersand_where_tex_has_no_columns_is_not_read(env):
    text = ALIGN.format(env=env, body=HALF.replace("&=", "=") + " & 2")
    out = C.check_text(text, "latex")
    assert [c["status"] for c in out] == [Status.ILL_FORMED], out
    assert "&" in out[0]["reason"] and "line 2" in out[0]["reason"]
    md = "$$" + HALF + " && 2$$\n"
    assert statuses(md, "markdown") == [Status.ILL_FORMED]


@pytest.mark.parametrize("column", ["(2)(1)", "2 \\cdot 1", "\\frac{2}{1}", "x_1"])
def test_another_column_beside_an_equation_makes_it_unread(column):
    out = statuses(ALIGN.format(env="align", body=f"{HALF} && {column}"))
    assert out == [Status.UNKNOWN], out    # not read: never proved


@pytest.mark.parametrize("line", ["& (2)", "& 2", "&\\qquad (2)"])
def test_a_line_holding_only_a_label_after_an_equation_is_not_a_factor(line):
    out = statuses(ALIGN.format(env="align", body=f"{HALF} \\\\ {line}"))
    assert Status.PROVED not in out and out, out


def test_a_row_continuing_one_of_several_equations_is_not_read():
    body = r"C &= C & \Delta^L_j &= (a^L_j - y_j) f'(z^L_j) \\ &= (y_j - a^L_j) f'(z^L_j)"
    out = statuses(ALIGN.format(env="align", body=body))
    assert out == [Status.PROVED, Status.PROVED, Status.UNKNOWN], out


# ---------------------------------------------------------------- what must still prove

@pytest.mark.parametrize("label", ["&& (2)", "&& \\text{(2)}", "& (BP1)", "&& 2", "&&\\quad (2)"])
def test_a_correct_equation_with_its_label_column_still_proves(label):
    assert statuses(ALIGN.format(env="align", body=f"{RIGHT} {label}")) == [Status.PROVED]


def test_column_pairs_are_equations_of_their_own():
    body = r"C &= C & \Delta^L_j &= (a^L_j - y_j) f'(z^L_j) \\ C &= 2C & C &= C"
    assert statuses(ALIGN.format(env="align", body=body)) == [
        Status.PROVED, Status.PROVED, Status.REFUTED, Status.PROVED]
    # && between pairs: an empty pair between
    body = r"C &= C && \Delta^L_j &= (a^L_j - y_j) f'(z^L_j)"
    assert statuses(ALIGN.format(env="align", body=body)) == [Status.PROVED, Status.PROVED]


def test_a_condition_column_is_the_condition_of_its_equation():
    good = C.check_text(ALIGN.format(env="align", body=RIGHT + r" & j \le n_L"), "latex")
    assert [c["status"] for c in good] == [Status.PROVED] and "n_L" in good[0]["reason"]
    bad = ALIGN.format(env="align", body=r"\Delta^L_j &= a^L_j - y_j && j \le n_L")
    assert statuses(bad) == [Status.REFUTED]
    last = ALIGN.format(env="align",
                        body=r"\Delta^l_j &= (a^l_j - y_j) f'(z^l_j) && \text{for } l = L")
    assert statuses(last) == [Status.PROVED]
    everywhere = ALIGN.format(env="align",
                              body=r"\Delta^l_j &= (a^l_j - y_j) f'(z^l_j)")
    assert Status.PROVED not in statuses(everywhere)


def test_eqnarray_columns_are_one_equation():
    text = ALIGN.format(env="eqnarray", body=r"\Delta^L_j &=& (a^L_j - y_j) f'(z^L_j) \\ C &=& C")
    assert statuses(text) == [Status.PROVED, Status.PROVED]


def test_rows_keep_their_place_in_the_file():
    text = ("% a comment\n\\begin{align}\n  C &= C & \\Delta^L_j &= (a^L_j - y_j) f'(z^L_j)"
            " && (2)\n\\end{align}\n")
    rows = documents.rows(text, documents.LATEX)
    assert [r.text.split("=")[0].strip() for r in rows] == ["C", "\\Delta^L_j"]
    second = rows[1]
    assert text[second.start:second.start + len(second.text)] .replace("&", " ") == second.text
    assert documents.locate(text, second.start) == (3, text.split("\n")[2].index("\\Delta") + 1)
    assert "(2)" not in second.text


def test_what_is_and_is_not_a_label():
    for label in ["(2)", "\\text{(2)}", "(BP1)", "\\quad (2)", "\\text{eq. 3}", "2", "(2.3a)",
                  "\\qquad\\text{(5)}", "[4]", "(a)", "(iv)"]:
        assert is_label(label), label
    for other in ["(2)(1)", "2 \\cdot 1", "x_1", "(x_1)", "j \\le n_L", "\\text{for } l = L",
                  "a^l_j", "\\frac12", "(a + b)", "= 2"]:
        assert not is_label(other), other


# ---------------------------------------------------------------- class 5: the homework

HOMEWORK_TEX = r"""\documentclass{article}
\usepackage{amsmath}
\begin{document}
The network computes, layer by layer,
\begin{align}
%s
\end{align}
The error of a hidden layer is
\begin{equation}
\delta^l = (W^{l+1} \delta^{l+1}) \odot f'(z^l)
\end{equation}
\end{document}
"""
HOMEWORK_MD = r"""The network computes, layer by layer,

$$z^l = W^l a^{l-1} + b^l, \qquad a^l = f(z^l).$$

The error of a hidden layer is

$$\delta^l = (W^{l+1} \delta^{l+1}) \odot f'(z^l)$$
"""


def _check_json(path):
    r = cli("check", str(path), "--json")
    return r.exit_code, json.loads(r.output)


@pytest.mark.parametrize("row", [
    r"z^l = W^l a^{l-1} + b^l & a^l = f(z^l)",
    r"z^l &= W^l a^{l-1} + b^l & a^l &= f(z^l)",
    r"z^l &= W^l a^{l-1} + b^l, & a^l &= f(z^l).",
    r"z^l_j &= \sum_k W^l_{jk} a^{l-1}_k + b^l_j && a^l_j &= f(z^l_j)",
])
def test_a_definition_in_a_two_column_align_row_fixes_the_convention(tmp_path, row):
    tex, md = tmp_path / "hw.tex", tmp_path / "hw.md"
    tex.write_text(HOMEWORK_TEX % row)
    md.write_text(HOMEWORK_MD)
    code_tex, doc_tex = _check_json(tex)
    code_md, doc_md = _check_json(md)
    read = [(f["what"], f["value"]) for f in doc_tex.get("read_from_document", [])]
    assert read == [(f["what"], f["value"]) for f in doc_md.get("read_from_document", [])]
    assert ("convention", "to-from") in read
    assert doc_tex["convention"] == doc_md["convention"] == "to-from"
    # the missing transpose is refuted in both, as the document's own convention says
    assert doc_tex["claims"][-1]["status"] == doc_md["claims"][-1]["status"] == "refuted"
    assert code_tex == code_md == 1


# ---------------------------------------------------------------- nested and MathJax layouts

@pytest.mark.parametrize("env", ["align", "align*", "eqnarray"])
def test_an_alignment_environment_inside_dollars_owns_its_columns(env):
    """MathJax and KaTeX read $$\\begin{align}…\\end{align}$$: its &s are the align's."""
    body = (HALF + " \\\\\n" + RIGHT) if env != "eqnarray" else (
        HALF.replace("&=", "&=&") + " \\\\\n" + RIGHT.replace("&=", "&=&"))
    text = f"$$\n\\begin{{{env}}}\n{body}\n\\end{{{env}}}\n$$\n"
    assert statuses(text, "markdown") == [Status.REFUTED, Status.PROVED]


def test_an_ampersand_placing_a_nested_block_cuts_nothing():
    inner = "\\begin{aligned}\n" + RIGHT + " \\\\\n&= (a^L_j - y_j) f(z^L_j)\n\\end{aligned}"
    text = ("$$\\begin{aligned}\n&" + inner + "\\\\\n&" + inner.replace(RIGHT, HALF)
            + "\n\\end{aligned}$$\n")
    assert statuses(text, "markdown") == [Status.PROVED, Status.REFUTED,
                                          Status.REFUTED, Status.REFUTED]


def test_a_column_ending_in_a_relation_continues_in_the_next():
    """`a =& b = c` is one chain a = b = c, not the equations `a =` and `b = c`."""
    body = (r"\Delta^L_j =& \frac{\partial C}{\partial z^L_j} = (a^L_j - y_j) f'(z^L_j) \\"
            "\n" r"=& \frac12 (a^L_j - y_j) f'(z^L_j)")
    out = C.check_text(ALIGN.format(env="align", body=body), "latex")
    assert [c["status"] for c in out] == [Status.PROVED, Status.PROVED, Status.REFUTED], out
