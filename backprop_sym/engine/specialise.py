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


def generic_shape(shape: Shape, backend: str | None = None) -> Shape | None:
    """The all-generic shape whose proofs specialise to `shape`, or None when `shape` has
    no linear layer or a layer that is neither linear nor the generic f itself (the
    registration of "f", not any activation flagged `is_generic`)."""
    acts = [activations.get(a) for a in shape.activations]
    generic = activations.get(activations.GENERIC)
    ident = [_is_identity(a, backend) for a in acts]
    if not any(ident) or not all(i or a is generic for a, i in zip(acts, ident)):
        return None
    return replace(shape, activations=(activations.GENERIC,) * shape.L)


def base_for(shape: Shape, backend: str) -> Shape | None:
    """`generic_shape` for a run in `backend`: its linear layers read as the identity in
    that backend too."""
    base = generic_shape(shape)
    if base is None:
        return None
    acts = [activations.get(a) for a in shape.activations]
    generic = activations.get(activations.GENERIC)
    return base if all(a is generic or _is_identity(a, backend) for a in acts) else None


def _is_identity(act, backend: str | None = None) -> bool:
    """f(u) is u itself and its stated f'(u) the number 1, read off the registration
    (not only its `identity` flag): exactly what the specialisation puts for the atoms.
    Read in SymPy and in the backend of the run (a registration may answer differently
    in each), at a bare symbol and at a compound u like the weighted inputs the network
    gives it."""
    if not act.identity or act.is_generic:
        return False
    import sympy
    try:
        names = {"sympy", get_backend(backend).name}
    except Exception:
        return False
    for name in sorted(names):
        B = get_backend(name)
        u, v, c = B.Symbol("u"), B.Symbol("v"), B.Symbol("c")
        for arg in (u, u * v + c):
            try:
                value, slope = act.value(B, arg), act.derivative(B, arg)
                value, slope, want = B.to_sympy(value), B.to_sympy(slope), B.to_sympy(arg)
            except Exception:               # a registration that takes no such symbol
                return False
            if not (value == want and type(value) is type(want)):   # the very u
                return False
            if not (isinstance(slope, sympy.Integer) and int(slope) == 1):
                return False
    return True


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
