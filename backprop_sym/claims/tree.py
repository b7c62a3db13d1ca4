"""The syntax tree of a claim: its nodes, a visitor over them, and one precedence table.

`parse.parse` builds the tree; every module that reads it (the form check, evaluation,
the general proof, scope, hints, the activation statements and both printers) walks it
with a `Visitor`: a method `visit_<Class>` per node class, found along the class's MRO
and falling back to `generic_visit`, as SymPy's printers find `_print_<Class>`.
`PRECEDENCE` says how tightly each node binds, for every printer (`brackets`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

# ---------------------------------------------------------------- the nodes

@dataclass(frozen=True)
class Lay:
    """A layer: var + off (l+1 -> ('l', 1); L-1 -> ('L', -1); 2 -> (None, 2))."""
    var: str | None
    off: int = 0


@dataclass(frozen=True)
class Idx:
    """A neuron index: a letter, a number, or letter + offset."""
    var: str | None
    off: int = 0


class Node:
    pass


@dataclass(frozen=True)
class Num(Node):
    value: Fraction


@dataclass(frozen=True)
class Const(Node):
    name: str                      # N, the number of examples


@dataclass(frozen=True)
class Var(Node):
    name: str                      # a bare letter: an index used as a value, or a dummy (f(z) = z)


@dataclass(frozen=True)
class Q(Node):
    """A quantity. idx None: the whole vector (matrix for w) of the layer."""
    kind: str                      # Δ z a b w y x, C (one example), 𝒞 (the average over N)
    layer: Lay | None = None
    idx: tuple[Idx, ...] | None = None


@dataclass(frozen=True)
class Kron(Node):
    """The Kronecker delta δ_{ij} (two lower indices, no layer): 1 when i = j, else 0."""
    idx: tuple[Idx, ...]


@dataclass(frozen=True)
class Width(Node):
    layer: Lay                     # n_l


@dataclass(frozen=True)
class Add(Node):
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Neg(Node):
    x: Node


@dataclass(frozen=True)
class Mul(Node):                   # juxtaposition, \cdot, \times: scalar or matrix product
    a: Node
    b: Node


@dataclass(frozen=True)
class Had(Node):                   # \odot
    a: Node
    b: Node


@dataclass(frozen=True)
class Div(Node):
    a: Node
    b: Node


@dataclass(frozen=True)
class Pow(Node):
    base: Node
    n: int


@dataclass(frozen=True)
class Tr(Node):                    # transpose
    x: Node


@dataclass(frozen=True)
class At(Node):                    # [M]_{kj}: an entry of a vector or matrix expression
    x: Node
    idx: tuple[Idx, ...]


@dataclass(frozen=True)
class Sum(Node):
    var: str
    lo: int
    hi: Node | None                # Width, Num, or None (inferred)
    body: Node
    lo_written: bool = field(default=True, compare=False)   # False: a bare \sum_k (all neurons)
    # the letter written as the upper limit (\sum_{i=1}^n), read as the width the index runs
    # over (hi None), and that width when the summand names its layer: for the printers only
    hi_name: str | None = field(default=None, compare=False)
    hi_read: Lay | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Call(Node):
    name: str                      # f or σ: the activation
    order: int                     # 0: f, 1: f'
    arg: Node


@dataclass(frozen=True)
class Func(Node):
    name: str                      # exp log tanh
    arg: Node


@dataclass(frozen=True)
class Deriv(Node):
    num: Q
    den: Q


@dataclass(frozen=True)
class Partial(Node):               # \partial X, before it meets its /
    x: Node


@dataclass
class Side:
    node: Node
    start: int
    end: int


@dataclass
class Relation:
    """The sides of one equation; `sides[0]` is None when the row starts with `=`."""
    sides: list[Side | None]
    rels: list[str]

    def claims(self) -> list[tuple[Node, Node]]:
        return [(a.node, b.node) for a, b in zip(self.sides, self.sides[1:]) if a and b]


# ---------------------------------------------------------------- the visitor

def dispatch(obj: Any, prefix: str, node: Any, *args: Any, **kwargs: Any) -> Any:
    """Call obj's method `<prefix><Class>` for the first class along type(node).__mro__
    that has one, else `<prefix>default`: for a class that walks the tree more than one
    way (Evaluator: `type_`, `value_`); a class with one walk is a `Visitor`."""
    key = (type(obj), prefix, type(node))
    method = _FOUND.get(key)
    if method is None:
        method = _FOUND[key] = _found(*key)
    return method(obj, node, *args, **kwargs)


_FOUND: dict[tuple[type, str, type], Callable] = {}


def _found(owner: type, prefix: str, kind: type) -> Callable:
    for cls in kind.__mro__:
        method = getattr(owner, prefix + cls.__name__, None)
        if method is not None:
            return method
    return getattr(owner, prefix + "default")


class Visitor:
    """Dispatch on the class of a node: `visit(node)` calls `visit_<Class>(node, ...)` for
    the first class along type(node).__mro__ that has one, else `generic_visit`."""

    def visit(self, node: Any, *args: Any, **kwargs: Any) -> Any:
        return dispatch(self, "visit_", node, *args, **kwargs)

    def visit_default(self, node: Any, *args: Any, **kwargs: Any) -> Any:
        return self.generic_visit(node, *args, **kwargs)

    def generic_visit(self, node: Any, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{type(self).__name__} does not visit {type(node).__name__}")


class Children(Visitor):
    """The nodes directly below a node, in reading order."""

    def generic_visit(self, node):
        return []                       # a leaf: Num, Const, Var, Q, Kron, Width

    def visit_Add(self, node):
        return list(node.terms)

    def visit_Neg(self, node):
        return [node.x]

    visit_Tr = visit_At = visit_Partial = visit_Neg

    def visit_Mul(self, node):
        return [node.a, node.b]

    visit_Had = visit_Div = visit_Mul

    def visit_Pow(self, node):
        return [node.base]

    def visit_Sum(self, node):
        return [node.body] + ([node.hi] if node.hi is not None else [])

    def visit_Call(self, node):
        return [node.arg]

    visit_Func = visit_Call

    def visit_Deriv(self, node):
        return [node.num, node.den]


_CHILDREN = Children()


def children(node: Node) -> list[Node]:
    """The nodes directly below `node`."""
    return _CHILDREN.visit(node)


class Rebuild(Visitor):
    """The node rebuilt with `fn` applied to each direct child; a leaf as it is."""

    def generic_visit(self, node, fn):
        return node

    def visit_Add(self, node, fn):
        return Add(tuple(fn(t) for t in node.terms))

    def visit_Neg(self, node, fn):
        return type(node)(fn(node.x))

    visit_Tr = visit_Neg

    def visit_Mul(self, node, fn):
        return type(node)(fn(node.a), fn(node.b))

    visit_Had = visit_Div = visit_Mul

    def visit_Pow(self, node, fn):
        return Pow(fn(node.base), node.n)

    def visit_At(self, node, fn):
        return At(fn(node.x), node.idx)

    def visit_Sum(self, node, fn):
        return replace(node, body=fn(node.body))

    def visit_Call(self, node, fn):
        return Call(node.name, node.order, fn(node.arg))

    def visit_Func(self, node, fn):
        return Func(node.name, fn(node.arg))

    def visit_Deriv(self, node, fn):
        return Deriv(fn(node.num), fn(node.den))


_REBUILD = Rebuild()


def map_children(node: Node, fn: Callable[[Node], Any]) -> Node:
    """The node with fn applied to each direct child (a Sum's bound, a Partial's operand
    and a leaf stay as they are)."""
    return _REBUILD.visit(node, fn)


def walk(node: Node) -> Iterator[Node]:
    """`node` and every node below it, depth first, in reading order."""
    yield node
    for c in children(node):
        yield from walk(c)


def depth(node: Node) -> int:
    """The depth of a tree, without recursion."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        n, d = stack.pop()
        deepest = max(deepest, d)
        stack += [(c, d + 1) for c in children(n)]
    return deepest


# ---------------------------------------------------------------- precedence

# How tightly a node binds, for every printer: a node is bracketed where its context asks
# for more. A sum is a product's factor; a power binds tighter; anything else is an atom.
PRECEDENCE: dict[type, int] = {Add: 1, Neg: 1, Mul: 2, Had: 2, Div: 2, Sum: 2, Pow: 3}
ATOM = 4
# what each context asks of the node in it
TERM, FACTOR, HADAMARD_FACTOR, DENOMINATOR, BASE = 1, 2, 3, 3, ATOM


def precedence(node: Node) -> int:
    return PRECEDENCE.get(type(node), ATOM)


def brackets(node: Node, context: int, right: bool = False) -> bool:
    """Does `node` need brackets where `context` (TERM, FACTOR, ...) is asked for? A \\sum
    takes everything after it, so it is bracketed unless it is the last (`right`) factor."""
    if isinstance(node, Sum):
        return not right
    return precedence(node) < context

