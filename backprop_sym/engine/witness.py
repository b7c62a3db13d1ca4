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

from .arithmetic import Exact, Interval, NotEvaluable, evaluate
from .canonical import Canonical


SMALL = [Fraction(p, q) for q in (1, 2, 3) for p in range(-3, 4) if p != 0 and
         Fraction(p, q).denominator == q]


def find(canon: Canonical, lhs, rhs, seed: int, attempts: int = 4) -> dict | None:
    """Values where the atom forms lhs and rhs differ, or None if none was found."""
    ex = canon.ex
    exact = all(a.is_generic or a.name == "linear" for a in ex.acts[1:])
    lhs_s, rhs_s = ex.B.to_sympy(lhs), ex.B.to_sympy(rhs)
    # atoms are Dummies: matched as objects, never by name (a user's Symbol may share it)
    atom_of = {ex.B.to_sympy(a): v for a, v in canon.numeric.items()}
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
