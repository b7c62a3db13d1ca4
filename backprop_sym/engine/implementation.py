"""Prove a user's own backward pass: run it on symbols, compare every entry exactly.

`check_implementation(backward, widths, activation, convention, samples)` calls the
user's `backward(weights, biases, x, y)` once, on NumPy object arrays of `Sym` (symbolic
numbers in the engine's canonical atom form, `engine.sym`), reads what it returns, and
compares each gradient entry with the direct derivative of the cost (`direct`, via
`verify.Engine`): proved, refuted (with a witness and a hint, `engine.hints`), error (the
code raised or returned the wrong shapes: the exception and its line) or unknown; see
`engine.entries`. This module owns running the code and reading what it returns.
"""
from __future__ import annotations

import ast
import inspect
import os
import textwrap
import time
import traceback

from .entries import EntryCheck, ImplementationResult, compare, entry_check, witness_text
from .hints import add_hints
from .network import Network
from .sym import Sym, SymContext, array, elementwise, lift, numpy_module, running
from .verify import Instance
from .vocabulary import Status

__all__ = ["EntryCheck", "ImplementationResult", "check_implementation", "witness_text"]

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def check_implementation(backward, widths, activation="f", convention="from-to",
                         samples=1, *, backend: str | None = None,
                         hints: bool = True) -> ImplementationResult:
    """Run `backward(weights, biases, x, y)` once on symbols and prove, entry by entry,
    that it returns the gradient of 𝒞 = (1/N) Σ_x ½‖a^L − y‖² (see the module doc).

    `weights[l-1]` is w^l (n_l × n_{l-1} for to-from, n_{l-1} × n_l for from-to),
    `biases[l-1]` an (n_l, 1) column, x (n_0, N), y (n_L, N). It returns
    (grad_weights, grad_biases) in the same shapes (or any shapes with as many entries).
    With activation "f", it is also called with `f=` and `fprime=`, elementwise callables.
    """
    if not callable(backward):
        raise TypeError(f"backward must be a function, got {type(backward).__name__}")
    shape = Network(widths, activation, samples, convention).shape
    t0 = time.perf_counter()
    ctx = SymContext(shape, backend)
    ex, n, L, N = ctx.ex, shape.widths, shape.L, shape.samples
    W = [_weight_matrix(ctx, l) for l in range(1, L + 1)]
    b = [array([[ex.b[l, j]] for j in range(1, n[l] + 1)]) for l in range(1, L + 1)]
    x = array([[ex.x[s, k] for s in range(1, N + 1)] for k in range(1, n[0] + 1)])
    y = array([[ex.y[s, j] for s in range(1, N + 1)] for j in range(1, n[L] + 1)])
    kwargs = {}
    if any(a.is_generic for a in ctx.ex.acts[1:]):
        kwargs = {"f": elementwise(ctx.f), "fprime": elementwise(ctx.fprime)}
    entries = _entries(ctx)
    if kwargs and not _accepts(backward, ("f", "fprime")):
        message = ("with activation 'f', backward is called as backward(weights, biases, "
                   "x, y, f=..., fprime=...); give it the parameters f and fprime")
        return ImplementationResult(shape, [entry_check(i, Status.ERROR, 0.0, reason=message)
                                            for i, _ in entries], 0.0, ctx.B.name, message)
    with running(ctx):
        try:
            out = backward([w.copy() for w in W], [v.copy() for v in b], x.copy(), y.copy(),
                           **kwargs)
            got, problems = _returned(ctx, out, entries, backward)
        except (Exception, SystemExit) as err:
            message = _raised(err, backward)
            checks = [entry_check(inst, Status.ERROR, 0.0, reason=message) for inst, _ in entries]
            return ImplementationResult(shape, checks, time.perf_counter() - t0,
                                        ctx.B.name, error=message)
    checks = []
    for i, (inst, param) in enumerate(entries):
        t1 = time.perf_counter()
        group = (inst.rule, inst.layer)
        if group in problems:
            checks.append(entry_check(inst, Status.ERROR, 0.0, reason=problems[group]))
            continue
        checks.append(compare(ctx, inst, ctx.engine.gradient(param), got[i], t1))
    if hints:
        add_hints(ctx, checks, entries, got, W, b, x, y)
    return ImplementationResult(shape, checks, time.perf_counter() - t0, ctx.B.name)


def _accepts(fn, names) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    named = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return any(p.kind == p.VAR_KEYWORD for p in params) or set(names) <= named


