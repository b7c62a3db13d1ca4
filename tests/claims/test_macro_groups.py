"""Macro definitions scoped by TeX groups: in a LaTeX document a definition holds from where
it is made to the end of its group (braces, \\begingroup, \\bgroup, every environment and
math display), \\gdef, \\xdef and \\global ones everywhere after; a definition inside a
display applies from where it is made. A Markdown page (MathJax) keeps a `$$` block's
definitions for later blocks, but braces in a block scope a \\def there. Every
must-not-prove case has a must-still-prove one beside it."""
from __future__ import annotations

import pytest

from backprop_sym.claims import check as C
from backprop_sym.claims import documents
from backprop_sym.engine.vocabulary import Status

CLAIM = r"\frac{\partial C}{\partial b^l_j} = \D^l_j"     # true exactly when \D is \Delta


def statuses(text: str, kind: str = documents.LATEX) -> list[str]:
    return [c["status"] for c in C.check_text(text, kind, convention="from-to")]


def doc(preamble: str, body: str) -> str:
    return (f"\\documentclass{{article}}\n{preamble}\n\\begin{{document}}\n{body}\n"
            f"\\end{{document}}\n")


def eq(text: str) -> str:
    return f"\\begin{{equation}}\n{text}\n\\end{{equation}}\n"


# ------------------------------------------------------------ a local definition ends

@pytest.mark.parametrize("group", [
    r"{\renewcommand{\D}{X}}",
    r"{\def\D{X}}",
    r"\begingroup\def\D{X}\endgroup",
    r"\begingroup \renewcommand*{\D}{X} \endgroup",
    r"\bgroup\let\D\Y\egroup",
    r"\begin{center}\def\D{X}\end{center}",
    r"\begin{minipage}{3cm}\def\D{X}\end{minipage}",
    r"\[\def\D{X} a = a \]",
    r"$$\def\D{X} a = a $$",
    r"$\def\D{X} a$",
    eq(r"\renewcommand{\D}{X} a = a"),
    r"\begin{align}\def\D{X} a &= a\end{align}",
])
@pytest.mark.parametrize("outer, inner", [
    (r"\Delta", r"2\Delta"),          # the local meaning would refute a true claim
    (r"2\Delta", r"\Delta"),          # the local meaning would prove a false one
])
def test_a_definition_in_a_group_ends_with_the_group(group, outer, inner):
    preamble = rf"\newcommand{{\D}}{{{outer}}}\newcommand{{\Y}}{{{inner}}}"
    text = doc(preamble, group.replace("X", inner) + "\n" + eq(CLAIM))
    got = statuses(text)[-1]
    if outer == r"\Delta":
        assert got == Status.PROVED
    else:
        assert got != Status.PROVED


def test_m3_a_renewcommand_in_an_equation_holds_there_and_not_in_the_next():
    text = doc(r"\newcommand{\D}{2\Delta}",
               eq(r"\renewcommand{\D}{\Delta}" "\n" r"\frac{\partial C}{\partial z^l_j} = \D^l_j")
               + eq(CLAIM))
    assert statuses(text) == [Status.PROVED, Status.REFUTED]


def test_m2_definitions_inside_groups_do_not_leak():
    text = doc(r"\newcommand{\D}{\Delta}",
               r"{\renewcommand{\D}{2\Delta}}" "\n" + eq(CLAIM)
               + eq(r"\def\D{3\Delta} \frac{\partial C}{\partial b^l_j} = 3\Delta^l_j")
               + eq(CLAIM) + "\\begingroup\n\\def\\D{4\\Delta}\n\\endgroup\n" + eq(CLAIM))
    assert statuses(text) == [Status.PROVED, Status.REFUTED, Status.PROVED, Status.PROVED]


