"""Repairs and hints: the common mistakes under which a claim that is not proved would be.

`repairs` lists the variants of a claim, most specific first: a flipped sign (of the right
side or of one term), f for f' (or f' for f), two indices swapped, a transposed weight, a
neighbouring layer, a missing factor f'(z) or 1/N, the other index convention. `hints`
keeps those under which every instance proves (`evaluate.evaluate`), within a time budget.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import replace
from fractions import Fraction

from ..engine.vocabulary import Status
from .evaluate import Options, evaluate
from .instance import Context
from .errors import IllFormed, Skip
from .form import analyze, index_letters, over_examples, rename_index
from .printing import show, show_layer
from .tree import (Add, At, Call, Const, Deriv, Div, Had, Lay, Mul, Neg, Num, Q, Sum, Tr, Width,
                   children, map_children, walk)




def _replace_one(node, match):
    """Every tree with exactly one node n replaced, for each (replacement, label) in match(n)."""
    for rep, label in match(node):
        yield rep, label
    kids = children(node)
    for k, kid in enumerate(kids):
        for new, label in _replace_one(kid, match):
            yield _with_child(node, k, new), label


def _with_child(node, k, new):
    if isinstance(node, Sum) and k == 1:               # the upper limit
        return replace(node, hi=new)
    count = itertools.count()
    return map_children(node, lambda c: new if next(count) == k else c)


def repairs(lhs, rhs, opts: Options):
    """(description, lhs, rhs, options) for each common repair, most specific first."""
    # the sign of the right side, or of one of its terms
    yield "holds with the sign of the right-hand side flipped", lhs, _negate(rhs), opts
    if isinstance(rhs, Add):
        for k, t in enumerate(rhs.terms):
            terms = list(rhs.terms)
            terms[k] = _negate(t)
            yield (f"holds with the sign of the term {show(t)} flipped", lhs, Add(tuple(terms)),
                   opts)

    def fprime(n):
        if isinstance(n, Call):
            other = Call(n.name, 1 - n.order, n.arg)
            new, old = (f"{n.name}'", n.name) if n.order == 0 else (n.name, f"{n.name}'")
            yield other, f"holds with {new} instead of {old} ({show(other)} for {show(n)})"
    yield from _each_side(lhs, rhs, fprime, opts)

    free = sorted(index_letters(rhs) & index_letters(lhs) - {v for v in index_letters(rhs)
                                                               if "#" in v})
    for i, j in itertools.combinations(free, 2):
        swapped = rename_index(rename_index(rename_index(rhs, i, "§"), j, i), "§", j)
        yield f"holds with {i} and {j} swapped on the right-hand side", lhs, swapped, opts

    def transpose(n):
        if isinstance(n, Q) and n.kind == "w" and n.idx and len(n.idx) == 2:
            t = Q("w", n.layer, (n.idx[1], n.idx[0]))
            yield t, f"holds if {show(n)} is read as {show(t)} (transpose)"
        if isinstance(n, Q) and n.kind == "w" and n.idx is None:
            yield Tr(n), f"holds with {show(Tr(n))} instead of {show(n)} (transpose)"
        if isinstance(n, Tr):
            yield n.x, f"holds with {show(n.x)} instead of {show(n)} (no transpose)"
        if isinstance(n, At) and isinstance(n.x, Tr) and len(n.idx) == 2:
            t = At(n.x.x, n.idx)
            yield t, f"holds if {show(n)} is read as {show(t)} (no transpose)"
    yield from _each_side(lhs, rhs, transpose, opts)

    def shift(n):
        if isinstance(n, (Q, Width)) and n.layer is not None and n.layer.var is not None:
            for d in (-1, 1):
                new = Lay(n.layer.var, n.layer.off + d)
                t = Q(n.kind, new, n.idx) if isinstance(n, Q) else Width(new)
                yield t, (f"holds with layer {show_layer(new)} instead of "
                          f"{show_layer(n.layer)} ({show(t)} for {show(n)})")
    yield from _each_side(lhs, rhs, shift, opts)

    name = next((n.name for n in walk(rhs) if isinstance(n, Call)), "f")
    seen = set()
    for n in walk(lhs):
        target = None
        if isinstance(n, Q) and n.kind in ("Δ", "z", "a") and n.layer is not None:
            target = n
        elif isinstance(n, Deriv) and n.den.kind == "z":
            target = n.den
        if target is None or (target.layer, target.idx) in seen:
            continue
        seen.add((target.layer, target.idx))
        factor = Call(name, 1, Q("z", target.layer, target.idx))
        new = Mul(rhs, factor) if target.idx is not None else Had(rhs, factor)
        yield f"holds with the factor {show(factor)} added on the right-hand side", lhs, new, opts

    if over_examples((lhs, rhs)) and not any(isinstance(n, Const) for n in walk(rhs)):
        mean = Mul(Div(Num(Fraction(1)), Const("N")), rhs)
        yield "holds with the factor 1/N added on the right-hand side", lhs, mean, opts

    other = "to-from" if opts.convention == "from-to" else "from-to"
    yield f"holds under the {other} convention", lhs, rhs, replace(opts, convention=other)


def _each_side(lhs, rhs, match, opts):
    for new, label in _replace_one(rhs, match):
        yield label, lhs, new, opts
    for new, label in _replace_one(lhs, match):
        yield label, new, rhs, opts


def _negate(node):
    return node.x if isinstance(node, Neg) else Neg(node)


def _untranspose(node):
    """Tr(Tr(x)) -> x, everywhere."""
    node = map_children(node, _untranspose)
    return node.x.x if isinstance(node, Tr) and isinstance(node.x, Tr) else node


def hints(lhs, rhs, ctx: Context, opts: Options, limit: int = 3, budget: float = 20.0) -> list[str]:
    """The repairs under which every instance of the claim proves."""
    found, t0 = [], time.perf_counter()
    seen = {(lhs, rhs, opts.convention)}
    for label, l2, r2, o2 in repairs(lhs, rhs, opts):
        l2, r2 = _untranspose(l2), _untranspose(r2)
        if (l2, r2, o2.convention) in seen or time.perf_counter() - t0 > budget:
            continue
        seen.add((l2, r2, o2.convention))
        try:
            form = analyze(l2, r2)
        except (IllFormed, Skip):
            continue
        if evaluate(form, ctx, o2, quick=True).status == Status.PROVED and \
                evaluate(form, ctx, o2).status == Status.PROVED:
            found.append(label)
            if len(found) >= limit:
                break
    return found
