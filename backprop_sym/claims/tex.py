"""Macro expansion as TeX does it: by tokens, not by text, and bounded.

TeX reads `\\partial#1` with #1 = `C` as the two tokens `\\partial` and `C`: the
expansion written back as text must keep them apart (`\\partial C`, not the one control
word `\\partialC`). `expand` replaces each call of a macro by its body (arguments put in
token by token), expands the result again, and keeps the map to the text as written
(`rewrite.Mapped`: every character of an expansion maps to the start of its call).
A macro that expands into itself without end, or expansions that grow without end, raise
`ExpansionError` with a sentence naming the macro, never loop.

`KNOWN_COMMANDS` / `unknown_command`: the commands of LaTeX, amsmath and MathJax/KaTeX,
so that a command that is none of these and that the document does not define is named
as an undefined macro (to be supplied with `--macros FILE`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from .rewrite import Mapped, argument

MAX_DEPTH = 40           # macros expanding inside one another
MAX_EXPANSIONS = 5000    # calls expanded in one display
MAX_LENGTH = 20000       # characters of one display after expansion

_CONTROL = re.compile(r"\\(?:([a-zA-Z]+)|.)", re.S)
_ENDS_WITH_WORD = re.compile(r"(\\+)[a-zA-Z]+$")


@dataclass
class Macro:
    name: str                      # without the backslash
    nargs: int
    body: str
    default: str | None = None     # of the first argument, when it is optional
    unread: str | None = None      # why a use of it is not read (it has no meaning here)


class ExpansionError(ValueError):
    """The macros of a row cannot be expanded: why, in one sentence."""


def ends_with_word(text: str) -> bool:
    """text ends with a control word (`\\alpha`), so a letter after it would join it."""
    m = _ENDS_WITH_WORD.search(text)
    return m is not None and len(m.group(1)) % 2 == 1


def join(left: str, right: str) -> str:
    """left + right, with a space where a control word at the end of left would otherwise
    swallow the letters at the start of right."""
    if right[:1].isalpha() and right[:1].isascii() and ends_with_word(left):
        return left + " " + right
    return left + right


def substitute(mac: Macro, args: list[str]) -> str:
    """The body of `mac` with its parameters #1…#9 replaced by `args`, token by token
    (`##` is a `#`)."""
    out = ""
    i, body = 0, mac.body
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            m = _CONTROL.match(body, i)
            assert m is not None
            out = join(out, m.group(0))
            i = m.end()
            continue
        if ch == "#" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "#":
                out += "#"
                i += 2
                continue
            if nxt.isdigit() and 1 <= int(nxt) <= len(args):
                out = join(out, args[int(nxt) - 1])
                i += 2
                continue
        out = join(out, ch)
        i += 1
    return out


class _Budget:
    def __init__(self) -> None:
        self.calls = 0
        self.chars = 0        # characters substituted in all


def _call(text: str, start: int, name: str, macros: Mapping[str, Macro], stack: tuple[str, ...],
          budget: _Budget) -> tuple[str, int]:
    """The expansion of the call of \\name at text[start:] and the offset after the call
    (its arguments read)."""
    mac = macros[name]
    if mac.unread:
        raise ExpansionError(mac.unread)
    if len(stack) >= MAX_DEPTH:
        again = next((s for s in stack if stack.count(s) > 1), name)
        raise ExpansionError(f"the macro \\{again} expands into itself without end (more than "
                             f"{MAX_DEPTH} macros inside one another): TeX would loop, and "
                             f"the row is not read")
    budget.calls += 1
    if budget.calls > MAX_EXPANSIONS:
        raise ExpansionError(f"expanding the macros of the display takes more than "
                             f"{MAX_EXPANSIONS} steps (\\{name} does not end): not read")
    at = start + 1 + len(name)
    args: list[str] = []
    if mac.default is not None:
        opt = re.match(r"\s*\[([^\]]*)\]", text[at:])
        if opt:
            args.append(opt.group(1))
            at += opt.end()
        else:
            args.append(mac.default)
    while len(args) < mac.nargs:
        got = argument(text, at)
        if got is None:
            raise ExpansionError(f"\\{name} takes {mac.nargs} argument(s) and is given "
                                 f"{len(args)} here: the row is not read")
        args.append(got[0])
        at = got[1]
    body = substitute(mac, args)
    budget.chars += len(body)
    if budget.chars > MAX_LENGTH * 10 or len(body) > MAX_LENGTH:
        raise ExpansionError(f"expanding \\{name} gives more than {MAX_LENGTH} characters "
                             f"(it grows without end): not read")
    body = _expand(body, macros, stack + (name,), budget)
    if text[max(start - 1, 0):start] in ("^", "_") and start > 0:
        body = "{" + body + "}"                 # a macro in a script is one group
    return body, at


def _expand(text: str, macros: Mapping[str, Macro], stack: tuple[str, ...],
            budget: _Budget) -> str:
    out, i = "", 0
    for m in _CONTROL.finditer(text):
        if m.start() < i or m.group(1) not in macros:
            continue
        body, at = _call(text, m.start(), m.group(1), macros, stack, budget)
        out = join(join(out, text[i:m.start()]), body)
        i = at
        if len(out) > MAX_LENGTH:
            raise ExpansionError(f"expanding \\{m.group(1)} gives more than {MAX_LENGTH} "
                                 f"characters: not read")
    return join(out, text[i:])


def expand(m: Mapped, macros: Mapping[str, Macro]) -> Mapped:
    """`m` with every call of `macros` expanded (ExpansionError when that does not end);
    the characters of an expansion map to the start of its call."""
    if not macros or "\\" not in m.text:
        return m
    budget = _Budget()
    edits: list[tuple[int, int, str]] = []
    last_end, tail = 0, ""
    total = len(m.text)
    for hit in _CONTROL.finditer(m.text):
        if hit.start() < last_end or hit.group(1) not in macros:
            continue
        body, at = _call(m.text, hit.start(), hit.group(1), macros, (), budget)
        before = m.text[last_end:hit.start()] if hit.start() > last_end else tail
        if body[:1].isalpha() and ends_with_word(before):
            body = " " + body
        if ends_with_word(body) and m.text[at:at + 1].isalpha():
            body += " "                         # \foo x: a command does not eat the letter
        edits.append((hit.start(), at, body))
        total += len(body) - (at - hit.start())
        if total > MAX_LENGTH:
            raise ExpansionError(f"expanding \\{hit.group(1)} gives more than {MAX_LENGTH} "
                                 f"characters: not read")
        last_end, tail = at, body
    return m.edit(edits) if edits else m


def commands(text: str) -> list[tuple[int, str]]:
    """(offset, name) of every control word of text."""
    return [(m.start(), m.group(1)) for m in _CONTROL.finditer(text) if m.group(1)]


# commands of LaTeX, amsmath and MathJax/KaTeX that pylatexenc's tables leave out
_MORE = """par bm boldsymbol pmb operatorname operatorname* cal space boxed left right middle tag
nonumber notag dfrac tfrac cfrac binom dbinom tbinom genfrac displaystyle textstyle scriptstyle
scriptscriptstyle limits nolimits lbrack rbrack sech csch argmin argmax begin end bf it rm sf tt
pmatrix bmatrix vmatrix Bmatrix Vmatrix matrix smallmatrix cases big Big bigg Bigg bigl bigr
Bigl Bigr biggl biggr Biggl Biggr phantom vphantom hphantom smash mathop mathrel mathbin
mathord mathopen mathclose mathpunct mathinner overset underset stackrel implies impliedby iff
coloneqq eqqcolon coloneq eqcolon vcentcolon det tr Tr arg sgn sign diag cr hline hbox mbox
mspace mkern kern mskip hskip enspace thinspace negthinspace negmedspace negthickspace
medspace thickspace colon neg land lor ne triangle Re Im imath jmath Bbb def gdef edef xdef let
newcommand renewcommand providecommand DeclareMathOperator require unicode class cssId style
href substack atop over choose brace brack sideset lg coth Pr gcd deg dim hom ker mod bmod pmod
displaylines raisebox fbox framebox cancel bcancel xcancel cancelto checkmark ddagger S P Box
Diamond newline linebreak allowbreak displaybreak intertext shortintertext part relu ReLU
softmax max min lim sup inf exp log ln tanh sinh cosh sin cos tan sigma prime partial frac sum
prod nabla odot circ cdot times top intercal quad qquad ell Delta delta mathcal mathbf mathrm
mathit mathbb mathscr mathfrak mathsf mathtt textcolor color underline overline underbrace
overbrace text textrm textit textbf label eqref ref hat tilde bar vec dot ddot widehat
widetilde leq geq neq le ge approx equiv propto sim simeq in notin to rightarrow Rightarrow
leftarrow Leftarrow mapsto forall exists cdots ldots vdots ddots dots dotsc dotsb dotsm dotsi
infty lVert rVert lvert rvert Vert vert langle rangle lfloor rfloor lceil rceil
pdv dv fdv odv dd qty pqty bqty Bqty vqty abs norm eval order vb va vu vectorbold vectorarrow
vectorunit grad curl divergence laplacian bra ket braket expval mel diffp diff deriv pderiv
IEEEeqnarray multlined dcases rcases newif iftrue iffalse fi ifx relax noexpand expandafter
mathds mathbbm bold bm boldmath unboldmath underbar overrightarrow widebar""".split()


@lru_cache(maxsize=1)
def known_commands() -> frozenset[str]:
    """The commands of LaTeX, amsmath and MathJax/KaTeX (pylatexenc's tables and more)."""
    names = set(_MORE)
    try:
        from pylatexenc import latex2text, latexwalker
        for db in (latexwalker.get_default_latex_context_db(),
                   latex2text.get_default_latex_context_db()):
            names.update(spec.macroname for spec in db.iter_macro_specs())
    except ImportError:                  # pragma: no cover - a dependency
        pass
    return frozenset(names)


def unknown_command(text: str, defined: Mapping[str, object] = {}) -> str | None:
    """The first command of text that is neither defined (`defined`) nor a command of
    LaTeX, amsmath or MathJax: a macro of a style file the document does not include."""
    known = known_commands()
    for _, name in commands(text):
        if name not in known and name not in defined:
            return name
    return None
