"""One concrete network in exact numbers: the forward pass, the error signals as
derivatives of the cost of one example (never from a rule), and the rules evaluated at
the same numbers (the backward pass of the algorithm).

Values are exact rationals; an activation is a concrete polynomial (`Lambda`), so that
every number is rational.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import sympy

from ..engine import activations, direct, rules
from ..engine.backends import get_backend
from ..engine.forward import forward
from ..engine.network import Expressions, Shape

T = sympy.Symbol("t")
EXAMPLE_F = sympy.Lambda(T, T ** 2 - T)     # the example's concrete f
IDENTITY = sympy.Lambda(T, T)

# small rationals, cycled through for the example's inputs, targets, weights and biases
EXAMPLE_VALUES = tuple(sympy.Rational(v) for v in
                       ("1", "-1", "1/2", "0", "-1/2", "2"))


def quadratic(c2, c1, c0) -> sympy.Lambda:
    return sympy.Lambda(T, sympy.Rational(c2) * T ** 2 + sympy.Rational(c1) * T
                        + sympy.Rational(c0))


@dataclass
class Concrete:
    """A network with every input, target, weight and bias a rational (keyed by the
    engine's symbol names) and one concrete activation per layer (index 1..L)."""
    shape: Shape
    values: dict
    acts: list

    def value(self, sym) -> sympy.Rational:
        return self.values[str(sym)]

    def forward(self, probe: tuple | None = None) -> tuple[dict, dict]:
        """z[s, l, j] and a[s, l, j] (a[s, 0, k] the inputs), exactly, by the engine's one
        forward pass; `probe` = (s, l, j, e) adds e to z^l_j(s)."""
        ex, n = _symbols(self.shape), self.shape.widths
        z, a = {}, {}
        for s in range(1, self.shape.samples + 1):
            def bias(l, j, s=s):
                b = self.value(ex.b[l, j])
                return b + probe[3] if probe is not None and probe[:3] == (s, l, j) else b
            zs, as_ = forward(n, [self.value(ex.x[s, k]) for k in range(1, n[0] + 1)],
                              lambda l, k, j: self.value(ex.w[l, k, j]), bias,
                              lambda l, v: self.acts[l](v), zero=sympy.Integer(0))
            z.update({(s, *key): v for key, v in zs.items()})
            a.update({(s, *key): v for key, v in as_.items()})
        return z, a

    def deltas(self) -> dict:
        """Δ^l_j(s) = ∂C_s/∂z^l_j: a probe e added to z^l_j(s), the forward pass redone in
        e, the cost of the example differentiated at e = 0."""
        ex, n, L = _symbols(self.shape), self.shape.widths, self.shape.L
        z, _ = self.forward()
        e = sympy.Symbol("e")
        out = {}
        for (s, l, j) in z:
            _, a = self.forward(probe=(s, l, j, e))
            cost = sympy.Rational(1, 2) * sum((a[s, L, i] - self.value(ex.y[s, i])) ** 2
                                              for i in range(1, n[L] + 1))
            out[s, l, j] = exact(sympy.diff(cost, e).subs(e, 0))
        return out

    def direct_gradient(self, weight: str) -> sympy.Rational:
        """∂𝒞/∂w from the engine's explicit cost (generic activations), differentiated
        directly, then evaluated with the concrete activations and values."""
        ex = Expressions(self.shape, get_backend("sympy"))
        grad = direct.cost_gradient(ex, sympy.Symbol(weight))
        f = sympy.Function("f")
        layer_f = {self.acts[l] for l in range(1, self.shape.L + 1)} - {IDENTITY}
        if layer_f:
            grad = grad.replace(f, next(iter(layer_f))).doit()
        return exact(grad.xreplace({sympy.Symbol(k): v
                                              for k, v in self.values.items()}))

    def by_rules(self, overrides=None) -> "RuleValues":
        return RuleValues(self, overrides)


def exact(value) -> sympy.Rational:
    """A value that must be a rational number, checked."""
    value = sympy.sympify(value)
    if not value.is_Rational:
        raise ValueError(f"expected an exact rational, got {value}")
    return value


def _symbols(shape: Shape) -> Expressions:
    return Expressions(shape, get_backend("sympy"))


class RuleQuantities:
    """The `q` a rule sees (it meets `engine.rules.Quantities`), the part every reading
    shares: the neurons of a layer, the examples and the mean over them, and Δ composed
    from the rules themselves (or the overrides), from the output layer down, as the
    algorithm does; subclasses give a, z, y, fprime and W."""

    def __init__(self, shape: Shape, overrides=None):
        self.shape, self.L, self.N = shape, shape.L, shape.samples
        self.overrides = overrides or {}
        self._memo: dict = {}

    def neurons(self, l):
        return range(1, self.shape.widths[l] + 1)

    def examples(self):
        return range(1, self.N + 1)

    def mean(self, term):
        return sympy.Rational(1, self.N) * sum((term(s) for s in self.examples()),
                                               sympy.Integer(0))

    def a(self, s, l, j):
        raise NotImplementedError

    def z(self, s, l, j):
        raise NotImplementedError

    def y(self, s, j):
        raise NotImplementedError

    def fprime(self, s, l, j):
        raise NotImplementedError

    def W(self, l, p, r):
        raise NotImplementedError

    def rule(self, kind):
        return self.overrides.get(kind) or rules.get(kind, self.shape.convention).closed_form

    def settle(self, value):
        """A Δ as it is kept (a subclass may simplify it)."""
        return value

    def delta(self, s, l, j):
        key = (s, l, j)
        if key not in self._memo:
            self._memo[key] = self.settle(
                self.rule("output_delta")(self, s, j) if l == self.L
                else self.rule("hidden_delta")(self, s, l, j))
        return self._memo[key]


class RuleValues(RuleQuantities):
    """The quantities a rule may use, as exact numbers of one concrete network."""

    def __init__(self, net: Concrete, overrides=None):
        super().__init__(net.shape, overrides)
        self.net = net
        self.ex = _symbols(net.shape)
        self.zs, self.acts = net.forward()

    def a(self, s, l, j):
        return self.acts[s, l, j]

    def z(self, s, l, j):
        return self.zs[s, l, j]

    def y(self, s, j):
        return self.net.value(self.ex.y[s, j])

    def fprime(self, s, l, j):
        f = self.net.acts[l]
        return sympy.diff(f(T), T).subs(T, self.zs[s, l, j])

    def W(self, l, p, r):
        return self.net.value(self.ex.W(l, p, r))

    def settle(self, value):
        return exact(value)

    def weight_grad(self, l, p, r):
        return exact(self.rule("weight_grad")(self, l, p, r))


def identity_name() -> str:
    """The name under which the identity activation (f(z) = z) is registered."""
    return next(name for name in activations.names() if activations.get(name).identity)


def example_sources(shape: Shape, linear: bool) -> list[tuple[int, str]]:
    """For each layer of the numeric example, the layer of the report's network it stands
    for and that layer's activation as the theorem shown checks it: every layer f(z) = z
    when `linear`; else the network's own activations, or the generic f in every layer when
    they are all the identity (as Theorem 1 does). A shorter example keeps the first layers
    and the output layer."""
    L, depth = shape.L, example_depth(shape)
    if linear:
        acts = (identity_name(),) * L
    elif all(activations.get(a).identity for a in shape.activations):
        acts = (activations.GENERIC,) * L
    else:
        acts = tuple(shape.activations)
    layers = [*range(1, depth), L]
    return [(l, acts[l - 1]) for l in layers]


def example_depth(shape: Shape) -> int:
    """At most two layers of weights: with a quadratic f a third layer makes numbers of
    ten digits and more (degree 8 in the inputs)."""
    return min(shape.L, 2)


def example_shape(shape: Shape, linear: bool) -> Shape:
    """The network of the numeric example: the report's widths when they are small (depth
    at most 2, widths at most 3), else depth at most 2 and every width 2; N at most 2 (the
    numbers stay short). A layer is linear where the layer it stands for is
    (`example_sources`), else it has the generic f (made concrete by `example_network`)."""
    depth = example_depth(shape)
    own = shape.L <= 2 and max(shape.widths) <= 3
    widths = tuple(shape.widths) if own else (2,) * (depth + 1)
    acts = [a if activations.get(a).identity else activations.GENERIC
            for _, a in example_sources(shape, linear)]
    return Shape.make(",".join(map(str, widths)), ",".join(acts), samples=min(shape.samples, 2),
                      convention=shape.convention)


# the example's values are chosen from these small numbers, by `example_network`'s search
# (inputs and weights never 0, so that every term of every sum shows; biases may be 0)
CANDIDATE_VALUES = tuple(sympy.Integer(v) for v in (1, -1, 2, -2))
CANDIDATE_BIASES = tuple(sympy.Integer(v) for v in (0, 1, -1, 2))
DRAWS = 20                   # draws tried for each layer's values, from each kept assignment
BEAM = 4                     # assignments kept from one layer to the next
FINALISTS = 3                # assignments whose error signals are computed at the end


def example_network(shape: Shape, linear: bool = False) -> Concrete:
    """The numeric example's network: f(t) = t in its linear layers and EXAMPLE_F in the
    others, and values that print short. They are chosen layer by layer from the input up
    (a beam search): the inputs with the weights and biases of layer 1, then each next
    layer's weights and biases, from EXAMPLE_VALUES cycled and seeded draws of small
    rationals; an assignment counts only where every z and a is nonzero and no f' of a
    quadratic layer is 0 or ±1 (so that every factor of every rule shows), and the BEAM
    whose z and a so far take the fewest characters are kept. Of the finalists, the one
    whose z, a and Δ (every Δ nonzero) print shortest is taken. `linear` is kept for
    callers: the layers' activations come from `shape`."""
    ex = _symbols(shape)
    L = shape.L
    acts = [None] + [IDENTITY if activations.get(a).identity else EXAMPLE_F
                     for a in shape.activations]
    groups: list[list[str]] = [[] for _ in range(L + 1)]
    groups[1] = [str(v) for v in ex.x.values()]
    for (l, _k, _j), v in ex.w.items():
        groups[l].append(str(v))
    for (l, _j), v in ex.b.items():
        groups[l].append(str(v))
    targets = [str(v) for v in ex.y.values()]
    names = [*(n for g in groups for n in g), *targets]
    start = {name: EXAMPLE_VALUES[i % len(EXAMPLE_VALUES)] for i, name in enumerate(names)}
    beam = [start]
    for l in range(1, L + 1):
        scored = []
        for b, values in enumerate(beam):
            for seed in range(DRAWS):
                trial = values | (dict(zip(groups[l], draw((seed * BEAM + b) * (L + 1) + l,
                                                           groups[l]))) if seed else {})
                score = forward_score(Concrete(shape, trial, acts), l)
                if score is not None:
                    scored.append((score, b, seed, trial))
        if scored:
            beam = [t for *_, t in sorted(scored, key=lambda r: r[:3])[:BEAM]]
    best = None
    for i, values in enumerate(beam[:FINALISTS]):
        net = Concrete(shape, values | dict(zip(targets, draw(-1 - i, targets))), acts)
        deltas = net.deltas()
        if any(v == 0 for v in deltas.values()):
            continue
        z, a = net.forward()
        total = (printed(z.values()) + printed(a.values()) + printed(deltas.values()), i)
        if best is None or total < best[0]:
            best = (total, net)
    return best[1] if best is not None else Concrete(shape, start, acts)


def forward_score(net: Concrete, upto: int) -> int | None:
    """Characters of every z and a of layers 1..upto, or None where one is 0 or where f'
    of a quadratic layer is 0 or ±1 there."""
    z, a = net.forward()
    shown = [(key, v) for key, v in z.items() if key[1] <= upto]
    if any(v == 0 or a[key] == 0 for key, v in shown):
        return None
    if any(net.acts[key[1]] is EXAMPLE_F and v in (0, sympy.Rational(1, 2), 1)
           for key, v in shown):
        return None
    return printed(v for _, v in shown) + printed(a[key] for key, _ in shown)


def draw(seed: int, names: list[str]) -> list:
    """A value for each name, drawn by a generator seeded with `seed` (the same on every
    run and platform): biases from CANDIDATE_BIASES, the others from CANDIDATE_VALUES."""
    rng = random.Random(seed)
    pools = [CANDIDATE_BIASES if name.startswith("b") else CANDIDATE_VALUES for name in names]
    return [pool[rng.randrange(len(pool))] for pool in pools]


def printed(values) -> int:
    """Characters the numbers take when printed (p/q as SymPy writes it)."""
    return sum(len(str(v)) for v in values)
