"""Review of issue 22: the linear specialisation must never prove what the linear (or
mixed) network itself does not. Each test below printed "proved" before the fix."""
import pytest
import sympy

from backprop_sym import verify
from backprop_sym.engine import activations, specialise
from backprop_sym.engine.activations import Activation, Atoms
from backprop_sym.engine.backends import symengine_available
from backprop_sym.engine.network import Shape


@pytest.fixture(autouse=True)
def fresh():
    specialise.forget()
    yield
    specialise.forget()


def _identity_like(name, derivative):
    return Activation(name=name, formula="", value=lambda B, u: u, derivative=derivative,
                      atoms=lambda B, u, probe, tag: Atoms({}, {}),
                      forward=lambda z, num: z, identity=True)


@pytest.mark.skipif(not symengine_available(), reason="needs SymEngine")
def test_identity_read_in_sympy_only_is_not_trusted_for_symengine():
    """f' stated 1 in SymPy but 2 in SymEngine: output_delta is false on SymEngine."""
    act = _identity_like("review22_backend",
                         lambda B, u: B.Integer(1) if B.name == "sympy" else B.Integer(2))
    with activations.registered(act):
        r = verify(Shape.make((2, 2), act.name), backend="symengine")
    assert r.status == "refuted"
    assert {c.status for c in r.checks if c.rule == "output_delta"} == {"refuted"}


def test_identity_whose_derivative_is_1_only_at_a_bare_symbol_is_not_trusted():
    act = _identity_like("review22_bare",
                         lambda B, u: B.Integer(1) if isinstance(u, sympy.Symbol)
                         else B.Integer(2))
    with activations.registered(act):
        r = verify(Shape.make((2, 2), act.name), backend="sympy")
    assert r.status == "refuted"


def test_an_activation_only_flagged_generic_is_not_the_generic_f():
    """A registration with is_generic=True that is not "f" (here tanh) is no free
    generator: its mixed shape with linear layers is not the generic f's."""
    g = Activation(name="review22_g", formula="", value=lambda B, u: B.tanh(u),
                   derivative=lambda B, u: 1 - B.tanh(u) ** 2,
                   atoms=lambda B, u, p, t: Atoms({B.tanh(u): B.Atom("T" + t)}, {}),
                   forward=lambda z, num: num.tanh(z), is_generic=True)
    with activations.registered(g):
        shape = Shape.make((2, 2, 2), "review22_g,linear")
        assert specialise.generic_shape(shape) is None
        assert verify(shape, backend="sympy").specialised == 0
