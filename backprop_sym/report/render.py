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
from ..engine.verify import PROVED, REFUTED, UNKNOWN, Result, plan, verify
from .formulas import Lines, fits, fprime, terms, tex, width
from .latex import Tex, escape, pdf_string

THEOREMS = ("nonlinear", "linear")
DEFAULT_TITLE = "Backpropagation, proved for one network"
MAX_TITLE = 200              # characters of a title given on the command line
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
                progress=None) -> Report:
    """Verify the theorems for `shape` and render the report (see `render`)."""
    shapes = theorem_shapes(shape, only)
    deadline = None if timeout is None else time.time() + timeout
    results = {}
    for kind, sh in shapes.items():
        left = None if deadline is None else max(deadline - time.time(), 1e-3)
        results[kind] = verify(sh, backend=backend, jobs=jobs, timeout=left,
                               rules_override=rules_override, progress=progress)
    source = render(shape, results, claims=claims, claims_file=claims_file, title=title,
                    date=date, command=command, rules_override=rules_override)
    return Report(source, results, shapes)


# ---------------------------------------------------------------- rendering

def environment() -> jinja2.Environment:
    """Jinja2 with LaTeX-safe delimiters: \\BLOCK{...}, \\VAR{...}, \\#{...}, %# comments.
    Every \\VAR that is not `Tex` is escaped as text."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        line_comment_prefix="%#", trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, autoescape=False,
        undefined=jinja2.StrictUndefined,
        finalize=lambda v: v if isinstance(v, Tex) else escape(v),
    )


def render(shape: Shape, results: dict[str, Result], *, claims: list | None = None,
           claims_file: str | None = None, title: str | None = None, date: str | None = None,
           command: str | None = None, rules_override: dict | None = None) -> str:
    """The LaTeX source of the report for `shape` and its verification `results`
    ({"nonlinear": Result, "linear": Result}, either may be absent).

    `claims`, when given, is a list of checked claims, each a dict with keys
    line (int), latex (the claim as written: shown as text, escaped), parsed (a SymPy
    relation or expression, printed; or None), status ('proved', 'refuted', 'unknown',
    or another word such as 'ill-formed'), reason, hint (text or None) and witness
    (a witness dict as in `verify`, or None); they are rendered in a section
    "Claims from `claims_file`". Rendering is deterministic given its arguments.
    """
    ctx = context(shape, results, claims=claims, claims_file=claims_file, title=title,
                  date=date, command=command, rules_override=rules_override)
    return environment().get_template("report.tex.j2").render(**ctx).lstrip("\n")


def today() -> str:
    """The date printed on a report (SOURCE_DATE_EPOCH, when set, for reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date().isoformat()
    return datetime.date.today().isoformat()


def default_command(shape: Shape, only: str | None = None) -> str:
    acts = shape.activations
    act = acts[0] if len(set(acts)) == 1 else ",".join(acts)
    cmd = f"backprop-sym report --widths {','.join(map(str, shape.widths))} --activation {act}"
    if shape.samples != 1:
        cmd += f" --samples {shape.samples}"
    if shape.convention != "from-to":
        cmd += f" --convention {shape.convention}"
    if only:
        cmd += f" --only {only}"
    return cmd


def context(shape: Shape, results: dict[str, Result], *, claims=None, claims_file=None,
            title=None, date=None, command=None, rules_override=None) -> dict:
    n = Notation(shape)
    theorems = []
    for number, kind in enumerate((k for k in THEOREMS if k in results), 1):
        theorems.append(theorem(kind, number, results[kind], n, rules_override))
    failures = [f for t in theorems for f in t["failures"]]
    total = sum(len(r.checks) for r in results.values())
    proved = sum(r.counts[PROVED] for r in results.values())
    status = (REFUTED if any(r.status == REFUTED for r in results.values()) else
              UNKNOWN if any(r.status == UNKNOWN for r in results.values()) else PROVED)
    title = title or DEFAULT_TITLE
    return {
        "title": title,
        "pdf_title": pdf_string(title),
        "date": date or today(),
        "version": __version__,
        "command": command or default_command(shape),
        "network": network_context(shape, n),
        "tikz": tikz(shape, n),
        "definitions": definitions(n),
        "sym": notation(n),
        "theorems": theorems,
        "failures": failures,
        "failures_refuted": sum(f["status"] == REFUTED for f in failures),
        "failures_unknown": sum(f["status"] == UNKNOWN for f in failures),
        "status": status,
        "proved": proved,
        "total": total,
        "overrides": sorted(rules_override or {}),
        "claims": None if claims is None else claims_context(claims),
        "claims_file": claims_file or "the claims file",
    }


# ---------------------------------------------------------------- notation

class Notation:
    """Symbols of the general statements, in the shape's convention."""

    def __init__(self, shape: Shape):
        self.shape = shape
        self.conv = shape.convention
        self.D = "Delta" if self.conv == "from-to" else "delta"
        self.f = sympy.Function("f")
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
    nodes, dots, edges, captions = [], [], [], []
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
    }


