"""Markup that does not change the mathematics is read through (claims/markup.py): boxes,
colours, underlines, under/overbraces (the label dropped), a prime before the layer in one
superscript (notation.py); the body is what is checked, so a false body is never proved."""
from __future__ import annotations

import pytest

from backprop_sym.claims.check import check_claim, check_text
from backprop_sym.engine.vocabulary import Status

PROVE = [
    r"\boxed{\delta^L = \nabla_a C \odot \sigma'(z^L)}",
    r"\frac{\partial C}{\partial z^l_j} = \sum_k \underbrace{\frac{\partial C}{\partial z^{l+1}_k}}"
    r"_{\delta^{l+1}_k} \frac{\partial z^{l+1}_k}{\partial z^l_j}",
    r"\frac{\partial C}{\partial b^l_j} = \underbrace{\frac{\partial C}{\partial z^l_j}}_{=:\delta^l_j}",
    r"\delta^l = (\overbrace{(w^{l+1})^T}^{n_l \times n_{l+1}} \delta^{l+1}) \odot f'(z^l)",
    r"\delta^l = ((w^{l+1})^T \textcolor{red}{\delta^{l+1}}) \odot \underline{f'(z^l)}",
    r"\delta^l = ((w^{l+1})^T {\color{blue} \delta^{l+1}}) \odot f'(z^l)",
    r"\delta^{[l]}=\left(W^{[l+1]}\right)^T \delta^{[l+1]} \odot g^{\prime[l]}\left(z^{[l]}\right)",
    r"\delta^{(l)}=\left(W^{(l+1)}\right)^T \delta^{(l+1)} \odot \sigma^{\prime(l)}(z^{(l)})",
]

NOT_PROVE = [
    r"\boxed{\delta^L = \nabla_a C \odot \sigma'(z^{L-1})}",
    # the label says delta^{l+1}, the body is the layer-l derivative: the body is read
    r"\frac{\partial C}{\partial z^l_j} = \sum_k \underbrace{\frac{\partial C}{\partial z^{l}_k}}"
    r"_{\delta^{l+1}_k} \frac{\partial z^{l+1}_k}{\partial z^l_j}",
    r"\delta^l = (\overbrace{w^{l+1}}^{n_l \times n_{l+1}} \delta^{l+1}) \odot f'(z^l)",
    r"\delta^l = (w^{l+1} \textcolor{red}{\delta^{l+1}}) \odot \underline{f'(z^l)}",
    # a coloured sum as a factor prints as  2 d + d: braces cannot group it
    r"\delta^l_j = \frac{1}{2} {\color{red} \delta^l_j + \delta^l_j}",
    r"\delta^l_j = \frac{1}{2} \underline{\delta^l_j + \delta^l_j}",
    # a per-layer activation whose layer is not its argument's
    r"\delta^{[l]}=\left(W^{[l+1]}\right)^T \delta^{[l+1]} \odot g^{\prime[l]}\left(z^{[l+1]}\right)",
    r"\delta^{[l]}=\left(W^{[l+1]}\right)^T \delta^{[l+1]} \odot g^{\prime[l+1]}(z^{[l]})",
    r"\delta^{(l)}=\left(W^{(l+1)}\right)^T \delta^{(l+1)} \odot \sigma^{\prime(l-1)}(z^{(l)})",
]


@pytest.mark.parametrize("latex", PROVE)
def test_markup_is_read_through(latex):
    assert check_claim(latex, convention="to-from")[0]["status"] == Status.PROVED


@pytest.mark.parametrize("latex", NOT_PROVE)
def test_a_false_body_under_markup_is_not_proved(latex):
    assert all(c["status"] != Status.PROVED for c in check_claim(latex, convention="to-from"))


@pytest.mark.parametrize("stop", [".", ",", ";", r"\,.", r"\quad .", r"\text{.}", r"\mbox{,}"])
def test_punctuation_ending_a_display_is_not_the_claim(stop):
    text = f"$$\n\\frac{{\\partial C}}{{\\partial b^l_j}} = \\delta^l_j {stop}\n$$\n"
    out = check_text(text, convention="to-from")
    assert [c["status"] for c in out] == [Status.PROVED]


def test_a_per_layer_activation_of_another_layer_says_so():
    for latex, layers in [
            (r"\delta^{[l]}=\left(W^{[l+1]}\right)^T \delta^{[l+1]} \odot g^{\prime[l]}(z^{[l+1]})",
             ("layer l,", "z of layer l+1")),
            (r"\delta^{(l)}=\left(W^{(l+1)}\right)^T \delta^{(l+1)} \odot \sigma^{(l-1)\prime}(z^{(l)})",
             ("layer l-1,", "z of layer l:"))]:
        c = check_claim(latex, convention="to-from")[0]
        assert c["status"] == Status.ILL_FORMED
        assert all(x in c["reason"] for x in layers), c["reason"]


def test_a_per_layer_activation_of_an_expression_is_named():
    c = check_claim(r"a^{(l)} = \sigma^{(l)}(W^{(l)} a^{(l-1)} + b^{(l)})", convention="to-from")[0]
    assert c["status"] == Status.UNKNOWN and c["unread"]
    assert "per-layer activation \\sigma^{(l)}" in c["reason"]
