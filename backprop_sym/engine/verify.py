"""Compare direct differentiation with the closed-form rules; exact verdicts.

For every instance of every rule the verifier forms (direct) - (closed form), reduces it
to canonical form and decides:
  proved   the difference is exactly 0;
  refuted  a witness (exact rational values, or a rigorous interval evaluation) where
           the two sides differ;
  unknown  neither (time budget exhausted, or no witness found).
"""
from __future__ import annotations

import contextlib
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

import sympy

from ..schemas import VERSION as SCHEMA_VERSION
from . import activations, costs, direct, rules, runner, specialise, witness
from . import arguments
from .backends import get_backend
from .canonical import Canonical, rational_zero
from .errors import BackpropSymError, Unsupported
from .estimate import cores
from .network import Expressions, MissingQuantity, Network, Shape
from .vocabulary import Status, counts, worst



# ---------------------------------------------------------------- instances

@dataclass(frozen=True)
class Instance:
    rule: str
    layer: int
    index: tuple[int, ...]
    sample: int | None

    def label(self, convention: str = "from-to") -> str:
        idx = "".join(map(str, self.index)) if max(self.index) < 10 else ",".join(map(str, self.index))
        sample = f", example {self.sample}" if self.sample else ""
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
        rows, cols = shape.matrix(l)
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
    witness: witness.Witness | dict | None = None   # a dict: a finding with no values
    reason: str | None = None

    def __bool__(self) -> bool:
        """True only when proved: `assert check` fails on a refuted or unknown instance."""
        return self.status == Status.PROVED

    def to_json(self) -> dict:
        return asdict(self)

    @property
    def instance(self) -> Instance:
        return Instance(self.rule, self.layer, tuple(self.index), self.sample)

    def _repr_latex_(self) -> str:
        idx = "".join(map(str, self.index))
        what = (rf"\Delta^{{{self.layer}}}_{{{idx}}}" if self.rule.endswith("delta") else
                rf"\partial\mathcal{{C}}/\partial {'w' if self.rule == 'weight_grad' else 'b'}"
                rf"^{{{self.layer}}}_{{{idx}}}")
        return rf"${what}:\ \text{{{self.status}}}$"


@dataclass
class Result:
    shape: Shape
    checks: list[Check]
    seconds: float
    backend: str
    # how many checks were proved as the generic f's at the same widths with f = id
    # (`specialise`), not on this network's own expressions
    specialised: int = 0
    status: str = field(init=False)
    counts: dict = field(init=False)

    def __post_init__(self):
        statuses = [c.status for c in self.checks]
        self.counts = counts(statuses)
        self.status = worst(statuses, empty=Status.PROVED)

    def __bool__(self) -> bool:
        """True only when every instance is proved: `assert verify(...)` fails otherwise."""
        return self.status == Status.PROVED

    def to_json(self) -> dict:
        s = self.shape
        return {"schema_version": SCHEMA_VERSION,
                "network": s.to_json(),
                "status": self.status, "counts": self.counts,
                "seconds": round(self.seconds, 4), "backend": self.backend,
                "checks": [c.to_json() for c in self.checks]}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)

    def summary(self) -> str:
        c = self.counts
        return (f"{self.status}: {c[Status.PROVED]}/{len(self.checks)} proved, {c[Status.REFUTED]} refuted, "
                f"{c[Status.UNKNOWN]} unknown ({self.shape.describe()}; {self.seconds:.2f} s, "
                f"{self.backend})")

    def __repr__(self) -> str:
        return f"<Result {self.summary()}>"

    def _repr_latex_(self) -> str:
        c = self.counts
        return (rf"$\text{{{self.status}}}: {c[Status.PROVED]}/{len(self.checks)}"
                rf"\ \text{{proved}},\ {c[Status.REFUTED]}\ \text{{refuted}},\ "
                rf"{c[Status.UNKNOWN]}\ \text{{unknown}}$")


# ---------------------------------------------------------------- the engine

class ForeignSymbol(BackpropSymError):
    """A rule of the user's own names a symbol that is no quantity of the network."""


