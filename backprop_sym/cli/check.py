"""`backprop-sym check`: a derivation checked claim by claim, and its check document as
text (`format_text`) or as compilers print diagnostics (`format_gcc`)."""
from __future__ import annotations

import json
import sys

import click

from ..engine import activations
from ..engine.arguments import CLAIM_SECONDS
from ..engine.backends import BACKENDS
from ..engine.vocabulary import Status
from ..terminal import color
from .base import Fail, finish
from .options import backend_from_options, macros_from_options, macros_option, make_shape
from .types import CONVENTION, Activations, SampleCounts, Seconds, ShapeList

STYLE = {Status.PROVED: "green", Status.REFUTED: "red", Status.ILL_FORMED: "red",
         Status.UNKNOWN: "yellow", Status.SKIPPED: "blue", Status.EMPTY: "yellow"}
UNREAD_ADVICE = ("rewrite them in notation the checker reads, or mark a line that is not a "
                 "claim with a comment '% backprop-sym: skip'")
SEVERITY = {Status.REFUTED: "error", Status.ILL_FORMED: "error", Status.UNKNOWN: "warning",
            Status.PROVED: "note", Status.SKIPPED: "note"}


@click.command()
@click.argument("file", required=False, metavar="[FILE]")
@click.option("--claim", metavar="LATEX",
              help="Check one equation given on the command line instead of a file.")
@click.option("--convention", type=CONVENTION, default=None,
              help="from-to: w^l_{kj} goes from neuron k to neuron j; to-from: Nielsen's "
                   "w^l_{jk}. Default: read from the file's definition of z, else from-to.")
@click.option("--activation", type=Activations(several=False), default="f", show_default=True,
              metavar="NAME",
              help=f"The activation f (and σ). Known: {', '.join(activations.names())}. An "
                   "equation such as f(z) = z in the file sets it from that line on.")
@click.option("--weight-layer", type=click.Choice(["0", "1"]), default=None,
              help="1: W^(l), b^(l) feed layer l+1 (UFLDL, CS229). Default: read from the file.")
@click.option("--index-base", type=click.Choice(["0", "1"]), default=None,
              help="The first neuron index. Default: read from the file (an index 0 means 0).")
@click.option("--cost", type=click.Choice(["example", "average"]), default=None,
              help="C is one example's cost or the average over the examples. Default: read "
                   "from the file's definition of C, else one example's.")
@click.option("--shapes", type=ShapeList(), multiple=True, metavar="N0,...,NL[;...]",
              help="Check every claim at exactly these widths, separated by ';' or given "
                   "again (default: chosen per claim: several depths, and widths above every "
                   "constant the claim contains).")
@click.option("--samples", "samples", type=SampleCounts(), metavar="N1,N2,...",
              help="The example counts N for claims about 𝒞, N or Σ_x (default: 1,2,3 and "
                   "one above every constant the claim contains).")
@click.option("--backend", type=click.Choice(BACKENDS), default=None,
              help="Symbolic engine (default: symengine when installed, else sympy).")
@click.option("--claim-timeout", type=Seconds(), default=CLAIM_SECONDS,
              show_default=True, metavar="SECONDS",
              help="Time budget of each claim; a claim that runs out of it is 'unknown' "
                   "(ran out of its budget) and the next one is checked. The slowest claim "
                   "of the bundled derivations takes under 1 s.")
@click.option("--timeout", type=Seconds(), default=None, metavar="SECONDS",
              help="Wall-clock budget of the whole run (default: none); claims not finished "
                   "or not reached by then are 'unknown' (time budget exhausted).")
@macros_option
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document on stdout and nothing else (--format json).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "gcc"]),
              default=None, help="text (default); json; gcc: one line per finding, "
              "FILE:LINE:COL: error|warning: VERDICT: why [CODE], for editors and CI (in a "
              "notebook FILE:CELL:LINE:COL, the line counted within the markdown cell). "
              "Codes: BPS101 refuted, BPS102 ill-formed, BPS201 unknown, BPS202 not read; "
              "with --verbose also the notes BPS001 proved, BPS002 skipped (not a claim), "
              "BPS003 marked '% backprop-sym: skip'.")
@click.option("--verbose", "-v", is_flag=True,
              help="With --format gcc, list proved and skipped claims too (as notes).")