def definitions(n: Notation) -> dict:
    k, j, s = S("k"), S("j"), S("s")
    z = Lines().eq(tex(S("z^l_j")), *rel(add(sympy.Sum(mul(S("a^{l-1}_k"), n.w("l", "k", "j")),
                                                       (k, 1, S("n_{l-1}"))), S("b^l_j"))))
    z.eq(tex(S("a^l_j")), *rel(n.f(S("z^l_j"))))
    z.eq(tex(S("a^0_k")), tex(S("x_k")))
    cost = Lines().eq(tex(S("C_x")), *rel(mul(sympy.Rational(1, 2), sympy.Sum(
        (S("a^L_j") - S("y_j")) ** 2, (j, 1, S("n_L"))))))
    cost.eq(tex(S("calC")), *rel(mul(sympy.Rational(1, 1) / S("N"), sympy.Sum(
        S("C_{x^{(s)}}"), (s, 1, S("N"))))))
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
    grad_w = mul(1 / S("N"), sympy.Sum(mul(S("a^{l-1}_i(x^{(s)})"), n.delta("l", "j", "(x^{(s)})")),
                                      (s, 1, S("N"))))
    grad_b = mul(1 / S("N"), sympy.Sum(n.delta("l", "j", "(x^{(s)})"), (s, 1, S("N"))))
    rows = {
        "output_delta": Lines().eq(tex(n.delta("L", "j")), *rel(out)),
        "hidden_delta": Lines().eq(tex(n.delta("l", "j")), *rel(hid)),
        "weight_grad": Lines().eq(tex(D(S("calC"), wi)), *rel(grad_w)),
        "bias_grad": Lines().eq(tex(D(S("calC"), S("b^l_j"))), *rel(grad_b)),
    }
    return {kind: {"kind": kind, "display": rows[kind].display(),
                   "registry": Tex(rules.get(kind, n.conv).statement)}
            for kind in rules.KINDS}


