"""Review R4: the reverse walk with user-registered activations it takes (a power of a
function node, a rational power of a polynomial in z): every gradient and every Δ equals
SymPy's own `diff` of the same cost (at exact rational points, 40 digits), under both
conventions, N = 2, widths of 1, the sum reduction with L2; and correct rules prove."""
import random

import pytest
import sympy

from backprop_sym.engine import activations, direct
from backprop_sym.engine.activations import Activation, Atoms
from backprop_sym.engine.backends import get_backend, symengine_available
from backprop_sym.engine.network import Expressions, Shape
from backprop_sym.engine.verify import verify

pytestmark = pytest.mark.skipif(not symengine_available(), reason="needs SymEngine")


def _act(name, value, derivative):
    return Activation(name=name, formula="g", value=value, derivative=derivative,
                      atoms=lambda B, u, probe, tag: Atoms({}, {}), forward=None, tex="g",
                      numpy=lambda np: (None, None), cost=1.5)


ACTS = [
    _act("r4-tanh-cubed", lambda B, u: B.tanh(u) ** 3,
         lambda B, u: 3 * B.tanh(u) ** 2 * (1 - B.tanh(u) ** 2)),
    _act("r4-sqrt", lambda B, u: (u ** 2 + 1) ** B.Rational(1, 2),
         lambda B, u: u * (u ** 2 + 1) ** B.Rational(-1, 2)),
]


@pytest.mark.parametrize("act", ACTS, ids=lambda a: a.name)
@pytest.mark.parametrize("widths,convention,cost", [
    ("1,1", "from-to", ("squared", "sum", True)),
    ("2,1,2", "to-from", ("half-squared", "mean", False))])
def test_walked_gradients_equal_sympy_diff(act, widths, convention, cost):
    B = get_backend("symengine")
    rnd = random.Random(4)
    with activations.registered(act):
        shape = Shape.make(widths, act.name, samples=2, convention=convention)
        ex = Expressions(shape.with_cost(*cost), B, probes=True)
        assert direct.walked(ex)
        C = B.to_sympy(ex.cost)
        pts = {s: 0 if "eps" in str(s) else sympy.Rational(rnd.randint(1, 9), rnd.randint(2, 7))
               for s in C.free_symbols}

        def same(a, b):
            return abs(sympy.N((B.to_sympy(a) - b).xreplace(pts), 40)) < 1e-30
        for p in [*ex.w.values(), *ex.b.values()]:
            assert same(direct.cost_gradient(ex, p), sympy.diff(C, B.to_sympy(p))), p
        for (s, l, j), probe in ex.probe.items():
            ref = sympy.diff(B.to_sympy(ex.example_cost[s]), B.to_sympy(probe))
            assert same(direct.delta(ex, s, l, j), ref), (s, l, j)


@pytest.mark.parametrize("act", ACTS, ids=lambda a: a.name)
def test_correct_rules_prove_with_the_walk(act):
    with activations.registered(act):
        r = verify(Shape.make("1,2", act.name, samples=2), backend="symengine", timeout=120)
        assert r.status == "proved", r.summary()
