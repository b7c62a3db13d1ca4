"""Direct differentiation of the explicit cost. Never uses a rule.

Δ^l_j(s) = ∂C_s/∂z^l_j is read off through the probe symbol ε^l_j(s) that
`Expressions(probes=True)` adds to z^l_j(s): Δ = ∂C_s/∂ε at ε = 0. The probes are set to
0 later, when the result is put in canonical form.

With SymEngine, every derivative of one cost comes from one reverse-mode walk of its
expression graph (`reverse.gradients`: the sum, product, power and chain rules, each
shared node once), kept per `Expressions`; the weight and bias gradients and the Δ's
then share their nodes (∂C/∂w^l_{kj} contains the node ∂C/∂ε^l_j). A network with a
node the walk does not take, and the SymPy backend (whose `sympy_diff` already walks
the graph once per variable), differentiate with the backend's `diff`.
"""
from __future__ import annotations

import weakref

from . import reverse
from .network import Expressions

_SWEPT: "weakref.WeakKeyDictionary[Expressions, dict]" = weakref.WeakKeyDictionary()


def _swept(ex: Expressions, which, expr, variables) -> dict | None:
    """{v: ∂expr/∂v} from one reverse walk, kept per `ex` and `which`; None when the
    backend's own diff is to be used."""
    if ex.B.name != "symengine" or not ex.probe:
        return None
    kept = _SWEPT.setdefault(ex, {})
    if which not in kept:
        handles = {u: ex.probe[key] for key, u in ex.z.items()}
        kept[which] = reverse.gradients(ex.B, expr, variables, handles)
    return kept[which]


def walked(ex: Expressions) -> bool:
    """Whether the derivatives of `ex` come from the reverse walk (their nodes shared)."""
    return _swept(ex, "cost", ex.cost, [*ex.w.values(), *ex.b.values()]) is not None


def cost_gradient(ex: Expressions, parameter):
    """∂𝒞/∂p for a weight or bias symbol p: the derivative of the data-set cost."""
    g = _swept(ex, "cost", ex.cost, [*ex.w.values(), *ex.b.values()])
    if g is not None and parameter in g:
        return g[parameter]
    return ex.B.diff(ex.cost, parameter)


def delta(ex: Expressions, s: int, l: int, j: int):
    """Δ^l_j(s) = ∂C_s/∂z^l_j, through the probe on z^l_j(s) (probes not yet zeroed)."""
    probe = ex.probe[s, l, j]
    g = _swept(ex, ("example", s), ex.example_cost[s],
               [p for key, p in ex.probe.items() if key[0] == s])
    if g is not None:
        return g[probe]
    return ex.B.diff(ex.example_cost[s], probe)


def example_gradient(ex: Expressions, s: int, variable):
    """∂C_s/∂v for any symbol of the network (weights, biases, a probe)."""
    return ex.B.diff(ex.example_cost[s], variable)
