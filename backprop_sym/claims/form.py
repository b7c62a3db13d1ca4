"""The structure of a claim: its free indices and layers, before any value.

`analyze(lhs, rhs)` renames every summation index apart (k -> k#1), reads a sum over x with
no x in its summand as the sum over the N examples, and checks what can be decided from the
trees alone: each quantity's number of indices, which derivatives are read, that every free
index and layer letter is fixed by the left side and that no letter is both. It returns a
`Form`, or raises `IllFormed` (it cannot mean anything) or `Skip` (not a claim the checker
reads). Its tree helpers (`map_children`, `rename_index`, `index_letters`) serve the repairs too.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from .conditions import Condition
from .printing import show, show_quantity
from .errors import IllFormed, Skip
from .tree import At, Const, Idx, Kron, Lay, Node, Q, Sum, Var, Visitor, Width, map_children, walk


def _bind(node, counter=None):
    """Rename every summation index to a unique name (k -> k#1), so scopes never clash."""
    counter = counter if counter is not None else itertools.count(1)
    if isinstance(node, Sum):
        new = f"{node.var}#{next(counter)}"
        body = rename_index(node.body, node.var, new)
        if any(isinstance(n, (Q, Width)) and n.layer is not None and n.layer.var == node.var
               for n in walk(node.body)):
            raise Skip(f"a sum over the layers (Σ_{node.var}) is not a claim the checker reads")
        return replace(node, var=new, body=_bind(body, counter))
    return map_children(node, lambda c: _bind(c, counter))


class _Rename(Visitor):
    """The tree with the index letter `old` renamed `new` (not inside a sum over `old`)."""

    def __init__(self, old: str, new: str):
        self.old, self.new = old, new

    def idx(self, i: Idx) -> Idx:
        return Idx(self.new, i.off) if i.var == self.old else i

    def generic_visit(self, node):
        return map_children(node, self.visit)

    def visit_Q(self, node):
        if not node.idx:
            return node
        return Q(node.kind, node.layer, tuple(self.idx(i) for i in node.idx))

    def visit_At(self, node):
        return At(self.visit(node.x), tuple(self.idx(i) for i in node.idx))

    def visit_Kron(self, node):
        return Kron(tuple(self.idx(i) for i in node.idx))

    def visit_Var(self, node):
        return Var(self.new) if node.name == self.old else node

    def visit_Sum(self, node):
        if node.var == self.old:
            return node                                   # shadowed
        return map_children(node, self.visit)


def rename_index(node, old: str, new: str):
    """The tree with the index letter `old` renamed `new`."""
    return _Rename(old, new).visit(node)


def _indices(node) -> list[Idx]:
    out: list[Idx] = []
    for n in walk(node):
        if isinstance(n, Q) and n.idx:
            out += n.idx
        elif isinstance(n, (At, Kron)):
            out += n.idx
    return out


def _layers(node) -> list[Lay]:
    return [n.layer for n in walk(node) if isinstance(n, (Q, Width)) and n.layer is not None]


def index_letters(node) -> set[str]:
    return {i.var for i in _indices(node) if i.var is not None}


def _layer_letters(node) -> set[str]:
    return {l.var for l in _layers(node) if l.var is not None and l.var != "L"}


def pretty(name: str) -> str:
    return name.split("#")[0]


@dataclass
class Form:
    """A claim ready to evaluate: bound indices renamed; its free letters."""
    lhs: Node
    rhs: Node
    free: list[str]                 # free neuron indices
    layers: list[str]               # layer letters
    examples: bool = False          # speaks of the N examples: checked with N = 2 and 3
    where: Condition | None = None  # narrows the instances, if any


class _Structure(Visitor):
    """What one node of a claim must be: IllFormed or Skip (with the reason) if it is not."""

    def generic_visit(self, node):
        return None

    def visit_Sum(self, n):
        if n.var != EXAMPLES and n.var not in index_letters(n.body):
            raise IllFormed(f"the summation index {pretty(n.var)} does not appear in its "
                            f"summand {show(n.body)}")
        if n.var != EXAMPLES and n.hi is None and not any(
                isinstance(q, (Q, At)) and q.idx and any(i.var == n.var for i in q.idx)
                for q in walk(n.body)):
            raise IllFormed(f"the summation index {pretty(n.var)} has no range: it indexes "
                            f"only Kronecker deltas in {show(n.body)} (give its bounds)")

    def visit_Q(self, n):
        if n.idx is not None:
            want = 2 if n.kind == "w" else 0 if n.kind in ("C", "𝒞") else 1
            if len(n.idx) != want:
                raise IllFormed(f"{show_quantity(n)} has {len(n.idx)} index(es); "
                                f"{n.kind} takes {want}")
        self.visit_At(n)

    def visit_At(self, n):
        for i in (n.idx or ()):
            if i.var is not None and i.off != 0:
                raise Skip(f"an index with an offset ({pretty(i.var)}"
                           f"{i.off:+d}) is not a claim the checker reads")

    def visit_Deriv(self, n):
        if not (isinstance(n.num, Q) and isinstance(n.den, Q)):
            raise Skip(f"{show(n)}: a derivative of and with respect to a quantity")
        if not (n.num.kind in ("C", "𝒞") or n.num.idx is not None
                and n.num.kind in ("z", "a")):
            raise Skip(f"∂{show(n.num)}: only derivatives of C or of one z^l_j, a^l_j "
                       f"are read")
        if n.den.kind in ("C", "𝒞", "Δ"):
            raise IllFormed(f"a derivative with respect to {show(n.den)}")
        if n.den.idx is None and n.num.kind not in ("C", "𝒞"):
            raise Skip("a Jacobian (a derivative with respect to a vector of a vector "
                       "or of one entry) is not read")


_STRUCTURE = _Structure()


def analyze(lhs, rhs) -> Form:
    """Check the structure of a claim; raise IllFormed or Skip with the reason."""
    lhs, rhs = _bind(lhs), _bind(rhs)
    lhs, rhs = _bind_examples(lhs), _bind_examples(rhs)
    for side in (lhs, rhs):
        for n in walk(side):
            _STRUCTURE.visit(n)
    li, ri = index_letters(lhs), index_letters(rhs)
    free_l = {v for v in li if "#" not in v}
    free_r = {v for v in ri if "#" not in v}
    # An index on the left only is a claim for each of its values (∂z^l_j/∂b^l_j = 1); one
    # on the right only is not fixed by anything.
    for v in sorted(free_r - free_l):
        raise IllFormed(f"the free index {v} appears on the right side only: nothing on the "
                        f"left fixes it")
    ll, rl = _layer_letters(lhs), _layer_letters(rhs)
    for v in sorted(rl - ll):
        raise IllFormed(f"the layer {v} appears on the right side only: nothing on the left "
                        f"fixes it")
    both = (free_l | {v for v in li | ri if "#" in v}) & (ll | rl)
    if both:
        v = sorted(both)[0]
        raise IllFormed(f"{pretty(v)} is used both as a layer and as a neuron index")
    for side in (lhs, rhs):
        for n in walk(side):
            if isinstance(n, Var):
                if n.name in li | ri:
                    raise IllFormed(f"the index {pretty(n.name)} is used as a value")
                if n.name in ll | rl:
                    raise IllFormed(f"the layer {n.name} is used as a value")
                if n.name in ("z", "a", "w", "b"):
                    raise IllFormed(f"{n.name} without a layer: write {n.name}^l_j")
                raise IllFormed(f"{n.name} is not a quantity the checker knows (z, a, w, b, Δ, "
                                f"y, x, C)")
    return Form(lhs, rhs, sorted(free_l), sorted(ll | rl), over_examples((lhs, rhs)))


EXAMPLES = "x#"        # the name of a sum over the examples, Σ_x


def _bind_examples(node):
    """Σ_x with x no index of its summand is the sum over the N examples."""
    if isinstance(node, Sum) and node.var.split("#")[0] == "x" and node.hi is None \
            and node.var not in index_letters(node.body):
        return replace(node, var=EXAMPLES, body=_bind_examples(node.body))
    return map_children(node, _bind_examples)


def over_examples(form_sides) -> bool:
    """Does the claim speak of the N examples (𝒞, N, Σ_x)? Then it is checked with N = 2 and 3."""
    return any((isinstance(n, Q) and n.kind == "𝒞") or isinstance(n, Const)
               or (isinstance(n, Sum) and n.var == EXAMPLES)
               for side in form_sides for n in walk(side))
