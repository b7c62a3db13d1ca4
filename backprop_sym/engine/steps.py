"""The chain (a)-(g): the steps every rule's proof uses, each a `Step` record.

(a)-(d) are the local derivatives, derived by SymPy from the definitions of a generic
layer (`symbolic.Definitions`) and compared with their statements (CHECKED); (e) is read
off the definitions, which indexed quantities each one reads (INSPECTED: no algebra, so
not a SymPy check); (f) the chain rule is cited (LEMMA); (g) is the induction, a cited
principle (LEMMA), and the average over the examples, whose derivative SymPy takes. A step
is proved only when the difference with its statement is exactly 0 with every range
condition resolved by an assumption it lists. `ESTABLISHED` is the one list of these marks.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import sympy as sp
from sympy import Indexed, Sum

from .network import weight_indices
from .symbolic import (A, B, W, Z, Definitions, L, N, Undecided, i, in_range, is_zero, j, k,
                       l, m, resolve, statements, tex, x)
from .vocabulary import Status

# how a step is established: what the report and `prove --json` ("established") say
CHECKED = "checked by SymPy with symbolic sizes"
INSPECTED = "checked by inspecting the definitions"
LEMMA = "cited"
ESTABLISHED = (CHECKED, INSPECTED, LEMMA)
SYMPY_BASE = ["SymPy's diff of Sum/Indexed (Kronecker deltas)", "Sum.doit with symbolic bounds",
              "expand (zero test)"]


@dataclass
class Step:
    id: str
    title: str
    statement: str                 # LaTeX
    established: str               # one of ESTABLISHED
    assumptions: list = field(default_factory=list)
    trusted_base: list = field(default_factory=list)
    status: str = Status.UNKNOWN
    derived: str | None = None     # what SymPy derived (LaTeX)
    uses: list = field(default_factory=list)
    reason: str | None = None
    witness: dict | None = None

    def to_json(self) -> dict:
        return asdict(self)


def how(step: Step) -> str:
    """How a step is established, in words: its mark, and for (g), which cites the
    induction, that SymPy took the derivative of the average."""
    if step.id == "g" and step.established == LEMMA and step.derived:
        return f"{LEMMA}; the average checked by SymPy"
    return step.established


def check(step: Step, derived, stated, assumptions=()):
    """SymPy derived `derived`; the statement says `stated`: proved iff their difference,
    with the deltas resolved under the listed assumptions, is exactly 0."""
    used: set = set()
    try:
        value = resolve(derived, list(assumptions), used)
    except Undecided as err:
        step.status, step.reason = Status.UNKNOWN, str(err)
        return None
    step.derived = tex(value)
    step.assumptions += [sp.latex(a) for a in assumptions
                         if a in used and sp.latex(a) not in step.assumptions]
    step.status = Status.PROVED if is_zero(value - stated) else Status.UNKNOWN
    if step.status != Status.PROVED:
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

    s = Step("a", "output derivative of the cost",
             r"\frac{\partial C_x}{\partial a^{L}_{j}} = a^{L}_{j} - y_{j}",
             CHECKED, [widths], list(SYMPY_BASE))
    check(s, sp.diff(defs.cost(x), A[x, L, j]), st["a"], in_range(j, L))
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
    s.status = Status.PROVED if is_zero(same) and is_zero(other) else Status.UNKNOWN
    out["b"] = s

    stmt_c = r"w^{l+1}_{jk}" if conv == "from-to" else r"w^{l+1}_{kj}"
    s = Step("c", "the next layer's input",
             rf"\frac{{\partial z^{{l+1}}_{{k}}}}{{\partial a^{{l}}_{{j}}}} = {stmt_c}",
             CHECKED, [widths, r"1 \le l \le L-1"], list(SYMPY_BASE))
    check(s, sp.diff(defs.z(x, l + 1, k), A[x, l, j]), st["c"], in_range(j, l))
    out["c"] = s

    pair = weight_indices(conv, i, j)                  # the rule's indices of w^l
    wtex = r"w^{l}_{ij}" if conv == "from-to" else r"w^{l}_{ji}"
    s = Step("d", "the layer's parameters",
             rf"\frac{{\partial z^{{l}}_{{m}}}}{{\partial {wtex}}} = a^{{l-1}}_{{i}}\,\delta_{{jm}},\quad "
             r"\frac{\partial z^{l}_{m}}{\partial b^{l}_{j}} = \delta_{jm}",
             CHECKED, [widths, r"1 \le l \le L"], list(SYMPY_BASE))
    wd = check(s, sp.diff(defs.z(x, l, m), W[l, pair[0], pair[1]]), st["d"],
                in_range(i, l - 1) + in_range(j, l))
    bias_ok = is_zero(sp.diff(defs.z(x, l, m), B[l, j]) - st["d_bias"])
    if wd is not None and not bias_ok:
        s.status = Status.UNKNOWN
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
             INSPECTED, [r"1 \le l \le L \text{ (the first clause for } l \le L-1)",
                         r"\text{layers } 1, \dots, L \text{ only}"],
             ["the layer definitions of z, a and C, read as SymPy expressions (which "
              "indexed quantities each one reads)"])
    s.status = Status.PROVED if all(facts.values()) else Status.UNKNOWN
    s.derived = "; ".join(f"{k_}: {'yes' if v else 'NO'}" for k_, v in facts.items())
    if s.status != Status.PROVED:
        s.reason = "the graph does not show: " + ", ".join(k_ for k_, v in facts.items() if not v)
    return s


def chain_rule_step() -> Step:
    return Step("f", "the multivariable chain rule",
                r"\text{if } C = G(v_1,\dots,v_r) \text{ and } v_k = v_k(u) \text{ differentiable, then } "
                r"\frac{\partial C}{\partial u} = \sum_{k=1}^{r} \frac{\partial C}{\partial v_k}\,"
                r"\frac{\partial v_k}{\partial u}",
                LEMMA, [r"f \text{ differentiable}"], ["cited: the multivariable chain rule"],
                status=Status.CITED)


def average_step() -> Step:
    s = Step("g", "induction on l from L down; the average",
             r"\Delta^{L} \text{ by the base case, } \Delta^{l} \text{ from } "
             r"\Delta^{l+1}\ (l = L-1,\dots,1);"
             r"\quad \frac{\partial \mathcal{C}}{\partial p} = "
             r"\frac{1}{N}\sum_{x=1}^{N}\frac{\partial C_x}{\partial p}",
             LEMMA, [r"N \ge 1"], ["cited: induction on l (downward, finitely many layers)"] + SYMPY_BASE)
    p = sp.Symbol("p")
    Cx = sp.Function("C")
    lhs = sp.diff(Sum(Cx(x, p), (x, 1, N)) / N, p)
    s.derived = tex(lhs)
    # the induction is cited, so the step is at best cited; the average SymPy checks
    s.status = (Status.CITED if is_zero(lhs - Sum(sp.diff(Cx(x, p), p), (x, 1, N)) / N)
                else Status.UNKNOWN)
    if s.status != Status.CITED:
        s.reason = "SymPy's derivative of the average does not reduce to the statement"
    return s
