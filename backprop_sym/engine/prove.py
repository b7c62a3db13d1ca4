"""The four rules for every shape: a chain of steps with symbolic depth and widths.

A generic layer l with symbolic widths n_{l-1}, n_l, n_{l+1}, n_L and N examples is
written with SymPy's `IndexedBase` and `Sum` (symbolic upper bounds). Each step is a
`Step`: its statement, how it is established ("checked with symbolic n": SymPy derives
it and the difference with the statement is exactly 0; or "cited lemma"), the
assumptions it uses (every range condition SymPy's Kronecker-delta sums produce is
resolved only by an assumption listed there), and its trusted base.

  (a) ∂C_x/∂a^L_j = a^L_j - y_j          (b) ∂a^l_i/∂z^l_j = δ_ij f'(z^l_j)
  (c) ∂z^{l+1}_k/∂a^l_j = w^{l+1}_{jk}    (d) ∂z^l_m/∂w^l_{ij} = a^{l-1}_i δ_jm, ∂z^l_m/∂b^l_j = δ_jm
  (e) C_x depends on z^l only through z^{l+1} (read off the layer definitions)
  (f) the chain rule (cited)              (g) induction on l from L down; the average

The rules themselves (those of `rules.py`, or a user's own, same signature as
`verify`'s `rules_override`) are read by tracing: the rule is called with `SymbolicQ`,
whose quantities are indexed symbols and whose `neurons(l)` yields one symbolic index k;
the sum it was iterated for is restored as Σ_{k=1}^{n_l} over the closed form. A rule is
then compared with what the steps give; a rule that disagrees is named at the first step
it contradicts and refuted only with a witness of the explicit network (`verify` with the
rule at a concrete shape). Every proof of a rule is cross-checked the same way.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Callable

import sympy as sp
from sympy import Indexed, IndexedBase, KroneckerDelta, Piecewise, Sum

from . import activations, rules
from .backends import get_backend

PROVED, REFUTED, UNKNOWN, CITED = "proved", "refuted", "unknown", "cited"
AGREE, DISAGREE = "agree", "disagree"
CHECKED = "checked with symbolic n"
LEMMA = "cited lemma"
SCOPE = "for every L ≥ 1 and all widths n_0, …, n_L"
from ..schemas import VERSION as SCHEMA_VERSION

SYMPY_BASE = ["SymPy's diff of Sum/Indexed (Kronecker deltas)", "Sum.doit with symbolic bounds",
              "expand (zero test)"]

# ---------------------------------------------------------------- symbols

l, L = sp.Symbol("l", integer=True), sp.Symbol("L", integer=True)
N = sp.Symbol("N", integer=True, positive=True)
x, x0, x1 = (sp.Symbol(s, integer=True) for s in ("x", "x_0", "x_1"))
i, j, k, m, k0, k1 = (sp.Symbol(s, integer=True) for s in ("i", "j", "k", "m", "k_0", "k_1"))
A, Z, Y, FP, D = (IndexedBase(s) for s in ("a", "z", "y", "fp", "Delta"))
W, B = IndexedBase("w"), IndexedBase("b")
_SYMPY = get_backend("sympy")


def n(layer) -> sp.Symbol:
    """The width n_layer, a positive integer symbol (an assumption every step lists)."""
    return sp.Symbol(f"n_{{{sp.latex(layer)}}}", integer=True, positive=True)


def in_range(idx, layer) -> list:
    return [sp.Ge(idx, 1), sp.Le(idx, n(layer))]


def weight(convention: str, layer, frm, to):
    """The physical weight from neuron `frm` of layer-1 to neuron `to`, in its name."""
    return W[layer, frm, to] if convention == "from-to" else W[layer, to, frm]


def statements(convention: str) -> dict:
    """What steps (a)-(d) state, as SymPy expressions (the checks prove them; the rules'
    checks and the cross-validation use them)."""
    return {"a": A[x, L, j] - Y[x, j],                          # ∂C_x/∂a^L_j
            "b": KroneckerDelta(i, j) * FP[x, l, j],             # ∂a^l_i/∂z^l_j
            "c": weight(convention, l + 1, j, k),                # ∂z^{l+1}_k/∂a^l_j
            "d": A[x, l - 1, i] * KroneckerDelta(j, m),          # ∂z^l_m/∂w^l_{ij} (from-to)
            "d_bias": KroneckerDelta(j, m)}                      # ∂z^l_m/∂b^l_j


# ---------------------------------------------------------------- records

@dataclass
class Step:
    id: str
    title: str
    statement: str                 # LaTeX
    established: str               # CHECKED or LEMMA
    assumptions: list = field(default_factory=list)
    trusted_base: list = field(default_factory=list)
    status: str = UNKNOWN
    derived: str | None = None     # what SymPy derived (LaTeX)
    uses: list = field(default_factory=list)
    reason: str | None = None
    witness: dict | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Proof:
    activation: str
    convention: str
    steps: list
    cross_checks: list
    seconds: float = 0.0
    scope: str = SCOPE

    @property
    def status(self) -> str:
        st = [s.status for s in self.steps]
        if REFUTED in st:
            return REFUTED
        # a disagreement with the explicit network is a bug in one of the two: no proof
        agree = all(c["status"] == AGREE for c in self.cross_checks)
        return PROVED if agree and all(s in (PROVED, CITED) for s in st) else UNKNOWN

    def __bool__(self) -> bool:
        """True only when the chain and the rules are proved for every shape."""
        return self.status == PROVED

    def to_json(self) -> dict:
        return {"schema_version": SCHEMA_VERSION, "activation": self.activation,
                "convention": self.convention, "scope": self.scope, "status": self.status,
                "seconds": round(self.seconds, 4),
                "steps": [s.to_json() for s in self.steps], "cross_checks": self.cross_checks}


class Undecided(Exception):
    """A range condition that no listed assumption decides."""


# ---------------------------------------------------------------- resolving deltas

def resolve(expr, assumptions: list, used: set):
    """`doit` the sums, then pick each Piecewise branch whose condition the listed
    assumptions imply; Kronecker deltas of indices assumed (un)equal become 1 (0). A
    condition left undecided raises `Undecided`: nothing is assumed silently."""
    def decide(c):
        if c in (sp.true, sp.false):
            return bool(c)
        if isinstance(c, (sp.And, sp.Or)):
            vals = [decide(a) for a in c.args]
            if isinstance(c, sp.And):
                return False if False in vals else (True if all(vals) else None)
            return True if True in vals else (False if all(v is False for v in vals) else None)
        if isinstance(c, sp.core.relational.Relational):
            for a in assumptions:
                if c.canonical == a.canonical:
                    used.add(a)
                    return True
                if c.negated.canonical == a.canonical:
                    used.add(a)
                    return False
        return None

    def branch(pw):
        for e, c in pw.args:
            d = decide(c)
            if d is None:
                raise Undecided(f"the condition {c} is not implied by the assumptions")
            if d:
                return e
        raise Undecided("no branch holds")  # pragma: no cover

    def delta(kd):
        for a in assumptions:
            if isinstance(a, (sp.Eq, sp.Ne)) and {a.lhs, a.rhs} == set(kd.args):
                used.add(a)
                return sp.Integer(1 if isinstance(a, sp.Eq) else 0)
        return kd

    expr = sp.sympify(expr).doit()
    expr = expr.replace(lambda e: isinstance(e, Piecewise), branch)
    return expr.replace(lambda e: isinstance(e, KroneckerDelta), delta)


def is_zero(expr) -> bool:
    e = sp.expand(expr)
    return e == 0 or sp.simplify(e) == 0


def tex(expr) -> str:
    """LaTeX in the project's notation: a[x, l, j] -> a^{l}_{j}, w[l, j, k] -> w^{l}_{jk}."""
    def name(e):
        base, args = str(e.base), e.indices
        if base in ("a", "z", "fp", "Delta"):
            s, lay, idx = args
            sym = {"a": "a", "z": "z", "Delta": r"\Delta", "fp": "f'"}[base]
            ex = "" if s == x else rf"({sp.latex(s)})"
            if base == "fp":
                return sp.Symbol(rf"f'(z^{{{sp.latex(lay)}}}_{{{sp.latex(idx)}}}{ex})")
            return sp.Symbol(rf"{sym}^{{{sp.latex(lay)}}}_{{{sp.latex(idx)}}}{ex}")
        if base == "y":
            s, idx = args
            return sp.Symbol(rf"y_{{{sp.latex(idx)}}}" + ("" if s == x else rf"({sp.latex(s)})"))
        lay, *rest = args
        return sp.Symbol(rf"{base}^{{{sp.latex(lay)}}}_{{{''.join(sp.latex(r) for r in rest)}}}")
    return sp.latex(sp.sympify(expr).replace(lambda e: isinstance(e, Indexed), name))


