"""The conventions a document fixes by its own definitions.

Read from the document, each with the line it came from (an option given on the command
line overrides it):

  convention    z^l_j = \\sum_k w^l_{jk} a^{l-1}_k + b^l_j holds to-from, not from-to (the
                definition of z is checked under both; the one under which it proves wins);
  weight layer  z^{(l+1)} = W^{(l)} a^{(l)} + b^{(l)} (UFLDL, CS229): the weights and biases
                named l feed layer l+1 (offset 1);
  index base    a neuron index 0 (w^{(1)}_{00}): indices count from 0;
  cost          C = \\frac{1}{2N} \\sum_x … : C is the average over the examples, from the
                line of the latest definition of C on; a later use of C for one example
                leaves both readings open (`readings.CostTimeline`);
  summation     Einstein summation, declared in prose or by use (the document's own
                z-definition proves only with the sum); not declared, it is open.

When the convention is neither given nor read, it is open: a claim that names a weight is
checked under each convention and the verdicts combined (`readings.combine`): the same
verdict under both stands, different ones are unknown, naming both. `Reading.open_at`
gives every open reading a claim's symbols touch (summation, cost, convention).

`reading` turns a claim as written into the project's notation under these conventions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..engine.vocabulary import Status
from .binding import Binding, learn
from .errors import IllFormed, Skip
from .form import EXAMPLES, Form, analyze
from .readings import (COST, CONVENTION, SUMMATION, Alternative, CostEvent, CostTimeline,
                       declares_einstein, einstein, einstein_touches, error_signal_of_cost,
                       one_example_prose, summation_alternatives, touches_cost)
from .readings import combinations  # noqa: F401  (the combinations of open readings)
from .readings import combine  # noqa: F401  (one verdict under the open readings)
from .tree import Const, Idx, Lay, Num, Q, Sum, dispatch, map_children, walk

OFFSET, BASE = "weight layer", "index base"


@dataclass
class Reading:
    convention: str = "from-to"
    offset: int = 0               # w^{(l)}, b^{(l)} as written feed layer l + offset
    base: int = 1                 # the first neuron index as written
    average: bool = False         # C as written is the average over the examples
    found: tuple = ()             # (what, value, line, text) inferred from the document
    open: tuple = ()              # the conventions left open: neither given nor read
    einstein: bool | None = None  # True: declared; None: open (summed, or for every value)
    costs: CostTimeline = CostTimeline()     # the cost's reading line by line
    binding: Binding = field(default_factory=Binding)   # the document's names (`binding`)

    def at(self, line: int) -> "Reading":
        """The reading of a claim on `line` (the cost as the latest definition of C made it)."""
        if not self.costs.events:
            return self
        average, _ = self.costs.at(line)
        return self if average == self.average else replace(self, average=average)

    def open_at(self, lhs, rhs, line: int) -> list[tuple[Alternative, ...]]:
        """The open readings a claim on `line` touches, one tuple of alternatives per axis."""
        axes: list[tuple[Alternative, ...]] = []
        if not self.einstein and einstein_touches(lhs, rhs):
            axes.append(summation_alternatives(sorted(einstein(lhs, rhs)[2])))
        _, cost = self.costs.at(line)
        if cost and touches_cost(lhs, rhs):
            axes.append(cost)
        if self.open and mentions_weights(lhs, rhs):
            axes.append(tuple(Alternative(CONVENTION, c, f"under {c}") for c in self.open))
        return axes

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


def infer(claims, check_definition, text: str = "", unread_costs=()) -> Reading:
    """The reading a document's own definitions fix. `claims`: (line, text, lhs, rhs) of
    each claim read; `check_definition(lhs, rhs, convention)` -> does it prove? `text`: the
    document, for what its prose declares (Einstein summation, one example's cost)."""
    reading, found = Reading(), []
    for line, latex, lhs, rhs in claims:
        if any(isinstance(n, Q) and n.idx and any(i.var is None and i.off == 0 for i in n.idx)
               for side in (lhs, rhs) for n in walk(side)) and reading.base == 1:
            reading.base = 0
            found.append((BASE, "0", line, latex))
    said = declares_einstein(text)
    if said is not None:
        reading.einstein = True
        found.append((SUMMATION, "Einstein (repeated indices are summed)", said,
                      text.splitlines()[said - 1].strip()[:200]))
    reading.costs = _costs(claims, text, found, unread_costs)
    reading.average = reading.costs.at(0)[0]
    for line, latex, lhs, rhs in claims:
        if not (isinstance(lhs, Q) and lhs.kind == "z"
                and any(isinstance(n, Q) and n.kind == "w" for n in walk(rhs))):
            continue
        if _definition(reading, line, latex, lhs, rhs, check_definition, found):
            break                       # else: neither convention proves it; keep looking
    reading.found = tuple(found)
    return reading


def _definition(reading, line, latex, lhs, rhs, check_definition, found) -> bool:
    """Read the convention (and the weight layer, and Einstein summation by use) from one
    definition of z; False if it proves under no single convention."""
    sums = (False, True) if reading.einstein is None else (bool(reading.einstein),)
    for summed in sums:
        left, right = (einstein(lhs, rhs)[:2]) if summed else (lhs, rhs)
        for offset in (0, 1):
            trial = Reading(base=reading.base, offset=offset)
            proves = [c for c in ("from-to", "to-from")
                      if check_definition(trial(left), trial(right), c)]
            if len(proves) != 1:
                continue
            reading.convention, reading.offset = proves[0], offset
            found.append((CONVENTION, proves[0], line, latex))
            if offset:
                found.append((OFFSET, f"+{offset} (w^(l), b^(l) feed layer l+1)", line, latex))
            if summed and reading.einstein is None:
                reading.einstein = True
                found.append((SUMMATION, "Einstein (the definition of z proves only with the "
                              "sum)", line, latex))
            return True
    return False


def _costs(claims, text: str, found: list, unread_costs=()) -> CostTimeline:
    """The events that fix the cost's reading: each definition of C (averaged over the
    examples or not) and each sentence saying C is one example's cost decide; each use of C
    for one example (δ ≡ ∂C/∂z) leaves both readings open."""
    events = []
    for line, latex, lhs, rhs in claims:
        if isinstance(lhs, Q) and lhs.kind == "C" and lhs.idx is None:
            average = any((isinstance(n, Sum) and n.var.split("#")[0] == "x")
                          or isinstance(n, Const) for n in walk(rhs))
            if average:
                events.append(CostEvent(line, True, True, latex))
                found.append((COST, "the average over the examples", line, latex))
            elif any(isinstance(n, Q) and n.kind in ("a", "y") for n in walk(rhs)):
                events.append(CostEvent(line, False, True, latex))
        elif error_signal_of_cost(lhs, rhs):
            events.append(CostEvent(line, False, False, latex))
    events += [CostEvent(line, False, True, said) for line, said in one_example_prose(text)]
    for line, latex in unread_costs:    # a cost bound from a 1/(2N) definition not parsed
        if not any(e.line == line and e.definition for e in events):
            events.append(CostEvent(line, True, True, latex))
            found.append((COST, "the average over the examples", line, latex))
    events.sort(key=lambda e: (e.line, not e.definition))
    average = False
    for e in events:                    # prose is worth reporting where it changes the reading
        if e.definition and not e.average and average and e.text not in {f[3] for f in found}:
            found.append((COST, "one example's cost, from here on", e.line, e.text))
        average = e.average if e.definition else average
    return CostTimeline(tuple(events))


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


def default_reading() -> Reading:
    """The reading of a claim given alone: nothing fixed, nothing declared (all open)."""
    return Reading()


_PER_N = re.compile(r"\\[dt]?frac\s*\{\s*1\s*\}\s*\{\s*2\s*[NnMm]\s*\}|1\s*/\s*\(?\s*2\s*[NnMm]")


def read_document(rows, text: str, given: dict, convention, ctx, opts):
    """The document's conventions, read from its definitions; options override. `rows`:
    documents.rows; `given`: {weight_layer, index_base, cost} given as options (None: read);
    `convention`: given or None. Returns (the Reading, opts with the convention read)."""
    from . import notation
    from .conditions import split_condition
    from .errors import ParseError, UnsupportedNotation
    from .parse import parse
    claims = []
    binding = learn((row.line, row.text) for row in rows
                    if not (row.error or row.unread or row.skip))
    for row in rows:
        if row.error or row.unread or row.skip:
            continue
        normal = notation.normalize(binding.apply(row.text), opts.scalar)
        try:
            segments, _ = split_condition(normal.text)
            for a, b in segments:
                rel = parse(normal.text[a:b])
                for lhs, rhs in rel.claims():
                    claims.append((row.line, " ".join(text[row.start:row.start + len(row.text)]
                                                      .split()), lhs, rhs))
        except (ParseError, UnsupportedNotation):
            continue
    # a cost the binding read from a definition with 1/(2N) is the average over the examples,
    # even where that definition itself does not parse (else its N would be lost)
    unread_costs = [(b.line, b.latex) for b in binding.bound.values()
                    if b.role == "C" and _PER_N.search(b.latex)]
    reading = infer(claims, lambda lhs, rhs, c: proves(lhs, rhs, c, ctx, opts), text,
                    unread_costs) if claims else Reading()
    found = [f for f in reading.found
             if not (f[0] == CONVENTION and convention)
             and not (f[0] == OFFSET and given["weight_layer"] is not None)
             and not (f[0] == BASE and given["index_base"] is not None)
             and not (f[0] == COST and given["cost"] is not None)]
    if convention is None:
        opts = replace(opts, convention=reading.convention)
        if not any(f[0] == CONVENTION for f in reading.found):
            reading.open = CONVENTIONS_OPEN          # neither given nor read: both
    if given["weight_layer"] is not None:
        reading.offset = int(given["weight_layer"])
    if given["index_base"] is not None:
        reading.base = int(given["index_base"])
    if given["cost"] is not None:
        reading.average = given["cost"] == "average"
        reading.costs = CostTimeline()
    reading.found = binding.found + tuple(found)
    reading.binding = binding
    return reading, opts
