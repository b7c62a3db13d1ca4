"""Claims as mathematics: the parse tree of a claim (`claims.parse`) printed as LaTeX in the
project's notation, broken between terms and factors to fit the page.

The claim dicts carry the plain-text reading (`parsed`, a string) and the source; the
tree is read again from the source, so what is typeset is exactly what was checked.
"""
from __future__ import annotations

from ..claims import parse as P
from .formulas import LINE, _Break, _fill, _Text, width
from .latex import Tex

GREEK = {"Δ": r"\Delta", "δ": r"\delta", "𝒞": r"\mathcal{C}", "σ": r"\sigma"}
FUNCS = {"exp": r"\exp", "log": r"\log", "tanh": r"\tanh"}
_PREC = {P.Add: 1, P.Neg: 1, P.Mul: 2, P.Had: 2, P.Div: 3, P.Sum: 2}


def layer(lay) -> str:
    return P.show_layer(lay)


def quantity(q) -> str:
    if q.kind in ("C", "𝒞"):
        return GREEK.get(q.kind, q.kind)
    out = GREEK.get(q.kind, q.kind)
    if q.layer is not None:
        out += "^{%s}" % layer(q.layer)
    if q.idx:
        out += "_{%s}" % P._idx_text(q.idx)
    return out


def latex(node) -> str:
    """One node as LaTeX, on one line."""
    return "".join(i.text if isinstance(i, _Text) else i.inline for i in items(node, 0))


def _wrapped(node, prec: int, depth: int) -> list:
    """Items of `node`, in breakable parentheses when its precedence is below `prec`."""
    if _PREC.get(type(node), 4) < prec:
        return [_Text(r"\bigl(")] + items(node, depth + 1) + [_Text(r"\bigr)")]
    return items(node, depth)


def items(node, depth: int) -> list:
    """Text and break points (as `formulas.Lines` uses them) for a parse-tree node."""
    T = _Text
    if isinstance(node, P.Num):
        v = node.value
        return [T(str(v.numerator) if v.denominator == 1 else
                  r"\frac{%d}{%d}" % (v.numerator, v.denominator))]
    if isinstance(node, (P.Const, P.Var)):
        return [T(GREEK.get(node.name, node.name))]
    if isinstance(node, P.Q):
        return [T(quantity(node))]
    if isinstance(node, P.Width):
        return [T("n_{%s}" % layer(node.layer))]
    if isinstance(node, P.Add):
        out = items(node.terms[0], depth)
        for t in node.terms[1:]:
            if isinstance(t, P.Neg):
                out += [_Break(" - ", "- ", 2 * depth)] + _wrapped(t.x, 2, depth)
            else:
                out += [_Break(" + ", "+ ", 2 * depth)] + _wrapped(t, 1, depth)
        return out
    if isinstance(node, P.Neg):
        return [T("-")] + _wrapped(node.x, 2, depth)
    if isinstance(node, P.Mul):
        return (_wrapped(node.a, 2, depth) + [_Break(" ", r"\cdot ", 2 * depth + 1)]
                + _wrapped(node.b, 2, depth))
    if isinstance(node, P.Had):
        return (_wrapped(node.a, 3, depth) + [_Break(r" \odot ", r"\odot ", 2 * depth + 1)]
                + _wrapped(node.b, 3, depth))
    if isinstance(node, P.Div):
        return [T(r"\frac{%s}{%s}" % (latex(node.a), latex(node.b)))]
    if isinstance(node, P.Pow):
        base = latex(node.base)
        if _PREC.get(type(node.base), 4) < 4 or isinstance(node.base, P.Q) and node.base.idx:
            base = r"\left(%s\right)" % base
        return [T("%s^{%d}" % (base, node.n))]
    if isinstance(node, P.Tr):
        inner = latex(node.x)
        simple = isinstance(node.x, (P.Var, P.Num)) or (isinstance(node.x, P.Q) and
                                                        node.x.layer is None)
        return [T(f"{inner}^{{T}}" if simple else rf"\left({inner}\right)^{{T}}")]
    if isinstance(node, P.At):
        return [T(r"\left[%s\right]_{%s}" % (latex(node.x), P._idx_text(node.idx)))]
    if isinstance(node, P.Sum):
        var = node.var.split("#")[0]
        lim = var if node.hi is None and node.lo == 1 else f"{var}={node.lo}"
        top = "" if node.hi is None else "^{%s}" % latex(node.hi)
        head = [T(r"\sum_{%s}%s " % (lim, top))]
        if isinstance(node.body, (P.Add, P.Neg)):
            return head + [T(r"\bigl(")] + items(node.body, depth + 1) + [T(r"\bigr)")]
        return head + items(node.body, depth)
    if isinstance(node, P.Call):
        name = GREEK.get(node.name, node.name) + "'" * node.order
        return [T(r"%s\left(%s\right)" % (name, latex(node.arg)))
                if isinstance(node.arg, (P.Add, P.Sum, P.Div)) else
                T("%s(%s)" % (name, latex(node.arg)))]
    if isinstance(node, P.Func):
        return [T(r"%s\left(%s\right)" % (FUNCS.get(node.name, r"\operatorname{%s}" % node.name),
                                         latex(node.arg)))]
    if isinstance(node, P.Deriv):
        return [T(r"\frac{\partial %s}{\partial %s}" % (latex(node.num), latex(node.den)))]
    if isinstance(node, P.Partial):
        return [T(r"\partial %s" % latex(node.x))]
    raise TypeError(node)


def claim_display(source: str, line: float = LINE) -> Tex | None:
    """The claim `LHS = RHS` (its source) typeset from its parse tree in an align*
    display, each side broken to fit; None if it does not parse as one equation."""
    try:
        rel = P.parse(source)
    except (P.ParseError, P.Unsupported):
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
        left = _fill(items(sides[0], 0), line, line - 1.5)
        body = _fill(rhs, line - 6, line - 6)
        out = ([f"&{left[0]}"] + [rf"&\quad {r}" for r in left[1:]] + [f"&= {body[0]}"]
               + [rf"&\quad {r}" for r in body[1:]])
        return Tex("\\begin{align*}\n" + " \\\\\n".join(out) + "\n\\end{align*}")
    room = max(line - lw, 30.0)
    body = _fill(rhs, room, room - 1.5)
    out = [rf"{lhs} &= {body[0]}"] + [rf"&\quad {r}" for r in body[1:]]
    return Tex("\\begin{align*}\n" + " \\\\\n".join(out) + "\n\\end{align*}")
