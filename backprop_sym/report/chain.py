"""The general-form proof of a theorem: the checked chain of `engine.prove`, as LaTeX.

Each step keeps its mark (checked with symbolic n, or cited lemma), its assumptions and
its status; the rule steps name the steps they use. Statements are printed in the
theorem's own notation (δ and σ in the to-from convention, with Kronecker deltas as
Iverson brackets there, so that δ means one thing only).
"""
from __future__ import annotations

import functools
import re

from ..engine import activations, prove
from ..engine.vocabulary import KINDS, RULE_KINDS, Status, rule_kind, worst
from .latex import Tex, escape
from .numeric import identity_name
from .prose import prose

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


def chain_context(proof: prove.Proof, *, sigma: bool, to_from: bool, rule_displays: dict,
                  overrides) -> dict:
    """The steps for the template: id, title, mark, statement, assumptions, uses, status."""
    nt = lambda s: own_notation(s, sigma, to_from)
    steps = []
    for s in proof.steps:
        rule = step_kind(s)
        own = rule in (overrides or {})
        if rule and not own:
            statement = rule_displays[rule]["display"]
        else:
            statement = rows(nt(s.statement))
        at = (s.witness or {}).get("at_instance")
        explicit = (s.witness or {}).get("explicit")
        steps.append({
            "id": rule_kind(rule).nielsen if rule else s.id, "rule": rule,
            "item": rule_kind(rule).roman if rule else None, "own": own,
            "title": prose(s.title[:1].upper() + s.title[1:]) if not rule else None,
            "mark": "cited lemma" if s.established == prove.LEMMA else "checked with symbolic n",
            "status": s.status,
            "statement": statement,
            "assumptions": Tex(", ".join(f"${nt(a)}$" for a in s.assumptions)),
            "uses": ", ".join(f"({u})" for u in s.uses),
            "derived": nt(s.derived) if s.derived and s.id in ("a", "c", "d") else None,
            "facts": Tex("; ".join(fact_tex(f) for f in s.derived.split("; ")))
            if s.id == "e" and s.derived else None,
            "reason": prose(s.reason) if s.reason else None,
            "at": {"layer": at["layer"], "index": ", ".join(map(str, at["index"])),
                   "rule_gives": nt(at["rule_gives"]), "step_gives": nt(at["step_gives"])}
            if at else None,
            "explicit": {"widths": ",".join(map(str, explicit["widths"])),
                         "samples": explicit["samples"]} if explicit else None,
        })
    cross = proof.cross_checks
    return {
        "status": proof.status, "activation": proof.activation,
        "generic": activations.get(proof.activation).is_generic,
        "steps": steps,
        "checked": sum(s["mark"] == "checked with symbolic n" for s in steps),
        "cited": sum(s["mark"] == "cited lemma" for s in steps),
        "bad": [s for s in steps if worst([s["status"]]) is not Status.PROVED],
        "cross": "; ".join(",".join(map(str, c["widths"])) for c in cross),
        "cross_agree": all(c["status"] == prove.AGREE for c in cross),
        "cross_bad": "; ".join(",".join(map(str, c["widths"])) for c in cross
                               if c["status"] != prove.AGREE),
    }
