"""Compare direct differentiation with the closed-form rules; exact verdicts.

For every instance of every rule the verifier forms (direct) - (closed form), reduces it
to canonical form and decides:
  proved   the difference is exactly 0;
  refuted  a witness (exact rational values, or a rigorous interval evaluation) where
           the two sides differ;
  unknown  neither (time budget exhausted, or no witness found).
"""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable

from . import activations, direct, rules, witness
from .backends import get_backend
from .canonical import Canonical
from .network import Expressions, Network, Shape

PROVED, REFUTED, UNKNOWN = "proved", "refuted", "unknown"
SCHEMA_VERSION = 1


# ---------------------------------------------------------------- instances

@dataclass(frozen=True)
class Instance:
    rule: str
    layer: int
    index: tuple[int, ...]
    sample: int | None

    def label(self, convention: str = "from-to") -> str:
        idx = "".join(map(str, self.index)) if max(self.index) < 10 else ",".join(map(str, self.index))
        sample = f" (x{self.sample})" if self.sample else ""
        d = "δ" if convention == "to-from" else "Δ"
        if self.rule in ("output_delta", "hidden_delta"):
            return f"{d}^{self.layer}_{idx}{sample}"
        name = "w" if self.rule == "weight_grad" else "b"
        return f"∂C/∂{name}^{self.layer}_{idx}"


def plan(shape: Shape) -> list[Instance]:
    """Every instance of every rule, in a fixed order."""
    n, L, N = shape.widths, shape.L, shape.samples
    out = [Instance("output_delta", L, (j,), s)
           for s in range(1, N + 1) for j in range(1, n[L] + 1)]
    out += [Instance("hidden_delta", l, (j,), s)
            for s in range(1, N + 1) for l in range(L - 1, 0, -1) for j in range(1, n[l] + 1)]
    for l in range(1, L + 1):
        rows, cols = (n[l - 1], n[l]) if shape.convention == "from-to" else (n[l], n[l - 1])
        out += [Instance("weight_grad", l, (p, r), None)
                for p in range(1, rows + 1) for r in range(1, cols + 1)]
    out += [Instance("bias_grad", l, (j,), None)
            for l in range(1, L + 1) for j in range(1, n[l] + 1)]
    return out


# ---------------------------------------------------------------- results

@dataclass
class Check:
    rule: str
    layer: int
    index: list[int]
    sample: int | None
    status: str
    seconds: float
    witness: dict | None = None
    reason: str | None = None

    def to_json(self) -> dict:
        return asdict(self)

    @property
    def instance(self) -> Instance:
        return Instance(self.rule, self.layer, tuple(self.index), self.sample)


@dataclass
class Result:
    shape: Shape
    checks: list[Check]
    seconds: float
    backend: str
    status: str = field(init=False)
    counts: dict = field(init=False)

    def __post_init__(self):
        self.counts = {k: sum(c.status == k for c in self.checks) for k in (PROVED, REFUTED, UNKNOWN)}
        self.status = (REFUTED if self.counts[REFUTED] else
                       UNKNOWN if self.counts[UNKNOWN] else PROVED)

    def to_json(self) -> dict:
        s = self.shape
        return {"schema_version": SCHEMA_VERSION,
                "network": {"widths": list(s.widths), "activations": list(s.activations),
                            "samples": s.samples, "convention": s.convention},
                "status": self.status, "counts": self.counts,
                "seconds": round(self.seconds, 4), "backend": self.backend,
                "checks": [c.to_json() for c in self.checks]}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)

    def summary(self) -> str:
        c = self.counts
        return (f"{self.status}: {c[PROVED]}/{len(self.checks)} proved, {c[REFUTED]} refuted, "
                f"{c[UNKNOWN]} unknown ({self.shape.describe()}; {self.seconds:.2f} s, "
                f"{self.backend})")

    def __repr__(self) -> str:
        return f"<Result {self.summary()}>"

    def _repr_latex_(self) -> str:
        c = self.counts
        return (rf"$\text{{{self.status}}}: {c[PROVED]}/{len(self.checks)}"
                rf"\ \text{{proved}},\ {c[REFUTED]}\ \text{{refuted}},\ "
                rf"{c[UNKNOWN]}\ \text{{unknown}}$")