def derivation(n: Notation, linear: bool = False) -> dict:
    """The chain-rule proof in general form: each step printed by SymPy."""
    k, i, s = S("k"), S("i"), S("s")
    fp = (lambda z: sympy.Integer(1)) if linear else (lambda z: fprime(n.f, z))
    Cx = S("C_x")
    zL, aL = S("z^L_j"), S("a^L_j")
    out = Lines().eq(tex(n.delta("L", "j")), *rel(
        D(Cx, zL), mul(D(Cx, aL), D(aL, zL)),
        mul(add(aL, -S("y_j")), fp(zL)) if not linear else add(aL, -S("y_j"))))
    zl, zk1 = S("z^l_j"), S("z^{l+1}_k")
    step = Lines().eq(tex(zk1), *rel(add(sympy.Sum(mul(n.f(S("z^l_i")), n.w("l+1", "i", "k")),
                                                   (i, 1, S("n_l"))), S("b^{l+1}_k"))))
    step.eq(tex(D(zk1, zl)), *rel(mul(n.w("l+1", "j", "k"), fp(zl))
                                  if not linear else n.w("l+1", "j", "k")))
    hidden = Lines().eq(tex(n.delta("l", "j")), *rel(
        D(Cx, zl), sympy.Sum(mul(D(Cx, zk1), D(zk1, zl)), (k, 1, S("n_{l+1}"))),
        sympy.Sum(mul(n.w("l+1", "j", "k"), n.delta("l+1", "k"),
                      fp(zl)) if not linear else mul(n.w("l+1", "j", "k"), n.delta("l+1", "k")),
                  (k, 1, S("n_{l+1}")))))
    wi, bj = n.w("l", "i", "j"), S("b^l_j")
    grads = Lines().eq(tex(D(zl, wi)), tex(S("a^{l-1}_i")))
    grads.eq(tex(D(zl, bj)), tex(1))
    grads.eq(tex(D(Cx, wi)), *rel(mul(D(Cx, zl), D(zl, wi)), mul(S("a^{l-1}_i"), n.delta("l", "j"))))
    grads.eq(tex(D(Cx, bj)), *rel(mul(D(Cx, zl), D(zl, bj)), n.delta("l", "j")))
    Cs = S("C_{x^{(s)}}")
    avg = Lines().eq(tex(D(S("calC"), wi)), *rel(
        mul(1 / S("N"), sympy.Sum(D(Cs, wi), (s, 1, S("N")))),
        mul(1 / S("N"), sympy.Sum(mul(S("a^{l-1}_i(x^{(s)})"), n.delta("l", "j", "(x^{(s)})")),
                                  (s, 1, S("N"))))))
    avg.eq(tex(D(S("calC"), bj)), *rel(mul(1 / S("N"), sympy.Sum(n.delta("l", "j", "(x^{(s)})"),
                                                                  (s, 1, S("N"))))))
    return {"output": out.display(), "step": step.display(), "hidden": hidden.display(),
            "grads": grads.display(), "average": avg.display(),
            "aL_is": tex(sympy.Eq(aL, n.f(zL), evaluate=False)),
            "dCda": tex(sympy.Eq(D(Cx, aL), add(aL, -S("y_j")), evaluate=False), keep_order=True),
            "dadz": tex(sympy.Eq(D(aL, zL), fp(zL), evaluate=False)),
            "w_only": tex(wi), "b_only": tex(bj), "zl": tex(zl), "zk1": tex(zk1),
            "i_eq_j": tex(sympy.Eq(i, S("j"), evaluate=False))}


# ---------------------------------------------------------------- one theorem

def theorem(kind: str, number: int, result: Result, n0: Notation, overrides) -> dict:
    shape = result.shape
    n = Notation(shape)
    linear = kind == "linear"
    acts = sorted(set(shape.activations))
    generic = all(activations.get(a).is_generic for a in shape.activations)
    counts = []
    for rk in rules.KINDS:
        cs = [c for c in result.checks if c.rule == rk]
        counts.append({"rule": rk, "statement": Tex(rules.get(rk, n.conv).statement),
                       "proved": sum(c.status == PROVED for c in cs),
                       "refuted": sum(c.status == REFUTED for c in cs),
                       "unknown": sum(c.status == UNKNOWN for c in cs), "total": len(cs)})
    rows = [table_row(number, c, n) for c in result.checks]
    failures = [failure(number, kind, c, n) for c in result.checks if c.status != PROVED]
    per_layer = [{"l": l, "act": act_tex(a), "formula": act_formula(a), "name": a}
                 for l, a in enumerate(shape.activations, 1)]
    t = {
        "number": number, "kind": kind, "linear": linear,
        "status": result.status, "counts": counts, "rows": rows, "failures": failures,
        "total": len(result.checks), "proved": result.counts[PROVED],
        "refuted": result.counts[REFUTED], "unknown": result.counts[UNKNOWN],
        "seconds": f"{result.seconds:.2f}" if result.seconds >= 0.01 else f"{result.seconds:.4f}",
        "backend": result.backend,
        "generic": generic, "mixed": len(acts) > 1, "layers": per_layer,
        "act": act_tex(acts[0]), "act_formula": act_formula(acts[0]),
        "act_names": ", ".join(acts),
        "rules": general_rules(n, linear),
        "proof": derivation(n, linear),
        "explicit": explicit(shape, n),
        "worked": worked_instance(shape, n, overrides),
        "collapse": collapse(shape, n) if linear else None,
    }
    return t


def table_row(number, c, n: Notation) -> dict:
    return {"theorem": number, "rule": c.rule, "instance": instance_tex(c, n, slash=True),
            "status": c.status, "seconds": f"{c.seconds:.3f}"}


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


