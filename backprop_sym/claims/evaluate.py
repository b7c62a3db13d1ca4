"""The value of a claim: every instance at every shape, and its verdict.

An `instance.Evaluator` types and values one analysed claim (`form.Form`) at one engine
and one assignment of its layer letters. `evaluate` runs every instance at every shape
of the claim's scope (`scope.choose`: shapes and example counts chosen against the claim)
and returns an `Outcome`: proved, refuted with a witness, ill-formed (out of range) or
unknown, with the scope it was checked at.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

from ..engine import witness
from ..engine.network import Shape
from ..engine.verify import Engine
from ..engine.vocabulary import Status
from ..engine.witness import Witness
from . import scope as scopes
from .errors import IllFormed
from .form import Form, pretty
from .instance import (Context, Evaluator, OutOfRange, NotEvaluated, Undefined, shape_text,
                       size_text)
from .printing import show, show_layer
from .tree import Q, Width, walk

DEFAULT_SHAPES = scopes.DEFAULT_SHAPES
EXAMPLE_COUNTS = scopes.BASE_SAMPLES   # claims about the N examples: these and N > every constant
BUDGET = "time budget exhausted"
LAYER_RANGE = {"z": 1, "Δ": 1, "b": 1, "w": 1, "a": 0}   # the first layer each exists in


# ---------------------------------------------------------------- options

@dataclass
class Options:
    shapes: tuple[tuple[int, ...], ...] | None = None    # None: chosen per claim (scope.py)
    activation: str = "f"
    convention: str = "from-to"
    backend: str | None = None
    samples: tuple[int, ...] | None = None               # None: chosen per claim
    deadline: float | None = None                        # time.monotonic() to stop at
    scalar: bool = False                                 # one neuron per layer, as written


# ---------------------------------------------------------------- one claim, all shapes

@dataclass
class Outcome:
    status: str
    reason: str
    witness: dict | None = None       # Witness.to_json(), with the shape and the instance
    instances: int = 0
    scope: scopes.Scope | None = None


def _layer_refs(form: Form):
    """(layer, the first layer it may be, the quantity) for every layer the claim names."""
    for side in (form.lhs, form.rhs):
        for n in walk(side):
            if isinstance(n, Q) and n.layer is not None:
                yield n.layer, LAYER_RANGE[n.kind], n
            elif isinstance(n, Width):
                yield n.layer, 0, n


def _layer_assignments(form: Form, L: int):
    """Every assignment of the layer letters under which every quantity exists (depth L)."""
    lays = list(_layer_refs(form))
    for values in itertools.product(range(0, L + 1), repeat=len(form.layers)):
        env = dict(zip(form.layers, values))
        if all(first <= (L if lay.var == "L" else env.get(lay.var, 0) if lay.var else 0)
               + lay.off <= L for lay, first, _ in lays):
            yield env


def _admits(form: Form, env: dict, shape: Shape) -> bool:
    """Does the claim's condition (\\quad \\text{for } l < L), if any, admit this instance?"""
    return form.where is None or form.where.admits(env, shape.L, shape.widths)


def _undefined_layer(form: Form, L: int) -> str | None:
    """A quantity whose layer is a constant (2, L+1) outside its range at depth L, if any."""
    for lay, first, n in _layer_refs(form):
        if lay.var in (None, "L"):
            m = (L if lay.var == "L" else 0) + lay.off
            if not first <= m <= L:
                return (f"{show(n)} names layer {m} (layer {show_layer(lay)}), but "
                        f"{'a' if first == 0 else getattr(n, 'kind', 'n')} exists for "
                        f"layers {first}..L={L}")
    return None


def scope_of(form: Form, opts: Options) -> scopes.Scope:
    """The shapes and example counts the claim is checked at (scope.py)."""
    def has_instance(L):
        return _undefined_layer(form, L) is None and next(_layer_assignments(form, L),
                                                          None) is not None
    return scopes.choose(form, has_instance, opts.shapes, opts.samples)


def _where(widths, env: dict, samples: int | None = None) -> str:
    parts = [f"widths {shape_text(widths)}"] + ([f"N={samples}"] if samples else [])
    parts += [f"{pretty(k)}={v}" for k, v in env.items()]
    return ", ".join(parts)


def _cost(widths) -> int:
    return sum(a * b for a, b in zip(widths, widths[1:]))


