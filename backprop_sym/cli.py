"""The command line: parses options, calls the library, sets the exit code.

Exit codes: 0 everything proved, 1 something refuted (or ill-formed), 2 usage error,
3 something unknown and nothing refuted, 4 no TeX (report); and for ends that are no
verdict: 70 internal error, 130 Ctrl-C, 141 output pipe closed, 143 SIGTERM.
"""
from __future__ import annotations

import contextlib
import json
import shlex
import os
import re
import signal
import sys
import threading
import traceback

import click

from . import __version__
from .engine import activations
from .engine.backends import BACKENDS, BackendError, check_backend, default_backend_name
from .engine.estimate import WARN_SECONDS, cores, estimate_seconds
from .engine.network import CONVENTIONS, Shape, ShapeError
from .schemas import VERSION as SCHEMA_VERSION
from .terminal import color

EXIT = {"proved": 0, "refuted": 1, "unknown": 3}
MAX_TITLE = 200              # characters of a report's --title


class Fail(click.ClickException):
    """A usage error: one line naming what was wrong and what was expected; exit 2."""
    exit_code = 2

    def show(self, file=None):
        click.echo(f"backprop-sym: error: {self.message}", err=True)


def complete_activation(ctx, param, incomplete: str) -> list:
    """Shell completion of --activation: the registered names; in a comma-separated list,
    the last item."""
    from click.shell_completion import CompletionItem
    head, _, last = incomplete.rpartition(",")
    prefix = head + "," if head else ""
    return [CompletionItem(prefix + name) for name in activations.names()
            if name.startswith(last)]


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
        click.option("--activation", default="f", show_default=True,
                     shell_complete=complete_activation, metavar="NAME[,NAME...]",
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
                     help="At most this many processes for the checks (default and most: "
                          "the number of cores; small shapes run in one)."),
        click.option("--timeout", type=float, default=None, metavar="SECONDS",
                     help="Time budget; checks not finished by then are reported 'unknown'."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def backend_from_options(backend, jobs, timeout) -> str:
    """Validate --jobs/--timeout and resolve --backend to an installed backend's name.
    --jobs above the number of cores is capped (by the engine) with a warning."""
    if jobs is not None and jobs < 1:
        raise Fail(f"--jobs must be at least 1, got {jobs}")
    if timeout is not None and not (0 < timeout < float("inf")):
        raise Fail(f"--timeout must be a positive, finite number of seconds, got {timeout}")
    name = backend or default_backend_name()
    try:
        check_backend(name)
    except BackendError as err:
        raise Fail(str(err)) from None
    if jobs is not None and jobs > cores():
        click.echo(f"backprop-sym: warning: --jobs {jobs} is more than the {cores()} core(s) "
                   f"available; using {cores()}", err=True)
    return name


def warn_if_long(shapes, checks: int, backend: str, timeout, jobs=None) -> None:
    """One warning line on stderr, with the estimate, before a run expected to be long."""
    from .display import duration
    estimate = sum(estimate_seconds(s, backend, jobs) for s in shapes)
    if estimate > WARN_SECONDS:
        click.echo(f"backprop-sym: warning: {shapes[0].describe()} has {checks} checks and may "
                   f"take about {duration(estimate)} with {backend}"
                   + ("" if timeout else "; use --timeout to bound it"), err=True)


# ---------------------------------------------------------------- the entry point

INTERNAL_ERROR, INTERRUPTED, BROKEN_PIPE, TERMINATED = 70, 130, 141, 143
DEBUG_ENV = "BACKPROP_SYM_DEBUG"     # set to 1 to see the traceback of an internal error


class Terminated(SystemExit):
    """Raised in the main process by SIGTERM, so that `finally` blocks run on the way out."""


@contextlib.contextmanager
def sigterm_exits():
    """While the command runs, SIGTERM raises Terminated(143) in this process; a forked
    worker that receives it dies as by default, and a second SIGTERM is ignored while
    the first one unwinds (so that the workers still get killed)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def on_sigterm(signum, frame):
        if os.getpid() != owner:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Terminated(TERMINATED)

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def stop(message: str, code: int):
    click.echo(f"backprop-sym: {message}", err=True)
    raise SystemExit(code)


class Main(click.Group):
    """The command group, with an exit code for every end that is no verdict: an
    unexpected exception exits 70 with one line (no traceback unless BACKPROP_SYM_DEBUG
    is set), Ctrl-C 130, SIGTERM 143, a closed output pipe 141. Used by the
    `backprop-sym` script, `python -m backprop_sym` and CliRunner alike."""

    def main(self, *args, **kwargs):
        from .terminal import ascii_fallback
        ascii_fallback()
        try:
            with sigterm_exits():
                try:
                    return super().main(*args, **kwargs)
                finally:
                    sys.stdout.flush()
        except Terminated:
            stop("terminated", TERMINATED)
        except BrokenPipeError:
            _silence_stdout()
            raise SystemExit(BROKEN_PIPE) from None

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except BrokenPipeError:         # --help or --version into a closed pipe
            _silence_stdout()
            raise SystemExit(BROKEN_PIPE) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo(err=True)          # ends the terminal's ^C
            stop("interrupted", INTERRUPTED)
        except BrokenPipeError:
            _silence_stdout()
            raise SystemExit(BROKEN_PIPE) from None
        except Exception as err:
            if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
                traceback.print_exc()
            first = (str(err).strip().splitlines() or [""])[0]
            stop(f"internal error: {type(err).__name__}{': ' + first if first else ''}"
                 " — please report this with the command you ran", INTERNAL_ERROR)


def _silence_stdout():
    """After the reader of stdout went away: no second error when Python flushes it."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


# ---------------------------------------------------------------- commands

@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
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
    shape = shape_from_options(widths, depth, width, inputs, outputs, activation, samples,
                               convention)
    backend_name = backend_from_options(backend, jobs, timeout)
    from .engine.verify import plan, verify as run
    from . import display

    warn_if_long([shape], len(plan(shape)), backend_name, timeout, jobs)
    with display.progress(len(plan(shape)), enabled=not as_json and sys.stderr.isatty()) as tick:
        result = run(shape, backend=backend_name, jobs=jobs, timeout=timeout, progress=tick)
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


def parse_samples(spec: str) -> tuple[int, ...]:
    """'1,2,3' -> (1, 2, 3): example counts, each at least 1."""
    try:
        out = tuple(int(p) for p in spec.split(","))
    except ValueError:
        raise Fail(f"--samples {spec!r}: expected a list of example counts such as 1,2,3")
    if any(n < 1 for n in out):
        raise Fail(f"--samples {spec!r}: every example count must be at least 1")
    return tuple(sorted(set(out)))


@main.command()
@click.argument("file", required=False, metavar="[FILE]")
@click.option("--claim", metavar="LATEX",
              help="Check one equation given on the command line instead of a file.")
@click.option("--convention", type=click.Choice(CONVENTIONS), default=None,
              help="from-to: w^l_{kj} goes from neuron k to neuron j; to-from: Nielsen's "
                   "w^l_{jk}. Default: read from the file's definition of z, else from-to.")
@click.option("--activation", default="f", show_default=True,
              shell_complete=complete_activation, metavar="NAME",
              help=f"The activation f (and σ). Known: {', '.join(activations.names())}. An "
                   "equation such as f(z) = z in the file sets it from that line on.")
@click.option("--weight-layer", type=click.Choice(["0", "1"]), default=None,
              help="1: W^(l), b^(l) feed layer l+1 (UFLDL, CS229). Default: read from the file.")
@click.option("--index-base", type=click.Choice(["0", "1"]), default=None,
              help="The first neuron index. Default: read from the file (an index 0 means 0).")
@click.option("--cost", type=click.Choice(["example", "average"]), default=None,
              help="C is one example's cost or the average over the examples. Default: read "
                   "from the file's definition of C, else one example's.")
@click.option("--shapes", multiple=True, metavar="N0,...,NL[;...]",
              help="Check every claim at exactly these widths, separated by ';' or given "
                   "again (default: chosen per claim: several depths, and widths above every "
                   "constant the claim contains).")
@click.option("--samples", "samples_spec", metavar="N1,N2,...",
              help="The example counts N for claims about 𝒞, N or Σ_x (default: 1,2,3 and "
                   "one above every constant the claim contains).")
@click.option("--backend", type=click.Choice(BACKENDS), default=None,
              help="Symbolic engine (default: symengine when installed, else sympy).")
@click.option("--timeout", type=float, default=None, metavar="SECONDS",
              help="Wall-clock budget; claims not finished by then are 'unknown' (time "
                   "budget exhausted).")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document on stdout and nothing else (--format json).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "gcc"]),
              default=None, help="text (default); json; gcc: one line per claim, "
              "FILE:LINE:1: error|warning|note: VERDICT: why, for editors and CI.")
