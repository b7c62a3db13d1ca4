"""Prove a user's own backward pass: run it on symbols, compare every entry exactly.

`check_implementation(backward, widths, activation, convention, samples)` calls the
user's `backward(weights, biases, x, y)` five times (`plan`): twice at the given widths
and twice at other, non-square widths with one more example (fresh copies of the same
inputs each time), on NumPy object arrays of recording numbers (`engine.transport`), and
once on float64 arrays at an exact point (`engine.floatcall`). `record` runs the calls
and writes what the code returned as plain data (JSON bytes); `judge` decodes those bytes
under a whitelist in the checker's own `SymContext` and compares each gradient entry
with the direct derivative of the cost (`direct`, via `verify.Engine`): proved, refuted
(with a witness and a hint, `engine.hints`), error (the code raised or returned the wrong
shapes: the exception and its line) or unknown; see `engine.entries`. The verdict is the
worst over the calls (judged in order, up to the first refuted one; the float call only
when no call on symbols was an error). `grade` runs
`record` in the submission's process and `judge` in one that never imported it. This
module owns running the code and reading what it returns.
"""
from __future__ import annotations

import ast
import inspect
import os
import re
import textwrap
import time
import traceback
from dataclasses import dataclass, field
from fractions import Fraction

from . import activations, costs, floatcall, pasteable, points, transport
from .defaults import (DEFAULT_ACTIVATION, DEFAULT_CONVENTION, DEFAULT_COST, DEFAULT_REDUCTION,
                       DEFAULT_SAMPLES, DEFAULT_WIDTHS)
from .errors import UsageError
from .entries import (Call, EntryCheck, ImplementationResult, compare, entry_check,
                      witness_text)
from .hints import add_hints
from .network import Network
from .sym import SymContext, array, numpy_module, object_arrays, running
from .verify import Instance
from .vocabulary import Status

__all__ = ["DEFAULT_ACTIVATION", "DEFAULT_CONVENTION", "DEFAULT_SAMPLES", "DEFAULT_WIDTHS",
           "EntryCheck", "ImplementationResult", "check_implementation", "judge", "plan",
           "record", "witness_text"]

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def check_implementation(backward, widths=DEFAULT_WIDTHS, activation=DEFAULT_ACTIVATION,
                         convention=DEFAULT_CONVENTION, samples=DEFAULT_SAMPLES, *,
                         backend: str | None = None, hints: bool = True,
                         detect: bool = True, cost: str = DEFAULT_COST,
                         reduction: str = DEFAULT_REDUCTION,
                         l2: bool = False) -> ImplementationResult:
    """Run `backward(weights, biases, x, y)` on symbols and prove, entry by entry, that it
    returns the gradient of 𝒞 = (1/N) Σ_x C_x (see the module doc); the result is the
    worst over its calls (`plan`). `cost` names C_x (`engine.costs`; default ½‖a^L − y‖²),
    `reduction` is "mean" (1/N Σ_x) or "sum"; `l2=True` is a UsageError (L2_UNSUPPORTED).

    `weights[l-1]` is w^l (n_l × n_{l-1} for to-from, n_{l-1} × n_l for from-to),
    `biases[l-1]` an (n_l, 1) column, x (n_0, N), y (n_L, N). It returns
    (grad_weights, grad_biases) in the same shapes (or any shapes with as many entries).
    With activation "f", it is also called with `f=` and `fprime=`, elementwise callables.
    `samples` (N) is 2 by default: with one example a gradient of the sum is the mean's.
    With `detect` (the default), code that fails under `convention` and runs under the
    other orientation of the weights is graded under that one, and the result's `notes`
    say which orientation was used; code that fails under both keeps its error.
    """
    if not callable(backward):
        raise TypeError(f"backward must be a function, got {type(backward).__name__}")
    calls = plan(widths, activation, convention, samples, detect=detect, cost=cost,
                 reduction=reduction, l2=l2)
    return judge(record(backward, calls), calls, backend=backend, hints=hints)


# ---------------------------------------------------------------- the calls

