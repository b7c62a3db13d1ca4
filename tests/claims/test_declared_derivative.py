"""The document's own statement of f' declares the activation when one registered activation
alone satisfies it (σ'(z) = σ(z)(1 − σ(z)): the sigmoid); a wrong derivative of σ declares
nothing and is itself refuted at an exact point, checked here against SymPy by hand."""
from fractions import Fraction

import pytest
import sympy

from backprop_sym.claims import check as C
from backprop_sym.engine.vocabulary import Status

# a^L (1 - a^L) is f'(z^L) only for the sigmoid: proved only once the sigmoid is declared
OUTPUT = r"\Delta^L_j = (a^L_j - y_j) a^L_j (1 - a^L_j)"


def _doc(statement: str) -> str:
    return f"$$\n{statement}\n$$\n\n$$\n{OUTPUT}\n$$\n"


@pytest.mark.parametrize("statement", [
    r"\sigma'(z) = \sigma(z)(1-\sigma(z))",
    r"\sigma'(x) = \sigma(x) - \sigma(x)^2",
    r"f'(z) = f(z)(1 - f(z))",
])
def test_a_statement_of_the_sigmoid_derivative_declares_it(statement):
    claims = C.check_text(_doc(statement), convention="from-to")
    assert claims[0]["status"] == Status.SKIPPED and "declares the activation: sigmoid" \
        in claims[0]["reason"]
    assert claims[1]["status"] == Status.PROVED and "f = sigmoid" in claims[1]["reason"]


@pytest.mark.parametrize("statement, wrong", [
    (r"\sigma'(z) = \sigma(z)(1+\sigma(z))", lambda s: s * (1 + s)),
    (r"\sigma'(z) = \sigma(z)^2", lambda s: s ** 2),
    (r"\sigma'(z) = 2\sigma(z)(1-\sigma(z))", lambda s: 2 * s * (1 - s)),
])
def test_a_wrong_derivative_of_sigma_declares_nothing_and_is_refuted(statement, wrong):
    claims = C.check_text(_doc(statement), convention="from-to")
    first = claims[0]
    assert first["status"] == Status.REFUTED and "declares nothing" in first["reason"]
    # the witness point, checked by hand: σ' and the written side differ there
    z = sympy.Rational(Fraction(first["witness"]["values"]["z"]))
    s = 1 / (1 + sympy.exp(-z))
    assert sympy.N(sympy.diff(1 / (1 + sympy.exp(-sympy.Symbol("t"))), "t").subs("t", z)
                   - wrong(s), 30) != 0
    # nothing declared: the output error in a(1 - a) is not proved with f generic
    assert claims[1]["status"] != Status.PROVED


def test_with_an_activation_given_it_is_checked_not_declared():
    out = C.check_claim(r"\sigma'(z) = \sigma(z) (1 - \sigma(z))", activation="sigmoid")
    assert out[0]["status"] == Status.PROVED
    out = C.check_claim(r"\sigma'(z) = \sigma(z) (1 - \sigma(z))", activation="tanh")
    assert out[0]["status"] == Status.REFUTED


def test_tanh_s_derivative_declares_tanh_whatever_the_letter():
    claims = C.check_text(_doc(r"\sigma'(z) = 1 - \sigma(z)^2"), convention="from-to")
    assert "declares the activation: tanh" in claims[0]["reason"]
    assert claims[1]["status"] == Status.REFUTED       # a(1 - a) is not tanh'