class Quantities:
    """What the rules may use (`rules.Quantities`), in canonical (atom) form. Δ comes from
    direct differentiation.

    The values are in the engine's current form: backend expressions, or (SymPy) ring
    elements of the canonical polynomial ring. Rules only add, subtract and multiply them.
    """

    def __init__(self, engine: "Engine"):
        self._e = engine
        self.L, self.N = engine.shape.L, engine.shape.samples
        self.cost = costs.for_shape(engine.shape)     # the output rule's ∂C_x/∂a^L_j
        self._sum = getattr(engine.shape, "reduction", "mean") == "sum"

    @property
    def l2(self):
        """The weight rule's L2 coefficient: λ/N (mean), λ (sum); None without L2."""
        lam = self._e.ex.constants.get(costs.L2_SYMBOL)
        if lam is None:
            return None
        return self._e.symbol(lam) * (1 if self._sum else self._e.forms.const(1, self.N))

    def neurons(self, l: int) -> range:
        return range(1, self._e.shape.widths[l] + 1)

    def examples(self) -> range:
        return range(1, self.N + 1)

    def a(self, s, l, j):
        return self._e.atomized(("a", s, l, j), lambda ex: _get(ex.a, (s, l, j), "a"))

    def z(self, s, l, j):
        return self._e.atomized(("z", s, l, j), lambda ex: _get(ex.z, (s, l, j), "z"))

    def y(self, s, j):
        return self._e.symbol(_get(self._e.ex.y, (s, j), "y"))

    def fprime(self, s, l, j):
        return self._e.fprime(s, l, j)

    def W(self, l, p, r):
        return self._e.symbol(self._e.ex.W(l, p, r))

    def delta(self, s, l, j):
        return self._e.delta(s, l, j)

    def mean(self, term: Callable):    # (1/N) Σ_s term(s); Σ_s term(s) under `sum`
        F = self._e.forms
        total = sum((term(s) for s in range(1, self.N + 1)), F.zero)
        return total if self._sum else F.const(1, self.N) * total


def _get(table, key, what):
    try:
        return table[key]
    except KeyError:
        if len(key) == 3:                       # (example, layer, neuron)
            s, l, j = key
            layers = sorted({k[1] for k in table})
            where = (f"layer {l} has {max(k[2] for k in table if k[1] == l)} neurons"
                     if l in layers else f"layers run from {layers[0]} to {layers[-1]}")
            raise MissingQuantity(f"{what}^{l}_{j} does not exist: {where}") from None
        raise MissingQuantity(f"{what}_{key[-1]} does not exist in this network") from None


class _ExprForms:
    """Canonical forms as backend expressions: atomize, then expand in the backend."""
    poly = False

    def __init__(self, canon: Canonical):
        self.canon, B = canon, canon.B
        self.zero, self.const = B.zero, B.Rational
        self.atomized, self.full = canon.atomize, canon.reduce
        self.symbol = lambda e: e
        self.is_zero = lambda d: B.expand(d) == 0
        self.to_sympy = B.to_sympy
        # Δ kept atomized, unexpanded, when its nodes are those of the reverse-mode
        # gradients (`direct.walked`): a rule's product with Δ then meets the same nodes
        # and cancels without expansion; `is_zero` expands what is left
        self.kept = canon.atomize if direct.walked(canon.ex) else canon.reduce


class _PolyForms:
    """Canonical forms as sparse Laurent polynomials over QQ (SymPy only)."""
    poly = True

    def __init__(self, canon: Canonical):
        from sympy import QQ
        self.canon, ring = canon, canon.ring
        self.zero = ring.zero
        self.const = lambda p, q: ring.ground_new(QQ(p, q))
        self.atomized = self.full = self.kept = self.symbol = canon.poly
        self.is_zero = lambda d: not d
        self.to_sympy = canon.poly_to_sympy


