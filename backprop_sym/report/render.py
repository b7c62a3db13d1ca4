"""Proof reports: run the checks, compute every formula with SymPy, render the templates.

`make_report` verifies the two theorems for one shape (Theorem 1 with the requested,
or generic, nonlinear activation; Theorem 2 with f linear) and renders the document.
`render` turns finished results into LaTeX: it builds a context of LaTeX strings, each
printed by SymPy (`formulas.tex`) or escaped as text, and hands it to the Jinja2
templates in `templates/`, which only lay it out. Nothing mathematical is computed in a
template, and nothing is claimed that was not checked in the same invocation.
"""
from __future__ import annotations

import datetime
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
import sympy

from .. import __version__
from ..engine import activations, rules
from ..engine.backends import get_backend
from ..engine.network import Expressions, Shape
from ..engine.vocabulary import RULE_KINDS
from ..engine.verify import PROVED, REFUTED, UNKNOWN, Result, plan, verify
from .chain import chain_context, proof_for, prover_activation
from .formulas import Lines, fits, fprime, over_examples, terms, tex, width
from . import numeric
from .latex import Tex, escape, pdf_string

THEOREMS = ("nonlinear", "linear")
DEFAULT_TITLE = "Backpropagation, proved for one network"
TEMPLATES = Path(__file__).parent / "templates"
S = sympy.Symbol

# how much of the explicit network is printed before it is elided
MAX_EXPLICIT_ROWS = 60       # display rows for all z^l_j written out in x, w, b
MAX_NEURONS_SHOWN = 4        # neurons per layer in explicit displays (else 1, 2, ..., n)
MAX_WORKED_TERMS = 200       # terms of the expanded worked instance
MAX_COLLAPSE_TERMS = 80      # terms of the entries of M (and of c) printed in Theorem 2


# ---------------------------------------------------------------- running the checks

@dataclass
class Report:
    tex: str
    results: dict            # theorem kind -> Result
    shapes: dict             # theorem kind -> Shape

    @property
    def status(self) -> str:
        st = [r.status for r in self.results.values()]
        return REFUTED if REFUTED in st else UNKNOWN if UNKNOWN in st else PROVED

    def summary(self) -> str:
        parts = []
        for kind, r in self.results.items():
            c = r.counts
            parts.append(f"{kind}: {r.status} {c[PROVED]}/{len(r.checks)}")
        return "; ".join(parts)


def theorem_shapes(shape: Shape, only: str | None = None) -> dict[str, Shape]:
    """The shape each theorem is checked on: Theorem 1 keeps the requested activations
    when one of them is nonlinear (else it uses the generic f); Theorem 2 is all linear."""
    if only not in (None, *THEOREMS):
        raise ValueError(f"only must be one of {THEOREMS}, got {only!r}")
    nonlinear = (shape.activations if any(a != "linear" for a in shape.activations)
                 else (activations.GENERIC,) * shape.L)
    out = {"nonlinear": replace(shape, activations=tuple(nonlinear)),
           "linear": replace(shape, activations=("linear",) * shape.L)}
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
    for kind, sh in shapes.items():
        left = None if deadline is None else max(deadline - time.time(), 1e-3)
        results[kind] = verify(sh, backend=backend, jobs=jobs, timeout=left,
                               rules_override=rules_override, progress=progress)
    source = render(shape, results, claims=claims, claims_file=claims_file, title=title,
                    date=date, command=command or report_command(shape, only=only, title=title),
                    rules_override=rules_override, timings=timings)
    return Report(source, results, shapes)


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
    (a witness dict as in `verify`, or None); they are rendered in a section
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


def context(shape: Shape, results: dict[str, Result], *, claims=None, claims_file=None,
            title=None, date=None, command=None, rules_override=None, timings=False) -> dict:
    n = Notation(shape)
    theorems = []
    for number, kind in enumerate((k for k in THEOREMS if k in results), 1):
        theorems.append(theorem(kind, number, results[kind], n, rules_override, timings))
    failures = [f for t in theorems for f in t["failures"]]
    total = sum(len(r.checks) for r in results.values())
    proved = sum(r.counts[PROVED] for r in results.values())
    rows = None if claims is None else claims_context(claims)
    verdict = page_one(theorems, rows)
    title = title or DEFAULT_TITLE
    from .textbook import textbook_context
    drawing = tikz(shape, n)
    return {
        "title": title,
        "pdf_title": pdf_string(title),
        "date": date or today(),
        "version": __version__,
        "command": command or default_command(shape),
        "command_tex": breakable(command or default_command(shape)),
        "network": network_context(shape, n),
        "tikz": drawing,
        "book": textbook_context(shape, results, rules_override, drawing),
        "definitions": definitions(n),
        "sym": notation(n),
        "theorems": theorems,
        "failures": failures,
        "failures_refuted": sum(f["status"] == REFUTED for f in failures),
        "failures_unknown": sum(f["status"] == UNKNOWN for f in failures),
        "status": verdict["status"],
        "verdict": verdict,
        "proved": proved,
        "total": total,
        "timings": timings,
        "overrides": sorted(rules_override or {}),
        "claims": rows,
        "claims_file": claims_file or "the claims file",
        "claims_scope": claims_scope(claims if claims is not None else []),
    }


CLAIM_BAD = ("refuted", "unknown", "ill-formed")      # claims that are not proved


