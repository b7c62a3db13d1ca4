"""The explicit expressions of one network: z^l_j, a^l_j and the cost, built from the
inputs, targets, weights and biases. This module never differentiates.

Indices are 1-based, as in the mathematics. The physical weight from neuron k of layer
l-1 to neuron j of layer l is one symbol; its name follows the convention:
w^l_{kj} under "from-to" (the default), w^l_{jk} under "to-from" (Nielsen).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from . import activations, costs
from .backends import Backend, get_backend
from .errors import BackpropSymError, UsageError
from .forward import forward

CONVENTIONS = ("from-to", "to-from")


def weight_indices(convention: str, frm, to) -> tuple:
    """The indices (p, q) of w^l_{pq} for the weight from neuron `frm` of layer l-1 to
    neuron `to` of layer l: (frm, to) under from-to, (to, frm) under to-from. The swap is
    its own inverse: weight_indices(convention, p, q) is (frm, to)."""
    return (frm, to) if convention == "from-to" else (to, frm)


class MissingQuantity(BackpropSymError, IndexError):
    """An index names a weight, neuron or layer the network does not have."""


class ShapeError(UsageError):
    """Widths, samples, activations or convention that do not describe a network."""


@dataclass(frozen=True)
class Shape:
    widths: tuple[int, ...]
    activations: tuple[str, ...]
    samples: int = 1
    convention: str = "from-to"
    cost: str = costs.DEFAULT                  # a name in `costs.REGISTRY`
    reduction: str = costs.DEFAULT_REDUCTION   # "mean" (1/N Σ_x) or "sum"
    l2: bool = False                           # + (λ/2N) Σ w² (λ/2 Σ w² under sum)

    @property
    def L(self) -> int:
        return len(self.widths) - 1

    def width(self, l: int) -> int:
        return self.widths[l]

    @classmethod
    def make(cls, widths, activation="f", samples=1, convention="from-to",
             cost=costs.DEFAULT, reduction=costs.DEFAULT_REDUCTION, l2=False) -> "Shape":
        widths = parse_widths(widths)
        if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
            raise ShapeError(f"samples must be a whole number >= 1, got {samples!r}")
        if convention not in CONVENTIONS:
            raise ShapeError(f"unknown convention {convention!r}; expected one of: "
                             f"{', '.join(CONVENTIONS)}")
        acts = activations.parse_list(activation, len(widths) - 1)
        costs.get(cost)
        costs.check_reduction(reduction)
        if not isinstance(l2, bool):
            raise ShapeError(f"l2 must be True or False, got {l2!r}")
        return cls(widths, acts, samples, convention, cost, reduction, l2)

    def with_cost(self, cost=None, reduction=None, l2=None) -> "Shape":
        """This shape with the cost options that are not None replaced (checked)."""
        return Shape.make(self.widths, self.activations, self.samples, self.convention,
                          self.cost if cost is None else cost,
                          self.reduction if reduction is None else reduction,
                          self.l2 if l2 is None else l2)

    def weight_pair(self, k: int, j: int) -> tuple[int, int]:
        """The indices (p, q) of w^l_{pq} for the weight from neuron k to neuron j."""
        return weight_indices(self.convention, k, j)

    def weight_name(self, l: int, k: int, j: int) -> str:
        """Name of the weight from neuron k (layer l-1) to neuron j (layer l)."""
        return f"w^{l}_{pair(self, *self.weight_pair(k, j))}"

    def matrix(self, l: int) -> tuple[int, int]:
        """(rows, columns) of the weight matrix w^l in this convention: n_{l-1} x n_l under
        from-to (row = from), n_l x n_{l-1} under to-from (row = to)."""
        n = self.widths
        return (n[l - 1], n[l]) if self.convention == "from-to" else (n[l], n[l - 1])

    def weight_index(self, l: int, p: int, q: int) -> tuple[int, int]:
        """Convention indices (p, q) of w^l_{pq} -> physical (from k, to j)."""
        k, j = self.weight_pair(p, q)          # the swap is its own inverse
        if not (1 <= k <= self.widths[l - 1] and 1 <= j <= self.widths[l]):
            rows, cols = self.matrix(l)
            raise MissingQuantity(f"w^{l}_{pair(self, p, q)} does not exist: under "
                                  f"{self.convention} w^{l} is {rows}x{cols}")
        return k, j

    def to_json(self) -> dict:
        """The network as every JSON document states it."""
        return {"widths": list(self.widths), "activations": list(self.activations),
                "samples": self.samples, "convention": self.convention,
                "cost": self.cost, "reduction": self.reduction, "l2": self.l2}

    def describe(self) -> str:
        acts = self.activations[0] if len(set(self.activations)) == 1 else ",".join(self.activations)
        text = (f"widths {','.join(map(str, self.widths))}, activation {acts}, "
                f"N={self.samples}, {self.convention}")
        if (self.cost, self.reduction, self.l2) != (costs.DEFAULT, costs.DEFAULT_REDUCTION,
                                                    False):
            text += ", " + costs.describe(self.cost, self.reduction, self.l2)
        return text


def pair(shape: Shape, p: int, q: int) -> str:
    """The two indices of w^l_{pq}, run together while every width is one digit."""
    return f"{p}{q}" if max(shape.widths) < 10 else f"{p},{q}"


def parse_widths(widths) -> tuple[int, ...]:
    """'2,3,2' or [2, 3, 2] -> (2, 3, 2), with a clear error for anything else."""
    if isinstance(widths, str):
        parts = [p.strip() for p in widths.split(",")]
        if any(p == "" for p in parts):
            raise ShapeError(f"widths {widths!r} has an empty entry; expected positive "
                             f"integers separated by commas, e.g. 2,3,2")
        try:
            values = [int(p) for p in parts]
        except ValueError:
            raise ShapeError(f"widths {widths!r} is not a list of integers; expected e.g. "
                             f"2,3,2") from None
    else:
        values = list(widths)
        if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
            raise ShapeError(f"widths {widths!r} must be integers, e.g. (2, 3, 2)")
    if len(values) < 2:
        raise ShapeError(f"widths {widths!r} names {len(values)} layer(s); expected at least "
                         f"two (inputs and outputs), e.g. 2,3,2")
    if any(v < 1 for v in values):
        raise ShapeError(f"widths {widths!r} has a width below 1; every layer needs at least "
                         f"one neuron")
    return tuple(values)


class Expressions:
    """z, a and the cost of a network, built in one backend.

    With `probes=True`, z^l_j(s) carries an extra probe symbol so that Δ^l_j(s) can be
    read off as the derivative of C_s with respect to that probe (at probe = 0).
    """

    def __init__(self, shape: Shape, backend: Backend, probes: bool = False):
        self.shape, self.B = shape, backend
        B, n, N, L = backend, shape.widths, shape.samples, shape.L
        self.acts = [activations.get("linear")]      # acts[l] is layer l's; a^0 = x
        self.acts += [activations.get(a) for a in shape.activations]
        self.x = {(s, k): B.Symbol(_sample_name("x", s, k, N))
                  for s in range(1, N + 1) for k in range(1, n[0] + 1)}
        self.y = {(s, j): B.Symbol(_sample_name("y", s, j, N))
                  for s in range(1, N + 1) for j in range(1, n[L] + 1)}
        self.w = {(l, k, j): B.Symbol(shape.weight_name(l, k, j))
                  for l in range(1, L + 1)
                  for k in range(1, n[l - 1] + 1) for j in range(1, n[l] + 1)}
        self.b = {(l, j): B.Symbol(f"b^{l}_{j}")
                  for l in range(1, L + 1) for j in range(1, n[l] + 1)}
        self.probe = {(s, l, j): B.Probe(f"eps^{l}_{j}[{s}]")
                      for s in range(1, N + 1) for l in range(1, L + 1)
                      for j in range(1, n[l] + 1)} if probes else {}
        self.z, self.a = {}, {}
        for s in range(1, N + 1):
            z, a = forward(
                n, [self.x[s, k] for k in range(1, n[0] + 1)],
                weight=lambda l, k, j: self.w[l, k, j],
                bias=lambda l, j: self.b[l, j] + self.probe[s, l, j] if probes else self.b[l, j],
                activate=lambda l, u: self.acts[l].value(B, u), zero=B.zero)
            self.z.update({(s, *key): v for key, v in z.items()})
            self.a.update({(s, *key): v for key, v in a.items()})
        # the cost from its registration; λ (with L2) is a symbol of its own
        value = costs.for_shape(shape).value
        self.example_cost = {
            s: value(B, [self.a[s, L, j] for j in range(1, n[L] + 1)],
                     [self.y[s, j] for j in range(1, n[L] + 1)])
            for s in range(1, N + 1)}
        scale = B.Rational(1, N) if shape.reduction == "mean" else B.Integer(1)
        self.cost = scale * sum(self.example_cost.values(), B.zero)
        self.constants = {costs.L2_SYMBOL: B.Symbol(costs.L2_SYMBOL)} if shape.l2 else {}
        if shape.l2:
            lam = self.constants[costs.L2_SYMBOL]
            self.cost = self.cost + scale * B.Rational(1, 2) * lam * sum(
                (w ** 2 for w in self.w.values()), B.zero)

    def W(self, l: int, p: int, q: int):
        """w^l_{pq} with (p, q) read in the shape's convention."""
        k, j = self.shape.weight_index(l, p, q)
        return self.w[l, k, j]

    def parameters(self) -> list:
        return list(self.w.values()) + list(self.b.values())


