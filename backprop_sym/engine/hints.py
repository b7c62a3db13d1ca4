"""Hints for a refuted backward pass: which common repair makes a layer's entries right.

A refuted layer (the weights or biases of layer l) is compared with the direct gradient
changed by one common slip at a time: a sign, the 1/N, a transpose, f for f', f' of a, a
missing f', a layer off by one (a textbook backward pass with that slip, `reference`),
made in every layer at once, then in one place only (`single_place`: one layer's f'
factor, or one step of the recursion with w^l untransposed), naming the place.
Verdicts never use any of this; it only names the likely repair.
"""
from __future__ import annotations

import time

from . import activations
from .forward import forward
from .sym import SymContext, array, elementwise, running
from .vocabulary import Status


def functions(ctx: SymContext, name: str):
    """f and f' of one activation on object arrays of Sym, written as students do (its
    registered NumPy form; the generic f as the code is given it)."""
    act = activations.get(name)
    if act.numpy is None:
        return elementwise(ctx.f), elementwise(ctx.fprime)
    from .sym import numpy_module
    return act.numpy(numpy_module())


def reference(ctx: SymContext, W, b, x, y, deriv, a_shift=0, plain=()):
    """The textbook backward (to-from matrices) with `deriv(l, z, a)` standing for
    f'(z^l), and w^l instead of (w^l)^T in the recursion from each layer l in `plain`:
    a generator of wrong variants for hints. Verdicts never use it. Its z and a come
    from the one forward pass (`engine.forward`), example by example."""
    shape = ctx.shape
    L, N, n = shape.L, shape.samples, shape.widths
    if shape.convention == "from-to":
        W = [w.T for w in W]
    fs = [None] + [functions(ctx, a) for a in shape.activations]
    per_example = [forward(n, list(x[:, s]), weight=lambda l, k, j: W[l - 1][j - 1, k - 1],
                           bias=lambda l, j: b[l - 1][j - 1, 0],
                           activate=lambda l, u: fs[l][0](u))
                   for s in range(N)]

    def layer(which, l):
        """z^l or a^l as an n_l x N object array (a^0 is x)."""
        return array([[per_example[s][which][l, j].e for s in range(N)]
                      for j in range(1, n[l] + 1)])
    z = [None] + [layer(0, l) for l in range(1, L + 1)]
    a = [x] + [layer(1, l) for l in range(1, L + 1)]
    delta = (a[L] - y) * deriv(fs, L, z, a)
    gw: list = [None] * L
    gb: list = [None] * L
    for l in range(L, 0, -1):
        gw[l - 1] = delta @ a[l - 1 + a_shift].T / N
        gb[l - 1] = delta.sum(axis=1, keepdims=True) / N
        if l > 1:
            back = W[l - 1] if l in plain else W[l - 1].T
            delta = (back @ delta) * deriv(fs, l - 1, z, a)
    if shape.convention == "from-to":
        gw = [g.T for g in gw]
    return [e.e for g in gw for e in g.ravel()] + [e.e for g in gb for e in g.ravel()]


VARIANTS = [
    ("holds with f' instead of f (the code uses f(z) where f'(z) belongs)",
     lambda fs, l, z, a: fs[l][0](z[l]), 0),
    ("holds with f'(z^l) instead of f'(a^l) (the code applies f' to the activation a, "
     "not to z)", lambda fs, l, z, a: fs[l][1](a[l]), 0),
    ("holds with the factor f'(z^l) added (the code leaves it out)",
     lambda fs, l, z, a: 1, 0),
    ("holds with a^{l-1} instead of a^l in the weight gradient (a layer off by one)",
     lambda fs, l, z, a: fs[l][1](z[l]), 1),
]


