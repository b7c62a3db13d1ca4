"""A display's rows and alignment columns, as TeX lays them out: which text is one equation.

A display body is cut into rows at `\\\\` (`documents` reads the displays); each row is cut
at its `&`s into columns, by the environment that owns them:

- align, flalign, alignat, xalignat (and aligned, alignedat, split inside): columns come in
  pairs (right-aligned, left-aligned); `a &= b & c &= d` is two equations, and `&&` starts a
  pair after an empty one. A pair whose two columns each hold an equation
  (`z = Wa + b, & a = f(z)`) is two equations.
- eqnarray, IEEEeqnarray: the three columns `a &=& b` are one equation.
- equation, gather, multline, `$$`, `\\[` (and gathered inside) have no columns: a `&`
  there is an error in TeX, and the row is not read. An environment inside `$$` (MathJax's
  `$$\\begin{align}…\\end{align}$$`) owns its own `&`s.
The `&` of a matrix, an array or `cases` is the matrix's own; a `&` that only places a nested
block (`&\\begin{aligned}`) cuts nothing: the block's own `&`s do.

Beside its equation, a column holding only a label (`(2)`, `\\text{(2)}`, `(BP1)`,
`\\quad (2)`, `\\text{eq. 3}`, a bare number) is not part of any equation; a condition
(`& j \\le n_L`, `&& \\text{for } l = L`) is the condition of the equation before it; any
other column beside an equation makes the row unread (`Piece.skip`). From row to row: a row
that is a condition is the condition of the row before (its `\\\\` kept); a row with no
relation continues the row before (a right-hand side broken over lines); a row holding only
a label after an equation makes it unread (an equation number or a factor?).
`\\tag`, `\\label`, `\\nonumber`, `\\notag`, the inner environments' delimiters and the `&`s
are blanked with spaces: a Piece's text has the length of the body it was cut from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .conditions import is_condition
from .relations import ends_with_relation, has_relation, starts_with_relation

PAIRED = frozenset({"align", "flalign", "alignat", "xalignat", "xxalignat", "aligned",
                    "alignedat", "split"})
THREE = frozenset({"eqnarray", "IEEEeqnarray"})
INNER = ("aligned", "split", "gathered", "alignedat", "multlined")
MATRICES = ("array", "matrix", "bmatrix", "pmatrix", "vmatrix", "Vmatrix", "Bmatrix",
            "smallmatrix", "cases", "subarray", "dcases", "rcases")

ENVS = ("equation", "align", "gather", "multline", "eqnarray", "flalign", "displaymath",
        "math", "alignat", "xalignat", "xxalignat", "dmath", "IEEEeqnarray")
_MARKUP = re.compile(
    r"\\tag\*?\{[^{}]*\}|\\label\{[^{}]*\}|\\nonumber\b|\\notag\b"
    r"|\\(?:begin|end)\{(?:" + "|".join(INNER + ENVS) + r")\*?\}(?:\{[^}]*\})?")
_MATRIX = re.compile(r"\\(begin|end)\{(?:" + "|".join(MATRICES) + r")\*?\}")
_ENV = re.compile(r"\\(begin|end)\{([a-zA-Z]+)\*?\}")
_PLACES_BLOCK = re.compile(r"\s*\\begin\{(?:" + "|".join(INNER) + r")\*?\}")  # &\begin{aligned}
_CONDITION_START = re.compile(r"\s*(?:\\text|\\mbox|\(|\\forall|∀|\\q?quad)")

_SPACING = r"(?:\s|~|\\(?:q?quad|[,;:! ]|hfill|hspace\*?\{[^{}]*\})(?![a-zA-Z]))*"
_WORD = r"(?:[Ee]q(?:n|uation)?|[Rr]ule|[Ss]tep|[Nn]o)\.?\s*"
_TOKEN = (r"(?:[A-Za-z]{0,4}\s*[0-9]+(?:[.\-][0-9]+)*[a-z]?'?|[a-z]|[ivxIVX]{1,5}|\*{1,3}"
          r"|[A-Za-z]{1,4}[0-9]+)")
_TEXT = r"\\(?:text|textrm|textbf|textit|textnormal|mbox|mathrm|mathbf|textsf|emph)\s*"
_LABEL_IN = rf"\s*(?:{_WORD})?(?:\(\s*{_TOKEN}\s*\)|\[\s*{_TOKEN}\s*\]|{_TOKEN})\s*"
_LABEL_CORE = (rf"\(\s*(?:{_WORD})?{_TOKEN}\s*\)|\[\s*{_TOKEN}\s*\]"
               rf"|(?:{_WORD})?[0-9]+(?:[.\-][0-9]+)*[a-z]?|[A-Za-z]{{1,4}}[0-9]+"
               rf"|{_TEXT}\{{{_LABEL_IN}\}}|\(\s*{_TEXT}\{{{_LABEL_IN}\}}\s*\)")
_LABEL = re.compile(rf"{_SPACING}(?:{_TEXT}\{{\s*{_WORD}\}}{_SPACING})?(?:{_LABEL_CORE})"
                    rf"{_SPACING}[,.;]?{_SPACING}")


@dataclass(frozen=True)
class UnreadSide:
    """The last side of a row that could not be read (at `line`): a row continuing it
    (`&= …`) "continues an unread row", and is never checked against a side before the gap."""
    line: int


def is_label(text: str) -> bool:
    """Is the text only an equation label: (2), \\text{(2)}, (BP1), \\quad (2), 2, eq. 3?"""
    return _LABEL.fullmatch(text) is not None


@dataclass
class Piece:
    """One equation of a display body: body[start:end] as `text` (the same length, with
    markup, `&`s and joined lines blanked), or why it is not read."""
    start: int
    end: int
    edits: list[tuple[int, str]] = field(default_factory=list)   # (offset, text over it)
    skip: str | None = None
    error: str | None = None
    text: str = ""


def split_rows(body: str) -> list[tuple[int, int]]:
    """(start, end) of each `\\\\`-separated row of `body`, at brace depth 0 and outside
    matrices."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(body):
        ch = body[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif (m := _MATRIX.match(body, i)) is not None:
            depth += 1 if m.group(1) == "begin" else -1
            i = m.end()
            continue
        elif body.startswith("\\\\", i) and depth == 0:
            out.append((start, i))
            j = i + 2
            m = re.match(r"\*?\s*\[[^\]]*\]", body[j:])     # \\[2pt]
            if m:
                j += m.end()
            start = i = j
            continue
        elif ch == "\\":
            i += 2
            continue
        i += 1
    out.append((start, len(body)))
    return out


def ampersands(body: str, env: str) -> dict[int, str]:
    """The offset of each alignment `&` of the body and the environment that owns it (the
    display's own, or an aligned/split/gathered inside); a matrix's `&`s are left out."""
    stack, out, i = [env.rstrip("*")], {}, 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            m = _ENV.match(body, i)
            if m is None:
                i += 2
                continue
            name = m.group(2)
            if name in MATRICES or name in INNER or name in ENVS:   # $$\begin{align}: MathJax
                if m.group(1) == "begin":
                    stack.append(name)
                elif len(stack) > 1:
                    stack.pop()
            i = m.end()
            continue
        if ch == "&" and stack[-1] not in MATRICES and not _PLACES_BLOCK.match(body, i + 1):
            out[i] = stack[-1]
        i += 1
    return out


def _columns(s: int, e: int, amps: list[int]) -> list[tuple[int, int]]:
    cuts = [s - 1] + amps + [e]
    return [(a + 1, b) for a, b in zip(cuts, cuts[1:])]


def _segments(blanked: str, s: int, e: int, amps: dict[int, str]) -> list[tuple[int, int]]:
    """The equations' spans of one row (s, e), by its columns."""
    mine = sorted(p for p in amps if s <= p < e)
    if not mine:
        return [(s, e)]
    cols = _columns(s, e, mine)
    if amps[mine[0]] in THREE:
        return [(cols[0][0], cols[min(2, len(cols) - 1)][1])] + cols[3:]
    out = []
    for k in range(0, len(cols), 2):
        left, right = cols[k], cols[k + 1] if k + 1 < len(cols) else None
        if right is None:
            out.append(left)
            continue
        r, l_text = blanked[right[0]:right[1]], blanked[left[0]:left[1]]
        if has_relation(l_text) and has_relation(r) and not starts_with_relation(r) \
                and not ends_with_relation(l_text):
            out += [left, right]            # z = Wa + b, & a = f(z): two equations
        else:
            out.append((left[0], right[1]))
    joined: list[tuple[int, int]] = []
    for a, b in out:          # a && b &= c: the side b and the pair after it, one equation
        if joined and starts_with_relation(blanked[a:b]) and blanked[slice(*joined[-1])].strip() \
                and not has_relation(blanked[slice(*joined[-1])]) \
                and not is_label(blanked[slice(*joined[-1])]) and len(joined) > 1:
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    return joined


def pieces(body: str, env: str) -> list[Piece]:
    """The equations of a display body (see the module's docstring), in order."""
    amps = ampersands(body, env)
    blanked = _MARKUP.sub(lambda m: " " * len(m.group(0)), body)
    blanked = re.sub(r"(?<!\\)&", " ", blanked)
    out: list[Piece] = []
    several = False                         # the row before holds several equations
    for s, e in split_rows(blanked):
        if not blanked[s:e].strip():
            continue
        owners = {amps[p] for p in amps if s <= p < e}
        if owners - PAIRED - THREE:
            bad = sorted(owners - PAIRED - THREE)[0]
            out.append(Piece(s, e, error=f"a & in {bad}, which has no alignment columns "
                                         "(TeX stops: misplaced alignment tab character &)"
                                         "; the row is not read"))
            several = False
            continue
        first, made = True, 0
        for a, b in _segments(blanked, s, e, amps):
            t = blanked[a:b]
            if not t.strip():
                continue
            if is_label(t):
                if first and out and not out[-1].error:
                    out[-1].skip = (f"a line holding only '{' '.join(t.split())}' after the "
                                    "equation: an equation number or a factor? (write "
                                    "\\tag{…} for a number): not read")
                first = False
                continue
            if out and not out[-1].error and is_condition(t) and (
                    not has_relation(t) or _CONDITION_START.match(t)):
                if not first:                       # the column beside it: cut with a comma
                    amp = max((p for p in amps if out[-1].end <= p < a), default=None)
                    if amp is not None:
                        out[-1].edits.append((amp, ","))
                out[-1].end = b                     # (on a row of its own its \\ stays)
            elif out and not out[-1].error and not has_relation(t) and first:
                gap = out[-1].end
                out[-1].edits.append((gap, " " * (a - gap)))   # a line broken: joined
                out[-1].end = b
            elif out and not first and not has_relation(t):
                out[-1].skip = (f"the column '{' '.join(t.split())[:60]}' beside the "
                                "equation is neither an equation, a condition nor a label:"
                                " not read")
                out[-1].end = b
            else:
                piece = Piece(a, b)
                if first and several and starts_with_relation(t):
                    piece.skip = ("continues a row holding several equations: which one it "
                                  "continues is not read")
                out.append(piece)
                made += 1
            first = False
        several = made > 1
    for p in out:
        if p.error is None:
            text = blanked[p.start:p.end]
            for at, over in p.edits:
                k = at - p.start
                text = text[:k] + over + text[k + len(over):]
            p.text = text
    return out
