"""The verdicts on a user's backward pass: one `EntryCheck` per gradient entry, the
`ImplementationResult` of a run, and how one entry is decided.

Each entry the code returns is compared with the direct derivative of the cost:
  proved   their difference expands (or, as a rational function, cancels) to exactly 0;
  refuted  a witness (`witness`) where the two differ;
  error    the code raised or returned the wrong shapes: the exception and its line;
  unknown  neither.
"""
from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field

import sympy

from ..schemas import VERSION as SCHEMA_VERSION
from . import activations
from . import witness as witnesses
from .arithmetic import Exact, Interval, NotEvaluable, evaluate
from .network import Shape
from .verify import Check, Instance, hash_instance
from .vocabulary import Status, counts, worst

KINDS = (Status.PROVED, Status.REFUTED, Status.ERROR, Status.UNKNOWN)


# ---------------------------------------------------------------- results

@dataclass
class EntryCheck(Check):
    hint: str | None = None


@dataclass
class Call:
    """One more call of the code (another shape, the same inputs again, float64 arrays at
    an exact point): its description, its entries' verdicts and its error."""
    description: str
    checks: list[EntryCheck]
    error: str | None = None

    @property
    def status(self) -> str:
        failed = [Status.ERROR] if self.error or not self.checks else []
        return worst([*(c.status for c in self.checks), *failed], empty=Status.ERROR)


@dataclass
class ImplementationResult:
    """The verdicts of one `check_implementation` call; true only when proved. `checks` are
    the entries of the first call (at `shape`); `calls` the other calls; the status is the
    worst over all of them, and `failed_call` names the call of the first failure."""
    shape: Shape
    checks: list[EntryCheck]
    seconds: float
    backend: str
    error: str | None = None
    calls: list[Call] = field(default_factory=list)
    description: str = "call 1"
    status: str = field(init=False)
    counts: dict = field(init=False)

    def __post_init__(self):
        statuses = [c.status for c in self.checks]
        self.counts = counts(statuses, KINDS)
        # the code that raised, or returned nothing to check, is an error
        failed = [Status.ERROR] if self.error or not self.checks else []
        self.status = worst(statuses + failed + [c.status for c in self.calls],
                            empty=Status.ERROR)

    def __bool__(self) -> bool:
        return self.status == Status.PROVED

    def _failure(self) -> tuple[str | None, EntryCheck | None]:
        """(the call's description, its entry) of the first failure of the worst status."""
        if self.status == Status.PROVED:
            return None, None
        own = Call(self.description, self.checks, self.error)
        for call in [own, *self.calls]:
            if call.status != self.status:
                continue
            return call.description, next((c for c in call.checks if c.status == self.status),
                                          None)
        return None, None

    @property
    def first_failure(self) -> EntryCheck | None:
        """The first entry of the worst status: refuted, else error, else unknown."""
        return self._failure()[1]

    @property
    def failed_call(self) -> str | None:
        """Which call the first failure is in (None when proved)."""
        return self._failure()[0]

    @property
    def failure_text(self) -> str | None:
        """The error or reason of the first failure, with the call it is in."""
        call, bad = self._failure()
        if call is None:
            return None
        errors = {c.description: c.error for c in self.calls}
        errors[self.description] = self.error
        why = errors.get(call) or (bad.reason if bad is not None else None)
        return f"{call}: {why}" if why else call

    def label(self, check: Check) -> str:
        return Instance(check.rule, check.layer, tuple(check.index), None).label(
            self.shape.convention)

    def to_json(self) -> dict:
        s = self.shape
        return {"schema_version": SCHEMA_VERSION, "kind": "implementation",
                "network": s.to_json(),
                "status": self.status, "counts": self.counts, "error": self.error,
                "seconds": round(self.seconds, 4), "backend": self.backend,
                "checks": [c.to_json() for c in self.checks],
                "failed_call": self.failed_call,
                "calls": [{"call": c.description, "status": c.status, "error": c.error,
                           "checks": [k.to_json() for k in c.checks]} for c in self.calls]}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)

    def summary(self) -> str:
        c = self.counts
        text = (f"{self.status}: {c[Status.PROVED]}/{len(self.checks)} entries proved, "
                f"{c[Status.REFUTED]} refuted, {c[Status.ERROR]} error, {c[Status.UNKNOWN]} unknown "
                f"({self.shape.describe()}; {self.seconds:.2f} s, {self.backend})")
        call, bad = self._failure()
        if call is not None:
            text += f"\n  in {call}"
            err = self.error if call == self.description else \
                next((c.error for c in self.calls if c.description == call), None)
            if err:
                text += f": {err}"
        if bad is not None:
            text += f"\n  first: {self.label(bad)} {bad.status}"
            if bad.reason:
                text += f": {bad.reason}"
            if bad.witness:
                text += f"\n  witness: {witness_text(bad.witness)}"
            if bad.hint:
                text += f"\n  hint: {bad.hint}"
        return text

    def __repr__(self) -> str:
        """Short, the first failure and its hint first: what `assert result` shows."""
        (call, bad), c = self._failure(), self.counts
        head = self.status
        if call is not None and call != self.description:
            head += f" in {call}"
        if bad is not None:
            head += f" at {self.label(bad)}"
            if bad.hint:
                head += f" (hint: {bad.hint})"
            elif bad.reason:
                head += f" ({bad.reason})"
        return (f"<ImplementationResult {head}; {c[Status.PROVED]}/{len(self.checks)} entries "
                f"proved, {self.shape.describe()}>")


