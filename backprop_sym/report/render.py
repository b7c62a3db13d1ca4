"""Proof reports: run the checks, build the document's context, render the templates.

`make_report` verifies the two theorems for one shape (Theorem 1 with the requested,
or generic, nonlinear activation; Theorem 2 with f linear) and renders the document.
`render` turns finished results into LaTeX: it builds a context of LaTeX strings, each
printed by SymPy (`formulas.tex`) or escaped as text, and hands it to the Jinja2
templates in `templates/`, which only lay it out. Nothing mathematical is computed in a
template, and nothing is claimed that was not checked in the same invocation.

The parts of the document are built by their own modules: `notation` (the symbols of a
convention), `network` (the network, its drawing, its explicit z), `statements` (the
definitions and the rules), `theorem` (one theorem and its instances, with `worked`,
`collapse`, `abbreviations` and `chain`), `witness_tex` (witnesses), `verdict` (page one
and the claims) and `textbook` (what a course takes from the report).
"""
from __future__ import annotations

import datetime
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from .. import __version__
from ..engine import activations
from ..engine.network import Shape
from ..engine.verify import Result, plan, verify
from ..engine.vocabulary import RULE_KINDS, Status, worst
from .formulas import fprime, tex
from .latex import Tex, breakable, escape, pdf_string
from .network import network_context, tikz
from .numeric import identity_name
from .notation import Notation, prose_formulas
from .statements import definitions
from . import collapse as collapse_module
from . import worked
from .collapse import collapse
from .textbook import textbook_context
from .worked import worked_instance
from .theorem import LINEAR, NONLINEAR, THEOREMS, theorem
from .verdict import claims_context, claims_scope, page_one

DEFAULT_TITLE = "Backpropagation, proved for one network"
TEMPLATES = Path(__file__).parent / "templates"


# ---------------------------------------------------------------- running the checks

@dataclass
class Report:
    tex: str
    results: dict            # theorem kind -> Result
    shapes: dict             # theorem kind -> Shape

    @property
    def status(self) -> str:
        return worst(r.status for r in self.results.values())

    def summary(self) -> str:
        parts = []
        for kind, r in self.results.items():
            c = r.counts
            parts.append(f"{kind}: {r.status} {c[Status.PROVED]}/{len(r.checks)}")
        return "; ".join(parts)


def theorem_shapes(shape: Shape, only: str | None = None) -> dict[str, Shape]:
    """The shape each theorem is checked on: Theorem 1 keeps the requested activations
    when one of them is nonlinear (else it uses the generic f); Theorem 2 is all linear."""
    if only not in (None, *THEOREMS):
        raise ValueError(f"only must be one of {THEOREMS}, got {only!r}")
    nonlinear = (shape.activations
                 if any(not activations.get(a).identity for a in shape.activations)
                 else (activations.GENERIC,) * shape.L)
    out = {NONLINEAR: replace(shape, activations=tuple(nonlinear)),
           LINEAR: replace(shape, activations=(identity_name(),) * shape.L)}
    return {k: v for k, v in out.items() if only in (None, k)}


def make_report(shape: Shape, *, only: str | None = None, backend: str | None = None,
                jobs: int | None = 1, timeout: float | None = None,
                rules_override: dict | None = None, claims: list | None = None,
                claims_file: str | None = None, title: str | None = None,
                date: str | None = None, command: str | None = None,
                timings: bool = False, progress=None) -> Report:
    """Verify the theorems for `shape` and render the report (see `render`)."""
    shapes = theorem_shapes(shape, only)
    deadline = None if timeout is None else time.time() + timeout
    results = {}
    ahead = None if rules_override else _start_ahead(shapes, backend)
    try:
        for kind, sh in shapes.items():
            left = None if deadline is None else max(deadline - time.time(), 1e-3)
            results[kind] = verify(sh, backend=backend, jobs=jobs, timeout=left,
                                   rules_override=rules_override, progress=progress)
        if ahead is not None:
            _prove_meanwhile(shapes)
            _keep_ahead(shapes, ahead.result(None if deadline is None else
                                             max(deadline - time.time(), 0.0)))
    finally:
        if ahead is not None:
            ahead.close()
    source = render(shape, results, claims=claims, claims_file=claims_file, title=title,
                    date=date, command=command or report_command(shape, only=only, title=title),
                    rules_override=rules_override, timings=timings)
    return Report(source, results, shapes)