def page_one(theorems: list, claims: list | None) -> dict:
    """The verdict of the whole document: every rule instance and every claim. Whatever
    is not proved is named, with the section where it is shown."""
    listed = list(claims) if claims is not None else []
    rule_bad = []
    for t in theorems:
        for c in t["counts"]:
            bad = c["refuted"] + c["unknown"]
            if bad:
                rule_bad.append({"theorem": t["number"], "rule": c["rule"], "bad": bad,
                                 "refuted": c["refuted"], "unknown": c["unknown"],
                                 "total": c["total"], "layers": c["bad_layers"]})
    claim_groups = []
    if claims is not None:
        for status in CLAIM_BAD:
            hit = [c for c in claims if c["status"] == status]
            if hit:
                claim_groups.append({"status": status, "claims": hit})
    statuses = ([t["status"] for t in theorems] + [t["chain"]["status"] for t in theorems]
                + [c["status"] for c in listed])
    status = (REFUTED if REFUTED in statuses else
              UNKNOWN if UNKNOWN in statuses or "ill-formed" in statuses else PROVED)
    counted: dict[str, int] = {}
    for c in listed:
        counted[c["status"]] = counted.get(c["status"], 0) + 1
    order = ("proved", "refuted", "unknown", "ill-formed", "skipped")
    return {"status": status, "rules": rule_bad, "claim_groups": claim_groups,
            "claim_counts": [{"status": k, "n": counted[k]}
                             for k in (*order, *sorted(set(counted) - set(order)))
                             if k in counted],
            "claims_total": len(listed)}


def claims_scope(claims: list) -> dict:
    """Where the claims were checked: the shapes and example counts of their `scope`
    keys when present, else the checker's defaults."""
    from ..claims.evaluate import DEFAULT_SHAPES, EXAMPLE_COUNTS
    given = [c.get("scope") for c in claims if c.get("scope")]
    if given:
        shapes = sorted({tuple(s) for g in given for s in (g.get("shapes") or [])})
        samples = sorted({int(n) for g in given for n in (g.get("samples") or [])})
    else:
        shapes, samples = sorted(tuple(s) for s in DEFAULT_SHAPES), sorted(EXAMPLE_COUNTS)
    N = S("N")
    return {"shapes": "; ".join(",".join(map(str, s)) for s in shapes),
            "samples": Tex(" and ".join(f"${tex(sympy.Eq(N, k, evaluate=False))}$"
                                        for k in samples)),
            "per_claim": bool(given)}


def breakable(text: str) -> Tex:
    """Text escaped, with a break allowed after , / - _ = and spaces (long commands,
    file names and claim sources in typewriter type)."""
    out: list[str] = []
    for ch in str(text):
        out.append(escape(ch))
        if ch in ",/-_=|;":
            out.append(r"\allowbreak{}")
    return Tex("".join(out))


# ---------------------------------------------------------------- notation

class Notation:
    """Symbols of the general statements, in the shape's convention."""

    def __init__(self, shape: Shape):
        self.shape = shape
        self.conv = shape.convention
        self.D = "Delta" if self.conv == "from-to" else "delta"
        sigma = self.conv == "to-from" or set(shape.activations) == {"sigmoid"}
        self.f = sympy.Function("sigma" if sigma else "f")
        self.fname = Tex(r"\sigma" if sigma else "f")
        self.ex = Expressions(shape, get_backend("sympy"))

    def w(self, l, frm, to):
        """The weight from neuron `frm` (layer l-1) to `to` (layer l), general indices."""
        p, q = (frm, to) if self.conv == "from-to" else (to, frm)
        return S(f"w^{{{l}}}_{{{p}{q}}}")

    def delta(self, l, j, x=""):
        return S(f"{self.D}^{{{l}}}_{{{j}}}{x}")


def rel(*parts, keep=True) -> list:
    """Each part printed (SymPy) or kept (Tex), for Lines.eq."""
    return [p if isinstance(p, (str, Tex)) else tex(p, keep_order=keep) for p in parts]


def D(num, den):
    return sympy.Derivative(num, den, evaluate=False)


def mul(*args):
    return sympy.Mul(*args, evaluate=False)


def add(*args):
    return sympy.Add(*args, evaluate=False)


# ---------------------------------------------------------------- the network

ACT_TEX = {"f": "f", "sigmoid": r"\sigma", "tanh": r"\tanh", "linear": r"\mathrm{id}",
           "softplus": r"\operatorname{softplus}"}


def act_tex(name: str) -> Tex:
    return Tex(ACT_TEX.get(name, r"\operatorname{%s}" % escape(name)))


def act_formula(name: str) -> Tex:
    """The registry's statement of an activation and its derivative."""
    return Tex(activations.get(name).formula)


def activation_words(shape: Shape) -> str:
    """'f (an arbitrary differentiable function) in every layer', or one per layer."""
    def word(a):
        return (f"{a} (an arbitrary differentiable function)" if activations.get(a).is_generic
                else "linear (the identity)" if a == "linear" else a)
    acts = shape.activations
    if len(set(acts)) == 1:
        return f"{word(acts[0])} in every layer"
    return ", ".join(f"{a} in layer {l}" for l, a in enumerate(acts, 1))


def network_context(shape: Shape, n: Notation) -> dict:
    layers = [{"l": 0, "width": shape.widths[0], "role": "input", "act": None,
               "act_name": "", "symbols": tex(S("x_k"))}]
    for l in range(1, shape.L + 1):
        layers.append({"l": l, "width": shape.widths[l],
                       "role": "output" if l == shape.L else "hidden",
                       "act": act_tex(shape.activations[l - 1]),
                       "act_name": shape.activations[l - 1], "symbols": tex(S(f"a^{l}_j"))})
    return {
        "widths": ", ".join(map(str, shape.widths)),
        "activations": activation_words(shape),
        "L": shape.L, "N": shape.samples, "convention": shape.convention,
        "layers": layers,
        "describe": shape.describe(),
        "params": sum(shape.widths[l - 1] * shape.widths[l] + shape.widths[l]
                      for l in range(1, shape.L + 1)),
        "weight_rule": tex(n.w("l", "k", "j")),
        "to_from": shape.convention == "to-from",
    }


def shown(width_: int) -> list:
    """Neuron indices drawn/printed for a layer of this width (None marks an ellipsis)."""
    if width_ <= MAX_NEURONS_SHOWN + 1:
        return list(range(1, width_ + 1))
    return [1, 2, None, width_]


