"""ReLU and leaky ReLU (issue 21): f' as a step, proved wherever f is differentiable, wrong
rules refuted with witnesses at which no ReLU input is 0 (checked by hand here)."""
from __future__ import annotations

from fractions import Fraction

import pytest

from backprop_sym import Shape, verify
from backprop_sym.engine import activations


def no_fprime(q, s, j):                  # Δ^L without f'(z^L)
    return q.a(s, q.L, j) - q.y(s, j)


def doubled(q, s, j):               # a spurious factor 2
    return (q.a(s, q.L, j) - q.y(s, j)) * q.fprime(s, q.L, j) * 2


def hidden_without_fprime(q, s, l, j):
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))


@pytest.mark.parametrize("act", ["relu", "leaky-relu", "relu,sigmoid", "tanh,relu",
                                 "leaky-relu,f"])
@pytest.mark.parametrize("convention", ["from-to", "to-from"])
def test_relu_rules_are_proved(act, convention):
    r = verify(Shape.make("2,3,2", act, samples=2, convention=convention))
    assert r.status == "proved", r.summary()


@pytest.mark.parametrize("act", ["relu", "leaky-relu", "relu,sigmoid"])
@pytest.mark.parametrize("kind,wrong", [("output_delta", no_fprime),
                                        ("output_delta", doubled),
                                        ("hidden_delta", hidden_without_fprime)])
def test_wrong_rules_are_never_proved(act, kind, wrong):
    r = verify(Shape.make("2,2,2", act, samples=2), rules_override={kind: wrong})
    bad = [c for c in r.checks if c.rule == kind]
    assert not any(c.status == "proved" for c in bad), r.summary()
    assert any(c.status == "refuted" for c in bad), r.summary()


def test_witness_has_no_relu_input_at_zero_and_checks_by_hand():
    """One layer, ReLU: z_j != 0 at the witness, and the direct Δ = (a - y) H(z) there."""
    r = verify(Shape.make("2,2", "relu"), rules_override={"output_delta": no_fprime})
    found = [c for c in r.checks if c.status == "refuted"]
    assert found
    for c in found:
        v = {k: Fraction(x) for k, x in c.witness.values.items()}
        zs = [v["x_1"] * v[f"w^1_1{j}"] + v["x_2"] * v[f"w^1_2{j}"] + v[f"b^1_{j}"]
              for j in (1, 2)]
        assert all(z != 0 for z in zs)
        j = c.index[0]
        z = zs[j - 1]
        a = max(Fraction(0), z)
        assert Fraction(c.witness.left) == (a - v[f"y_{j}"]) * (1 if z > 0 else 0)
        assert Fraction(c.witness.right) == a - v[f"y_{j}"]


def test_registration_states_the_point_zero():
    for name, slope in (("relu", 0), ("leaky-relu", Fraction(1, 100))):
        act = activations.get(name)
        assert act.kink and act.exact
        assert "z = 0" in act.formula
        np = pytest.importorskip("numpy")
        f, fp = act.numpy(np)
        z = np.array([-2.0, 0.0, 3.0])
        assert list(fp(z)) == [float(slope), float(slope), 1.0]
        assert list(f(z)) == [-2.0 * float(slope), 0.0, 3.0]
