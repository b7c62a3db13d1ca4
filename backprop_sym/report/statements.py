"""The statements of the theory: the definitions (z, a, the cost, Δ) and the four rules in
general indices and in vectors, printed by SymPy in the notation of one convention."""
from __future__ import annotations

import sympy

from ..engine import rules
from .formulas import Lines, fprime, over_examples, tex
from .latex import Tex
from .notation import D, Notation, add, mul, rel

S = sympy.Symbol


def definitions(n: Notation) -> dict:
    k, j = S("k"), S("j")
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
    k = S("k")
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
