"""Theorem 2's collapse: a linear network's output is an affine function of its input,
a^L = M^T x + c, with M and c computed layer by layer and the identity checked."""
from __future__ import annotations

import sympy

from ..engine.forward import forward
from ..engine.network import Shape
from .formulas import Lines, tex, width
from .latex import Tex
from .notation import Notation

S = sympy.Symbol

MAX_COLLAPSE_TERMS = 80      # terms of the entries of M (and of c) printed in Theorem 2


def _fast():
    """SymEngine for the big expansions when it is installed, else SymPy."""
    try:
        import symengine
        return symengine.sympify, symengine.expand
    except ImportError:         # pragma: no cover - symengine is optional
        return sympy.sympify, sympy.expand


# collapses computed ahead (in a process of their own, while the checks run): shape ->
# the dict `collapse` returns for it; taken once
AHEAD: dict = {}


def collapse(shape: Shape, n: Notation) -> dict:
    """a^L = M^T x + c for the linear network: M = w^1 ⋯ w^L and c from the biases, layer
    by layer, and the check that the explicit output equals M^T x + c (expanded to 0).
    Entries of M and c are printed only while they are small."""
    if shape in AHEAD:
        return AHEAD.pop(shape)
    ex, L, w_ = n.ex, shape.L, shape.widths
    conv, expand = _fast()
    xs = [conv(ex.x[1, i]) for i in range(1, w_[0] + 1)]
    mats = [[[conv(ex.w[l, k, j]) for j in range(1, w_[l] + 1)] for k in range(1, w_[l - 1] + 1)]
            for l in range(1, L + 1)]
    prod = mats[0]
    for m in mats[1:]:
        prod = [[expand(sum((row[t] * m[t][j] for t in range(len(m))), conv(0)))
                 for j in range(len(m[0]))] for row in prod]
    # c is the linear network's output at x = 0: the one forward pass, expanded as it goes
    _, at_zero = forward(w_, [conv(0)] * w_[0], weight=lambda l, k, j: conv(ex.w[l, k, j]),
                         bias=lambda l, j: conv(ex.b[l, j]), activate=lambda l, z: expand(z),
                         zero=conv(0))
    cc = [at_zero[L, j] for j in range(1, w_[L] + 1)]
    # the explicit output, expanded layer by layer as it is built (expanding the nested
    # a^L in one call re-expands every shared subtree: seconds at depth 5, width 8)
    _, explicit = forward(w_, xs, weight=lambda l, k, j: conv(ex.w[l, k, j]),
                          bias=lambda l, j: conv(ex.b[l, j]), activate=lambda l, z: expand(z),
                          zero=conv(0))
    affine_ok = all(expand(explicit[L, j + 1] - sum((prod[i][j] * xs[i] for i in range(w_[0])),
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
        "library": "SymEngine" if conv is not sympy.sympify else "SymPy",
    }


def _pair(i, j, widths) -> str:
    return f"{i}{j}" if max(widths) < 10 else f"{i},{j}"