def parts_ahead(shapes: dict) -> dict:
    """What the report shows of each theorem that depends on its shape only, not on the
    checks: the worked instance (with the registered rules) and Theorem 2's collapse."""
    out = {}
    for kind, sh in shapes.items():
        n = Notation(sh)
        out[kind] = {"worked": worked_instance(sh, n, None),
                     "collapse": collapse(sh, n) if kind == LINEAR else None}
    return out


def _start_ahead(shapes: dict, backend: str | None):
    """`parts_ahead` in a forked process while this one runs the checks, for a shape whose
    checks take long enough to pay for the process (and with a second core to run it);
    None otherwise. The parts are the same computed here or there."""
    from ..engine import estimate
    from ..engine.backends import get_backend
    from ..engine.runner import Ahead
    try:
        name = get_backend(backend).name
    except ValueError:
        return None                 # verify names the backend that is wrong
    return Ahead(parts_ahead, shapes) if estimate.parts_ahead(shapes, name) else None


def _prove_meanwhile(shapes: dict) -> None:
    """The symbolic proof of each theorem (kept per process by `chain.proof_for`), taken
    here while the parts ahead are still being computed beside it."""
    from .chain import proof_for, prover_activation
    for kind, sh in shapes.items():
        proof_for(prover_activation(sh.activations, kind == LINEAR), sh.convention, None)


def _keep_ahead(shapes: dict, parts: dict | None) -> None:
    """Hand the parts computed ahead to `worked_instance` and `collapse`, which take each
    once (nothing when the process failed: they are then computed here)."""
    if not parts:
        return
    for kind, sh in shapes.items():
        got = parts.get(kind) or {}
        if got.get("worked") is not None:
            worked.AHEAD[sh] = got["worked"]
        if got.get("collapse") is not None:
            collapse_module.AHEAD[sh] = got["collapse"]


# ---------------------------------------------------------------- rendering