# ---------------------------------------------------------------- the network, symbolically

class Definitions:
    """One generic layer of the network, with symbolic widths, as SymPy expressions."""

    def __init__(self, activation: str, convention: str):
        self.act = activations.get(activation)
        self.convention = convention

    def z(self, s, layer, to):
        """z^layer_to = Σ_{i=1}^{n_{layer-1}} a^{layer-1}_i w^layer_{i→to} + b^layer_to."""
        p = sp.Dummy("p", integer=True)
        return Sum(A[s, layer - 1, p] * weight(self.convention, layer, p, to),
                   (p, 1, n(layer - 1))) + B[layer, to]

    def a(self, s, layer, idx):
        return self.act.value(_SYMPY, Z[s, layer, idx])

    def fprime(self, s, layer, idx):
        u = Z[s, layer, idx]
        return sp.diff(sp.Function("f")(u), u) if self.act.is_generic else \
            self.act.derivative(_SYMPY, u)

    def cost(self, s):
        p = sp.Dummy("p", integer=True)
        return sp.Rational(1, 2) * Sum((A[s, L, p] - Y[s, p]) ** 2, (p, 1, n(L)))

    def transparent(self, expr, grad_layer=None):
        """a^t and f'(z^t) written out (for layers t ≥ 1: L, l, l+1, ...); a^{l-1}, which
        is the input x when l = 1, stays a symbol."""
        def known(t):
            return t == L or (t - l).is_integer and (t - l).is_number and t - l >= 0
        expr = expr.replace(lambda e: isinstance(e, Indexed) and e.base == FP,
                            lambda e: self.fprime(*e.indices))
        return expr.replace(lambda e: isinstance(e, Indexed) and e.base == A and known(e.indices[1]),
                            lambda e: self.a(*e.indices))


