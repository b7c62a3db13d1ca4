"""A cost estimate for a shape, so that long runs are announced before they start.

The work of a check has two parts. Each derivative walks the whole explicit cost
(differentiating it, then replacing atoms and probes): a cost per check and node of the
cost, which dominates wide, shallow nets (100,100: 10^4 checks of a 10^4-node cost).
Then its canonical form is expanded: a cost per term, about the number of paths from
the parameter to the outputs times the outputs (atoms keep one factor per layer, so
every activation, linear included, costs about the same), which dominates deep nets.
The coefficients are measured with `benchmarks/calibrate_estimate.py` on the project's
2-core machine (SymEngine 0.15, SymPy 1.14), one process; the estimate is meant to
within a factor of about 2, which is enough to warn.
"""
from __future__ import annotations

import os

from . import activations
from .network import Shape

# (seconds per check, per check and node of the explicit cost, per expanded term)
COST = {"symengine": (1.5e-4, 1.5e-6, 1.8e-6), "sympy": (3.0e-3, 4.1e-6, 2.1e-5)}
WARN_SECONDS = 30.0
# below this, one process: starting workers and re-deriving shared Δ's would cost more
PARALLEL_SECONDS = 1.5
START_SECONDS = 0.05        # forking one worker process


def expanded_terms(shape: Shape) -> int:
    """About how many terms the expanded canonical forms of all checks have."""
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
    return total * shape.samples


def cost_nodes(shape: Shape) -> int:
    """About the size of the explicit cost: every weight and bias once per example.
    Each derivative walks it (differentiation, then atoms and probes replaced)."""
    n = shape.widths
    return shape.samples * sum(n[l - 1] * n[l] + n[l] for l in range(1, shape.L + 1))


def checks(shape: Shape) -> int:
    n, L, N = shape.widths, shape.L, shape.samples
    return (n[L] * N + sum(n[1:L]) * N + sum(n[l - 1] * n[l] for l in range(1, L + 1))
            + sum(n[1:]))


def activation_factor(shape: Shape) -> float:
    """How much more the shape's costliest activation costs than a generic f (each
    activation's registered `cost`, measured at 4,4,4,4 and 5,5,5,5,5)."""
    return max(activations.get(a).cost for a in shape.activations)


def cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def estimate_seconds(shape: Shape, backend: str, jobs: int | None = None) -> float:
    """Expected wall time of the checks (not of starting Python) with `jobs` processes
    (None: one per core, as the command line does)."""
    per_check, per_node, per_term = COST.get(backend, COST["sympy"])
    factor = activation_factor(shape)
    one = (checks(shape) * (per_check + per_node * cost_nodes(shape))
           + expanded_terms(shape) * per_term * factor)
    jobs = min(jobs or cores(), cores())
    if jobs <= 1 or one < PARALLEL_SECONDS:
        return one
    # the checks spread well; each worker re-derives the Δ's its checks share
    return one / jobs * 1.15 + jobs * START_SECONDS
