"""The general-form proof of a theorem: the checked chain of `engine.prove`, as LaTeX.

Each step keeps its mark (how it is established: `engine.steps.ESTABLISHED`), its
assumptions and its status; the rule steps name the steps they use and print the
chain-rule computation that derives them (`computation`), each equality tagged with the
steps that justify it. A rule supplied to the run is stated as supplied, with its
left-hand side (`supplied_rule`). Statements are printed in the theorem's own notation
(δ and σ in the to-from convention, with Kronecker deltas as Iverson brackets there, so
that δ means one thing only).
"""
from __future__ import annotations

import functools
import re

import sympy

from ..engine import activations, prove
from ..engine.vocabulary import KINDS, RULE_KINDS, Status, rule_kind, worst
from .formulas import fprime, over_examples, tex
from .latex import Tex, escape
from .notation import D, Notation, mul
from .numeric import identity_name
from .prose import prose

S = sympy.Symbol

# how rule_steps writes the statement of a supplied rule it could read
SUPPLIED_PREFIX = r"\text{your rule: } "

# a rule step found by the label it carries, should it carry no rule kind of its own
BY_LABEL = {rule_kind(k).nielsen: k for k in KINDS}


def step_kind(step) -> str | None:
    """The rule kind a step of the chain proves (None for the other steps): the kind it
    carries (`kind`, or the title prove gives a rule step), else the kind its label names."""
    for kind in (getattr(step, "kind", None), step.title):
        if kind in RULE_KINDS:
            return kind
    return BY_LABEL.get(step.id)


def prover_activation(activation_names, linear: bool) -> str:
    """The activation the chain is proved for: the theorem's own when it is one for every
    layer, else the generic f (the chain uses only that each activation is differentiable)."""
    if linear:
        return identity_name()
    names = set(activation_names)
    return names.pop() if len(names) == 1 else activations.GENERIC


@functools.lru_cache(maxsize=32)
def _proof(activation: str, convention: str, overrides: tuple) -> prove.Proof:
    return prove.prove(activation, convention, rules_override=dict(overrides) or None)


def proof_for(activation: str, convention: str, overrides: dict | None) -> prove.Proof:
    return _proof(activation, convention, tuple(sorted((overrides or {}).items())))


def own_notation(latex: str, sigma: bool, to_from: bool) -> Tex:
    """prove's LaTeX (Δ, f', δ_{jm} for Kronecker) in the theorem's notation."""
    out = str(latex)
    if to_from:
        out = re.sub(r"\\delta_\{(\w)\s?(\w)\}", r"[\1 = \2]", out)
        out = out.replace(r"\Delta", r"\delta")
    if sigma:
        out = out.replace("f'(", r"\sigma'(").replace(r"f \text{ differentiable}",
                                                       r"\sigma \text{ differentiable}")
    return Tex(out)


SEPARATORS = (r",\ ", r";\quad ", r",\quad ", r"\text{ differentiable, then } ")


def rows(latex: Tex) -> Tex:
    """A long statement as align rows, broken after its commas and before its conclusion."""
    out = str(latex)
    for sep in SEPARATORS:
        keep = sep.replace(r"\quad ", "").replace(r"\ ", "").rstrip()
        if sep.startswith(r"\text"):
            keep = r"\text{ differentiable, then}"
        out = out.replace(sep, keep + r" \\ &\quad ")
    return Tex("\\begin{align*}\n&" + out + "\n\\end{align*}")


MATH_TOKEN = re.compile(r"\b(?:[azwb]\^(?:\{[^}]*\}|\w)|C)(?=[\s:,;)]|$)|\(l < L\)")


def fact_tex(fact: str) -> Tex:
    """'a^l is read by z^{l+1} only (l < L): yes' with its symbols as mathematics."""
    out: list[str] = []
    at = 0
    for m in MATH_TOKEN.finditer(fact):
        out.append(escape(fact[at:m.start()]))
        token = m.group(0)
        out.append("(" + "$l < L$" + ")" if token.startswith("(") else f"${token}$")
        at = m.end()
    out.append(escape(fact[at:]))
    return Tex("".join(out))


# ---------------------------------------------------------------- the computations

def _t(expr) -> str:
    return str(tex(expr, keep_order=True))