# ---------------------------------------------------------------- tracing a rule

class Unreadable(Exception):
    """A rule that cannot be read with symbolic sizes."""


class _Range:
    """q.neurons(t) / q.examples(): yields one symbolic index, and records it."""

    def __init__(self, q, bound, letter):
        self.q, self.bound, self.letter = q, bound, letter

    def __iter__(self):
        idx = sp.Dummy(self.letter, integer=True)
        rec = {"index": idx, "bound": self.bound, "done": False}
        self.q.ranges.append(rec)
        yield idx
        rec["done"] = True

    def __len__(self):
        raise Unreadable("a rule that takes len() of a layer cannot be read with symbolic widths")


class SymbolicQ:
    """The quantities a rule sees (`verify.Quantities`), as indexed symbols of a generic layer."""

    def __init__(self):
        self.L, self.N, self.ranges = L, N, []

    def neurons(self, t):
        return _Range(self, n(t), "k")

    def examples(self):
        return _Range(self, N, "x")

    def a(self, s, t, idx):
        return A[s, t, idx]

    def z(self, s, t, idx):
        return Z[s, t, idx]

    def y(self, s, idx):
        return Y[s, idx]

    def fprime(self, s, t, idx):
        return FP[s, t, idx]

    def W(self, t, p, r):
        return W[t, p, r]

    def delta(self, s, t, idx):
        return D[s, t, idx]

    def mean(self, term):
        s = sp.Dummy("x", integer=True)
        return Sum(term(s), (s, 1, N)) / N


def trace(fn: Callable, *args):
    """The closed form `fn(q, *args)` with symbolic sizes, its iterations as Σ."""
    q = SymbolicQ()
    try:
        expr = sp.sympify(fn(q, *args))
    except Unreadable:
        raise
    except Exception as err:
        raise Unreadable(f"the rule cannot be evaluated with symbolic sizes ({type(err).__name__}: "
                         f"{err}); iterate q.neurons(l), q.examples() or use q.mean") from None
    if expr.has(sp.Float):
        raise Unreadable("the closed form contains a floating-point number")
    for rec in reversed(q.ranges):
        idx = rec["index"]
        if not rec["done"]:
            raise Unreadable("the rule stops iterating a layer before its end")
        terms = sp.Add.make_args(sp.expand(expr))
        if any(not t.has(idx) for t in terms):
            raise Unreadable("a sum over a layer is added to terms outside it: the scope of "
                             "the sum cannot be read back")
        expr = Sum(expr, (idx, 1, rec["bound"]))
    return expr


# ---------------------------------------------------------------- the steps

def _check(step: Step, derived, stated, assumptions=()):
    """SymPy derived `derived`; the statement says `stated`: proved iff their difference,
    with the deltas resolved under the listed assumptions, is exactly 0."""
    used: set = set()
    try:
        value = resolve(derived, list(assumptions), used)
    except Undecided as err:
        step.status, step.reason = UNKNOWN, str(err)
        return None
    step.derived = tex(value)
    step.assumptions += [sp.latex(a) for a in assumptions if a in used and sp.latex(a) not in step.assumptions]
    step.status = PROVED if is_zero(value - stated) else UNKNOWN
    if step.status != PROVED:
        step.reason = "the derived expression does not reduce to the statement"
    return value