def tikz(shape: Shape, n: Notation) -> dict:
    """Positions and labels for the TikZ drawing (cm); the template only draws them."""
    L = shape.L
    dx = min(3.4, 13.0 / L)
    dy = 1.25
    nodes: list[dict] = []
    dots: list[dict] = []
    edges: list[dict] = []
    captions: list[dict] = []
    ids = {}
    for l in range(L + 1):
        js = shown(shape.widths[l])
        top = (len(js) - 1) / 2 * dy
        for i, j in enumerate(js):
            x, y = round(l * dx, 3), round(top - i * dy, 3)
            if j is None:
                dots.append({"x": x, "y": y})
                continue
            name = f"n{l}x{j}"
            ids[l, j] = name
            label = tex(S(f"x_{j}")) if l == 0 else tex(S(f"a^{l}_{j}"))
            nodes.append({"name": name, "x": x, "y": y, "label": label,
                          "kind": "input" if l == 0 else "output" if l == L else "hidden"})
        caption = "input" if l == 0 else f"layer {l}"
        captions.append({"x": round(l * dx, 3), "text": caption,
                         "act": None if l == 0 else act_tex(shape.activations[l - 1])})
    low = min(nd["y"] for nd in nodes + dots) - 1.0
    for c in captions:
        c["y"] = round(low, 3)
    for l in range(1, L + 1):
        ks = [k for k in shown(shape.widths[l - 1]) if k]
        js = [j for j in shown(shape.widths[l]) if j]
        labelled = (ks[-1], js[0])
        for k in ks:
            for j in js:
                lab = tex(n.ex.W(l, *((k, j) if n.conv == "from-to" else (j, k))))
                edges.append({"src": ids[l - 1, k], "dst": ids[l, j],
                              "label": lab if (k, j) == labelled else None})
    return {"nodes": nodes, "dots": dots, "edges": edges, "captions": captions,
            "max_shown": MAX_NEURONS_SHOWN + 1}


# ---------------------------------------------------------------- definitions and proof

def notation(n: Notation) -> dict:
    """Small formulas of the prose (l < L, f(z) = z, ...), printed by SymPy like the rest."""
    l, L, N, z = S("l"), S("L"), S("N"), S("z")
    fp = sympy.Symbol("f'")
    dots = sympy.Symbol("dots")
    seq = lambda *xs: Tex(", ".join(str(tex(x)) for x in xs).replace(tex(dots), r"\dots"))
    return {
        "l_lt_L": tex(sympy.StrictLessThan(l, L)),
        "l_eq_L": tex(sympy.Eq(l, L, evaluate=False)),
        "layers": Tex(f"{tex(l)} = {seq(1, dots, L)}"),
        "neurons": seq(1, dots, S("n_l")),
        "examples": seq(S("x^(1)"), dots, S("x^(N)")),
        "one_over_N": tex(1 / N),
        "l_minus_1": tex(l - 1), "l_plus_1": tex(l + 1),
        "f_identity": tex(sympy.Eq(n.f(z), z, evaluate=False)),
        "fprime_one": tex(sympy.Eq(fprime(n.f, z), 1, evaluate=False)),
        "fp_one": tex(sympy.Eq(fp, 1, evaluate=False)),
        "L_ge_1": tex(sympy.GreaterThan(L, 1)),
        "widths": seq(S("n_0"), dots, S("n_L")),
        "w_l": tex(S("w^l")), "a_l": tex(S("a^l")), "z_l": tex(S("z^l")), "b_l": tex(S("b^l")),
        "calC": tex(S("calC")), "sum_x": Tex(r"\sum_{x}"), "x_s": tex(S("x^(s)")),
        "y_s": tex(sympy.Eq(S("y^(s)"), S("y(x^{(s)})"), evaluate=False)),
        "of_x_s": Tex("(x^{(s)})"), "aL_x_s": tex(S("a^L_j(x^{(s)})")),
    }


def definitions(n: Notation) -> dict:
    k, j, s = S("k"), S("j"), S("s")
    z = Lines().eq(tex(S("z^l_j")), *rel(add(sympy.Sum(mul(S("a^{l-1}_k"), n.w("l", "k", "j")),
                                                       (k, 1, S("n_{l-1}"))), S("b^l_j"))))
    z.eq(tex(S("a^l_j")), *rel(n.f(S("z^l_j"))))
    z.eq(tex(S("a^0_k")), tex(S("x_k")))
    cost = Lines().eq(tex(S("C_x")), *rel(mul(sympy.Rational(1, 2), sympy.Sum(
        (S("a^L_j") - S("y_j")) ** 2, (j, 1, S("n_L"))))))
    cost.eq(tex(S("calC")), *rel(mul(sympy.Rational(1, 1) / S("N"), over_examples(S("C_x")))))
    delta = Lines().eq(tex(n.delta("l", "j", "(x)")), *rel(D(S("C_x"), S("z^l_j"))))
    return {"z": z.display(), "cost": cost.display(),
            "delta": delta.display(),
            "z_plain": tex(S("z^l_j")), "a_plain": tex(S("a^l_j")),
            "x_plain": tex(S("x")), "y_plain": tex(S("y(x)"))}


def general_rules(n: Notation, linear: bool = False) -> dict:
    """The four rules in general indices, printed by SymPy; with f' = 1 when linear."""
    k, s = S("k"), S("s")
    fp = (lambda z: sympy.Integer(1)) if linear else (lambda z: fprime(n.f, z))
    out = mul(add(S("a^L_j"), -S("y_j")), fp(S("z^L_j")))
    hid = sympy.Sum(mul(n.w("l+1", "j", "k"), n.delta("l+1", "k"), fp(S("z^l_j"))),
                    (k, 1, S("n_{l+1}")))
    if linear:
        out = add(S("a^L_j"), -S("y_j"))
        hid = sympy.Sum(mul(n.w("l+1", "j", "k"), n.delta("l+1", "k")), (k, 1, S("n_{l+1}")))
    wi = n.w("l", "i", "j")
    grad_w = mul(1 / S("N"), over_examples(mul(S("a^{l-1}_i(x)"), n.delta("l", "j", "(x)"))))
    grad_b = mul(1 / S("N"), over_examples(n.delta("l", "j", "(x)")))
    rows = {
        "output_delta": Lines().eq(tex(n.delta("L", "j")), *rel(out)),
        "hidden_delta": Lines().eq(tex(n.delta("l", "j")), *rel(hid)),
        "weight_grad": Lines().eq(tex(D(S("calC"), wi)), *rel(grad_w)),
        "bias_grad": Lines().eq(tex(D(S("calC"), S("b^l_j"))), *rel(grad_b)),
    }
    return {kind: {"kind": kind, "display": rows[kind].display(), "rows": rows[kind].rows,
                   "registry": Tex(rules.get(kind, n.conv).statement)}
            for kind in rules.KINDS}


