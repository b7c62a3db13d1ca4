"""The verdict of the whole document (page one) and the claims section: the rows of the
checked claims and where they were checked."""
from __future__ import annotations

import sympy

from ..engine import activations
from ..engine.vocabulary import Status, worst
from .formulas import tex
from .prose import prose, source_math
from .latex import Tex, breakable
from .witness_tex import witness_context

S = sympy.Symbol


# the statuses of a claim that is not proved, in the vocabulary's order
NOT_PROVED = tuple(s for s in Status if worst([s]) not in (Status.PROVED, Status.EMPTY))
WORDS = frozenset(s.value for s in Status)


def page_one(theorems: list, claims: list | None, activations: tuple | None = None) -> dict:
    """The verdict of the whole document: every rule instance and every claim. Whatever
    is not proved is named, with the section where it is shown. `activations` (the
    network's, layer by layer) says for each theorem whether it was checked with this
    network's own activations or with them replaced (`checked_on`)."""
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
        for status in NOT_PROVED:
            hit = [c for c in claims if c["status"] == status]
            if hit:
                claim_groups.append({"status": status, "claims": hit})
    statuses = ([t["status"] for t in theorems] + [t["chain"]["status"] for t in theorems]
                + [c["status"] for c in listed])
    status = worst((s for s in statuses if s in WORDS), empty=Status.PROVED)
    counted: dict[str, int] = {}
    for c in listed:
        counted[c["status"]] = counted.get(c["status"], 0) + 1
    order = tuple(s.value for s in Status)
    return {"status": status, "rules": rule_bad, "claim_groups": claim_groups,
            "claim_counts": [{"status": k, "n": counted[k]}
                             for k in (*order, *sorted(set(counted) - set(order)))
                             if k in counted],
            "claims_total": len(listed),
            "claims_proved": sum(worst([c["status"]]) == Status.PROVED
                                 for c in listed if c["status"] in WORDS),
            "claims_skipped": counted.get(Status.SKIPPED.value, 0),
            "instances": sum(t["total"] for t in theorems),
            "checked_on": {t["number"]: checked_on(t, activations) for t in theorems}}


def checked_on(theorem: dict, network: tuple | None) -> str:
    """What a theorem's rule instances were checked on: "own" (this network, its own
    activations), "identity" or "generic" (its widths, with every activation replaced by
    f(z) = z, or by an undefined f), or "other" (other activations, named by the theorem)."""
    used = tuple(layer["name"] for layer in theorem["layers"])
    if network is None or used == tuple(network):
        return "own"
    kinds = [activations.get(a) for a in used]
    if all(a.identity for a in kinds):
        return "identity"
    if all(a.is_generic for a in kinds):
        return "generic"
    return "other"


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


def claims_context(claims: list) -> list:
    """Checked claims -> rows for the "Claims from FILE" section (see `render`): each
    typeset from its parse tree; where it did not parse, its source in math mode when it is
    TeX math (`prose.source_math`), else verbatim (escaped, breakable). Reasons and hints
    are text with their formulas in math mode (`prose.prose`)."""
    from .claim_tex import claim_display
    out = []
    for number, c in enumerate(claims, 1):
        written = c.get("latex") or ""
        scope = c.get("scope") or {}
        out.append({
            "number": number,
            "line": c.get("line"),
            "formula": claim_display(written) if written else None,
            "source_math": source_math(written),
            "written": breakable(written),
            "status": c.get("status") or Status.UNKNOWN,
            "reason": prose((c.get("reason") or "").rstrip(".")),
            "hint": prose((c.get("hint") or "").rstrip(".")),
            "shapes": "; ".join(",".join(map(str, s)) for s in scope.get("shapes") or []),
            "samples": ", ".join(map(str, scope.get("samples") or [1])),
            "witness": witness_context(c.get("witness")),
        })
    return out