def local_steps(defs: Definitions) -> dict:
    """(a)-(d): the local derivatives, derived by SymPy from the definitions."""
    conv, act = defs.convention, defs.act
    st = statements(conv)
    base = SYMPY_BASE + ([] if act.is_generic else
                         [f"simplify, comparing SymPy's derivative of {act.name} with the registered f'"])
    widths = r"n_0, \dots, n_L \ge 1"
    out = {}

    s = Step("a", "output derivative of the cost", r"\frac{\partial C_x}{\partial a^{L}_{j}} = a^{L}_{j} - y_{j}",
             CHECKED, [widths], list(SYMPY_BASE))
    _check(s, sp.diff(defs.cost(x), A[x, L, j]), st["a"], in_range(j, L))
    out["a"] = s

    s = Step("b", "the activation acts neuron by neuron",
             r"\frac{\partial a^{l}_{j}}{\partial z^{l}_{j}} = f'(z^{l}_{j}),\quad "
             r"\frac{\partial a^{l}_{i}}{\partial z^{l}_{j}} = 0 \text{ for } i \ne j",
             CHECKED, [r"1 \le l \le L"], base)
    same = sp.diff(defs.a(x, l, j), Z[x, l, j]) - defs.transparent(st["b"].subs(i, j))
    other_used: set = set()
    other = resolve(sp.diff(defs.a(x, l, i), Z[x, l, j]) - defs.transparent(st["b"]),
                    [sp.Ne(i, j)], other_used)
    s.derived = tex(sp.diff(defs.a(x, l, i), Z[x, l, j]))
    s.assumptions.append(r"i \ne j")
    s.status = PROVED if is_zero(same) and is_zero(other) else UNKNOWN
    out["b"] = s

    stmt_c = r"w^{l+1}_{jk}" if conv == "from-to" else r"w^{l+1}_{kj}"
    s = Step("c", "the next layer's input", rf"\frac{{\partial z^{{l+1}}_{{k}}}}{{\partial a^{{l}}_{{j}}}} = {stmt_c}",
             CHECKED, [widths, r"1 \le l \le L-1"], list(SYMPY_BASE))
    _check(s, sp.diff(defs.z(x, l + 1, k), A[x, l, j]), st["c"], in_range(j, l))
    out["c"] = s

    pair = (i, j) if conv == "from-to" else (j, i)     # the rule's indices of w^l
    wtex = r"w^{l}_{ij}" if conv == "from-to" else r"w^{l}_{ji}"
    s = Step("d", "the layer's parameters",
             rf"\frac{{\partial z^{{l}}_{{m}}}}{{\partial {wtex}}} = a^{{l-1}}_{{i}}\,\delta_{{jm}},\quad "
             r"\frac{\partial z^{l}_{m}}{\partial b^{l}_{j}} = \delta_{jm}",
             CHECKED, [widths, r"1 \le l \le L"], list(SYMPY_BASE))
    wd = _check(s, sp.diff(defs.z(x, l, m), W[l, pair[0], pair[1]]), st["d"],
                in_range(i, l - 1) + in_range(j, l))
    bias_ok = is_zero(sp.diff(defs.z(x, l, m), B[l, j]) - st["d_bias"])
    if wd is not None and not bias_ok:
        s.status = UNKNOWN
    out["d"] = s
    return out


def dependency_step(defs: Definitions) -> Step:
    """(e): which quantities each definition reads, for a generic layer t; from that, who
    consumes z^l, a^l, w^l, b^l. C depends on u only through v when v is u's only consumer
    on every path."""
    t = sp.Symbol("t", integer=True)
    reads = {("z", t): defs.z(x, t, k), ("a", t): defs.a(x, t, k), ("C", None): defs.cost(x)}

    def inputs(expr):
        found = set()
        for e in sp.sympify(expr).atoms(Indexed):
            base = str(e.base)
            lay = e.indices[1] if base in ("a", "z") else (None if base == "y" else e.indices[0])
            found.add((base, lay))
        return found

    def consumers(q, lay):
        """Definitions that read quantity q of layer `lay` (layers 1..L defined)."""
        out = set()
        for (kind, tv), expr in reads.items():
            for base, at in inputs(expr):
                if base != q:
                    continue
                if tv is None:
                    if sp.simplify(at - lay) == 0:
                        out.add(("C", None))
                    continue
                sol = sp.solve(sp.Eq(at, lay), t)
                for tl in sol:
                    out.add((kind, tl))
        return out

    above_L = ("z", L + 1)           # no layer L+1: z^{L+1} is no consumer of a^L
    facts = {
        "z^l is read by a^l only": consumers("z", l) == {("a", l)},
        "a^l is read by z^{l+1} only (l < L)": consumers("a", l) == {("z", l + 1)},
        "a^L is read by C only": consumers("a", L) - {above_L} == {("C", None)},
        "w^l is read by z^l only": consumers("w", l) == {("z", l)},
        "b^l is read by z^l only": consumers("b", l) == {("z", l)},
    }
    c_reads = {at for base, at in inputs(reads["C", None]) if base == "a"}
    facts["C reads only a^L"] = c_reads == {L}
    s = Step("e", "the dependency graph",
             r"C_x \text{ depends on } z^{l}_{j} \text{ only through } z^{l+1}_{1},\dots,z^{l+1}_{n_{l+1}}"
             r"\ (l<L),\ \text{on } z^{L}_{j} \text{ only through } a^{L}_{j},\ \text{on } w^{l}, b^{l}"
             r" \text{ only through } z^{l}",
             CHECKED, [r"1 \le l \le L-1 \text{ (so } l \ne L)", r"\text{layers } 1..L \text{ only}"],
             ["the layer definitions of z, a and C, read as SymPy expressions (which "
              "indexed quantities each one reads)"])
    s.status = PROVED if all(facts.values()) else UNKNOWN
    s.derived = "; ".join(f"{k_}: {'yes' if v else 'NO'}" for k_, v in facts.items())
    if s.status != PROVED:
        s.reason = "the graph does not show: " + ", ".join(k_ for k_, v in facts.items() if not v)
    return s


