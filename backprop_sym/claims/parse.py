"""LaTeX index notation -> an AST of the quantities of backpropagation.

`grammar.lark` reads the shape of an equation (sums, products, fractions, scripts); this
module gives the scripts their meaning. A letter is a quantity when it is one of

    z^l_j  a^l_j  w^l_{jk}  b^l_j  \\Delta^l_j (\\delta)  y_j  x_k  C (C_x)  \\mathcal{C}

with the layer in the superscript and the neuron indices in the subscript, in either
order; without indices it is the vector (or matrix, for w) of its layer. `f` and
`\\sigma` are the activation, `f'`, `f^\\prime`, `\\sigma'` its derivative;
`\\frac{\\partial C}{\\partial w^l_{ij}}` and `\\partial C / \\partial w` are derivatives.

    >>> show(parse(r"\\Delta_j^l = \\sum_k w^{l+1}_{jk}\\Delta^{l+1}_k f'(z^l_j)").claims()[0])
    "Δ^l_j = Σ_k (w^{l+1}_{jk} Δ^{l+1}_k f'(z^l_j))"

`parse` raises `ParseError` (with the offset, and what was expected) for text it cannot
read, and `UnsupportedNotation` for text that is not a claim it could check (prose,
`\\dots`, an inequality, a command it does not know: prescan.py); a caller skips those.
The tree's nodes are in tree.py, the conditions after an equation in conditions.py,
the text printer `show` in printing.py.

Numbers are read as TeX prints them (`1 2` and `1\\,000` are one number, `2^23` is 2^2 3).
An equation longer than MAX_LENGTH characters, with brackets nested deeper than
MAX_NESTING or a tree deeper than MAX_DEPTH is refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedInput, VisitError

from .errors import ParseError, UnsupportedNotation
from .prescan import MAX_DEPTH, check_size, prescan
from .numerals import Item, numbers
from .syntax import explain
from .relations import masked, spans
from .printing import show
from .sums import BARE, bare_sums, free, limit_layer
from .tree import (Add, At, Call, Const, Deriv, Div, Func, Had, Idx, Kron, Lay, Mul, Neg, Node,
                   Num, Partial, Pow, Q, Relation, Side, Sum, Tr, Var, Width, children, depth)

QUANTITY_LETTERS = {"z": "z", "a": "a", "w": "w", "b": "b"}
LAYERLESS = {"y": "y", "x": "x"}


# ---------------------------------------------------------------- parsing

@lru_cache(maxsize=1)
def parser() -> Lark:
    grammar = (Path(__file__).with_name("grammar.lark")).read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=True)


def parse(text: str, before: Node | None = None) -> Relation:
    """One equation (or align row) -> its Relation. Raises ParseError or UnsupportedNotation.
    `before`: the side a row starting with '=' continues, part of its claim (it decides
    which index a \\sum written without one runs over: sums.py)."""
    check_size(text)
    comma = re.search(r"[0-9]\s*\{,\}\s*[0-9]", text)
    if comma:
        raise ParseError(f"'{comma.group(0)}': a decimal comma or a thousands separator? "
                         f"write the number with a point (1.5) or whole (1000)", comma.start())
    text = _ROMAN_D.sub(lambda m: "d" + " " * (len(m.group(0)) - 1), text)
    prescan(text)
    for _ in range(text.count("{") + 1):
        try:
            rel = _relation(text, before)
            break
        except _Unbrace as braces:          # \sum_j{w a + b}: the braces do not print
            text = f"{text[:braces.open]} {text[braces.open + 1:braces.close]} " \
                   f"{text[braces.close + 1:]}"
    else:                                   # pragma: no cover - each pass blanks a pair
        raise ParseError("braces nested too deep to read", 0)
    for side in rel.sides:
        if side is not None and depth(side.node) > MAX_DEPTH:
            raise ParseError(f"the equation nests more than {MAX_DEPTH} levels deep (each "
                             f"bracket, fraction, sum and factor of a product is a level); "
                             f"the checker reads at most {MAX_DEPTH}", side.start)
    return rel


# \mathrm{d}, \mathrm d, \text{d}, \operatorname{d}, {\rm d}: the upright d of a derivative,
# read as the letter
_ROMAN_D = re.compile(r"\\mathrm(?:\s*\{\s*d\s*\}|\s+d)"
                      r"|\\(?:text|textrm|operatorname)\s*\{\s*d\s*\}|\{\s*\\rm\s+d\s*\}")


class _Unbrace(Exception):
    """A brace group holding a sum right after \\sum: reparse with its braces blanked."""

    def __init__(self, open_: int, close: int):
        super().__init__(open_, close)
        self.open, self.close = open_, close


def _relation(text: str, before: Node | None) -> Relation:
    try:
        tree = parser().parse(masked(text))
    except UnexpectedInput as err:
        raise explain(err, text) from None
    try:
        rel = _Build(text).transform(tree)
    except VisitError as err:
        if isinstance(err.orig_exc, (ParseError, UnsupportedNotation, _Unbrace)):
            raise err.orig_exc from None
        raise
    nodes = bare_sums([side and side.node for side in rel.sides], before)
    for side, node in zip(rel.sides, nodes):
        if side is not None and node is not None:
            side.node = node
    return rel


def _start(tok: Token) -> int:
    """Where tok starts in the text (0 for a token made without a position)."""
    return tok.start_pos or 0


def _letter(tok: Token) -> str:
    return "l" if str(tok) in ("\\ell", "ℓ") else str(tok)


def _fail(message: str, tok) -> ParseError:
    pos = getattr(tok, "start_pos", None)
    if pos is None:
        pos = getattr(getattr(tok, "meta", None), "start_pos", 0) or 0
    return ParseError(message, pos)


# A script argument, before it is given a meaning: a list of items, each a list of
# (sign, atom) with atom a Token, a nested item (list) or ("sub", letter, sarg).
@dataclass
class _Sarg:
    neg: bool
    items: list
    pos: int


@v_args(inline=True)
class _Build(Transformer):
    def __init__(self, text: str):
        super().__init__()
        self.text = text
        self.relations = dict(spans(text))     # where each relation starts: its end

    # ------------------------------------------------ relation and terms
    def relation(self, first, *rest):
        sides, rels = [first], []
        for i in range(0, len(rest), 2):
            rels.append(self.spelling(rest[i]))
            sides.append(rest[i + 1])
        for side in sides:
            if side is not None:
                _no_partial(side.node, side.start)
        return Relation(sides, rels)

    @v_args(meta=True, inline=True)
    def expr(self, meta, minus, first, *rest):
        node = Neg(first) if minus is not None else first
        terms = [node]
        for i in range(0, len(rest), 2):
            t = rest[i + 1]
            terms.append(Neg(t) if str(rest[i]) in ("-", "−") else t)
        node = terms[0] if len(terms) == 1 else Add(tuple(terms))
        return Side(node, meta.start_pos, meta.end_pos)

    def spelling(self, tok: Token) -> str:
        """The relation as written (the grammar reads each spelling as '=')."""
        start = _start(tok)
        return self.text[start:self.relations.get(start, start + 1)]

    def start(self, relation):
        return relation

    @v_args(meta=True, inline=True)
    def prod(self, meta, *items):
        return _product(_slashed(numbers(list(items), self.text)), meta.start_pos)

    @v_args(meta=True, inline=True)
    def plain(self, meta, unit):
        return Item("", unit, meta.start_pos, meta.end_pos)

    @v_args(meta=True, inline=True)
    def opunit(self, meta, op, unit):
        return Item(str(op), unit, op.end_pos, meta.end_pos)

    def summark(self, tok, limits):
        return ("sum", tok, limits)

    def limits(self, *parts):
        lo = next((p for p in parts if p[0] == "lo"), None)
        hi = next((p for p in parts if p[0] == "hi"), None)
        return lo, hi

    def lo(self, letter, rel=None, value=None):
        if rel is not None and self.spelling(rel) != "=":
            raise _fail(f"expected '=' in the lower limit of the sum, got "
                        f"{self.spelling(rel)}", rel)
        start = 1
        if value is not None:
            idx = _index_item(value, letter)
            if idx.var is not None:
                raise _fail("the lower limit of a sum must be a number", letter)
            start = idx.off
        return ("lo", _letter(letter), start, letter, value is not None)

    def hi(self, sarg):
        return ("hi", sarg)

    def partial(self, tok, unit):
        return Partial(unit)

    # ------------------------------------------------ bases
    def mathcal(self, letter):
        if str(letter) == "C":
            return ("cost", letter, "𝒞")
        raise UnsupportedNotation(f"\\mathcal{{{letter}}} is not a quantity the checker knows",
                          letter.start_pos)

    @v_args(meta=True, inline=True)
    def group(self, meta, side):
        if self.text[meta.start_pos] == "{" and isinstance(side.node, (Add, Neg)):
            return ("braces", side.node, meta.start_pos, meta.end_pos - 1)
        return ("group", side.node, side.start)

    def frac(self, tok, a, b):
        if _differential(a) and _differential(b):        # \frac{d a^L_k}{d z^L_k}
            return ("value", Deriv(_differentiable(a.b, tok.end_pos, numerator=True),
                                   _differentiable(b.b, tok.end_pos)), tok)
        return ("value", _divide(a, b, tok.end_pos), tok)

    def fnum(self, arg):
        if isinstance(arg, Side):
            return arg.node
        if arg.type == "DIGIT":
            return Num(Fraction(int(arg)))
        return _letter_unit(arg, None, None)

    fden = fnum

    def call(self, fn, prime, side):
        name = "σ" if str(fn) in ("\\sigma", "σ") else "f"
        return ("value", Call(name, prime or 0, side.node), fn)

    def fprime(self, *toks):
        n = len(toks)
        if n > 1:
            raise UnsupportedNotation("a second derivative f'' is not a claim the checker reads",
                              toks[0].start_pos)
        return n

    def func(self, tok, side):
        name = {"\\exp": "exp", "\\log": "log", "\\ln": "log", "\\tanh": "tanh"}[str(tok)]
        return ("value", Func(name, side.node), tok)

    def euler(self, tok, side):
        return ("euler", Func("exp", side.node), tok)

    # ------------------------------------------------ scripts
    def scripts(self, *s):
        return list(s)

    def sup(self, sarg):
        return ("sup", sarg)

    def sub(self, sarg):
        return ("sub", sarg)

    @v_args(meta=True, inline=True)
    def sarg(self, meta, *parts):
        if len(parts) == 1:                      # a single token: ^l, _j, ^2, ^T, ^\prime
            tok = parts[0]
            if tok.type == "DIGIT":
                tok = Token.new_borrow_pos("NUMBER", tok, tok)
            return _Sarg(False, [[("+", tok)]], meta.start_pos)
        minus, items = parts
        return _Sarg(minus is not None, items, meta.start_pos)

    def sitems(self, *items):
        return list(items)

    def sitem(self, first, *rest):
        out = [("+", first)]
        for i in range(0, len(rest), 2):
            out.append((str(rest[i]), rest[i + 1]))
        return out

    def subbed(self, letter, sarg):
        return ("subbed", letter, sarg)

    # ------------------------------------------------ a base with its scripts
    def unit(self, base, scripts):
        sup = [s for k, s in scripts if k == "sup"]
        sub = [s for k, s in scripts if k == "sub"]
        if len(sup) > 1 or len(sub) > 1:
            raise _fail("a double superscript or subscript", base if isinstance(base, Token)
                        else base[-1] if isinstance(base, tuple) else None)
        sup, sub = (sup[0] if sup else None), (sub[0] if sub else None)
        if isinstance(base, Token) and base.type == "NUMBER":
            if sub is not None:
                raise _fail("a number with a subscript", base)
            return _scripted(Num(Fraction(str(base))), sup, None, base.start_pos)
        if isinstance(base, Token):
            return _letter_unit(base, sup, sub)
        kind = base[0]
        if kind == "braces":
            if sup is not None or sub is not None:
                raise _unprinted(base[2])
            return _Braced(base[1], base[2], base[3])
        if kind == "cost":
            return _cost(base[1], sup, sub, base[2])
        node = base[1]
        if kind == "euler":
            if sup is not None or sub is not None:
                raise _fail("e^{…} with a further script: write \\exp(…) and its power", base[2])
            return node
        if kind == "group" or kind == "value":
            return _scripted(node, sup, sub, base[2] if kind == "group" else base[2].start_pos)
        raise AssertionError(kind)  # pragma: no cover


def _differential(node: Node) -> bool:
    """d X with X a quantity of the model (C, z, a, w, b, ...): one side of dX/dY."""
    return (isinstance(node, Mul) and isinstance(node.a, Var) and node.a.name == "d"
            and isinstance(node.b, Q))


@dataclass(frozen=True)
class _Braced(Node):
    """{a + b} as a factor: braces do not print. Read through right after a \\sum, where
    `\\sum_j{w a + b}` prints as `\\sum_j w a + b`; refused anywhere else."""
    x: Node
    open: int
    close: int


def _unprinted(pos: int) -> ParseError:
    return ParseError("braces do not print: {a - b} shows as a - b, so it cannot group "
                      "a sum or a sign; write (a - b)", pos)


def _no_partial(node: Node, pos: int) -> None:
    if isinstance(node, Partial):
        raise ParseError("\\partial outside a derivative: write \\frac{\\partial C}{\\partial w} "
                         "or \\partial C / \\partial w", pos)
    for child in children(node):
        _no_partial(child, pos)


def _divide(a: Node, b: Node, pos: int) -> Node:
    if isinstance(a, Partial) and isinstance(b, Partial):
        return Deriv(_differentiable(a.x, pos, numerator=True), _differentiable(b.x, pos))
    if isinstance(a, Partial) or isinstance(b, Partial):
        raise ParseError("a derivative needs \\partial above and below: "
                         "\\frac{\\partial C}{\\partial w^l_{jk}}", pos)
    return Div(a, b)


def _differentiable(node: Node, pos: int, numerator: bool = False) -> Q:
    if isinstance(node, Q):
        return node
    if numerator and not isinstance(node, (Num, Var)):
        raise UnsupportedNotation("a derivative of an expression (the operator ∂/∂ applied to a sum "
                          "or product) is not read: only derivatives of a quantity", pos)
    named = f"{node.name} is defined nowhere as a quantity of the network (a cost is read " \
        "through its definition, as E = \\frac12 \\sum_k (t_k - o^L_k)^2); " \
        if isinstance(node, Var) else ""
    raise ParseError(f"{named}a derivative must be of and with respect to a quantity such as C, "
                     "z^l_j, a^l_j, w^l_{jk} or b^l_j", pos)


def _slashed(items: list) -> list:
    """`d a^l_j / d z^l_j` in a product: the four factors are one derivative, as \\frac is."""
    out = list(items)
    for i in range(len(out) - 3):
        a, x, b, y = out[i:i + 4]
        if (all(isinstance(t, Item) for t in (a, x, b, y)) and not x.op and b.op == "/"
                and not y.op and _differential(Mul(a.node, x.node))
                and _differential(Mul(b.node, y.node))):
            num = _differentiable(x.node, x.start, numerator=True)
            out[i:i + 4] = [Item(a.op, Deriv(num, _differentiable(y.node, y.start)),
                                 a.start, y.end)]
            return _slashed(out)
    return out


def _product(items: list, pos: int) -> Node:
    """Items of a product -> a left-associated tree; a \\sum takes the rest."""
    node: Node | None = None
    for i, item in enumerate(items):
        if isinstance(item, tuple) and item[0] == "sum":
            _, tok, (lo, hi) = item
            body_items = items[i + 1:]
            if not body_items:
                raise _fail("\\sum with nothing to sum", tok)
            first = body_items[0]
            if (isinstance(first, Item) and isinstance(first.node, _Braced) and not first.op
                    and isinstance(first.node.x, Add) and not isinstance(first.node.x.terms[0], Neg)):
                outside = [t for t in first.node.x.terms[1:] if lo and free(t)[lo[1]]]
                if outside:
                    raise ParseError(f"braces do not print: \\sum_{lo[1]}{{… + …}} reads as "
                                     f"\\sum_{lo[1]} … + …, where {lo[1]} in "
                                     f"{show(outside[0])} is bound by no sum; write "
                                     f"\\sum_{lo[1]} (… + …)", first.node.open)
                raise _Unbrace(first.node.open, first.node.close)
            body = _product(body_items, pos)
            if lo is None:
                if hi is not None:
                    raise _fail("\\sum needs its index: \\sum_k", tok)
                s = Sum(f"{BARE}{_start(tok)}", 1, None, body, lo_written=False)
            elif hi is not None and (letter := _bare_letter(hi[1])) is not None:
                if lo[2] != 1:
                    raise ParseError(f"a sum from {lo[2]} to {letter}: write its limits as "
                                     f"{lo[1]}=1 to the width n_{{layer}}", hi[1].pos)
                layer = limit_layer(lo[1], letter, body, hi[1].pos)
                # 1 to the width: the whole layer under any index base (as a bare \sum_i)
                s = Sum(lo[1], 1, None, body, lo_written=False, hi_name=letter,
                        hi_read=layer)
            else:
                s = Sum(lo[1], lo[2], _bound(hi[1]) if hi else None, body, lo_written=lo[4])
            return s if node is None else Mul(node, s)
        op, unit = item.op, item.node
        if isinstance(unit, _Braced):
            raise _unprinted(unit.open)
        if node is None:
            if op:
                raise ParseError(f"{op} with nothing before it", pos)
            node = unit
        elif op in ("\\odot", "\\circ", "⊙", "∘"):
            node = Had(node, unit)
        elif op == "/":
            node = _divide(node, unit, pos)
        else:
            node = Mul(node, unit)
    if node is None:
        raise ParseError("a product with nothing in it", pos)
    return node


def _bare_letter(sarg: _Sarg) -> str | None:
    """The letter of an upper limit written as one letter (n, m: `WIDTH_LETTERS`), not N,
    L or a layer's n_l."""
    if sarg.neg or len(sarg.items) != 1 or len(sarg.items[0]) != 1:
        return None
    atom = sarg.items[0][0][1]
    if isinstance(atom, Token) and atom.type == "LETTER" and str(atom) in WIDTH_LETTERS:
        return _letter(atom)
    return None


