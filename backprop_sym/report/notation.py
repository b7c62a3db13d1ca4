"""The notation of the general statements: the symbols of one convention (`Notation`:
w^l_{pq}, Δ or δ, f or σ), SymPy helpers that keep a formula as written (`rel`, `D`, `mul`,
`add`), the generic f renamed into the theorem's notation (`in_notation`), and the small
formulas of the prose (`prose_formulas`)."""
from __future__ import annotations

import sympy

from ..engine.network import weight_indices
from ..engine import activations
from ..engine.backends import get_backend
from ..engine.network import Expressions, Shape
from .formulas import fprime, tex
from .latex import Tex

S = sympy.Symbol


class Notation:
    """Symbols of the general statements, in the shape's convention."""

    def __init__(self, shape: Shape):
        self.shape = shape
        self.conv = shape.convention
        self.D = "Delta" if self.conv == "from-to" else "delta"
        # σ in Nielsen's convention, and wherever every layer's activation is σ
        sigma = self.conv == "to-from" or {activations.get(a).tex
                                           for a in shape.activations} == {r"\sigma"}
        self.f = sympy.Function("sigma" if sigma else "f")
        self.fname = Tex(r"\sigma" if sigma else "f")
        self.ex = Expressions(shape, get_backend("sympy"))

    def w(self, l, frm, to):
        """The weight from neuron `frm` (layer l-1) to `to` (layer l), general indices."""
        p, q = weight_indices(self.conv, frm, to)
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


def in_notation(expr, n: Notation):
    """The engine's generic f renamed to the theorem's name for it (σ where it says σ)."""
    from sympy.core.function import AppliedUndef
    if n.f.__name__ == "f":
        return expr
    return expr.replace(lambda e: isinstance(e, AppliedUndef) and e.func.__name__ == "f",
                        lambda e: n.f(*e.args))


def prose_formulas(n: Notation) -> dict:
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
        "L_ge_1": tex(sympy.GreaterThan(L, 1)),
        "widths": seq(S("n_0"), dots, S("n_L")),
        "w_l": tex(S("w^l")), "a_l": tex(S("a^l")), "z_l": tex(S("z^l")), "b_l": tex(S("b^l")),
        "calC": tex(S("calC")), "sum_x": Tex(r"\sum_{x}"), "x_s": tex(S("x^(s)")),
        "y_s": tex(sympy.Eq(S("y^(s)"), S("y(x^{(s)})"), evaluate=False)),
        "of_x_s": Tex("(x^{(s)})"), "aL_x_s": tex(S("a^L_j(x^{(s)})")),
    }