class Engine:
    """One network in one backend: explicit expressions, canonical forms, and checks.

    Each derivative is taken once (Δ once per neuron and example, ∂𝒞/∂p once per
    parameter) and kept in canonical form. The forms are tried in order: first with
    opaque atoms (see `Canonical`), then, if the difference does not vanish, with every
    relation between atoms written out; with SymPy each as a ring polynomial first,
    falling back to expressions for a node the ring does not take. Every form is exact,
    so any one reaching 0 proves; a refutation needs a witness of the last form.
    """

    def __init__(self, shape: Shape, backend: str | None = None, overrides: dict | None = None):
        self.shape = shape
        self.B = get_backend(backend)
        self.ex = Expressions(shape, self.B, probes=True)
        self.canon = Canonical(self.ex)               # every relation written out
        self.q = Quantities(self)
        self.witness_budget = witness.Budget()        # time to make witnesses small
        self.overrides = rules.overrides(overrides)
        # a generic f has no relations between its atoms: then both sets are the same
        opaque = Canonical(self.ex, opaque=True) \
            if any(not a.is_generic for a in self.ex.acts[1:]) else None
        self._chain = [opaque, self.canon] if opaque and opaque.extra else [self.canon]
        self._forms: dict = {}
        self._memo: dict = {}
        self._lemmas: dict = {}
        # between checks (for anyone using q, delta or sides directly): backend
        # expressions over the full atom set, as `canon.reduce` gives them
        self.forms = self._forms_for(self.canon, False)

    def _forms_for(self, canon, poly: bool):
        key = (id(canon), poly)
        if key not in self._forms:
            self._forms[key] = (_PolyForms if poly else _ExprForms)(canon)
            self._memo[key] = {}
        return self._forms[key]

    def _memoized(self, key, build):
        memo = self._memo[id(self.forms.canon), self.forms.poly]
        if key not in memo:
            memo[key] = build()
        return memo[key]

    def atomized(self, key, build):
        return self._memoized(key, lambda: self.forms.atomized(build(self.ex)))

    def symbol(self, sym):
        return self.forms.symbol(sym)

    def fprime(self, s, l, j):
        """The rule's f'(z^l_j(s)) as the activation registry states it. With opaque atoms,
        the direct form d f(z)/dz stands in for it once the two are proved equal for this
        z (exactly, with every relation written out); otherwise the registry's form."""
        ex, B = self.ex, self.B
        u, probe, act = _get(ex.z, (s, l, j), "z"), ex.probe[s, l, j], ex.acts[l]

        def build():
            stated = activations.derivative(act, B, u, probe)
            if self.forms.canon.opaque:
                direct_form = B.diff(act.value(B, u), probe)
                if (s, l, j) not in self._lemmas:
                    rest = self.canon.reduce(stated - direct_form)
                    self._lemmas[s, l, j] = rest == 0
                if self._lemmas[s, l, j]:
                    return self.forms.atomized(direct_form)
            return self.forms.atomized(stated)

        return self._memoized(("f'", s, l, j), build)

    def delta(self, s, l, j):
        """Δ^l_j(s) by direct differentiation, in canonical form."""
        _get(self.ex.probe, (s, l, j), "Δ")
        return self._memoized(("Δ", s, l, j),
                              lambda: self.forms.kept(direct.delta(self.ex, s, l, j)))

    def gradient(self, parameter):
        """∂𝒞/∂p by direct differentiation, in canonical form."""
        return self._memoized(("∂", parameter), lambda: self.forms.full(
            self._derivative(parameter)))

    def _derivative(self, parameter):
        # the backend derivative does not depend on the form: take it once
        if ("∂", parameter) not in self._raw:
            self._raw[("∂", parameter)] = direct.cost_gradient(self.ex, parameter)
        return self._raw[("∂", parameter)]

    @property
    def _raw(self) -> dict:
        return self._memo.setdefault("raw", {})

    def sides(self, inst: Instance, reduced: bool = True):
        """(direct, closed form) of one instance, both in the current canonical form; with
        `reduced=False` a gradient's direct side is only atomized (the same value, not yet
        expanded): `compare` expands the difference once instead of each side apart."""
        fn = (self.overrides[inst.rule] if inst.rule in self.overrides
              else rules.get(inst.rule, self.shape.convention).closed_form)
        if inst.rule in ("output_delta", "hidden_delta"):
            lhs = self.delta(inst.sample, inst.layer, inst.index[0])
            rhs = (fn(self.q, inst.sample, inst.index[0]) if inst.rule == "output_delta"
                   else fn(self.q, inst.sample, inst.layer, inst.index[0]))
        elif inst.rule == "weight_grad":
            lhs = self._direct_side(self.ex.W(inst.layer, *inst.index), reduced)
            rhs = fn(self.q, inst.layer, *inst.index)
        else:
            lhs = self._direct_side(_get(self.ex.b, (inst.layer, inst.index[0]), "b"), reduced)
            rhs = fn(self.q, inst.layer, inst.index[0])
        if inst.rule in self.overrides:
            self._admissible(rhs)
        return lhs, rhs

    def _direct_side(self, parameter, reduced: bool):
        """∂𝒞/∂p in canonical form, or (not `reduced`, backend expressions) atomized only:
        each gradient is compared once, and expanding its difference with the closed form
        in one pass costs about half of expanding the gradient and then the difference."""
        if reduced or self.forms.poly:
            return self.gradient(parameter)
        return self.forms.atomized(self._derivative(parameter))

    def _admissible(self, rhs):
        """A rule of the user's own may bring floats, which exact arithmetic must not round,
        and symbols that are no quantity of the network: such a symbol is a free variable
        (an identity must hold for each of its values), never an atom or probe of ours."""
        expr = self.forms.to_sympy(rhs)
        foreign = expr.free_symbols - self._known_symbols()
        if foreign:
            raise ForeignSymbol(
                "the closed form uses " + ", ".join(sorted(map(str, foreign))) +
                ", not a quantity of this network (build closed forms from q: q.a, q.z, "
                "q.y, q.fprime, q.W, q.delta)")
        if self.forms.poly:
            raise Unsupported("rules of your own are compared as expressions")
        if expr.has(sympy.Float):
            raise Unsupported("the closed form contains a floating-point number; write exact "
                              "numbers such as sympy.Rational(1, 3)")

    def _known_symbols(self) -> set:
        """The SymPy symbols a closed form may contain: the network's x, y, w, b and the
        atoms of the current canonical form."""
        canon = self.forms.canon
        key = ("known", id(canon))
        if key not in self._memo:
            ex = self.ex
            known = [*ex.x.values(), *ex.y.values(), *ex.w.values(), *ex.b.values(),
                     *ex.constants.values(), *canon.numeric]
            self._memo[key] = {self.B.to_sympy(v) for v in known}
        return self._memo[key]

    def _each_form(self):
        """The forms to try, in order: (forms, whether its canonical atoms are the last)."""
        for i, canon in enumerate(self._chain):
            final = i == len(self._chain) - 1
            if self.B.name == "sympy" and not self.q.cost.quotient:   # no ring quotients
                yield self._forms_for(canon, True), final
            yield self._forms_for(canon, False), final

    def _is_zero(self, forms, d) -> bool:
        """Exactly 0; for a cost that divides by the outputs, `rational_zero`."""
        return bool(forms.is_zero(d)) or (self.q.cost.quotient and
                                           rational_zero(forms.to_sympy(d)))

    @contextlib.contextmanager
    def using(self, forms):
        """The engine's quantities (`q`, `delta`, `gradient`, `sides`) in `forms` for the
        duration of the block; the forms before it afterwards, however it is left."""
        saved, self.forms = self.forms, forms
        try:
            yield forms
        finally:
            self.forms = saved

    def compare(self, inst: Instance):
        """(Status.PROVED, None), or (None, (forms, lhs, rhs)) for the most complete nonzero
        difference found."""
        found, done = None, None
        for forms, final in self._each_form():
            if forms.canon is done:
                continue        # its other form has the same atoms: also nonzero
            with self.using(forms):
                try:
                    lhs, rhs = self.sides(inst, reduced=False)
                    zero = self._is_zero(forms, lhs - rhs)
                except (Unsupported, TypeError):
                    if not forms.poly:
                        raise
                    continue        # the expression form over the same atoms takes it
            if zero:
                return Status.PROVED, None
            found, done = (forms, lhs, rhs), forms.canon
            if final:
                break
        return None, found

    def check(self, inst: Instance) -> Check:
        t0 = time.perf_counter()
        status, reason = Status.UNKNOWN, None
        wit: witness.Witness | dict | None = None
        try:
            status, found = self.compare(inst)
            if status is None:
                status = Status.UNKNOWN
                if found is None:
                    raise Unsupported("no form took this check")
                forms, lhs, rhs = found
                wit = witness.find(forms.canon, forms.to_sympy(lhs), forms.to_sympy(rhs),
                                   seed=hash_instance(inst), budget=self.witness_budget)
                if wit is not None:
                    status = Status.REFUTED
                else:
                    reason = "the difference did not reduce to 0 and no witness was found"
        except MissingQuantity as err:     # the rule names a quantity the network lacks
            status, wit = Status.REFUTED, {"reason": str(err)}
        except Unsupported as err:
            reason = f"no canonical form: {err}"
        except ForeignSymbol as err:
            reason = str(err)
        except runner.Timeout:
            reason = "time budget exhausted"
        except Exception as err:           # a rule of the user's own that fails
            reason = f"the check failed: {type(err).__name__}: {err}"
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

