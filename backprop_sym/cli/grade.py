"""`backprop-sym grade`: students' backward functions, each proved in a process of its own
(their code is executed)."""
from __future__ import annotations

import json
import sys

import click

from ..engine import activations
from ..engine.backends import BACKENDS
from ..engine.vocabulary import Status, counts
from ..schemas import VERSION as SCHEMA_VERSION
from .base import Fail, finish
from .files import refuse_overwriting_inputs
from .options import backend_from_options, make_shape
from .types import CONVENTION, Activations, Count, Seconds, Widths


@click.command(short_help="Prove submissions' backward functions (EXECUTES their code).")
@click.argument("target", metavar="FILE|FOLDER")
@click.option("--entry", default="backward", show_default=True, metavar="NAME",
              help="The function to check in each file: backward(weights, biases, x, y) "
                   "returning (grad_weights, grad_biases).")
@click.option("--widths", type=Widths(), default="2,3,2", show_default=True,
              metavar="N0,N1,...,NL",
              help="Widths of the network the functions are run on.")
@click.option("--activation", type=Activations(), default="sigmoid", show_default=True,
              metavar="NAME[,NAME...]",
              help=f"The activation the submissions implement. Known: "
                   f"{', '.join(activations.names())}; with 'f' backward also gets f= and "
                   f"fprime=.")
@click.option("--convention", type=CONVENTION, default="from-to",
              show_default=True,
              help="Shape of weights[l-1]: from-to n_{l-1} x n_l; to-from (Nielsen) "
                   "n_l x n_{l-1}.")
@click.option("--samples", "-N", type=Count(), default=2, show_default=True,
              help="Examples (columns of x and y); 2 or more catches a missing 1/N.")
@click.option("--csv", "csv_path", default=None, metavar="OUT.csv",
              type=click.Path(dir_okay=False),
              help="Also write one row per file: file,status,first,hint,detail,seconds.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document on stdout and nothing else.")
@click.option("--timeout", type=Seconds(), default=60.0, show_default=True, metavar="SECONDS",
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

    shape = make_shape(widths, activation, samples, convention)
    if not Path(target).exists():
        raise Fail(f"{target} does not exist; expected a Python file or a folder of them")
    if Path(target).is_file() and Path(target).suffix != ".py":
        raise Fail(f"{target} is not a .py file; expected a Python file or a folder of them")
    backend_name = backend_from_options(backend)
    from .. import display
    from .. import grade as G

    files = G.submissions(target)
    if not files:
        raise Fail(f"{target} holds no *.py files")
    refuse_overwriting_inputs([("--csv", csv_path)],
                              [("the submission", target)] + [("the submission", f)
                                                              for f in files])
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
        tally = counts((r["status"] for r in rows), (Status.PROVED, Status.REFUTED,
                                                     Status.ERROR, Status.UNKNOWN))
        click.echo(json.dumps({"schema_version": SCHEMA_VERSION, "network": {
            **shape.to_json(), "samples": samples}, "entry": entry,
            "status": status, "counts": tally, "submissions": rows},
            indent=2, ensure_ascii=False))
    else:
        for r in rows:
            line = f"{r['status']:<8} {r['file']}  ({r['seconds']:.2f} s)"
            if r["first"]:
                line += f"  first: {r['first']}"
            click.echo(line)
            for key in ("hint", "detail"):
                if r[key] and not (key == "detail" and r["status"] == Status.PROVED):
                    click.echo(f"         {key}: {r[key]}")
        proved = sum(r["status"] == Status.PROVED for r in rows)
        click.echo(f"{status}: {proved}/{len(rows)} "
                   f"submissions proved ({shape.describe()})")
    finish(status)