def chain_rule_step() -> Step:
    return Step("f", "the multivariable chain rule",
                r"\text{if } C = G(v_1,\dots,v_r) \text{ and } v_k = v_k(u) \text{ differentiable, then } "
                r"\frac{\partial C}{\partial u} = \sum_{k=1}^{r} \frac{\partial C}{\partial v_k}\,"
                r"\frac{\partial v_k}{\partial u}",
                LEMMA, [r"f \text{ differentiable}"], ["cited: the multivariable chain rule"],
                status=CITED)


def average_step() -> Step:
    s = Step("g", "induction on l from L down; the average",
             r"\Delta^{L} \text{ by the base case, } \Delta^{l} \text{ from } \Delta^{l+1}\ (l = L-1,\dots,1);"
             r"\quad \frac{\partial \mathcal{C}}{\partial p} = \frac{1}{N}\sum_{x=1}^{N}\frac{\partial C_x}{\partial p}",
             CHECKED, [r"N \ge 1"], ["cited: induction on l (downward, finitely many layers)"] + SYMPY_BASE)
    p = sp.Symbol("p")
    Cx = sp.Function("C")
    lhs = sp.diff(Sum(Cx(x, p), (x, 1, N)) / N, p)
    s.derived = tex(lhs)
    s.status = PROVED if is_zero(lhs - Sum(sp.diff(Cx(x, p), p), (x, 1, N)) / N) else UNKNOWN
    return s


# ---------------------------------------------------------------- the rules

KIND_STEP = {"output_delta": "BP1", "hidden_delta": "BP2", "weight_grad": "BP3", "bias_grad": "BP4"}


def _rule_fn(kind, convention, overrides):
    return (overrides or {}).get(kind) or rules.get(kind, convention).closed_form


def _rule_call(kind, convention, fn) -> tuple:
    """The traced call of a rule at its generic instance."""
    return {"output_delta": (fn, x, j), "hidden_delta": (fn, x, l, j), "bias_grad": (fn, l, j),
            "weight_grad": (fn, l, *((i, j) if convention == "from-to" else (j, i)))}[kind]


def _coefficient(expr, var, assumptions):
    used: set = set()
    return resolve(sp.diff(expr, var), assumptions, used)


def _deltas(expr):
    return {e for e in expr.atoms(Indexed) if e.base == D}


def rule_steps(defs: Definitions, overrides: dict | None = None) -> list[Step]:
    conv = defs.convention
    out = []
    for kind in rules.KINDS:
        r = rules.get(kind, conv)
        s = Step(KIND_STEP[kind], kind, r.statement,
                 CHECKED, [], ["the steps it uses", "its closed form read by tracing the rule"],
                 uses=[])
        try:
            if overrides is not None and kind in overrides:
                s.statement = rf"\text{{your rule: }} {tex(trace(*_rule_call(kind, conv, overrides[kind])))}"
            _rule(s, kind, defs, _rule_fn(kind, conv, overrides))
        except Unreadable as err:
            s.status, s.reason = UNKNOWN, str(err)
        except Undecided as err:
            s.status, s.reason = UNKNOWN, str(err)
        out.append(s)
    return out


def _fail(s: Step, step: str, got, expected, what: str):
    s.status = REFUTED
    s.witness = {"step": step, "rule_gives": tex(got), "step_gives": tex(expected), "what": what,
                 "_sides": (got, expected)}
    s.reason = f"fails at step ({step}): {what}"


def _agree(defs, got, expected) -> bool:
    return is_zero(got - expected) or is_zero(defs.transparent(got) - defs.transparent(expected))


