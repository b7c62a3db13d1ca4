"""Wrong rules must be refuted, with witnesses that an independent evaluation confirms.

The confirmation uses forward-mode dual numbers over exact fractions: it differentiates
the network's cost at the witness point without any backprop rule and without SymPy.
"""
from dataclasses import replace
from fractions import Fraction

import pytest
import sympy
from mpmath import mp, mpf

from backprop_sym import Network, verify
from backprop_sym.engine import activations
from backprop_sym.engine.witness import Witness
from support import (dropped_mean, f_for_fprime, missing_transpose, no_fprime,
                     sign_error, weight_grad_swapped, wrong_layer)


# ---------------------------------------------------------------- wrong rules

WRONG = [
    ("output_delta", no_fprime, "f", (2, 3, 2), 1),
    ("output_delta", sign_error, "f", (2, 3, 2), 1),
    ("hidden_delta", missing_transpose, "f", (2, 2, 3, 2), 1),
    ("hidden_delta", wrong_layer, "f", (2, 3, 2), 1),
    ("hidden_delta", f_for_fprime, "linear", (2, 3, 2), 1),
    ("weight_grad", dropped_mean, "f", (2, 3, 2), 2),
    ("weight_grad", weight_grad_swapped, "f", (3, 3, 2), 1),
    ("output_delta", no_fprime, "sigmoid", (2, 3, 2), 1),
    ("hidden_delta", missing_transpose, "tanh", (2, 2, 3, 2), 1),
    ("weight_grad", dropped_mean, "softplus", (2, 2), 2),
]


@pytest.mark.parametrize("rule,wrong,activation,widths,samples", WRONG,
                         ids=[f"{w.__name__}-{a}" for _, w, a, _, _ in WRONG])
@pytest.mark.slow
def test_wrong_rule_is_refuted(rule, wrong, activation, widths, samples, backend):
    net = Network(widths, activation=activation, samples=samples)
    result = verify(net, backend=backend, rules_override={rule: wrong})
    assert result.status == "refuted"
    touched = [c for c in result.checks if c.rule == rule]
    assert any(c.status == "refuted" for c in touched)
    assert all(c.status == "proved" for c in result.checks if c.rule != rule)
    for c in touched:
        assert c.status != "unknown", c
        if c.status == "refuted" and isinstance(c.witness, Witness):
            confirm(net, c)


def test_transpose_out_of_range_is_named():
    # at (3,2,3) the transposed index w^2_{kj} with k up to 3 does not exist
    result = verify(Network([3, 2, 3]), backend="sympy",
                    rules_override={"hidden_delta": missing_transpose})
    reasons = [c.witness.get("reason", "") for c in result.checks
               if c.status == "refuted" and isinstance(c.witness, dict)]
    assert any("does not exist" in r for r in reasons)


def test_wrong_registry_derivative_is_refuted(backend):
    sig = activations.get("sigmoid")
    bad = replace(sig, name="badsigmoid",
                  derivative=lambda B, u: (1 / (1 + B.exp(-u))) * (1 + 1 / (1 + B.exp(-u))))
    activations.register(bad)
    try:
        result = verify(Network([2, 2, 1], activation="badsigmoid"), backend=backend)
    finally:
        del activations.REGISTRY["badsigmoid"]
    assert result.status == "refuted"
    assert all(c.status == "refuted" for c in result.checks if c.rule == "output_delta")
    w = next(c.witness for c in result.checks if c.status == "refuted")
    assert w.exact is False and abs(float(w.left) - float(w.right)) > 1e-6


def test_timeout_gives_unknown_not_a_hang():
    result = verify(Network([2, 3, 2]), backend="sympy", timeout=1e-9)
    assert result.status == "unknown"
    assert all(c.status == "unknown" and c.reason for c in result.checks)


# ---------------------------------------------------------------- independent confirmation

class Dual:
    """v + d·ε with ε² = 0, over exact fractions."""

    def __init__(self, v, d=0):
        self.v, self.d = v, d

    def __add__(self, o):
        o = o if isinstance(o, Dual) else Dual(o)
        return Dual(self.v + o.v, self.d + o.d)

    __radd__ = __add__

    def __sub__(self, o):
        o = o if isinstance(o, Dual) else Dual(o)
        return Dual(self.v - o.v, self.d - o.d)

    def __rsub__(self, o):
        return Dual(o) - self

    def __mul__(self, o):
        o = o if isinstance(o, Dual) else Dual(o)
        return Dual(self.v * o.v, self.v * o.d + self.d * o.v)

    __rmul__ = __mul__


