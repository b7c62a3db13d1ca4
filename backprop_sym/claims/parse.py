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
read, and `Unsupported` for text that is not a claim it could check (prose, `\\dots`, an
inequality, a command it does not know); a caller skips those.

Numbers are read as TeX prints them (`1 2` and `1\\,000` are one number, `2^23` is 2^2 3).
`split_condition` cuts a row into its equations and a trailing `Condition` (`\\quad (l <
L)`), refusing any other trailing text. An equation longer than MAX_LENGTH characters,
with brackets nested deeper than MAX_NESTING or a tree deeper than MAX_DEPTH is refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (UnexpectedCharacters, UnexpectedEOF, UnexpectedInput,
                             UnexpectedToken, VisitError)

from .relations import RELATION, has_relation, masked, spans


class ParseError(ValueError):
    """Text that is not well-formed notation. `pos` is a 0-based offset into the text."""

    def __init__(self, message: str, pos: int, expected: list[str] | None = None):
        super().__init__(message)
        self.message, self.pos, self.expected = message, pos, expected or []


class Unsupported(ValueError):
    """Text that is not a claim the checker reads (prose, \\dots, an inequality...)."""

    def __init__(self, reason: str, pos: int = 0):
        super().__init__(reason)
        self.reason, self.pos = reason, pos


# ---------------------------------------------------------------- the AST

@dataclass(frozen=True)
class Lay:
    """A layer: var + off (l+1 -> ('l', 1); L-1 -> ('L', -1); 2 -> (None, 2))."""
    var: str | None
    off: int = 0


@dataclass(frozen=True)
class Idx:
    """A neuron index: a letter, a number, or letter + offset."""
    var: str | None
    off: int = 0


class Node:
    pass


@dataclass(frozen=True)
class Num(Node):
    value: Fraction


@dataclass(frozen=True)
class Const(Node):
    name: str                      # N, the number of examples


@dataclass(frozen=True)
class Var(Node):
    name: str                      # a bare letter: an index used as a value, or a dummy (f(z) = z)


@dataclass(frozen=True)
class Q(Node):
    """A quantity. idx None: the whole vector (matrix for w) of the layer."""
    kind: str                      # Δ z a b w y x, C (one example), 𝒞 (the average over N)
    layer: Lay | None = None
    idx: tuple[Idx, ...] | None = None


@dataclass(frozen=True)
class Kron(Node):
    """The Kronecker delta δ_{ij} (two lower indices, no layer): 1 when i = j, else 0."""
    idx: tuple[Idx, ...]


@dataclass(frozen=True)
class Width(Node):
    layer: Lay                     # n_l


@dataclass(frozen=True)
class Add(Node):
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Neg(Node):
    x: Node


@dataclass(frozen=True)
class Mul(Node):                   # juxtaposition, \cdot, \times: scalar or matrix product
    a: Node
    b: Node


@dataclass(frozen=True)
class Had(Node):                   # \odot
    a: Node
    b: Node


@dataclass(frozen=True)
class Div(Node):
    a: Node
    b: Node


@dataclass(frozen=True)
class Pow(Node):
    base: Node
    n: int


@dataclass(frozen=True)
class Tr(Node):                    # transpose
    x: Node


@dataclass(frozen=True)
class At(Node):                    # [M]_{kj}: an entry of a vector or matrix expression
    x: Node
    idx: tuple[Idx, ...]


@dataclass(frozen=True)
class Sum(Node):
    var: str
    lo: int
    hi: Node | None                # Width, Num, or None (inferred)
    body: Node


@dataclass(frozen=True)
class Call(Node):
    name: str                      # f or σ: the activation
    order: int                     # 0: f, 1: f'
    arg: Node


@dataclass(frozen=True)
class Func(Node):
    name: str                      # exp log tanh
    arg: Node


@dataclass(frozen=True)
class Deriv(Node):
    num: Q
    den: Q


@dataclass(frozen=True)
class Partial(Node):               # \partial X, before it meets its /
    x: Node


@dataclass
class Side:
    node: Node
    start: int
    end: int


@dataclass
class Relation:
    """The sides of one equation; `sides[0]` is None when the row starts with `=`."""
    sides: list[Side | None]
    rels: list[str]

    def claims(self) -> list[tuple[Node, Node]]:
        return [(a.node, b.node) for a, b in zip(self.sides, self.sides[1:]) if a and b]


QUANTITY_LETTERS = {"z": "z", "a": "a", "w": "w", "b": "b"}
LAYERLESS = {"y": "y", "x": "x"}


