"""Reading a rule with symbolic sizes: the rule is called with `SymbolicQ`, whose
quantities are indexed symbols of a generic layer and whose `neurons(l)` and `examples()`
yield one symbolic index each; `trace` restores each iteration as Σ over its bound.
"""
from __future__ import annotations

from typing import Callable

import sympy as sp
from sympy import Sum

from .errors import BackpropSymError
from .symbolic import A, D, FP, N, W, Y, Z, L, n

class Unreadable(BackpropSymError):
    """A rule that cannot be read with symbolic sizes."""


class _Range:
    """q.neurons(t) / q.examples(): yields one symbolic index, and records it."""

    def __init__(self, q, bound, letter):
        self.q, self.bound, self.letter = q, bound, letter

    def __iter__(self):
        idx = sp.Dummy(self.letter, integer=True)
        rec = {"index": idx, "bound": self.bound, "done": False}
        self.q.ranges.append(rec)
        yield idx
        rec["done"] = True

    def __len__(self):
        raise Unreadable("a rule that takes len() of a layer cannot be read with symbolic widths")


class SymbolicQ:
    """The quantities a rule sees (`rules.Quantities`), as indexed symbols of a generic
    layer."""

    def __init__(self):
        self.L, self.N, self.ranges = L, N, []

    def neurons(self, t):
        return _Range(self, n(t), "k")

    def examples(self):
        return _Range(self, N, "x")

    def a(self, s, t, idx):
        return A[s, t, idx]

    def z(self, s, t, idx):
        return Z[s, t, idx]

    def y(self, s, idx):
        return Y[s, idx]

    def fprime(self, s, t, idx):
        return FP[s, t, idx]

    def W(self, t, p, r):
        return W[t, p, r]

    def delta(self, s, t, idx):
        return D[s, t, idx]

    def mean(self, term):
        s = sp.Dummy("x", integer=True)
        return Sum(term(s), (s, 1, N)) / N


def trace(fn: Callable, *args):
    """The closed form `fn(q, *args)` with symbolic sizes, its iterations as Σ."""
    q = SymbolicQ()
    try:
        expr = sp.sympify(fn(q, *args))
    except Unreadable:
        raise
    except Exception as err:
        raise Unreadable(f"the rule cannot be evaluated with symbolic sizes ({type(err).__name__}: "
                         f"{err}); iterate q.neurons(l), q.examples() or use q.mean") from None
    if expr.has(sp.Float):
        raise Unreadable("the closed form contains a floating-point number")
    for rec in reversed(q.ranges):
        idx = rec["index"]
        if not rec["done"]:
            raise Unreadable("the rule stops iterating a layer before its end")
        terms = sp.Add.make_args(sp.expand(expr))
        if any(not t.has(idx) for t in terms):
            raise Unreadable("a sum over a layer is added to terms outside it: the scope of "
                             "the sum cannot be read back")
        expr = Sum(expr, (idx, 1, rec["bound"]))
    return expr