def environment() -> jinja2.Environment:
    """Jinja2 with LaTeX-safe delimiters: \\BLOCK{...}, \\VAR{...}, \\#{...}, %# comments.
    Every \\VAR that is not `Tex` is escaped as text."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        line_comment_prefix="%#", trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, autoescape=False,
        undefined=jinja2.StrictUndefined,
        finalize=lambda v: v if isinstance(v, Tex) else escape(v),
    )
    env.globals["kinds"] = RULE_KINDS      # every rule label: kinds.weight_grad.roman, ...
    env.globals["Status"] = Status         # every verdict: Status.PROVED, ...
    return env


def render(shape: Shape, results: dict[str, Result], *, claims: list | None = None,
           claims_file: str | None = None, title: str | None = None, date: str | None = None,
           command: str | None = None, rules_override: dict | None = None,
           timings: bool = False) -> str:
    """The LaTeX source of the report for `shape` and its verification `results`
    ({"nonlinear": Result, "linear": Result}, either may be absent).

    `claims`, when given, is a list of checked claims, each a dict with keys
    line (int), latex (the claim as written: shown as text, escaped), parsed (a SymPy
    relation or expression, printed; or None), status ('proved', 'refuted', 'unknown',
    or another word such as 'ill-formed'), reason, hint (text or None) and witness
    (a `Witness`, or its JSON document, or None); they are rendered in a section
    "Claims from `claims_file`"; an optional key scope ({"shapes": [...], "samples":
    [...]}) says where each was checked. Measured times are printed only with `timings`,
    so that rendering is deterministic given its arguments.
    """
    ctx = context(shape, results, claims=claims, claims_file=claims_file, title=title,
                  date=date, command=command, rules_override=rules_override,
                  timings=timings)
    return environment().get_template("report.tex.j2").render(**ctx).lstrip("\n")


def today() -> str:
    """The date printed on a report (SOURCE_DATE_EPOCH, when set, for reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date().isoformat()
    return datetime.date.today().isoformat()


def date_epoch(date: str) -> int | None:
    """The SOURCE_DATE_EPOCH under which `today` prints `date` (midnight UTC of an ISO
    date), or None for a date that is not one."""
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        return None
    midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
    return int(midnight.timestamp())


def shell_quote(arg: str) -> str:
    """An argument for a POSIX shell, on one line: control characters as $'\\n' escapes."""
    import shlex
    if not any(ord(ch) < 32 or ord(ch) == 127 for ch in arg):
        return shlex.quote(arg)
    body = "".join("\\\\" if ch == "\\" else "\\'" if ch == "'" else
                   f"\\x{ord(ch):02x}" if ord(ch) < 32 or ord(ch) == 127 else ch for ch in arg)
    return f"$'{body}'"


def report_command(shape: Shape, *, only: str | None = None, claims: str | None = None,
                   title: str | None = None, timings: bool = False, backend: str | None = None,
                   timeout: float | None = None, out: str | None = None) -> str:
    """The command line that regenerates this report: every option that changes its text."""
    acts = shape.activations
    act = acts[0] if len(set(acts)) == 1 else ",".join(acts)
    parts = ["backprop-sym", "report", "--widths", ",".join(map(str, shape.widths)),
             "--activation", act]
    if shape.samples != 1:
        parts += ["--samples", str(shape.samples)]
    if shape.convention != "from-to":
        parts += ["--convention", shape.convention]
    if only:
        parts += ["--only", only]
    if claims is not None:
        parts += ["--claims", claims]
    if title is not None:
        parts += ["--title", title]
    if backend:
        parts += ["--backend", backend]
    if timeout is not None:
        parts += ["--timeout", f"{timeout:g}"]
    if timings:
        parts.append("--timings")
    if out is not None:
        parts += ["--out", out]
    return " ".join(shell_quote(p) for p in parts)


def default_command(shape: Shape, only: str | None = None) -> str:
    return report_command(shape, only=only)


def identity_formulas() -> dict:
    """f(z) = z and f'(z) = 1 for an undefined f, as the specialisation puts them."""
    import sympy
    f, z = sympy.Function("f"), sympy.Symbol("z")
    return {"identity": tex(sympy.Eq(f(z), z, evaluate=False)),
            "slope": tex(sympy.Eq(fprime(f, z), 1, evaluate=False))}


def context(shape: Shape, results: dict[str, Result], *, claims=None, claims_file=None,
            title=None, date=None, command=None, rules_override=None, timings=False) -> dict:
    n = Notation(shape)
    theorems = []
    for number, kind in enumerate((k for k in THEOREMS if k in results), 1):
        theorems.append(theorem(kind, number, results[kind], rules_override, timings))
    failures = [f for t in theorems for f in t["failures"]]
    total = sum(len(r.checks) for r in results.values())
    proved = sum(r.counts[Status.PROVED] for r in results.values())
    rows = None if claims is None else claims_context(claims)
    verdict = page_one(theorems, rows, shape.activations)
    title = title or DEFAULT_TITLE
    drawing = tikz(shape, n)
    return {
        "title": title,
        "pdf_title": pdf_string(title),
        "date": date or today(),
        "source_date_epoch": date_epoch(date or today()),
        "version": __version__,
        "command": command or default_command(shape),
        "command_tex": breakable(command or default_command(shape)),
        "network": network_context(shape, n),
        "tikz": drawing,
        "book": textbook_context(shape, results, rules_override, drawing),
        "definitions": definitions(n),
        "sym": prose_formulas(n),
        "theorems": theorems,
        "generic_identity": identity_formulas()["identity"],
        "specialised": [_specialised_context(t["number"], results[k])
                        for t, k in zip(theorems, (k for k in THEOREMS if k in results))
                        if results[k].specialised],
        "failures": failures,
        "failures_refuted": sum(f["status"] == Status.REFUTED for f in failures),
        "failures_unknown": sum(f["status"] == Status.UNKNOWN for f in failures),
        "status": verdict["status"],
        "verdict": verdict,
        "proved": proved,
        "total": total,
        "timings": timings,
        "overrides": sorted(rules_override or {}),
        "claims": rows,
        "claims_file": breakable(claims_file) if claims_file else "the claims file",
        "claims_scope": claims_scope(claims if claims is not None else []),
    }


def plan_size(shape: Shape, only: str | None = None) -> int:
    return sum(len(plan(s)) for s in theorem_shapes(shape, only).values())


def _specialised_context(number, result) -> dict:
    """What the method section says of a theorem whose instances are the generic f's
    proofs with f = id: which network was not differentiated, and at which layers the
    identity was put (all of them only for the linear network)."""
    acts = result.shape.activations
    linear = [l for l, a in enumerate(acts, 1) if not activations.get(a).is_generic]
    every = len(linear) == len(acts)
    return {"number": number, "count": result.specialised, "total": len(result.checks),
            **identity_formulas(),
            "network": "the linear network" if every else "this network",
            "where": "each weighted input" if every else
                     ("each weighted input of layer" + ("s " if len(linear) > 1 else " ")
                      + ", ".join(map(str, linear)) + " (the linear layer"
                      + ("s" if len(linear) > 1 else "") + ")")}
