"""The float64 call of a user's backward: an exact point, and the code's floats there
compared with the exact gradient at that point.

The point is small dyadic rationals (exactly representable in float64); for the generic f
the code is given a concrete quadratic f (dyadic coefficients) and its derivative. A
float that differs from the exact value by far more than rounding (`TOLERANCE`,
relative) refutes the entry, with the point as NumPy arrays a TA can paste; agreement
proves nothing (it never turns unknown into proved).
"""
from __future__ import annotations

import random
import time
from fractions import Fraction

from . import activations, arithmetic
from .entries import entry_check
from .vocabulary import Status
from .witness import forward_values, record

TOLERANCE = 1e-6
VALUES = tuple(Fraction(p, 8) for p in (-6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6))
F_COEFFS = (Fraction(1, 8), Fraction(1, 2), Fraction(1, 4))     # f(t) = 1/8 + t/2 + t²/4


def point(shape, seed: int = 18) -> dict:
    """Plain lists of floats: weights (in the convention's orientation), biases (columns),
    x, y, and the generic f's coefficients (or None)."""
    rng = random.Random(seed)
    n, L, N = shape.widths, shape.L, shape.samples
    pick = lambda: float(rng.choice(VALUES))                      # noqa: E731
    w = {(l, k, j): pick() for l in range(1, L + 1) for k in range(1, n[l - 1] + 1)
         for j in range(1, n[l] + 1)}
    if shape.convention == "to-from":
        weights = [[[w[l, k, j] for k in range(1, n[l - 1] + 1)] for j in range(1, n[l] + 1)]
                   for l in range(1, L + 1)]
    else:
        weights = [[[w[l, k, j] for j in range(1, n[l] + 1)] for k in range(1, n[l - 1] + 1)]
                   for l in range(1, L + 1)]
    generic = any(activations.get(a).is_generic for a in shape.activations)
    return {"w": [[l, k, j, v] for (l, k, j), v in w.items()], "weights": weights,
            "biases": [[[pick()] for _ in range(n[l])] for l in range(1, L + 1)],
            "x": [[pick() for _ in range(N)] for _ in range(n[0])],
            "y": [[pick() for _ in range(N)] for _ in range(n[L])],
            "f": [str(c) for c in F_COEFFS] if generic else None}


def chosen(ctx, pt: dict) -> dict:
    """The point as the witness search names it: symbol name -> Fraction."""
    ex, out = ctx.ex, {}
    for l, k, j, v in pt["w"]:
        out[str(ex.w[l, k, j])] = Fraction(v)
    for l, col in enumerate(pt["biases"], 1):
        for j, (v,) in enumerate(col, 1):
            out[str(ex.b[l, j])] = Fraction(v)
    for name, rows in (("x", pt["x"]), ("y", pt["y"])):
        table = ex.x if name == "x" else ex.y
        for k, row in enumerate(rows, 1):
            for s, v in enumerate(row, 1):
                out[str(table[s, k])] = Fraction(v)
    return out


def arrays_text(pt: dict) -> str:
    """The point as NumPy code."""
    mat = lambda m: f"np.array({m!r})"                            # noqa: E731
    text = (f"weights=[{', '.join(mat(m) for m in pt['weights'])}], "
            f"biases=[{', '.join(mat(m) for m in pt['biases'])}], x={mat(pt['x'])}, "
            f"y={mat(pt['y'])}")
    if pt["f"]:
        c0, c1, c2 = pt["f"]
        text += f", f=lambda t: {c0} + {c1}*t + {c2}*t**2, fprime=lambda t: {c1} + 2*{c2}*t"
    return text


class Exact:
    """The exact value of the network's expressions at one point (the forward pass once),
    walking the backend's expressions in atom form (`arithmetic.evaluate`): rationals
    where every activation is exact (the generic f is the quadratic `F_COEFFS`), else
    60-digit intervals."""

    def __init__(self, ctx, at: dict):
        self.generic = any(activations.get(a).is_generic for a in ctx.shape.activations)
        exact = all(activations.get(a).exact for a in ctx.shape.activations)
        self.num = num = (arithmetic.Exact if exact else arithmetic.Interval)(F_COEFFS)
        ex = ctx.ex
        with num.precision():
            self.values = {s: num.const(at[str(s)].numerator, at[str(s)].denominator)
                           for table in (ex.w, ex.b, ex.x, ex.y) for s in table.values()}
            z = forward_values(ex, at, num)
            for atom, (key, fn) in ctx.canon.numeric.items():
                self.values[atom] = fn(z[key], num)

    def __call__(self, expr):
        """The value of a backend expression in atom form; raises NotEvaluable (a node
        it cannot take) and arithmetic errors."""
        with self.num.precision():
            return arithmetic.evaluate(expr, self.values, self.num)


def compare(ctx, inst, direct, got: float, pt: dict, at: dict, exact: Exact):
    """The entry's verdict: refuted when `got` is far from the exact value, else None (it
    agrees, which adds nothing to the calls on symbols, or there is no exact value)."""
    t1 = time.perf_counter()
    try:
        value = exact(direct)
    except Exception:                           # noqa: BLE001 (no value: no verdict)
        return None
    mid = float(value) if isinstance(value, Fraction) else float(value.mid)
    if got == got and abs(got - mid) <= TOLERANCE * max(1.0, abs(mid)):
        return None
    shown = str(value) if isinstance(value, Fraction) else repr(mid)
    wit = record(at, (shown, repr(got)), isinstance(value, Fraction),
                 F_COEFFS if exact.generic else None)
    return entry_check(inst, Status.REFUTED, time.perf_counter() - t1, witness=wit,
                       reason=f"on float64 arrays the code returns {got!r} where the exact "
                              f"gradient is {shown}; the inputs: {arrays_text(pt)}")
