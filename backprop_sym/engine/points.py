"""Code that compares entries (np.where, np.clip, np.maximum, <, abs), checked at exact
random rational points instead of on symbols.

Such code has no single expression for every input: on symbols its comparisons cannot
be decided (`transport.Branching`). It is run again at points (`make`: rationals with
odd denominators, so that a comparison is rarely a tie; the generic f is a concrete
quadratic), where each recorded number carries a rigorous interval that decides the
comparisons, and records the expression of the branch it took. `judge` compares that
expression with the direct gradient: equal as expressions (exact at the point and near
it), different at the point (refuted, the point is the witness), or neither (unknown).
However many points agree, the verdict is at most unknown, with its scope in words
("exact at 5 random rational points"): never proved.
"""
from __future__ import annotations

import random
import time
from fractions import Fraction

from . import activations
from . import witness as witnesses
from .entries import Call, Sides, entry_check
from .floatcall import F_COEFFS
from .vocabulary import Status

COUNT = 5                    # points that must decide every comparison
TRIES = 12                   # points offered (a tie at one is skipped)
VALUES = tuple(Fraction(p, q) for q in (3, 5, 7, 9) for p in range(-8, 9)
               if p % q and abs(Fraction(p, q)) <= 2)


def make(shape, seed: int) -> list[dict]:
    """`TRIES` points as plain data: [name, indices..., "p/q"] rows (weights by their
    physical indices l, k, j, so that either convention reads them), and f's coefficients
    (for the generic f) or None."""
    rng = random.Random(7919 * seed + 17)
    n, L, N = shape.widths, shape.L, shape.samples
    generic = any(activations.get(a).is_generic for a in shape.activations)
    keys = ([("w", l, k, j) for l in range(1, L + 1) for k in range(1, n[l - 1] + 1)
             for j in range(1, n[l] + 1)] +
            [("b", l, j) for l in range(1, L + 1) for j in range(1, n[l] + 1)] +
            [("x", s, k) for s in range(1, N + 1) for k in range(1, n[0] + 1)] +
            [("y", s, j) for s in range(1, N + 1) for j in range(1, n[L] + 1)])
    return [{"values": [[*key, str(rng.choice(VALUES))] for key in keys],
             "f": [str(c) for c in F_COEFFS] if generic else None} for _ in range(TRIES)]


def keys(pt: dict) -> dict:
    """(name, *indices) -> Fraction, as `transport.Tape` takes a point."""
    return {tuple(row[:-1]): Fraction(row[-1]) for row in pt["values"]}


def coefficients(pt: dict):
    return None if pt["f"] is None else tuple(Fraction(c) for c in pt["f"])


def chosen(ctx, pt: dict) -> dict:
    """The point as the witness search names it: symbol name -> Fraction."""
    ex = ctx.ex
    tables = {"w": ex.w, "b": ex.b, "x": ex.x, "y": ex.y}
    return {str(tables[name][tuple(idx)]): q for (name, *idx), q in keys(pt).items()}


def judge(ctx, call: dict, entries: list, found: list) -> Call:
    """The verdict of a call run at points: `found` is [(point number, values,
    problems)], one value per entry of `entries` ((instance, parameter) pairs)."""
    exact = all(activations.get(a).exact for a in ctx.shape.activations)
    generic = any(a.is_generic for a in ctx.ex.acts[1:])
    at = {k: chosen(ctx, call["points"][k]) for k, _, _ in found}
    scope = (f"exact at {len(found)} random rational point{'s' if len(found) > 1 else ''} "
             f"(the code compares entries: checked at points, not proved for every "
             f"input)")
    checks = []
    for i, (inst, param) in enumerate(entries):
        t1 = time.perf_counter()
        direct = ctx.engine.gradient(param)
        verdict = None
        for k, values, problems in found:
            group = (inst.rule, inst.layer)
            if group in problems:
                verdict = entry_check(inst, Status.ERROR, 0.0, reason=problems[group])
                break
            code = values[i]
            try:                                # cheap first: expansion, then the point
                if ctx.is_zero(code - direct, cancel=False):
                    continue                    # the branch taken is the gradient there
                sides = Sides(ctx, direct, code, F_COEFFS, exact)
                differ = sides(at[k])
                if differ is None and ctx.is_zero(code - direct):
                    continue
            except Exception:                   # noqa: BLE001 (no value: no verdict)
                differ = None
            if differ is not None:
                shown = (sides.num.show(differ[0]), sides.num.show(differ[1]))
                wit = witnesses.record(at[k], shown, sides.exact,
                                       F_COEFFS if generic else None)
                verdict = entry_check(inst, Status.REFUTED, time.perf_counter() - t1,
                                      witness=wit, reason=f"at random rational point "
                                      f"{k + 1} the code's value differs from the gradient")
                break
            verdict = entry_check(inst, Status.UNKNOWN, time.perf_counter() - t1,
                                  reason=f"at random rational point {k + 1} the difference "
                                         f"did not reduce to 0 and no difference was found")
        checks.append(verdict if verdict is not None else
                      entry_check(inst, Status.UNKNOWN, time.perf_counter() - t1,
                                  reason=scope))
    return Call(f"{call['what']}, at points", checks, None)