def failure(number, kind, c, n: Notation) -> dict:
    reason = (c.reason or "").rstrip(".")
    return {"theorem": number, "kind": kind, "rule": c.rule,
            "instance": instance_tex(c, n, slash=True),
            "status": c.status, "reason": reason[:1].upper() + reason[1:],
            "witness": witness_context(c.witness)}


def number_tex(v) -> Tex:
    """A number from a witness: exact rationals printed by SymPy, decimals as digits."""
    import re
    v = str(v).strip()
    if re.fullmatch(r"-?\d+(/\d+)?", v):
        return tex(sympy.Rational(v))
    if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", v):
        return Tex(v)
    return Tex(r"\text{%s}" % escape(v))


def witness_context(w: dict | None) -> dict | None:
    import re
    if not w:
        return None
    if "values" not in w:
        return {"note": w.get("reason", str(w)), "values": [], "f": None, "direct": None,
                "rule": None, "exact": True, "sides": "rule"}
    values = []
    for name, v in w["values"].items():
        values.append(Tex(f"{tex(S(name))} = {number_tex(v)}"))
    f = None
    if w.get("f"):
        m = re.fullmatch(r"f\(t\) = (\S+)\*t\*\*2 \+ (\S+)\*t \+ (\S+)", w["f"])
        if m:
            t = S("t")
            c2, c1, c0 = (sympy.Rational(g) for g in m.groups())
            f = Tex(f"{tex(sympy.Function('f')(t))} = {tex(c2 * t ** 2 + c1 * t + c0)}")
        else:
            f = Tex(r"\text{%s}" % escape(w["f"]))
    claim = "left" in w      # a claim's witness names its sides left and right
    return {"note": None, "values": values, "f": f,
            "direct": number_tex(w.get("left" if claim else "direct")),
            "rule": number_tex(w.get("right" if claim else "rule")),
            "exact": bool(w.get("exact", True)), "sides": "claim" if claim else "rule"}


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
            "chars": len(str(tex(big))),
            "a": a_row.display(), "width": shape.widths[l],
            "z1": tex(S(f"z^{l}_1")),
        })
    first_elided = next((d["l"] for d in layers if d["elided"]), None)
    return {"layers": layers, "first_elided": first_elided,
            "samples": shape.samples, "x1": tex(S("x^(1)"))}


# ---------------------------------------------------------------- the worked instance

class SymbolicQuantities:
    """What a rule may use (see verify.Quantities), as SymPy expressions in abbreviations:
    a^l_j and z^l_j are symbols, f'(z) is printed as f'(z), and Δ is composed from the
    rules themselves (or is a bare symbol, to print one rule instance)."""

    def __init__(self, shape, n: Notation, overrides, names, deltas_as_symbols=False):
        self.shape, self.n, self.names = shape, n, names
        self.L, self.N = shape.L, shape.samples
        self.overrides = overrides or {}
        self.symbolic = deltas_as_symbols
        self._memo = {}

    def neurons(self, l):
        return range(1, self.shape.widths[l] + 1)

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

    def mean(self, term):
        return sympy.Rational(1, self.N) * sum((term(s) for s in range(1, self.N + 1)),
                                               sympy.Integer(0))

    def rule(self, kind):
        return self.overrides.get(kind) or rules.get(kind, self.shape.convention).closed_form

    def delta(self, s, l, j):
        if self.symbolic:
            return self.names.delta(s, l, j)
        key = (s, l, j)
        if key not in self._memo:
            if l == self.L:
                self._memo[key] = self.rule("output_delta")(self, s, j)
            else:
                self._memo[key] = self.rule("hidden_delta")(self, s, l, j)
        return self._memo[key]


class Abbreviations:
    """Names for the explicit z^l_j(s) and a^l_j(s), and f'(z) in abbreviated form."""

    def __init__(self, shape, n: Notation):
        self.shape, self.n = shape, n
        self.B = get_backend("sympy")
        self.acts = [None] + [activations.get(a) for a in shape.activations]
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
            return fprime(self.n.f, z)
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