# ---------------------------------------------------------------- prescan

DOTS = ("dots", "cdots", "ldots", "vdots", "ddots", "dotsc", "dotsb", "dotsm")
RELATIONS = ("neq", "ne", "le", "leq", "ge", "geq", "approx", "propto", "sim", "simeq",
             "in", "to", "rightarrow", "Rightarrow", "implies", "iff", "leftarrow", "mapsto",
             "ll", "gg", "cong", "subset", "subseteq", "forall", "exists")
PROSE = ("text", "mbox", "textrm", "textit", "textbf", "hspace", "intertext")
KNOWN = {"Delta", "delta", "sum", "frac", "dfrac", "tfrac", "partial", "sigma", "prime", "top",
         "intercal", "odot", "circ", "cdot", "times", "mathcal", "exp", "log", "ln", "tanh",
         "ell", "quad", "qquad", "displaystyle", "textstyle",
         "limits", "nolimits", "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr",
         "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr"}
_COMMAND = re.compile(r"\\([a-zA-Z]+)")
_HARD_CUT = re.compile(r"\\(?:quad|qquad|text|mbox|textrm|textit|hspace|forall)(?![a-zA-Z])"
                       r"|\\[,;:]\s*\\(?:quad|qquad)(?![a-zA-Z])|\\\\|∀")
_SPACE = re.compile(r"\\(?:quad|qquad|[,;:])")
_OPERATOR = re.compile(r"\s*(?:[+\-−]|\\(?:cdot|times|odot)(?![a-zA-Z]))")
_RUN = re.compile(r"\s*(?:\\(?:quad|qquad)(?![a-zA-Z])|\\[,;:])")

MAX_LENGTH = 3000      # characters in one equation
MAX_NESTING = 60       # brackets inside one another
MAX_DEPTH = 100        # levels of the tree read: brackets, fractions, sums, factors


def check_size(text: str) -> None:
    """ParseError for an equation longer than MAX_LENGTH characters or with brackets
    nested deeper than MAX_NESTING: the checker reads neither (it would run out of time,
    memory or stack)."""
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the equation is {len(text)} characters long; the checker reads at "
                         f"most {MAX_LENGTH} characters in one equation", MAX_LENGTH)
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise ParseError(f"brackets nested more than {MAX_NESTING} deep; the checker "
                                 f"reads at most {MAX_NESTING} levels", i)
        elif ch in ")]}":
            depth -= 1


def split_condition(text: str) -> tuple[list[tuple[int, int]], Condition | None]:
    """Split a row into its equations and a trailing condition: the (start, end) of each
    equation ("a = b, \\qquad c = d" holds two) and the `Condition` after the last one, if
    any ("\\quad \\text{for } l < L", "(l < L)", "\\forall j", a row "\\\\ & j \\le n_L").
    Raises ParseError for an equation that is too long or too deeply nested, and for text
    after an equation that is neither an equation nor a condition `read_condition` reads
    (nothing after an equation is dropped)."""
    check_size(text)
    for at, after, hard in _cuts(text, 0):
        cond = read_condition(text, at)
        if cond is not None:
            return [(0, at)], cond
        if not hard:                                   # a , ; or ( that starts nothing
            continue
        following = next((c for c in _cuts(text, after) if c[2]), None)
        nxt = text[after:following[0] if following else len(text)]
        if not nxt.strip(" \t\n,;.") and not following:
            return [(0, at)], None                     # a trailing \qquad before nothing
        if not _is_equation(nxt):
            raise ParseError("text after the equation that is neither an equation nor a "
                             "condition the checker reads (such as \\quad \\text{for } l < L, "
                             "(l < L) or \\quad \\forall j)", at)
        segments, cond = split_condition(text[after:])     # the next equation on
        return [(0, at)] + [(after + a, after + b) for a, b in segments], cond and \
            Condition(cond.text, cond.pos + after, cond.comparisons, cond.quantified)
    return [(0, len(text))], None


def _cuts(text: str, start: int):
    r"""The top-level separators after the first relation after `start`, in order: (their
    start, where the rest begins, hard). Hard: \quad, \text, \forall, \\ (what follows is
    another equation or a condition); soft: , ; ( (a condition may follow)."""
    rel = RELATION.search(text, start)
    if rel is None:
        return
    text = masked(text)                 # (\stackrel{\text{def}}{=} cuts nothing)
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        top = depth == 0 and i >= rel.end()
        if top and ch == "\\":
            m = _HARD_CUT.match(text, i)
            if m:
                end = m.end()
                while (m2 := _RUN.match(text, end)) is not None:   # \quad\quad: one cut
                    end = m2.end()
                if not (_SPACE.match(m.group(0)) and _OPERATOR.match(text, end)):
                    yield i, end, True             # (\quad - y_j: a space in the sum)
                i = end
                continue
        elif top and ch == "∀":
            yield i, i + 1, True
        elif top and ch in ",;(":
            yield i, i + 1, False
        if ch == "\\":
            i += 2
            continue
        depth += ch in "([{"
        depth -= ch in ")]}"
        i += 1