# letters an author names a width with; every other letter means something else here (L the
# depth, N the examples, x and y, C, e, d, f, g, the quantities and the index letters)
WIDTH_LETTERS = frozenset("nmpqrsKMPQRSH")


def _bound(sarg: _Sarg) -> Node:
    """The upper limit of a sum: n_{l+1}, n_l or a number."""
    if sarg.neg or len(sarg.items) != 1 or len(sarg.items[0]) != 1:
        raise ParseError("the upper limit of a sum must be n_{layer} or a number", sarg.pos)
    _, atom = sarg.items[0][0]
    if isinstance(atom, tuple) and atom[0] == "subbed" and str(atom[1]) == "n":
        return Width(_layer(atom[2]))
    if isinstance(atom, Token) and atom.type == "NUMBER":
        return Num(Fraction(int(atom)))
    if isinstance(atom, Token) and atom.type == "LETTER":
        raise ParseError(f"the upper limit {atom} of a sum is no width here ({atom} means "
                         "something else in this notation); write n_{layer}, a number, or n "
                         "or m for the width the index runs over", sarg.pos)
    raise ParseError("the upper limit of a sum must be n_{layer} (the width of a layer) or a "
                     "number", sarg.pos)


def _linear(item, pos: int) -> tuple[str | None, int]:
    """An item (l+1, (L-1), 2, j) -> (letter or None, integer offset)."""
    var, off = None, 0
    for sign, atom in item:
        s = -1 if sign in ("-", "−") else 1
        if isinstance(atom, list):
            v, o = _linear(atom, pos)
            if v is not None:
                if var is not None or s < 0:
                    raise ParseError("a layer or index must read like l, l+1, L-1 or 2", pos)
                var = v
            off += s * o
        elif isinstance(atom, Token) and atom.type == "NUMBER":
            if "." in str(atom):
                raise ParseError(f"a layer or index must be a whole number, got {atom}",
                                 _start(atom))
            off += s * int(atom)
        elif isinstance(atom, Token) and atom.type == "LETTER":
            if var is not None or s < 0:
                raise ParseError("a layer or index must read like l, l+1, L-1 or 2",
                                 _start(atom))
            var = _letter(atom)
        else:
            raise ParseError("a layer or index must read like l, l+1, L-1 or 2", pos)
    return var, off


