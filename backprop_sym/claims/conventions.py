"""The conventions a document fixes by its own definitions.

Read from the document, each with the line it came from (an option given on the command
line overrides it):

  convention    z^l_j = \\sum_k w^l_{jk} a^{l-1}_k + b^l_j holds to-from, not from-to (the
                definition of z is checked under both; the one under which it proves wins);
  weight layer  z^{(l+1)} = W^{(l)} a^{(l)} + b^{(l)} (UFLDL, CS229): the weights and biases
                named l feed layer l+1 (offset 1);
  index base    a neuron index 0 (w^{(1)}_{00}): indices count from 0;
  cost          C = \\frac{1}{2N} \\sum_x … : C is the average over the examples.

When the convention is neither given nor read, it is open: a claim that names a weight is
checked under each convention and the verdicts combined (`combine`): the same verdict
under both stands, different ones are unknown, naming both.

`reading` turns a claim as written into the project's notation under these conventions.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..engine.vocabulary import Status
from .errors import IllFormed, Skip
from .form import EXAMPLES, Form, analyze
from .tree import Const, Idx, Lay, Num, Q, Sum, dispatch, map_children, walk

OFFSET, BASE, COST, CONVENTION = "weight layer", "index base", "cost", "convention"


@dataclass
class Reading:
    convention: str = "from-to"
    offset: int = 0               # w^{(l)}, b^{(l)} as written feed layer l + offset
    base: int = 1                 # the first neuron index as written
    average: bool = False         # C as written is the average over the examples
    found: tuple = ()             # (what, value, line, text) inferred from the document
    open: tuple = ()              # the conventions left open: neither given nor read

    def __call__(self, node):
        """A claim's side as written -> the project's notation."""
        if self.offset == 0 and self.base == 1 and not self.average:
            return node
        return self._read(node)

    def _read(self, node):
        return dispatch(self, "read_", node)

    def read_default(self, node):
        return map_children(node, self._read)

    def read_Q(self, node):
        layer, idx = node.layer, node.idx
        if node.kind in ("w", "b") and layer is not None and self.offset:
            layer = Lay(layer.var, layer.off + self.offset)
        if idx is not None and self.base != 1:
            idx = tuple(Idx(i.var, i.off + 1 - self.base) if i.var is None else i
                        for i in idx)
        kind = "𝒞" if node.kind == "C" and self.average else node.kind
        return Q(kind, layer, idx)

    def read_Sum(self, node):
        lo, hi = node.lo, node.hi
        if self.base != 1 and node.var != EXAMPLES:
            if node.lo_written:              # a bare \sum_k runs over all neurons already
                lo = lo + 1 - self.base
            if isinstance(hi, Num):
                hi = Num(hi.value + 1 - self.base)
        return replace(node, lo=lo, hi=hi, body=self._read(node.body))


def infer(claims, check_definition) -> Reading:
    """The reading a document's own definitions fix. `claims`: (line, text, lhs, rhs) of
    each claim read; `check_definition(lhs, rhs, convention)` -> does it prove?"""
    reading, found = Reading(), []
    for line, text, lhs, rhs in claims:
        if any(isinstance(n, Q) and n.idx and any(i.var is None and i.off == 0 for i in n.idx)
               for side in (lhs, rhs) for n in walk(side)) and reading.base == 1:
            reading.base = 0
            found.append((BASE, "0", line, text))
    for line, text, lhs, rhs in claims:
        if isinstance(lhs, Q) and lhs.kind == "C" and lhs.idx is None and any(
                (isinstance(n, Sum) and n.var.split("#")[0] == "x") or isinstance(n, Const)
                for n in walk(rhs)):
            reading.average = True
            found.append((COST, "the average over the examples", line, text))
            break
    for line, text, lhs, rhs in claims:
        if not (isinstance(lhs, Q) and lhs.kind == "z"
                and any(isinstance(n, Q) and n.kind == "w" for n in walk(rhs))):
            continue
        for offset in (0, 1):
            trial = Reading(base=reading.base, offset=offset)
            proves = [c for c in ("from-to", "to-from")
                      if check_definition(trial(lhs), trial(rhs), c)]
            if len(proves) == 1:
                reading.convention, reading.offset = proves[0], offset
                found.append((CONVENTION, proves[0], line, text))
                if offset:
                    found.append((OFFSET, f"+{offset} (w^(l), b^(l) feed layer l+1)", line,
                                  text))
                break
        break
    reading.found = tuple(found)
    return reading


def proves(lhs, rhs, convention, ctx, opts) -> bool:
    """Does lhs = rhs prove under the convention (at the options' shapes)?"""
    from dataclasses import replace
    from .evaluate import evaluate
    try:
        form: Form = analyze(lhs, rhs)
    except (IllFormed, Skip):
        return False
    try:
        return evaluate(form, ctx, replace(opts, convention=convention)).status == Status.PROVED
    except Exception:                       # an instance that cannot be evaluated
        return False


CONVENTIONS_OPEN = ("from-to", "to-from")


def mentions_weights(*sides) -> bool:
    """Does a claim name a weight (w, W)? Only then can its verdict depend on the convention."""
    return any(isinstance(n, Q) and n.kind == "w" for side in sides for n in walk(side))


def combine(claims: dict) -> dict:
    """One verdict from a claim checked under each open convention ({convention: claim
    dict}): the same status under all stands (a refutation with the witness of the first);
    different ones are unknown, naming both. Records {convention: status} as `conventions`."""
    names = list(claims)
    first = claims[names[0]]
    statuses = {c: claims[c]["status"] for c in names}
    out = dict(first)
    out["conventions"] = {c: str(v) for c, v in statuses.items()}
    if len(set(statuses.values())) == 1:
        if all((claims[c].get("scope") or {}).get("every_shape") is not True for c in names[1:]) \
                and (out.get("scope") or {}).get("every_shape"):
            out["scope"] = {k: v for k, v in out["scope"].items() if k != "every_shape"}
        if first["status"] == Status.PROVED:
            out["reason"] = (f"{first['reason']}; under both index conventions (the document "
                             "does not say which)")
        return out
    said = {Status.PROVED: "holds", Status.REFUTED: "fails"}
    parts = [f"{said.get(statuses[c], 'is ' + str(statuses[c]))} under {c}" for c in names]
    out.update(status=Status.UNKNOWN, witness=None, hint=None, scope=None,
               reason=(f"{', '.join(parts)}; the document does not say which index convention "
                       "it uses (define z^l_j, or give --convention from-to or to-from)"))
    return out