# ---------------------------------------------------------------- the engine

class Quantities:
    """What the rules may use, in canonical (atom) form. Δ comes from direct differentiation."""

    def __init__(self, engine: "Engine"):
        self._e = engine
        self.L, self.N = engine.shape.L, engine.shape.samples

    def neurons(self, l: int) -> range:
        return range(1, self._e.shape.widths[l] + 1)

    def _exists(self, s, l, j, name, first=1):
        n = self._e.shape.widths
        if not (1 <= s <= self.N and first <= l <= self.L and 1 <= j <= n[l]):
            where = (f"layer {l} has {n[l]} neurons" if first <= l <= self.L
                     else f"layers run from {first} to {self.L}")
            raise IndexError(f"{name}^{l}_{j} does not exist: {where}")

    def a(self, s, l, j):
        self._exists(s, l, j, "a", first=0)
        return self._e.atomized(("a", s, l, j), lambda ex: ex.a[s, l, j])

    def z(self, s, l, j):
        self._exists(s, l, j, "z")
        return self._e.atomized(("z", s, l, j), lambda ex: ex.z[s, l, j])

    def y(self, s, j):
        self._exists(s, self.L, j, "y")
        return self._e.ex.y[s, j]

    def fprime(self, s, l, j):
        self._exists(s, l, j, "f'(z)")
        return self._e.atomized(("f'", s, l, j), lambda ex: activations.derivative(
            ex.acts[l], ex.B, ex.z[s, l, j], ex.probe[s, l, j]))

    def W(self, l, p, r):
        return self._e.ex.W(l, p, r)

    def delta(self, s, l, j):
        self._exists(s, l, j, "Δ")
        return self._e.delta(s, l, j)

    def mean(self, term: Callable):
        B = self._e.B
        return B.Rational(1, self.N) * sum((term(s) for s in range(1, self.N + 1)), B.zero)


class Engine:
    """One network in one backend: explicit expressions, canonical forms, and checks."""

    def __init__(self, shape: Shape, backend: str | None = None, overrides: dict | None = None):
        self.shape = shape
        self.B = get_backend(backend)
        self.ex = Expressions(shape, self.B, probes=True)
        self.canon = Canonical(self.ex)
        self.q = Quantities(self)
        self.overrides = overrides or {}
        self._memo: dict = {}

    def atomized(self, key, build):
        if key not in self._memo:
            self._memo[key] = self.canon.atomize(build(self.ex))
        return self._memo[key]

    def delta(self, s, l, j):
        """Δ^l_j(s) by direct differentiation, in canonical form."""
        key = ("Δ", s, l, j)
        if key not in self._memo:
            self._memo[key] = self.canon.reduce(direct.delta(self.ex, s, l, j))
        return self._memo[key]

    def sides(self, inst: Instance):
        """(direct, closed form) of one instance, both in atom form."""
        fn = self.overrides.get(inst.rule) or rules.get(inst.rule, self.shape.convention).closed_form
        if inst.rule in ("output_delta", "hidden_delta"):
            lhs = self.delta(inst.sample, inst.layer, inst.index[0])
            rhs = (fn(self.q, inst.sample, inst.index[0]) if inst.rule == "output_delta"
                   else fn(self.q, inst.sample, inst.layer, inst.index[0]))
        elif inst.rule == "weight_grad":
            lhs = self.canon.reduce(direct.cost_gradient(self.ex, self.ex.W(inst.layer, *inst.index)))
            rhs = fn(self.q, inst.layer, *inst.index)
        else:
            lhs = self.canon.reduce(direct.cost_gradient(self.ex, self.ex.b[inst.layer, inst.index[0]]))
            rhs = fn(self.q, inst.layer, inst.index[0])
        return lhs, rhs

    def check(self, inst: Instance) -> Check:
        t0 = time.perf_counter()
        status, wit, reason = UNKNOWN, None, None
        try:
            lhs, rhs = self.sides(inst)
            rest = self.B.expand(lhs - rhs)
            if rest == 0:
                status = PROVED
            else:
                wit = witness.find(self.canon, lhs, rhs, seed=hash_instance(inst))
                if wit is not None:
                    status = REFUTED
                else:
                    reason = "the difference did not reduce to 0 and no witness was found"
        except IndexError as err:      # the rule names a quantity the network does not have
            status, wit = REFUTED, {"reason": str(err)}
        except _Timeout:
            reason = "time budget exhausted"
        return Check(inst.rule, inst.layer, list(inst.index), inst.sample, status,
                     round(time.perf_counter() - t0, 4), wit, reason)


