"""The four rules as steps of the chain: each rule's closed form (the registered one, or
a user's own) read by tracing (`tracing.trace`) and compared with what steps (a)-(g) give;
a rule that disagrees is named at the first step it contradicts.
"""
from __future__ import annotations

from typing import Callable

import sympy as sp
from sympy import Indexed, Sum

from .network import weight_indices
from . import rules
from .steps import CHECKED, Step
from .symbolic import (D, FP, L, N, Definitions, Undecided, i, in_range, is_zero, j, k, k0, k1, l,
                       m, n, resolve, statements, tex, x, x0, x1)
from .tracing import Unreadable, trace
from .vocabulary import KINDS, Status, rule_kind

# the id of each rule's step: Nielsen's BP1-BP4 (BP3 is ∂C/∂b, BP4 is ∂C/∂w)
KIND_STEP = {kind: rule_kind(kind).nielsen for kind in KINDS}


def rule_fn(kind, convention, overrides):
    """The closed form of `kind` checked: the user's own if given, else the registered one."""
    return (overrides or {}).get(kind) or rules.get(kind, convention).closed_form


def rule_call(kind, convention, fn) -> tuple:
    """The traced call of a rule at its generic instance."""
    return {"output_delta": (fn, x, j), "hidden_delta": (fn, x, l, j), "bias_grad": (fn, l, j),
            "weight_grad": (fn, l, *weight_indices(convention, i, j))}[kind]


def _coefficient(expr, var, assumptions):
    used: set = set()
    return resolve(sp.diff(expr, var), assumptions, used)


def _deltas(expr):
    return {e for e in expr.atoms(Indexed) if e.base == D}


def rule_steps(defs: Definitions, overrides: dict | None = None) -> list[Step]:
    conv = defs.convention
    out = []
    for kind in KINDS:
        r = rules.get(kind, conv)
        s = Step(KIND_STEP[kind], kind, r.statement,
                 CHECKED, [], ["the steps it uses", "its closed form read by tracing the rule"],
                 uses=[])
        try:
            if overrides is not None and kind in overrides:
                s.statement = rf"\text{{your rule: }} {tex(trace(*rule_call(kind, conv, overrides[kind])))}"
            check_rule(s, kind, defs, rule_fn(kind, conv, overrides))
        except (Unreadable, Undecided) as err:
            s.status, s.reason = Status.UNKNOWN, str(err)
        out.append(s)
    return out


def _fail(s: Step, step: str, got, expected, what: str):
    s.status = Status.REFUTED
    s.witness = {"step": step, "rule_gives": tex(got), "step_gives": tex(expected), "what": what,
                 "_sides": (got, expected)}
    s.reason = f"fails at step ({step}): {what}"


def _agree(defs, got, expected) -> bool:
    return is_zero(got - expected) or is_zero(defs.transparent(got) - defs.transparent(expected))