def vector_rules(n: Notation, linear: bool = False) -> dict:
    """The rules in vectors and matrices, with the matrix w^l of the convention."""
    D, f = (r"\Delta" if n.conv == "from-to" else r"\delta"), n.fname
    had = (lambda v, z: v) if linear else (lambda v, z: rf"\bigl({v}\bigr) \odot {f}'({z})")
    if n.conv == "from-to":
        back, outer = rf"w^{{l+1}} {D}^{{l+1}}", rf"a^{{l-1}} ({D}^{{l}})^{{T}}"
        shape_w, z = r"n_{l-1} \times n_{l}", r"(w^{l})^{T} a^{l-1} + b^{l}"
        entry = r"w^{l}_{kj}"
    else:
        back, outer = rf"(w^{{l+1}})^{{T}} {D}^{{l+1}}", rf"{D}^{{l}} (a^{{l-1}})^{{T}}"
        shape_w, z = r"n_{l} \times n_{l-1}", r"w^{l} a^{l-1} + b^{l}"
        entry = r"w^{l}_{jk}"
    out = r"a^{L} - y" if linear else rf"(a^{{L}} - y) \odot {f}'(z^{{L}})"
    rows = [rf"{D}^{{L}} &= {out}",
            rf"{D}^{{l}} &= {had(back, 'z^{l}')}" if not linear else rf"{D}^{{l}} &= {back}",
            rf"\frac{{\partial \mathcal{{C}}}}{{\partial w^{{l}}}} &= \frac{{1}}{{N}} \sum_{{x}} {outer}",
            rf"\frac{{\partial \mathcal{{C}}}}{{\partial b^{{l}}}} &= \frac{{1}}{{N}} \sum_{{x}} {D}^{{l}}"]
    return {"display": Tex("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"),
            "inline": {kind: Tex(row.replace("&=", "=")) for kind, row in zip(rules.KINDS, rows)},
            "rows": dict(zip(rules.KINDS, rows)),
            "shape_w": Tex(shape_w), "z": Tex(z), "entry": Tex(entry), "D": Tex(D)}


# ---------------------------------------------------------------- one theorem

def theorem(kind: str, number: int, result: Result, n0: Notation, overrides,
            timings: bool = False) -> dict:
    shape = result.shape
    n = Notation(shape)
    linear = kind == "linear"
    acts = sorted(set(shape.activations))
    generic = all(activations.get(a).is_generic for a in shape.activations)
    counts, groups = [], []
    for rk in rules.KINDS:
        cs = [c for c in result.checks if c.rule == rk]
        layers = []
        for l in sorted({c.layer for c in cs}):
            cl = [c for c in cs if c.layer == l]
            row = tally(cl)
            layers.append({"l": l, **row})
            groups.append({"rule": rk, "l": l, **row,
                           "items": [{"instance": instance_tex(c, n, slash=True),
                                      "status": c.status, "seconds": f"{c.seconds:.3f}"}
                                     for c in cl]})
        counts.append({"rule": rk, **tally(cs), "layers": layers,
                       "bad_layers": [y["l"] for y in layers if y["proved"] < y["total"]]})
    failures = [failure(number, kind, c, n, overrides) for c in result.checks
                if c.status != PROVED]
    per_layer = [{"l": l, "act": act_tex(a), "formula": act_formula(a), "name": a}
                 for l, a in enumerate(shape.activations, 1)]
    general = general_rules(n, linear)
    t = {
        "number": number, "kind": kind, "linear": linear,
        "status": result.status, "counts": counts, "groups": groups, "failures": failures,
        "total": len(result.checks), "proved": result.counts[PROVED],
        "refuted": result.counts[REFUTED], "unknown": result.counts[UNKNOWN],
        "seconds": (f"{result.seconds:.2f}" if result.seconds >= 0.01
                    else f"{result.seconds:.4f}") if timings else None,
        "backend": result.backend,
        "generic": generic, "mixed": len(acts) > 1, "layers": per_layer,
        "act": act_tex(acts[0]), "act_formula": act_formula(acts[0]),
        "act_names": ", ".join(acts),
        "widths": ",".join(map(str, shape.widths)), "f": n.fname,
        "rules": general,
        "vector": vector_rules(n, linear),
        "chain": chain_context(
            proof_for(prover_activation(shape.activations, linear), shape.convention, overrides),
            sigma=str(n.fname) == r"\sigma", to_from=n.conv == "to-from",
            rule_displays=general, overrides=overrides),
        "explicit": explicit(shape, n),
        "worked": worked_instance(shape, n, overrides),
        "collapse": collapse(shape, n) if linear else None,
    }
    return t


def tally(checks) -> dict:
    return {"proved": sum(c.status == PROVED for c in checks),
            "refuted": sum(c.status == REFUTED for c in checks),
            "unknown": sum(c.status == UNKNOWN for c in checks), "total": len(checks)}


def instance_tex(c, n: Notation, slash=False) -> Tex:
    idx = list(c.index)
    if c.rule in ("output_delta", "hidden_delta"):
        x = f"(x^{{({c.sample})}})" if n.shape.samples > 1 else ""
        return tex(n.delta(c.layer, idx[0], x))
    try:
        var = n.ex.W(c.layer, *idx) if c.rule == "weight_grad" else n.ex.b[c.layer, idx[0]]
    except (IndexError, KeyError):
        var = S(f"w^{c.layer}_{''.join(map(str, idx))}" if c.rule == "weight_grad"
                else f"b^{c.layer}_{idx[0]}")
    return tex(D(S("calC"), var), slash=slash)


