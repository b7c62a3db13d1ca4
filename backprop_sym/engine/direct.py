"""Direct differentiation of the explicit cost. Never uses a rule.

Δ^l_j(s) = ∂C_s/∂z^l_j is read off through the probe symbol ε^l_j(s) that
`Expressions(probes=True)` adds to z^l_j(s): Δ = ∂C_s/∂ε at ε = 0. The probes are set to
0 later, when the result is put in canonical form.
"""
from __future__ import annotations

from .network import Expressions


def cost_gradient(ex: Expressions, parameter):
    """∂𝒞/∂p for a weight or bias symbol p: the derivative of the data-set cost."""
    return ex.B.diff(ex.cost, parameter)


def delta(ex: Expressions, s: int, l: int, j: int):
    """Δ^l_j(s) = ∂C_s/∂z^l_j, through the probe on z^l_j(s) (probes not yet zeroed)."""
    return ex.B.diff(ex.example_cost[s], ex.probe[s, l, j])


def example_gradient(ex: Expressions, s: int, variable):
    """∂C_s/∂v for any symbol of the network (weights, biases, a probe)."""
    return ex.B.diff(ex.example_cost[s], variable)
