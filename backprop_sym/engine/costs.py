"""The registry of costs: each one's per-example value C_x(a^L, y), its derivative
∂C_x/∂a^L_j, its statements, the simplified output rules people write with the activation
they need, and the assumptions those rules use; and the two reductions and L2.

Everything about a cost is in its one `register(Cost(...))`; adding a cost is that call.
The general output rule is Δ^L_j = (∂C_x/∂a^L_j) f'(z^L_j) (`rules.output_delta` reads
`rate` from here); the recursion for Δ^l and the bias rule do not change with the cost, and
L2 changes the weight rule only: ∂𝒞/∂w^l_{pq} gains (λ/N) w^l_{pq} (λ w^l_{pq} under `sum`).

A cost whose derivative divides by the outputs (`quotient`) is compared as a rational
function: the difference is multiplied by `denominator` (nonzero wherever the cost is
defined, `domain`) before it is expanded, so the identity is proved where C_x is defined.
Witnesses are taken only at points of `domain` (e.g. 0 < a^L_j < 1 for the cross-entropy).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .errors import UsageError

DEFAULT = "half-squared"
REDUCTIONS = ("mean", "sum")
DEFAULT_REDUCTION = "mean"
L2_SYMBOL = "λ"             # the name of the symbolic regularisation strength


class CostError(UsageError):
    """An unknown cost or reduction name."""


@dataclass(frozen=True)
class Simplified:
    """An output rule as people write it with one output activation (or for any, None),
    valid under `assumptions` (each stated in words; `substitute` makes them hold in an
    exact comparison: (q-like, s) -> {target symbol: value}, or None for none needed)."""

    activation: str | None
    tex: str
    text: str
    closed_form: Callable          # (q, s, j) -> Δ^L_j(s)
    assumptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cost:
    name: str
    tex: str                       # LaTeX of C_x
    text: str                      # the same in plain text
    value: Callable                # (B, a: list, y: list) -> C_x in backend B
    rate: Callable                 # (a_j, y_j) -> ∂C_x/∂a^L_j (uses + - * / only)
    rate_tex: str                  # LaTeX of Δ^L_j in general form
    rate_text: str
    numeric: Callable              # (np-like module, a array, y array) -> C_x (references)
    simplified: tuple[Simplified, ...] = ()
    assumptions: tuple[str, ...] = ()
    quotient: bool = False         # rate divides by the outputs
    denominator: Callable | None = None   # (a_j) -> what rate divides by (nonzero on domain)
    domain: Callable | None = None        # (a_j as number) -> bool: C_x defined there
    domain_text: str = ""
    output: str | None = None      # the output activation it requires (None: any)


REGISTRY: dict[str, Cost] = {}


def register(cost: Cost) -> Cost:
    REGISTRY[cost.name] = cost
    return cost


def get(name: str) -> Cost:
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise CostError(f"unknown cost {name!r}; expected one of: "
                        f"{', '.join(REGISTRY)}") from None


def names() -> list[str]:
    return list(REGISTRY)


def check_reduction(name) -> str:
    if name not in REDUCTIONS:
        raise CostError(f"unknown reduction {name!r}; expected one of: "
                        f"{', '.join(REDUCTIONS)}")
    return name


def reduction_tex(reduction: str) -> str:
    """The factor in front of Σ_x in the gradient rules."""
    return r"\frac{1}{N}" if reduction == "mean" else ""


def l2_tex(reduction: str) -> str:
    """The L2 term the weight rule gains."""
    return r"\frac{\lambda}{N} w" if reduction == "mean" else r"\lambda w"


def _sum(terms, zero):
    return sum(terms, zero)


# ---------------------------------------------------------------- half-squared (today's)

register(Cost(
    name="half-squared",
    tex=r"C_x = \tfrac{1}{2} \sum_{j} (a^{L}_{j} - y_{j})^2",
    text="C_x = ½ Σ_j (a^L_j - y_j)²",
    value=lambda B, a, y: B.Rational(1, 2) * _sum(((p - t) ** 2 for p, t in zip(a, y)),
                                                  B.zero),
    rate=lambda a, y: a - y,
    rate_tex=r"\Delta^{L}_{j} = (a^{L}_{j} - y_{j})\, f'(z^{L}_{j})",
    rate_text="Δ^L_j = (a^L_j - y_j) f'(z^L_j)",
    numeric=lambda np, a, y: 0.5 * np.sum((a - y) ** 2),
))


# ---------------------------------------------------------------- squared (no ½)

register(Cost(
    name="squared",
    tex=r"C_x = \sum_{j} (a^{L}_{j} - y_{j})^2",
    text="C_x = Σ_j (a^L_j - y_j)²",
    value=lambda B, a, y: _sum(((p - t) ** 2 for p, t in zip(a, y)), B.zero),
    rate=lambda a, y: 2 * (a - y),
    rate_tex=r"\Delta^{L}_{j} = 2\,(a^{L}_{j} - y_{j})\, f'(z^{L}_{j})",
    rate_text="Δ^L_j = 2 (a^L_j - y_j) f'(z^L_j)",
    numeric=lambda np, a, y: np.sum((a - y) ** 2),
))


# ---------------------------------------------------------------- cross-entropy

def _sigmoid_a_minus_y(q, s, j):
    return q.a(s, q.L, j) - q.y(s, j)


register(Cost(
    name="cross-entropy",
    tex=r"C_x = -\sum_{j} \left[y_{j} \ln a^{L}_{j} + (1 - y_{j}) \ln(1 - a^{L}_{j})\right]",
    text="C_x = -Σ_j [y_j ln a^L_j + (1 - y_j) ln(1 - a^L_j)]",
    value=lambda B, a, y: -_sum((t * B.log(p) + (1 - t) * B.log(1 - p)
                                 for p, t in zip(a, y)), B.zero),
    rate=lambda a, y: (a - y) / (a * (1 - a)),
    rate_tex=r"\Delta^{L}_{j} = \frac{a^{L}_{j} - y_{j}}{a^{L}_{j}(1 - a^{L}_{j})}\, "
             r"f'(z^{L}_{j})",
    rate_text="Δ^L_j = (a^L_j - y_j) / (a^L_j (1 - a^L_j)) f'(z^L_j)",
    numeric=lambda np, a, y: -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)),
    simplified=(Simplified(
        activation="sigmoid",
        tex=r"\Delta^{L}_{j} = a^{L}_{j} - y_{j}",
        text="Δ^L_j = a^L_j - y_j (with a sigmoid output: σ' = a(1 - a))",
        closed_form=_sigmoid_a_minus_y),),
    assumptions=("0 < a^L_j < 1 for every output j (where C_x is defined)",),
    quotient=True,
    denominator=lambda a: a * (1 - a),
    domain=lambda a: 0 < a < 1,
    domain_text="0 < a^L_j < 1",
))


def for_shape(shape) -> Cost:
    """The cost a Shape names (shapes made before costs existed: the default)."""
    return get(getattr(shape, "cost", DEFAULT))


def describe(cost: str, reduction: str, l2: bool) -> str:
    """The cost in words, as `Shape.describe` states it."""
    parts = [f"cost {cost}", f"reduction {reduction}"]
    if l2:
        parts.append(f"L2 ({L2_SYMBOL})")
    return ", ".join(parts)
