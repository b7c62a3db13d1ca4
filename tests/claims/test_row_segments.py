"""A display row holding several equations gives one claim each, on its own line; a row that
cannot be read is never bridged by the row continuing it; discourse around an equation
(a control space, \\Rightarrow, \\text{Similarly,}, \\text{where}, =:) is read through."""
from __future__ import annotations

import pytest

from backprop_sym.claims.check import check_claim, check_text
from backprop_sym.engine.vocabulary import Status

DB = r"\frac{\partial C}{\partial b^l_j}"


def _run(text):
    return [(c["line"], c["status"], c["reason"]) for c in check_text(text, convention="to-from")]


def test_each_equation_of_a_quad_row_has_its_own_line():
    text = (f"$$\n{DB} = \\delta^l_j \\quad\n"
            "\\frac{\\partial C}{\\partial w^l_{jk}} = a^{l-1}_k \\delta^l_j \\qquad\n"
            "\\frac{\\partial C}{\\partial w^l_{jk}} = a^{l-1}_j \\delta^l_k\n$$\n")
    out = _run(text)
    assert [(ln, st) for ln, st, _ in out] == [(2, Status.PROVED), (3, Status.PROVED),
                                              (4, Status.REFUTED)]


def test_joined_by_comma_thin_space_and_text_and():
    for join in (r",\;", r",\,", r"\text{ and }", r"\quad\text{and}\quad"):
        text = f"$$\n{DB} = \\delta^l_j {join} {DB} = \\delta^{{l+1}}_j\n$$\n"
        assert [st for _, st, _ in _run(text)] == [Status.PROVED, Status.ILL_FORMED] \
            or [st for _, st, _ in _run(text)] == [Status.PROVED, Status.REFUTED], join


def test_a_segment_keeps_its_own_unread_reason_and_line():
    text = (f"$$\n{DB} = \\delta^l_j \\quad\n"
            "\\frac{\\partial a^l}{\\partial z^l} = \\operatorname{diag}(f'(z^l))\n$$\n")
    out = _run(text)
    assert out[0][:2] == (2, Status.PROVED)
    assert out[1][0] == 3 and out[1][1] == Status.UNKNOWN and "\\operatorname{diag}" in out[1][2]


def test_a_condition_after_the_equation_is_still_a_condition():
    text = ("$$\n\\delta^l = ((w^{l+1})^T \\delta^{l+1}) \\odot f'(z^l) \\quad \\text{for } l < L\n$$\n")
    out = _run(text)
    assert len(out) == 1 and out[0][1] == Status.PROVED


def test_a_row_continuing_an_unread_row_is_not_checked_across_the_gap():
    # read across the gap, row 3 would be the true dC/db = delta: it must not be proved
    for unread in (r"\operatorname{foo}(z^l_j)", r"\delta^l_j \; ) ("):
        text = (f"\\begin{{align}}\n{DB} &= {unread} \\\\\n&= \\delta^l_j \\\\\n"
                "&= \\frac{\\partial C}{\\partial z^l_j}\n\\end{align}\n")
        out = _run(text)
        assert out[1][1] == Status.UNKNOWN, unread    # not read: never proved
        assert "continues an unread row (line 2)" in out[1][2]
        assert "no previous line" not in out[1][2]
        assert out[2][1] == Status.PROVED             # delta = dC/dz: its own step


def test_discourse_around_an_equation_is_read_through():
    text = (f"$$\n\\Rightarrow {DB} = \\delta^l_j\n$$\n"
            f"$$\n\\text{{Similarly, }} {DB} = \\delta^l_j\n$$\n"
            f"$$\n{DB} = \\delta^l_j =: \\Delta\n$$\n"
            f"$$\n{DB} = \\delta^l_j \\quad \\text{{where }} \\delta^l_j = "
            "\\frac{\\partial C}{\\partial z^l_j}\n$$\n")
    assert [st for _, st, _ in _run(text)] == [Status.PROVED] * 5