def _unfinished(inst: Instance, reason: str) -> Check:
    return Check(inst.rule, inst.layer, list(inst.index), inst.sample, Status.UNKNOWN, 0.0, None,
                 reason)


def _run_one(engine: Engine, inst: Instance, deadline: float | None) -> Check:
    """One check; with a deadline (monotonic), SIGALRM stops it at the next Python
    instruction (a long C++ call of SymEngine runs on until it returns: the process
    owner kills it)."""
    if deadline is None:
        return engine.check(inst)
    if deadline - time.monotonic() <= 0:
        return _unfinished(inst, "time budget exhausted")
    with runner.alarm(deadline):
        return engine.check(inst)


def _groups(shape: Shape, todo: list) -> list[list]:
    """Checks that share one Δ^l_j (its own delta check, ∂𝒞/∂b^l_j and the ∂𝒞/∂w^l_{ij})
    go to one worker, so that Δ is differentiated once; deepest layers first."""
    by: dict = {}
    for i, inst in todo:
        if inst.rule == "weight_grad":
            j = shape.weight_pair(*inst.index)[1]
        else:
            j = inst.index[0]
        by.setdefault((inst.layer, j), []).append((i, inst))
    return [by[k] for k in sorted(by)]


def _worker(send, make_engine, groups, taken, deadline):
    """Take the next group off the shared counter until none is left; send each check
    down this worker's own pipe."""
    engine = make_engine()      # here, so that the deadline bounds building it too
    while True:
        with taken.get_lock():
            g = taken.value
            taken.value += 1
        if g >= len(groups):
            return
        for i, inst in groups[g]:
            send.send((i, _run_one(engine, inst, deadline)))


