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

With SymEngine and activations whose nodes the reverse walk takes (`direct.walked`: no
exponentials), every derivative comes from one walk and a weight's or bias's check
cancels on shared nodes without expansion: a cost per check and layer, per check and
node (the atoms put in), and per expanded term of the Δ checks only (`walked_seconds`).
"""
from __future__ import annotations

import os

from . import activations
from .network import Shape

# (seconds per check, per check and node of the explicit cost, per expanded term)
COST = {"symengine": (1.5e-4, 1.5e-6, 1.8e-6), "sympy": (3.0e-3, 4.1e-6, 2.1e-5)}
# walked (see above): (per check and layer, per check and node, per expanded Δ term),
# measured at load average about 6 (two cores shared by five sessions): conservative
COST_WALKED = {"symengine": (2.5e-4, 5e-8, 3e-7)}
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


def delta_terms(shape: Shape) -> int:
    """About how many terms the expanded differences of the Δ checks have."""
    n, L = shape.widths, shape.L
    total = 0
    for l in range(1, L + 1):
        paths = 1
        for m in range(l + 1, L + 1):
            paths *= n[m]
        total += n[l] * paths * (L - l + 2) * n[L] * shape.samples
    return total * shape.samples


def walked(shape: Shape, backend: str) -> bool:
    """Whether the checks take their derivatives from the reverse walk (`direct`)."""
    return backend in COST_WALKED and not any(
        activations.get(a).uses_exp for a in shape.activations)


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
    (None: one per core, as the command line does). A shape whose layers are linear or
    generic f costs what the generic f does (`specialise`: its proofs are taken)."""
    factor = activation_factor(shape)
    if walked(shape, backend):
        per_layer, per_node, per_term = COST_WALKED[backend]
        one = (checks(shape) * (per_layer * shape.L + per_node * cost_nodes(shape))
               + delta_terms(shape) * per_term * factor)
    else:
        per_check, per_node, per_term = COST.get(backend, COST["sympy"])
        one = (checks(shape) * (per_check + per_node * cost_nodes(shape))
               + expanded_terms(shape) * per_term * factor)
    jobs = min(jobs or cores(), cores())
    if jobs <= 1 or one < PARALLEL_SECONDS:
        return one
    # the checks spread well; each worker re-derives the Δ's its checks share
    return one / jobs * 1.15 + jobs * START_SECONDS


# ---------------------------------------------------------------- a whole report

# The rest of `report`, measured with `python benchmarks/bench_report.py --phases`
# (SymEngine, 2-core machine; within a factor of about 2 like the checks):
START_SECONDS_RUN = 0.8     # starting Python, importing SymPy, SymEngine and the report
PROOF_SECONDS = 0.8         # per theorem: the symbolic proof and its cross-validation
WORKED_PER_CHECK = 2.5e-3   # per theorem and check: the worked instance (its Δ's, exact)
COLLAPSE_PER_TERM = 5e-6    # Theorem 2: per term of M = w^1 ⋯ w^L, expanded three times
RENDER_SECONDS, RENDER_PER_CHECK = 0.6, 1.5e-3     # abbreviations, tables, templates
TEX_SECONDS, TEX_PER_CHECK = 1.5, 4e-3             # the PDF build (pdflatex, twice)


def collapse_terms(shape: Shape) -> int:
    """Terms of M = w^1 ⋯ w^L (n_0 n_L entries of Π n_1..n_{L-1} terms each) and of the
    explicit output it is checked against."""
    n = shape.widths
    inner = 1
    for m in n[1:-1]:
        inner *= m
    return 3 * n[0] * n[-1] * inner


def parts_seconds(shapes: dict) -> tuple[float, float]:
    """(worked instances, collapse) of a report, in one process."""
    worked = sum(WORKED_PER_CHECK * checks(sh) for sh in shapes.values())
    collapse = sum(COLLAPSE_PER_TERM * collapse_terms(sh)
                   for kind, sh in shapes.items() if kind == "linear")
    return worked, collapse


def parts_ahead(shapes: dict, backend: str) -> bool:
    """Whether a report computes the parts that depend on the shape only (the worked
    instances, the collapse) in a process of their own, beside the checks and the
    symbolic proofs: with a second core, when those parts take long enough to pay for
    the process."""
    return cores() > 1 and sum(parts_seconds(shapes)) >= PARALLEL_SECONDS


def report_seconds(shapes: dict, backend: str, jobs: int | None = None,
                   pdf: bool = True) -> dict:
    """The parts of a `report` run and their sum ("total"), in seconds: `shapes` maps
    each theorem ("nonlinear", "linear") to its shape. A theorem whose proofs are those of
    another theorem's generic f (`specialise`) costs no checks of its own."""
    from .specialise import generic_shape
    listed = set(shapes.values())
    checks_s, proof, count = 0.0, 0.0, 0
    for shape in shapes.values():
        count += checks(shape)
        if generic_shape(shape, backend) not in listed:
            checks_s += estimate_seconds(shape, backend, jobs)
        proof += PROOF_SECONDS
    worked, collapse = parts_seconds(shapes)
    if parts_ahead(shapes, backend):
        # beside the checks, sharing the cores with them (rules of one's own excepted,
        # whose reports are small)
        worked, collapse = worked / cores(), collapse / cores()
    parts = {"start": START_SECONDS_RUN, "checks": checks_s, "proof": proof,
             "worked": worked, "collapse": collapse,
             "render": RENDER_SECONDS + RENDER_PER_CHECK * count,
             "tex": TEX_SECONDS + TEX_PER_CHECK * count if pdf else 0.0}
    parts["total"] = sum(parts.values())
    return parts
