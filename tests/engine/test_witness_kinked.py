"""Review R4: a wrong bias rule on a ReLU network (the 1/N of the mean under the sum
reduction, N = 2, widths 1,1) was left unknown, not refuted: 4 random points, each likely
to put every z < 0 where the ReLU is flat and both sides agree. The witness is rechecked
here by hand from the network's own definition."""
from fractions import Fraction

import pytest

from backprop_sym.engine.network import Shape
from backprop_sym.engine.verify import verify


def _bias_mean(q, l, j):
    return sum(q.delta(s, l, j) for s in q.examples()) / q.N


def _bias_sum(q, l, j):
    return sum(q.delta(s, l, j) for s in q.examples())


@pytest.mark.parametrize("act", ["relu", "leaky-relu"])
@pytest.mark.parametrize("reduction,wrong", [("sum", _bias_mean), ("mean", _bias_sum)])
def test_a_wrong_bias_rule_on_a_relu_network_is_refuted(act, reduction, wrong):
    shape = Shape.make("1,1", act, samples=2).with_cost("squared", reduction, False)
    r = verify(shape, backend="sympy", timeout=60, rules_override={"bias_grad": wrong})
    bad = [c for c in r.checks if c.rule == "bias_grad"]
    assert [c.status.value for c in bad] == ["refuted"], r.summary()
    w = bad[0].witness
    v = {k: Fraction(x) for k, x in w.to_json()["nonzero"].items()}
    get = lambda k: v.get(k, Fraction(0))          # noqa: E731
    alpha = Fraction(0) if act == "relu" else Fraction(1, 100)
    deltas = []
    for s in (1, 2):
        z = get("w^1_11") * get(f"x^({s})_1") + get("b^1_1")
        assert z != 0
        a, fp = (z, 1) if z > 0 else (alpha * z, alpha)
        deltas.append(2 * (a - get(f"y^({s})_1")) * fp)
    right = sum(deltas) / 2 if wrong is _bias_mean else sum(deltas)
    direct = sum(deltas) if reduction == "sum" else sum(deltas) / 2
    assert right != direct


@pytest.mark.parametrize("act", ["relu", "leaky-relu"])
def test_the_right_bias_rules_still_prove(act):
    for reduction, rule in (("sum", _bias_sum), ("mean", _bias_mean)):
        shape = Shape.make("1,1", act, samples=2).with_cost("squared", reduction, False)
        r = verify(shape, backend="sympy", timeout=60, rules_override={"bias_grad": rule})
        assert r.status == "proved", r.summary()
