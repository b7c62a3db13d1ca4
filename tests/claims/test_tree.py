"""The claims syntax tree: one visitor that dispatches by node class, one precedence
table, and the two printers (text and LaTeX) bracketing the same subexpressions."""
from fractions import Fraction

import pytest

from backprop_sym.claims.parse import parse
from backprop_sym.claims.printing import show
from backprop_sym.claims.tree import (Add, Div, Had, Mul, Node, Num, Pow, Q, Sum, Var, Visitor,
                                      children, walk)
from backprop_sym.report.claim_tex import latex

a, b, c = Var("a"), Var("b"), Var("c")
QUOTIENT = Div(a, b)


def bracketed_text(text: str, inner: str) -> bool:
    return f"({inner})" in text


def bracketed_tex(tex: str, inner: str) -> bool:
    return any(f"{o}{inner}{c}" in tex for o, c in ((r"\bigl(", r"\bigr)"),
                                                    (r"\left(", r"\right)")))


@pytest.mark.parametrize("node", [
    Had(QUOTIENT, c),              # a quotient in a Hadamard product: (a/b) ⊙ c
    Had(c, QUOTIENT),
    Pow(QUOTIENT, 2),              # a quotient raised to a power: (a/b)^2
    Mul(QUOTIENT, c),              # a quotient as a factor: a/b c, unbracketed in both
    Mul(c, QUOTIENT),
])
def test_both_printers_bracket_a_quotient_alike(node):
    """issue 17: the text printer and report/claim_tex.py disagreed on division (the
    LaTeX printer ranked a quotient above a product, so \\frac{a}{b} \\odot c lost the
    brackets the text gives (a/b) ⊙ c)."""
    assert bracketed_text(show(node), "a/b") == bracketed_tex(latex(node), r"\frac{a}{b}")


@pytest.mark.parametrize("node", [
    Pow(Pow(a, 2), 3),             # (a^2)^3: TeX refuses a^{2}^{3}
    Mul(Sum("k", 1, None, Q("a")), b),     # (Σ_k a) b: the sum does not take b
    Add((b, Sum("k", 1, None, Q("a")))),
])
def test_both_printers_bracket_powers_and_sums_alike(node):
    text, tex = show(node), latex(node)
    assert text.count("(") >= 1
    assert r"\bigl(" in tex or r"\left(" in tex


def test_a_quotient_in_a_product_from_the_parser():
    node = parse(r"a^L_j = \frac{a^L_j}{b^L_j} \odot z^L_j").claims()[0][1]
    assert show(node).startswith("(")
    assert latex(node).startswith(r"\bigl(")


class Counting(Visitor):
    def visit_Node(self, node):
        return 1 + sum(self.visit(ch) for ch in children(node))

    def visit_Num(self, node):
        return 100


def test_the_visitor_dispatches_along_the_mro():
    tree = Add((a, Mul(b, Num(Fraction(2)))))
    assert Counting().visit(tree) == 1 + 1 + (1 + 1 + 100)
    assert Counting().visit(tree) - 100 == sum(1 for n in walk(tree) if not isinstance(n, Num))


def test_a_visitor_without_a_method_says_so():
    class Nothing(Visitor):
        pass
    with pytest.raises(TypeError, match="Nothing does not visit Var"):
        Nothing().visit(a)
    assert isinstance(a, Node)
