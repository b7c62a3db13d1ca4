"""One concrete network in exact numbers: the forward pass, the error signals as
derivatives of the cost of one example (never from a rule), and the rules evaluated at
the same numbers (the backward pass of the algorithm).

Values are exact rationals; an activation is a concrete polynomial (`Lambda`), so that
every number is rational.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..engine import direct, rules
from ..engine.backends import get_backend
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

    def forward(self) -> tuple[dict, dict]:
        """z[s, l, j] and a[s, l, j] (a[s, 0, k] the inputs), exactly."""
        ex, n = _symbols(self.shape), self.shape.widths
        z, a = {}, {}
        for s in range(1, self.shape.samples + 1):
            for k in range(1, n[0] + 1):
                a[s, 0, k] = self.value(ex.x[s, k])
            for l in range(1, self.shape.L + 1):
                for j in range(1, n[l] + 1):
                    z[s, l, j] = sum((a[s, l - 1, k] * self.value(ex.w[l, k, j])
                                      for k in range(1, n[l - 1] + 1)),
                                     self.value(ex.b[l, j]))
                    a[s, l, j] = self.acts[l](z[s, l, j])
        return z, a

    def deltas(self) -> dict:
        """Δ^l_j(s) = ∂C_s/∂z^l_j: a probe e added to z^l_j(s), the layers above
        recomputed in e, the cost of the example differentiated at e = 0."""
        ex, n, L = _symbols(self.shape), self.shape.widths, self.shape.L
        z, a = self.forward()
        e = sympy.Symbol("e")
        out = {}
        for (s, l, j) in z:
            acts = [a[s, l, k] if k != j else self.acts[l](z[s, l, k] + e)
                    for k in range(1, n[l] + 1)]
            for m in range(l + 1, L + 1):
                acts = [self.acts[m](sum((p * self.value(ex.w[m, k, i])
                                          for k, p in enumerate(acts, 1)),
                                         self.value(ex.b[m, i])))
                        for i in range(1, n[m] + 1)]
            cost = sympy.Rational(1, 2) * sum((p - self.value(ex.y[s, i])) ** 2
                                              for i, p in enumerate(acts, 1))
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
    """The `q` a rule sees (see verify.Quantities), the part every reading shares: the
    neurons of a layer, the mean over the N examples, and Δ composed from the rules
    themselves (or the overrides), from the output layer down, as the algorithm does;
    subclasses give a, z, y, fprime and W."""

    def __init__(self, shape: Shape, overrides=None):
        self.shape, self.L, self.N = shape, shape.L, shape.samples
        self.overrides = overrides or {}
        self._memo: dict = {}

    def neurons(self, l):
        return range(1, self.shape.widths[l] + 1)

    def mean(self, term):
        return sympy.Rational(1, self.N) * sum((term(s) for s in range(1, self.N + 1)),
                                               sympy.Integer(0))

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


def example_shape(shape: Shape, linear: bool) -> Shape:
    """The network of the numeric example, with f generic or linear: the report's widths
    when they are small (depth at most 2, widths at most 3, N at most 2), else depth at
    most 3, every width 2 and N at most 2 (the numbers stay short)."""
    act = "linear" if linear else "f"
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