def _by(*ids: str, defines: str | None = None) -> str:
    """The tag of one equality: the steps it uses (and the definition it unfolds)."""
    steps = ", ".join(f"({i})" for i in ids)
    if defines:
        return rf"\text{{by the definition of }} {defines}\text{{ and {steps}}}"
    return rf"\text{{by {steps}}}"


def _align(*groups: tuple[str, list[tuple[str, str]]]) -> Tex:
    """Each group lhs = rows[0] = rows[1] ..., one equality a line, each tagged at the
    right with what justifies it."""
    lines = [(lhs if n == 0 else "") + rf" &= {rhs} && {tag}"
             for lhs, rows in groups for n, (rhs, tag) in enumerate(rows)]
    return Tex("\\begin{align*}\n" + " \\\\\n".join(lines) + "\n\\end{align*}")


def computation(kind: str, n: Notation, linear: bool = False) -> Tex:
    """The chain-rule computation of rule `kind` from the steps (Nielsen's (37)-(42) and
    their analogues) in the notation `n`, as an align* display, each equality tagged with
    the steps it uses. With `linear`, f' = 1 at the last equality."""
    Cx, k, m = S("C_x"), S("k"), S("m")
    fp = (lambda z: sympy.Integer(1)) if linear else (lambda z: fprime(n.f, z))
    kron = (lambda p, q: rf"\delta_{{{p}{q}}}") if n.conv == "from-to" else (lambda p, q: f"[{p} = {q}]")
    one = rf",\ {n.fname}' = 1" if linear else ""
    dfn = r"\Delta" if n.conv == "from-to" else r"\delta"
    if kind == "output_delta":
        zL, aL = S("z^L_j"), S("a^L_j")
        rows = [(_t(mul(D(Cx, aL), D(aL, zL))), _by("e", "f")),
                (_t(mul(sympy.Add(aL, -S("y_j"), evaluate=False), fp(zL))) if not linear
                 else _t(sympy.Add(aL, -S("y_j"), evaluate=False)), _by("a", "b") + one)]
        return _align((_t(n.delta("L", "j")) + " = " + _t(D(Cx, zL)), rows))
    if kind == "hidden_delta":
        zl, al, zk = S("z^l_j"), S("a^l_j"), S("z^{l+1}_k")
        top = (k, 1, S("n_{l+1}"))
        rows = [(_t(sympy.Sum(mul(D(Cx, zk), D(zk, zl)), top)), _by("e", "f")),
                (_t(sympy.Sum(mul(n.delta("l+1", "k"), D(zk, al), D(al, zl)), top)),
                 _by("e", "f", defines=dfn)),
                (_t(sympy.Sum(mul(n.w("l+1", "j", "k"), n.delta("l+1", "k"), fp(zl)), top))
                 if not linear else _t(sympy.Sum(mul(n.w("l+1", "j", "k"), n.delta("l+1", "k")), top)),
                 _by("c", "b") + one)]
        return _align((_t(n.delta("l", "j")) + " = " + _t(D(Cx, zl)), rows))
    # the gradients: per example through z^l, then the average over the examples
    p = n.w("l", "i", "j") if kind == "weight_grad" else S("b^l_j")
    zm = S("z^l_m")
    top = (m, 1, S("n_l"))
    dz = (_t(S("a^{l-1}_i")) + r"\," + kron("j", "m")) if kind == "weight_grad" else kron("j", "m")
    per = mul(S("a^{l-1}_i"), n.delta("l", "j")) if kind == "weight_grad" else n.delta("l", "j")
    rows = [(_t(sympy.Sum(mul(D(Cx, zm), D(zm, p)), top)), _by("e", "f")),
            (r"\sum_{m=1}^{n_{l}} " + _t(n.delta("l", "m")) + " " + dz, _by("d", defines=dfn)),
            (_t(per), r"\text{only } m = j")]
    avg = mul(1 / S("N"), over_examples(
        mul(S("a^{l-1}_i(x)"), n.delta("l", "j", "(x)")) if kind == "weight_grad"
        else n.delta("l", "j", "(x)")))
    second = [(_t(mul(1 / S("N"), over_examples(D(Cx, p)))), _by("g")), (_t(avg), "")]
    return _align((_t(D(Cx, p)), rows), (_t(D(S("calC"), p)), second))


