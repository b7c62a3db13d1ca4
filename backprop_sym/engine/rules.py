"""The closed-form rules of backpropagation, one registered pure function each.

A rule receives `q`, the network's quantities (a, z, y, f'(z), the weights w^l_{pq} read
in the rule's convention, and Δ), and returns its closed form for one instance. It never
differentiates: Δ is whatever `q` supplies. Each rule is registered once per convention,
with its statement in that convention's indices.

Kinds, and what the verifier compares each closed form with:
  output_delta(q, s, j)      Δ^L_j(s)          per example
  hidden_delta(q, s, l, j)   Δ^l_j(s), l < L   per example
  weight_grad(q, l, p, r)    ∂𝒞/∂w^l_{pr}      averaged over the examples
  bias_grad(q, l, j)         ∂𝒞/∂b^l_j         averaged over the examples

The cost (`costs`) enters through what `q` may also carry, read with defaults so that
every implementation of `Quantities` keeps today's half-squared, averaged cost:
`q.cost` (a `costs.Cost`: the output rule is its ∂C_x/∂a^L_j times f'(z^L_j)), `q.mean`
(which averages or sums, as the reduction says) and `q.l2` (the coefficient λ/N, or λ
under `sum`, of the L2 term in the weight rule; None without L2).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Callable, Protocol, runtime_checkable

from . import costs
from .errors import UsageError
from .vocabulary import KINDS


@runtime_checkable
class Quantities(Protocol):
    """What a rule may use: every implementation (the verifier's, the symbolic prover's,
    the report's exact numbers, the claim reader's) provides all of it. Indices are
    1-based; s is the example, l the layer, and W(l, p, q) reads w^l_{pq} in the rule's
    convention."""

    L: Any                     # the depth (an int, or a symbol for every depth)

    def neurons(self, l) -> Iterable: ...
    def examples(self) -> Iterable: ...
    def a(self, s, l, j) -> Any: ...
    def z(self, s, l, j) -> Any: ...
    def y(self, s, j) -> Any: ...
    def fprime(self, s, l, j) -> Any: ...
    def W(self, l, p, q) -> Any: ...
    def delta(self, s, l, j) -> Any: ...
    def mean(self, term: Callable) -> Any: ...


@dataclass(frozen=True)
class Rule:
    kind: str
    convention: str
    statement: str        # LaTeX, in the convention's indices
    text: str             # the same in plain text, for terminals
    closed_form: Callable


RULES: dict[tuple[str, str], Rule] = {}


def rule(kind: str, conventions: tuple[str, ...], statement: str, text: str):
    def register(fn):
        for c in conventions:
            RULES[kind, c] = Rule(kind, c, statement, text, fn)
        return fn
    return register


def get(kind: str, convention: str) -> Rule:
    return RULES[kind, convention]


def overrides(mapping) -> dict:
    """A `rules_override` checked: rule kinds as keys, callables as values. Anything else
    is a ValueError naming the valid kinds (a misspelt key must not fall back to the
    registered rule and prove it)."""
    if mapping is None:
        return {}
    valid = ", ".join(KINDS)
    if not isinstance(mapping, Mapping):
        raise UsageError(f"rules_override must map rule kinds ({valid}) to functions, "
                         f"got {type(mapping).__name__}")
    for kind, fn in mapping.items():
        if kind not in KINDS:
            raise UsageError(f"rules_override: unknown rule kind {kind!r}; "
                             f"expected one of: {valid}")
        if not callable(fn):
            raise UsageError(f"rules_override[{kind!r}] must be a function returning the "
                             f"closed form, got {fn!r}; valid keys: {valid}")
    return dict(mapping)


BOTH = ("from-to", "to-from")


@rule("output_delta", BOTH, r"\Delta^{L}_{j} = (a^{L}_{j} - y_{j})\, f'(z^{L}_{j})",
      "Δ^L_j = (a^L_j - y_j) f'(z^L_j)")
def output_delta(q, s, j):
    cost = getattr(q, "cost", None) or costs.get(costs.DEFAULT)
    return cost.rate(q.a(s, q.L, j), q.y(s, j)) * q.fprime(s, q.L, j)


def _l2(q, l, p, r, grad):
    """The weight rule's L2 term (λ/N) w^l_{pr} added to `grad`, when `q` has one."""
    lam = getattr(q, "l2", None)
    return grad if lam is None else grad + lam * q.W(l, p, r)