def plan(widths, activation="f", convention="from-to", samples=2, *,
         detect: bool = True, cost: str = DEFAULT_COST, reduction: str = DEFAULT_REDUCTION,
         l2: bool = False) -> list[dict]:
    """The calls, as plain data: twice at the given shape, twice at other widths (every
    layer non-square, one more example), once on float64 arrays at the given shape.
    With `detect`, `record` may run them in the other convention (`flipped`)."""
    if l2 is not False:
        raise UsageError(L2_UNSUPPORTED)
    shape = Network(widths, activation, samples, convention, cost, reduction).shape
    second = Network(_other_widths(shape.widths), ",".join(shape.activations), samples + 1,
                     convention, cost, reduction).shape

    def spec(s, kind, what):
        return {"kind": kind, "widths": list(s.widths), "samples": s.samples,
                "convention": s.convention, "activations": list(s.activations),
                "cost": s.cost, "reduction": s.reduction, "what": what}
    n1 = ",".join(map(str, shape.widths))
    n2 = ",".join(map(str, second.widths))
    calls = [spec(shape, "symbols", f"widths {n1}, N={shape.samples}, on symbols"),
             spec(shape, "symbols", f"widths {n1}, N={shape.samples}, on symbols again"),
             spec(second, "symbols", f"widths {n2}, N={second.samples}, on symbols"),
             spec(second, "symbols", f"widths {n2}, N={second.samples}, on symbols again"),
             {**spec(shape, "floats", f"widths {n1}, N={shape.samples}, on float64 arrays "
                                      f"at an exact point"), "point": floatcall.point(shape)}]
    for i, c in enumerate(calls, 1):
        c["what"] = f"call {i} of {len(calls)} ({c['what']})"
        c["detect"] = bool(detect)
        if c["kind"] == "symbols":
            c["points"] = points.make(_shape(c), seed=i)
    return calls


L2_UNSUPPORTED = ("grading with L2 is not supported in this version: the code would need "
                  "λ, and one value of λ proves nothing for the others (verify takes l2)")

OTHER = {"from-to": "to-from", "to-from": "from-to"}
LAYOUT = {"to-from": "W[out, in] (to-from)", "from-to": "W[in, out] (from-to)"}


def flipped(calls: list[dict]) -> list[dict]:
    """The same calls with the weights in the other convention (the float call's weight
    matrices transposed; the same physical weights)."""
    out = []
    for c in calls:
        c = {**c, "convention": OTHER[c["convention"]]}
        if "point" in c:
            pt = c["point"]
            c["point"] = {**pt, "weights": [[list(r) for r in zip(*m)] for m in pt["weights"]]}
        out.append(c)
    return out


def _failed(got: dict) -> bool:
    """A recorded call that raised or returned arrays of the wrong shapes."""
    return "error" in got or any("problem" in layer for layer in got.get("layers", []))


def _failures(results: list[dict]) -> int:
    """How much of a recording failed: calls that raised, then arrays of wrong shapes
    (the layout where less fails is graded, so that the rest still gets verdicts and
    hints)."""
    return sum(1000 if "error" in r else sum("problem" in x for x in r.get("layers", []))
               for r in results)


def _first_error(results: list[dict]) -> str:
    for got in results:
        if "error" in got:
            return str(got["error"])
        for layer in got.get("layers", []):
            if "problem" in layer:
                return str(layer["problem"])
    return ""


def _other_widths(widths) -> tuple:
    """Widths 2,3,2,... or 3,2,3,..., whichever differs from `widths`: every layer
    non-square, and small."""
    for first in (2, 3):
        other = tuple(first if i % 2 == 0 else 5 - first for i in range(len(widths)))
        if other != tuple(widths):
            return other
    raise AssertionError("unreachable")


def _shape(call: dict):
    return Network(tuple(call["widths"]), ",".join(call["activations"]), call["samples"],
                   call["convention"], call.get("cost", costs.DEFAULT),
                   call.get("reduction", costs.DEFAULT_REDUCTION)).shape


def record(backward, calls: list[dict]) -> bytes:
    """Run every call of `calls` (from `plan`) in this process; what the code returned,
    as JSON bytes (`engine.transport`). The code gets no engine and no expressions."""
    results = [_record_one(backward, c) for c in calls]
    doc: dict = {"calls": results}
    if calls and calls[0].get("detect") and any(_failed(r) for r in results):
        other = flipped(calls)
        again = [_record_one(backward, c) for c in other]
        if any(_failed(r) for r in again) and _failures(again) < _failures(results):
            doc = {"calls": again, "convention": other[0]["convention"],   # fails less
                   "other_error": _first_error(results)[:transport.MAX_TEXT]}
        elif any(_failed(r) for r in again):
            doc["other_error"] = _first_error(again)[:transport.MAX_TEXT]
        else:
            doc = {"calls": again, "convention": other[0]["convention"]}
    return transport.encode(doc)


