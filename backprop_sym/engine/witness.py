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
import time
from dataclasses import dataclass
from fractions import Fraction

import sympy

from .arithmetic import Exact, Interval, NotEvaluable, evaluate
from . import costs
from .canonical import Canonical
from .forward import forward


SMALL = [Fraction(p, q) for q in (1, 2, 3) for p in range(-3, 4) if p != 0 and
         Fraction(p, q).denominator == q]
# concrete f for the generic one, simplest first: (c0, c1, c2) of f(t) = c0 + c1 t + c2 t^2;
# never linear, so that a missing or misplaced f' still shows
SIMPLE_F = [tuple(map(Fraction, c)) for c in
            ((0, 1, 1), (0, 0, 1), (1, 1, 1), (0, -1, 1), (1, 0, 1), (0, 2, 1), (0, 1, -1))]
DOMAIN_F0 = [Fraction(1, 2), Fraction(1, 3), Fraction(2, 3)]   # f(0) for costs with a domain
ROUND = (Fraction(1), Fraction(-1), Fraction(2), Fraction(-2))
BUDGET = 0.75                # CPU seconds one witness may take to become small
TOTAL = 1.5                  # CPU seconds all the witnesses of one run may take together
# (CPU time, not wall time: on a loaded machine a witness is as small as on an idle one)


class Budget:
    """The CPU seconds left for making the witnesses of one run small (a verify, a check, an
    implementation): once spent, witnesses are reported as found (still exact)."""

    def __init__(self, seconds: float = TOTAL):
        self.left = seconds

    def take(self) -> float:
        return max(0.0, min(BUDGET, self.left))

    def spend(self, seconds: float) -> None:
        self.left -= seconds


def find(canon: Canonical, lhs, rhs, seed: int, attempts: int = 4,
         budget: Budget | None = None) -> Witness | None:
    """Values where the atom forms lhs and rhs differ, made small (see `small`), or None
    if none was found."""
    ex = canon.ex
    exact = all(a.exact for a in ex.acts[1:])
    lhs_s, rhs_s = ex.B.to_sympy(lhs), ex.B.to_sympy(rhs)
    # atoms are Dummies: matched as objects, never by name (a user's Symbol may share it)
    atom_of = {ex.B.to_sympy(a): v for a, v in canon.numeric.items()}
    generic = any(a.is_generic for a in ex.acts[1:])

    inside = _domain(ex)
    kinked = any(a.kink for a in ex.acts[1:])

    def sides(chosen: dict, coeffs) -> tuple | None:
        num = (Exact if exact else Interval)(coeffs)
        with num.precision():
            values = {sympy.Symbol(k): num.const(v.numerator, v.denominator)
                      for k, v in chosen.items()}
            z = forward_values(ex, chosen, num)
            if not inside(z, num):
                return None         # the cost is not defined there: no witness
            for atom, (key, fn) in atom_of.items():
                values[atom] = fn(z[key], num)
            left, right = evaluate(lhs_s, values, num), evaluate(rhs_s, values, num)
            return (num.show(left), num.show(right)) if num.differs(left, right) else None

    rng = random.Random(seed)
    names = [str(sym) for sym in (*ex.x.values(), *ex.y.values(), *ex.w.values(),
                                  *ex.b.values(), *ex.constants.values())]
    f0, values = SMALL, SMALL
    if costs.for_shape(ex.shape).domain is not None:
        # the cost is defined on part of the outputs' range (0 < a < 1): many tries,
        # small values and a concrete f with f(0) in (0, 1), so that some points lie in it
        attempts *= 10
        f0, values = DOMAIN_F0, SMALL + [Fraction(0)] * len(SMALL)
    if kinked:
        # a ReLU layer is flat wherever its z < 0: a point where every z is negative shows
        # no difference, so 4 tries often miss a wrong rule (review R4: unknown, not refuted)
        attempts *= 8
    for _ in range(attempts):
        coeffs = (rng.choice(f0), rng.choice(SMALL), rng.choice(SMALL))
        chosen = {k: rng.choice(values) for k in names}
        try:
            found = sides(chosen, coeffs)
        except NotEvaluable:
            if not kinked:
                return None
            continue                # a ReLU input at 0 (not differentiable): try again
        except ZeroDivisionError:
            continue
        if found is not None:
            return small(sides, chosen, coeffs, found, exact, generic, budget)
    return None