def confirm(net, check):
    """The witness's 'left' number is the true derivative, and 'right' (the rule's) differs from it:
    exactly for exact witnesses, to 25 digits (mpmath, 50-digit arithmetic) otherwise."""
    w = check.witness
    if not w.exact:
        mp.dps = 50
        vals = {k: mpf(Fraction(v).numerator) / Fraction(v).denominator
                for k, v in w.values.items()}
        true = derivative(net, vals, SMOOTH, check)
        assert abs(mpf(w.left) - true) < mpf(10) ** -25 * (1 + abs(true))
        assert abs(mpf(w.right) - true) > mpf(10) ** -10
        return
    vals = {k: Fraction(v) for k, v in w.values.items()}
    if w.f:
        t = sympy.Symbol("t")
        poly = sympy.Poly(sympy.sympify(w.f["formula"].split("=", 1)[1]), t)
        coeffs = [Fraction(str(c)) for c in reversed(poly.all_coeffs())]
        f = lambda z: sum((c * _pow(z, i) for i, c in enumerate(coeffs)), Dual(0))
    acts = {"f": lambda z: f(z), "linear": lambda z: z}
    true = derivative(net, vals, acts, check)
    assert Fraction(w.left) == true
    assert Fraction(w.right) != true


def _lift(fn, dfn):
    return lambda z: Dual(fn(z.v), dfn(z.v) * z.d)


SMOOTH = {
    "linear": lambda z: z,
    "sigmoid": _lift(lambda v: 1 / (1 + mp.exp(-v)), lambda v: mp.exp(-v) / (1 + mp.exp(-v)) ** 2),
    "tanh": _lift(mp.tanh, lambda v: 1 / mp.cosh(v) ** 2),
    "softplus": _lift(lambda v: mp.log(1 + mp.exp(v)), lambda v: 1 / (1 + mp.exp(-v))),
}


def _pow(z, i):
    r = Dual(1)
    for _ in range(i):
        r = r * z
    return r


def derivative(net, vals, acts, check):
    """∂𝒞/∂p (weight_grad, bias_grad) or ∂C_s/∂z^l_j (deltas) by dual numbers."""
    n, L, N = net.widths, net.L, net.samples
    if check.rule in ("weight_grad", "bias_grad"):
        seed = str(net.weight(check.layer, *check.index) if check.rule == "weight_grad"
                   else net.bias(check.layer, check.index[0]))
        probe, samples, scale = None, range(1, N + 1), Fraction(1, N)
    else:
        seed, probe, samples, scale = None, (check.layer, check.index[0]), [check.sample], 1
    param = lambda sym: Dual(vals[str(sym)], 1 if str(sym) == seed else 0)
    total = Dual(0)
    for s in samples:
        a = [param(net.input(s, k)) for k in range(1, n[0] + 1)]
        for l in range(1, L + 1):
            z = []
            for j in range(1, n[l] + 1):
                zj = sum((a[k - 1] * param(net.weight(l, *_idx(net, k, j)))
                          for k in range(1, n[l - 1] + 1)), param(net.bias(l, j)))
                if probe == (l, j):
                    zj = zj + Dual(0, 1)
                z.append(zj)
            a = [acts[net.activations[l - 1]](zj) for zj in z]
        for j in range(1, n[L] + 1):
            e = a[j - 1] - param(net.target(s, j))
            total = total + Fraction(1, 2) * e * e
    return total.d * scale


def _idx(net, k, j):
    return (k, j) if net.convention == "from-to" else (j, k)


def test_float_constants_in_a_rule_are_never_rounded_into_a_proof(backend):
    from backprop_sym.engine import rules
    right = rules.get("output_delta", "from-to").closed_form
    nearly = lambda q, s, j: right(q, s, j) * (1 + 2.0 ** -52)
    result = verify(Network([2, 2]), backend=backend, rules_override={"output_delta": nearly})
    touched = [c for c in result.checks if c.rule == "output_delta"]
    assert all(c.status == "unknown" and "floating-point" in c.reason for c in touched)


def test_a_rule_that_crashes_is_unknown_not_refuted():
    def buggy(q, l, j):
        return [q.delta(s, l, j) for s in range(1, q.N + 1)][5]     # IndexError of its own
    result = verify(Network([2, 2]), backend="sympy", rules_override={"bias_grad": buggy})
    touched = [c for c in result.checks if c.rule == "bias_grad"]
    assert all(c.status == "unknown" and "IndexError" in c.reason for c in touched)
