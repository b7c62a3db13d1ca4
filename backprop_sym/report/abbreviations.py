"""Names for the explicit network's z^l_j(s) and a^l_j(s) (`Abbreviations`), and the
quantities a rule sees written in them (`SymbolicQuantities`), for printing rule instances."""
from __future__ import annotations

import sympy

from ..engine import activations
from ..engine.backends import get_backend
from ..engine.forward import forward
from . import numeric
from .formulas import fprime
from .notation import Notation

S = sympy.Symbol


class SymbolicQuantities(numeric.RuleQuantities):
    """What a rule may use (`engine.rules.Quantities`), as SymPy expressions in abbreviations:
    a^l_j and z^l_j are symbols, f'(z) is printed as f'(z), and Δ is composed from the
    rules themselves (or is a bare symbol, to print one rule instance)."""

    def __init__(self, shape, n: Notation, overrides, names, deltas_as_symbols=False):
        super().__init__(shape, overrides)
        self.n, self.names = n, names
        self.symbolic = deltas_as_symbols

    def a(self, s, l, j):
        return self.n.ex.x[s, j] if l == 0 else self.names.a(s, l, j)

    def z(self, s, l, j):
        return self.names.z(s, l, j)

    def y(self, s, j):
        return self.n.ex.y[s, j]

    def fprime(self, s, l, j):
        return self.names.fprime(s, l, j)

    def W(self, l, p, r):
        return self.n.ex.W(l, p, r)

    def delta(self, s, l, j):
        if self.symbolic:
            return self.names.delta(s, l, j)
        return super().delta(s, l, j)


class Abbreviations:
    """Names for the explicit z^l_j(s) and a^l_j(s), and f'(z) in abbreviated form."""

    def __init__(self, shape, n: Notation):
        self.shape, self.n = shape, n
        self.B = get_backend("sympy")
        # index 1..L; layer 0 (the input) has no activation
        self.acts: list = [None] + [activations.get(a) for a in shape.activations]
        self.Z, self.A = {}, {}
        for (s, l, j) in n.ex.z:
            x = f"(x^{{({s})}})" if shape.samples > 1 else ""
            self.Z[s, l, j] = S(f"z^{{{l}}}_{{{j}}}{x}")
            self.A[s, l, j] = S(f"a^{{{l}}}_{{{j}}}{x}")

    def z(self, s, l, j):
        return self.Z[s, l, j]

    def a(self, s, l, j):
        return self.A[s, l, j]

    def delta(self, s, l, j):
        x = f"(x^{{({s})}})" if self.shape.samples > 1 else ""
        return self.n.delta(l, j, x)

    def fprime(self, s, l, j):
        act, z = self.acts[l], self.Z[s, l, j]
        if act.is_generic:
            return fprime(sympy.Function("f"), z)
        return self.name_values(act.derivative(self.B, z))

    def values(self) -> dict:
        """a-symbol -> its value f(z-symbol); for a linear layer a = z."""
        return {A: self.acts[l].value(self.B, self.Z[s, l, j]) for (s, l, j), A in self.A.items()}

    def name_values(self, expr):
        return expr.xreplace({v: A for A, v in self.values().items() if v != A})

    def abbreviate(self, expr):
        """The explicit z's in `expr` replaced by their names, then f(z) by a.

        Layer by layer from the input: once the z's of layer l-1 have names, a z of
        layer l reads sum_k f(z^{l-1}_k) w + b, and that is what is replaced (subs also
        finds it inside e^{-z} and inside (z - y) flattened into one sum)."""
        ex, B = self.n.ex, self.B
        for l in range(1, self.shape.L + 1):
            for (s, ll, j) in ex.z:
                if ll != l:
                    continue
                named = sum((self._prev(s, l, k) * ex.w[l, k, j]
                             for k in range(1, self.shape.widths[l - 1] + 1)), B.zero) + ex.b[l, j]
                expr = expr.xreplace({named: self.Z[s, l, j]})
                # b^l_j occurs only inside z^l_j: if it is gone, so is every z^l_j
                if ex.b[l, j] in expr.free_symbols:
                    expr = expr.subs(named, self.Z[s, l, j])
        return self.name_values(expr)

    def cost_above(self, lw: int):
        """The explicit cost with the layers below `lw` named (a^{lw-1} = f(z^{lw-1}) with
        z^{lw-1} a name): the same expression as the network's cost, whose layers below
        lw do not contain the weights of layer lw, so its derivative with respect to them
        is the same; only smaller to differentiate."""
        ex, B, shape = self.n.ex, self.B, self.shape
        above = shape.widths[lw - 1:]            # layer lw - 1 as the input, up to L
        top = len(above) - 1
        total = B.zero
        for s in range(1, shape.samples + 1):
            prev = [self._prev(s, lw, k) for k in range(1, shape.widths[lw - 1] + 1)]
            _, a = forward(above, prev, lambda m, k, j: ex.w[m + lw - 1, k, j],
                           lambda m, j: ex.b[m + lw - 1, j],
                           lambda m, z: self.acts[m + lw - 1].value(B, z), zero=B.zero)
            total += sympy.Rational(1, 2) * sum(((a[top, j] - ex.y[s, j]) ** 2
                                                 for j in range(1, above[top] + 1)), B.zero)
        return total / shape.samples

    def _prev(self, s, l, k):
        if l == 1:
            return self.n.ex.x[s, k]
        return self.acts[l - 1].value(self.B, self.Z[s, l - 1, k])

    def reduce(self, expr):
        """Canonical form for comparison: a back to f(z), activation atoms, expansion."""
        expr = expr.xreplace({A: v for A, v in self.values().items()})
        repl = {}
        for (s, l, j), z in self.Z.items():
            act = self.acts[l]
            if not act.exact:
                repl.update(act.atoms(self.B, z, z, f"[{s},{l},{j}]").replace)
        return sympy.expand(expr.xreplace(repl)) if repl else sympy.expand(expr)