@rule("hidden_delta", ("from-to",),
      r"\Delta^{l}_{j} = \sum_{k=1}^{n_{l+1}} w^{l+1}_{jk}\, \Delta^{l+1}_{k}\, f'(z^{l}_{j})",
      "Δ^l_j = Σ_k w^{l+1}_{jk} Δ^{l+1}_k f'(z^l_j)")
def hidden_delta_from_to(q, s, l, j):
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) * q.fprime(s, l, j)


@rule("hidden_delta", ("to-from",),
      r"\delta^{l}_{j} = \sum_{k=1}^{n_{l+1}} w^{l+1}_{kj}\, \delta^{l+1}_{k}\, \sigma'(z^{l}_{j})",
      "δ^l_j = Σ_k w^{l+1}_{kj} δ^{l+1}_k σ'(z^l_j)")
def hidden_delta_to_from(q, s, l, j):
    return sum(q.W(l + 1, k, j) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) * q.fprime(s, l, j)


@rule("weight_grad", ("from-to",),
      r"\frac{\partial \mathcal{C}}{\partial w^{l}_{ij}} = \frac{1}{N}\sum_{x} a^{l-1}_{i}\, \Delta^{l}_{j}",
      "∂C/∂w^l_{ij} = (1/N) Σ_x a^{l-1}_i Δ^l_j")
def weight_grad_from_to(q, l, i, j):
    return _l2(q, l, i, j, q.mean(lambda s: q.a(s, l - 1, i) * q.delta(s, l, j)))


@rule("weight_grad", ("to-from",),
      r"\frac{\partial \mathcal{C}}{\partial w^{l}_{jk}} = \frac{1}{N}\sum_{x} a^{l-1}_{k}\, \delta^{l}_{j}",
      "∂C/∂w^l_{jk} = (1/N) Σ_x a^{l-1}_k δ^l_j")
def weight_grad_to_from(q, l, j, k):
    return _l2(q, l, j, k, q.mean(lambda s: q.a(s, l - 1, k) * q.delta(s, l, j)))


@rule("bias_grad", BOTH,
      r"\frac{\partial \mathcal{C}}{\partial b^{l}_{j}} = \frac{1}{N}\sum_{x} \Delta^{l}_{j}",
      "∂C/∂b^l_j = (1/N) Σ_x Δ^l_j")
def bias_grad(q, l, j):
    return q.mean(lambda s: q.delta(s, l, j))


def statement(kind: str, convention: str, cost: str = costs.DEFAULT,
              reduction: str = costs.DEFAULT_REDUCTION, l2: bool = False) -> tuple[str, str]:
    """(LaTeX, text) of a rule under a cost, reduction and L2: the registered statement
    for the default cost, else with the cost's output rule, Σ_x for `sum` and the L2 term
    (for reports and help; the closed forms themselves read `q`)."""
    r = get(kind, convention)
    tex, text = r.statement, r.text
    if kind == "output_delta":
        c = costs.get(cost)
        tex, text = c.rate_tex, c.rate_text
        if convention == "to-from":
            tex, text = tex.replace(r"\Delta", r"\delta"), text.replace("Δ", "δ")
    if reduction == "sum":
        tex, text = tex.replace(r"\frac{1}{N}", ""), text.replace("(1/N) ", "")
    if l2 and kind == "weight_grad":
        w = "w^{l}_{ij}" if convention == "from-to" else "w^{l}_{jk}"
        tex += (r" + \frac{\lambda}{N} " if reduction == "mean" else r" + \lambda ") + w
        text += (" + (λ/N) " if reduction == "mean" else " + λ ") + w.replace("{l}", "l")
    return tex, text
