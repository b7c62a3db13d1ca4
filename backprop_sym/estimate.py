"""A rough cost estimate for a shape, so that long runs are announced before they start.

The work of a check grows with the number of terms of the expanded derivatives, which
is about the number of paths from a parameter to the outputs, times the outputs.
"""
from __future__ import annotations

from .network import Shape

# seconds per expanded term, measured on a 2-core machine (see benchmarks/)
SECONDS_PER_TERM = {"sympy": 4e-4, "symengine": 4e-6}
WARN_SECONDS = 30.0


def expanded_terms(shape: Shape) -> int:
    n, L = shape.widths, shape.L
    total = 0
    for l in range(1, L + 1):
        paths = 1
        for m in range(l + 1, L + 1):
            paths *= n[m]
        # weights and biases of layer l, each with `paths` chains of length L-l+1, and the
        # deltas of layer l (one per neuron and example)
        total += (n[l - 1] * n[l] + n[l]) * paths * (L - l + 2) * n[L]
        total += n[l] * paths * (L - l + 2) * n[L] * shape.samples
    nonlinear = sum(a != "linear" for a in shape.activations)
    if nonlinear == 0:   # linear layers keep the explicit polynomial inside
        total *= max(1, sum(n[:-1]))
    return total * shape.samples


def estimate_seconds(shape: Shape, backend: str) -> float:
    return expanded_terms(shape) * SECONDS_PER_TERM.get(backend, 4e-4)