def _record_one(backward, call: dict) -> dict:
    shape = _shape(call)
    generic = any(activations.get(a).is_generic for a in shape.activations)
    if generic and not _accepts(backward, ("f", "fprime")):
        return {"error": "with activation 'f', backward is called as backward(weights, "
                         "biases, x, y, f=..., fprime=...); give it the parameters f and "
                         "fprime"}
    if call["kind"] == "symbols":
        tape = transport.Tape()
        got = _run(backward, call, shape, generic, tape)
        if not tape.branched or not call.get("points"):
            return got
        found: list = []                # the code compares entries: run it at points
        for k, pt in enumerate(call["points"]):
            tape = transport.Tape(points.keys(pt), points.coefficients(pt))
            got = _run(backward, call, shape, generic, tape)
            if tape.undecided:
                continue                # a comparison too close to call: another point
            if "error" in got:
                return got
            found.append({"point": k, **got})
            if len(found) == points.COUNT:
                break
        return {"points": found} if found else \
            {"error": "backward compares entries, and no point decided its comparisons"}
    return _run(backward, call, shape, generic, transport.Tape())


def _run(backward, call: dict, shape, generic: bool, tape) -> dict:
    np = numpy_module()
    n, L, N = shape.widths, shape.L, shape.samples
    if call["kind"] == "floats":
        pt = call["point"]
        args = ([np.array(m, dtype=np.float64) for m in pt["weights"]],
                [np.array(m, dtype=np.float64) for m in pt["biases"]],
                np.array(pt["x"], dtype=np.float64), np.array(pt["y"], dtype=np.float64))
        kwargs = {}
        if generic:
            c0, c1, c2 = (float(Fraction(c)) for c in pt["f"])
            kwargs = {"f": lambda t: c0 + c1 * t + c2 * t * t,
                      "fprime": lambda t: c1 + 2 * c2 * t}
        blocks = None
    else:
        to_from = shape.convention == "to-from"
        W = [transport.symbols(tape, "w", *((n[l], n[l - 1]) if to_from else (n[l - 1], n[l])),
                               (lambda r, c, l=l: (l, c, r)) if to_from
                               else (lambda r, c, l=l: (l, r, c))) for l in range(1, L + 1)]
        b = [transport.symbols(tape, "b", n[l], 1, lambda r, c, l=l: (l, r))
             for l in range(1, L + 1)]
        x = transport.symbols(tape, "x", n[0], N, lambda r, c: (c, r))
        y = transport.symbols(tape, "y", n[L], N, lambda r, c: (c, r))
        args = (W, b, x, y)
        kwargs = {"f": transport.applied(tape, "f"),
                  "fprime": transport.applied(tape, "fprime")} if generic else {}
        blocks = object_arrays(np, tape.constant)
    where = _return_line(backward)
    try:
        if blocks is None:
            out = backward(*args, **kwargs)
        else:
            with blocks:
                out = backward([w.copy() for w in args[0]], [v.copy() for v in args[1]],
                               args[2].copy(), args[3].copy(), **kwargs)
        layers = _returned(shape, tape, out, where, floats=blocks is None)
    except (Exception, SystemExit) as err:
        return {"error": _raised(err, backward)}
    return {"nodes": tape.nodes, "layers": layers}


def _returned(shape, tape, out, where: str, floats: bool) -> list[dict[str, object]]:
    """Per (rule, layer): {"shape", "nodes" or "floats"} or {"problem"}."""
    np = numpy_module()
    L = shape.L
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise _Returned(f"backward returned {_kind(out)}; expected (grad_weights, grad_biases)"
                        f"{where}")
    layers: list[dict[str, object]] = []
    for rule, name, grads in (("weight_grad", "grad_weights", out[0]),
                              ("bias_grad", "grad_biases", out[1])):
        if not isinstance(grads, (list, tuple)) or len(grads) != L:
            raise _Returned(f"{name} is {_kind(grads)}; expected a list of {L} arrays, one "
                            f"per layer{where}")
        for l, g in enumerate(grads, 1):
            arr = np.asarray(g, dtype=object)
            want = _count(shape, rule, l)
            if arr.size != want:
                layers.append({"problem": f"{name}[{l - 1}] has shape {arr.shape} ({arr.size} "
                                          f"entries); expected {_shape_text(shape, rule, l)}"
                                          f"{where}"})
                continue
            values = list(arr.ravel())
            if floats:
                bad = next((v for v in values if isinstance(v, (bool, str)) or
                            not isinstance(v, (int, float, np.integer, np.floating))), None)
                if bad is None:
                    layers.append({"floats": [float(v).hex() for v in values]})
                    continue
            else:
                nodes = [tape.constant(v) for v in values]
                if all(v is not None for v in nodes):
                    layers.append({"nodes": [v.i for v in nodes]})
                    continue
                bad = next(v for v, k in zip(values, nodes) if k is None)
            layers.append({"problem": f"{name}[{l - 1}] holds {_kind(bad)}; expected numbers"
                                      f"{where}"})
    return layers