def test_a_definition_inside_a_display_applies_from_where_it_is_made():
    rows = (r"\frac{\partial C}{\partial b^l_j} &= \D^l_j \\"
            "\n" r"\def\D{\Delta} \frac{\partial C}{\partial b^l_j} &= \D^l_j \\"
            "\n" r"\frac{\partial C}{\partial z^l_j} &= \D^l_j")
    text = doc(r"\newcommand{\D}{2\Delta}",
               f"\\begin{{align}}\n{rows}\n\\end{{align}}\n" + eq(CLAIM))
    got = statuses(text)
    assert got[0] != Status.PROVED                  # before the \def: 2Δ
    assert got[1:3] == [Status.PROVED, Status.PROVED]
    assert got[3] != Status.PROVED                  # after the align: 2Δ again


@pytest.mark.parametrize("outer, inner, expected", [
    (r"2\Delta", r"\Delta", [True, False]),
    (r"\Delta", r"2\Delta", [False, True]),
])
def test_braces_inside_a_display_scope_a_definition_there(outer, inner, expected):
    rows = (rf"\frac{{\partial C}}{{\partial b^l_j}} &= {{\def\D{{{inner}}}\D^l_j}} \\"
            "\n" r"\frac{\partial C}{\partial z^l_j} &= \D^l_j")
    text = doc(rf"\newcommand{{\D}}{{{outer}}}", f"\\begin{{align}}\n{rows}\n\\end{{align}}\n")
    assert [s == Status.PROVED for s in statuses(text)] == expected


# ------------------------------------------------------------ a global definition stays

@pytest.mark.parametrize("group", [
    r"{\gdef\D{\Delta}}",
    r"{\xdef\D{\Delta}}",
    r"\begingroup\global\def\D{\Delta}\endgroup",
    r"\begin{center}\global\long\def\D{\Delta}\end{center}",
    r"{\global\let\D\Y}",
    eq(r"\gdef\D{\Delta} a = a"),
    r"{\def\D{3\Delta}{\gdef\D{\Delta}}}",
])
def test_a_global_definition_in_a_group_stays(group):
    text = doc(r"\newcommand{\D}{2\Delta}\newcommand{\Y}{\Delta}", group + "\n" + eq(CLAIM))
    assert statuses(text)[-1] == Status.PROVED


def test_a_local_definition_after_a_global_one_in_the_same_group_ends():
    text = doc(r"\newcommand{\D}{3\Delta}",
               r"{\gdef\D{\Delta}\def\D{2\Delta}}" "\n" + eq(CLAIM))
    assert statuses(text) == [Status.PROVED]
    text = doc(r"\newcommand{\D}{\Delta}",
               r"{\gdef\D{2\Delta}\def\D{\Delta}}" "\n" + eq(CLAIM))
    assert statuses(text) != [Status.PROVED]


# ------------------------------------------------------------ Markdown: MathJax's reading

def test_markdown_a_def_block_holds_in_later_blocks():
    text = "Macros:\n\n$$\n\\def\\D{\\Delta}\n$$\n\nThe bias:\n\n$$\n" + CLAIM + "\n$$\n"
    assert statuses(text, documents.MARKDOWN) == [Status.PROVED]
    wrong = text.replace(r"\def\D{\Delta}", r"\def\D{2\Delta}")
    assert statuses(wrong, documents.MARKDOWN) != [Status.PROVED]


def test_markdown_braces_in_a_block_scope_a_def():
    text = ("$$\n\\def\\D{2\\Delta}\n$$\n\n$$\n{\\def\\D{\\Delta}}\n$$\n\nThe bias:\n\n$$\n"
            + CLAIM + "\n$$\n")
    assert statuses(text, documents.MARKDOWN)[-1] != Status.PROVED
    text = text.replace(r"{\def\D{\Delta}}", r"{\gdef\D{\Delta}}")
    assert statuses(text, documents.MARKDOWN)[-1] == Status.PROVED


def test_an_incomplete_definition_beside_a_complete_one_is_no_traceback():
    text = doc(r"\newcommand{\D}{\Delta}" "\n" "\\newcommand\\\n", eq(CLAIM))
    assert statuses(text) == [Status.PROVED]