# ---------------------------------------------------------------- conditions

@dataclass(frozen=True)
class Condition:
    """A condition after an equation, read: comparisons (term, op, term), a term being
    ("v", letter, offset) for l, L-1, j; ("n", Lay) for n_{l+1}; ("k", number); and the
    letters after \\forall. It narrows the instances: `admits` an assignment of the layer
    letters and indices (a comparison whose letters are not all assigned yet holds)."""
    text: str
    pos: int
    comparisons: tuple
    quantified: tuple[str, ...] = ()

    def letters(self) -> set[str]:
        out = set(self.quantified)
        for a, _, b in self.comparisons:
            for t in (a, b):
                if t[0] == "v" and t[1] != "L":
                    out.add(t[1])
                elif t[0] == "n" and t[1].var not in (None, "L"):
                    out.add(t[1].var)
        return out

    def admits(self, env: dict, L: int, widths) -> bool:
        def value(t):
            if t[0] == "k":
                return t[1]
            if t[0] == "v":
                return L + t[2] if t[1] == "L" else env[t[1]] + t[2] if t[1] in env else None
            lay = t[1]
            m = lay.off if lay.var is None else value(("v", lay.var, lay.off))
            return None if m is None else widths[m] if 0 <= m <= L else False
        for a, op, b in self.comparisons:
            x, y = value(a), value(b)
            if x is False or y is False:
                return False
            if x is not None and y is not None and not _COMPARE[op](x, y):
                return False
        return True


_COMPARE = {"<": lambda x, y: x < y, ">": lambda x, y: x > y, "<=": lambda x, y: x <= y,
            ">=": lambda x, y: x >= y, "=": lambda x, y: x == y, "!=": lambda x, y: x != y}
_OPS = {"<": "<", ">": ">", "=": "=", "≤": "<=", "≥": ">=", "≠": "!=", "\\le": "<=",
        "\\leq": "<=", "\\leqslant": "<=", "\\ge": ">=", "\\geq": ">=", "\\geqslant": ">=",
        "\\ne": "!=", "\\neq": "!="}
_CTOKEN = re.compile(
    r"(?P<space>\s+|\\[,;:! ]|~|&|\\\\(?:\*?\s*\[[^\]]*\])?"
    r"|\\(?:quad|qquad|displaystyle|textstyle|left|right|[bB]igg?[lr]?)(?![a-zA-Z]))"
    r"|\\(?:text|mbox|textrm|textit|mathrm)\s*\{(?P<words>[^{}$]*)\}"
    r"|(?P<forall>\\forall(?![a-zA-Z])|∀)"
    r"|(?P<dots>\\(?:dots|ldots|cdots|dotsc)(?![a-zA-Z])|\.\.\.|…)"
    r"|(?P<rel>\\(?:leqslant|geqslant|leq|geq|le|ge|neq|ne)(?![a-zA-Z])|[<>=≤≥≠])"
    r"|n_(?:\{(?P<wl>[^{}]*)\}|(?P<wc>[a-zA-Z0-9]))"
    r"|(?P<letter>\\ell(?![a-zA-Z])|ℓ|[a-zA-Z])"
    r"|(?P<num>[0-9]+)"
    r"|(?P<punct>[(),;.+\-−])")
_WORDS = {"for", "all", "each", "every", "any", "if", "when", "where", "with", "and", "i.e."}
_QUANTIFYING = {"all", "each", "every", "any"}


def is_condition(text: str) -> bool:
    """Is the whole text a condition `read_condition` reads?"""
    return read_condition(text, 0) is not None


