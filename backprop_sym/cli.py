"""The command line: parses options, calls the library, sets the exit code.

Exit codes: 0 everything proved, 1 something refuted (or ill-formed), 2 usage error,
3 something unknown and nothing refuted.
"""
from __future__ import annotations

import json
import os
import re
import sys

import click

from . import __version__
from .engine import activations
from .engine.backends import BACKENDS, BackendError, default_backend_name, get_backend
from .engine.estimate import WARN_SECONDS, estimate_seconds
from .engine.network import CONVENTIONS, Shape, ShapeError

EXIT = {"proved": 0, "refuted": 1, "unknown": 3}


class Fail(click.ClickException):
    """A usage error: one line naming what was wrong and what was expected; exit 2."""
    exit_code = 2

    def show(self, file=None):
        click.echo(f"backprop-sym: error: {self.message}", err=True)


# ---------------------------------------------------------------- shared options

def network_options(fn):
    """--widths | --depth/--width/--inputs/--outputs, --activation, --samples, --convention."""
    opts = [
        click.option("--widths", metavar="N0,N1,...,NL",
                     help="Widths of every layer, inputs first, e.g. 2,3,2 "
                          "(a net with 2 inputs, 3 hidden neurons and 2 outputs)."),
        click.option("--depth", type=int, metavar="L",
                     help="Number of weight layers L (use with --width; not with --widths)."),
        click.option("--width", type=int, metavar="N",
                     help="Width of every layer when --depth is used (default 2)."),
        click.option("--inputs", type=int, metavar="N0",
                     help="With --depth: number of inputs (default: --width)."),
        click.option("--outputs", type=int, metavar="NL",
                     help="With --depth: number of outputs (default: --width)."),
        click.option("--activation", default="f", show_default=True, metavar="NAME[,NAME...]",
                     help="One activation for every layer or one per layer, comma-separated. "
                          f"Known: {', '.join(activations.names())}. 'f' is a generic "
                          "undefined function: its proof holds for every differentiable f."),
        click.option("--samples", "-N", type=int, default=1, show_default=True,
                     help="Number of training examples N averaged in the cost."),
        click.option("--convention", type=click.Choice(CONVENTIONS), default="from-to",
                     show_default=True,
                     help="from-to: w^l_{kj} goes from neuron k to neuron j; "
                          "to-from: Nielsen's w^l_{jk}."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def shape_from_options(widths, depth, width, inputs, outputs, activation, samples,
                       convention) -> Shape:
    """The Shape the options describe, or Fail with a one-line reason."""
    try:
        if widths is not None and any(v is not None for v in (depth, width, inputs, outputs)):
            raise ShapeError("--widths cannot be combined with --depth/--width/--inputs/"
                             "--outputs; give either the full list or the depth")
        if widths is None:
            if depth is None:
                if any(v is not None for v in (width, inputs, outputs)):
                    raise ShapeError("--width/--inputs/--outputs need --depth L")
                widths = "2,3,2"
            else:
                if depth < 1:
                    raise ShapeError(f"--depth must be at least 1, got {depth}")
                w = 2 if width is None else width
                widths = [inputs if inputs is not None else w] + [w] * (depth - 1) + \
                         [outputs if outputs is not None else w]
        if isinstance(samples, int) and samples < 1:
            raise ShapeError(f"--samples must be at least 1, got {samples}")
        return Shape.make(widths, activation, samples, convention)
    except (ShapeError, activations.ActivationError) as err:
        raise Fail(str(err)) from None


def engine_options(fn):
    """--backend, --jobs, --timeout: how the checks run."""
    opts = [
        click.option("--backend", type=click.Choice(BACKENDS), default=None,
                     help="Symbolic engine for the proofs (default: symengine when installed, "
                          "else sympy). Results are the same; only speed differs."),
        click.option("--jobs", "-j", type=int, default=None,
                     help="At most this many processes for the checks (default: number of "
                          "cores; small shapes run in one)."),
        click.option("--timeout", type=float, default=None, metavar="SECONDS",
                     help="Time budget; checks not finished by then are reported 'unknown'."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def backend_from_options(backend, jobs, timeout) -> str:
    """Validate --jobs/--timeout and resolve --backend to an installed backend's name."""
    if jobs is not None and jobs < 1:
        raise Fail(f"--jobs must be at least 1, got {jobs}")
    if timeout is not None and not (0 < timeout < float("inf")):
        raise Fail(f"--timeout must be a positive, finite number of seconds, got {timeout}")
    name = backend or default_backend_name()
    try:
        get_backend(name)
    except BackendError as err:
        raise Fail(str(err)) from None
    return name


def warn_if_long(shapes, checks: int, backend: str, timeout) -> None:
    """One warning line on stderr, with the estimate, before a run expected to be long."""
    from .display import duration
    estimate = sum(estimate_seconds(s, backend) for s in shapes)
    if estimate > WARN_SECONDS:
        click.echo(f"backprop-sym: warning: {shapes[0].describe()} has {checks} checks and may "
                   f"take about {duration(estimate)} with {backend}"
                   + ("" if timeout else "; use --timeout to bound it"), err=True)


# ---------------------------------------------------------------- commands

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="backprop-sym")
def main():
    """Exact, symbolic verification of backpropagation.

    Builds the explicit expressions of a small network with SymPy, differentiates its
    squared-error cost directly, and proves (or refutes, with a witness) the closed-form
    rules for Δ, ∂C/∂w and ∂C/∂b. No floating-point tolerance decides anything.

    \b
    Examples:
      backprop-sym verify --widths 2,3,2 --activation sigmoid
      backprop-sym verify --depth 3 --width 4 --json
      backprop-sym report --widths 2,3,2 --out reports/two-layer.pdf
      backprop-sym check derivations/mistakes.md

    Run 'backprop-sym COMMAND --help' for the options of each command.
    """


@main.command(short_help="Prove the four backprop rules for one network.")
@network_options
@engine_options
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document on stdout and nothing else.")
def verify(widths, depth, width, inputs, outputs, activation, samples, convention,
           backend, jobs, timeout, as_json):
    """Prove the four backprop rules for one network, instance by instance.

    Every instance of output_delta, hidden_delta, weight_grad and bias_grad is checked:
    the direct derivative minus the rule's closed form must reduce to exactly 0
    (proved); otherwise a witness is sought (refuted); otherwise it is unknown.

    \b
    Examples:
      backprop-sym verify --widths 2,3,2 --activation sigmoid
      backprop-sym verify --depth 3 --width 4                 # L=3, every width 4
      backprop-sym verify --depth 3 --width 4 --inputs 2 --outputs 1
      backprop-sym verify --widths 3,2,4,2 --activation tanh,linear,f --samples 3 --json
      backprop-sym verify --widths 2,2 --activation linear --convention to-from

    Exit status: 0 all proved, 1 something refuted, 3 something unknown, 2 usage error.
    """
    from .engine.verify import plan, verify as run
    from . import display

    shape = shape_from_options(widths, depth, width, inputs, outputs, activation, samples,
                               convention)
    backend_name = backend_from_options(backend, jobs, timeout)
    warn_if_long([shape], len(plan(shape)), backend_name, timeout)
    with display.progress(len(plan(shape)), enabled=not as_json and sys.stderr.isatty()) as tick:
        result = run(shape, backend=backend_name, jobs=jobs or os.cpu_count(), timeout=timeout,
                     progress=tick)
    if as_json:
        click.echo(result.dumps())
    else:
        display.print_result(result)
    sys.exit(EXIT[result.status])



# ---------------------------------------------------------------- check


def parse_shapes(specs) -> tuple[tuple[int, ...], ...]:
    """('2,3,4,2;3,2,2,3', ...) or ('2,3,4,2', '3,2,2,3') -> widths tuples."""
    from .engine.network import parse_widths
    out = []
    for spec in specs:
        for part in re.split(r"[;\s]+", spec.strip()):
            if part:
                try:
                    out.append(parse_widths(part))
                except ShapeError as err:
                    raise Fail(f"--shapes: {err}") from None
    if not out:
        raise Fail("--shapes needs at least one list of widths, e.g. 2,3,4,2")
    return tuple(out)


@main.command()
@click.argument("file", required=False, metavar="[FILE]")
@click.option("--claim", metavar="LATEX",
              help="Check one equation given on the command line instead of a file.")
@click.option("--convention", type=click.Choice(CONVENTIONS), default="from-to",
              show_default=True,
              help="from-to: w^l_{kj} goes from neuron k to neuron j; to-from: Nielsen's "
                   "w^l_{jk}.")
@click.option("--activation", default="f", show_default=True, metavar="NAME",
              help=f"The activation f (and σ). Known: {', '.join(activations.names())}. An "
                   "equation such as f(z) = z in the file sets it from that line on.")
@click.option("--shapes", multiple=True, metavar="N0,...,NL[;...]",
              help="Widths of the networks every claim is checked on, separated by ';' or "
                   "given again (default: 2,3,4,2 and 3,2,2,3,4: depths 3 and 4, mostly non-square).")
@click.option("--backend", type=click.Choice(BACKENDS), default=None,
              help="Symbolic engine (default: symengine when installed, else sympy).")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document on stdout and nothing else.")
def check(file, claim, convention, activation, shapes, backend, as_json):
    """Check a derivation written in LaTeX, claim by claim.

    Reads every display equation of FILE (Markdown: $$ … $$, \\[ … \\]; LaTeX: equation,
    align, \\[ \\]), or the one equation given with --claim. Each equation A = B (A = B = C
    gives A = B and B = C; each align row is its own) is a claim about every instance of its
    free indices, checked against direct differentiation of C = ½‖a^L − y‖² at several
    network shapes. Verdicts: proved, refuted (with a witness, and a hint when a common
    repair makes it hold), ill-formed (with the reason), skipped (prose, \\dots, an
    activation declaration), unknown.

    \b
    Examples:
      backprop-sym check derivations/backprop.md
      backprop-sym check notes.tex --convention to-from
      backprop-sym check --claim '\\Delta_j^l = \\sum_k w_{jk}^{l+1} \\Delta_k^{l+1} f'"'"'(z_j^l)'
      backprop-sym check FILE --activation linear --json

    Exit status: 0 every claim proved (skipped ones listed), 1 something refuted or
    ill-formed, 3 something unknown, 2 usage error or unreadable file.
    """
    import time
    from .claims import check as C
    from .claims.documents import kind_of

    if (file is None) == (claim is None):
        raise Fail("give either a FILE or --claim LATEX (exactly one)")
    widths = parse_shapes(shapes) if shapes else C.DEFAULT_SHAPES
    try:
        for w in widths:
            Shape.make(w, activation, 1, convention)
        from .engine.backends import get_backend
        get_backend(backend)
    except (ShapeError, activations.ActivationError, BackendError) as err:
        raise Fail(str(err)) from None
    options = dict(shapes=widths, activation=activation, convention=convention, backend=backend)
    t0 = time.perf_counter()
    if claim is not None:
        result = C.check_claim(claim, **options)
    else:
        try:
            text = sys.stdin.read() if file == "-" else open(file, encoding="utf-8").read()
        except (OSError, UnicodeDecodeError) as err:
            raise Fail(f"cannot read {file}: {getattr(err, 'strerror', None) or err}") from None
        result = C.check_text(text, kind_of(file), **options)
    doc = C.document(file, result, C._options(**options), time.perf_counter() - t0)
    if as_json:
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        click.echo(C.format_text(doc, color=sys.stdout.isatty()))
    sys.exit(C.EXIT[doc["status"]])


@main.command()
@network_options
@click.option("--out", "-o", "out", required=True, metavar="FILE.pdf|FILE.tex",
              type=click.Path(dir_okay=False),
              help="Where to write the report: FILE.pdf writes FILE.tex and compiles FILE.pdf; "
                   "FILE.tex writes the LaTeX source only.")
@click.option("--only", type=click.Choice(["nonlinear", "linear"]), default=None,
              help="Prove only Theorem 1 (nonlinear f) or only Theorem 2 (linear f); "
                   "default: both.")
@click.option("--force", is_flag=True, help="Overwrite FILE.tex/FILE.pdf if they exist.")
@click.option("--title", default=None, metavar="TEXT",
              help="Title printed on the report (plain text; LaTeX characters are escaped).")
@engine_options
@click.option("--claims", "claims_path", default=None, metavar="FILE",
              help="Also check the display equations of FILE (Markdown or LaTeX, as "
                   "'backprop-sym check' does) and add a section with each claim, its verdict, "
                   "and the witness and hint of refuted ones.")
def report(widths, depth, width, inputs, outputs, activation, samples, convention, out, only,
           force, title, backend, jobs, timeout, claims_path):
    """Write a LaTeX/PDF proof report for one network.

    The report states the backprop rules as Theorem 1 (nonlinear f: the requested
    activation, or a generic f when only 'linear' is asked for) and Theorem 2 (linear f,
    with the network collapsed to one affine map), proves them in general form, and
    backs every claim with the checks of this run: the explicit network, one worked
    instance, and a table of every instance. Anything refuted or unknown comes first.

    \b
    Examples:
      backprop-sym report --widths 2,3,2 --activation f --out reports/two-layer.pdf
      backprop-sym report --depth 3 --width 2 --activation linear --out reports/linear.tex
      backprop-sym report --widths 2,2,2 --activation f,linear --only nonlinear -o r.pdf
      backprop-sym report --widths 2,3,2 --claims derivations/backprop.md -o r.pdf

    Exit status: 0 all proved (and the PDF built), 1 something refuted, 3 something
    unknown, 2 usage error or LaTeX build failure (the log is kept as FILE.log),
    4 no TeX installed (FILE.tex is written; install TeX to build the PDF).
    """
    from pathlib import Path

    from . import display
    from .report import latex
    from .report.render import default_command, make_report, plan_size

    shape = shape_from_options(widths, depth, width, inputs, outputs, activation, samples,
                               convention)
    backend_name = backend_from_options(backend, jobs, timeout)
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in (".tex", ".pdf"):
        raise Fail(f"--out {out!r} must end in .pdf (source and PDF) or .tex (source only)")
    tex_path, pdf_path = path.with_suffix(".tex"), (path if suffix == ".pdf" else None)
    for target in (tex_path, pdf_path):
        if target is not None and target.exists() and not force:
            raise Fail(f"{target} already exists; use --force to overwrite it")
    if path.parent.exists() and not path.parent.is_dir():
        raise Fail(f"{path.parent} is not a directory")

    checked_claims = None
    if claims_path is not None:
        from .claims import check as C
        from .claims.documents import kind_of
        try:
            text = open(claims_path, encoding="utf-8").read()
        except (OSError, UnicodeDecodeError) as err:
            raise Fail(f"cannot read {claims_path}: "
                       f"{getattr(err, 'strerror', None) or err}") from None
        uniform = len(set(shape.activations)) == 1
        checked_claims = C.check_text(text, kind_of(claims_path), convention=shape.convention,
                                      activation=shape.activations[0] if uniform else "f",
                                      backend=backend_name)

    warn_if_long(_theorem_shapes(shape, only), plan_size(shape, only), backend_name, timeout)
    with display.progress(plan_size(shape, only), enabled=sys.stderr.isatty()) as tick:
        rep = make_report(shape, only=only, backend=backend_name,
                          jobs=jobs or os.cpu_count(), timeout=timeout, title=title,
                          command=default_command(shape, only), progress=tick,
                          claims=checked_claims, claims_file=claims_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tex_path.write_text(rep.tex, encoding="utf-8")
    written = [str(tex_path)]
    if pdf_path is not None:
        if not latex.have_tex():
            click.echo(f"backprop-sym: {latex.INSTALL_HINT}; wrote {tex_path} only", err=True)
            sys.exit(4)
        build = latex.build_pdf(rep.tex, name=tex_path.stem)
        if not build.ok:
            log_path = path.with_suffix(".log")
            log_path.write_text(build.log, encoding="utf-8")
            where = build.error or f"{tex_path.name}: LaTeX failed"
            if where.startswith(tex_path.name + ":"):
                where = str(tex_path) + where[len(tex_path.name):]
            click.echo(f"backprop-sym: error: {where} (log: {log_path})", err=True)
            sys.exit(2)
        pdf_path.write_bytes(build.pdf)
        written.append(str(pdf_path))
        wide = [w for w in build.overfull() if w > 1.0]
        if wide:
            click.echo(f"backprop-sym: warning: {len(wide)} line(s) run into the margin "
                       f"(up to {max(wide):.1f}pt)", err=True)
    status = EXIT[rep.status]
    summary = rep.summary()
    if checked_claims is not None:
        claims_status = C.overall(checked_claims)
        summary += f"; claims from {claims_path}: {claims_status}"
        status = max(status, C.EXIT[claims_status], key=lambda c: (c == 1, c == 3, c))
    click.echo(f"wrote {' and '.join(written)}: {summary}")
    sys.exit(status)


def _theorem_shapes(shape, only):
    from .report.render import theorem_shapes
    return list(theorem_shapes(shape, only).values())

if __name__ == "__main__":
    main()


# ---------------------------------------------------------------- prove

@main.command(short_help="Prove the four rules for every depth and width.")
@click.option("--activation", default="f", show_default=True, metavar="NAME",
              help=f"The activation of every layer. Known: {', '.join(activations.names())}.")
@click.option("--convention", type=click.Choice(CONVENTIONS), default="from-to",
              show_default=True,
              help="from-to: w^l_{kj} goes from neuron k to neuron j; to-from: Nielsen's w^l_{jk}.")
@click.option("--rule", "rule_specs", multiple=True, metavar="KIND=MODULE:FUNC",
              help="A rule of your own (same signature as verify's rules_override), e.g. "
                   "hidden_delta=my_rules.py:hidden; KIND is output_delta, hidden_delta, "
                   "weight_grad or bias_grad. Repeatable.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document on stdout and nothing else.")
def prove(activation, convention, rule_specs, as_json):
    """Prove the four backprop rules for every depth L ≥ 1 and all widths n_0..n_L.

    A chain of steps with symbolic widths: (a)-(d) the local derivatives, derived by
    SymPy from the layer definitions; (e) the dependency graph; (f) the chain rule (the
    one cited lemma); (g) induction on l and the average over N. Each rule is checked
    against the steps; a wrong rule is refuted at the step it breaks, with a witness
    from the explicit network. The steps are cross-validated against the explicit
    network at five shapes.

    \b
    Examples:
      backprop-sym prove
      backprop-sym prove --activation linear --convention to-from --json
      backprop-sym prove --rule hidden_delta=my_rules.py:hidden

    Exit status: 0 proved, 1 refuted, 3 unknown, 2 usage error.
    """
    from .engine import prove as P

    try:
        activations.get(activation)
        overrides = dict(P.load_rule(spec) for spec in rule_specs)
    except (activations.ActivationError, ValueError) as err:
        raise Fail(str(err)) from None
    proof = P.prove(activation, convention, overrides)
    if as_json:
        click.echo(json.dumps(proof.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(P.format_text(proof))
    sys.exit(EXIT[proof.status])