def check(file, claim, convention, activation, weight_layer, index_base, cost, shapes,
          samples_spec, backend, timeout, as_json, output_format):
    """Check a derivation written in LaTeX, claim by claim.

    Reads every display equation of FILE (Markdown, LaTeX, HTML with MathJax, or a Jupyter
    notebook's markdown cells; macros are expanded, and common notations are read), or the one equation given with --claim. Each equation A = B (A = B = C
    gives A = B and B = C; each align row is its own) is a claim about every instance of its
    free indices, checked against direct differentiation of C = ½‖a^L − y‖² at network
    shapes chosen against the claim; every verdict says at which shapes (and N) it holds.
    Verdicts: proved, refuted (with a witness, and a hint when a common repair makes it
    hold), ill-formed (with the reason), skipped (prose, \\dots, an activation
    declaration), unknown.

    \b
    Examples:
      backprop-sym check derivations/backprop.md
      backprop-sym check notes.tex --convention to-from
      backprop-sym check --claim '\\Delta_j^l = \\sum_k w_{jk}^{l+1} \\Delta_k^{l+1} f'"'"'(z_j^l)'
      backprop-sym check FILE --activation linear --json
      backprop-sym check FILE --format gcc        # FILE:LINE:1: error: refuted: ...
      backprop-sym check FILE --shapes '2,3,2;3,4,5,2' --samples 1,2,5 --timeout 60

    Exit status: 0 every claim proved (skipped ones listed), 1 something refuted or
    ill-formed, 3 something unknown, 5 nothing checked (with the reason), 2 usage error or
    unreadable file.
    """
    import time

    if (file is None) == (claim is None):
        raise Fail("give either a FILE or --claim LATEX (exactly one)")
    if as_json and output_format not in (None, "json"):
        raise Fail(f"--json and --format {output_format} disagree; give one of them")
    output_format = "json" if as_json else output_format or "text"
    as_json = output_format != "text"                   # no progress bar, no colour
    widths = parse_shapes(shapes) if shapes else None
    samples = parse_samples(samples_spec) if samples_spec is not None else None
    backend_from_options(backend, None, timeout)
    try:
        for w in widths or ((2, 2),):
            Shape.make(w, activation, 1, convention or "from-to")
    except (ShapeError, activations.ActivationError) as err:
        raise Fail(str(err)) from None
    from . import display
    from .claims import check as C
    from .claims import documents

    options = dict(shapes=widths, samples=samples, activation=activation,
                   convention=convention, backend=backend)
    t0 = time.perf_counter()
    if claim is not None:
        text, kind, total = claim, None, 1
    else:
        try:
            text = sys.stdin.read() if file == "-" else open(file, encoding="utf-8").read()
        except (OSError, UnicodeDecodeError) as err:
            raise Fail(f"cannot read {file}: {getattr(err, 'strerror', None) or err}") from None
        kind = documents.kind_of(file)
        try:
            body = documents.notebook_markdown(text)[0] if kind == documents.NOTEBOOK else text
        except ValueError as err:                   # a notebook that is none
            raise Fail(f"cannot read {file}: {err}") from None
        total = len(documents.rows(body, kind))
    with display.progress(total, enabled=not as_json and sys.stderr.isatty(),
                          label="checking") as tick:
        if claim is not None:
            result = C.check_claim(text, progress=tick, timeout=timeout, **options)
        else:
            result = C.check_text(text, kind, progress=tick, timeout=timeout,
                                  weight_layer=weight_layer, index_base=index_base, cost=cost,
                                  **options)
            options["convention"] = result.notes.get("convention", convention)
    options["convention"] = options["convention"] or "from-to"
    doc = C.document(file, result, C._options(**options), time.perf_counter() - t0)
    if output_format == "json":
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    elif output_format == "gcc":
        if doc["claims"]:
            click.echo(C.format_gcc(doc))
        click.echo(C.format_text(doc).rsplit("\n", 1)[-1], err=True)    # the summary
    else:
        click.echo(C.format_text(doc, color=color(sys.stdout)))
    sys.exit(C.EXIT[doc["status"]])