def _count(shape, rule, l) -> int:
    if rule == "bias_grad":
        return shape.widths[l]
    rows, cols = shape.matrix(l)
    return rows * cols


# ---------------------------------------------------------------- the verdicts

def judge(data: bytes, calls: list[dict], *, backend: str | None = None,
          hints: bool = True, entry: str = "backward") -> ImplementationResult:
    """The verdict on `data` (what `record` wrote for `calls`), decoded under the
    whitelist of `engine.transport`: anything that is not a well-formed recording of the
    calls is an error for the code, never a verdict. The expected gradients are computed
    here, after the code has run. A refutation's witness is also given as NumPy code
    calling `entry` (`pasteable`, the result's `arrays`)."""
    t0 = time.perf_counter()
    shape = _shape(calls[0])
    notes: list[str] = []
    try:
        doc = transport.load(data)
        results = doc.get("calls")
        if not {"calls"} <= set(doc) <= {"calls", "convention", "other_error"} or \
                not isinstance(results, list) or len(results) != len(calls):
            raise transport.Malformed("it did not send one result per call")
        given = calls[0]["convention"]
        if "convention" in doc:
            if doc["convention"] != OTHER[given] or not calls[0].get("detect"):
                raise transport.Malformed("a convention that was not tried")
            calls = flipped(calls)
            shape = _shape(calls[0])
            if "other_error" in doc:
                notes.append(f"backward fails with the weights in either layout; graded "
                             f"with {LAYOUT[OTHER[given]]}, where less of it fails (with "
                             f"{LAYOUT[given]}, the layout tried first: "
                             f"{transport.text(doc['other_error'])})")
            else:
                notes.append(f"weights read as {LAYOUT[OTHER[given]]}: backward fails with "
                             f"{LAYOUT[given]}, the layout tried first")
        elif "other_error" in doc:
            try:                            # (from the code's process: anything)
                mine = _first_error(results)
            except (TypeError, AttributeError):
                mine = ""
            mine = f": {transport.text(mine)}" if isinstance(mine, str) and mine else \
                " as reported"              # (a refuted call may be reported before it)
            notes.append(f"backward fails with the weights in either layout: with "
                         f"{LAYOUT[given]} (the layout tried first){mine}; with "
                         f"{LAYOUT[OTHER[given]]}: {transport.text(doc['other_error'])}")
        elif calls[0].get("detect"):
            notes.append(f"weights read as {LAYOUT[given]}, the layout tried first (the "
                         f"other layout was not needed)")
    except transport.Malformed as err:
        return _all_error(shape, backend, t0, calls[0]["what"], _not_expressions(err))
    contexts: dict = {}
    decoded = []
    try:                                # every call decoded before any verdict
        for call, got in zip(calls, results):
            key = (tuple(call["widths"]), call["samples"])
            if key not in contexts:
                contexts[key] = SymContext(_shape(call), backend)
            decoded.append((contexts[key], call, _decode_call(contexts[key], call, got)))
    except transport.Malformed as err:
        return _all_error(shape, backend, t0, calls[0]["what"], _not_expressions(err))
    done: list[Call] = []
    kept: dict = {}                     # call -> (its context, the code's entries)
    # every call is judged, even after a refutation: the partial credit (grade.score)
    # takes a layer's credit for a failure in any call, so a skipped call would hide one
    for ctx, call, got in decoded:
        if call["kind"] == "floats" and any(c.status == Status.ERROR for c in done):
            break                       # the floats check code that runs on symbols
        if isinstance(got, Call):
            done.append(got)
        elif isinstance(got, _AtPoints):
            done.append(points.judge(ctx, call, _entries(ctx), got))
            if not any("compares entries" in n for n in notes):
                notes.append("backward compares entries (np.where, np.clip, np.maximum, <), "
                             "so it was run at exact random rational points, not on "
                             "symbols: never proved for every input")
        else:
            values, problems = got
            kept[call["what"]] = (ctx, values)
            done.append(_judge_call(ctx, call, values, problems,
                                    hints and not done and _hinted(ctx.shape)))
    first = done[0]
    read = {f: q for ctx in contexts.values() for f, q in ctx.read.items()}
    notes += [f"read {f!r} as {q}" for f, q in sorted(read.items())]
    result = Result(shape, first.checks, time.perf_counter() - t0,
                    contexts[tuple(calls[0]["widths"]), calls[0]["samples"]].B.name,
                    error=first.error, calls=done[1:], description=first.description,
                    notes=notes)
    bad, where = result.first_failure, result.failed_call
    if bad is not None and bad.witness is not None:
        ctx = next((c for c, k, _ in decoded if k["what"] == where), None)
        values = kept.get(where, (None, None))[1]
        if ctx is not None:
            result.arrays = pasteable.text(ctx, _entries(ctx), values, bad.witness, entry)
    return result