def check(file, claim, convention, activation, weight_layer, index_base, cost, shapes,
          samples, backend, claim_timeout, timeout, macros, as_json, output_format, verbose):
    """Check a derivation written in LaTeX, claim by claim.

    Reads every display equation of FILE (Markdown, LaTeX, HTML with MathJax, or a Jupyter
    notebook's markdown cells; macros are expanded, and common notations are read), or
    the one equation given with --claim. Each equation A = B (A = B = C gives A = B and
    B = C; each align row is its own) is a claim about every instance of its
    free indices, checked against direct differentiation of C = ½‖a^L − y‖² at network
    shapes chosen against the claim; every verdict says at which shapes (and N) it holds.
    Verdicts: proved, refuted (with a witness, and a hint when a common repair makes it
    hold), ill-formed (with the reason), skipped (prose, \\dots, an activation
    declaration), unknown.

    \b
    Examples:
      backprop-sym check derivations/backprop.md
      backprop-sym check notes.tex --convention to-from
      backprop-sym check notes.md --macros defs.sty   # macros of a style file
      backprop-sym check --claim '\\Delta_j^l = \\sum_k w_{jk}^{l+1} \\Delta_k^{l+1} f'"'"'(z_j^l)'
      backprop-sym check FILE --activation linear --json
      backprop-sym check FILE --format gcc        # FILE:LINE:COL: error: refuted: ... [BPS101]
      backprop-sym check FILE --shapes '2,3,2;3,4,5,2' --samples 1,2,5 --timeout 60

    An equation the checker cannot read is unknown, never passed over; a line that is not
    a claim is marked with a comment: % backprop-sym: skip (in Markdown inside the $$).

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
    widths = tuple(w for group in shapes for w in group) or None
    backend_from_options(backend)
    for w in widths or ((2, 2),):
        make_shape(w, activation, 1, convention or "from-to")
    given = macros_from_options(macros)
    from .. import display
    from ..claims import check as C
    from ..claims import documents

    options = dict(shapes=widths, samples=samples, activation=activation,
                   convention=convention, backend=backend)
    t0 = time.perf_counter()
    if claim is not None:
        text, kind, total = _expanded(claim, given), None, 1
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
        total = len(documents.rows(body, kind, given))
    with display.progress(total, enabled=not as_json and sys.stderr.isatty(),
                          label="checking") as tick, documents.given_macros(given):
        if claim is not None:
            result = C.check_claim(text, progress=tick, timeout=timeout,
                                   claim_timeout=claim_timeout, **options)
        else:
            result = C.check_text(text, kind, progress=tick, timeout=timeout,
                                  claim_timeout=claim_timeout,
                                  weight_layer=weight_layer, index_base=index_base, cost=cost,
                                  **options)
            options["convention"] = result.notes.get("convention", convention)
    options["convention"] = options["convention"] or "from-to"
    opts = C.make_options(**options)
    doc = C.document(file, result, opts, time.perf_counter() - t0)
    if output_format == "json":
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    elif output_format == "gcc":
        found = format_gcc(doc, verbose)
        if found:
            click.echo(found)
        click.echo(format_text(doc).rsplit("\n", 1)[-1], err=True)    # the summary
    else:
        click.echo(format_text(doc, color=color(sys.stdout)))
    finish(doc["status"])


def _expanded(claim: str, given) -> str:
    """The claim with the --macros definitions expanded (as written when they do not
    expand: the checker then says why it does not read it)."""
    if given is None:
        return claim
    from ..claims.macros import ExpansionError, definitions
    from ..claims.rewrite import Mapped
    try:
        return definitions("", given).expand(Mapped.of(claim)).text
    except ExpansionError:
        return claim


def witness_text(w) -> str:
    from ..engine.witness import text
    return text(w) if w else ""


def verdict(c: dict) -> str:
    """A claim's status, and for a proof where it holds."""
    from ..claims.scope import text as scope_text
    scope = c.get("scope") or {}
    if c["status"] != Status.PROVED or not scope:
        return c["status"]
    return c["status"] + (" for every width" if scope.get("every_shape")
                          else f" at {scope_text(scope)}")