def evaluate(form: Form, ctx: Context, opts: Options, quick: bool = False,
             seed: int = 0) -> Outcome:
    """The verdict of one analysed claim over its scope; `quick` stops at the first
    instance that does not prove (for trying repairs). Past `opts.deadline` (checked
    between instances) the claim is unknown."""
    proved, refuted, ranged, unknown = 0, None, None, None
    c = scopes.largest_constant(form.lhs, form.rhs)
    if c > scopes.MAX_CONSTANT and (opts.shapes is None or (form.examples and not opts.samples)):
        return Outcome(Status.UNKNOWN, f"the claim contains the constant {c}: checking it against that "
                       f"constant needs networks wider than {scopes.MAX_CONSTANT} (or more "
                       "examples); give --shapes and --samples to check it where you choose")
    sc = scope_of(form, opts)
    runs = sorted(itertools.product(sc.samples, sc.shapes),
                  key=lambda r: (r[0] > 3, _cost(r[1]), r[0]))    # cheap networks first
    for n_examples, widths in runs:
        engine = ctx.engine(widths, opts.activation, opts.convention, n_examples)
        samples = n_examples if form.examples else None      # as shown
        bad = _undefined_layer(form, engine.shape.L)
        if bad:
            return Outcome(Status.ILL_FORMED, f"undefined layer: {bad}", scope=sc)
        for layers in _layer_assignments(form, engine.shape.L):
            if not _admits(form, layers, engine.shape):
                continue
            ev = Evaluator(ctx, engine, layers)
            try:
                tl, tr = ev.type(form.lhs), ev.type(form.rhs)
                if tl != tr:
                    raise OutOfRange(f"shapes do not match: the left side is {size_text(tl)}, the "
                                 f"right side {size_text(tr)}")
                ev.resolve(form.free)
            except OutOfRange as err:
                ranged = ranged or f"{err} (at {_where(widths, layers, samples)})"
                if quick:
                    return Outcome(Status.ILL_FORMED, ranged, scope=sc)
                continue
            except IllFormed as err:
                return Outcome(Status.ILL_FORMED, str(err), scope=sc)
            for values in itertools.product(*(ev.ranges[v] for v in form.free)):
                if opts.deadline is not None and time.monotonic() > opts.deadline:
                    return Outcome(Status.UNKNOWN, f"{BUDGET} (after {proved} instance(s) proved, "
                                            f"before {_where(widths, layers, samples)})",
                                   None, proved, sc)
                env = {**layers, **dict(zip(form.free, values))}
                if not _admits(form, env, engine.shape):
                    continue
                try:
                    left, right = ev.value(form.lhs, env), ev.value(form.rhs, env)
                    pairs = _pairs(left, right)
                except (IndexError, OutOfRange) as err:
                    kind = "" if isinstance(err, OutOfRange) else "index out of its layer's range: "
                    ranged = ranged or f"{kind}{err} (at {_where(widths, env, samples)})"
                    if quick:
                        return Outcome(Status.ILL_FORMED, ranged, scope=sc)
                    continue
                except Undefined as err:
                    return Outcome(Status.ILL_FORMED, f"{err} (at {_where(widths, env, samples)})")
                except NotEvaluated as err:
                    unknown = unknown or f"{err} (at {_where(widths, env, samples)})"
                    if quick:
                        return Outcome(Status.UNKNOWN, unknown, scope=sc)
                    continue
                for entry, (lv, rv) in pairs:
                    where = _where(widths, env, samples) + (f", entry {entry}" if entry else "")
                    if engine.B.expand(lv - rv) == 0:
                        proved += 1
                        continue
                    if quick:
                        return Outcome(Status.REFUTED, where, scope=sc)
                    if refuted is None:
                        found = _witness(engine, lv, rv, seed + proved)
                        if found is not None:
                            refuted = (where, {"shape": list(widths), "instance": where,
                                               **found.to_json()})
                        else:
                            unknown = unknown or (f"the difference does not reduce to 0 and no "
                                                  f"witness was found (at {where})")
    if refuted:
        where, wit = refuted
        reason = f"false at {where}: the two sides differ at the witness's values"
        if ranged:
            reason += f"; also ill-formed elsewhere: {ranged}"
        return Outcome(Status.REFUTED, reason, wit, proved, sc)
    if ranged:
        return Outcome(Status.ILL_FORMED, ranged, None, proved, sc)
    if unknown:
        return Outcome(Status.UNKNOWN, unknown, None, proved, sc)
    if proved == 0:
        letters = ", ".join(form.layers) or "(none)"
        return Outcome(Status.ILL_FORMED, f"no instance: there is no layer {letters} for "
                                          f"which every quantity it names exists", scope=sc)
    return Outcome(Status.PROVED, f"holds exactly: all {proved} instance(s) at "
                           f"{sc.text()}", None, proved, sc)


def _pairs(left, right):
    if isinstance(left, list) != isinstance(right, list):
        raise OutOfRange("shapes do not match: a scalar compared with a vector")
    if not isinstance(left, list):
        return [(None, (left, right))]
    return [(f"({i + 1},{j + 1})" if len(left[0]) > 1 else f"{i + 1}", (a, b))
            for i, (ra, rb) in enumerate(zip(left, right)) for j, (a, b) in enumerate(zip(ra, rb))]


def _witness(engine: Engine, lhs, rhs, seed: int) -> Witness | None:
    try:
        return witness.find(engine.canon, lhs, rhs, seed=seed, budget=engine.witness_budget)
    except Exception:                    # an expression the evaluator cannot take
        return None
