"""One generic layer of the network with symbolic depth and widths, in SymPy.

The symbols (l, L, N, the example x, the indices), the indexed quantities (a, z, y, f'(z),
Δ, w, b as `IndexedBase`), the widths n_l, what steps (a)-(d) state, the definitions of
z, a and the cost of a generic layer (`Definitions`), resolving the Kronecker deltas and
range conditions of a derived expression under listed assumptions (`resolve`), the zero
test, and LaTeX in the project's notation (`tex`). The chain's steps, the reading of
rules and the cross-checks are all written in these.
"""
from __future__ import annotations

import sympy as sp
from sympy import Indexed, IndexedBase, KroneckerDelta, Piecewise, Sum

from .network import weight_indices
from . import activations
from .backends import get_backend
from .errors import BackpropSymError

# ---------------------------------------------------------------- symbols

l, L = sp.Symbol("l", integer=True), sp.Symbol("L", integer=True)
N = sp.Symbol("N", integer=True, positive=True)
x, x0, x1 = (sp.Symbol(s, integer=True) for s in ("x", "x_0", "x_1"))
i, j, k, m, k0, k1 = (sp.Symbol(s, integer=True) for s in ("i", "j", "k", "m", "k_0", "k_1"))
A, Z, Y, FP, D = (IndexedBase(s) for s in ("a", "z", "y", "fp", "Delta"))
W, B = IndexedBase("w"), IndexedBase("b")
SYMPY = get_backend("sympy")


def n(layer) -> sp.Symbol:
    """The width n_layer, a positive integer symbol (an assumption every step lists)."""
    return sp.Symbol(f"n_{{{sp.latex(layer)}}}", integer=True, positive=True)


def in_range(idx, layer) -> list:
    return [sp.Ge(idx, 1), sp.Le(idx, n(layer))]


def weight(convention: str, layer, frm, to):
    """The physical weight from neuron `frm` of layer-1 to neuron `to`, in its name."""
    p, q = weight_indices(convention, frm, to)
    return W[layer, p, q]


def statements(convention: str) -> dict:
    """What steps (a)-(d) state, as SymPy expressions (the checks prove them; the rules'
    checks and the cross-validation use them)."""
    return {"a": A[x, L, j] - Y[x, j],                          # ∂C_x/∂a^L_j
            "b": KroneckerDelta(i, j) * FP[x, l, j],             # ∂a^l_i/∂z^l_j
            "c": weight(convention, l + 1, j, k),                # ∂z^{l+1}_k/∂a^l_j
            "d": A[x, l - 1, i] * KroneckerDelta(j, m),          # ∂z^l_m/∂w^l_{ij} (from-to)
            "d_bias": KroneckerDelta(j, m)}                      # ∂z^l_m/∂b^l_j


class Undecided(BackpropSymError):
    """A range condition that no listed assumption decides."""


# ---------------------------------------------------------------- resolving deltas

def resolve(expr, assumptions: list, used: set):
    """`doit` the sums, then pick each Piecewise branch whose condition the listed
    assumptions imply; Kronecker deltas of indices assumed (un)equal become 1 (0). A
    condition left undecided raises `Undecided`: nothing is assumed silently."""
    def decide(c):
        if c in (sp.true, sp.false):
            return bool(c)
        if isinstance(c, (sp.And, sp.Or)):
            vals = [decide(a) for a in c.args]
            if isinstance(c, sp.And):
                return False if False in vals else (True if all(vals) else None)
            return True if True in vals else (False if all(v is False for v in vals) else None)
        if isinstance(c, sp.core.relational.Relational):
            for a in assumptions:
                if c.canonical == a.canonical:
                    used.add(a)
                    return True
                if c.negated.canonical == a.canonical:
                    used.add(a)
                    return False
        return None

    def branch(pw):
        for e, c in pw.args:
            d = decide(c)
            if d is None:
                raise Undecided(f"the condition {c} is not implied by the assumptions")
            if d:
                return e
        raise Undecided("no branch holds")  # pragma: no cover

    def delta(kd):
        for a in assumptions:
            if isinstance(a, (sp.Eq, sp.Ne)) and {a.lhs, a.rhs} == set(kd.args):
                used.add(a)
                return sp.Integer(1 if isinstance(a, sp.Eq) else 0)
        return kd

    expr = sp.sympify(expr).doit()
    expr = expr.replace(lambda e: isinstance(e, Piecewise), branch)
    return expr.replace(lambda e: isinstance(e, KroneckerDelta), delta)


def is_zero(expr) -> bool:
    e = sp.expand(expr)
    return e == 0 or sp.simplify(e) == 0


def tex(expr) -> str:
    """LaTeX in the project's notation: a[x, l, j] -> a^{l}_{j}, w[l, j, k] -> w^{l}_{jk}."""
    def name(e):
        base, args = str(e.base), e.indices
        if base in ("a", "z", "fp", "Delta"):
            s, lay, idx = args
            sym = {"a": "a", "z": "z", "Delta": r"\Delta", "fp": "f'"}[base]
            ex = "" if s == x else rf"({sp.latex(s)})"
            if base == "fp":
                return sp.Symbol(rf"f'(z^{{{sp.latex(lay)}}}_{{{sp.latex(idx)}}}{ex})")
            return sp.Symbol(rf"{sym}^{{{sp.latex(lay)}}}_{{{sp.latex(idx)}}}{ex}")
        if base == "y":
            s, idx = args
            return sp.Symbol(rf"y_{{{sp.latex(idx)}}}" + ("" if s == x else rf"({sp.latex(s)})"))
        lay, *rest = args
        return sp.Symbol(rf"{base}^{{{sp.latex(lay)}}}_{{{''.join(sp.latex(r) for r in rest)}}}")
    return sp.latex(sp.sympify(expr).replace(lambda e: isinstance(e, Indexed), name))


# ---------------------------------------------------------------- the network, symbolically

class Definitions:
    """One generic layer of the network, with symbolic widths, as SymPy expressions."""

    def __init__(self, activation: str, convention: str):
        self.act = activations.get(activation)
        self.convention = convention

    def z(self, s, layer, to):
        """z^layer_to = Σ_{i=1}^{n_{layer-1}} a^{layer-1}_i w^layer_{i→to} + b^layer_to."""
        p = sp.Dummy("p", integer=True)
        return Sum(A[s, layer - 1, p] * weight(self.convention, layer, p, to),
                   (p, 1, n(layer - 1))) + B[layer, to]

    def a(self, s, layer, idx):
        return self.act.value(SYMPY, Z[s, layer, idx])

    def fprime(self, s, layer, idx):
        u = Z[s, layer, idx]
        return sp.diff(sp.Function("f")(u), u) if self.act.is_generic else \
            self.act.derivative(SYMPY, u)

    def cost(self, s):
        p = sp.Dummy("p", integer=True)
        return sp.Rational(1, 2) * Sum((A[s, L, p] - Y[s, p]) ** 2, (p, 1, n(L)))

    def transparent(self, expr):
        """a^t and f'(z^t) written out (for layers t ≥ 1: L, l, l+1, ...); a^{l-1}, which
        is the input x when l = 1, stays a symbol."""
        def known(t):
            return t == L or (t - l).is_integer and (t - l).is_number and t - l >= 0
        expr = expr.replace(lambda e: isinstance(e, Indexed) and e.base == FP,
                            lambda e: self.fprime(*e.indices))
        return expr.replace(lambda e: isinstance(e, Indexed) and e.base == A and known(e.indices[1]),
                            lambda e: self.a(*e.indices))