def _rule(s: Step, kind: str, defs: Definitions, fn: Callable):
    conv, st = defs.convention, statements(defs.convention)
    if kind == "output_delta":
        s.uses = ["a", "b", "e", "f", "g"]
        s.assumptions = [r"1 \le j \le n_L"]
        R = trace(*_rule_call(kind, conv, fn))
        # (e)+(f): Δ^L_j = Σ_i ∂C/∂a^L_i ∂a^L_i/∂z^L_j, with (a) and (b)
        expected = resolve(Sum(st["a"].subs(j, i) * st["b"].subs(l, L), (i, 1, n(L))),
                           in_range(j, L), set())
        s.derived = tex(expected)
        if _agree(defs, R, expected):
            s.status = PROVED
            return
        if _deltas(R):
            return _fail(s, "e", R, expected, "Δ^L is not defined by other Δ's")
        fpL = FP[x, L, j]
        u = sp.cancel(R / fpL)
        if u.has(FP) or not R.has(fpL):
            return _fail(s, "b", R, expected, "∂a^L_j/∂z^L_j = f'(z^L_j) is not the factor the rule uses")
        return _fail(s, "a", u, st["a"], "∂C_x/∂a^L_j = a^L_j - y_j is not the factor the rule uses")

    if kind == "hidden_delta":
        s.uses = ["b", "c", "e", "f", "g"]
        s.assumptions = [r"1 \le l \le L-1", r"1 \le j \le n_l", r"1 \le k \le n_{l+1}"]
        R = trace(*_rule_call(kind, conv, fn))
        # ∂z^{l+1}_k/∂z^l_j = Σ_i (c)_{ik} (b)_{ij}
        J = resolve(Sum(st["c"].subs({j: i, k: k0}) * st["b"], (i, 1, n(l))), in_range(j, l), set())
        expected = Sum(D[x, l + 1, k] * J.subs(k0, k), (k, 1, n(l + 1)))
        s.derived = tex(expected)
        wrong = {d for d in _deltas(R) if d.indices[1] != l + 1 or d.indices[0] != x}
        if wrong:
            return _fail(s, "e", R, expected, "C_x depends on z^l only through z^{l+1}, so Δ^l_j is a "
                         f"combination of Δ^{{l+1}}_k; the rule uses {tex(next(iter(wrong)))}")
        rng = in_range(k0, l + 1) + in_range(k1, l + 1)
        c = _coefficient(R, D[x, l + 1, k0], rng)
        second = _coefficient(c, D[x, l + 1, k1], rng)
        rest = sp.sympify(R).replace(lambda e: isinstance(e, Indexed) and e.base == D, lambda e: 0).doit()
        if not (is_zero(second) and is_zero(rest)):
            return _fail(s, "f", R, expected, "by the chain rule Δ^l_j is linear in Δ^{l+1} with no other term")
        if _agree(defs, c, J):
            s.status = PROVED
            return
        fpl = FP[x, l, j]
        u = sp.cancel(c / fpl)
        if u.has(FP) or not c.has(fpl):
            return _fail(s, "b", c, J, "∂a^l_j/∂z^l_j = f'(z^l_j) is not the factor of Δ^{l+1}_k in the rule")
        return _fail(s, "c", u, J / fpl,
                     "∂z^{l+1}_k/∂a^l_j is not the weight the rule uses" +
                     (" (a missing transpose: the index pair is reversed)" if
                      is_zero(u - st["c"].subs({j: k0, k: j}, simultaneous=True))
                      else ""))

    # the gradients: (d) per example, then the average (g)
    s.uses = ["d", "e", "f", "g"]
    if kind == "weight_grad":
        s.assumptions = [r"1 \le l \le L", r"1 \le i \le n_{l-1}", r"1 \le j \le n_l", r"1 \le x \le N"]
        R = trace(*_rule_call(kind, conv, fn))
        per = st["d"].subs(x, x0)
    else:
        s.assumptions = [r"1 \le l \le L", r"1 \le j \le n_l", r"1 \le x \le N"]
        R = trace(*_rule_call(kind, conv, fn))
        per = st["d_bias"]
    expected = Sum(per.subs({x0: x, m: j}) * D[x, l, j], (x, 1, N)) / N
    s.derived = tex(expected)
    wrong = {d for d in _deltas(R) if d.indices[1] != l}
    if wrong:
        return _fail(s, "e", R, expected, f"C_x depends on w^l, b^l only through z^l; the rule uses "
                     f"{tex(next(iter(wrong)))}")
    rng = [sp.Ge(x0, 1), sp.Le(x0, N), sp.Ge(x1, 1), sp.Le(x1, N)] + in_range(m, l) + in_range(k1, l)
    c = _coefficient(R, D[x0, l, m], rng)
    second = _coefficient(c, D[x1, l, k1], rng)
    rest = sp.sympify(R).replace(lambda e: isinstance(e, Indexed) and e.base == D, lambda e: 0).doit()
    if not (is_zero(second) and is_zero(rest)):
        return _fail(s, "f", R, expected, "by the chain rule the gradient is linear in the Δ^l with no other term")
    if _agree(defs, c, per / N):
        s.status = PROVED
        return
    ratio = sp.simplify(c / per) if not is_zero(c) else sp.Integer(0)
    if ratio.free_symbols <= {N} and not ratio.has(Indexed) and ratio != 0:
        return _fail(s, "g", ratio, 1 / N, "the average gives each example the weight 1/N; the rule gives "
                     + sp.sstr(ratio))
    return _fail(s, "d", sp.expand(c * N), per,
                 "∂z^l_m/∂" + ("w^l" if kind == "weight_grad" else "b^l") + " is not the factor the rule uses")


# ---------------------------------------------------------------- witnesses and cross-checks

WITNESS_SHAPES = [(2, 2, 3, 2), (2, 3, 2), (3, 2, 3), (3, 2, 2, 3), (2, 2)]
CROSS_SHAPES = [(2, 3, 2), (3, 2), (2, 2, 3, 2), (3, 2, 2, 3), (2, 3, 3, 1)]
# a rule of your own that proves is run on these too (N = 3): widths up to 4 in every
# position, so that a rule that treats some neurons or examples apart is not misread
OWN_RULE_SHAPES = [(2, 3, 2), (3, 4, 3, 2), (2, 4, 4, 3)]


