"""A new activation is one registration: register it, verify with it, refute with it."""
from __future__ import annotations

import pytest

from backprop_sym.engine import activations, estimate
from backprop_sym.engine.activations import Activation, Atoms
from backprop_sym.engine.network import Shape
from backprop_sym.engine.verify import verify

# f(z) = z^2 + z: polynomial, so it needs no atoms of its own
QUADRATIC = Activation(
    name="quadratic",
    formula=r"f(z) = z^2 + z,\quad f'(z) = 2z + 1",
    value=lambda B, u: u ** 2 + u,
    derivative=lambda B, u: 2 * u + 1,
    atoms=lambda B, u, probe, tag: Atoms({}, {}),
    forward=lambda z, num: z * z + z,
    tex=r"q",
    numpy=lambda np: (lambda z: z * z + z, lambda z: 2 * z + 1),
    cost=1.5,
)


@pytest.mark.slow
def test_a_registered_activation_verifies_and_refutes_and_goes_away():
    with activations.registered(QUADRATIC):
        assert "quadratic" in activations.names()
        shape = Shape.make("2,2,2", "quadratic")
        assert estimate.activation_factor(shape) == 1.5
        result = verify(shape, backend="sympy")
        assert result.status == "proved", result.summary()

        def no_fprime(q, s, j):                  # BP1 without f'(z^L_j)
            return q.a(s, q.L, j) - q.y(s, j)
        wrong = verify(shape, backend="sympy", rules_override={"output_delta": no_fprime})
        assert wrong.status == "refuted", wrong.summary()
        bad = next(c for c in wrong.checks if c.status == "refuted")
        assert bad.witness is not None and bad.witness.left != bad.witness.right
    assert "quadratic" not in activations.names()


def test_a_rule_written_with_q_examples_verifies():
    """q.examples() is part of every implementation of the quantities (it used to exist
    only in prove's, so such a rule proved in `prove` and failed in `verify`)."""
    def bias_grad(q, l, j):
        return sum(q.delta(s, l, j) for s in q.examples()) / q.N

    result = verify(Shape.make("2,2", "f", samples=2), backend="sympy",
                    rules_override={"bias_grad": bias_grad})
    assert result.status == "proved", result.summary()
