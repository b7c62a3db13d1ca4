"""A range means the same whichever way it is written (issue 18, class 2): the backward
loop `l = L-1, \\dots, 1` is the set {1, ..., L-1}, not L-1 <= l <= 1."""
from __future__ import annotations

import pytest

from backprop_sym.claims.check import check_claim
from backprop_sym.claims.conditions import read_condition
from backprop_sym.engine.vocabulary import Status

R = r"\sum_k w^{l+1}_{jk}\Delta^{l+1}_k f'(z^l_j)"
# right at l = L-1 (so at depth 2), wrong at l = 1 of depth 3 (n_1 != n_2 there)
WRONG = [rf"\Delta^l_j = {R} + (n_{{L-1}} - n_l) {R}",
         rf"\Delta^l_j = {R} + 2 (n_l - n_{{L-1}}) ({R})",
         r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j (1 + n_l - n_{L-1})"]
RIGHT = [rf"\Delta^l_j = {R}", r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j"]
DESCENDING = [r"\quad l = L-1, \dots, 1", r"\quad l = L-1, L-2, \dots, 1",
              r"\quad l = L-1, \ldots, 1", r"\qquad \text{for } l = L-1, \dots, 1",
              r"\quad l = L-1, …, 1", r"\quad (l = L-1, \dots, 1)", r"\quad l = L - 1, ..., 1",
              r"\quad \text{for all } l = L-1, \cdots, 1"]
ASCENDING = [r"\quad l = 1, \dots, L-1", r"\quad l = 1, 2, \dots, L-1"]


def one(latex):
    (c,) = check_claim(latex)
    return c


@pytest.mark.parametrize("cond", DESCENDING + ASCENDING)
@pytest.mark.parametrize("claim", WRONG)
def test_a_claim_wrong_at_l_1_of_depth_3_is_refuted_however_the_range_runs(claim, cond):
    c = one(f"{claim} {cond}")
    assert c["status"] == Status.REFUTED and c["witness"], c


@pytest.mark.parametrize("cond", DESCENDING + ASCENDING)
@pytest.mark.parametrize("claim", RIGHT)
def test_the_correct_rule_is_proved_however_the_range_runs(claim, cond):
    c = one(f"{claim} {cond}")
    assert c["status"] == Status.PROVED, c
    assert any(len(s) >= 4 for s in c["scope"]["shapes"])        # depth 3 is checked


def _admitted(cond, L, letter="l", widths=None):
    cond = read_condition(cond, 0)
    assert cond is not None
    widths = widths or tuple(range(2, L + 3))
    return [v for v in range(0, L + 2) if cond.admits({letter: v}, L, widths)]


@pytest.mark.parametrize("cond", DESCENDING + ASCENDING)
def test_the_same_set_either_way(cond):
    for L in (1, 2, 3, 5):
        assert _admitted(cond, L) == list(range(1, L)), (cond, L)


@pytest.mark.parametrize("cond,L,want", [
    (r"l = L-1, \dots, 2", 4, [2, 3]),
    (r"l = L, L-1, \dots, 2", 4, [2, 3, 4]),
    (r"l = 3, 2, \dots, 1", 5, [1, 2, 3]),
])
def test_descending_ends(cond, L, want):
    assert _admitted(cond, L) == want


def test_a_descending_neuron_range():
    cond = read_condition(r"j = n_l, \dots, 1", 0)
    assert cond is not None
    widths = (2, 3, 4)
    got = [j for j in range(0, 6) if cond.admits({"l": 1, "j": j}, 2, widths)]
    assert got == [1, 2, 3]


def test_ends_that_cannot_be_ordered_give_every_value_between():
    cond = read_condition(r"j = n_{l+1}, \dots, n_l", 0)
    assert cond is not None
    for widths, want in (((2, 3, 5), [3, 4, 5]), ((2, 5, 3), [3, 4, 5])):
        got = [j for j in range(0, 7) if cond.admits({"l": 1, "j": j}, 2, widths)]
        assert got == want