def failure(number, kind, c, n: Notation, overrides=None) -> dict:
    reason = (c.reason or "").rstrip(".")
    return {"theorem": number, "kind": kind, "rule": c.rule,
            "instance": instance_tex(c, n, slash=True),
            "status": c.status, "reason": reason[:1].upper() + reason[1:],
            "checked": checked_form(c, n, overrides),
            "witness": witness_context(c.witness, n.shape)}


def checked_form(c, n: Notation, overrides) -> Tex | None:
    """The closed form that was compared with the direct derivative for this instance,
    as the rule (or its replacement) computed it: in a, z, y, w, f' and the directly
    computed Δ (written as symbols)."""
    shape = n.shape
    names = Abbreviations(shape, n)
    q = SymbolicQuantities(shape, n, overrides, names, deltas_as_symbols=True)
    fn = q.rule(c.rule)
    idx = list(c.index)
    try:
        if c.rule == "output_delta":
            rhs = fn(q, c.sample, *idx)
        elif c.rule == "hidden_delta":
            rhs = fn(q, c.sample, c.layer, *idx)
        else:
            rhs = fn(q, c.layer, *idx)
    except (IndexError, KeyError, TypeError):
        return None
    return Lines().eq(instance_tex(c, n), in_notation(rhs, n)).display()


LONG_NUMBER = 24              # digits from which a number is printed breakable


def digits(text: str) -> str:
    """Digits in groups of five, with a break allowed between groups."""
    return r"\allowbreak\,".join(text[i:i + 5] for i in range(0, len(text), 5))


def number_tex(v) -> Tex:
    """A number from a witness: exact rationals printed by SymPy (long ones as p/q with
    breaks between groups of digits, and a decimal value), decimals as digits."""
    import re
    v = str(v).strip()
    if re.fullmatch(r"-?\d+(/\d+)?", v):
        q = sympy.Rational(v)
        if len(v) <= LONG_NUMBER:
            return tex(q)
        sign = "-" if q < 0 else ""
        body = digits(str(abs(q.p))) + ("" if q.q == 1 else r"\allowbreak/" + digits(str(q.q)))
        approx = sympy.Float(q, 6)
        return Tex(rf"{sign}{body} \approx {tex(approx)}")
    if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", v):
        return Tex(digits(v) if len(v) > LONG_NUMBER else v)
    return Tex(r"\text{%s}" % escape(v))


def witness_context(w: dict | None, shape: Shape | None = None) -> dict | None:
    """A witness as table rows: every value, the concrete f, both sides' numbers, and
    (for an exact witness of the network's own check) z and a layer by layer."""
    if not w:
        return None
    if "values" not in w:
        return {"note": w.get("reason", str(w)), "values": [], "f": None, "direct": None,
                "rule": None, "exact": True, "sides": "rule", "forward": []}
    shown = w.get("nonzero", w["values"])
    values = []
    for name, v in shown.items():
        try:
            sym = tex(S(name))
        except Exception:           # a name the printer does not cover: shown as text
            sym = Tex(r"\text{%s}" % escape(name))
        values.append({"name": sym, "value": number_tex(v)})
    f, coeffs = None, None
    if w.get("f"):
        t = S("t")
        c0, c1, c2 = (sympy.Rational(c) for c in w["f"]["coefficients"])
        f = Tex(f"{tex(sympy.Function('f')(t))} = {tex(c2 * t ** 2 + c1 * t + c0)}")
        coeffs = (c2, c1, c0)
    claim = "instance" in w  # a claim's witness names the instance; a rule's is its check
    return {"note": None, "values": values, "f": f,
            "others_zero": len(w["values"]) - len(shown),
            "columns": 3 if len(values) > 12 else 2,
            "direct": number_tex(w["left"]), "rule": number_tex(w["right"]),
            "exact": bool(w.get("exact", True)), "sides": "claim" if claim else "rule",
            "forward": [] if claim or shape is None else forward_pass(shape, w, coeffs)}


MAX_FORWARD_ROWS = 24        # neurons shown in a witness's forward pass


def forward_pass(shape: Shape, w: dict, coeffs, n: Notation | None = None) -> list:
    """z^l_j, a^l_j and Δ^l_j at an exact witness, layer by layer (rational arithmetic;
    Δ as the derivative of the example's cost, independent of every rule), for generic
    and linear layers; [] where that is not exact or too long to show."""
    acts = [activations.get(a) for a in shape.activations]
    if not w.get("exact", True) or sum(shape.widths[1:]) * shape.samples > MAX_FORWARD_ROWS:
        return []
    if any(not (a.is_generic or a.name == "linear") for a in acts):
        return []
    if any(a.is_generic for a in acts) and coeffs is None:
        return []
    ex = Expressions(shape, get_backend("sympy"))
    names = [str(v) for v in (*ex.x.values(), *ex.y.values(), *ex.w.values(), *ex.b.values())]
    if any(name not in w["values"] for name in names):
        return []
    f = numeric.quadratic(*coeffs) if coeffs is not None else None
    net = numeric.Concrete(shape, {k: sympy.Rational(w["values"][k]) for k in names},
                           [None] + [f if a.is_generic else numeric.IDENTITY for a in acts])
    z, a = net.forward()
    deltas = net.deltas()
    n = n or Notation(shape)
    rows = []
    for (s_, l, j) in sorted(z):
        x = f"(x^{{({s_})}})" if shape.samples > 1 else ""
        rows.append({"z": tex(S(f"z^{{{l}}}_{{{j}}}{x}")), "zv": tex(z[s_, l, j]),
                     "a": tex(S(f"a^{{{l}}}_{{{j}}}{x}")), "av": tex(a[s_, l, j]),
                     "d": tex(n.delta(l, j, x)), "dv": tex(deltas[s_, l, j])})
    return rows


# ---------------------------------------------------------------- the explicit network

