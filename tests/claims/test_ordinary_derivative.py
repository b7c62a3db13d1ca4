"""\\frac{d X}{d Y} between two quantities of the model reads as the derivative ∂X/∂Y (the
network's partial: every other quantity held as the network holds it); d anywhere else,
or beside something that is no quantity of the model, stays the letter d."""
import pytest

from backprop_sym.claims import check as C
from backprop_sym.claims.parse import parse
from backprop_sym.claims.tree import Deriv, Q, Var, walk
from backprop_sym.engine.vocabulary import Status

NOT_PROVED = (Status.REFUTED, Status.ILL_FORMED, Status.UNKNOWN)


def verdicts(latex, **options):
    return [c["status"] for c in C.check_claim(latex, **options)]


@pytest.mark.parametrize("latex, options", [
    (r"\frac{\partial C}{\partial z^L_k}=\frac{\partial C}{\partial a^L_k}"
     r"\frac{d a^L_k}{d z^L_k}", {}),
    (r"\frac{\partial C}{\partial z^L_k}=\frac{\partial C}{\partial a^L_k}"
     r"\frac{\mathrm{d} a^L_k}{\mathrm{d} z^L_k}", {}),
    (r"\frac{\partial C}{\partial z^L_k}=\frac{\partial C}{\partial a^L_k}"
     r"\frac{\mathrm d a^L_k}{\mathrm d z^L_k}", {}),
    (r"\frac{\partial C}{\partial z^L_k}=\frac{\partial C}{\partial a^L_k}"
     r"\frac{\,d a^L_k}{\,d z^L_k}", {}),
    (r"\frac{d a^l_j}{d z^l_j} = f'(z^l_j)", {}),
    (r"\frac{{\rm d} a^l_j}{{\rm d} z^l_j} = f'(z^l_j)", {}),
    (r"\frac{\text{d} a^l_j}{\operatorname{d} z^l_j} = f'(z^l_j)", {}),
    (r"\frac{dC}{dw^l_{jk}} = a^{l-1}_j\Delta^l_k", {}),
    (r"\frac{dC}{dw^l_{jk}} = a^{l-1}_k\Delta^l_j", {"convention": "to-from"}),
    (r"\frac{dC}{db^l_j} = \Delta^l_j", {}),
    (r"da^l_j/dz^l_j = f'(z^l_j)", {}),                                   # the slash form
    (r"\frac{\partial C}{\partial z^L_k}=\frac{\partial C}{\partial a^L_k} da^L_k/dz^L_k", {}),
])
def test_d_between_quantities_is_the_derivative(latex, options):
    assert verdicts(latex, **options) == [Status.PROVED]


@pytest.mark.parametrize("latex, options, status", [
    (r"\frac{dC}{dw^l_{jk}} = a^{l-1}_j\Delta^l_k", {"convention": "to-from"},
     Status.REFUTED),                                                     # wrong indices
    (r"\frac{dC}{dw^l_{jk}} = a^{l-1}_k\Delta^l_j", {}, Status.REFUTED),
    (r"\frac{d a^L_k}{d z^L_k} = f(z^L_k)", {}, Status.REFUTED),
    (r"\frac{dC}{db^l_j} = \Delta^l_j f'(z^l_j)", {}, Status.REFUTED),
    (r"\frac{d a^L_k}{d z^L_k} = 1", {}, Status.REFUTED),                # f is not linear
    (r"dC/dw^l_{jk} = a^{l-1}_j\Delta^l_k", {"convention": "to-from"}, Status.REFUTED),
    (r"da^l_j/dz^l_k = f'(z^l_j)", {}, Status.REFUTED),                   # 0 for j != k
])
def test_a_wrong_ordinary_derivative_is_still_refuted(latex, options, status):
    assert verdicts(latex, **options) == [status]


@pytest.mark.parametrize("latex", [
    r"\frac{dz}{dt} = 1",                       # t is no quantity of the model
    r"\frac{dz^l_j}{dt} = f'(z^l_j)",
    r"\frac{d}{dz^l_j} = 1",
    r"\frac{d a^l_j}{d} = 1",
    r"dz/dt = 1",
    r"da^l_j/dt = f'(z^l_j)",
])
def test_d_beside_no_quantity_is_not_a_derivative(latex):
    assert all(v in NOT_PROVED for v in verdicts(latex))


def test_d_elsewhere_stays_a_letter():
    rel = parse(r"d a^l_j = d a^l_j")
    assert any(isinstance(n, Var) and n.name == "d" for n in walk(rel.sides[0].node))
    rel = parse(r"x = \frac{d z}{d t}")
    assert not any(isinstance(n, Deriv) for n in walk(rel.sides[1].node))
    rel = parse(r"x = dz/dt")
    assert not any(isinstance(n, Deriv) for n in walk(rel.sides[1].node))
    rel = parse(r"x = \frac{d a^L_k}{d z^L_k}")
    d = rel.sides[1].node
    assert isinstance(d, Deriv) and isinstance(d.num, Q) and d.num.kind == "a"
