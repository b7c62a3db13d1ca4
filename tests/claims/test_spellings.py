"""MathJax/KaTeX spellings read as the TeX they stand for (claims/markup.py): a claim spelled
so gets the verdict of the same claim in plain TeX (the reference), and the false claims
written with them are never proved."""
from __future__ import annotations

import pytest

from backprop_sym.claims.check import check_claim
from backprop_sym.engine.vocabulary import Status

# (spelled, the same claim in plain TeX)
SAME = [
    (r"\frac{\part C}{\part b^l_j} = \delta^l_j", r"\frac{\partial C}{\partial b^l_j} = \delta^l_j"),
    (r"\delta^L = \nabla_a C \odot \sigma\prime(z^L)", r"\delta^L = \nabla_a C \odot \sigma'(z^L)"),
    (r"\delta^l = ((w^{l+1})^T\space\delta^{l+1}) \odot f\prime(z^l)",
     r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot f'(z^l)"),
    (r"\boldsymbol{\mathbf{\delta}}^l = ((\bm{W}^{l+1})^T \boldsymbol{\delta}^{l+1}) \odot f'(z^l)",
     r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot f'(z^l)"),
    (r"\frac{\partial {\cal C}}{\partial b^l_j} = \frac{1}{N}\sum_x \frac{\partial C_x}{\partial b^l_j}",
     r"\frac{\partial \mathcal{C}}{\partial b^l_j} = \frac{1}{N}\sum_x \frac{\partial C_x}{\partial b^l_j}"),
    (r"\frac{\part C}{\part w^l_{jk}} = a^{l-1}_k \thinspace \delta^l_j",
     r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j"),
]

# false rows written with the spellings: a missing transpose, the wrong layer, swapped indices
FALSE = [
    r"\delta^l = (w^{l+1}\space\delta^{l+1}) \odot \sigma\prime(z^l)",
    r"\frac{\part C}{\part w^l_{jk}} = a^{l-1}_j \space \delta^l_k",
    r"\delta^L = \nabla_a C \odot \sigma\prime(z^{L-1})",
    r"\frac{\part C}{\part w^L} = a^{L-1} \space \delta^L",
    r"\boldsymbol{\delta}^l = (\mathbf{W}^{l+1} \bm{\delta}^{l+1}) \odot f\prime(z^l)",
    r"\frac{\part C}{\part b^l_j} = \delta^{l+1}_j",
]


def _status(latex: str, convention: str = "to-from"):
    return check_claim(latex, convention=convention)[0]["status"]


@pytest.mark.parametrize("spelled, plain", SAME)
def test_a_spelling_reads_as_the_plain_tex(spelled, plain):
    assert _status(plain) == Status.PROVED          # the reference holds
    assert _status(spelled) == Status.PROVED


@pytest.mark.parametrize("latex", FALSE)
def test_false_rows_with_spellings_are_never_proved(latex):
    assert _status(latex) in (Status.REFUTED, Status.ILL_FORMED)


def test_an_unread_operatorname_is_named():
    c = check_claim(r"\frac{\partial a^l}{\partial z^l} = \operatorname{diag}(f'(z^l))")[0]
    assert c["status"] != Status.PROVED
    assert "\\operatorname{diag}" in c["reason"]


def test_operatorname_of_a_function_tex_names():
    assert _status(r"\frac{\partial C}{\partial b^l_j} = \operatorname{exp}(0) \delta^l_j") \
        == Status.PROVED
    assert _status(r"\frac{\partial C}{\partial b^l_j} = \operatorname{exp}(1) \delta^l_j") \
        != Status.PROVED