@main.command()
@network_options
@click.option("--out", "-o", "out", required=True, metavar="FILE.pdf|FILE.tex",
              help="Where to write the report: FILE.pdf writes FILE.tex and compiles FILE.pdf "
                   "(and keeps FILE.log if the build fails); FILE.tex writes the LaTeX "
                   "source only. The directory must exist.")
@click.option("--only", type=click.Choice(["nonlinear", "linear"]), default=None,
              help="Prove only Theorem 1 (nonlinear f) or only Theorem 2 (linear f); "
                   "default: both.")
@click.option("--force", is_flag=True,
              help="Overwrite FILE.tex, FILE.pdf and FILE.log if they exist (without it, "
                   "the command refuses to start when any of them does).")
@click.option("--title", default=None, metavar="TEXT",
              help="Title printed on the report (plain text, at most 200 characters; LaTeX "
                   "characters are escaped).")
@engine_options
@click.option("--claims", "claims_path", default=None, metavar="FILE",
              help="Also check the display equations of FILE (Markdown or LaTeX, as "
                   "'backprop-sym check' does) and add a section with each claim, its verdict, "
                   "and the witness and hint of refuted ones.")
@click.option("--timings", is_flag=True,
              help="Print the measured time of every check (without it the report leaves "
                   "times out, so the same command gives the same document).")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document on stdout and nothing else: the files written, "
                   "the build, each theorem's checks (as verify --json) and the claims (as "
                   "check --json).")