def read_condition(text: str, at: int) -> Condition | None:
    """The condition text[at:] states, or None when it is not (all of it) one. Read:
    comparisons and chains of layers and indices (l < L, 1 \\le l \\le L-1, j \\le n_L,
    l \\ne L), ranges (l = 1, \\dots, L-1), \\forall j, k; with \\text{for}, \\text{for all},
    \\text{and}, commas, and one pair of brackets around."""
    toks: list[tuple[str | None, object, int, int]] = []
    for m in _CTOKEN.finditer(text, at):
        if m.start() != (toks[-1][3] if toks else at):
            return None
        if m.lastgroup == "space":
            toks.append(("space", "", m.start(), m.end()))
            continue
        if m.group("words") is not None:
            words = re.findall(r"[a-zA-Z.]+|[^\sa-zA-Z.]", m.group("words"))
            if any(w.lower().strip(".") not in _WORDS and w != "," for w in words):
                return None
            toks.append(("words", {w.lower() for w in words}, m.start(), m.end()))
        elif m.group("wl") is not None or m.group("wc") is not None:
            lay = _condition_layer(m.group("wl") if m.group("wl") is not None else m.group("wc"))
            if lay is None:
                return None
            toks.append(("width", lay, m.start(), m.end()))
        else:
            toks.append((m.lastgroup, m.group(0), m.start(), m.end()))
    if not toks or toks[0][2] != at or toks[-1][3] != len(text):
        return None
    toks = [t for t in toks if t[0] != "space"]
    try:
        return _Conditions(toks, text, at).read()
    except _NotACondition:
        return None


class _NotACondition(Exception):
    pass


def _condition_layer(s: str) -> Lay | None:
    m = re.fullmatch(r"\s*(\\ell|[a-zA-Z])?\s*(?:([+\-−])\s*([0-9]+))?\s*|\s*([0-9]+)\s*", s)
    if not m or not s.strip():
        return None
    if m.group(4):
        return Lay(None, int(m.group(4)))
    if not m.group(1):
        return None
    var = "l" if m.group(1) == "\\ell" else m.group(1)
    off = int(m.group(3)) * (-1 if m.group(2) in ("-", "−") else 1) if m.group(3) else 0
    return Lay(var, off)


class _Conditions:
    """A small reader over the tokens of a condition."""

    def __init__(self, toks, text, at):
        self.toks, self.i, self.text, self.at = toks, 0, text, at

    def peek(self, k=0):
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else (None, None, 0, 0)

    def take(self, kind=None, value=None):
        t = self.peek()
        if t[0] is None or (kind and t[0] != kind) or (value and t[1] != value):
            raise _NotACondition
        self.i += 1
        return t

    def skip_separators(self) -> set:
        words = set()
        while self.peek()[0] in ("words", "punct") and (self.peek()[0] == "words"
                                                        or self.peek()[1] in ",;"):
            t = self.take()
            if t[0] == "words":
                words |= t[1]
        return words

    def read(self) -> Condition:
        comparisons, quantified = [], []
        words = self.skip_separators()
        close = self.peek()[1] == "("
        if close:
            self.take()
        while True:
            words |= self.skip_separators()
            if self.peek()[0] == "forall" or words & _QUANTIFYING:
                if self.peek()[0] == "forall":
                    self.take()
                if self.peek(1)[0] != "rel":
                    quantified += self._letters()
                    words = set()
                    if not self._more(close):
                        break
                    continue
            comparisons += self._chain()
            words = set()
            if not self._more(close):
                break
        if close:
            self.take("punct", ")")
        while self.peek()[1] in (".", ",", ";"):
            self.take()
        if self.peek()[0] is not None or not (comparisons or quantified):
            raise _NotACondition
        shown = re.sub(r"^(?:\s|\\(?:quad|qquad)(?![a-zA-Z])|\\[,;:!\\]|[,;&])+", "",
                       self.text[self.at:]).strip()
        return Condition(" ".join(shown.split()), self.at, tuple(comparisons),
                         tuple(quantified))

    def _more(self, close: bool) -> bool:
        """After a clause: is another one coming (after , ; or \\text{and})?"""
        t, toks = self.peek(), self.toks
        if t[0] is None or (close and t[1] == ")") or t[1] == ".":
            return False
        if t[0] == "words" or t[1] in ",;":
            j = self.i
            while j < len(toks) and (toks[j][0] == "words" or toks[j][1] in ",;."):
                j += 1
            return j < len(toks) and not (close and toks[j][1] == ")")
        raise _NotACondition

    def _letters(self) -> list[str]:
        out = [self._letter()]
        while self.peek()[1] == "," and self.peek(1)[0] == "letter" and \
                self.peek(2)[0] != "rel":
            self.take()
            out.append(self._letter())
        return out

    def _letter(self) -> str:
        t = self.take("letter")
        return "l" if t[1] in ("\\ell", "ℓ") else t[1]

    def _term(self):
        t = self.peek()
        if t[0] == "num":
            self.take()
            return ("k", int(t[1]))
        if t[0] == "width":
            self.take()
            return ("n", t[1])
        var, off = self._letter(), 0
        if self.peek()[1] in ("+", "-", "−") and self.peek(1)[0] == "num":
            sign = -1 if self.take()[1] in ("-", "−") else 1
            off = sign * int(self.take("num")[1])
        return ("v", var, off)

    def _chain(self) -> list:
        first = self._term()
        op = _OPS[self.take("rel")[1]]
        second = self._term()
        if op == "=" and self.peek()[1] == "," and any(t[0] == "dots" for t in self.toks):
            while self.peek()[1] == "," and self.peek(1)[0] != "dots":   # l = 1, 2, \dots, L
                self.take()
                self._term()
            self.take("punct", ",")
            self.take("dots")
            self.take("punct", ",")
            return [(second, "<=", first), (first, "<=", self._term())]
        out = [(first, op, second)]
        while self.peek()[0] == "rel":
            op = _OPS[self.take()[1]]
            third = self._term()
            out.append((second, op, third))
            second = third
        return out


