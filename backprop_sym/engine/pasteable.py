"""A refuted backward pass's witness as NumPy code a TA can paste into a test.

The witness (`engine.witness`: exact rational values of every weight, bias, x and y,
and for the generic f a concrete quadratic) is written as `W1 = np.array(...)`, `b1`,
`x`, `y` (and `f`, `fprime`) in the layout the submission was called with (the detected
or the given convention), each rational as a Python fraction (`1/2`, `-3`) that NumPy
reads as the double nearest to it, then the call of the submission's function. Below,
as comments, the expected gradient (the direct derivative: exact, or decimals where an
activation is not rational) and the returned one (the code's entries at the same
values), layer by layer, side by side, and the entries that differ. It only shows a
witness the verdict already has; it decides nothing.
"""
from __future__ import annotations

from fractions import Fraction

import sympy

from . import activations
from .arithmetic import evaluate
from .entries import Sides
from .witness import forward_values

MAX_ENTRIES = 400            # beyond this, the arrays only (no side-by-side gradient)
TOLERANCE = 1e-9             # a returned float this close (relative) to the exact value


def _number(v) -> str:
    if isinstance(v, Fraction):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    return f"{float(v.mid):.12g}"            # an interval: its midpoint


def _matrix(rows) -> str:
    return "np.array([" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "], dtype=float)"


def _weights(ctx, l):
    """w^l's symbols in the layout of the call (`shape.matrix`, row-major)."""
    n, w = ctx.shape.widths, ctx.ex.w
    if ctx.shape.convention == "to-from":
        return [[w[l, k, j] for k in range(1, n[l - 1] + 1)] for j in range(1, n[l] + 1)]
    return [[w[l, k, j] for j in range(1, n[l] + 1)] for k in range(1, n[l - 1] + 1)]


def inputs(ctx, witness, entry: str = "backward") -> str:
    """The witness's values as NumPy code in the call's layout, and the call of `entry`."""
    shape, ex = ctx.shape, ctx.ex
    n, L, N = shape.widths, shape.L, shape.samples
    vals = {k: Fraction(v) for k, v in witness.values.items()}

    def val(sym) -> str:
        return str(vals.get(str(sym), Fraction(0)))
    layout = "W[out, in] (to-from)" if shape.convention == "to-from" else \
        "W[in, out] (from-to)"
    lines = ["import numpy as np"]
    for l in range(1, L + 1):
        rows, cols = shape.matrix(l)
        lines.append(f"W{l} = {_matrix([[val(s) for s in r] for r in _weights(ctx, l)])}"
                     f"  # w^{l}: {layout}, shape ({rows}, {cols})")
    for l in range(1, L + 1):
        lines.append(f"b{l} = {_matrix([[val(ex.b[l, j])] for j in range(1, n[l] + 1)])}")
    lines.append(f"x = {_matrix([[val(ex.x[s, k]) for s in range(1, N + 1)] for k in range(1, n[0] + 1)])}"
                 f"  # ({n[0]}, {N}): one example per column")
    lines.append(f"y = {_matrix([[val(ex.y[s, j]) for s in range(1, N + 1)] for j in range(1, n[L] + 1)])}")
    args = (f"[{', '.join(f'W{l}' for l in range(1, L + 1))}], "
            f"[{', '.join(f'b{l}' for l in range(1, L + 1))}], x, y")
    if witness.f:
        c0, c1, c2 = witness.f["coefficients"]
        lines.append(f"f = lambda t: ({c0}) + ({c1}) * t + ({c2}) * t ** 2")
        lines.append(f"fprime = lambda t: ({c1}) + 2 * ({c2}) * t")
        args += ", f=f, fprime=fprime"
    lines.append(f"grad_weights, grad_biases = {entry}({args})")
    return "\n".join(lines)


def gradients(ctx, entries, values, witness) -> str | None:
    """The expected and the returned gradient at the witness, per layer in the call's
    layout, as comment lines; None where they cannot be evaluated (or are too many)."""
    if len(entries) > MAX_ENTRIES or len(values) != len(entries):
        return None
    shape = ctx.shape
    exact = all(activations.get(a).exact for a in shape.activations)
    coeffs = tuple(Fraction(c) for c in witness.f["coefficients"]) if witness.f else \
        (Fraction(0), Fraction(1), Fraction(1))
    chosen = {str(s): Fraction(0) for t in (ctx.ex.w, ctx.ex.b, ctx.ex.x, ctx.ex.y)
              for s in t.values()}
    chosen.update({k: Fraction(v) for k, v in witness.values.items()})
    table: dict = {}
    try:
        for (inst, param), code in zip(entries, values):
            direct = ctx.engine.gradient(param)
            floats = code is None or isinstance(code, float)
            sides = Sides(ctx, direct, direct if floats else code, coeffs, exact)
            num = sides.num
            at = {sympy.Symbol(k): num.const(v.numerator, v.denominator)
                  for k, v in chosen.items()}
            with num.precision():
                z = forward_values(ctx.ex, chosen, num)
                for atom, (key, fn) in sides.atoms.items():
                    at[atom] = fn(z[key], num)
                want = evaluate(sides.lhs, at, num)
                got = code if floats else evaluate(sides.rhs, at, num)
                if got is None:
                    differs = True
                elif isinstance(got, float):
                    mid = float(want) if isinstance(want, Fraction) else float(want.mid)
                    differs = not abs(got - mid) <= TOLERANCE * max(1.0, abs(mid))
                else:
                    differs = num.differs(want, got)
            table.setdefault((inst.rule, inst.layer), []).append(
                (inst.index, _number(want), "?" if got is None else _number(got), differs))
    except Exception:                          # noqa: BLE001 (a display, never a verdict)
        return None
    lines = ["# at these values, the expected gradient (exact) and what backward returns:"]
    for (rule, l), cells in sorted(table.items(), key=lambda kv: (kv[0][0] != "weight_grad",
                                                                  kv[0][1])):
        name = f"grad_weights[{l - 1}]" if rule == "weight_grad" else f"grad_biases[{l - 1}]"
        rows, cols = shape.matrix(l) if rule == "weight_grad" else (shape.widths[l], 1)
        grid = [cells[r * cols:(r + 1) * cols] for r in range(rows)]
        lines.append(f"#   {name} expected: [" + ", ".join(
            "[" + ", ".join(c[1] for c in r) + "]" for r in grid) + "]")
        lines.append(f"#   {name} returned: [" + ", ".join(
            "[" + ", ".join(c[2] for c in r) + "]" for r in grid) + "]")
        bad = [f"[{i // cols}, {i % cols}]" for i, c in enumerate(cells) if c[3]]
        if bad:
            lines.append(f"#   {name} differs at {', '.join(bad)}")
    if any(c[2] == "?" for cells in table.values() for c in cells):
        lines.append("#   ? : an array of the wrong shape (see the detail)")
    return "\n".join(lines)


def text(ctx, entries, values, witness, entry: str = "backward") -> str | None:
    """The witness as NumPy code, then (where `values`, the code's entries of the call,
    are given) the expected and returned gradients there; None without a witness."""
    if witness is None or not getattr(witness, "values", None):
        return None
    try:
        code = inputs(ctx, witness, entry)
    except (KeyError, ValueError, ZeroDivisionError):
        return None
    side = gradients(ctx, entries, values, witness) if values is not None else None
    return code + ("\n" + side if side else "")