def report(widths, depth, width, inputs, outputs, activation, samples, convention, out, only,
           force, title, backend, jobs, timeout, claims_path, timings, as_json):
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
    4 no TeX installed (FILE.tex is written; install TeX to build the PDF); 70 internal
    error, 130 Ctrl-C, 143 SIGTERM.
    """
    shape = shape_from_options(widths, depth, width, inputs, outputs, activation, samples,
                               convention)
    backend_name = backend_from_options(backend, jobs, timeout)
    if title is not None and len(title) > MAX_TITLE:
        raise Fail(f"--title is {len(title)} characters long; give at most {MAX_TITLE}")
    tex_path, pdf_path, log_path = output_files(out, force)
    from . import display
    from .report import latex
    from .report.render import make_report, plan_size, report_command

    claims_text = read_text(claims_path, "the --claims file") if claims_path is not None else None

    checked_claims = None
    if claims_text is not None:
        from .claims import check as C
        from .claims.documents import kind_of
        uniform = len(set(shape.activations)) == 1
        checked_claims = C.check_text(claims_text, kind_of(claims_path),
                                      convention=shape.convention,
                                      activation=shape.activations[0] if uniform else "f",
                                      backend=backend_name)

    warn_if_long(_theorem_shapes(shape, only), plan_size(shape, only), backend_name, timeout)
    command = report_command(shape, only=only, claims=claims_path, title=title,
                             timings=timings, backend=backend, timeout=timeout)
    with display.progress(plan_size(shape, only),
                          enabled=not as_json and sys.stderr.isatty()) as tick:
        rep = make_report(shape, only=only, backend=backend_name,
                          jobs=jobs or os.cpu_count(), timeout=timeout, title=title,
                          command=command, progress=tick, timings=timings,
                          claims=checked_claims, claims_file=claims_path)
    write_file(tex_path, rep.tex.encode("utf-8"))
    files = {"tex": str(tex_path), "pdf": None, "log": None}
    built = {"ok": None, "error": None, "overfull": 0}
    code = None
    if pdf_path is not None:
        if not latex.have_tex():
            click.echo(f"backprop-sym: {latex.INSTALL_HINT}; wrote {tex_path} only", err=True)
            built["error"], code = latex.INSTALL_HINT, 4
        else:
            build = latex.build_pdf(rep.tex, source_name=str(tex_path))
            built["ok"] = build.ok
            if not build.ok:
                write_file(log_path, build.log.encode("utf-8"))
                files["log"] = str(log_path)
                click.echo(f"backprop-sym: error: {build.error} (log: {log_path})", err=True)
                built["error"], code = build.error, 2
            else:
                write_file(pdf_path, build.pdf)
                files["pdf"] = str(pdf_path)
                wide = [w for w in build.overfull() if w > 1.0]
                built["overfull"] = len(wide)
                if wide:
                    click.echo(f"backprop-sym: warning: {len(wide)} line(s) run into the "
                               f"margin (up to {max(wide):.1f}pt)", err=True)
    status = EXIT[rep.status]
    summary = rep.summary()
    claims_doc = None
    if checked_claims is not None:
        claims_status = C.overall(checked_claims)
        summary += f"; claims from {claims_path}: {claims_status}"
        status = max(status, C.EXIT[claims_status], key=lambda c: (c == 1, c == 3, c))
        claims_doc = C.document(claims_path, checked_claims, C._options(
            activation=shape.activations[0] if uniform else "f", convention=shape.convention,
            backend=backend_name))
    if as_json:
        overall = {0: "proved", 1: "refuted", 3: "unknown"}[status]
        click.echo(json.dumps({
            "schema_version": SCHEMA_VERSION, "command": f"{command} --out {shlex.quote(out)}",
            "status": overall, "files": files,
            "build": built, "theorems": {k: r.to_json() for k, r in rep.results.items()},
            "claims": claims_doc}, indent=2, ensure_ascii=False))
    elif code is None:
        written = [p for p in (files["tex"], files["pdf"]) if p]
        click.echo(f"wrote {' and '.join(written)}: {summary}")
    sys.exit(code if code is not None else status)


def output_files(out: str, force: bool):
    """FILE.tex, and for FILE.pdf also FILE.pdf and FILE.log (the log is written only when
    the build fails), checked before any work: the directory exists, no target is a
    directory or exists (unless --force), and each can be written. Fail otherwise."""
    from pathlib import Path
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in (".tex", ".pdf"):
        raise Fail(f"--out {out!r} must end in .pdf (source and PDF) or .tex (source only)")
    folder = path.parent
    if not folder.exists():
        raise Fail(f"--out {out!r}: the directory {folder} does not exist (create it first)")
    if not folder.is_dir():
        raise Fail(f"--out {out!r}: {folder} is not a directory")
    tex_path = path.with_suffix(".tex")
    pdf_path, log_path = (path, path.with_suffix(".log")) if suffix == ".pdf" else (None, None)
    for target in (tex_path, pdf_path, log_path):
        if target is None:
            continue
        if target.is_dir():
            raise Fail(f"{target} is a directory; --out needs a file name")
        exists = target.exists() or target.is_symlink()
        if exists and not force:
            why = " (it is written when the LaTeX build fails)" if target == log_path else ""
            raise Fail(f"{target} already exists{why}; use --force to overwrite it")
        try:
            if exists:      # opened for writing, not truncated: its content stays
                os.close(os.open(target, os.O_WRONLY))
            else:           # created and removed at once: nothing is left
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
                os.unlink(target)
        except OSError as err:
            raise Fail(f"cannot write {target}: {err.strerror or err}") from None
    return tex_path, pdf_path, log_path


def write_file(path, data: bytes) -> None:
    """Write one of the files the user named; an OS error (a read-only file system, a full
    disk) is a one-line error, exit 2."""
    try:
        path.write_bytes(data)
    except OSError as err:
        raise Fail(f"cannot write {path}: {err.strerror or err}") from None


def read_text(path: str, what: str) -> str:
    """The UTF-8 text of a file the user named, or Fail saying why it cannot be read."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except UnicodeDecodeError as err:
        reason = f"not UTF-8 text ({err.reason} at byte {err.start})"
    except OSError as err:
        reason = err.strerror or str(err)
    raise Fail(f"cannot read {what} {path}: {reason}")