def _is_equation(text: str) -> bool:
    try:
        prescan(text)
    except Unsupported:
        return False
    return True


def prescan(text: str) -> None:
    """Raise Unsupported for text the checker does not read as a claim."""
    text = masked(text)                 # a relation is read whichever way it is spelled
    if "..." in text or "…" in text:
        raise Unsupported("a step with ..., not a claim about specific quantities", text.find("."))
    for m in _COMMAND.finditer(text):
        name = m.group(1)
        if name in DOTS:
            raise Unsupported(f"a step with \\{name}, not a claim about specific quantities",
                              m.start())
        if name == "in":
            raise Unsupported("uses \\in (as in \\sum_{x \\in X}), which the checker does not "
                              "read: write \\sum_x for the sum over the examples", m.start())
        if name in RELATIONS:
            raise Unsupported(f"not an equality (uses \\{name})", m.start())
        if name in PROSE:
            raise Unsupported(f"contains prose (\\{name})", m.start())
        if name not in KNOWN:
            raise Unsupported(f"uses \\{name}, which the checker does not read", m.start())
    euler = re.search(r"(?<![\\a-zA-Z])e\s*\(", text)
    if euler:
        raise Unsupported("e(…) is a function the document names (as in e(n) = y(n) - d(n)), "
                          "not Euler's number", euler.start())
    inequality = re.search(r"[<>≤≥≈≠∝]", text)
    if inequality:
        raise Unsupported(f"not an equality (uses {inequality.group(0)})", inequality.start())
    if not has_relation(text):
        raise Unsupported("no '=' in it: not a claim", 0)


# ---------------------------------------------------------------- parsing

@lru_cache(maxsize=1)
def parser() -> Lark:
    grammar = (Path(__file__).with_name("grammar.lark")).read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=True)


def parse(text: str) -> Relation:
    """One equation (or align row) -> its Relation. Raises ParseError or Unsupported."""
    check_size(text)
    comma = re.search(r"[0-9]\s*\{,\}\s*[0-9]", text)
    if comma:
        raise ParseError(f"'{comma.group(0)}': a decimal comma or a thousands separator? "
                         f"write the number with a point (1.5) or whole (1000)", comma.start())
    prescan(text)
    try:
        tree = parser().parse(masked(text))
    except UnexpectedInput as err:
        raise _explain(err, text) from None
    try:
        rel = _Build(text).transform(tree)
    except VisitError as err:
        if isinstance(err.orig_exc, (ParseError, Unsupported)):
            raise err.orig_exc from None
        raise
    for side in rel.sides:
        if side is not None and _depth(side.node) > MAX_DEPTH:
            raise ParseError(f"the equation nests more than {MAX_DEPTH} levels deep (each "
                             f"bracket, fraction, sum and factor of a product is a level); "
                             f"the checker reads at most {MAX_DEPTH}", side.start)
    return rel