def _weight_matrix(ctx, l):
    """w^l in the convention's orientation: to-from n_l × n_{l-1}, from-to n_{l-1} × n_l."""
    n, w = ctx.shape.widths, ctx.ex.w
    if ctx.shape.convention == "to-from":
        return array([[w[l, k, j] for k in range(1, n[l - 1] + 1)] for j in range(1, n[l] + 1)])
    return array([[w[l, k, j] for j in range(1, n[l] + 1)] for k in range(1, n[l - 1] + 1)])


def _entries(ctx) -> list[tuple[Instance, object]]:
    """(instance, parameter) for every weight (row-major, convention indices), then
    every bias: the order in which the returned arrays are read."""
    shape, ex, n = ctx.shape, ctx.ex, ctx.shape.widths
    out = []
    for l in range(1, shape.L + 1):
        rows, cols = shape.matrix(l)
        out += [(Instance("weight_grad", l, (p, q), None), ex.W(l, p, q))
                for p in range(1, rows + 1) for q in range(1, cols + 1)]
    for l in range(1, shape.L + 1):
        out += [(Instance("bias_grad", l, (j,), None), ex.b[l, j]) for j in range(1, n[l] + 1)]
    return out


def _returned(ctx, out, entries, backward):
    """The returned entries as backend expressions (aligned with `entries`), and a
    problem message per (rule, layer) whose shape is wrong."""
    np = numpy_module()
    where = _return_line(backward)
    L = ctx.shape.L
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise _Returned(f"backward returned {_kind(out)}; expected (grad_weights, grad_biases)"
                        f"{where}")
    got, problems = [], {}
    for rule, name, grads in (("weight_grad", "grad_weights", out[0]),
                              ("bias_grad", "grad_biases", out[1])):
        if not isinstance(grads, (list, tuple)) or len(grads) != L:
            raise _Returned(f"{name} is {_kind(grads)}; expected a list of {L} arrays, one "
                            f"per layer{where}")
        for l, g in enumerate(grads, 1):
            want = [p for inst, p in entries if inst.rule == rule and inst.layer == l]
            arr = np.asarray(g, dtype=object)
            values = [lift(v) if not isinstance(v, Sym) else v.e for v in arr.ravel()]
            expected = _shape_text(ctx.shape, rule, l)
            if arr.size != len(want):
                problems[rule, l] = (f"{name}[{l - 1}] has shape {arr.shape} ({arr.size} "
                                     f"entries); expected {expected}{where}")
                values = [None] * len(want)
            elif any(v is None for v in values):
                bad = next(v for v in arr.ravel() if not isinstance(v, Sym) and lift(v) is None)
                problems[rule, l] = (f"{name}[{l - 1}] holds {_kind(bad)}; expected numbers"
                                     f"{where}")
            got += values
    return got, problems


def _shape_text(shape, rule, l) -> str:
    n = shape.widths
    if rule == "bias_grad":
        return f"{n[l]} entries like b^{l} ({n[l]}, 1)"
    rows, cols = shape.matrix(l)
    return f"{rows * cols} entries like w^{l} ({rows}, {cols}) under {shape.convention}"


def _kind(v) -> str:
    if hasattr(v, "shape"):
        return f"an array of shape {v.shape}"
    if isinstance(v, (list, tuple)):
        return f"a {type(v).__name__} of {len(v)} items"
    return f"a {type(v).__name__}"


class _Returned(Exception):
    """What backward returned is not (grad_weights, grad_biases) of lists."""


def _user_frame(tb):
    """The deepest frame of the traceback outside backprop-sym and NumPy."""
    np = numpy_module()
    skip = (_PACKAGE, os.path.dirname(np.__file__), "<frozen", "<__array_function__")
    frames = [f for f in traceback.extract_tb(tb) if not f.filename.startswith(skip)]
    return frames[-1] if frames else None


def _raised(err, backward) -> str:
    if isinstance(err, _Returned):
        return str(err)
    if isinstance(err, SystemExit):
        what = f"backward called sys.exit({err.code!r})"
    else:
        what = f"backward raised {type(err).__name__}: {err}"
    frame = _user_frame(err.__traceback__)
    if frame is None:
        return what
    code = f": {frame.line.strip()}" if frame.line else ""
    return f"{what} (at {frame.filename}:{frame.lineno}{code})"


def _return_line(backward) -> str:
    """' (backward returns at FILE:LINE)', from the source, or ''."""
    try:
        fn = inspect.unwrap(getattr(backward, "__func__", backward))
        lines, first = inspect.getsourcelines(fn)
        tree = ast.parse(textwrap.dedent("".join(lines)))
        rets = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Return)]
        line = first + (rets[-1] if rets else 1) - 1
        return f" (backward returns at {inspect.getsourcefile(fn)}:{line})"
    except (OSError, TypeError, SyntaxError):
        return ""
