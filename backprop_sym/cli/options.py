"""The options several commands share: the network (--widths or --depth/--width/--inputs/
--outputs, --activation, --samples, --convention) and how the checks run (--backend,
--jobs, --timeout); the cost (--cost, --reduction, --l2); the Shape and the backend they
give; the warning before a long run."""
from __future__ import annotations

import click

from ..engine import activations, costs
from ..engine.backends import BACKENDS
from ..engine.network import Shape
from .base import Fail
from .types import CONVENTION, USAGE_ERRORS, Activations, Count, Seconds, Widths

DEFAULT_WIDTHS = (2, 3, 2)


def apply(opts, fn):
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def network_options(fn):
    """--widths | --depth/--width/--inputs/--outputs, --activation, --samples, --convention."""
    return apply([
        click.option("--widths", type=Widths(), metavar="N0,N1,...,NL",
                     help="Widths of every layer, inputs first, e.g. 2,3,2 "
                          "(a net with 2 inputs, 3 hidden neurons and 2 outputs)."),
        click.option("--depth", type=Count(), metavar="L",
                     help="Number of weight layers L (use with --width; not with --widths)."),
        click.option("--width", type=Count(), metavar="N",
                     help="Width of every layer when --depth is used (default 2)."),
        click.option("--inputs", type=Count(), metavar="N0",
                     help="With --depth: number of inputs (default: --width)."),
        click.option("--outputs", type=Count(), metavar="NL",
                     help="With --depth: number of outputs (default: --width)."),
        click.option("--activation", type=Activations(), default="f", show_default=True,
                     metavar="NAME[,NAME...]",
                     help="One activation for every layer or one per layer, comma-separated. "
                          f"Known: {', '.join(activations.names())}. 'f' is a generic "
                          "undefined function: its proof holds for every differentiable f."),
        click.option("--samples", "-N", type=Count(), default=1, show_default=True,
                     help="Number of training examples N averaged in the cost."),
        click.option("--convention", type=CONVENTION, default="from-to",
                     show_default=True,
                     help="from-to: w^l_{kj} goes from neuron k to neuron j; "
                          "to-from: Nielsen's w^l_{jk}."),
    ], fn)


def shape_from_options(widths, depth, width, inputs, outputs, activation, samples,
                       convention) -> Shape:
    """The Shape the options describe, or Fail with a one-line reason."""
    if widths is not None and any(v is not None for v in (depth, width, inputs, outputs)):
        raise Fail("--widths cannot be combined with --depth/--width/--inputs/--outputs; "
                   "give either the full list or the depth")
    if widths is None:
        if depth is None:
            if any(v is not None for v in (width, inputs, outputs)):
                raise Fail("--width/--inputs/--outputs need --depth L")
            widths = DEFAULT_WIDTHS
        else:
            w = 2 if width is None else width
            widths = (inputs if inputs is not None else w,) + (w,) * (depth - 1) + \
                     (outputs if outputs is not None else w,)
    return make_shape(widths, activation, samples, convention)


def make_shape(widths, activation, samples, convention) -> Shape:
    try:
        return Shape.make(widths, activation, samples, convention)
    except USAGE_ERRORS as err:
        raise Fail(str(err)) from None


def cost_options(fn):
    """--cost, --reduction, --l2: the cost the rules are checked against."""
    listed = "; ".join(f"{c.name}: {c.text}" for c in costs.REGISTRY.values())
    return apply([
        click.option("--cost", type=click.Choice(costs.names()), default=costs.DEFAULT,
                     show_default=True,
                     help=f"The per-example cost C_x. Known: {listed}. The output rule is "
                          "Δ^L = (∂C/∂a^L) ⊙ f'(z^L); the other rules do not change."),
        click.option("--reduction", type=click.Choice(costs.REDUCTIONS),
                     default=costs.DEFAULT_REDUCTION, show_default=True,
                     help="mean: 𝒞 = (1/N) Σ_x C_x, the gradient rules carry 1/N; "
                          "sum: 𝒞 = Σ_x C_x, without it."),
        click.option("--l2", is_flag=True,
                     help="Add (λ/2N) Σ w² to the cost (λ/2 Σ w² with --reduction sum), λ "
                          "symbolic, biases not regularised: the weight rule gains (λ/N) w "
                          "(λ w with sum)."),
    ], fn)


def with_cost(shape: Shape, cost, reduction, l2) -> Shape:
    """`shape` with the cost options applied, or Fail with a one-line reason."""
    try:
        return shape.with_cost(cost, reduction, l2)
    except USAGE_ERRORS as err:
        raise Fail(str(err)) from None


def engine_options(fn):
    """--backend, --jobs, --timeout: how the checks run."""
    return apply([
        click.option("--backend", type=click.Choice(BACKENDS), default=None,
                     help="Symbolic engine for the proofs (default: symengine when installed, "
                          "else sympy). Results are the same; only speed differs."),
        click.option("--jobs", "-j", type=Count(), default=None,
                     help="At most this many processes for the checks (default and most: "
                          "the number of cores; small shapes run in one)."),
        click.option("--timeout", type=Seconds(), default=None, metavar="SECONDS",
                     help="Time budget; checks not finished by then are reported 'unknown'."),
    ], fn)


def backend_from_options(backend, jobs=None) -> str:
    """--backend resolved to an installed backend's name; --jobs above the number of cores
    is capped (by the engine) with a warning."""
    from ..engine.backends import check_backend, default_backend_name
    from ..engine.estimate import cores
    name = backend or default_backend_name()
    try:
        check_backend(name)
    except USAGE_ERRORS as err:
        raise Fail(str(err)) from None
    if jobs is not None and jobs > cores():
        click.echo(f"backprop-sym: warning: --jobs {jobs} is more than the {cores()} core(s) "
                   f"available; using {cores()}", err=True)
    return name


def warn_if_long(shapes, checks: int, backend: str, timeout, jobs=None,
                 report: dict | None = None) -> None:
    """One warning line on stderr, with the estimate, before a run expected to be long.
    For a report, `report` holds what `estimate.report_seconds` takes besides the
    backend and jobs ({"shapes": {theorem: shape}, "pdf": bool}): the whole run."""
    from ..display import duration
    from ..engine.estimate import WARN_SECONDS, estimate_seconds, report_seconds
    if report is not None:
        estimate = report_seconds(report["shapes"], backend, jobs, report["pdf"])["total"]
    else:
        estimate = sum(estimate_seconds(s, backend, jobs) for s in shapes)
    if estimate > WARN_SECONDS:
        click.echo(f"backprop-sym: warning: {shapes[0].describe()} has {checks} checks and may "
                   f"take about {duration(estimate)} with {backend}"
                   + ("" if timeout else "; use --timeout to bound it"), err=True)


def macros_option(fn):
    """--macros FILE (repeatable): definitions from a style file the document does not
    include."""
    return click.option(
        "--macros", "macros", multiple=True, metavar="FILE",
        help="A LaTeX file (a .sty or a preamble) whose \\newcommand, \\def, "
             "\\DeclareMathOperator … definitions hold for the document, as if made before "
             "its first line (for macros of a style file the document does not include); "
             "may be given again. The document's own definitions come after them.")(fn)


def macros_from_options(paths):
    """The definitions of the --macros files (claims.macros.Definitions), None without
    any; Fail (exit 2) naming a file that cannot be read or that defines nothing."""
    if not paths:
        return None
    from ..claims.macros import read_given
    try:
        return read_given(paths)
    except ValueError as err:
        raise Fail(str(err)) from None