def _is_transpose(item) -> bool:
    return (len(item) == 1 and isinstance(item[0][1], Token)
            and (item[0][1].type == "TOP" or str(item[0][1]) == "T"))


def _layer(sarg: _Sarg) -> Lay:
    if sarg.neg or len(sarg.items) != 1:
        raise ParseError("a layer must read like l, l+1, L-1 or 2", sarg.pos)
    var, off = _linear(sarg.items[0], sarg.pos)
    return Lay(var, off)


def _index_item(item, tok) -> Idx:
    if isinstance(item, Token):
        item = [("+", item)]
    var, off = _linear(item, getattr(tok, "start_pos", 0))
    return Idx(var, off)


def _indices(sarg: _Sarg, want: int) -> tuple[Idx, ...]:
    if sarg.neg:
        raise ParseError("a neuron index cannot be negative", sarg.pos)
    items = sarg.items
    # w^2_{13}: one number standing for two digits
    if (want == 2 and len(items) == 1 and len(items[0]) == 1 and isinstance(items[0][0][1], Token)
            and items[0][0][1].type == "NUMBER" and len(str(items[0][0][1])) == 2):
        d = str(items[0][0][1])
        return Idx(None, int(d[0])), Idx(None, int(d[1]))
    out = []
    for item in items:
        var, off = _linear(item, sarg.pos)
        out.append(Idx(var, off))
    return tuple(out)


