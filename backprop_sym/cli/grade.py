"""`backprop-sym grade`: students' backward functions, each proved in a process of its own
(their code is executed)."""
from __future__ import annotations

import json
import sys

import click

from ..engine import activations
from ..engine.backends import BACKENDS
from ..engine.defaults import (DEFAULT_ACTIVATION, DEFAULT_CONVENTION, DEFAULT_SAMPLES,
                               DEFAULT_WIDTHS)
from ..engine.vocabulary import Status, counts
from ..schemas import VERSION as SCHEMA_VERSION
from ..grade import COLUMNS, DEFAULT_TIMEOUT, SUFFIXES
from .base import Fail, finish
from .files import refuse_overwriting_inputs
from .options import backend_from_options, cost_options, make_shape, with_cost
from .types import CONVENTION, Activations, Count, Seconds, Widths


@click.command(short_help="Prove submissions' backward functions (EXECUTES their code).")
@click.argument("target", metavar="FILE|FOLDER")
@click.option("--entry", default="backward", show_default=True, metavar="NAME",
              help="The function to check in each file: backward(weights, biases, x, y) "
                   "returning (grad_weights, grad_biases). A name no file defines is a "
                   "usage error that lists the names they do define.")
@click.option("--widths", type=Widths(), default=",".join(map(str, DEFAULT_WIDTHS)),
              show_default=True, metavar="N0,N1,...,NL",
              help="Widths of the network the functions are run on.")
@click.option("--activation", type=Activations(), default=DEFAULT_ACTIVATION,
              show_default=True, metavar="NAME[,NAME...]",
              help=f"The activation the submissions implement. Known: "
                   f"{', '.join(activations.names())}; with 'f' backward also gets f= and "
                   f"fprime=.")
@click.option("--convention", type=CONVENTION, default=None,
              help="Shape of weights[l-1]: from-to n_{l-1} x n_l; to-from (Nielsen, NumPy "
                   "code that computes w @ a) n_l x n_{l-1}. Without it each submission's "
                   f"layout is detected (tried {DEFAULT_CONVENTION} first; the one used is "
                   "noted per file); with it, that layout is binding.")
@click.option("--samples", "-N", type=Count(), default=DEFAULT_SAMPLES, show_default=True,
              help="Examples (columns of x and y); 2 or more catches a missing 1/N.")
@cost_options
@click.option("--csv", "csv_path", default=None, metavar="OUT.csv",
              type=click.Path(dir_okay=False),
              help="Also write one row per file (UTF-8 with a BOM, for spreadsheets): "
                   f"{', '.join(COLUMNS)}.")
@click.option("--feedback", "feedback_dir", default=None, metavar="DIR",
              type=click.Path(file_okay=False),
              help="Also write DIR/<student>.md for each student: the verdict, the entries "
                   "proved per layer, the first failing entry with the expected and the "
                   "returned value, the witness as NumPy arrays in the student's layout "
                   "(with both gradients there side by side), the hint and the detail. An "
                   "existing file is refused unless --force.")
@click.option("--force", is_flag=True, help="Overwrite existing --feedback files.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document on stdout and nothing else.")
@click.option("--jobs", "-j", type=Count(), default=None, metavar="N",
              help="Files graded at once (default: the number of cores). Each file still "
                   "runs in processes of its own.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Grade on an existing Dask cluster: the address of its scheduler "
                   "(tcp://host:8786). Each file is one task, run on a worker in processes "
                   "of its own with the same --timeout; --jobs is then the cluster's "
                   "business. The files must be at the same paths on the workers (a shared "
                   "file system), with backprop-sym and NumPy installed there. Needs "
                   "backprop-sym[cluster].")
@click.option("--timeout", type=Seconds(), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS",
              help="Time for each submission; its processes are killed after that.")
@click.option("--backend", type=click.Choice(BACKENDS), default=None,
              help="Symbolic engine (default: symengine when installed, else sympy).")
