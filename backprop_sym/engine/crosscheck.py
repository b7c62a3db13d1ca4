"""The chain checked against the explicit network.

A rule step that the chain refutes is refuted only with a witness of the explicit
network: `verify` with the rule at small concrete shapes (`find_witness`, `settle`); a
user's rule that proves is run there too. `cross_validate` substitutes concrete widths
into the symbolic steps and compares each with the explicit network of `engine.network`,
differentiated directly (`engine.direct`), in the engine's exact canonical form.
"""
from __future__ import annotations

import sympy as sp
from sympy import Indexed

from .network import weight_indices
from . import activations, direct
from .canonical import Canonical, Unsupported
from .network import Expressions, MissingQuantity, Shape
from .rule_steps import rule_fn
from .verify import verify
from .symbolic import FP, SYMPY, L, N, i, j, k, l, m, n, statements, tex, x
from .vocabulary import KINDS, Status

AGREE, DISAGREE = "agree", "disagree"

WITNESS_SHAPES = [(2, 2, 3, 2), (2, 3, 2), (3, 2, 3), (3, 2, 2, 3), (2, 2)]
CROSS_SHAPES = [(2, 3, 2), (3, 2), (2, 2, 3, 2), (3, 2, 2, 3), (2, 3, 3, 1)]
# a rule of your own that proves is run on these too (N = 3): widths up to 4 in every
# position, so that a rule that treats some neurons or examples apart is not misread
OWN_RULE_SHAPES = [(2, 3, 2), (3, 4, 3, 2), (2, 4, 4, 3)]


def _explicit(kind, fn, shape_widths, activation, convention, samples):
    shape = Shape.make(shape_widths, activation, samples, convention)
    return verify(shape, rules_override={kind: fn})


def explicit_checks(kind, fn, activation, convention, shapes=WITNESS_SHAPES,
                    samples=None) -> tuple[dict | None, str | None]:
    """`verify` with the rule at small shapes: (the first check of the rule that is
    refuted, with its shape; or None) and (why a check of the rule was not proved there,
    when none was refuted; or None when every one was proved)."""
    samples = samples or (1 if kind.endswith("delta") else 2)
    unproved = None
    for widths in shapes:
        if kind == "hidden_delta" and len(widths) < 3:
            continue
        res = _explicit(kind, fn, widths, activation, convention, samples)
        for c in res.checks:
            if c.rule != kind:
                continue
            if c.status == Status.REFUTED:
                return {"widths": list(widths), "samples": samples, "check": c.to_json()}, None
            if c.status != Status.PROVED and unproved is None:
                unproved = (f"the explicit network at widths {','.join(map(str, widths))}, "
                            f"N={samples} did not prove it at layer {c.layer}, index "
                            f"{','.join(map(str, c.index))}: {c.status}"
                            + (f" ({c.reason})" if c.reason else ""))
    return None, unproved


def find_witness(kind, fn, activation, convention, shapes=WITNESS_SHAPES,
                 samples=None) -> dict | None:
    """The first check of `verify` with the rule that is refuted, at small shapes."""
    return explicit_checks(kind, fn, activation, convention, shapes, samples)[0]


def _at_instance(kind, convention, w, got, expected) -> dict:
    """The two sides of the failing step with the witness's widths, layer and indices."""
    c = w["check"]
    idx = c["index"]
    names = {"output_delta": (j,), "hidden_delta": (j,), "bias_grad": (j,),
             "weight_grad": weight_indices(convention, i, j)}[kind]
    subs = {L: len(w["widths"]) - 1, N: w["samples"], l: c["layer"], **dict(zip(names, idx))}
    subs.update({n(t): w["widths"][int(t.subs(subs))] for t in (l - 1, l, l + 1, L)
                 if 0 <= int(t.subs(subs)) < len(w["widths"])})
    return {"layer": c["layer"], "index": idx, "rule_gives": tex(sp.sympify(got).subs(subs)),
            "step_gives": tex(sp.sympify(expected).subs(subs))}


def settle(steps: list, activation, convention, overrides):
    """Refutations need an explicit witness; proofs of a user's rule are cross-checked."""
    for s in steps:
        kind = s.title
        if kind not in KINDS:
            continue
        fn = rule_fn(kind, convention, overrides)
        if s.status == Status.REFUTED:
            w = find_witness(kind, fn, activation, convention)
            if w is None:
                s.status = Status.UNKNOWN
                s.reason += ("; but the explicit network did not refute it at "
                             + ", ".join(",".join(map(str, w_)) for w_ in WITNESS_SHAPES))
            else:
                s.witness["explicit"] = w
                s.witness["at_instance"] = _at_instance(kind, convention, w, *s.witness["_sides"])
        if s.witness:
            s.witness.pop("_sides", None)
        elif kind in (overrides or {}):
            w, unproved = explicit_checks(kind, fn, activation, convention, OWN_RULE_SHAPES,
                                          samples=3)
            if w is not None:      # the trace misread the rule: the explicit network decides
                s.status = Status.REFUTED
                s.reason = "the explicit network refutes the rule" + (f" ({s.reason})" if s.reason else "")
                s.witness = {"step": "cross-check", "explicit": w}
            elif unproved and s.status == Status.PROVED:
                # the rule does not do at a concrete shape what its trace said: no proof
                s.status = Status.UNKNOWN
                s.reason = unproved