def _run_processes(shape, make_engine, todo, jobs, deadline, report):
    """Run the checks in `jobs` forked processes (`runner.run`); at the deadline they are
    killed and the unfinished checks reported unknown. Returns False when fork is not
    available. The groups of checks reach the workers through fork (they take them by a
    shared counter)."""
    ctx = runner.fork_context()
    if ctx is None:
        return False
    groups = _groups(shape, todo)
    taken = ctx.Value("l", 0)
    left = {i for i, _ in todo}

    def receive(message) -> bool:
        i, check = message
        left.discard(i)
        report(i, check)
        return not left

    ended = runner.run(_worker, [(make_engine, groups, taken, deadline)] * jobs, receive,
                       deadline, ctx)
    reason = "a worker process ended without a result" if ended.finished and left \
        else "time budget exhausted"
    insts = dict(todo)
    for i in sorted(left):
        report(i, _unfinished(insts[i], reason))
    return True


def verify(network, *, backend: str | None = None, jobs: int | None = 1,
           timeout: float | None = None, rules_override: dict | None = None,
           progress: Callable[[Check], None] | None = None, cost: str | None = None,
           reduction: str | None = None, l2: bool | None = None) -> Result:
    """Check every instance of every rule for `network` (a Network or Shape).

    `rules_override` maps a rule kind (one of `rules.KINDS`; anything else is a
    ValueError) to a replacement closed-form function (used to test that wrong rules
    are refuted). `jobs` is the most processes to spread the checks over (None: one per
    core; never more than the cores this process may run on); a shape estimated to take
    under a second or two runs in one, since starting processes would cost more than it
    saves. The verdicts are the same with any number. With `timeout`, the checks run in
    worker processes that are
    killed at the deadline, so unfinished checks come back `unknown` even when a
    SymEngine call (which no signal interrupts) is running.
    `cost` (`costs.names()`), `reduction` ("mean"/"sum") and `l2` (True: a symbolic λ)
    replace the shape's; an unknown name is a UsageError listing the valid ones.
    """
    shape = network.shape if isinstance(network, Network) else network
    if (cost, reduction, l2) != (None, None, None):
        shape = shape.with_cost(cost, reduction, l2)
    t0 = time.perf_counter()
    rules_override = rules.overrides(rules_override)
    if timeout is not None and not isinstance(timeout, bool) and timeout == float("inf"):
        timeout = None                  # no limit, as before
    timeout = arguments.seconds(timeout, "timeout")       # a UsageError naming it
    jobs = None if jobs is None else arguments.count(jobs, "jobs")
    deadline = None if timeout is None else time.monotonic() + timeout
    name = get_backend(backend).name
    todo = list(enumerate(plan(shape)))
    results: dict[int, Check] = {}

    def report(i, check):
        results[i] = check
        if progress:
            progress(check)

    todo = _specialised(shape, name, todo, jobs, deadline, rules_override, report)
    specialised = len(results)
    jobs = useful_jobs(shape, name, min(jobs or cores(), cores()), len(todo))

    def make_engine():
        return Engine(shape, backend, rules_override)

    if todo and (deadline is None and jobs <= 1 or
                 not _run_processes(shape, make_engine, todo, jobs, deadline, report)):
        _run_here(make_engine, todo, deadline, report)
    checks = [results[i] for i in range(len(results))]
    specialise.remember(shape, name, checks, rules_override)
    return Result(shape, checks, time.perf_counter() - t0, name, specialised)