@dataclass(repr=False)
class Result(ImplementationResult):
    """An `ImplementationResult` with `notes`: how the code was read (the weights'
    layout, floats read as the simple rationals they stand for, the scope of a check),
    in words, in `summary()` and in the JSON (`notes`)."""
    notes: list[str] = field(default_factory=list)
    arrays: str | None = None           # the first failure's witness as NumPy code

    def to_json(self) -> dict:
        return {**super().to_json(), "notes": list(self.notes), "witness_arrays": self.arrays}

    def summary(self) -> str:
        text = super().summary() + "".join(f"\n  note: {n}" for n in self.notes)
        if self.arrays:
            text += "\n  the witness in NumPy:\n    " + self.arrays.replace("\n", "\n    ")
        return text


def _not_expressions(err) -> str:
    return f"returned something that is not an expression of the inputs: {err}"


def _all_error(shape, backend, t0, what, message) -> ImplementationResult:
    ctx = SymContext(shape, backend)
    checks = [entry_check(i, Status.ERROR, 0.0, reason=message) for i, _ in _entries(ctx)]
    return Result(shape, checks, time.perf_counter() - t0, ctx.B.name, error=message,
                  description=what)


def _error_call(ctx, call, message) -> Call:
    return Call(call["what"], [entry_check(i, Status.ERROR, 0.0, reason=message)
                               for i, _ in _entries(ctx)], message)


def _decode_call(ctx, call: dict, got):
    """A call's result: an error `Call` (the code raised), or (values, problems) with one
    value per entry (a backend expression, or a float for the float call); `Malformed`
    for anything else."""
    if not isinstance(got, dict):
        raise transport.Malformed("a call's result that is not an object")
    if "error" in got:
        if set(got) != {"error"}:
            raise transport.Malformed("an error with other fields")
        return _error_call(ctx, call, transport.text(got["error"]))
    if "points" in got and call["kind"] == "symbols":
        found, seen = [], set()
        if set(got) != {"points"} or not isinstance(got["points"], list) or \
                not 0 < len(got["points"]) <= len(call["points"]):
            raise transport.Malformed("points that are not a list of results")
        for one in got["points"]:
            if not isinstance(one, dict) or set(one) != {"point", "nodes", "layers"}:
                raise transport.Malformed("a result at a point that is not one")
            k = one["point"]
            if type(k) is not int or not 0 <= k < len(call["points"]) or k in seen:
                raise transport.Malformed("a point that was not offered")
            seen.add(k)
            found.append((k, *_decode_nodes(ctx, call, {"nodes": one["nodes"],
                                                        "layers": one["layers"]})))
        return _AtPoints(found)
    return _decode_nodes(ctx, call, got)


class _AtPoints(list):
    """A call's results at points: [(point number, values, problems)]."""


def _decode_nodes(ctx, call: dict, got: dict):
    if set(got) != {"nodes", "layers"} or not isinstance(got["layers"], list):
        raise transport.Malformed("a call's result that is not nodes and layers")
    entries = _entries(ctx)
    groups = [(rule, l) for rule in ("weight_grad", "bias_grad")
              for l in range(1, ctx.shape.L + 1)]
    if len(got["layers"]) != len(groups):
        raise transport.Malformed("not one array per layer")
    floats = call["kind"] == "floats"
    if floats and got["nodes"] != []:
        raise transport.Malformed("nodes from a call on floats")
    generic = any(a.is_generic for a in ctx.ex.acts[1:])
    with running(ctx):
        syms = [] if floats else transport.replay(got["nodes"], ctx, generic)
    values: list = []
    problems: dict = {}
    for (rule, l), layer in zip(groups, got["layers"]):
        want = len([1 for inst, _ in entries if inst.rule == rule and inst.layer == l])
        if not isinstance(layer, dict) or len(layer) != 1:
            raise transport.Malformed("a layer that is not one field")
        (kind, v), = layer.items()
        if kind == "problem":
            problems[rule, l] = transport.text(v)
            values += [None] * want
            continue
        if kind != ("floats" if floats else "nodes") or not isinstance(v, list) or \
                len(v) != want:
            raise transport.Malformed(f"a layer of {rule} {l} that is not {want} entries")
        if floats:
            values += [_float(h) for h in v]
        else:
            values += [_node(syms, i).e for i in v]
    return values, problems


