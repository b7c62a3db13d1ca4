"""Sizes are chosen by the claim's degree in them, not by counting its literals (issue 18,
class 1): a polynomial factor in n_l or N that vanishes at the sizes sampled is not proved."""
from __future__ import annotations

import pytest

from backprop_sym.claims.check import check_claim
from backprop_sym.claims.form import analyze
from backprop_sym.claims.parse import parse
from backprop_sym.claims import scope
from backprop_sym.engine.vocabulary import Status

OUT = r"(a^L_j - y_j) f'(z^L_j)"
HID = r"\sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)"
BIAS_AVG = r"\frac{1}{N}\sum_x \Delta^l_j"
DC = r"\frac{\partial \mathcal{C}}{\partial b^l_j}"


def one(latex):
    (c,) = check_claim(latex)
    return c


# a correct rule plus (a polynomial in a size that vanishes at small sizes) × a rule term
P4 = "(n_{s}-1-1)(n_{s}-1-1-1)(n_{s}-1-1-1-1)(n_{s}-1-1-1-1-1)"      # 0 at widths 2..5
WRONG = [
    rf"\Delta^L_j = {OUT} + {P4.format(s='L')} {OUT}",
    rf"\Delta^L_j = {OUT} + (n_L - 1 - 1)(n_L - 1 - 1 - 1)\cdot(n_L - 1 - 1 - 1 - 1) "
    rf"\cdot (n_L-1-1-1-1-1) (a^L_j - y_j) f'(z^L_j)",
    rf"\Delta^L_j = {OUT} + (n_L n_L - 5 n_L + 6)(n_L - 4) {OUT}",
    rf"\Delta^l_j = {HID} + {P4.format(s='l')} \Delta^{{l+1}}_1 f'(z^l_j)",
    rf"\Delta^l_j = {HID} + {P4.format(s='{l+1}')} \Delta^{{l+1}}_1 f'(z^l_j)",
    rf"\frac{{\partial C}}{{\partial b^l_j}} = \Delta^l_j + {P4.format(s='{l-1}')} \Delta^l_j",
    rf"\frac{{\partial C}}{{\partial b^l_j}} = \Delta^l_j + {P4.format(s='l')}\cdot 2 \Delta^l_j",
    r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j + (n_l - 1 - 1)(n_l-1-1-1)"
    r"\sum_k (w^{l+1}_{jk} - w^{l+1}_{jk} - 1 - 1 - 1)(n_l-1-1-1-1-1)\Delta^l_j",
    rf"{DC} = {BIAS_AVG} + \frac{{(N-1)(N-2)}}{{2}} {BIAS_AVG}",
    rf"{DC} = {BIAS_AVG} + (N-1-1)(N-1-1-1)(N-1-1-1-1)(N-1) {BIAS_AVG}",
    rf"{DC} = {BIAS_AVG} + (N-1)(N-1-1)(N-1-1-1)"
    rf"\sum_x (N - 1 - 1 - 1 - 1) \Delta^l_j",
    rf"{DC} = {BIAS_AVG} + (N N - 5 \cdot N + 6)(N-1) {BIAS_AVG}",
]


@pytest.mark.parametrize("latex", WRONG)
def test_a_polynomial_factor_that_vanishes_at_small_sizes_is_not_proved(latex):
    c = one(latex)
    assert c["status"] != Status.PROVED, c
    assert c["status"] == Status.REFUTED and c["witness"], c


RIGHT = [
    rf"\Delta^L_j = {OUT}",
    rf"\Delta^L_j = {OUT} + (n_L - n_L) {OUT}",
    rf"\Delta^l_j = {HID}",
    rf"\Delta^l_j = {HID} + (n_l-1-1)(n_l - 2 - n_l + 2) \Delta^{{l+1}}_1 f'(z^l_j)",
    r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j",
    rf"{DC} = {BIAS_AVG}",
    rf"{DC} = {BIAS_AVG} + (N-1)(N-N) {BIAS_AVG}",
]


@pytest.mark.parametrize("latex", RIGHT)
def test_correct_rules_are_still_proved(latex):
    c = one(latex)
    assert c["status"] == Status.PROVED, c
    assert "limits" not in c["scope"], c


@pytest.mark.parametrize("latex", [RIGHT[0], RIGHT[1], RIGHT[2], RIGHT[4], RIGHT[5]])
def test_correct_rules_are_still_proved_for_every_width(latex):
    c = one(latex)
    assert c["status"] == Status.PROVED and c["scope"].get("every_shape"), c


def _degrees(latex):
    rel = parse(latex)
    form = analyze(rel.sides[0].node, rel.sides[1].node)
    return scope.degrees(form.lhs, form.rhs)


@pytest.mark.parametrize("latex,n,N", [
    (r"(n_l-1-1)(n_l-1-1-1) b^l_1 = 0", 2, 0),
    (r"(n_l n_l - 5 n_l + 6)^2 b^l_1 = 0", 4, 0),
    (r"\sum_k b^l_k = 0", 1, 0),
    (r"\frac{(N-1)(N-2)}{2} \Delta^L_1 = 0", 0, 2),
    (r"\frac{1}{N} \sum_x \Delta^L_1(x) = 0", 0, 1),          # cleared of 1/N: degree 1
    (r"\frac{1}{n_l - 2} b^l_1 = 0", None, 0),                 # undefined at n_l = 2
])
def test_degrees_read_from_the_structure(latex, n, N):
    assert _degrees(latex) == {scope.WIDTHS: n, scope.EXAMPLE_COUNT: N}


def test_enough_large_shapes_each_width_new_each_time():
    rel = parse(r"(n_l-1-1)(n_l-1-1-1)(n_l-1-1-1-1) b^l_1 = 0")
    form = analyze(rel.sides[0].node, rel.sides[1].node)
    sc = scope.choose(form, lambda L: True)
    for depth in (1, 2):
        values = {s[1] for s in sc.shapes if len(s) == depth + 1}
        assert len({v for v in values if v > 2}) >= 4          # degree 3: four widths above 2
    for s in sc.shapes:
        assert min(s) <= 2 or all(a != b for a, b in zip(s, s[1:]))


def test_a_claim_not_polynomial_in_a_size_says_so_and_is_never_proved_for_every_width():
    c = one(r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j + \frac{1}{n_l+2}\Delta^l_j - "
            r"\frac{1}{n_l+2}\Delta^l_j")
    assert "not polynomial in the widths, so not every width" in c["scope"]["limits"], c
    assert not c["scope"].get("every_shape") and "for every" not in c["reason"], c
    assert "not every width" in scope.text(c["scope"])
