"""One theorem of the report: its statement, the checked chain, the counts of its rule
instances by rule and layer, and each instance that was not proved with the closed form
that was compared."""
from __future__ import annotations

import sympy

from ..engine import activations, rules
from ..engine.verify import Result
from ..engine.vocabulary import Status, counts
from ..engine.vocabulary import rule_kind as rules_kind
from .abbreviations import Abbreviations, SymbolicQuantities
from .chain import chain_context, proof_for, prover_activation
from .collapse import collapse
from .formulas import Lines, tex
from .latex import Tex
from .network import act_formula, act_tex, explicit
from .notation import D, Notation, in_notation
from .prose import prose
from .statements import general_rules, vector_rules
from .witness_tex import witness_context
from .worked import worked_instance

S = sympy.Symbol

# the two theorems of a report: any (or the requested) activation, and f linear
NONLINEAR, LINEAR = "nonlinear", "linear"
THEOREMS = (NONLINEAR, LINEAR)


def theorem(kind: str, number: int, result: Result, overrides,
            timings: bool = False) -> dict:
    shape = result.shape
    n = Notation(shape)
    linear = kind == LINEAR
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
                if c.status != Status.PROVED]
    per_layer = [{"l": l, "act": act_tex(a), "formula": act_formula(a), "name": a}
                 for l, a in enumerate(shape.activations, 1)]
    general = general_rules(n, linear)
    bad_kinds = {c.rule for c in result.checks if c.status != Status.PROVED}
    t = {
        "number": number, "kind": kind, "linear": linear,
        "status": result.status, "counts": counts, "groups": groups, "failures": failures,
        "total": len(result.checks), **tally(result.checks),
        "specialised": result.specialised,
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
            n, rule_displays=general, overrides=overrides, linear=linear),
        # the rules supplied to the run in place of the theorem's: what was checked
        "supplied": [{"rule": k_, "item": rules_kind(k_).roman} for k_ in rules.KINDS
                     if k_ in (overrides or {})],
        "bad_only_supplied": bool(bad_kinds) and bad_kinds <= set(overrides or {}),
        "explicit": explicit(shape, n),
        "worked": worked_instance(shape, n, overrides),
        "collapse": collapse(shape, n) if linear else None,
    }
    return t


def tally(checks) -> dict:
    """{proved, refuted, unknown: how many of the checks, total}."""
    return {**counts(c.status for c in checks), "total": len(checks)}


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
            "status": c.status, "reason": prose(reason[:1].upper() + reason[1:]),
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
