"""Reverse-mode gradients (engine/reverse.py, used by engine/direct.py with SymEngine) are
part of the trusted base: each must equal SymPy's own `diff` of the explicit cost, built
here independently, at random shapes, activations, conventions and example counts. And
with them, wrong rules must still be refuted (the shared nodes that let a correct weight
or bias rule cancel without expansion must not let a wrong one cancel), correct ones
still proved."""
import random

import pytest
import sympy

from backprop_sym import Network, Shape, verify
from backprop_sym.engine import direct, reverse
from backprop_sym.engine.backends import get_backend, symengine_available
from backprop_sym.engine.network import Expressions

pytestmark = pytest.mark.skipif(not symengine_available(), reason="needs SymEngine")

ACTS = ["f", "linear", "tanh", "f,linear,tanh", "linear,f,f", "sigmoid", "softplus"]


def _cases(n=10, seed=2207):
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        depth = rnd.randint(1, 3)
        widths = ",".join(str(rnd.randint(1, 3)) for _ in range(depth + 1))
        acts = [a for a in ACTS if a.count(",") in (0, depth - 1)]
        out.append((widths, rnd.choice(acts), rnd.randint(1, 2),
                    rnd.choice(["from-to", "to-from"])))
    return out


def _zero(expr) -> bool:
    return sympy.simplify(sympy.expand(expr)) == 0


def _sympy_cost(shape):
    """The same network built by SymPy, by hand: symbols named as the backend names them."""
    ex = Expressions(shape, get_backend("symengine"), probes=True)
    return ex, sympy.sympify(ex.cost)


@pytest.mark.parametrize("widths,activation,samples,convention", _cases())
def test_every_gradient_equals_sympy_diff(widths, activation, samples, convention):
    shape = Shape.make(widths, activation, samples, convention)
    ex, cost = _sympy_cost(shape)
    for p in [*ex.w.values(), *ex.b.values()]:
        mine = sympy.sympify(direct.cost_gradient(ex, p))
        ref = sympy.diff(cost, sympy.sympify(p))
        assert _zero(mine - ref), (p, activation)
    for (s, l, j), probe in ex.probe.items():
        mine = sympy.sympify(direct.delta(ex, s, l, j))
        ref = sympy.diff(sympy.sympify(ex.example_cost[s]), sympy.sympify(probe))
        assert _zero(mine - ref), ((s, l, j), activation)


def test_the_walk_itself_on_a_hand_built_expression():
    import symengine as se
    B = get_backend("symengine")
    x, y, w, v, e = se.symbols("x y w v e")
    f = se.Function("f")
    u = w * x + e
    expr = (v * f(u) - y) ** 2 / 2 + w ** 3 * f(u) + 5
    got = reverse.gradients(B, expr, [w, v, y, x], {u: e})
    X, Y, W, V, E = sympy.symbols("x y w v e")
    F = sympy.Function("f")
    ref = (V * F(W * X + E) - Y) ** 2 / 2 + W ** 3 * F(W * X + E) + 5
    for sym, Sym in [(w, W), (v, V), (y, Y), (x, X)]:
        assert _zero(sympy.sympify(got[sym]) - sympy.diff(ref, Sym)).__bool__()


def test_a_node_it_does_not_take_gives_up():
    import symengine as se
    B = get_backend("symengine")
    x, w = se.symbols("x w")
    assert reverse.gradients(B, se.exp(-w * x), [w], {}) is None     # exp of a non-z
    assert reverse.gradients(B, se.Function("f")(w * x), [w], {}) is None  # no handle


# ------------------------------------------------------------ verdicts with the walk

def wrong_weight_layer(q, l, i, j):          # a^l instead of a^{l-1}
    return q.mean(lambda s: q.a(s, min(l, q.L), min(i, len(q.neurons(l)))) * q.delta(s, l, j))


def wrong_weight_index(q, l, i, j):          # Δ^l_i with the weight's other index
    return q.mean(lambda s: q.a(s, l - 1, i) * q.delta(s, l, min(i, len(q.neurons(l)))))


def weight_without_mean(q, l, i, j):         # the N examples summed, not averaged
    return sum(q.a(s, l - 1, i) * q.delta(s, l, j) for s in q.examples())


def weight_extra_fprime(q, l, i, j):
    return q.mean(lambda s: q.a(s, l - 1, i) * q.delta(s, l, j) * q.fprime(s, l, j))


def bias_extra_fprime(q, l, j):
    return q.mean(lambda s: q.delta(s, l, j) * q.fprime(s, l, j))


def bias_next_layer(q, l, j):
    return q.mean(lambda s: q.delta(s, min(l + 1, q.L), min(j, len(q.neurons(min(l + 1, q.L))))))


def hidden_missing_fprime(q, s, l, j):
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))


def output_missing_fprime(q, s, j):
    return q.a(s, q.L, j) - q.y(s, j)


WRONG = [("weight_grad", wrong_weight_layer), ("weight_grad", wrong_weight_index),
         ("weight_grad", weight_extra_fprime), ("bias_grad", bias_extra_fprime),
         ("bias_grad", bias_next_layer), ("hidden_delta", hidden_missing_fprime),
         ("output_delta", output_missing_fprime)]


@pytest.mark.parametrize("kind,rule", WRONG, ids=[r.__name__ for _, r in WRONG])
@pytest.mark.parametrize("widths,activation", [([2, 3, 2], "f"), ([3, 2, 2], "tanh"),
                                                ([2, 2, 3, 2], "f")])
def test_wrong_rules_are_still_refuted(kind, rule, widths, activation):
    result = verify(Network(widths, activation), backend="symengine",
                    rules_override={kind: rule})
    mine = [c for c in result.checks if c.rule == kind]
    assert all(c.status.value != "proved" for c in mine if _differs(kind, rule, c, widths))
    assert any(c.status.value == "refuted" for c in mine)


def _differs(kind, rule, c, widths) -> bool:
    """Whether this instance of the wrong rule really differs from the right one (some
    instances coincide, e.g. a^l for a^{l-1} nowhere; Δ^l_i for Δ^l_j when i = j)."""
    if rule is wrong_weight_index:
        return min(c.index[0], widths[c.layer]) != c.index[1]
    if rule is bias_next_layer:
        return c.layer < len(widths) - 1
    return True


def test_weight_rule_without_the_mean_is_refuted_with_two_examples():
    result = verify(Network([2, 2, 2], "f", samples=2), backend="symengine",
                    rules_override={"weight_grad": weight_without_mean})
    mine = [c for c in result.checks if c.rule == "weight_grad"]
    assert mine and all(c.status.value == "refuted" for c in mine)


@pytest.mark.parametrize("widths,activation,samples,convention", [
    ([2, 3, 2], "f", 1, "from-to"), ([3, 2, 3], "tanh", 2, "to-from"),
    ([2, 2, 2, 2], "linear", 1, "from-to"), ([2, 3, 2], "f,tanh", 2, "from-to"),
    ([4, 4, 4, 4, 4], "f", 1, "to-from")])
def test_correct_rules_are_still_proved(widths, activation, samples, convention):
    shape = Shape.make(widths, activation, samples, convention)
    result = verify(shape, backend="symengine")
    assert result.checks and all(c.status.value == "proved" for c in result.checks)