def _specialised(shape, backend, todo, jobs, deadline, rules_override, report) -> list:
    """For a shape whose layers are each linear or generic f: the instances of registered
    rules proved for the generic f at the same widths (`specialise`: kept from an earlier
    run, else run now) are reported proved; returns the rest, to check on `shape` itself."""
    base = specialise.base_for(shape, backend)
    if base is None or all(inst.rule in rules_override for _, inst in todo):
        return todo
    if not specialise.proved(base, backend):
        left = None if deadline is None else max(deadline - time.monotonic(), 1e-3)
        verify(base, backend=backend, jobs=jobs, timeout=left, rules_override=rules_override)
    proofs = specialise.proved(base, backend)
    rest = []
    for i, inst in todo:
        key = (inst.rule, inst.layer, inst.index, inst.sample)
        if inst.rule in rules_override or key not in proofs:
            rest.append((i, inst))
        else:
            report(i, Check(inst.rule, inst.layer, list(inst.index), inst.sample,
                            Status.PROVED, proofs[key]))
    return rest


def _run_here(make_engine, todo, deadline, report):
    """The checks in this process; the deadline (SIGALRM, main thread only) bounds
    building the engine too."""
    if deadline is not None and not runner.can_signal():
        deadline = None
    with runner.alarm_handler(deadline is not None):
        try:
            with runner.alarm(deadline):
                engine = make_engine()
        except runner.Timeout:
            engine = None
        for i, inst in todo:
            report(i, _run_one(engine, inst, deadline) if engine is not None else
                   _unfinished(inst, "time budget exhausted"))


def useful_jobs(shape: Shape, backend: str, jobs: int, checks: int) -> int:
    """`jobs`, or fewer when the run is too short for processes to pay off."""
    from .estimate import estimate_seconds, PARALLEL_SECONDS
    if jobs <= 1 or estimate_seconds(shape, backend, jobs=1) < PARALLEL_SECONDS:
        return 1
    return max(1, min(jobs, checks))
