"""Claims as mathematics: the parse tree of a claim (`claims.tree`) printed as LaTeX in the
project's notation, broken between terms and factors to fit the page. It brackets what
the text printer (`claims.printing`) brackets: both ask `tree.brackets`.

The claim dicts carry the plain-text reading (`parsed`, a string) and the source; the
tree is read again from the source, so what is typeset is exactly what was checked.
"""
from __future__ import annotations

from ..claims.errors import ParseError, UnsupportedNotation
from ..claims.parse import parse
from ..claims.printing import index_text, show_layer
from ..claims.tree import (Add, Div, Neg, Num, Q, Sum, Var, Visitor, BASE, FACTOR, HADAMARD_FACTOR,
                           TERM, brackets)
from .formulas import LINE, Break, fill, Text, width
from .latex import Tex

GREEK = {"Δ": r"\Delta", "δ": r"\delta", "𝒞": r"\mathcal{C}", "σ": r"\sigma"}
FUNCS = {"exp": r"\exp", "log": r"\log", "tanh": r"\tanh"}


def layer(lay) -> str:
    return show_layer(lay)


def quantity(q) -> str:
    if q.kind in ("C", "𝒞"):
        return GREEK.get(q.kind, q.kind)
    out = GREEK.get(q.kind, q.kind)
    if q.layer is not None:
        out += "^{%s}" % layer(q.layer)
    if q.idx:
        out += "_{%s}" % index_text(q.idx)
    return out


def latex(node) -> str:
    """One node as LaTeX, on one line."""
    return "".join(i.text if isinstance(i, Text) else i.inline for i in items(node, 0))


def items(node, depth: int) -> list:
    """Text and break points (as `formulas.Lines` uses them) for a parse-tree node."""
    return _LATEX.visit(node, depth)


class LatexPrinter(Visitor):
    """The LaTeX printer: one `visit_<Node>(node, depth)` per node class, returning text
    and break points; brackets where `tree.brackets` asks for them, as the text printer."""

    def wrapped(self, node, context: int, depth: int, right: bool = False) -> list:
        """Items of `node`, in breakable parentheses where its context needs them."""
        if brackets(node, context, right):
            return [Text(r"\bigl(")] + self.visit(node, depth + 1) + [Text(r"\bigr)")]
        return self.visit(node, depth)

    def visit_Num(self, node, depth):
        v = node.value
        return [Text(str(v.numerator) if v.denominator == 1 else
                      r"\frac{%d}{%d}" % (v.numerator, v.denominator))]

    def visit_Const(self, node, depth):
        return [Text(GREEK.get(node.name, node.name))]

    visit_Var = visit_Const

    def visit_Q(self, node, depth):
        return [Text(quantity(node))]

    def visit_Width(self, node, depth):
        return [Text("n_{%s}" % layer(node.layer))]

    def visit_Add(self, node, depth):
        out = self.visit(node.terms[0], depth)
        for t in node.terms[1:]:
            if isinstance(t, Neg):
                out += [Break(" - ", "- ", 2 * depth)] + self.wrapped(t.x, FACTOR, depth)
            else:
                out += [Break(" + ", "+ ", 2 * depth)] + self.wrapped(t, TERM, depth)
        return out

    def visit_Neg(self, node, depth):
        return [Text("-")] + self.wrapped(node.x, FACTOR, depth)

    def visit_Mul(self, node, depth):
        return (self.wrapped(node.a, FACTOR, depth) + [Break(" ", r"\cdot ", 2 * depth + 1)]
                + self.wrapped(node.b, FACTOR, depth, right=True))

    def visit_Had(self, node, depth):
        return (self.wrapped(node.a, HADAMARD_FACTOR, depth)
                + [Break(r" \odot ", r"\odot ", 2 * depth + 1)]
                + self.wrapped(node.b, HADAMARD_FACTOR, depth))

    def visit_Div(self, node, depth):
        return [Text(r"\frac{%s}{%s}" % (latex(node.a), latex(node.b)))]

    def visit_Pow(self, node, depth):
        base = latex(node.base)
        if brackets(node.base, BASE) or isinstance(node.base, Q) and node.base.idx:
            base = r"\left(%s\right)" % base
        return [Text("%s^{%d}" % (base, node.n))]

    def visit_Tr(self, node, depth):
        inner = latex(node.x)
        simple = isinstance(node.x, (Var, Num)) or (isinstance(node.x, Q) and
                                                    node.x.layer is None)
        return [Text(f"{inner}^{{T}}" if simple else rf"\left({inner}\right)^{{T}}")]

    def visit_At(self, node, depth):
        return [Text(r"\left[%s\right]_{%s}" % (latex(node.x), index_text(node.idx)))]

    def visit_Sum(self, node, depth):
        var = node.var.split("#")[0]
        lim = var if node.hi is None and node.lo == 1 else f"{var}={node.lo}"
        top = "" if node.hi is None else "^{%s}" % latex(node.hi)
        head = [Text(r"\sum_{%s}%s " % (lim, top))]
        if isinstance(node.body, (Add, Neg)):
            return head + [Text(r"\bigl(")] + self.visit(node.body, depth + 1) + [Text(r"\bigr)")]
        return head + self.visit(node.body, depth)

    def visit_Call(self, node, depth):
        name = GREEK.get(node.name, node.name) + "'" * node.order
        return [Text(r"%s\left(%s\right)" % (name, latex(node.arg)))
                if isinstance(node.arg, (Add, Sum, Div)) else
                Text("%s(%s)" % (name, latex(node.arg)))]

    def visit_Func(self, node, depth):
        return [Text(r"%s\left(%s\right)" % (FUNCS.get(node.name,
                                                        r"\operatorname{%s}" % node.name),
                                             latex(node.arg)))]

    def visit_Deriv(self, node, depth):
        return [Text(r"\frac{\partial %s}{\partial %s}" % (latex(node.num), latex(node.den)))]

    def visit_Partial(self, node, depth):
        return [Text(r"\partial %s" % latex(node.x))]


_LATEX = LatexPrinter()


def claim_display(source: str, line: float = LINE) -> Tex | None:
    """The claim `LHS = RHS` (its source) typeset from its parse tree in an align*
    display, each side broken to fit; None if it does not parse as one equation."""
    try:
        rel = parse(source)
    except (ParseError, UnsupportedNotation):
        return None
    sides = [s.node for s in rel.sides if s is not None]
    if len(sides) != 2 or len(rel.sides) != 2:
        return None
    try:
        lhs = latex(sides[0])
        rhs = items(sides[1], 0)
    except TypeError:
        return None
    lw = width(lhs) + 2.5
    if lw > 0.45 * line:          # a long left side: on rows of its own
        left = fill(items(sides[0], 0), line, line - 1.5)
        body = fill(rhs, line - 6, line - 6)
        out = ([f"&{left[0]}"] + [rf"&\quad {r}" for r in left[1:]] + [f"&= {body[0]}"]
               + [rf"&\quad {r}" for r in body[1:]])
        return Tex("\\begin{align*}\n" + " \\\\\n".join(out) + "\n\\end{align*}")
    room = max(line - lw, 30.0)
    body = fill(rhs, room, room - 1.5)
    out = [rf"{lhs} &= {body[0]}"] + [rf"&\quad {r}" for r in body[1:]]
    return Tex("\\begin{align*}\n" + " \\\\\n".join(out) + "\n\\end{align*}")