def _power(sarg: _Sarg, pos: int) -> int:
    if len(sarg.items) == 1 and len(sarg.items[0]) == 1:
        atom = sarg.items[0][0][1]
        if isinstance(atom, Token) and atom.type == "NUMBER" and "." not in str(atom):
            return -int(atom) if sarg.neg else int(atom)
    raise ParseError("a power must be a whole number, as in (a^L_j - y_j)^2", pos)


def _letter_unit(tok: Token, sup: _Sarg | None, sub: _Sarg | None) -> Node:
    c = _letter(tok)
    if (str(tok) in ("\\delta", "δ") and sup is None and sub is not None
            and len(kron := _indices(sub, 2)) == 2):
        return Kron(kron)                       # δ_{ij}: no layer, two indices
    if tok.type == "GREEK" or c in QUANTITY_LETTERS:
        kind = "Δ" if tok.type == "GREEK" else QUANTITY_LETTERS[c]
        if sup is None:
            if sub is None and kind != "Δ":
                return Var(c)               # a bare z: the dummy of f(z) = z
            raise _fail(f"{_kind_name(kind)} needs its layer as a superscript, as in "
                        f"{_kind_name(kind)}^l_j", tok)
        transpose = len(sup.items) == 2 and _is_transpose(sup.items[1])
        if sup.neg or len(sup.items) != (2 if transpose else 1):
            raise _fail(f"the superscript of {_kind_name(kind)} must be its layer, as in "
                        f"{_kind_name(kind)}^{{l+1}}", tok)
        layer = Lay(*_linear(sup.items[0], sup.pos))
        want = 2 if kind == "w" else 1
        q: Q | Tr = Q(kind, layer, None)
        if transpose:
            q = Tr(q)
        if sub is None:
            return q
        idx = _indices(sub, want)
        if transpose:
            return At(q, idx)
        return Q(kind, layer, idx)
    if c in LAYERLESS:
        node = Q(c, None, None)
        if sub is not None:
            node = Q(c, None, _indices(sub, 1))
        return _scripted(node, sup, None, _start(tok))
    if c == "C":
        return _cost(tok, sup, sub)
    if c == "e":
        if sub is not None:
            raise _fail("e with a subscript", tok)
        if sup is None:
            return Func("exp", Num(Fraction(1)))
        return Func("exp", _exponent(sup))
    if c == "N":
        if sup is not None or sub is not None:
            raise _fail("N (the number of examples) takes no scripts", tok)
        return Const("N")
    if c == "n" and sub is not None and sup is None:
        return Width(_layer(sub))
    if sup is not None or sub is not None:
        raise UnsupportedNotation(f"{c} with scripts is not one of the quantities the checker knows "
                          f"(z, a, w, b, \\Delta, y, x, C)", _start(tok))
    return Var(c)