def explicit(shape: Shape, n: Notation) -> dict:
    """z^l_j in terms of a^{l-1}, and written out in x, w, b while that fits."""
    ex = n.ex
    layers, rows_total, full_ok = [], 0, True
    for l in range(1, shape.L + 1):
        js = shown(shape.widths[l])
        act = activations.get(shape.activations[l - 1])
        prev = [S(f"x_{k}") if l == 1 else S(f"a^{l - 1}_{k}")
                for k in range(1, shape.widths[l - 1] + 1)]
        recursive = Lines()
        for j in (j for j in js if j):
            zj = sum((p * ex.w[l, k, j] for k, p in enumerate(prev, 1)), sympy.Integer(0)) \
                + ex.b[l, j]
            recursive.eq(tex(S(f"z^{l}_{j}")), zj)
        full = Lines()
        if full_ok:
            for j in (j for j in js if j):
                e = ex.z[1, l, j]
                full.eq(tex(S(f"z^{l}_{j}")), e)
            full_ok = (l == 1 or all(fits(ex.z[1, l, j]) for j in js if j)) and \
                rows_total + len(full) <= MAX_EXPLICIT_ROWS
        rows_total += len(full) if full_ok else 0
        zsym = S(f"z^{l}_j")
        a_row = Lines().eq(tex(S(f"a^{l}_j")), tex(act.value(get_backend("sympy"), zsym)))
        big = ex.z[1, l, 1]
        layers.append({
            "l": l, "recursive": recursive.display(), "omitted": None in js,
            "full": full.display() if full_ok and l > 1 else None,
            "elided": not full_ok,
            "terms": len(terms(big)),
            "symbols": sum(1 for _ in sympy.preorder_traversal(big) if isinstance(_, sympy.Symbol)),
            "a": a_row.display(), "width": shape.widths[l],
            "z1": tex(S(f"z^{l}_1")),
        })
    first_elided = next((d["l"] for d in layers if d["elided"]), None)
    return {"layers": layers, "first_elided": first_elided,
            "samples": shape.samples, "x1": tex(S("x^(1)"))}


# ---------------------------------------------------------------- the worked instance

class SymbolicQuantities(numeric.RuleQuantities):
    """What a rule may use (see verify.Quantities), as SymPy expressions in abbreviations:
    a^l_j and z^l_j are symbols, f'(z) is printed as f'(z), and Δ is composed from the
    rules themselves (or is a bare symbol, to print one rule instance)."""

    def __init__(self, shape, n: Notation, overrides, names, deltas_as_symbols=False):
        super().__init__(shape, overrides)
        self.n, self.names = n, names
        self.symbolic = deltas_as_symbols

    def a(self, s, l, j):
        return self.n.ex.x[s, j] if l == 0 else self.names.a(s, l, j)

    def z(self, s, l, j):
        return self.names.z(s, l, j)

    def y(self, s, j):
        return self.n.ex.y[s, j]

    def fprime(self, s, l, j):
        return self.names.fprime(s, l, j)

    def W(self, l, p, r):
        return self.n.ex.W(l, p, r)

    def delta(self, s, l, j):
        if self.symbolic:
            return self.names.delta(s, l, j)
        return super().delta(s, l, j)


class Abbreviations:
    """Names for the explicit z^l_j(s) and a^l_j(s), and f'(z) in abbreviated form."""

    def __init__(self, shape, n: Notation):
        self.shape, self.n = shape, n
        self.B = get_backend("sympy")
        self.acts = [activations.get("linear")] + [activations.get(a) for a in shape.activations]
        self.Z, self.A = {}, {}
        for (s, l, j) in n.ex.z:
            x = f"(x^{{({s})}})" if shape.samples > 1 else ""
            self.Z[s, l, j] = S(f"z^{{{l}}}_{{{j}}}{x}")
            self.A[s, l, j] = S(f"a^{{{l}}}_{{{j}}}{x}")

    def z(self, s, l, j):
        return self.Z[s, l, j]

    def a(self, s, l, j):
        return self.A[s, l, j]

    def delta(self, s, l, j):
        x = f"(x^{{({s})}})" if self.shape.samples > 1 else ""
        return self.n.delta(l, j, x)

    def fprime(self, s, l, j):
        act, z = self.acts[l], self.Z[s, l, j]
        if act.is_generic:
            return fprime(sympy.Function("f"), z)
        return self.name_values(act.derivative(self.B, z))

    def values(self) -> dict:
        """a-symbol -> its value f(z-symbol); for a linear layer a = z."""
        return {A: self.acts[l].value(self.B, self.Z[s, l, j]) for (s, l, j), A in self.A.items()}

    def name_values(self, expr):
        return expr.xreplace({v: A for A, v in self.values().items() if v != A})

    def abbreviate(self, expr):
        """The explicit z's in `expr` replaced by their names, then f(z) by a.

        Layer by layer from the input: once the z's of layer l-1 have names, a z of
        layer l reads sum_k f(z^{l-1}_k) w + b, and that is what is replaced (subs also
        finds it inside e^{-z} and inside (z - y) flattened into one sum)."""
        ex, B = self.n.ex, self.B
        for l in range(1, self.shape.L + 1):
            for (s, ll, j), z in ex.z.items():
                if ll != l:
                    continue
                named = sum((self._prev(s, l, k) * ex.w[l, k, j]
                             for k in range(1, self.shape.widths[l - 1] + 1)), B.zero) + ex.b[l, j]
                expr = expr.xreplace({named: self.Z[s, l, j]})
                # b^l_j occurs only inside z^l_j: if it is gone, so is every z^l_j
                if ex.b[l, j] in expr.free_symbols:
                    expr = expr.subs(named, self.Z[s, l, j])
        return self.name_values(expr)

    def cost_above(self, lw: int):
        """The explicit cost with the layers below `lw` named (a^{lw-1} = f(z^{lw-1}) with
        z^{lw-1} a name): the same expression as the network's cost, whose layers below
        lw do not contain the weights of layer lw, so its derivative with respect to them
        is the same; only smaller to differentiate."""
        ex, B, shape = self.n.ex, self.B, self.shape
        total = B.zero
        for s in range(1, shape.samples + 1):
            prev = [self._prev(s, lw, k) for k in range(1, shape.widths[lw - 1] + 1)]
            for l in range(lw, shape.L + 1):
                zs = [sum((p * ex.w[l, k, j] for k, p in enumerate(prev, 1)), B.zero) + ex.b[l, j]
                      for j in range(1, shape.widths[l] + 1)]
                prev = [self.acts[l].value(B, z) for z in zs]
            total += sympy.Rational(1, 2) * sum(((a - ex.y[s, j]) ** 2
                                                 for j, a in enumerate(prev, 1)), B.zero)
        return total / shape.samples

    def _prev(self, s, l, k):
        if l == 1:
            return self.n.ex.x[s, k]
        return self.acts[l - 1].value(self.B, self.Z[s, l - 1, k])

    def reduce(self, expr):
        """Canonical form for comparison: a back to f(z), activation atoms, expansion."""
        expr = expr.xreplace({A: v for A, v in self.values().items()})
        repl = {}
        for (s, l, j), z in self.Z.items():
            act = self.acts[l]
            if not act.is_generic and act.name != "linear":
                repl.update(act.atoms(self.B, z, z, f"[{s},{l},{j}]").replace)
        return sympy.expand(expr.xreplace(repl)) if repl else sympy.expand(expr)