# --format gcc: each kind of finding, its stable code and severity (the table in docs/check.md)
GCC_CODES = {
    "refuted": ("BPS101", "error"),       # a witness separates the two sides
    "ill-formed": ("BPS102", "error"),    # means nothing (indices, shapes) or unreadable
    "unknown": ("BPS201", "warning"),     # neither proved nor refuted (e.g. out of time)
    "unread": ("BPS202", "warning"),      # an equation the checker could not read
    "proved": ("BPS001", "note"),         # shown with --verbose only
    "skipped": ("BPS002", "note"),        # not a claim; shown with --verbose only
    "marked": ("BPS003", "note"),         # marked '% backprop-sym: skip'; --verbose only
}


def finding(c: dict) -> str:
    """The kind of finding a claim is, a key of GCC_CODES."""
    return "unread" if c.get("unread") else "marked" if c.get("marked") else str(c["status"])


def format_gcc(doc: dict, verbose: bool = False) -> str:
    """One line per finding as compilers print them, `FILE:LINE:COL: severity: verdict: why
    [code]` (a notebook: `FILE:CELL:LINE:COL`, the line within the cell), so editors and CI
    annotate the place; proved and skipped claims only with `verbose`."""
    name = doc["file"] or "<claim>"
    out = []
    for c in doc["claims"]:
        code, severity = GCC_CODES[finding(c)]
        if severity == "note" and not verbose:
            continue
        parts = [c["reason"] or ""]
        if c["witness"]:
            parts.append(f"witness: {witness_text(c['witness'])}")
        if c["hint"]:
            parts.append(f"hint: {c['hint']}")
        text = "; ".join(p for p in parts if p)
        where = (f"{c['cell']}:" if c.get("cell") else "") + f"{c['line']}:{c.get('column', 1)}"
        out.append(" ".join(f"{name}:{where}: {severity}: {verdict(c)}: {text} [{code}]".split()))
    return "\n".join(out)


def format_text(doc: dict, color: bool = False) -> str:
    """The terminal report: every equation with its line, as written, as read, the verdict,
    the reason, the witness and the hint; then a summary line."""
    def paint(text, status):
        if not color:
            return text
        return click.style(text, fg=STYLE.get(Status(status)),
                           bold=status in (Status.REFUTED, Status.ILL_FORMED))

    shapes = ("shapes " + "; ".join(",".join(map(str, s)) for s in doc["shapes"])
              if doc["shapes"] else "shapes chosen per claim")
    if doc.get("samples"):
        shapes += f", N = {','.join(map(str, doc['samples']))} for claims about N"
    lines = [f"backprop-sym check {doc['file'] or '--claim'}: {shapes}, activation "
             f"{doc['activation']}, {doc['convention']}", ""]
    for f in doc.get("read_from_document", []):
        lines.append(f"read from line {f['line']}: {f['what']} {f['value']} ({f['latex']})")
    if doc.get("read_from_document"):
        lines.append("")
    for c in doc["claims"]:
        where = f"cell {c['cell']}, line {c['line']}" if c.get("cell") else f"line {c['line']}"
        lines.append(f"{where}: " + paint(verdict(c), c["status"]))
        lines.append(f"  written: {c['latex']}")
        if c["parsed"]:
            lines.append(f"  read as: {c['parsed']}")
        lines.append(f"  why:     {c['reason']}")
        if c["witness"]:
            lines.append(f"  witness: {witness_text(c['witness'])}")
        if c["hint"]:
            lines.append("  hint:    " + paint(c["hint"], Status.PROVED))
        lines.append("")
    n = doc["counts"]
    total = len(doc["claims"])
    summary = (f"{doc['status']}: {total} claim(s): {n['proved']} proved, "
               f"{n['refuted']} refuted, {n['ill-formed']} ill-formed, "
               f"{n['unknown']} unknown, {n['skipped']} skipped")
    if "seconds" in doc:
        summary += f" ({doc['seconds']:.1f} s)"
    if doc["status"] == Status.EMPTY:
        summary += f"; nothing was checked: {doc.get('empty_reason', 'no claim')}"
    elif doc.get("unread"):
        summary += (f"; {doc['unread']['count']} equation(s) not read (line(s) "
                    f"{', '.join(map(str, doc['unread']['lines']))}), so not proved: "
                    f"{UNREAD_ADVICE}")
    lines.append(paint(summary, doc["status"]))
    return "\n".join(lines)