def cross_validate(activation: str, convention: str, shapes=CROSS_SHAPES,
                   results: dict | None = None) -> list[dict]:
    """Substitute concrete widths into the symbolic steps and compare each with the
    explicit network of `engine.network`, differentiated directly (`engine.direct`), in the
    engine's exact canonical form. `results` overrides a step's symbolic value (tests)."""
    sym = statements(convention)
    sym["BP1"] = sym["a"] * FP[x, L, j]              # (a)·(b) at i = j: Δ^L_j
    sym.update(results or {})
    out = []
    for widths in shapes:
        shape = Shape.make(widths, activation, 2, convention)
        ex = Expressions(shape, SYMPY, probes=True)
        canon = Canonical(ex)
        act = ex.acts[1]
        Lv, nv = shape.L, shape.widths

        def concrete(expr, s, subs):
            expr = sp.sympify(expr).subs({**subs, L: Lv, N: shape.samples, x: s})

            def val(e):
                b, ix = str(e.base), [int(v) for v in e.indices]
                if b == "a":
                    return ex.a[ix[0], ix[1], ix[2]]
                if b == "z":
                    return ex.z[ix[0], ix[1], ix[2]]
                if b == "y":
                    return ex.y[ix[0], ix[1]]
                if b == "fp":
                    key = tuple(ix)
                    return activations.derivative(act, SYMPY, ex.z[key], ex.probe[key])
                if b == "w":
                    return ex.W(*ix)
                return ex.b[ix[0], ix[1]]
            return expr.doit().replace(lambda e: isinstance(e, Indexed), val)

        def same(u, v):
            try:
                u = u()
            except MissingQuantity:         # the symbolic step names a weight that is not there
                return False
            try:                            # the exact polynomial ring, else expansion
                return not (canon.poly(u) - canon.poly(v))
            except Unsupported:
                return sp.expand(canon.reduce(u) - canon.reduce(v)) == 0

        bad: list[tuple[object, ...]] = []
        s = 1                                            # the first example
        for lv in range(1, Lv + 1):
            for jv in range(1, nv[lv] + 1):
                for iv in range(1, nv[lv] + 1):      # (b)
                    if not same(lambda: concrete(sym["b"], s, {l: lv, i: iv, j: jv}),
                                sp.diff(ex.a[s, lv, iv], ex.probe[s, lv, jv])):
                        bad.append(("b", lv, iv, jv))
                for mv in range(1, nv[lv] + 1):      # (d)
                    for iv in range(1, nv[lv - 1] + 1):
                        pr = weight_indices(convention, iv, jv)
                        if not same(lambda: concrete(sym["d"], s, {l: lv, i: iv, j: jv, m: mv}),
                                    sp.diff(ex.z[s, lv, mv], ex.W(lv, *pr))):
                            bad.append(("d", lv, iv, jv, mv))
                if lv < Lv:                          # (c)·(b) = ∂z^{l+1}_k/∂z^l_j
                    for kv in range(1, nv[lv + 1] + 1):
                        J = lambda: concrete(sym["c"] * sym["b"].subs(i, j), s, {l: lv, j: jv, k: kv})
                        if not same(J, sp.diff(ex.z[s, lv + 1, kv], ex.probe[s, lv, jv])):
                            bad.append(("c", lv, jv, kv))
        for jv in range(1, nv[Lv] + 1):             # (a)·(b) = Δ^L_j
            if not same(lambda: concrete(sym["BP1"], s, {j: jv}), direct.delta(ex, s, Lv, jv)):
                bad.append(("a", Lv, jv))
        # (e)+(f): Δ^l_j = Σ_k Δ^{l+1}_k ∂z^{l+1}_k/∂z^l_j, all taken directly
        for lv in range(1, Lv):
            for jv in range(1, nv[lv] + 1):
                rhs = sum(direct.delta(ex, 1, lv + 1, kv) * sp.diff(ex.z[1, lv + 1, kv], ex.probe[1, lv, jv])
                          for kv in range(1, nv[lv + 1] + 1))
                if not same(lambda: direct.delta(ex, 1, lv, jv), rhs):
                    bad.append(("e", lv, jv))
        # (g): the gradient of the average is the average of the gradients
        for p in (ex.w[1, 1, 1], ex.b[Lv, 1]):
            per = sum(direct.example_gradient(ex, s_, p) for s_ in range(1, shape.samples + 1))
            if not same(lambda: direct.cost_gradient(ex, p), per / shape.samples):
                bad.append(("g", str(p)))
        out.append({"widths": list(widths), "samples": shape.samples,
                    "status": AGREE if not bad else DISAGREE,
                    "disagreements": [list(map(str, b_)) for b_ in bad[:5]]})
    return out