def multiply_out(expr):
    """Products distributed over sums, but every denominator left as it is (SymPy's
    expand_mul would multiply out (1 + e^{z})(1 + e^{z'}) below the line too)."""
    dens = {}

    def hide(p):
        dens.setdefault(p, sympy.Dummy(f"d{len(dens)}"))
        return dens[p]
    hidden = expr.replace(lambda e: e.is_Pow and e.exp.is_negative and not e.base.is_Symbol,
                          hide)
    return sympy.expand_mul(hidden).xreplace({d: p for p, d in dens.items()})


def worked_layer(shape: Shape) -> int:
    """The layer of the worked weight: the smallest instance that uses every rule (the
    last hidden layer: one hidden_delta step below the output deltas), or layer 1."""
    return max(1, shape.L - 1)


def in_notation(expr, n: Notation):
    """The engine's generic f renamed to the theorem's name for it (σ where it says σ)."""
    from sympy.core.function import AppliedUndef
    if n.f.__name__ == "f":
        return expr
    return expr.replace(lambda e: isinstance(e, AppliedUndef) and e.func.__name__ == "f",
                        lambda e: n.f(*e.args))


def worked_instance(shape: Shape, n: Notation, overrides) -> dict:
    """∂𝒞/∂w^l_{11} at the smallest instance that uses every rule: SymPy's direct
    derivative, multiplied out once, beside the closed form the rules give."""
    ex, names = n.ex, Abbreviations(shape, n)
    lw, p, r = worked_layer(shape), 1, 1
    wsym = ex.W(lw, p, r)
    show = lambda e: in_notation(e, n)
    direct = names.abbreviate(sympy.diff(names.cost_above(lw), wsym))
    direct_expanded = multiply_out(direct)
    q_sym = SymbolicQuantities(shape, n, overrides, names, deltas_as_symbols=True)
    q = SymbolicQuantities(shape, n, overrides, names)
    try:
        closed_symbolic = q_sym.rule("weight_grad")(q_sym, lw, p, r)
        closed = q.rule("weight_grad")(q, lw, p, r)
        error = None
    except IndexError as err:
        closed_symbolic = closed = None
        error = str(err)
    lhs = tex(D(S("calC"), wsym))
    # the rule instances used, outermost first: every Δ the composition touches
    needed = []
    if closed is not None:
        for s in range(1, shape.samples + 1):
            for l in range(shape.L, lw - 1, -1):
                for j in range(1, shape.widths[l] + 1):
                    if l > lw or j == r:
                        needed.append((s, l, j))
    chain = Lines()
    for (s, l, j) in needed:
        kind = "output_delta" if l == shape.L else "hidden_delta"
        try:
            rhs = (q_sym.rule(kind)(q_sym, s, j) if l == shape.L
                   else q_sym.rule(kind)(q_sym, s, l, j))
        except IndexError:
            continue
        chain.eq(tex(names.delta(s, l, j)), show(rhs))
    nterms = len(terms(direct_expanded))
    out = {"weight": tex(wsym), "lhs": lhs, "error": error, "layer": lw,
           "direct_terms": nterms,
           "abbrev": Tex(", ".join(str(tex(v)) for v in (names.Z[1, 1, 1], names.A[1, 1, 1]))),
           "too_big": nterms > MAX_WORKED_TERMS, "samples": shape.samples}
    out["direct_raw"] = Lines().eq(lhs, show(direct)).display()
    out["direct"] = (Lines().eq(lhs, show(direct_expanded)).display()
                     if not out["too_big"] and nterms > 1 else None)
    linear = all(a == "linear" for a in shape.activations)
    if closed is None:
        out.update(closed_symbolic=None, chain=None, difference=None, zero=False,
                   closed_terms=0, literal=False, residual_terms=0, linear=linear)
        return out
    closed_expanded = multiply_out(closed)
    diff = names.reduce(direct - closed)
    out.update(
        closed_symbolic=Lines().eq(lhs, show(closed_symbolic)).display(),
        chain=chain.display() if len(chain) else None,
        closed_terms=len(terms(closed_expanded)),
        zero=diff == 0,
        literal=sympy.expand(direct_expanded - closed_expanded) == 0,
        difference=Lines().eq(Tex(r"\text{direct} - \text{closed form}"),
                              show(diff)).display(),
        residual_terms=len(terms(diff)),
        linear=linear,
    )
    return out


# ---------------------------------------------------------------- Theorem 2's collapse

def _fast():
    """SymEngine for the big expansions when it is installed, else SymPy."""
    try:
        import symengine
        return symengine.sympify, symengine.expand
    except ImportError:         # pragma: no cover - symengine is optional
        return sympy.sympify, sympy.expand