def _depth(node: Node) -> int:
    """The depth of a tree, without recursion."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        n, d = stack.pop()
        deepest = max(deepest, d)
        stack += [(c, d + 1) for c in _children(n)]
    return deepest


_NAMES = {"REL": "'='", "PLUS": "'+'", "MINUS": "'-'", "MULOP": "an operator (\\cdot, \\odot)",
          "SUM": "\\sum", "PARTIAL": "\\partial", "GREEK": "\\Delta", "FN": "f",
          "FUNC": "\\exp", "FRAC": "\\frac", "DIGIT": "a digit", "LETTER": "a letter",
          "NUMBER": "a number", "TOP": "\\top", "PRIMECMD": "\\prime", "PRIME": "'",
          "_MATHCAL": "\\mathcal", "_SUP": "'^'", "_SUB": "'_'", "_LPAR": "'('",
          "_RPAR": "')'", "_LBRACK": "'['", "_RBRACK": "']'", "_LBRACE": "'{'",
          "_RBRACE": "'}'", "_COMMA": "','", "_DOT": "'.'", "_SEMI": "';'",
          "$END": "the end of the equation"}
_TERM_START = {"LETTER", "NUMBER", "GREEK", "FN", "_LPAR", "FRAC", "SUM", "PARTIAL"}


def _describe(expected) -> list[str]:
    names = set(expected)
    out = []
    if len(names & _TERM_START) >= 4:
        out.append("a term (a letter, a number, \\Delta, f(...), (...), \\frac, \\sum)")
        names -= _TERM_START | {"_LBRACK", "_LBRACE", "_MATHCAL", "FUNC", "MINUS"}
    out += sorted(_NAMES.get(n, n) for n in names)
    return out


def _explain(err: UnexpectedInput, text: str) -> ParseError:
    if isinstance(err, UnexpectedToken) and err.token.type == "$END":
        pos, found = len(text.rstrip()), "the end of the equation"
        expected = _describe(err.expected)
    elif isinstance(err, UnexpectedToken):
        pos, found = err.token.start_pos, f"'{err.token}'"
        expected = _describe(err.expected)
    elif isinstance(err, UnexpectedCharacters):
        pos = err.pos_in_stream  # type: ignore[assignment]  # lark types it None
        m = _COMMAND.match(text, pos)
        found = f"'{m.group(0) if m else text[pos]}'"
        expected = _describe(err.allowed or [])
    elif isinstance(err, UnexpectedEOF):
        pos, found = len(text.rstrip()), "the end of the equation"
        expected = _describe(err.expected)
    else:                                   # pragma: no cover - lark's other errors
        pos, found, expected = 0, "?", []
    msg = f"unexpected {found}"
    if expected:
        msg += "; expected " + (expected[0] if len(expected) == 1 else
                                "one of: " + ", ".join(expected))
    return ParseError(msg, pos, expected)


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
        return _product(_numbers(list(items), self.text), meta.start_pos)

    @v_args(meta=True, inline=True)
    def plain(self, meta, unit):
        return _Item("", unit, meta.start_pos, meta.end_pos)

    @v_args(meta=True, inline=True)
    def opunit(self, meta, op, unit):
        return _Item(str(op), unit, op.end_pos, meta.end_pos)

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
        return ("lo", _letter(letter), start, letter)

    def hi(self, sarg):
        return ("hi", sarg)

    def partial(self, tok, unit):
        return Partial(unit)

    # ------------------------------------------------ bases
    def mathcal(self, letter):
        if str(letter) == "C":
            return ("cost", letter, "𝒞")
        raise Unsupported(f"\\mathcal{{{letter}}} is not a quantity the checker knows",
                          letter.start_pos)

    @v_args(meta=True, inline=True)
    def group(self, meta, side):
        if self.text[meta.start_pos] == "{" and isinstance(side.node, (Add, Neg)):
            raise ParseError("braces do not print: {a - b} shows as a - b, so it cannot group "
                             "a sum or a sign; write (a - b)", meta.start_pos)
        return ("group", side.node, side.start)

    def frac(self, tok, a, b):
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
            raise Unsupported("a second derivative f'' is not a claim the checker reads",
                              toks[0].start_pos)
        return n

    def func(self, tok, side):
        name = {"\\exp": "exp", "\\log": "log", "\\ln": "log", "\\tanh": "tanh"}[str(tok)]
        return ("value", Func(name, side.node), tok)

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
        if kind == "cost":
            return _cost(base[1], sup, sub, base[2])
        node = base[1]
        if kind == "group" or kind == "value":
            return _scripted(node, sup, sub, base[2] if kind == "group" else base[2].start_pos)
        raise AssertionError(kind)  # pragma: no cover


def _no_partial(node: Node, pos: int) -> None:
    if isinstance(node, Partial):
        raise ParseError("\\partial outside a derivative: write \\frac{\\partial C}{\\partial w} "
                         "or \\partial C / \\partial w", pos)
    for child in _children(node):
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
        raise Unsupported("a derivative of an expression (the operator ∂/∂ applied to a sum "
                          "or product) is not read: only derivatives of a quantity", pos)
    raise ParseError("a derivative must be of and with respect to a quantity such as C, "
                     "z^l_j, a^l_j, w^l_{jk} or b^l_j", pos)


@dataclass
class _Item:
    """One factor of a product, with the operator before it ("" for juxtaposition) and
    where its unit stands in the text."""
    op: str
    node: Node
    start: int
    end: int

    def text(self, text: str) -> str:
        return text[self.start:self.end].strip()


_NUMERAL = re.compile(r"(?:[0-9.{}\s]|\\[,!])*[0-9](?:[0-9.{}\s]|\\[,!])*")
_THIN = re.compile(r"(?:\s|\\[,!])*")          # what TeX prints as no gap, or a thin one


def _numbers(items: list, text: str) -> list:
    """Numbers side by side read as TeX prints them: `1 2`, `{1}{2}`, `1\\,000` are one
    number; digits beside digits any other way (`1\\;2`, `1 2^2`) or beside a fraction
    of numbers (`1\\frac12`, a mixed number or a product?) are refused."""
    out: list = []
    for item in items:
        prev = out[-1] if out and isinstance(out[-1], _Item) else None
        if not isinstance(item, _Item) or prev is None or item.op:
            out.append(item)
            continue
        a, b = prev.text(text), item.text(text)
        a_num = isinstance(prev.node, Num) and _NUMERAL.fullmatch(a)
        b_digit = re.match(r"[{\s]*[0-9]", b)
        if a_num and isinstance(item.node, Num) and _NUMERAL.fullmatch(b):
            gap = text[prev.end:item.start]
            if not _THIN.fullmatch(gap):
                raise ParseError(f"two numbers with a space between ('{a}{gap}{b}'): TeX prints "
                                 f"neither one number nor a product; write {a}{b} or "
                                 f"{a} \\cdot {b}", item.start)
            digits = re.sub(r"[^0-9.]", "", text[prev.start:item.end])
            if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", digits):
                raise ParseError(f"'{text[prev.start:item.end].strip()}' is not a number",
                                 prev.start)
            out[-1] = _Item(prev.op, Num(Fraction(digits)), prev.start, item.end)
        elif a_num and b_digit:
            raise ParseError(f"a number right after a number ('{a} {b}' prints as one number "
                             f"{a}{b}); write the number whole, or {a} \\cdot {b}", item.start)
        elif (a_num and _numeric_fraction(item.node)) or (_numeric_fraction(prev.node)
                                                          and b_digit):
            raise ParseError(f"a number beside a fraction of numbers ('{a} {b}') reads as a "
                             f"mixed number or as a product; write + or \\cdot between them",
                             item.start)
        else:
            out.append(item)
    return out


def _numeric_fraction(node: Node) -> bool:
    return isinstance(node, Div) and isinstance(node.a, Num) and isinstance(node.b, Num)


def _product(items: list, pos: int) -> Node:
    """Items of a product -> a left-associated tree; a \\sum takes the rest."""
    node: Node | None = None
    for i, item in enumerate(items):
        if isinstance(item, tuple) and item[0] == "sum":
            _, tok, (lo, hi) = item
            body_items = items[i + 1:]
            if not body_items:
                raise _fail("\\sum with nothing to sum", tok)
            if lo is None:
                raise _fail("\\sum needs its index: \\sum_k", tok)
            body = _product(body_items, pos)
            hi_node = _bound(hi[1]) if hi else None
            s = Sum(lo[1], lo[2], hi_node, body)
            return s if node is None else Mul(node, s)
        op, unit = item.op, item.node
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


def _bound(sarg: _Sarg) -> Node:
    """The upper limit of a sum: n_{l+1}, n_l or a number."""
    if sarg.neg or len(sarg.items) != 1 or len(sarg.items[0]) != 1:
        raise ParseError("the upper limit of a sum must be n_{layer} or a number", sarg.pos)
    _, atom = sarg.items[0][0]
    if isinstance(atom, tuple) and atom[0] == "subbed" and str(atom[1]) == "n":
        return Width(_layer(atom[2]))
    if isinstance(atom, Token) and atom.type == "NUMBER":
        return Num(Fraction(int(atom)))
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
        raise Unsupported(f"{c} with scripts is not one of the quantities the checker knows "
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


# ---------------------------------------------------------------- traversal

def _children(node: Node) -> list[Node]:
    if isinstance(node, Add):
        return list(node.terms)
    if isinstance(node, (Neg, Tr)):
        return [node.x]
    if isinstance(node, (Mul, Had, Div)):
        return [node.a, node.b]
    if isinstance(node, Pow):
        return [node.base]
    if isinstance(node, At):
        return [node.x]
    if isinstance(node, Sum):
        return [node.body] + ([node.hi] if node.hi is not None else [])
    if isinstance(node, (Call, Func)):
        return [node.arg]
    if isinstance(node, Deriv):
        return [node.num, node.den]
    if isinstance(node, Partial):
        return [node.x]
    return []


def children(node: Node) -> list[Node]:
    return _children(node)


def walk(node: Node):
    yield node
    for c in _children(node):
        yield from walk(c)


# ---------------------------------------------------------------- printing

def show_layer(lay: Lay) -> str:
    if lay.var is None:
        return str(lay.off)
    if lay.off == 0:
        return lay.var
    return f"{lay.var}{'+' if lay.off > 0 else '-'}{abs(lay.off)}"


def show_index(i: Idx) -> str:
    return show_layer(Lay(i.var and i.var.split("#")[0], i.off))


def _script(s: str) -> str:
    return s if len(s) == 1 else "{" + s + "}"


def _idx_text(idx: tuple[Idx, ...]) -> str:
    parts = [show_index(i) for i in idx]
    sep = "," if any(len(p) > 1 for p in parts) else ""
    return sep.join(parts)


def show_quantity(q: Q) -> str:
    if q.kind in ("C", "𝒞"):
        return q.kind
    out = q.kind
    if q.layer is not None:
        out += "^" + _script(show_layer(q.layer))
    if q.idx:
        out += "_" + _script(_idx_text(q.idx))
    return out


_PREC = {Add: 1, Neg: 1, Mul: 2, Had: 2, Div: 2, Sum: 2}


def show(node) -> str:
    """The plain-text reading of a node or a claim (lhs, rhs), e.g. to echo what was read."""
    if isinstance(node, tuple):
        return f"{show(node[0])} = {show(node[1])}"
    if isinstance(node, Num):
        v = node.value
        return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
    if isinstance(node, (Const, Var)):
        return node.name
    if isinstance(node, Q):
        return show_quantity(node)
    if isinstance(node, Width):
        return "n_" + _script(show_layer(node.layer))
    if isinstance(node, Add):
        out = show(node.terms[0])
        for t in node.terms[1:]:
            out += f" - {_wrap(t.x, 2)}" if isinstance(t, Neg) else f" + {_wrap(t, 1)}"
        return out
    if isinstance(node, Neg):
        return "-" + _wrap(node.x, 2)
    if isinstance(node, Mul):
        return f"{_wrap(node.a, 2)} {_wrap(node.b, 2, right=True)}"
    if isinstance(node, Had):
        return f"{_wrap(node.a, 3)} ⊙ {_wrap(node.b, 3)}"
    if isinstance(node, Div):
        return f"{_wrap(node.a, 2)}/{_wrap(node.b, 3)}"
    if isinstance(node, Pow):
        return f"{_wrap(node.base, 3)}^{node.n}"
    if isinstance(node, Tr):
        inner = show(node.x)
        simple = isinstance(node.x, (Var, Num)) or (isinstance(node.x, Q) and node.x.layer is None)
        return f"{inner}^T" if simple else f"({inner})^T"
    if isinstance(node, At):
        return f"[{show(node.x)}]_" + _script(_idx_text(node.idx))
    if isinstance(node, Sum):
        var = node.var.split("#")[0]
        lim = var if node.hi is None and node.lo == 1 else (
            "{" + f"{var}={node.lo}" + "}" + ("^" + _script(show(node.hi)) if node.hi else ""))
        body = show(node.body)
        if isinstance(node.body, (Add, Mul, Had, Div, Neg)):
            body = f"({body})"
        return f"Σ_{lim} {body}"
    if isinstance(node, Call):
        return f"{node.name}{chr(39) * node.order}({show(node.arg)})"
    if isinstance(node, Func):
        return f"{node.name}({show(node.arg)})"
    if isinstance(node, Deriv):
        return f"∂{show(node.num)}/∂{show(node.den)}"
    if isinstance(node, Kron):
        return "δ_" + _script(_idx_text(node.idx))
    if isinstance(node, Partial):
        return f"∂{show(node.x)}"
    raise TypeError(node)  # pragma: no cover


def _wrap(node, prec: int, right: bool = False) -> str:
    p = _PREC.get(type(node), 3)
    if isinstance(node, Sum) and right:
        return show(node)
    return f"({show(node)})" if p < prec or (isinstance(node, Sum) and not right) else show(node)
