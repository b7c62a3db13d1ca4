"""Linear layers proved as the generic f specialised to f = id, and the proofs kept for it.

A check of the generic f is proved when (direct) - (closed form) reduces to exactly 0 as a
polynomial in which every atom f(z^l_j(s)) and f'(z^l_j(s)) is a free generator of its own.
Differentiation is structural, so the direct side of a network whose neuron (s, l, j) has
its own function f_{lj} is that same polynomial with f_{lj}(z), f_{lj}'(z) put for the
atoms, and so is the closed form of a registered rule (it only adds and multiplies what
`q` gives: a = f(z), f'(z), w, y, Δ). A polynomial identity in free generators survives
any substitution, in particular f_{lj} = id (atom f(z) -> z, f'(z) -> 1) on the linear
layers. So a proof for the generic f at the same widths, number of examples and
convention is a proof for any shape whose layers are each linear or generic f.

Only proofs transfer. A refutation or unknown of the generic f says nothing about a
linear layer (hidden_delta without f' is false for f, true for f = id), and neither does
anything about a rule of the user's own (it may look at what q gives); those instances
are checked on the linear network itself (`verify`).

`remember` keeps the proved instances of generic runs in this process (a few shapes),
so that a report's Theorem 2 (linear) costs nothing after its Theorem 1 (generic f).
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from . import activations, rules
from .backends import get_backend
from .network import Shape
from .vocabulary import KINDS, Status

KEEP = 4                    # shapes whose generic proofs are kept

_PROVED: OrderedDict = OrderedDict()    # (shape, backend) -> {instance: seconds}


def generic_shape(shape: Shape) -> Shape | None:
    """The all-generic shape whose proofs specialise to `shape`, or None when `shape` has
    no linear layer or a layer that is neither linear nor the generic f."""
    acts = [activations.get(a) for a in shape.activations]
    if not any(map(_is_identity, acts)) or \
            not all(_is_identity(a) or a.is_generic for a in acts):
        return None
    return replace(shape, activations=(activations.GENERIC,) * shape.L)


def _is_identity(act) -> bool:
    """f(u) is u itself and its stated f'(u) the number 1, read off the registration
    (not only its `identity` flag): exactly what the specialisation puts for the atoms."""
    if not act.identity or act.is_generic:
        return False
    import sympy
    u = sympy.Symbol("u")
    try:
        B = get_backend("sympy")
        value, slope = act.value(B, u), act.derivative(B, u)
    except Exception:                       # a registration that takes no SymPy symbol
        return False
    same = isinstance(value, sympy.Symbol) and value == u      # the very symbol u
    return same and isinstance(slope, sympy.Integer) and int(slope) == 1


def _key(shape: Shape, backend: str) -> tuple:
    """What a generic proof depends on: the shape, the backend, the registered closed forms
    of its convention and the generic f's registration (a test may swap any of them)."""
    forms = tuple(rules.get(kind, shape.convention).closed_form for kind in KINDS)
    return shape, backend, forms, activations.get(activations.GENERIC)


def is_generic(shape: Shape) -> bool:
    return all(activations.get(a).is_generic for a in shape.activations)


def remember(shape: Shape, backend: str, checks, overridden) -> None:
    """Keep the proved checks of a generic run (`shape` all generic f) whose rule is the
    registered one (kinds in `overridden` were the user's own: not kept)."""
    if not is_generic(shape):
        return
    key = _key(shape, backend)
    kept = _PROVED.pop(key, {})
    for c in checks:
        if c.status == Status.PROVED and c.rule not in overridden:
            kept[c.rule, c.layer, tuple(c.index), c.sample] = c.seconds
    _PROVED[key] = kept
    while len(_PROVED) > KEEP:
        _PROVED.popitem(last=False)


def proved(shape: Shape, backend: str) -> dict:
    """{(rule, layer, index, sample): seconds} of the generic proofs kept for `shape` (all
    generic f)."""
    return dict(_PROVED.get(_key(shape, backend), {}))


def forget() -> None:
    """Drop every kept proof (tests; a long-lived process that wants the memory back)."""
    _PROVED.clear()