def _theorem_shapes(shape, only):
    from .report.render import theorem_shapes
    return list(theorem_shapes(shape, only).values())



# ---------------------------------------------------------------- grade

@main.command(short_help="Prove submissions' backward functions (EXECUTES their code).")
@click.argument("target", metavar="FILE|FOLDER")
@click.option("--entry", default="backward", show_default=True, metavar="NAME",
              help="The function to check in each file: backward(weights, biases, x, y) "
                   "returning (grad_weights, grad_biases).")
@click.option("--widths", default="2,3,2", show_default=True, metavar="N0,N1,...,NL",
              help="Widths of the network the functions are run on.")
@click.option("--activation", default="sigmoid", show_default=True,
              shell_complete=complete_activation, metavar="NAME[,NAME...]",
              help=f"The activation the submissions implement. Known: "
                   f"{', '.join(activations.names())}; with 'f' backward also gets f= and "
                   f"fprime=.")
@click.option("--convention", type=click.Choice(CONVENTIONS), default="from-to",
              show_default=True,
              help="Shape of weights[l-1]: from-to n_{l-1} x n_l; to-from (Nielsen) "
                   "n_l x n_{l-1}.")
@click.option("--samples", "-N", type=int, default=2, show_default=True,
              help="Examples (columns of x and y); 2 or more catches a missing 1/N.")