def collapse(shape: Shape, n: Notation) -> dict:
    """a^L = M^T x + c for the linear network: M = w^1 ⋯ w^L and c from the biases, layer
    by layer, and the check that the explicit output equals M^T x + c (expanded to 0).
    Entries of M and c are printed only while they are small."""
    ex, L, w_ = n.ex, shape.L, shape.widths
    conv, expand = _fast()
    xs = [conv(ex.x[1, i]) for i in range(1, w_[0] + 1)]
    mats = [[[conv(ex.w[l, k, j]) for j in range(1, w_[l] + 1)] for k in range(1, w_[l - 1] + 1)]
            for l in range(1, L + 1)]
    prod = mats[0]
    for m in mats[1:]:
        prod = [[expand(sum((row[t] * m[t][j] for t in range(len(m))), conv(0)))
                 for j in range(len(m[0]))] for row in prod]
    cc = [conv(0)] * w_[0]
    for l in range(1, L + 1):
        m = mats[l - 1]
        cc = [expand(sum((m[k][j] * cc[k] for k in range(w_[l - 1])), conv(0)) + conv(ex.b[l, j + 1]))
              for j in range(w_[l])]
    affine_ok = all(expand(conv(ex.a[1, L, j + 1]) - sum((prod[i][j] * xs[i] for i in range(w_[0])),
                                                        conv(0)) - cc[j]) == 0
                    for j in range(w_[L]))
    size = lambda e: len(e.args) if e.is_Add else 1
    entry_terms, c_terms = size(prod[0][0]), size(cc[0])
    small = entry_terms * w_[0] * w_[L] + c_terms * w_[L] <= MAX_COLLAPSE_TERMS
    entries, cs, matrix = Lines(), Lines(), None
    if small:
        M = sympy.Matrix(w_[0], w_[L], lambda i, j: sympy.sympify(prod[i][j]))
        matrix = tex(M) if width(str(tex(M))) < 60 else None
        if matrix is None:
            for i in range(w_[0]):
                for j in range(w_[L]):
                    entries.eq(tex(S(f"M_{{{_pair(i + 1, j + 1, w_)}}}")), M[i, j])
        for j in range(w_[L]):
            cs.eq(tex(S(f"c_{j + 1}")), sympy.sympify(cc[j]))
    Ws = [sympy.MatrixSymbol(f"w^{l}", w_[l - 1], w_[l]) if n.conv == "from-to" else
          sympy.MatrixSymbol(f"w^{l}", w_[l], w_[l - 1]) for l in range(1, L + 1)]
    Wl, cprev, bl = (sympy.MatrixSymbol("w^l", 2, 2), sympy.MatrixSymbol("c^(l-1)", 2, 1),
                     sympy.MatrixSymbol("b^l", 2, 1))
    if n.conv == "from-to":
        Mform = sympy.MatMul(*Ws)
        cstep = sympy.MatAdd(sympy.MatMul(Wl.T, cprev), bl)
        back = r"w^{l+1} w^{l+2} \cdots w^{L}" if L > 2 else r"w^{l+1} \cdots w^{L}"
    else:
        Mform = sympy.MatMul(*[W.T for W in Ws])
        cstep = sympy.MatAdd(sympy.MatMul(Wl, cprev), bl)
        back = r"(w^{l+1})^{T} \cdots (w^{L})^{T}"
    aLsym, xsym, csym = (sympy.MatrixSymbol("a^L", w_[L], 1), sympy.MatrixSymbol("x", w_[0], 1),
                         sympy.MatrixSymbol("c", w_[L], 1))
    Msym = sympy.MatrixSymbol("M", w_[0], w_[L])
    statement = Tex(f"{tex(aLsym)} = {tex(sympy.MatMul(Msym.T, xsym))} + {tex(csym)}")
    D = r"\Delta" if n.conv == "from-to" else r"\delta"
    outer = (rf"a^{{l-1}} \bigl(M^{{T}} x + c - y\bigr)^{{T}} \bigl({back}\bigr)^{{T}}"
             if n.conv == "from-to" else
             rf"\bigl({back}\bigr) \bigl(M^{{T}} x + c - y\bigr) (a^{{l-1}})^{{T}}")
    return {
        "statement": statement, "M": tex(Msym), "c": tex(csym),
        "M_form": Tex(f"{tex(Msym)} = {tex(Mform)}"),
        "c_form": Tex(f"{tex(S('c^(0)'))} = 0,\\quad {tex(S('c^(l)'))} = "
                      f"{tex(cstep)}"
                      f",\\quad {tex(csym)} = {tex(S('c^(L)'))}"),
        "delta_prod": Tex(rf"{D}^{{l}} = {back} \, (a^{{L}} - y) = {back} \, "
                          rf"\bigl(M^{{T}} x + c - y\bigr)"),
        "grad_prod": Tex(rf"\frac{{\partial \mathcal{{C}}}}{{\partial w^{{l}}}} = \frac{{1}}{{N}}"
                         rf" \sum_{{x}} {outer}"),
        "entries": entries.display() if len(entries) else None,
        "c_entries": cs.display() if len(cs) else None, "matrix": matrix, "small": small,
        "entry_terms": entry_terms, "c_terms": c_terms,
        "affine_ok": affine_ok, "n0": w_[0], "nL": w_[L],
    }


def _pair(i, j, widths) -> str:
    return f"{i}{j}" if max(widths) < 10 else f"{i},{j}"


# ---------------------------------------------------------------- claims (a hook)

def claims_context(claims: list) -> list:
    """Checked claims -> rows for the "Claims from FILE" section (see `render`): each
    typeset from its parse tree, or its source (escaped, breakable) where it did not parse."""
    from .claim_tex import claim_display
    out = []
    for number, c in enumerate(claims, 1):
        written = c.get("latex") or ""
        scope = c.get("scope") or {}
        out.append({
            "number": number,
            "line": c.get("line"),
            "formula": claim_display(written) if written else None,
            "written": breakable(written),
            "status": c.get("status") or "unknown",
            "reason": (c.get("reason") or "").rstrip("."),
            "hint": (c.get("hint") or "").rstrip("."),
            "shapes": "; ".join(",".join(map(str, s)) for s in scope.get("shapes") or []),
            "samples": ", ".join(map(str, scope.get("samples") or [1])),
            "witness": witness_context(c.get("witness")),
        })
    return out


def plan_size(shape: Shape, only: str | None = None) -> int:
    return sum(len(plan(s)) for s in theorem_shapes(shape, only).values())