class _WithExamples:
    """`verify`'s quantities plus q.examples(), so a traced rule runs on both."""

    def __init__(self, q):
        self._q = q

    def __getattr__(self, name):
        return getattr(self._q, name)

    def examples(self):
        return range(1, self._q.N + 1)


def _for_verify(fn):
    return lambda q, *args: fn(_WithExamples(q), *args)


def _explicit(kind, fn, shape_widths, activation, convention, samples):
    from .network import Shape
    from .verify import verify
    shape = Shape.make(shape_widths, activation, samples, convention)
    return verify(shape, rules_override={kind: _for_verify(fn)})


def find_witness(kind, fn, activation, convention, shapes=WITNESS_SHAPES,
                 samples=None) -> dict | None:
    """The first check of `verify` with the rule that is refuted, at small shapes."""
    samples = samples or (1 if kind.endswith("delta") else 2)
    for widths in shapes:
        if kind == "hidden_delta" and len(widths) < 3:
            continue
        res = _explicit(kind, fn, widths, activation, convention, samples)
        for c in res.checks:
            if c.rule == kind and c.status == REFUTED:
                return {"widths": list(widths), "samples": samples, "check": c.to_json()}
    return None


def _at_instance(kind, convention, w, got, expected) -> dict:
    """The two sides of the failing step with the witness's widths, layer and indices."""
    c = w["check"]
    idx = c["index"]
    names = {"output_delta": (j,), "hidden_delta": (j,), "bias_grad": (j,),
             "weight_grad": (i, j) if convention == "from-to" else (j, i)}[kind]
    subs = {L: len(w["widths"]) - 1, N: w["samples"], l: c["layer"], **dict(zip(names, idx))}
    subs.update({n(t): w["widths"][int(t.subs(subs))] for t in (l - 1, l, l + 1, L)
                 if 0 <= int(t.subs(subs)) < len(w["widths"])})
    return {"layer": c["layer"], "index": idx, "rule_gives": tex(sp.sympify(got).subs(subs)),
            "step_gives": tex(sp.sympify(expected).subs(subs))}


def settle(steps: list, activation, convention, overrides):
    """Refutations need an explicit witness; proofs of a user's rule are cross-checked."""
    for s in steps:
        kind = s.title
        if kind not in rules.KINDS:
            continue
        fn = _rule_fn(kind, convention, overrides)
        if s.status == REFUTED:
            w = find_witness(kind, fn, activation, convention)
            if w is None:
                s.status = UNKNOWN
                s.reason += ("; but the explicit network did not refute it at "
                             + ", ".join(",".join(map(str, w_)) for w_ in WITNESS_SHAPES))
            else:
                s.witness["explicit"] = w
                s.witness["at_instance"] = _at_instance(kind, convention, w, *s.witness["_sides"])
        if s.witness:
            s.witness.pop("_sides", None)
        elif kind in (overrides or {}):
            w = find_witness(kind, fn, activation, convention, OWN_RULE_SHAPES, samples=3)
            if w is not None:      # the trace misread the rule: the explicit network decides
                s.status = REFUTED
                s.reason = "the explicit network refutes the rule" + (f" ({s.reason})" if s.reason else "")
                s.witness = {"step": "cross-check", "explicit": w}


