"""The worked instance: ∂𝒞/∂w for one weight of the last hidden layer (or of layer 1), SymPy's
direct derivative beside the closed form the rules give, and which rules that closed form
used."""
from __future__ import annotations

import sympy

from ..engine import activations
from ..engine.network import Shape
from ..engine.vocabulary import KINDS, rule_kind
from .abbreviations import Abbreviations, SymbolicQuantities
from .formulas import Lines, terms, tex
from .latex import Tex
from .notation import D, Notation, in_notation

S = sympy.Symbol

MAX_WORKED_TERMS = 200       # terms of the expanded worked instance


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
    """The layer of the worked weight: the last hidden layer (one hidden_delta step below
    the output deltas), or layer 1 when there is no hidden layer."""
    return max(1, shape.L - 1)


# worked instances computed ahead (in a process of their own, while the checks run):
# shape -> the dict `worked_instance` returns for it with the registered rules; taken once
AHEAD: dict = {}


def worked_instance(shape: Shape, n: Notation, overrides) -> dict:
    """∂𝒞/∂w^l_{11} for l = `worked_layer`: SymPy's direct derivative, multiplied out once,
    beside the closed form the rules give, and the rules that closed form used (`uses`,
    in the order applied: the weight rule, then the error signals from the output down)."""
    if not overrides and shape in AHEAD:
        return AHEAD.pop(shape)
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
    chain, used = Lines(), ["weight_grad"] if closed is not None else []
    for (s, l, j) in needed:
        kind = "output_delta" if l == shape.L else "hidden_delta"
        try:
            rhs = (q_sym.rule(kind)(q_sym, s, j) if l == shape.L
                   else q_sym.rule(kind)(q_sym, s, l, j))
        except IndexError:
            continue
        chain.eq(tex(names.delta(s, l, j)), show(rhs))
        used += [kind] if kind not in used else []
    nterms = len(terms(direct_expanded))
    out = {"weight": tex(wsym), "lhs": lhs, "error": error, "layer": lw,
           "direct_terms": nterms,
           "abbrev": Tex(", ".join(str(tex(v)) for v in (names.Z[1, 1, 1], names.A[1, 1, 1]))),
           "too_big": nterms > MAX_WORKED_TERMS, "samples": shape.samples,
           "output_layer": lw == shape.L,
           "uses": [rule_kind(k).roman for k in used],
           "unused": [rule_kind(k).roman for k in KINDS if k not in used]}
    out["direct_raw"] = Lines().eq(lhs, show(direct)).display()
    out["direct"] = (Lines().eq(lhs, show(direct_expanded)).display()
                     if not out["too_big"] and nterms > 1 else None)
    linear = all(activations.get(a).identity for a in shape.activations)
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