def small(sides, chosen: dict, coeffs, found, exact: bool, generic: bool,
          budget: Budget | None = None) -> Witness:
    """The witness `chosen` (the sides differ there: `found`) made small enough to check by
    hand: the simplest concrete f that still separates the sides, then every value that
    can be 0 set to 0 (halves at a time, then one by one), then the rest rounded to ±1 or
    ±2; each step kept only where `sides` still differ. Stops when its share of the
    budget is spent, keeping what it has."""
    budget = budget or Budget(BUDGET)
    start = time.process_time()
    deadline = start + budget.take()

    def differ(values, c):
        if time.process_time() > deadline:
            raise TimeoutError
        try:
            return sides(values, c)
        except (NotEvaluable, ZeroDivisionError, ArithmeticError, ValueError):
            return None

    try:
        if generic:
            for c in SIMPLE_F:
                if c != coeffs and (got := differ(chosen, c)) is not None:
                    coeffs, found = c, got
                    break
        groups = [[k for k in chosen if chosen[k] != 0]]       # 0 wherever it can be
        while groups:
            keys = groups.pop()
            trial = {**chosen, **{k: Fraction(0) for k in keys}}
            if (got := differ(trial, coeffs)) is not None:
                chosen, found = trial, got
            elif len(keys) > 1:
                groups += [keys[len(keys) // 2:], keys[:len(keys) // 2]]
        for k in chosen:                                       # small integers
            if chosen[k] != 0 and chosen[k] not in ROUND[:2]:
                for r in ROUND:
                    if r != chosen[k] and (got := differ({**chosen, k: r}, coeffs)):
                        chosen, found = {**chosen, k: r}, got
                        break
        if generic and coeffs != SIMPLE_F[0]:
            for c in SIMPLE_F:
                if c != coeffs and (got := differ(chosen, c)) is not None:
                    coeffs, found = c, got
                    break
    except TimeoutError:
        pass
    budget.spend(time.process_time() - start)
    return record(chosen, found, exact, coeffs if generic else None)


@dataclass(frozen=True)
class Witness:
    """Concrete values at which two sides differ: every value, the ones not 0, both sides
    (as text), whether the evaluation was exact rational arithmetic (else a rigorous
    interval), and the concrete f used for the generic one (None for a named activation)."""

    values: dict[str, str]
    nonzero: dict[str, str]
    left: str
    right: str
    exact: bool
    f: dict | None = None

    def to_json(self) -> dict:
        return {"values": dict(self.values), "nonzero": dict(self.nonzero), "left": self.left,
                "right": self.right, "exact": self.exact,
                "f": None if self.f is None else dict(self.f)}

    def text(self) -> str:
        """The witness on one line: f, both sides, and the values that are not 0."""
        f = f"{self.f['formula']}; " if self.f else ""
        vals = ", ".join(f"{k}={v}" for k, v in self.nonzero.items())
        rest = len(self.values) - len(self.nonzero)
        if rest:
            vals = f"{vals} (all {rest} others 0)" if vals else f"all {rest} values 0"
        return f"{f}left={self.left}, right={self.right} at {vals}"

    def __str__(self) -> str:
        return self.text()

    @classmethod
    def from_json(cls, doc) -> "Witness | None":
        """The witness a JSON document (or a claim's, which adds the shape and instance it
        was found at) describes; None for a finding without values."""
        if isinstance(doc, Witness):
            return doc
        if not hasattr(doc, "get") or "values" not in doc:
            return None
        return cls(values=dict(doc["values"]), nonzero=dict(doc.get("nonzero", doc["values"])),
                   left=doc["left"], right=doc["right"], exact=bool(doc.get("exact", True)),
                   f=doc.get("f"))


def record(chosen: dict, found, exact: bool, coeffs=None) -> Witness:
    """A witness as every command reports it."""
    return Witness(values={k: str(v) for k, v in chosen.items()},
                   nonzero={k: str(v) for k, v in chosen.items() if v != 0},
                   left=found[0], right=found[1], exact=exact,
                   f=None if coeffs is None else f_record(coeffs))


def f_record(coeffs) -> dict:
    """{formula, coefficients} of f(t) = c0 + c1 t + c2 t^2 (coefficients as text)."""
    t = sympy.Symbol("t")
    c0, c1, c2 = (sympy.Rational(c.numerator, c.denominator) for c in coeffs)
    return {"formula": f"f(t) = {c2 * t ** 2 + c1 * t + c0}",
            "coefficients": [str(c) for c in (c0, c1, c2)]}


def text(w) -> str:
    """A witness on one line (a `Witness`, or another finding given as a mapping)."""
    if not w:
        return ""
    found = Witness.from_json(w)
    if found is None:
        return "; ".join(f"{k}: {v}" for k, v in w.items())
    return found.text()


def _domain(ex):
    """(z, num) -> whether every output a^L_j(s) lies where the cost is defined (for the
    cross-entropy 0 < a < 1; an interval only when all of it does)."""
    ok = costs.for_shape(ex.shape).domain
    if ok is None:
        return lambda z, num: True
    L, act = ex.shape.L, ex.acts[ex.shape.L]

    def inside(z, num) -> bool:
        for key, u in z.items():
            if key[1] == L:
                a = act.forward(u, num)
                ends = (a.a, a.b) if hasattr(a, "_mpi_") else (a,)   # interval: both ends
                if not all(ok(e) for e in ends):
                    return False
        return True
    return inside


def forward_values(ex, chosen: dict, num) -> dict:
    """z^l_j(s), keyed (s, l, j), at the chosen values (names -> Fractions) in the
    arithmetic `num` (call it inside `num.precision()`), by the one forward pass."""
    n = ex.shape.widths
    val = lambda sym: num.const(chosen[str(sym)].numerator, chosen[str(sym)].denominator)
    z = {}
    for s in range(1, ex.shape.samples + 1):
        zs, _ = forward(n, [val(ex.x[s, k]) for k in range(1, n[0] + 1)],
                        weight=lambda l, k, j: val(ex.w[l, k, j]),
                        bias=lambda l, j: val(ex.b[l, j]),
                        activate=lambda l, u: ex.acts[l].forward(u, num))
        z.update({(s, *key): v for key, v in zs.items()})
    return z