def hash_instance(inst: Instance) -> int:
    """A seed that is the same in every process and run."""
    h = 0
    for part in (inst.rule, inst.layer, *inst.index, inst.sample or 0):
        for ch in str(part):
            h = (h * 131 + ord(ch)) % (2 ** 61 - 1)
    return h


# ---------------------------------------------------------------- running

class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Timeout()


_ENGINE: Engine | None = None
_DEADLINE: float | None = None
_ALARM = False          # may this process interrupt a check with SIGALRM?


def _run_one(i_inst):
    i, inst = i_inst
    if _DEADLINE is not None:
        left = _DEADLINE - time.time()
        if left <= 0:
            return i, Check(inst.rule, inst.layer, list(inst.index), inst.sample, UNKNOWN, 0.0,
                            None, "time budget exhausted")
        if _ALARM:
            signal.setitimer(signal.ITIMER_REAL, left)
    try:
        return i, _ENGINE.check(inst)
    finally:
        if _DEADLINE is not None and _ALARM:
            signal.setitimer(signal.ITIMER_REAL, 0)


def _init_worker():
    global _ALARM
    signal.signal(signal.SIGALRM, _on_alarm)
    _ALARM = True


def verify(network, *, backend: str | None = None, jobs: int | None = 1,
           timeout: float | None = None, rules_override: dict | None = None,
           progress: Callable[[Check], None] | None = None) -> Result:
    """Check every instance of every rule for `network` (a Network or Shape).

    `rules_override` maps a rule kind to a replacement closed-form function (used to test
    that wrong rules are refuted). `jobs` > 1 spreads the checks over processes; the
    verdicts are the same as with one.
    """
    global _ENGINE, _DEADLINE, _ALARM
    shape = network.shape if isinstance(network, Network) else network
    t0 = time.perf_counter()
    _DEADLINE = None if timeout is None else time.time() + timeout
    engine = Engine(shape, backend, rules_override)
    _ENGINE = engine
    todo = list(enumerate(plan(shape)))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    results: dict[int, Check] = {}
    _ALARM = _can_signal()
    old = signal.signal(signal.SIGALRM, _on_alarm) if _ALARM else None
    try:
        if jobs == 1:
            for item in todo:
                i, check = _run_one(item)
                results[i] = check
                if progress:
                    progress(check)
        else:
            ctx = multiprocessing.get_context("fork")
            # interleave so that every worker gets a share of each rule
            with ctx.Pool(jobs, initializer=_init_worker) as pool:
                for i, check in pool.imap_unordered(_run_one, todo, chunksize=1):
                    results[i] = check
                    if progress:
                        progress(check)
    finally:
        if old is not None:
            signal.signal(signal.SIGALRM, old)
        _ENGINE, _DEADLINE, _ALARM = None, None, False
    checks = [results[i] for i in range(len(todo))]
    return Result(shape, checks, time.perf_counter() - t0, engine.B.name)


def _can_signal() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()
