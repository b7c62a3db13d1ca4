"""Independent numeric cross-check: the explicit SymPy cost and its derivatives against a
plain hand-written numpy forward/backward pass at random points."""
import numpy as np
import pytest
import sympy

from backprop_sym import Network

NUMPY_ACT = {
    "linear": (lambda z: z, lambda z: np.ones_like(z)),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "tanh": (np.tanh, lambda z: 1 / np.cosh(z) ** 2),
    "softplus": (lambda z: np.log1p(np.exp(z)), lambda z: 1 / (1 + np.exp(-z))),
    "f": (np.sin, np.cos),          # the generic f, instantiated as sin for the comparison
}


def numpy_backprop(widths, acts, X, Y, W, b):
    """Cost and gradients by the textbook algorithm; W[l] is n_{l-1} x n_l (from-to)."""
    N, L = X.shape[0], len(widths) - 1
    cost, gW, gb = 0.0, [np.zeros_like(w) for w in W], [np.zeros_like(v) for v in b]
    for x, y in zip(X, Y):
        a, zs, As = x, [], [x]
        for l in range(L):
            z = W[l].T @ a + b[l]
            a = NUMPY_ACT[acts[l]][0](z)
            zs.append(z), As.append(a)
        cost += 0.5 * np.sum((a - y) ** 2) / N
        d = (a - y) * NUMPY_ACT[acts[L - 1]][1](zs[-1])
        for l in range(L - 1, -1, -1):
            gW[l] += np.outer(As[l], d) / N
            gb[l] += d / N
            if l:
                d = (W[l] @ d) * NUMPY_ACT[acts[l - 1]][1](zs[l - 1])
    return cost, gW, gb


@pytest.mark.parametrize("activation", ["f", "linear", "sigmoid", "tanh", "softplus", "tanh,f"])
@pytest.mark.parametrize("widths,samples", [((2, 3, 2), 1), ((3, 2, 2), 2)])
@pytest.mark.slow
def test_explicit_cost_and_derivatives_match_numpy(widths, samples, activation):
    rng = np.random.default_rng(7)
    net = Network(widths, activation=activation, samples=samples)
    L, n = net.L, net.widths
    X, Y = rng.normal(size=(samples, n[0])), rng.normal(size=(samples, n[L]))
    W = [rng.normal(size=(n[l - 1], n[l])) for l in range(1, L + 1)]
    b = [rng.normal(size=n[l]) for l in range(1, L + 1)]
    values = {}
    for s in range(1, samples + 1):
        values.update({net.input(s, k): X[s - 1, k - 1] for k in range(1, n[0] + 1)})
        values.update({net.target(s, j): Y[s - 1, j - 1] for j in range(1, n[L] + 1)})
    for l in range(1, L + 1):
        values.update({net.weight(l, k, j): W[l - 1][k - 1, j - 1]
                       for k in range(1, n[l - 1] + 1) for j in range(1, n[l] + 1)})
        values.update({net.bias(l, j): b[l - 1][j - 1] for j in range(1, n[l] + 1)})
    t = sympy.Symbol("t")
    sin_f = {sympy.Function("f"): sympy.Lambda(t, sympy.sin(t))}
    params = [(l, k, j) for l in range(1, L + 1)
              for k in range(1, n[l - 1] + 1) for j in range(1, n[l] + 1)]
    biases = [(l, j) for l in range(1, L + 1) for j in range(1, n[l] + 1)]
    exprs = [net.cost] + [sympy.diff(net.cost, net.weight(*p)) for p in params] + \
            [sympy.diff(net.cost, net.bias(*p)) for p in biases]
    exprs = [e.replace(sympy.Function("f"), sin_f[sympy.Function("f")]).doit() for e in exprs]
    got = sympy.lambdify(list(values), exprs, "numpy")(*values.values())

    cost, gW, gb = numpy_backprop(widths, net.activations, X, Y, W, b)
    want = [cost] + [gW[l - 1][k - 1, j - 1] for l, k, j in params] + \
           [gb[l - 1][j - 1] for l, j in biases]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert float(g) == pytest.approx(w, rel=1e-9, abs=1e-12)


def test_cross_check_can_fail():
    """The numpy reference really distinguishes: a perturbed weight changes the cost."""
    rng = np.random.default_rng(1)
    W = [rng.normal(size=(2, 2))]
    b = [rng.normal(size=2)]
    X, Y = rng.normal(size=(1, 2)), rng.normal(size=(1, 2))
    c1 = numpy_backprop((2, 2), ("tanh",), X, Y, W, b)[0]
    W[0][0, 1] += 1e-3
    assert numpy_backprop((2, 2), ("tanh",), X, Y, W, b)[0] != pytest.approx(c1, rel=1e-9)
