"""The readings a document leaves open, and one verdict from a claim checked under each.

A document fixes some readings by its own words and leaves others open. Three axes:

  summation   a letter repeated in two distinct factors of one product term and free on
              one side only (`\\Delta^l_j \\delta_{ji} = \\Delta^l_i`): summed over it
              (Einstein) or a claim for every value of it. A document that declares Einstein
              summation (`declares_einstein`: in prose, or by use: its own z-definition
              proves only with the sum) sums it, and only then; otherwise both are open.
  cost        C as one example's cost, or as the average over the examples a definition of
              C made it (`CostTimeline`): the latest statement decides (a definition of C,
              or prose saying C is one example's cost: "for a single training example",
              "drop the x"), and a later use of C for one example (δ ≡ ∂C/∂z) leaves both
              open from its line on.
  convention  from-to or to-from, when neither given nor read (`conventions`).

Each open axis offers `Alternative`s; a claim is checked only under the alternatives of
the axes its symbols touch (`einstein_touches`, a C for the cost, a weight for the
convention), and `combine` makes one verdict: the same status under every reading stands;
a claim that holds under one and not another is unknown, naming both with their lines;
it is refuted only when it is refuted under every reading.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ..engine.vocabulary import Status
from .tree import Add, At, Deriv, Kron, Mul, Neg, Node, Q, Sum, children, map_children, walk

SUMMATION, COST, CONVENTION = "summation", "cost", "convention"


@dataclass(frozen=True)
class Alternative:
    """One reading of one open axis: `value` as the checker applies it (a convention name;
    True/False for Einstein summation and for the averaged cost), `says` in a verdict."""
    axis: str
    value: object
    says: str


# ---------------------------------------------------------------- Einstein summation

def _letters(node: Node) -> set[str]:
    """The neuron-index letters free in `node` (not bound by a sum inside it)."""
    if isinstance(node, Sum):
        return _letters(node.body) - {node.var}
    if isinstance(node, Q):
        return {i.var for i in node.idx or () if i.var is not None}
    if isinstance(node, (At, Kron)):
        inner = _letters(node.x) if isinstance(node, At) else set()
        return inner | {i.var for i in node.idx if i.var is not None}
    out: set[str] = set()
    for c in children(node):
        out |= _letters(c)
    return out


def _factors(node: Node) -> list[Node]:
    """The factors of a product term (a chain of juxtapositions; a sign is no factor)."""
    if isinstance(node, Mul):
        return _factors(node.a) + _factors(node.b)
    if isinstance(node, Neg):
        return _factors(node.x)
    return [node]


def _repeated(term: Node) -> set[str]:
    """Letters that occur in two or more distinct factors of one product term."""
    seen: dict[str, int] = {}
    for f in _factors(term):
        for v in _letters(f):
            seen[v] = seen.get(v, 0) + 1
    return {v for v, n in seen.items() if n > 1}


def _terms(node: Node) -> list[Node]:
    return list(node.terms) if isinstance(node, Add) else [node]


class _Summed:
    """Σ wrapped around each product term over its repeated letters not in `keep`."""

    def __init__(self, keep: set[str]):
        self.keep, self.summed = keep, set[str]()

    def __call__(self, node: Node) -> Node:
        if isinstance(node, Sum):                       # its letter is summed already
            inner = _Summed(self.keep | {node.var})
            body = inner(node.body)
            self.summed |= inner.summed
            return Sum(node.var, node.lo, node.hi, body, node.lo_written)
        if not isinstance(node, (Mul, Neg)):
            return map_children(node, self)             # an argument, a term, ...
        node = self._factors_of(node)                   # inner products first
        over = sorted(_repeated(node) - self.keep)
        self.summed |= set(over)
        for v in reversed(over):
            node = Sum(v, 1, None, node, lo_written=False)
        return node

    def _factors_of(self, node: Node) -> Node:
        if isinstance(node, Mul):
            return Mul(self._factors_of(node.a), self._factors_of(node.b))
        if isinstance(node, Neg):
            return Neg(self._factors_of(node.x))
        return self(node)


def _candidates(node: Node) -> set[str]:
    """Letters repeated across the factors of some product term anywhere in `node`."""
    return set().union(*(_repeated(n) for n in walk(node) if isinstance(n, (Mul, Neg))))


def einstein(lhs: Node, rhs: Node) -> tuple[Node, Node, set[str]]:
    """Both sides under Einstein summation: a letter repeated in two distinct factors of a
    product term is summed over that term, unless the other side has it free on its own
    (`Δ_i = Δ_k w_{ki} f'(z_i)`: i is free). Returns the sides and the letters summed."""
    first = [_Summed(set()), _Summed(set())]
    once = [_letters(first[0](lhs)), _letters(first[1](rhs))]
    sides, summed = [], set()
    for side, other_free in ((lhs, once[1]), (rhs, once[0])):
        s = _Summed(set(other_free))
        sides.append(s(side))
        summed |= s.summed
    return sides[0], sides[1], summed


def einstein_touches(lhs: Node, rhs: Node) -> bool:
    """Does reading the claim with Einstein summation sum a letter free on one side only?
    Only then are the two readings different claims."""
    if not (_candidates(lhs) or _candidates(rhs)):
        return False
    return bool(einstein(lhs, rhs)[2] & (_letters(lhs) ^ _letters(rhs)))


_EINSTEIN = re.compile(r"einstein", re.I)
_NEAR = re.compile(r"notation|summation|convention|repeated ind", re.I)
# a negation anywhere in the sentence: "Einstein summation is not used", "we never use …"
NEGATION = re.compile(r"\b(not|no|never|neither|nor|unlike|instead of|without|avoid\w*|"
                      r"rather than|opposed to|except)\b|n['’]t\b", re.I)
_SENTENCE_END = re.compile(r"\.\s|\n\s*\n")


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence of prose holding text[start:end]."""
    ends = [e.end() for e in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return text[ends[-1] if ends else 0:after.start() if after else len(text)]


def declares_einstein(text: str) -> int | None:
    """The line of prose that declares Einstein summation ("Einstein" near notation,
    summation, convention or repeated indices, and not just after a negation: "unlike
    Einstein notation", "is not used": no negation in its sentence), or None."""
    for m in _EINSTEIN.finditer(text):
        window = text[max(0, m.start() - 200):m.end() + 200]
        if _NEAR.search(window) and not NEGATION.search(sentence_at(text, m.start(), m.end())):
            return text.count("\n", 0, m.start()) + 1
    return None


def summation_alternatives(letters) -> tuple[Alternative, Alternative]:
    """The two readings of a repeated index: summed (Einstein), or as written: a claim for
    every value where it is free on the left, ill-formed where it is free on the right."""
    named = ", ".join(letters)
    return (Alternative(SUMMATION, True, f"if summed over {named} (Einstein)"),
            Alternative(SUMMATION, False, f"as written ({named} not summed)"))


# ---------------------------------------------------------------- the cost

@dataclass(frozen=True)
class CostEvent:
    line: int
    average: bool            # True: C is the average over the examples from here
    definition: bool         # a definition of C or prose (decides); else a use (opens both)
    text: str


_ONE_EXAMPLE = re.compile(
    r"\b(single|one|a\s+fixed|fixed)\s+(training\s+)?(example|sample|input|data\s*point)\b"
    r"|\bdrop(s|ping)?\s+(the\s+)?(subscript\s+)?\$?x\b", re.I)
_BARE_C = re.compile(r"(?<![\\\w])C(?![_\w])")
_OF_COST = re.compile(r"\bcost\b|\bloss\b|(?-i:(?<![\\\w])C(?![_\w]))", re.I)
_SUBSCRIPTED_C = re.compile(r"(?<![\\\w])C_")  # about C_x: not C, unless C is named too


def one_example_prose(text: str) -> list[tuple[int, str]]:
    """(line, sentence) of each sentence of prose saying that C is one example's cost: it
    names one (single, fixed) example or drops the x, and the cost (cost, loss, $C$, C_x),
    and no negation comes just before ("not for a single example")."""
    out = []
    for m in _ONE_EXAMPLE.finditer(text):
        sentence = sentence_at(text, m.start(), m.end())
        if _OF_COST.search(sentence) and not NEGATION.search(sentence) \
                and (_BARE_C.search(sentence) or not _SUBSCRIPTED_C.search(sentence)):
            out.append((text.count("\n", 0, m.start()) + 1, " ".join(sentence.split())[:200]))
    return out


@dataclass(frozen=True)
class CostTimeline:
    """The cost's reading line by line: the events in the order of their lines."""
    events: tuple[CostEvent, ...] = ()

    def at(self, line: int) -> tuple[bool, tuple[Alternative, ...]]:
        """(C is the average, the alternatives left open) for a claim on `line`."""
        defined: CostEvent | None = None
        used: CostEvent | None = None
        for e in self.events:
            if e.line > line:
                break
            if e.definition:
                defined, used = e, None
            elif defined is not None and defined.average and not e.average and used is None:
                used = e
        if defined is None:
            return False, ()
        if not defined.average or used is None:
            return defined.average, ()
        return True, (
            Alternative(COST, False, f"if C is one example's cost, as line {used.line} uses it"),
            Alternative(COST, True, f"for the average defined on line {defined.line}"))


def touches_cost(lhs: Node, rhs: Node) -> bool:
    return any(isinstance(n, Q) and n.kind in ("C", "𝒞") for side in (lhs, rhs)
               for n in walk(side))


def error_signal_of_cost(lhs: Node, rhs: Node) -> bool:
    """δ ≡ ∂C/∂z (either way round): the error signal defined from C, a per-example use."""
    def is_delta(n):
        return isinstance(n, Q) and n.kind == "Δ"

    def is_dcdz(n):
        return isinstance(n, Deriv) and n.num.kind == "C" and n.den.kind == "z"
    return (is_delta(lhs) and is_dcdz(rhs)) or (is_dcdz(lhs) and is_delta(rhs))


# ---------------------------------------------------------------- one verdict

def combinations(axes) -> list[tuple[Alternative, ...]]:
    """Every combination of one alternative per open axis."""
    return list(itertools.product(*axes))


_SAID = {Status.PROVED: "holds", Status.REFUTED: "fails"}


def combine(claims: dict, axes: tuple = ()) -> dict:
    """One verdict from a claim checked under each combination of open readings
    ({label: claim dict}; a label is the tuple of its Alternatives, or a convention name).
    Every reading the same status: it stands (a refutation with the first's witness). A
    proof under some but not all: unknown, naming both. No proof and no unknown: refuted
    only if refuted under every reading, else ill-formed naming them. Records
    {label: status} as `readings` (and `conventions` for the convention axis alone)."""
    labels = list(claims)
    first = claims[labels[0]]
    statuses = {k: claims[k]["status"] for k in labels}
    names = {k: _name(k) for k in labels}
    out = dict(first)
    if all(isinstance(k, str) for k in labels):             # the convention axis alone
        out["conventions"] = {k: str(v) for k, v in statuses.items()}
    else:
        out["readings"] = {names[k]: str(v) for k, v in statuses.items()}
    values = set(statuses.values())
    if len(values) == 1:
        if all((claims[k].get("scope") or {}).get("every_shape") is not True for k in labels[1:]) \
                and (out.get("scope") or {}).get("every_shape"):
            out["scope"] = {k: v for k, v in out["scope"].items() if k != "every_shape"}
        if first["status"] == Status.PROVED:
            out["reason"] = f"{first['reason']}; under every reading the document leaves open " \
                            f"({'; '.join(names.values())})"
        return out
    parts = [f"{_SAID.get(statuses[k], 'is ' + str(statuses[k]))} {names[k]}" for k in labels]
    which = _what_is_open(labels)
    if values <= {Status.REFUTED, Status.ILL_FORMED}:
        bad = next(k for k in labels if statuses[k] == Status.ILL_FORMED)
        out.update(status=Status.ILL_FORMED, witness=None, scope=None,
                   hint=claims[bad].get("hint"),
                   reason=(f"{'; '.join(parts)} ({claims[bad]['reason']}): wrong under every "
                           f"reading the document leaves open ({which})"))
        return out
    out.update(status=Status.UNKNOWN, witness=None, hint=None, scope=None,
               reason=f"{'; '.join(parts)}; the document does not say which ({which})")
    return out


def _name(label) -> str:
    if isinstance(label, str):
        return f"under {label}"
    return ", ".join(a.says for a in label)


_OPEN = {SUMMATION: "declare Einstein summation, or write the sum",
         COST: "say whether C is one example's cost or the average",
         CONVENTION: "define z^l_j, or give --convention from-to or to-from"}


def _what_is_open(labels) -> str:
    axes: list[str] = []
    for k in labels:
        for a in ((CONVENTION,) if isinstance(k, str) else tuple(x.axis for x in k)):
            if a not in axes:
                axes.append(a)
    return "; ".join(_OPEN[a] for a in axes)