def single_place(L: int) -> list:
    """(label, deriv, a_shift, plain): one slip in one place only. f' left out, f for f',
    f' of a, each in one layer's factor (layer m: the output error when m = L, the
    recursion into layer m otherwise); w^l untransposed in one step of the recursion."""
    right = lambda fs, l, z, a: fs[l][1](z[l])                   # noqa: E731
    slips = [("holds with the factor f'(z^{m}) added {where} (the code leaves it out there)",
              lambda fs, l, z, a: 1),
             ("holds with f' instead of f {where} (the code uses f(z^{m}) there)",
              lambda fs, l, z, a: fs[l][0](z[l])),
             ("holds with f'(z^{m}) instead of f'(a^{m}) {where} (the code applies f' to the "
              "activation there)", lambda fs, l, z, a: fs[l][1](a[l]))]
    out: list[tuple] = []
    for m in range(L, 0, -1):
        where = ("in the output error only" if m == L else
                 f"in the error recursion into layer {m} only")
        for label, slip in slips:
            out.append((label.format(m=m, where=where),
                        lambda fs, l, z, a, m=m, slip=slip:
                        slip(fs, l, z, a) if l == m else right(fs, l, z, a), 0, ()))
    for l in range(L, 1, -1):
        out.append((f"holds with (w^{l})^T in the error recursion from layer {l} to layer "
                    f"{l - 1} only (the code uses w^{l} untransposed there)", right, 0, (l,)))
    return out


def add_hints(ctx: SymContext, checks, entries, got, W, b, x, y, budget: float = 20.0):
    """A hint on each refuted entry whose layer (weights or biases of layer l) a common
    repair makes exactly right: a sign, 1/N, a transpose, f for f', f' of a, a missing
    f', a layer off by one; else a note on a float constant that is not what it reads."""
    t0 = time.perf_counter()
    groups: dict = {}
    for i, (inst, _) in enumerate(entries):
        groups.setdefault((inst.rule, inst.layer), []).append(i)
    direct = {i: ctx.engine.gradient(p) for i, (_, p) in enumerate(entries)}
    variants: dict = {}
    every = [(label, deriv, shift, ()) for label, deriv, shift in VARIANTS]
    places = every + single_place(ctx.shape.L)

    def variant(k):
        if k not in variants:
            label, deriv, shift, plain = places[k]
            try:
                with running(ctx):
                    variants[k] = reference(ctx, W, b, x, y, deriv, shift, plain)
            except (ValueError, TypeError, ArithmeticError):
                variants[k] = None
        return variants[k]

    def same(idx, other) -> bool:
        return all(ctx.is_zero(got[i] - other(i), cancel=False) for i in idx)

    N = ctx.shape.samples
    for (rule, l), idx in groups.items():
        if not any(checks[i].status == Status.REFUTED for i in idx):
            continue
        if time.perf_counter() - t0 > budget:
            break
        hint = None
        candidates = [("holds with the sign flipped", lambda i: -direct[i])]
        if N > 1:
            candidates.append((f"holds with the factor 1/N = 1/{N} (the average over the "
                               f"examples)", lambda i: N * direct[i]))
        if rule == "weight_grad":
            rows, cols = ctx.shape.matrix(l)
            pos = {i: k for k, i in enumerate(idx)}
            t = lambda i: direct[idx[(pos[i] % rows) * cols + pos[i] // rows]]  # noqa: E731
            candidates.append((f"holds with the gradient of w^{l} transposed", t))
        for k, (label, _, _, _) in enumerate(places):
            def entry(i, k=k):
                got = variant(k)
                return got[i] if got else None
            candidates.append((label, entry))
        for label, other in candidates:
            if time.perf_counter() - t0 > budget:
                break
            try:
                if other(idx[0]) is not None and same(idx, other):
                    hint = label
                    break
            except Exception:       # a candidate that does not apply to this shape
                continue
        if hint is None and ctx.floats:
            f, q = next(iter(ctx.floats.items()))
            hint = (f"the code uses the float {f!r}, which is not {q} exactly: floats are "
                    f"taken at their exact binary value (divide by N, or write exact "
                    f"fractions)")
        for i in idx:
            if checks[i].status == Status.REFUTED:
                checks[i].hint = hint
