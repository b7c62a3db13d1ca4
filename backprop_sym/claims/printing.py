"""A claim's tree as plain text: what the checker read, echoed back (`show`).

    Δ^l_j = Σ_k (w^{l+1}_{jk} Δ^{l+1}_k f'(z^l_j))

Brackets follow `tree.PRECEDENCE` (`tree.brackets`), the table the LaTeX printer
(report/claim_tex.py) uses too, so both bracket the same subexpressions.
"""
from __future__ import annotations

from .tree import (Add, Div, Had, Idx, Lay, Mul, Neg, Num, Q, Var, Visitor, BASE, DENOMINATOR,
                   FACTOR, HADAMARD_FACTOR, TERM, brackets)


def show_layer(lay: Lay) -> str:
    if lay.var is None:
        return str(lay.off)
    if lay.off == 0:
        return lay.var
    return f"{lay.var}{'+' if lay.off > 0 else '-'}{abs(lay.off)}"


def show_index(i: Idx) -> str:
    return show_layer(Lay(i.var and i.var.split("#")[0], i.off))


def script(s: str) -> str:
    """A sub- or superscript's text: braced unless it is one character."""
    return s if len(s) == 1 else "{" + s + "}"


def index_text(idx: tuple[Idx, ...]) -> str:
    """The indices of a quantity: `jk`, or `j,k+1` when one is longer than a character."""
    parts = [show_index(i) for i in idx]
    sep = "," if any(len(p) > 1 for p in parts) else ""
    return sep.join(parts)


def show_quantity(q: Q) -> str:
    if q.kind in ("C", "𝒞"):
        return q.kind
    out = q.kind
    if q.layer is not None:
        out += "^" + script(show_layer(q.layer))
    if q.idx:
        out += "_" + script(index_text(q.idx))
    return out


class TextPrinter(Visitor):
    """The plain-text printer: one `visit_<Node>` per node class."""

    def wrap(self, node, context: int, right: bool = False) -> str:
        text = self.visit(node)
        return f"({text})" if brackets(node, context, right) else text

    def visit_Num(self, node):
        v = node.value
        return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"

    def visit_Const(self, node):
        return node.name

    visit_Var = visit_Const

    def visit_Q(self, node):
        return show_quantity(node)

    def visit_Width(self, node):
        return "n_" + script(show_layer(node.layer))

    def visit_Add(self, node):
        out = self.visit(node.terms[0])
        for t in node.terms[1:]:
            out += (f" - {self.wrap(t.x, FACTOR)}" if isinstance(t, Neg)
                    else f" + {self.wrap(t, TERM)}")
        return out

    def visit_Neg(self, node):
        return "-" + self.wrap(node.x, FACTOR)

    def visit_Mul(self, node):
        return f"{self.wrap(node.a, FACTOR)} {self.wrap(node.b, FACTOR, right=True)}"

    def visit_Had(self, node):
        return f"{self.wrap(node.a, HADAMARD_FACTOR)} ⊙ {self.wrap(node.b, HADAMARD_FACTOR)}"

    def visit_Div(self, node):
        return f"{self.wrap(node.a, FACTOR)}/{self.wrap(node.b, DENOMINATOR)}"

    def visit_Pow(self, node):
        return f"{self.wrap(node.base, BASE)}^{node.n}"

    def visit_Tr(self, node):
        inner = self.visit(node.x)
        simple = isinstance(node.x, (Var, Num)) or (isinstance(node.x, Q)
                                                    and node.x.layer is None)
        return f"{inner}^T" if simple else f"({inner})^T"

    def visit_At(self, node):
        return f"[{self.visit(node.x)}]_" + script(index_text(node.idx))

    def visit_Sum(self, node):
        var = node.var.split("#")[0]
        lim = var if node.hi is None and node.lo == 1 else (
            "{" + f"{var}={node.lo}" + "}" + ("^" + script(self.visit(node.hi)) if node.hi
                                              else ""))
        if node.hi is None and node.hi_name:            # \sum_{i=1}^n: n read as a width
            width = (f"n_{script(show_layer(node.hi_read))}" if node.hi_read is not None
                     else f"the width {var} runs over")
            lim = "{" + f"{var}={node.lo}" + "}^{" + f"{node.hi_name}={width}" + "}"
        body = self.visit(node.body)
        if isinstance(node.body, (Add, Mul, Had, Div, Neg)):       # Σ_k (w Δ)
            body = f"({body})"
        return f"Σ_{lim} {body}"

    def visit_Call(self, node):
        return f"{node.name}{chr(39) * node.order}({self.visit(node.arg)})"

    def visit_Func(self, node):
        return f"{node.name}({self.visit(node.arg)})"

    def visit_Deriv(self, node):
        return f"∂{self.visit(node.num)}/∂{self.visit(node.den)}"

    def visit_Kron(self, node):
        return "δ_" + script(index_text(node.idx))

    def visit_Partial(self, node):
        return f"∂{self.visit(node.x)}"

    def visit_tuple(self, node):
        return f"{self.visit(node[0])} = {self.visit(node[1])}"


_TEXT = TextPrinter()


def show(node) -> str:
    """The plain-text reading of a node or a claim (lhs, rhs), e.g. to echo what was read."""
    return _TEXT.visit(node)