def witness_text(w) -> str:
    """An implementation's witness: left is the direct derivative, right the code's entry."""
    return witnesses.text(w).replace("left=", "direct=", 1).replace(", right=", ", code=", 1)



def entry_check(inst, status, seconds, witness=None, reason=None, hint=None) -> EntryCheck:
    return EntryCheck(inst.rule, inst.layer, list(inst.index), None, status,
                      round(seconds, 4), witness, reason, hint)


# ---------------------------------------------------------------- verdicts

def compare(ctx, inst, direct, code, t1) -> EntryCheck:
    """Proved if the difference expands to 0; else refuted by a witness; else proved if
    it cancels to 0 as a rational function; else unknown."""
    def done(status, **kw):
        return entry_check(inst, status, time.perf_counter() - t1, **kw)
    try:
        if ctx.is_zero(code - direct, cancel=False):
            return done(Status.PROVED)
        wit = find_witness(ctx, inst, direct, code)
        if wit is not None:
            return done(Status.REFUTED, witness=wit)
        if ctx.is_zero(code - direct):
            return done(Status.PROVED)
    except Exception as err:                     # a node the comparison cannot take
        return done(Status.UNKNOWN, reason=f"the comparison failed: {type(err).__name__}: {err}")
    return done(Status.UNKNOWN, reason="the difference did not reduce to 0 and no witness was found")


def find_witness(ctx, inst, direct, code) -> witnesses.Witness | None:
    """The engine's witness search; where the code applied f or f' to something that is no
    z (f'(a) for f'(z)), a search of our own with those applications evaluated too."""
    seed = hash_instance(inst)
    try:
        wit = witnesses.find(ctx.canon, direct, code, seed=seed,
                             budget=ctx.engine.witness_budget)
    except (ValueError, ArithmeticError):
        wit = None
    if wit is not None:
        return wit
    rng, small = random.Random(seed), witnesses.SMALL
    exact = all(activations.get(a).exact for a in ctx.shape.activations)
    for _ in range(4):
        coeffs = tuple(rng.choice(small) for _ in range(3))
        sides = Sides(ctx, direct, code, coeffs, exact)
        chosen = {str(v): rng.choice(small) for v in sides.inputs}
        found = sides(chosen)
        if found is not None:
            return sides.witness(chosen, found)
    return None


class Sides:
    """Both sides at chosen values, exactly or in intervals; the generic f is a concrete
    quadratic, also where the code applies f or f' to something that is no z."""

    def __init__(self, ctx, direct, code, coeffs, exact: bool):
        ex = ctx.ex
        self.ctx, self.coeffs = ctx, coeffs
        self.num = (Exact if exact else Interval)(coeffs)
        c0, c1, c2 = (sympy.Rational(c.numerator, c.denominator) for c in coeffs)
        f, fp = sympy.Function("f"), sympy.Function("fprime")

        def concrete(e):
            e = e.replace(f, lambda u: c2 * u ** 2 + c1 * u + c0)
            return e.replace(fp, lambda u: 2 * c2 * u + c1)
        self.direct, self.code = direct, code
        self.lhs, self.rhs = (concrete(ctx.B.to_sympy(e)) for e in (direct, code))
        self.atoms = {ctx.B.to_sympy(a): v for a, v in ctx.canon.numeric.items()}
        self.inputs = (*ex.x.values(), *ex.y.values(), *ex.w.values(), *ex.b.values())

    def __call__(self, chosen: dict):
        """(direct, code) values when they differ at `chosen`, else None."""
        num = self.num
        values = {sympy.Symbol(k): num.const(v.numerator, v.denominator)
                  for k, v in chosen.items()}
        try:
            with num.precision():
                z = witnesses.forward_values(self.ctx.ex, chosen, num)
                for atom, (key, fn) in self.atoms.items():
                    values[atom] = fn(z[key], num)
                left, right = evaluate(self.lhs, values, num), evaluate(self.rhs, values, num)
        except (NotEvaluable, ZeroDivisionError, ValueError, ArithmeticError):
            return None
        return (left, right) if num.differs(left, right) else None

    @property
    def exact(self) -> bool:
        return isinstance(self.num, Exact) and not isinstance(self.num, Interval)

    def witness(self, chosen: dict, found) -> witnesses.Witness:
        """The witness, made small (witness.small) with the same concrete-f rules."""
        ctx, exact = self.ctx, self.exact
        generic = any(activations.get(a).is_generic for a in ctx.shape.activations)

        def sides(values, coeffs):
            other = self if coeffs == self.coeffs else \
                Sides(ctx, self.direct, self.code, coeffs, exact)
            got = other(values)
            return None if got is None else (other.num.show(got[0]), other.num.show(got[1]))
        shown = (self.num.show(found[0]), self.num.show(found[1]))
        return witnesses.small(sides, chosen, self.coeffs, shown, exact, generic,
                               ctx.engine.witness_budget)
