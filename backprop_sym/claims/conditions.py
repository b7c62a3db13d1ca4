"""The condition after an equation, read: `\\quad (l < L)`, `\\forall j`, `1 \\le l \\le L-1`.

`split_condition` cuts a row into its equations and a trailing `Condition`, refusing any
other trailing text; `read_condition` reads one, `is_condition` asks whether a text is one.
A Condition narrows the instances a claim is checked at (`admits`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ParseError, UnsupportedNotation
from .prescan import check_size, is_equation, prescan
from .relations import RELATION, has_relation, masked
from .tree import Lay

_HARD_CUT = re.compile(r"\\(?:text|mbox|textrm)\s*\{\s*(?:and|where|since|because|hence|thus"
                       r"|so|i\.e\.)\s*[,:]?\s*\}"
                       r"|\\(?:quad|qquad|text|mbox|textrm|textit|hspace|forall)(?![a-zA-Z])"
                       r"|\\[,;:]\s*\\(?:quad|qquad)(?![a-zA-Z])|\\\\|∀")
_PROSE = re.compile(r"\\(?:text|mbox|textrm|textit)")
_SPACE = re.compile(r"\\(?:quad|qquad|[,;:])")
_OPERATOR = re.compile(r"\s*(?:[+\-−]|\\(?:cdot|times|odot)(?![a-zA-Z]))")
_RUN = re.compile(r"\s*(?:\\(?:quad|qquad)(?![a-zA-Z])|\\[,;:])")
_JOIN = re.compile(r"(?:\s*(?:\\[,;: ]|~|\\(?:quad|qquad)(?![a-zA-Z])))+")
_CONDITION_LIKE = re.compile(r"\s*(?:\\(?:text|mbox|textrm|textit|forall)(?![a-zA-Z])|\(|∀)")


def _own_claim(text: str) -> bool:
    """Is text after a hard cut an equation of its own that is not read for its notation
    (`\\quad \\frac{\\partial z}{\\partial w} = \\operatorname{diag}(…)`)? It is then a claim
    of its own, which says why it is not read; text that may be a condition (prose, a
    bracket, \\forall, an inequality, a range with \\dots) is not."""
    if not has_relation(text) or _CONDITION_LIKE.match(text):
        return False
    try:
        prescan(text)
    except UnsupportedNotation as err:
        return err.reason.startswith("uses \\") and not err.reason.startswith("uses \\in ")
    return True


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
        if at == after:                                # prose that is not a connective
            raise ParseError("text after the equation that is neither an equation nor a "
                             "condition the checker reads (words such as 'unless', 'with', "
                             "'then' may change what it says; the checker reads \\quad "
                             "\\text{for } l < L, (l < L), \\quad \\forall j, and "
                             "\\text{and}, \\text{so} or \\text{where} between equations)", at)
        following = next((c for c in _cuts(text, after) if c[2]), None)
        nxt = text[after:following[0] if following else len(text)]
        if not nxt.strip(" \t\n,;.") and not following:
            return [(0, at)], None                     # a trailing \qquad before nothing
        if _HARD_CUT.match(text, len(text) - len(text[after:].lstrip())):
            continue                                   # \quad \text{where}: one cut
        if not is_equation(nxt) and not _own_claim(nxt):
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
            if m and _PROSE.fullmatch(m.group(0)):     # other words: part of what follows
                yield i, i, True
                i = m.end()
                continue
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
        elif top and ch in ",;" and (space := _JOIN.match(text, i + 1)) is not None:
            yield i, space.end(), True             # a = b,\; c = d: two equations
            i = space.end()
            continue
        elif top and ch in ",;(":
            yield i, i + 1, False
        if ch == "\\":
            i += 2
            continue
        depth += ch in "([{"
        depth -= ch in ")]}"
        i += 1



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
            for t in (a, *b[1:]) if b[0] == "pair" else (a, b):
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
            if op == "between":                        # l = L-1, \dots, 1 (ends not ordered)
                x, lo, hi = value(a), value(b[1]), value(b[2])
                if False in (x, lo, hi):
                    return False
                if None not in (x, lo, hi) and not min(lo, hi) <= x <= max(lo, hi):
                    return False
                continue
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


def range_comparisons(var, listed: list, last) -> list:
    """The comparisons of `var = a, b, \\dots, z` (listed: a, b, ...): the same set whichever
    way it is written. The order is that of its first two terms when they are comparable
    (1, 2, \\dots: ascending; L-1, L-2, \\dots: descending), else that of its ends read for a
    large network (L-1 above 1, n_l above 1); ends that cannot be ordered (l and L) give
    every value between them, whichever is larger (`admits`: op "between")."""
    step = _order(listed[0], listed[1]) if len(listed) > 1 else None
    order = step if step is not None else _order(listed[0], last)
    if order is None:
        return [(var, "between", ("pair", listed[0], last))]
    lo, hi = (listed[0], last) if order < 0 else (last, listed[0])
    return [(lo, "<=", var), (var, "<=", hi)]


def _order(a, b) -> int | None:
    """-1 when term a is below b in a large network, 1 above, None when that is not known
    (or they are equal): numbers by value; l-1 and l+1, L and L-1 by their offsets; two
    widths unordered; a letter or a width above every number."""
    def key(t):
        if t[0] == "k":
            return (None, t[1])
        if t[0] == "v":
            return (("v", t[1]), t[2])
        return (("n", t[1].var), t[1].off) if t[1].var is not None else (None, None)
    (ka, oa), (kb, ob) = key(a), key(b)
    if oa is None or ob is None:
        return None
    if ka == kb and ka is not None and ka[0] == "n":
        return None                                   # n_l and n_{l+1}: widths unordered
    if ka == kb:
        return None if oa == ob else (-1 if oa < ob else 1)
    if ka is None or kb is None:
        if ka is not None and ka[0] == "n" or kb is not None and kb[0] == "n":
            return -1 if ka is None else 1            # n_l above a number
        if (ka or kb)[0] == "v":
            return -1 if ka is None else 1            # L-1 above a number
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
            listed = [second]
            while self.peek()[1] == "," and self.peek(1)[0] != "dots":   # l = 1, 2, \dots, L
                self.take()
                listed.append(self._term())
            self.take("punct", ",")
            self.take("dots")
            self.take("punct", ",")
            return range_comparisons(first, listed, self._term())
        out = [(first, op, second)]
        while self.peek()[0] == "rel":
            op = _OPS[self.take()[1]]
            third = self._term()
            out.append((second, op, third))
            second = third
        return out
