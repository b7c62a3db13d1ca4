"""Witnesses: concrete values at which the two sides of a claim differ.

Every symbol of the network gets a small rational value; a generic f becomes a concrete
quadratic with rational coefficients. A forward pass gives each z^l_j(s), hence each atom's
value, and both sides are evaluated from their atom forms, which equal the originals.
With f generic or linear everything is exact rational arithmetic. With e^z, tanh or log
the evaluation uses interval arithmetic (mpmath.iv, 60 digits): a witness is kept only
when the interval of the difference excludes 0, so it is a rigorous refutation.
"""
from __future__ import annotations

import random
from fractions import Fraction

import sympy
from mpmath import iv, mp, nstr

from .canonical import Canonical


class NotEvaluable(Exception):
    """The expression contains something the evaluator cannot take."""


class Exact:
    """Rational arithmetic; a concrete quadratic f."""

    def __init__(self, coeffs):
        self.c0, self.c1, self.c2 = coeffs

    const = staticmethod(Fraction)

    def f(self, z):
        return self.c0 + self.c1 * z + self.c2 * z * z

    def fprime(self, z):
        return self.c1 + 2 * self.c2 * z

    def _no(self, *_):
        raise NotEvaluable("a transcendental function needs interval arithmetic")

    exp = tanh = log = _no

    @staticmethod
    def differs(a, b) -> bool:
        return a != b

    @staticmethod
    def show(v) -> str:
        return str(v)


class Interval(Exact):
    """Interval arithmetic at 60 digits: rigorous enclosures."""

    def __init__(self, coeffs):
        iv.dps = 60
        super().__init__([self.const(c.numerator, c.denominator) for c in coeffs])

    @staticmethod
    def const(p, q=1):
        return iv.mpf(p) / iv.mpf(q)

    exp = staticmethod(lambda z: iv.exp(z))
    log = staticmethod(lambda z: iv.log(z))

    @staticmethod
    def tanh(z):
        e = iv.exp(2 * z)
        return (e - 1) / (e + 1)

    @staticmethod
    def differs(a, b) -> bool:
        return 0 not in (a - b)

    @staticmethod
    def show(v) -> str:
        with mp.workdps(70):
            lo, hi = mp.mpf(v._mpi_[0]), mp.mpf(v._mpi_[1])
            return nstr((lo + hi) / 2, 32)


def evaluate(expr, values: dict, num):
    """Evaluate a SymPy expression built from + * **, rationals, exp, log and tanh at
    `values` (exp, log and tanh only with interval arithmetic)."""
    memo: dict = {}

    def ev(e):
        if e in memo:
            return memo[e]
        if e.is_Symbol:
            if e not in values:
                raise NotEvaluable(f"no value for {e}")
            r = values[e]
        elif e.is_Rational:
            r = num.const(int(e.p), int(e.q))
        elif e.is_Add:
            r = sum((ev(t) for t in e.args[1:]), ev(e.args[0]))
        elif e.is_Mul:
            r = ev(e.args[0])
            for t in e.args[1:]:
                r = r * ev(t)
        elif e.is_Pow and e.exp.is_Integer:
            base, k = ev(e.base), int(e.exp)
            r = base ** k if k >= 0 else 1 / base ** (-k)
        elif e == sympy.E:
            r = num.exp(num.const(1, 1))
        elif e.is_Pow and e.base == sympy.E:
            r = num.exp(ev(e.exp))
        elif isinstance(e, (sympy.exp, sympy.log, sympy.tanh)) and len(e.args) == 1:
            fn = {sympy.exp: num.exp, sympy.log: num.log, sympy.tanh: num.tanh}[type(e)]
            r = fn(ev(e.args[0]))
        else:
            raise NotEvaluable(f"cannot evaluate {type(e).__name__}")
        memo[e] = r
        return r

    return ev(expr)


SMALL = [Fraction(p, q) for q in (1, 2, 3) for p in range(-3, 4) if p != 0 and
         Fraction(p, q).denominator == q]


def find(canon: Canonical, lhs, rhs, seed: int, attempts: int = 4) -> dict | None:
    """Values where the atom forms lhs and rhs differ, or None if none was found."""
    ex = canon.ex
    exact = all(a.is_generic or a.name == "linear" for a in ex.acts[1:])
    lhs_s, rhs_s = ex.B.to_sympy(lhs), ex.B.to_sympy(rhs)
    atom_of = {sympy.Symbol(str(a)): v for a, v in canon.numeric.items()}
    rng = random.Random(seed)
    for _ in range(attempts):
        coeffs = (rng.choice(SMALL), rng.choice(SMALL), rng.choice(SMALL))
        num = (Exact if exact else Interval)(coeffs)
        chosen = {str(sym): rng.choice(SMALL)
                  for sym in (*ex.x.values(), *ex.y.values(), *ex.w.values(), *ex.b.values())}
        values = {sympy.Symbol(k): num.const(v.numerator, v.denominator)
                  for k, v in chosen.items()}
        try:
            z = _forward(ex, chosen, num)
            for atom, (key, fn) in atom_of.items():
                values[atom] = fn(z[key], num)
            left, right = evaluate(lhs_s, values, num), evaluate(rhs_s, values, num)
        except (NotEvaluable, ZeroDivisionError):
            return None
        if num.differs(left, right):
            witness = {"values": {k: str(v) for k, v in chosen.items()},
                       "direct": num.show(left), "rule": num.show(right),
                       "exact": exact}
            if any(a.is_generic for a in ex.acts[1:]):
                c0, c1, c2 = coeffs
                witness["f"] = f"f(t) = {c2}*t**2 + {c1}*t + {c0}"
            return witness
    return None


def _forward(ex, chosen: dict, num) -> dict:
    """z^l_j(s) at the chosen values, by a plain forward pass."""
    n, L = ex.shape.widths, ex.shape.L
    val = lambda sym: num.const(chosen[str(sym)].numerator, chosen[str(sym)].denominator)
    z = {}
    for s in range(1, ex.shape.samples + 1):
        a = [val(ex.x[s, k]) for k in range(1, n[0] + 1)]
        for l in range(1, L + 1):
            zs = [sum((a[k - 1] * val(ex.w[l, k, j]) for k in range(1, n[l - 1] + 1)),
                      val(ex.b[l, j])) for j in range(1, n[l] + 1)]
            for j, zj in enumerate(zs, 1):
                z[s, l, j] = zj
            a = [ex.acts[l].forward(zj, num) for zj in zs]
    return z