def _judge_call(ctx, call: dict, values: list, problems: dict, hints: bool) -> Call:
    entries = _entries(ctx)
    floats = call["kind"] == "floats"
    checks = []
    at = floatcall.chosen(ctx, call["point"]) if floats else {}
    exact = floatcall.Exact(ctx, at) if floats else None
    for i, (inst, param) in enumerate(entries):
        t1 = time.perf_counter()
        group = (inst.rule, inst.layer)
        if group in problems:
            checks.append(entry_check(inst, Status.ERROR, 0.0, reason=problems[group]))
        elif exact is not None:
            found = floatcall.compare(ctx, inst, ctx.engine.gradient(param), values[i],
                                      call["point"], at, exact)
            checks.append(found if found is not None else
                          entry_check(inst, Status.PROVED, 0.0))
        else:
            checks.append(compare(ctx, inst, ctx.engine.gradient(param), values[i], t1))
    if hints and not floats:
        W = [_weight_matrix(ctx, l) for l in range(1, ctx.shape.L + 1)]
        n, ex, N, L = ctx.shape.widths, ctx.ex, ctx.shape.samples, ctx.shape.L
        b = [array([[ex.b[l, j]] for j in range(1, n[l] + 1)]) for l in range(1, L + 1)]
        x = array([[ex.x[s, k] for s in range(1, N + 1)] for k in range(1, n[0] + 1)])
        y = array([[ex.y[s, j] for s in range(1, N + 1)] for j in range(1, n[L] + 1)])
        add_hints(ctx, checks, entries, values, W, b, x, y)
    return Call(call["what"], checks, None)


def _hinted(shape) -> bool:
    """Hints (`engine.hints`) assume half-squared and mean: else they name false slips."""
    return (shape.cost, shape.reduction) == (costs.DEFAULT, costs.DEFAULT_REDUCTION)


def _float(h) -> float:
    if not isinstance(h, str) or len(h) > 40:
        raise transport.Malformed("a float that is not one")
    try:
        return float.fromhex(h)
    except (ValueError, OverflowError):
        raise transport.Malformed(f"a float that is not one: {h!r}") from None


def _node(syms, i):
    if type(i) is not int or not 0 <= i < len(syms):
        raise transport.Malformed(f"a reference to no node: {str(i)[:40]!r}")
    return syms[i]


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
    words = _shapes_in_words(err)
    if isinstance(err, SystemExit):
        what = f"backward called sys.exit({err.code!r})"
    elif words:
        what = f"backward's array shapes do not fit: {words}"
    else:
        what = f"backward raised {type(err).__name__}: {err}"
    frame = _user_frame(err.__traceback__)
    if frame is None:
        return what
    code = f": {frame.line.strip()}" if frame.line else ""
    return f"{what} (at {frame.filename}:{frame.lineno}{code})"


def _shapes_in_words(err) -> str | None:
    """NumPy's message on arrays whose shapes do not fit, in words, or None."""
    if not isinstance(err, ValueError):
        return None
    msg = str(err)
    m = re.search(r"matmul.*size (\d+) is different from (\d+)", msg)
    if m:
        return (f"a matrix product A @ B where A has {m.group(2)} columns but B has "
                f"{m.group(1)} rows")
    m = re.search(r"shapes (\([\d, ]*\)) and (\([\d, ]*\)) not aligned", msg)
    if m:
        return (f"np.dot of arrays of shapes {m.group(1)} and {m.group(2)}, whose inner "
                f"sizes differ")
    m = re.search(r"could not be broadcast together with shapes ((?:\([\d, ]*\) ?)+)", msg)
    if m:
        return (f"an elementwise operation on arrays of shapes "
                f"{' and '.join(m.group(1).split())}, which do not match")
    return None


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
