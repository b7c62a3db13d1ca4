"""A cost estimate for a shape, so that long runs are announced before they start.

The work of a check grows with the number of terms of its expanded canonical form:
about the number of paths from the parameter to the outputs, times the outputs (atoms
keep one factor per layer, so every activation, linear included, costs about the same).
The estimate is a fixed cost per check plus a cost per term, measured with
`benchmarks/bench.py` on the project's 2-core machine (SymEngine 0.15, SymPy 1.14), one
process; it is meant to within a factor of about 2, which is enough to warn.
"""
from __future__ import annotations

import os

from .network import Shape

# (seconds per check, seconds per expanded term), one process
COST = {"symengine": (1.5e-4, 1.8e-6), "sympy": (2.5e-3, 5.5e-5)}
# how much more an activation costs than a generic f (measured at 4,4,4,4 and 5,5,5,5,5)
ACTIVATION = {"f": 1.0, "linear": 1.0, "tanh": 1.2, "sigmoid": 2.0, "softplus": 2.0}
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


def checks(shape: Shape) -> int:
    n, L, N = shape.widths, shape.L, shape.samples
    return (n[L] * N + sum(n[1:L]) * N + sum(n[l - 1] * n[l] for l in range(1, L + 1))
            + sum(n[1:]))


def cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def estimate_seconds(shape: Shape, backend: str, jobs: int | None = None) -> float:
    """Expected wall time of the checks (not of starting Python) with `jobs` processes
    (None: one per core, as the command line does)."""
    per_check, per_term = COST.get(backend, COST["sympy"])
    factor = max(ACTIVATION.get(a, 2.0) for a in shape.activations)
    one = checks(shape) * per_check + expanded_terms(shape) * per_term * factor
    jobs = min(jobs or cores(), cores())
    if jobs <= 1 or one < PARALLEL_SECONDS:
        return one
    # the checks spread well; each worker re-derives the Δ's its checks share
    return one / jobs * 1.15 + jobs * START_SECONDS