def _exponent(sarg: _Sarg) -> Node:
    if len(sarg.items) != 1:
        raise ParseError("an exponent must read like -z, z or 2", sarg.pos)
    terms: list[Node] = []
    for sign, atom in sarg.items[0]:
        t: Node
        if isinstance(atom, Token) and atom.type == "NUMBER":
            t = Num(Fraction(str(atom)))
        elif isinstance(atom, Token) and atom.type == "LETTER":
            t = Var(_letter(atom))
        else:
            raise ParseError("an exponent must read like -z, z or 2", sarg.pos)
        terms.append(Neg(t) if sign in ("-", "−") else t)
    node = terms[0] if len(terms) == 1 else Add(tuple(terms))
    return Neg(node) if sarg.neg else node


def _cost(tok, sup, sub, kind: str = "C") -> Node:
    if sub is not None:
        ok = (len(sub.items) == 1 and len(sub.items[0]) == 1
              and isinstance(sub.items[0][0][1], Token) and str(sub.items[0][0][1]) == "x")
        if not ok:
            raise _fail("the cost's subscript can only be x (the per-example cost C_x)", tok)
    node = Q(kind)
    if sup is not None:
        return Pow(node, _power(sup, tok.start_pos))
    return node


def _scripted(node: Node, sup: _Sarg | None, sub: _Sarg | None, pos: int) -> Node:
    """Scripts on a group, a call or y/x: ^T transposes, ^2 is a power, _{kj} indexes."""
    if sup is not None:
        if len(sup.items) == 1 and _is_transpose(sup.items[0]) and not sup.neg:
            node = Tr(node)
        elif (len(sup.items) == 1 and len(sup.items[0]) == 1
              and isinstance(sup.items[0][0][1], Token)
              and sup.items[0][0][1].type == "PRIMECMD"):
            raise ParseError("a prime on an expression: write f'(z)", pos)
        else:
            node = Pow(node, _power(sup, pos))
    if sub is not None:
        node = At(node, _indices(sub, 2))
    return node


def _kind_name(kind: str) -> str:
    return "\\Delta" if kind == "Δ" else kind