def worked_instance(shape: Shape, n: Notation, overrides) -> dict:
    """∂𝒞/∂w^1_{11}: SymPy's direct derivative, expanded, beside the rules' closed form."""
    ex, names = n.ex, Abbreviations(shape, n)
    p, r = 1, 1
    wsym = ex.W(1, p, r)
    direct_raw = sympy.diff(ex.cost, wsym)
    direct = names.abbreviate(direct_raw)
    direct_expanded = multiply_out(direct)
    q_sym = SymbolicQuantities(shape, n, overrides, names, deltas_as_symbols=True)
    q = SymbolicQuantities(shape, n, overrides, names)
    try:
        closed_symbolic = q_sym.rule("weight_grad")(q_sym, 1, p, r)
        closed = q.rule("weight_grad")(q, 1, p, r)
        error = None
    except IndexError as err:
        closed_symbolic = closed = None
        error = str(err)
    lhs = tex(D(S("calC"), wsym))
    # the rule instances used, outermost first: every Δ the composition touches
    needed = []
    if closed is not None:
        for s in range(1, shape.samples + 1):
            for l in range(shape.L, 0, -1):
                for j in range(1, shape.widths[l] + 1):
                    if l > 1 or j == r:
                        needed.append((s, l, j))
    chain = Lines()
    for (s, l, j) in needed:
        kind = "output_delta" if l == shape.L else "hidden_delta"
        try:
            rhs = (q_sym.rule(kind)(q_sym, s, j) if l == shape.L
                   else q_sym.rule(kind)(q_sym, s, l, j))
        except IndexError:
            continue
        chain.eq(tex(names.delta(s, l, j)), rhs)
    out = {"weight": tex(wsym), "lhs": lhs, "error": error,
           "direct_terms": len(terms(direct_expanded)),
           "abbrev": Tex(", ".join(str(tex(v)) for v in (names.Z[1, 1, 1], names.A[1, 1, 1]))),
           "too_big": len(terms(direct_expanded)) > MAX_WORKED_TERMS}
    out["direct_raw"] = Lines().eq(lhs, direct).display()
    out["direct"] = Lines().eq(lhs, direct_expanded).display() if not out["too_big"] else None
    if closed is None:
        out.update(closed_symbolic=None, chain=None, closed=None, difference=None, zero=False,
                   closed_terms=0, literal=False, residual_terms=0,
                   linear=all(a == "linear" for a in shape.activations))
        return out
    closed_expanded = multiply_out(closed)
    diff = names.reduce(direct - closed)
    out.update(
        closed_symbolic=Lines().eq(lhs, closed_symbolic).display(),
        chain=chain.display() if len(chain) else None,
        closed=Lines().eq(lhs, closed_expanded).display() if not out["too_big"] else None,
        closed_terms=len(terms(closed_expanded)),
        zero=diff == 0,
        literal=sympy.expand(direct_expanded - closed_expanded) == 0,
        difference=Lines().eq(Tex(r"\text{direct} - \text{closed form}"),
                              diff).display(),
        residual_terms=len(terms(diff)),
        linear=all(a == "linear" for a in shape.activations),
    )
    return out


# ---------------------------------------------------------------- Theorem 2's collapse