def grade(target, entry, widths, activation, convention, samples, cost, reduction, l2,
          csv_path, feedback_dir,
          force, as_json, jobs, scheduler, timeout, backend):
    """Prove students' NumPy backward functions exactly, entry by entry.

    WARNING: this EXECUTES the code of every submission (it is imported and its backward
    is called) with your rights. Each file runs in its own process, killed after
    --timeout seconds; its output is discarded. Run untrusted submissions in a sandbox.

    Each function is called on symbols, and every gradient entry it returns is compared
    with the direct derivative of the cost (1/N) Σ_x C_x (--cost names C_x, default
    ½‖a^L − y‖²; --reduction sum drops the 1/N; --l2 is not supported by grade in this
    version: the code would need λ, and one value of λ proves nothing for the others;
    hints are given for the default cost and mean only): proved, refuted (with a
    witness: the direct derivative and the code's value, and the same values as NumPy
    arrays in the submission's layout, W1 = np.array(...), b1, x, y, to paste into a
    test, with the expected and the returned gradient there side by side; and a hint),
    error (the exception and its line, or wrong shapes) or unknown. Partial credit, the
    same for every student: of the gradient's entries at --widths (the "entries" column),
    those proved in every call at those widths whose layer's gradient (w^l or b^l) is also
    right in the calls at the other widths ("proved"), in all and per layer.

    FILE|FOLDER is a .py or .ipynb file, or a folder of them; in a folder of per-student
    folders (alice/hw3.py, bob/hw3.ipynb, as an LMS exports them) the student is the
    folder's name. Notebooks: the code cells in order, without %magic and !shell lines; the body of a
    %%time, %%capture or %%prun cell runs once, other %% cells (%%timeit too: its body
    defines nothing in the notebook) are left out.
    Files are graded in parallel (--jobs, or as tasks of a Dask cluster with --scheduler),
    sorted by path in the output; a progress bar runs on stderr when it is a terminal.

    \b
    Examples:
      backprop-sym grade student.py --entry backward --widths 2,3,2 --activation tanh --convention to-from
      backprop-sym grade submissions/ --convention to-from --csv grades.csv --feedback feedback/
      backprop-sym grade student.py --activation sigmoid --cost cross-entropy  # dZ = A - Y
      backprop-sym grade /shared/hw3/ --scheduler tcp://scheduler:8786 --csv grades.csv

    Exit status: 0 every submission proved, 1 something refuted or an error, 3 something
    unknown, 2 usage error (also: NumPy missing where the grader runs, an --entry no file
    defines).
    """
    from pathlib import Path

    detect = convention is None
    convention = convention or DEFAULT_CONVENTION
    shape = with_cost(make_shape(widths, activation, samples, convention), cost, reduction,
                      False)
    if l2:
        from ..engine.implementation import L2_UNSUPPORTED
        raise Fail(f"--l2: {L2_UNSUPPORTED}")
    if not Path(target).exists():
        raise Fail(f"{target} does not exist; expected a .py or .ipynb file or a folder of "
                   f"them")
    if Path(target).is_file() and Path(target).suffix not in SUFFIXES:
        raise Fail(f"{target} is not a .py or .ipynb file; expected a .py or .ipynb file or "
                   f"a folder of them")
    try:
        import numpy  # noqa: F401  (the submissions are run with the grader's Python)
    except ImportError:
        raise Fail("grade needs NumPy in the environment it runs in (the submissions are "
                   "run there): install backprop-sym[impl] (pip install "
                   "'backprop-sym[impl]')") from None
    client = connect(scheduler) if scheduler else None
    backend_name = backend_from_options(backend, jobs)
    from .. import display
    from .. import grade as G
    from ..engine.estimate import cores

    items = G.submissions(target, entry)
    if not items:
        raise Fail(f"{target} holds no .py or .ipynb files (nor folders of them)")
    files = [path for _, path in items]
    missing = G.missing_entry(files, entry)
    if missing:
        raise Fail(missing)
    if csv_path and not Path(csv_path).resolve().parent.is_dir():
        raise Fail(f"--csv {csv_path}: the folder {Path(csv_path).parent} does not exist")
    refuse_overwriting_inputs([("--csv", csv_path)],
                              [("the submission", target)] + [("the submission", f)
                                                              for f in files])
    notes = G.feedback_paths(items, feedback_dir) if feedback_dir else {}
    refuse_overwriting_inputs([("--feedback writes", p) for p in notes.values()],
                              [("the submission", f) for f in files])
    existing = [str(p) for p in notes.values() if Path(p).exists()]
    if existing and not force:
        raise Fail(f"{existing[0]} already exists"
                   + (f" (and {len(existing) - 1} more feedback files)" if len(existing) > 1
                      else "") + "; use --force to overwrite them")
    options = dict(widths=shape.widths, activation=",".join(shape.activations),
                   convention=convention, samples=samples, backend=backend_name,
                   detect=detect, cost=shape.cost, reduction=shape.reduction)
    jobs = min(jobs or cores(), cores())
    with display.progress(len(items), enabled=not as_json and sys.stderr.isatty(),
                          label="grading") as tick:
        if client is not None:
            try:
                rows = G.grade_on_cluster(items, entry, options, timeout, client, tick)
            finally:
                client.close()
        else:
            rows = G.grade_all(items, entry, options, timeout, jobs, tick)
    if csv_path:
        try:
            G.write_csv(rows, csv_path)
        except OSError as err:
            raise Fail(f"cannot write {csv_path}: {err}") from None
    if feedback_dir:
        try:
            G.write_feedback(rows, notes, shape.describe())
        except OSError as err:
            raise Fail(f"cannot write the feedback files in {feedback_dir}: {err}") from None
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
            line = (f"{r['status']:<8} {r['student']}  {r['proved']}/{r['entries']} entries "
                    f"proved  ({r['file']}, {r['seconds']:.2f} s)")
            if r["first"]:
                line += f"  first: {r['first']}"
            click.echo(line)
            for key in ("witness", "hint", "detail"):
                if r[key] and not (key == "detail" and r["status"] == Status.PROVED):
                    click.echo(f"         {key}: {r[key]}")
            if r.get("witness_arrays"):
                click.echo("         the witness in NumPy (paste into a test):")
                for code in r["witness_arrays"].splitlines():
                    click.echo(f"           {code}")
            for note in r.get("notes") or ():
                click.echo(f"         note: {note}")
        proved = sum(r["status"] == Status.PROVED for r in rows)
        click.echo(f"{status}: {proved}/{len(rows)} "
                   f"submissions proved ({shape.describe()}"
                   + ("; the weights' layout detected per file" if detect else "") + ")")
    finish(status)


def connect(address: str):
    """A Dask `distributed.Client` on the scheduler at `address`; a usage error when Dask's
    distributed is not installed or the scheduler cannot be reached."""
    try:
        from distributed import Client
    except ImportError:
        raise Fail("--scheduler needs Dask's distributed: install backprop-sym[cluster] "
                   "(pip install 'backprop-sym[cluster]')") from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as err:
        raise Fail(f"--scheduler {address}: cannot reach a Dask scheduler there ({err}); "
                   f"expected the address of a running one, like tcp://host:8786") from None


CONNECT_TIMEOUT = "10s"
