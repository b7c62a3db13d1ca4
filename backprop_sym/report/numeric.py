"""One concrete network in exact numbers: the forward pass, the error signals as
derivatives of the cost of one example (never from a rule), and the rules evaluated at
the same numbers (the backward pass of the algorithm).

Values are exact rationals; an activation is a concrete polynomial (`Lambda`), so that
every number is rational.
"""
from __future__ import annotations

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


def example_shape(shape: Shape, linear: bool) -> Shape:
    """The network of the numeric example, with f generic or linear: the report's widths
    when they are small (depth at most 2, widths at most 3, N at most 2), else depth at
    most 3, every width 2 and N at most 2 (the numbers stay short)."""
    act = identity_name() if linear else activations.GENERIC
    if shape.L <= 2 and max(shape.widths) <= 3:
        widths = tuple(shape.widths)
    else:
        widths = (2,) * (min(shape.L, 3) + 1)
    return Shape.make(",".join(map(str, widths)), act, samples=min(shape.samples, 2),
                      convention=shape.convention)


def example_network(shape: Shape, linear: bool) -> Concrete:
    """The numeric example's network: EXAMPLE_VALUES cycled through the inputs, targets,
    weights and biases, with f(t) = t when `linear`, else EXAMPLE_F."""
    ex = _symbols(shape)
    names = [str(v) for v in (*ex.x.values(), *ex.y.values(), *ex.w.values(), *ex.b.values())]
    values = {name: EXAMPLE_VALUES[i % len(EXAMPLE_VALUES)] for i, name in enumerate(names)}
    act = IDENTITY if linear else EXAMPLE_F
    return Concrete(shape, values, [None] + [act] * shape.L)
