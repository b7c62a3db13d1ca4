"""`backprop-sym report`: the LaTeX/PDF proof report of one network, and the files it
writes (checked before any work)."""
from __future__ import annotations

import json
import os
import shlex
import sys

import click

from ..engine.vocabulary import EXIT_NO_TEX, EXIT_USAGE, Status, worst
from ..schemas import VERSION as SCHEMA_VERSION
from .base import Fail, finish
from .files import refuse_overwriting_inputs
from .options import (backend_from_options, cost_options, engine_options, network_options,
                      shape_from_options, warn_if_long)

MAX_TITLE = 200              # characters of a report's --title


@click.command()
@network_options
@cost_options
@click.option("--out", "-o", "out", required=True, metavar="FILE.pdf|FILE.tex",
              help="Where to write the report: FILE.pdf writes FILE.tex, compiles FILE.pdf "
                   "and keeps LaTeX's log as FILE.log (whether or not the build succeeds); "
                   "FILE.tex writes the LaTeX source only. The directory must exist.")
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
def report(widths, depth, width, inputs, outputs, activation, samples, convention, cost,
           reduction, l2, out, only, force, title, backend, jobs, timeout, claims_path, timings, as_json):
    """Write a LaTeX/PDF proof report for one network.

    The report states the backprop rules as Theorem 1 (nonlinear f: the requested
    activation, or a generic f when only 'linear' is asked for) and Theorem 2 (linear f,
    with the network collapsed to one affine map), proves them in general form, and
    backs every claim with the checks of this run: the explicit network, one worked
    instance, and a table of every instance. Anything refuted or unknown comes first.
    This version reports only the default cost (half-squared, mean, no L2): any other
    --cost, --reduction sum or --l2 is a usage error (verify takes them).

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
    refuse_other_costs(cost, reduction, l2)
    backend_name = backend_from_options(backend, jobs)
    if title is not None and len(title) > MAX_TITLE:
        raise Fail(f"--title is {len(title)} characters long; give at most {MAX_TITLE}")
    tex_path, pdf_path, log_path = output_files(out, force, [("the --claims file",
                                                               claims_path)])
    from .. import display
    from ..report import latex
    from ..report.render import make_report, plan_size, report_command

    claims_text = read_text(claims_path, "the --claims file") if claims_path is not None else None

    checked_claims = None
    if claims_text is not None:
        from ..claims import check as C
        from ..claims.documents import kind_of
        uniform = len(set(shape.activations)) == 1
        checked_claims = C.check_text(claims_text, kind_of(claims_path),
                                      convention=shape.convention,
                                      activation=shape.activations[0] if uniform else "f",
                                      backend=backend_name)

    from ..report.render import theorem_shapes as shapes_of
    warn_if_long(theorem_shapes(shape, only), plan_size(shape, only), backend_name, timeout,
                 report={"shapes": shapes_of(shape, only), "pdf": pdf_path is not None})
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
            built["error"], code = latex.INSTALL_HINT, EXIT_NO_TEX
        else:
            build = latex.build_pdf(rep.tex, source_name=str(tex_path))
            built["ok"] = build.ok
            if build.log:       # beside the PDF, built or not (docs/reports.md: "the log")
                write_file(log_path, build.log.encode("utf-8"))
                files["log"] = str(log_path)
            if not build.ok:
                click.echo(f"backprop-sym: error: {build.error} (log: {log_path})", err=True)
                built["error"], code = build.error, EXIT_USAGE
            else:
                write_file(pdf_path, build.pdf)
                files["pdf"] = str(pdf_path)
                wide = [w for w in build.overfull() if w > 1.0]
                built["overfull"] = len(wide)
                if wide:
                    click.echo(f"backprop-sym: warning: {len(wide)} line(s) run into the "
                               f"margin (up to {max(wide):.1f}pt)", err=True)
    statuses = [rep.status]
    summary = rep.summary()
    claims_doc = None
    if checked_claims is not None:
        claims_doc = C.document(claims_path, checked_claims, C.make_options(
            activation=shape.activations[0] if uniform else "f", convention=shape.convention,
            backend=backend_name))
        summary += f"; claims from {claims_path}: {claims_doc['status']}"
        statuses += [c["status"] for c in claims_doc["claims"]]
    overall = report_status(statuses)
    if as_json:
        click.echo(json.dumps({
            "schema_version": SCHEMA_VERSION, "command": f"{command} --out {shlex.quote(out)}",
            "status": overall, "files": files,
            "build": built, "theorems": {k: r.to_json() for k, r in rep.results.items()},
            "claims": claims_doc}, indent=2, ensure_ascii=False))
    elif code is None:
        written = [p for p in (files["tex"], files["pdf"]) if p]
        click.echo(f"wrote {' and '.join(written)}: {summary}")
    finish(overall, code)


def refuse_other_costs(cost: str, reduction: str, l2: bool) -> None:
    """The report states and typesets the default cost only (its theorems, page 1 and
    rules): a report titled for another cost would be a false one, so Fail instead."""
    from ..engine import costs
    asked = [f"--cost {cost}"] if cost != costs.DEFAULT else []
    asked += [f"--reduction {reduction}"] if reduction != costs.DEFAULT_REDUCTION else []
    asked += ["--l2"] if l2 else []
    if asked:
        raise Fail(f"{' '.join(asked)}: report supports only the cost {costs.DEFAULT} with "
                   f"reduction {costs.DEFAULT_REDUCTION} and no L2 in this version; verify "
                   f"checks {' '.join(asked)} (backprop-sym verify ... {' '.join(asked)})")


def report_status(statuses) -> Status:
    """The report's verdict: the worst of its theorems' and its claims' (an ill-formed
    claim counts as refuted; skipped claims, or none, count for nothing)."""
    status = worst(statuses)
    return Status.REFUTED if status in (Status.ILL_FORMED, Status.ERROR) else status


def output_files(out: str, force: bool, inputs=()):
    """FILE.tex, and for FILE.pdf also FILE.pdf and FILE.log (LaTeX's log, kept whether
    the build succeeds or fails), checked before any work: the directory exists, no target is one of
    the command's `inputs` ((what, path) pairs; not even with --force), a directory or
    exists (unless --force), and each can be written. Fail otherwise."""
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
    refuse_overwriting_inputs([(f"--out {out} would write", p)
                               for p in (tex_path, pdf_path, log_path)], inputs)
    for target in (tex_path, pdf_path, log_path):
        if target is None:
            continue
        if target.is_dir():
            raise Fail(f"{target} is a directory; --out needs a file name")
        exists = target.exists() or target.is_symlink()
        if exists and not force:
            why = " (LaTeX's log is written there)" if target == log_path else ""
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


def theorem_shapes(shape, only):
    from ..report.render import theorem_shapes
    return list(theorem_shapes(shape, only).values())
