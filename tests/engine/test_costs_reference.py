"""Each cost's direct derivative against an independent reference: JAX's autodiff in
float64 of the same network and cost written as array code by hand here (not taken from
the engine), at random rational inputs, to ~1e-12 relative (issue 21).

JAX runs in a process of its own: it starts threads, and other tests of the same session
fork worker processes, which must not inherit them."""
from __future__ import annotations

import importlib.util
import json
import random
import subprocess
import sys
import zlib

import pytest
import sympy

from backprop_sym import Network
from backprop_sym.engine import direct
from backprop_sym.engine.backends import get_backend
from backprop_sym.engine.network import Expressions

pytestmark = pytest.mark.skipif(importlib.util.find_spec("jax") is None,
                                reason="JAX is in the test extra")

WIDTHS, N = (2, 3, 2), 2

REFERENCE = """
import json, sys
import jax
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy
cost, reduction, l2, W1, b1, W2, b2, X, Y, lam = json.loads(sys.stdin.read())

def per_example(a, y):              # the costs as array code, by hand
    if cost == "half-squared":
        return 0.5 * jnp.sum((a - y) ** 2)
    if cost == "squared":
        return jnp.sum((a - y) ** 2)
    if cost == "cross-entropy":
        return -jnp.sum(y * jnp.log(a) + (1 - y) * jnp.log(1 - a))
    raise SystemExit("unknown cost " + cost)

def total(params, X, Y):            # from-to weights: z = a W + b; tanh, then a sigmoid output
    W1, b1, W2, b2 = params
    A1 = jnp.tanh(X @ W1 + b1)
    A2 = 1 / (1 + jnp.exp(-(A1 @ W2 + b2)))
    c = sum(per_example(A2[s], Y[s]) for s in range(X.shape[0]))
    scale = 1 / X.shape[0] if reduction == "mean" else 1.0
    reg = lam / 2 * (jnp.sum(W1 ** 2) + jnp.sum(W2 ** 2)) if l2 else 0.0
    return scale * (c + reg)

params = tuple(jnp.array(p, dtype=jnp.float64) for p in (W1, b1, W2, b2))
grads = jax.grad(total)(params, jnp.array(X, dtype=jnp.float64), jnp.array(Y, dtype=jnp.float64))
print(json.dumps([g.tolist() for g in grads]))
"""


def jax_gradients(*args):
    out = subprocess.run([sys.executable, "-c", REFERENCE], input=json.dumps(args),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize("cost", ["half-squared", "squared", "cross-entropy"])
@pytest.mark.parametrize("reduction,l2", [("mean", False), ("sum", False), ("mean", True),
                                          ("sum", True)])
def test_direct_gradient_matches_jax(cost, reduction, l2):
    net = Network(WIDTHS, activation="tanh,sigmoid", samples=N, cost=cost,
                  reduction=reduction, l2=l2)
    ex = Expressions(net.shape, get_backend("sympy"))
    rng = random.Random(zlib.crc32(f"{cost} {reduction} {l2}".encode()))  # same every run
    # |values| <= 2: no output so near 0 or 1 that float64 loses 1e-12 in ln(1 - a)
    q = lambda: sympy.Rational(rng.randint(-4, 4), rng.randint(2, 5))
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
    W1 = [[f(w[1, k, j]) for j in (1, 2, 3)] for k in (1, 2)]
    W2 = [[f(w[2, k, j]) for j in (1, 2)] for k in (1, 2, 3)]
    b1 = [f(b[1, j]) for j in (1, 2, 3)]
    b2 = [f(b[2, j]) for j in (1, 2)]
    X = [[f(x[s, k]) for k in (1, 2)] for s in (1, 2)]
    Y = [[f(y[s, j]) for j in (1, 2)] for s in (1, 2)]
    gW1, gb1, gW2, gb2 = jax_gradients(cost, reduction, l2, W1, b1, W2, b2, X, Y, f(lam))

    pairs = []
    for (l, k, j), sym in ex.w.items():
        pairs.append((direct.cost_gradient(ex, sym), (gW1 if l == 1 else gW2)[k - 1][j - 1]))
    for (l, j), sym in ex.b.items():
        pairs.append((direct.cost_gradient(ex, sym), (gb1 if l == 1 else gb2)[j - 1]))
    for expr, ref in pairs:
        got = float(sympy.N(expr.xreplace(subs), 30))
        assert got == pytest.approx(ref, rel=1e-12, abs=1e-14), (expr, got, ref)