def _sample_name(base: str, s: int, i: int, N: int) -> str:
    return f"{base}_{i}" if N == 1 else f"{base}^({s})_{i}"


class Network:
    """A fully connected network with explicit SymPy expressions.

    >>> net = Network([2, 3, 2], activation="f")
    >>> net.weight(1, 2, 3)
    w^1_23
    >>> net.L, net.widths
    (2, (2, 3, 2))
    """

    def __init__(self, widths, activation="f", samples=1, convention="from-to",
                 cost=costs.DEFAULT, reduction=costs.DEFAULT_REDUCTION, l2=False):
        self.shape = Shape.make(widths, activation, samples, convention, cost, reduction, l2)

    @cached_property
    def _ex(self) -> Expressions:
        return Expressions(self.shape, get_backend("sympy"))

    widths = property(lambda self: self.shape.widths)
    activations = property(lambda self: self.shape.activations)
    samples = property(lambda self: self.shape.samples)
    convention = property(lambda self: self.shape.convention)
    L = property(lambda self: self.shape.L)

    @property
    def cost(self):
        """The explicit data-set cost, e.g. (1/N) Σ_s ½ Σ_j (a^L_j(s) - y_j(s))² (the
        default; see `costs`)."""
        return self._ex.cost

    def example_cost(self, s: int = 1):
        return self._ex.example_cost[s]

    def weight(self, l: int, p: int, q: int):
        """w^l_{pq} in this network's convention (from-to: p from, q to)."""
        return self._ex.W(l, p, q)

    def bias(self, l: int, j: int):
        return self._lookup(self._ex.b, (l, j), "b")

    def input(self, s: int, k: int):
        return self._lookup(self._ex.x, (s, k), "x")

    def target(self, s: int, j: int):
        return self._lookup(self._ex.y, (s, j), "y")

    def z(self, l: int, j: int, s: int = 1):
        return self._lookup(self._ex.z, (s, l, j), "z")

    def a(self, l: int, j: int, s: int = 1):
        return self._lookup(self._ex.a, (s, l, j), "a")

    @staticmethod
    def _lookup(table, key, what):
        try:
            return table[key]
        except KeyError:
            raise IndexError(f"{what} has no entry {key}") from None

    def __repr__(self) -> str:
        return (f"Network(widths={list(self.widths)}, activation={list(self.activations)}, "
                f"samples={self.samples}, convention={self.convention!r})")

    def _repr_latex_(self) -> str:
        n = ", ".join(map(str, self.widths))
        return (rf"$\text{{Network}}: L={self.L},\ (n_0,\dots,n_L)=({n}),\ "
                rf"f=\text{{{','.join(self.activations)}}},\ N={self.samples},\ "
                rf"\text{{{self.convention}}}$")