def collapse(shape: Shape, n: Notation) -> dict:
    """a^L = M^T x + c for the linear network, M and c computed and checked by SymPy."""
    ex, L, w_ = n.ex, shape.L, shape.widths
    xs = [ex.x[1, i] for i in range(1, w_[0] + 1)]
    aL = [sympy.expand(ex.a[1, L, j]) for j in range(1, w_[L] + 1)]
    M = sympy.Matrix(w_[0], w_[L], lambda i, j: aL[j].coeff(xs[i]))
    c = sympy.Matrix(w_[L], 1, lambda j, _: aL[j].xreplace({x: 0 for x in xs}))
    affine_ok = all(sympy.expand(aL[j] - sum(M[i, j] * xs[i] for i in range(w_[0])) - c[j]) == 0
                    for j in range(w_[L]))
    # the same M and c from the weight matrices: M = w^1 ... w^L, c^l = (w^l)^T c^{l-1} + b^l
    mats = []
    for l in range(1, L + 1):
        mats.append(sympy.Matrix(w_[l - 1], w_[l], lambda k, j: ex.w[l, k + 1, j + 1]))
    prod = mats[0]
    for m in mats[1:]:
        prod = prod * m
    cc = sympy.zeros(w_[0], 1)
    for l in range(1, L + 1):
        cc = mats[l - 1].T * cc + sympy.Matrix([ex.b[l, j] for j in range(1, w_[l] + 1)])
    product_ok = all(sympy.expand(M[i, j] - prod[i, j]) == 0
                     for i in range(w_[0]) for j in range(w_[L]))
    c_ok = all(sympy.expand(c[j] - cc[j]) == 0 for j in range(w_[L]))
    entries, shown_terms, left = Lines(), 0, 0
    for i in range(w_[0]):
        for j in range(w_[L]):
            if shown_terms and shown_terms + len(terms(M[i, j])) > MAX_COLLAPSE_TERMS:
                left += 1
                continue
            shown_terms += len(terms(M[i, j]))
            entries.eq(tex(S(f"M_{{{_pair(i + 1, j + 1, w_)}}}")), M[i, j])
    cs, c_left = Lines(), 0
    for j in range(w_[L]):
        if j and shown_terms + len(terms(c[j])) > 2 * MAX_COLLAPSE_TERMS:
            c_left += 1
            continue
        shown_terms += len(terms(c[j]))
        cs.eq(tex(S(f"c_{j + 1}")), c[j])
    Ws = [sympy.MatrixSymbol(f"w^{l}", w_[l - 1], w_[l]) if n.conv == "from-to" else
          sympy.MatrixSymbol(f"w^{l}", w_[l], w_[l - 1]) for l in range(1, L + 1)]
    Wl, cprev, bl = (sympy.MatrixSymbol("w^l", 2, 2), sympy.MatrixSymbol("c^(l-1)", 2, 1),
                     sympy.MatrixSymbol("b^l", 2, 1))
    if n.conv == "from-to":
        Mform = sympy.MatMul(*Ws)
        cstep = sympy.MatAdd(sympy.MatMul(Wl.T, cprev), bl)
    else:
        Mform = sympy.MatMul(*[W.T for W in Ws])
        cstep = sympy.MatAdd(sympy.MatMul(Wl, cprev), bl)
    aLsym, xsym, csym = (sympy.MatrixSymbol("a^L", w_[L], 1), sympy.MatrixSymbol("x", w_[0], 1),
                         sympy.MatrixSymbol("c", w_[L], 1))
    Msym = sympy.MatrixSymbol("M", w_[0], w_[L])
    statement = Tex(f"{tex(aLsym)} = {tex(sympy.MatMul(Msym.T, xsym))} + {tex(csym)}")
    matrix = tex(M) if width(str(tex(M))) < 60 else None
    return {
        "statement": statement, "M": tex(Msym), "c": tex(csym),
        "M_form": Tex(f"{tex(Msym)} = {tex(Mform)}"),
        "c_form": Tex(f"{tex(S('c^(0)'))} = 0,\\quad {tex(S('c^(l)'))} = "
                      f"{tex(cstep)}"
                      f",\\quad {tex(csym)} = {tex(S('c^(L)'))}"),
        "entries": entries.display(), "c_entries": cs.display(), "matrix": matrix,
        "entries_left": left, "c_left": c_left,
        "entry_terms": len(terms(M[0, 0])), "c_terms": len(terms(c[0])),
        "affine_ok": affine_ok, "product_ok": product_ok, "c_ok": c_ok,
        "n0": w_[0], "nL": w_[L],
    }


def _pair(i, j, widths) -> str:
    return f"{i}{j}" if max(widths) < 10 else f"{i},{j}"


# ---------------------------------------------------------------- claims (a hook)

def claims_context(claims: list) -> list:
    """Checked claims -> rows for the "Claims from FILE" section (see `render`)."""
    out = []
    for c in claims:
        parsed = c.get("parsed")
        formula = None
        if isinstance(parsed, sympy.Basic):
            formula = tex(parsed)
        out.append({
            "line": c.get("line"),
            "formula": formula,
            "written": c.get("latex") or "",
            "status": c.get("status") or "unknown",
            "reason": (c.get("reason") or "").rstrip("."),
            "hint": (c.get("hint") or "").rstrip("."),
            "witness": witness_context(c.get("witness")),
        })
    return out


def plan_size(shape: Shape, only: str | None = None) -> int:
    return sum(len(plan(s)) for s in theorem_shapes(shape, only).values())