def check_rule(s: Step, kind: str, defs: Definitions, fn: Callable):
    """Step `s` proved, refuted at the step the rule `fn` contradicts, or left unknown."""
    conv, st = defs.convention, statements(defs.convention)
    if kind == "output_delta":
        s.uses = ["a", "b", "e", "f", "g"]
        s.assumptions = [r"1 \le j \le n_L"]
        R = trace(*rule_call(kind, conv, fn))
        # (e)+(f): Δ^L_j = Σ_i ∂C/∂a^L_i ∂a^L_i/∂z^L_j, with (a) and (b)
        expected = resolve(Sum(st["a"].subs(j, i) * st["b"].subs(l, L), (i, 1, n(L))),
                           in_range(j, L), set())
        s.derived = tex(expected)
        if _agree(defs, R, expected):
            s.status = Status.PROVED
            return
        if _deltas(R):
            return _fail(s, "e", R, expected, "Δ^L is not defined by other Δ's")
        fpL = FP[x, L, j]
        u = sp.cancel(R / fpL)
        if u.has(FP) or not R.has(fpL):
            return _fail(s, "b", R, expected, "∂a^L_j/∂z^L_j = f'(z^L_j) is not the factor the rule uses")
        return _fail(s, "a", u, st["a"], "∂C_x/∂a^L_j = a^L_j - y_j is not the factor the rule uses")

    if kind == "hidden_delta":
        s.uses = ["b", "c", "e", "f", "g"]
        s.assumptions = [r"1 \le l \le L-1", r"1 \le j \le n_l", r"1 \le k \le n_{l+1}"]
        R = trace(*rule_call(kind, conv, fn))
        # ∂z^{l+1}_k/∂z^l_j = Σ_i (c)_{ik} (b)_{ij}
        J = resolve(Sum(st["c"].subs({j: i, k: k0}) * st["b"], (i, 1, n(l))), in_range(j, l), set())
        expected = Sum(D[x, l + 1, k] * J.subs(k0, k), (k, 1, n(l + 1)))
        s.derived = tex(expected)
        wrong = {d for d in _deltas(R) if d.indices[1] != l + 1 or d.indices[0] != x}
        if wrong:
            return _fail(s, "e", R, expected, "C_x depends on z^l only through z^{l+1}, so Δ^l_j is a "
                         f"combination of Δ^{{l+1}}_k; the rule uses {tex(next(iter(wrong)))}")
        rng = in_range(k0, l + 1) + in_range(k1, l + 1)
        c = _coefficient(R, D[x, l + 1, k0], rng)
        second = _coefficient(c, D[x, l + 1, k1], rng)
        rest = sp.sympify(R).replace(lambda e: isinstance(e, Indexed) and e.base == D, lambda e: 0).doit()
        if not (is_zero(second) and is_zero(rest)):
            return _fail(s, "f", R, expected,
                         "by the chain rule Δ^l_j is linear in Δ^{l+1} with no other term")
        if _agree(defs, c, J):
            s.status = Status.PROVED
            return
        fpl = FP[x, l, j]
        u = sp.cancel(c / fpl)
        if u.has(FP) or not c.has(fpl):
            return _fail(s, "b", c, J, "∂a^l_j/∂z^l_j = f'(z^l_j) is not the factor of Δ^{l+1}_k in the rule")
        return _fail(s, "c", u, J / fpl,
                     "∂z^{l+1}_k/∂a^l_j is not the weight the rule uses" +
                     (" (a missing transpose: the index pair is reversed)" if
                      is_zero(u - st["c"].subs({j: k0, k: j}, simultaneous=True))
                      else ""))

    # the gradients: (d) per example, then the average (g)
    s.uses = ["d", "e", "f", "g"]
    if kind == "weight_grad":
        s.assumptions = [r"1 \le l \le L", r"1 \le i \le n_{l-1}", r"1 \le j \le n_l", r"1 \le x \le N"]
        R = trace(*rule_call(kind, conv, fn))
        per = st["d"].subs(x, x0)
    else:
        s.assumptions = [r"1 \le l \le L", r"1 \le j \le n_l", r"1 \le x \le N"]
        R = trace(*rule_call(kind, conv, fn))
        per = st["d_bias"]
    expected = Sum(per.subs({x0: x, m: j}) * D[x, l, j], (x, 1, N)) / N
    s.derived = tex(expected)
    wrong = {d for d in _deltas(R) if d.indices[1] != l}
    if wrong:
        return _fail(s, "e", R, expected, f"C_x depends on w^l, b^l only through z^l; the rule uses "
                     f"{tex(next(iter(wrong)))}")
    rng = [sp.Ge(x0, 1), sp.Le(x0, N), sp.Ge(x1, 1), sp.Le(x1, N)] + in_range(m, l) + in_range(k1, l)
    c = _coefficient(R, D[x0, l, m], rng)
    second = _coefficient(c, D[x1, l, k1], rng)
    rest = sp.sympify(R).replace(lambda e: isinstance(e, Indexed) and e.base == D, lambda e: 0).doit()
    if not (is_zero(second) and is_zero(rest)):
        return _fail(s, "f", R, expected,
                     "by the chain rule the gradient is linear in the Δ^l with no other term")
    if _agree(defs, c, per / N):
        s.status = Status.PROVED
        return
    ratio = sp.simplify(c / per) if not is_zero(c) else sp.Integer(0)
    if ratio.free_symbols <= {N} and not ratio.has(Indexed) and ratio != 0:
        return _fail(s, "g", ratio, 1 / N, "the average gives each example the weight 1/N; the rule gives "
                     + sp.sstr(ratio))
    return _fail(s, "d", sp.expand(c * N), per,
                 "∂z^l_m/∂" + ("w^l" if kind == "weight_grad" else "b^l")
                 + " is not the factor the rule uses")