def supplied_rule(statement: str, lhs: str, nt) -> tuple[Tex, Tex] | tuple[None, None]:
    """The supplied rule as (display, inline formula) with its left-hand side, read from
    the statement prove gives it; (None, None) when prove could not read it for a
    symbolic shape (its statement is then not the supplied rule's)."""
    if not statement.startswith(SUPPLIED_PREFIX):
        return None, None
    rhs = nt(statement[len(SUPPLIED_PREFIX):])
    return (Tex(f"\\begin{{align*}}\n{lhs} &= {rhs}\n\\end{{align*}}"), Tex(f"{lhs} = {rhs}"))


# a word of a message with a superscript or subscript (braces kept whole): mathematics

def chain_context(proof: prove.Proof, n: Notation, *, rule_displays: dict, overrides,
                  linear: bool = False) -> dict:
    """The steps for the template: id, title, mark, statement, assumptions, uses, status,
    and for a rule its chain-rule computation; the supplied rules, stated with their
    left-hand sides; how many steps each way of establishing one covers."""
    sigma, to_from = str(n.fname) == r"\sigma", n.conv == "to-from"
    nt = lambda s: own_notation(s, sigma, to_from)
    steps, supplied = [], {}
    for s in proof.steps:
        rule = step_kind(s)
        own = rule in (overrides or {})
        if rule and own:
            lhs = str(rule_displays[rule]["rows"][0]).split("&=")[0].strip()
            statement, inline = supplied_rule(str(s.statement), lhs, nt)
            supplied[rule] = {"display": statement, "inline": inline, "status": s.status,
                              "item": rule_kind(rule).roman, "label": rule_kind(rule).nielsen}
        elif rule:
            statement = rule_displays[rule]["display"]
        else:
            statement = rows(nt(s.statement))
        at = (s.witness or {}).get("at_instance")
        explicit = (s.witness or {}).get("explicit")
        steps.append({
            "id": rule_kind(rule).nielsen if rule else s.id, "rule": rule,
            "item": rule_kind(rule).roman if rule else None, "own": own,
            "title": prose(s.title[:1].upper() + s.title[1:]) if not rule else None,
            "mark": prove.how(s), "established": s.established,
            "status": s.status,
            "statement": statement,
            "computation": computation(rule, n, linear) if rule else None,
            "assumptions": Tex(", ".join(f"${nt(a)}$" for a in s.assumptions)),
            "uses": ", ".join(f"({u})" for u in s.uses),
            "derived": nt(s.derived) if s.derived and s.id in ("a", "c", "d", "g") else None,
            "facts": Tex("; ".join(fact_tex(f) for f in s.derived.split("; ")))
            if s.id == "e" and s.derived else None,
            "reason": prose(s.reason, nt) if s.reason else None,
            "at": {"layer": at["layer"], "index": ", ".join(map(str, at["index"])),
                   "rule_gives": nt(at["rule_gives"]), "step_gives": nt(at["step_gives"])}
            if at else None,
            "explicit": {"widths": ",".join(map(str, explicit["widths"])),
                         "samples": explicit["samples"]} if explicit else None,
        })
    cross = proof.cross_checks
    return {
        "status": proof.status, "activation": proof.activation,
        "steps_status": worst((s.status for s in proof.steps), empty=Status.UNKNOWN),
        "generic": activations.get(proof.activation).is_generic,
        "steps": steps, "supplied": supplied,
        "b_linear": Tex(_t(D(S("a^l_j"), S("z^l_j"))) + " = 1"),      # step (b) with f' = 1
        "checked": sum(s["established"] == prove.CHECKED for s in steps),
        "inspected": sum(s["established"] == prove.INSPECTED for s in steps),
        "cited": sum(s["established"] == prove.LEMMA for s in steps),
        "marks": {"checked": prove.CHECKED, "inspected": prove.INSPECTED, "cited": prove.LEMMA},
        "bad": [s for s in steps if worst([s["status"]]) is not Status.PROVED],
        "cross": "; ".join(",".join(map(str, c["widths"])) for c in cross),
        "cross_agree": all(c["status"] == prove.AGREE for c in cross),
        "cross_bad": "; ".join(",".join(map(str, c["widths"])) for c in cross
                               if c["status"] != prove.AGREE),
    }