def cross_validate(activation: str, convention: str, shapes=CROSS_SHAPES,
                   results: dict | None = None) -> list[dict]:
    """Substitute concrete widths into the symbolic steps and compare each with the
    explicit network of `engine.network`, differentiated directly (`engine.direct`), in the
    engine's exact canonical form. `results` overrides a step's symbolic value (tests)."""
    from .canonical import Canonical
    from .network import Expressions, MissingQuantity, Shape
    from . import direct

    sym = statements(convention)
    sym["BP1"] = sym["a"] * FP[x, L, j]              # (a)·(b) at i = j: Δ^L_j
    sym.update(results or {})
    out = []
    for widths in shapes:
        shape = Shape.make(widths, activation, 2, convention)
        ex = Expressions(shape, _SYMPY, probes=True)
        canon = Canonical(ex)
        act = ex.acts[1]
        Lv, nv = shape.L, shape.widths

        def concrete(expr, s, subs):
            expr = sp.sympify(expr).subs({**subs, L: Lv, N: shape.samples, x: s})

            def val(e):
                b, ix = str(e.base), [int(v) for v in e.indices]
                if b == "a":
                    return ex.a[ix[0], ix[1], ix[2]]
                if b == "z":
                    return ex.z[ix[0], ix[1], ix[2]]
                if b == "y":
                    return ex.y[ix[0], ix[1]]
                if b == "fp":
                    key = tuple(ix)
                    return activations.derivative(act, _SYMPY, ex.z[key], ex.probe[key])
                if b == "w":
                    return ex.W(*ix)
                return ex.b[ix[0], ix[1]]
            return expr.doit().replace(lambda e: isinstance(e, Indexed), val)

        def same(u, v):
            try:
                u = u()
            except MissingQuantity:         # the symbolic step names a weight that is not there
                return False
            return sp.expand(canon.reduce(u) - canon.reduce(v)) == 0

        bad: list[tuple[object, ...]] = []
        for s in (1,):
            for lv in range(1, Lv + 1):
                for jv in range(1, nv[lv] + 1):
                    for iv in range(1, nv[lv] + 1):      # (b)
                        if not same(lambda: concrete(sym["b"], s, {l: lv, i: iv, j: jv}),
                                    sp.diff(ex.a[s, lv, iv], ex.probe[s, lv, jv])):
                            bad.append(("b", lv, iv, jv))
                    for mv in range(1, nv[lv] + 1):      # (d)
                        for iv in range(1, nv[lv - 1] + 1):
                            pr = (iv, jv) if convention == "from-to" else (jv, iv)
                            if not same(lambda: concrete(sym["d"], s, {l: lv, i: iv, j: jv, m: mv}),
                                        sp.diff(ex.z[s, lv, mv], ex.W(lv, *pr))):
                                bad.append(("d", lv, iv, jv, mv))
                    if lv < Lv:                          # (c)·(b) = ∂z^{l+1}_k/∂z^l_j
                        for kv in range(1, nv[lv + 1] + 1):
                            J = lambda: concrete(sym["c"] * sym["b"].subs(i, j), s, {l: lv, j: jv, k: kv})
                            if not same(J, sp.diff(ex.z[s, lv + 1, kv], ex.probe[s, lv, jv])):
                                bad.append(("c", lv, jv, kv))
            for jv in range(1, nv[Lv] + 1):             # (a)·(b) = Δ^L_j
                if not same(lambda: concrete(sym["BP1"], s, {j: jv}), direct.delta(ex, s, Lv, jv)):
                    bad.append(("a", Lv, jv))
        # (e)+(f): Δ^l_j = Σ_k Δ^{l+1}_k ∂z^{l+1}_k/∂z^l_j, all taken directly
        for lv in range(1, Lv):
            for jv in range(1, nv[lv] + 1):
                rhs = sum(direct.delta(ex, 1, lv + 1, kv) * sp.diff(ex.z[1, lv + 1, kv], ex.probe[1, lv, jv])
                          for kv in range(1, nv[lv + 1] + 1))
                if not same(lambda: direct.delta(ex, 1, lv, jv), rhs):
                    bad.append(("e", lv, jv))
        # (g): the gradient of the average is the average of the gradients
        for p in (ex.w[1, 1, 1], ex.b[Lv, 1]):
            per = sum(direct.example_gradient(ex, s_, p) for s_ in range(1, shape.samples + 1))
            if not same(lambda: direct.cost_gradient(ex, p), per / shape.samples):
                bad.append(("g", str(p)))
        out.append({"widths": list(widths), "samples": shape.samples,
                    "status": AGREE if not bad else DISAGREE,
                    "disagreements": [list(map(str, b_)) for b_ in bad[:5]]})
    return out


# ---------------------------------------------------------------- the whole proof

def prove(activation: str = "f", convention: str = "from-to", rules_override: dict | None = None,
          cross_shapes=CROSS_SHAPES) -> Proof:
    """The chain (a)-(g) and the four rules, for every depth and width; see the module."""
    t0 = time.perf_counter()
    from .network import CONVENTIONS
    if convention not in CONVENTIONS:
        raise ValueError(f"unknown convention {convention!r}; expected one of: {', '.join(CONVENTIONS)}")
    activations.get(activation)
    for kind in rules_override or {}:
        if kind not in rules.KINDS:
            raise ValueError(f"unknown rule {kind!r}; expected one of: {', '.join(rules.KINDS)}")
    defs = Definitions(activation, convention)
    steps = list(local_steps(defs).values())
    steps += [dependency_step(defs), chain_rule_step(), average_step()]
    rs = rule_steps(defs, rules_override)
    settle(rs, activation, convention, rules_override)
    cross = cross_validate(activation, convention, cross_shapes) if cross_shapes else []
    return Proof(activation, convention, steps + rs, cross, time.perf_counter() - t0)


def chain_proved(activation: str, convention: str) -> bool:
    """Are steps (a)-(e), which every rule's proof uses, proved for this activation?"""
    defs = Definitions(activation, convention)
    steps = list(local_steps(defs).values()) + [dependency_step(defs)]
    return all(s.status == PROVED for s in steps)


def prove_closed_form(kind: str, fn: Callable, activation: str = "f",
                      convention: str = "from-to") -> Step:
    """One closed form of rule `kind` (a rule's signature) against the chain, for every
    depth and width: PROVED, or the step where it breaks (REFUTED names it, with no
    witness: find one at a concrete network), or UNKNOWN."""
    s = Step(KIND_STEP[kind], kind, "", CHECKED)
    try:
        _rule(s, kind, Definitions(activation, convention), fn)
    except (Unreadable, Undecided) as err:
        s.status, s.reason = UNKNOWN, str(err)
    return s