@click.option("--csv", "csv_path", default=None, metavar="OUT.csv",
              type=click.Path(dir_okay=False),
              help="Also write one row per file: file,status,first,hint,detail,seconds.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document on stdout and nothing else.")
@click.option("--timeout", type=float, default=60.0, show_default=True, metavar="SECONDS",
              help="Time for each submission; its process is killed after that.")
@click.option("--backend", type=click.Choice(BACKENDS), default=None,
              help="Symbolic engine (default: symengine when installed, else sympy).")
def grade(target, entry, widths, activation, convention, samples, csv_path, as_json, timeout,
          backend):
    """Prove students' NumPy backward functions exactly, entry by entry.

    WARNING: this EXECUTES the code of every submission (it is imported and its backward
    is called) with your rights. Each file runs in its own process, killed after
    --timeout seconds; its output is discarded. Run untrusted submissions in a sandbox.

    Each function is called once on symbols, and every gradient entry it returns is
    compared with the direct derivative of the cost (1/N) Σ ½‖a^L − y‖²: proved, refuted
    (with a witness and a hint), error (the exception and its line, or wrong shapes) or
    unknown. A folder gives one row per *.py file.

    \b
    Examples:
      backprop-sym grade student.py --entry backward --widths 2,3,2 --activation tanh --convention to-from
      backprop-sym grade submissions/ --widths 2,3,2 --csv grades.csv --json

    Exit status: 0 every submission proved, 1 something refuted or an error, 3 something
    unknown, 2 usage error.
    """
    from pathlib import Path

    try:
        shape = Shape.make(widths, activation, samples, convention)
    except (ShapeError, activations.ActivationError) as err:
        raise Fail(str(err)) from None
    if not Path(target).exists():
        raise Fail(f"{target} does not exist; expected a Python file or a folder of them")
    if Path(target).is_file() and Path(target).suffix != ".py":
        raise Fail(f"{target} is not a .py file; expected a Python file or a folder of them")
    if not (0 < timeout < float("inf")):
        raise Fail(f"--timeout must be a positive, finite number of seconds, got {timeout}")
    backend_name = backend_from_options(backend, None, None)
    from . import display
    from . import grade as G

    files = G.submissions(target)
    if not files:
        raise Fail(f"{target} holds no *.py files")
    options = dict(widths=shape.widths, activation=",".join(shape.activations),
                   convention=convention, samples=samples, backend=backend_name)
    rows = []
    with display.progress(len(files), enabled=not as_json and sys.stderr.isatty()) as tick:
        for path in files:
            rows.append(G.grade_one(path, entry, options, timeout))
            if tick:
                tick(None)
    if csv_path:
        G.write_csv(rows, csv_path)
    status = G.overall(rows)
    if as_json:
        counts = {s: sum(r["status"] == s for r in rows)
                  for s in ("proved", "refuted", "error", "unknown")}
        click.echo(json.dumps({"schema_version": SCHEMA_VERSION, "network": {
            "widths": list(shape.widths), "activations": list(shape.activations),
            "samples": samples, "convention": convention}, "entry": entry,
            "status": status, "counts": counts, "submissions": rows},
            indent=2, ensure_ascii=False))
    else:
        for r in rows:
            line = f"{r['status']:<8} {r['file']}  ({r['seconds']:.2f} s)"
            if r["first"]:
                line += f"  first: {r['first']}"
            click.echo(line)
            for key in ("hint", "detail"):
                if r[key] and not (key == "detail" and r["status"] == "proved"):
                    click.echo(f"         {key}: {r[key]}")
        click.echo(f"{status}: {sum(r['status'] == 'proved' for r in rows)}/{len(rows)} "
                   f"submissions proved ({shape.describe()})")
    sys.exit(G.EXIT[status])

# ---------------------------------------------------------------- prove

@main.command(short_help="Prove the four rules for every depth and width.")
@click.option("--activation", default="f", show_default=True,
              shell_complete=complete_activation, metavar="NAME",
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
    try:
        activations.get(activation)
    except activations.ActivationError as err:
        raise Fail(str(err)) from None
    from .engine import prove as P

    try:
        overrides = dict(P.load_rule(spec) for spec in rule_specs)
    except (activations.ActivationError, ValueError) as err:
        raise Fail(str(err)) from None
    proof = P.prove(activation, convention, overrides)
    if as_json:
        click.echo(json.dumps(proof.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(P.format_text(proof))
    sys.exit(EXIT[proof.status])


if __name__ == "__main__":
    main()