def test_discourse_does_not_hide_a_false_step_or_a_condition():
    text = (f"$$\n\\Rightarrow {DB} = \\delta^{{l+1}}_j\n$$\n"
            f"$$\n\\text{{for }} l = L: {DB} = \\delta^l_j\n$$\n")
    out = _run(text)
    assert out[0][1] in (Status.REFUTED, Status.ILL_FORMED)
    assert all(st != Status.PROVED for _, st, _ in out[1:])


def test_a_row_after_a_control_space_keeps_its_line():
    text = ("$$\n\\begin{aligned}\n\\delta^l_j &= \\frac{\\partial C}{\\partial z^l_j} \\\\\\\n"
            "\\delta^L &= \\nabla_a C \\odot f'(z^L)\n\\end{aligned}\n$$\n")
    out = _run(text)
    assert [(ln, st) for ln, st, _ in out] == [(3, Status.PROVED), (3, Status.PROVED)]


def test_a_joined_equation_is_a_claim_of_its_own_never_dropped():
    for latex in (r"C = C \quad \text{so} \quad C = 2 C", r"C = C \quad\text{and}\quad C = 2C",
                  r"C = C,\; C = 2C"):
        out = check_claim(latex)
        assert [c["status"] for c in out] == [Status.PROVED, Status.REFUTED], latex


def test_prose_alone_is_not_discourse():
    c = check_claim(r"\text{by the chain rule}")[0]
    assert c["status"] == Status.SKIPPED and "prose" in c["reason"]


@pytest.mark.parametrize("dropped", [
    r"&= \delta^{l+1}_j & \frac{\partial C}{\partial w}",     # an unread column: skipped
    r"&= \delta^{l+1}_j \\ & (3)",                            # a label after it: skipped
])
def test_a_step_after_a_dropped_row_is_never_checked_across_the_gap(dropped):
    """∂C/∂z^l_j = δ^l_j holds, but the step as written is δ^{l+1}_j = δ^l_j: never proved."""
    text = ("\\begin{align}\n\\frac{\\partial C}{\\partial b^l_j} &= "
            "\\frac{\\partial C}{\\partial z^l_j} \\\\\n" + dropped + " \\\\\n"
            "&= \\delta^l_j\n\\end{align}\n")
    out = check_text(text, "latex")
    assert out[0]["status"] == Status.PROVED
    assert all(c["status"] != Status.PROVED for c in out[1:]), [(c["line"], c["status"]) for c in out]
    assert "continues an unread row" in out[-1]["reason"]


@pytest.mark.parametrize("row", [
    r"\Delta^l_j = (a^L_j - y_j) f'(z^L_j) \quad \text{unless } l < L",     # a condition word
    r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j \quad\text{except } l = L",
    r"\frac{\partial C}{\partial b^l_j} = 0 \text{ with } \Delta^l_j = 0",   # a hypothesis
    r"\Delta^l_j = 0 \text{ then } \frac{\partial C}{\partial b^l_j} = 0",
    r"\text{Suppose } \Delta^l_j = 0 \text{ then } \frac{\partial C}{\partial b^l_j} = 0",
    r"\text{It is not true that } \frac{\partial C}{\partial b^l_j} = 2\Delta^l_j",
    r"\text{If } \Delta^l_j = 0 \text{, } \frac{\partial C}{\partial b^l_j} = 0",
])
def test_prose_that_may_change_the_meaning_leaves_the_row_unread(row):
    """Words are never read as letters, a hypothesis is never checked as a claim and a
    negation is never dropped: nothing is refuted or proved."""
    out = check_claim(row)
    assert all(c["status"] not in (Status.PROVED, Status.REFUTED) for c in out), \
        [(c["parsed"], c["status"]) for c in out]


@pytest.mark.parametrize("row", [
    r"\text{Similarly, } \frac{\partial C}{\partial b^l_j} = \Delta^l_j",
    r"\text{Hence } \frac{\partial C}{\partial b^l_j} = \Delta^l_j",
    r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j \quad \text{for } l < L",
    r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j \quad \text{and} \quad "
    r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j)",
])
def test_connectives_and_conditions_are_still_read(row):
    assert all(c["status"] == Status.PROVED for c in check_claim(row))
