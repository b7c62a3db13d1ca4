"""Exact and rigorous arithmetic for evaluating expressions at concrete values.

`Exact` is rational arithmetic with a concrete quadratic f; `Interval` is mpmath's interval
arithmetic at 60 digits, for e^z, tanh and log, where two values differ only when the
interval of their difference excludes 0. `evaluate` walks a SymPy expression in either.
Both `canonical` (the numeric value of an atom) and `witness` use it.
"""
from __future__ import annotations

import contextlib
from fractions import Fraction

import sympy
from mpmath import iv, mp, nstr

from .errors import BackpropSymError

DIGITS = 60                 # the intervals' working precision, in decimal digits


@contextlib.contextmanager
def interval_precision(digits: int = DIGITS):
    """mpmath.iv at `digits` inside the block, the caller's precision back afterwards
    (mpmath's precision is process-wide, and `iv` has no `workdps` of its own)."""
    saved = iv.prec
    iv.dps = digits
    try:
        yield
    finally:
        iv.prec = saved


class NotEvaluable(BackpropSymError):
    """The expression contains something the evaluator cannot take."""


class Exact:
    """Rational arithmetic; a concrete quadratic f."""

    def __init__(self, coeffs):
        self.c0, self.c1, self.c2 = coeffs

    const = staticmethod(Fraction)

    def precision(self):
        """The context every computation in this arithmetic runs in (none for rationals)."""
        return contextlib.nullcontext()

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
    """Interval arithmetic at 60 digits: rigorous enclosures. mpmath's precision is
    process-wide: every computation runs inside `precision()`, which sets it and puts the
    caller's back afterwards."""

    def __init__(self, coeffs):
        with self.precision():
            super().__init__([self.const(c.numerator, c.denominator) for c in coeffs])

    def precision(self):
        return interval_precision()

    @staticmethod
    def const(p, q=1):
        with interval_precision():
            return iv.mpf(p) / iv.mpf(q)

    exp = staticmethod(lambda z: iv.exp(z))
    log = staticmethod(lambda z: iv.log(z))

    @staticmethod
    def tanh(z):
        e = iv.exp(2 * z)
        return (e - 1) / (e + 1)

    @staticmethod
    def differs(a, b) -> bool:
        with interval_precision():
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

    with num.precision():
        return ev(expr)
