"""Each cost's direct derivative against an independent reference: JAX's autodiff in
float64 of the same network and cost written as array code by hand here (not taken from
the engine), at random rational inputs, to ~1e-12 relative (issue 21)."""
from __future__ import annotations

import random

import pytest
import sympy

from backprop_sym import Network
from backprop_sym.engine import direct
from backprop_sym.engine.backends import get_backend
from backprop_sym.engine.network import Expressions

jax = pytest.importorskip("jax", reason="JAX is in the test extra")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy

WIDTHS, N = (2, 3, 2), 2


def reference_cost(cost, reduction, l2):
    """The data-set cost as JAX code, by hand: from-to weights (z = a W + b)."""
    def per_example(a, y):
        if cost == "half-squared":
            return 0.5 * jnp.sum((a - y) ** 2)
        if cost == "squared":
            return jnp.sum((a - y) ** 2)
        if cost == "cross-entropy":
            return -jnp.sum(y * jnp.log(a) + (1 - y) * jnp.log(1 - a))
        raise AssertionError(cost)

    def total(params, X, Y, lam):
        W1, b1, W2, b2 = params
        A1 = jnp.tanh(X @ W1 + b1)
        A2 = 1 / (1 + jnp.exp(-(A1 @ W2 + b2)))             # a sigmoid output
        c = sum(per_example(A2[s], Y[s]) for s in range(X.shape[0]))
        scale = 1 / X.shape[0] if reduction == "mean" else 1.0
        reg = lam / 2 * (jnp.sum(W1 ** 2) + jnp.sum(W2 ** 2)) if l2 else 0.0
        return scale * (c + reg)
    return total


@pytest.mark.parametrize("cost", ["half-squared", "squared", "cross-entropy"])
@pytest.mark.parametrize("reduction,l2", [("mean", False), ("sum", False), ("mean", True),
                                          ("sum", True)])
def test_direct_gradient_matches_jax(cost, reduction, l2):
    net = Network(WIDTHS, activation="tanh,sigmoid", samples=N, cost=cost,
                  reduction=reduction, l2=l2)
    ex = Expressions(net.shape, get_backend("sympy"))
    rng = random.Random(hash((cost, reduction, l2)) % 1000)
    q = lambda: sympy.Rational(rng.randint(-9, 9), rng.randint(1, 7))
    n = WIDTHS
    w = {(l, k, j): q() for l in (1, 2) for k in range(1, n[l - 1] + 1)
         for j in range(1, n[l] + 1)}
    b = {(l, j): q() for l in (1, 2) for j in range(1, n[l] + 1)}
    x = {(s, k): q() for s in range(1, N + 1) for k in range(1, n[0] + 1)}
    y = {(s, j): sympy.Rational(rng.randint(0, 6), 6) for s in range(1, N + 1)
         for j in range(1, n[2] + 1)}
    lam = sympy.Rational(rng.randint(1, 9), 10)
    subs = {ex.w[key]: v for key, v in w.items()}
    subs.update({ex.b[key]: v for key, v in b.items()})
    subs.update({ex.x[key]: v for key, v in x.items()})
    subs.update({ex.y[key]: v for key, v in y.items()})
    subs.update({sym: lam for sym in ex.constants.values()})

    f = lambda v: float(v)
    W1 = jnp.array([[f(w[1, k, j]) for j in (1, 2, 3)] for k in (1, 2)])
    W2 = jnp.array([[f(w[2, k, j]) for j in (1, 2)] for k in (1, 2, 3)])
    b1 = jnp.array([f(b[1, j]) for j in (1, 2, 3)])
    b2 = jnp.array([f(b[2, j]) for j in (1, 2)])
    X = jnp.array([[f(x[s, k]) for k in (1, 2)] for s in (1, 2)])
    Y = jnp.array([[f(y[s, j]) for j in (1, 2)] for s in (1, 2)])
    grads = jax.grad(reference_cost(cost, reduction, l2))((W1, b1, W2, b2), X, Y, f(lam))
    gW1, gb1, gW2, gb2 = (g.tolist() for g in grads)

    pairs = []
    for (l, k, j), sym in ex.w.items():
        pairs.append((direct.cost_gradient(ex, sym), (gW1 if l == 1 else gW2)[k - 1][j - 1]))
    for (l, j), sym in ex.b.items():
        pairs.append((direct.cost_gradient(ex, sym), (gb1 if l == 1 else gb2)[j - 1]))
    for expr, ref in pairs:
        got = float(sympy.N(expr.xreplace(subs), 30))
        assert got == pytest.approx(ref, rel=1e-12, abs=1e-14), (expr, got, ref)
