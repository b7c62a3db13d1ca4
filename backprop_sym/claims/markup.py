"""Spellings and markup that do not change the mathematics, read through.

Three tables, applied before any notation is read (`notation.normalize` calls `read_through`):

- spellings (MathJax/KaTeX/TeX write the same thing several ways): `\\part` is `\\partial`;
  `\\space`, `\\thinspace`, `\\enspace`, `\\!`, `~` are spaces; `\\sigma\\prime` (a prime
  written as a command right after its function) is `\\sigma'`; `{\\cal X}` and
  `\\mathscr{X}` are `\\mathcal{X}`; `\\operatorname{tanh}` is `\\tanh` (for the functions
  TeX itself names); `\\text{.}` is the punctuation it holds; a control space `\\ `
  (as `\\\\\\` + newline leaves) is a space.
- discourse around an equation: a row starting with `\\Rightarrow`, `\\therefore` or a word
  in `\\text` (`Similarly,`), not a condition word (for, if, where), is read from its
  equation; `=: X` naming what precedes it is dropped.
- read-through wrappers: bold (`\\mathbf`, `\\bm`, `\\boldsymbol`, nested), `\\boxed`,
  `\\underline`, `\\textcolor{c}{x}`, `\\colorbox{c}{x}`, `{\\color{c} x}`, `\\bbox[…]{x}`,
  `\\underbrace{x}_{label}` and `\\overbrace{x}^{label}` (the label dropped, as is a binding
  `=:X` written in it). The body is kept inside braces, which do not print, so a body that
  is a sum is refused where braces cannot group it, as the author's printed text would be
  ambiguous there; a body holding a relation (`\\boxed{a = b}`) or one token is kept bare.

Nothing else is rewritten here: names (which letter is the cost, the layer) belong to
`notation` and the bindings.
"""
from __future__ import annotations

import re

from .relations import RELATION
from .rewrite import Mapped, argument, group_end

# ---------------------------------------------------------------- spellings

_FUNCTIONS = ("exp", "log", "ln", "tanh", "sinh", "cosh", "sin", "cos", "max", "min")
_SPELLINGS: list[tuple[re.Pattern[str], str]] = [(re.compile(p), r) for p, r in [
    (r"\\part(?![a-zA-Z])", r"\\partial"),
    (r"\\(?:text|mbox|textrm|mathrm)\s*\{\s*([.,;:])\s*\}", r" \1"),     # \text{.}: punctuation
    (r"\\(?:space|thinspace|medspace|thickspace|enspace|nobreakspace|negthinspace"
     r"|negmedspace|negthickspace)(?![a-zA-Z])|\\!|(?<!\\)~", " "),
    # a prime written as a command after its function (not in a superscript): \sigma\prime
    (r"(?<=[a-zA-Z])\s*\\prime(?![a-zA-Z])", "'"),
    (r"\{\s*\\cal\s*([A-Za-z])\s*\}|\\cal\s*([A-Za-z])(?![a-zA-Z])"
     r"|\\mathscr\s*\{\s*([A-Za-z])\s*\}", r"\\mathcal{\1\2\3}"),
    (r"\\operatorname\*?\s*\{\s*(" + "|".join(_FUNCTIONS) + r")\s*\}", r"\\\1"),
]]
# (the \mathcal{\1\2\3} template: two of the three groups are empty)

# ---------------------------------------------------------------- wrappers

# command -> the number of arguments before the body (a colour, a label box's options)
_WRAPPERS = {"mathbf": 0, "bm": 0, "boldsymbol": 0, "pmb": 0, "mathbfit": 0, "boxed": 0,
             "underline": 0, "textcolor": 1, "colorbox": 1, "fcolorbox": 2,
             "underbrace": 0, "overbrace": 0, "bbox": 0}
_WRAPPER = re.compile(r"\\(" + "|".join(_WRAPPERS) + r")(?![a-zA-Z])")
_LABEL = {"underbrace": "_", "overbrace": "^"}
_COLOR_SWITCH = re.compile(r"\\color\s*\{[^{}]*\}")
_ONE_TOKEN = re.compile(r"\s*(?:\\[a-zA-Z]+|[a-zA-Z0-9])\s*'*\s*")


def read_through(m: Mapped) -> Mapped:
    """The text with every wrapper read through and the spellings above replaced."""
    m = m.sub(_COLOR_SWITCH, " ")
    for _ in range(_PASSES):                 # one wrapper a pass, bounded
        edit = _unwrap_one(m.text)
        if edit is None:
            break
        m = m.edit([edit])
    for pattern, repl in _SPELLINGS:
        m = m.sub(pattern, repl)
    m = m.sub(_CONTROL_SPACE, lambda g: g.group(1) + " ")
    m = m.sub(_NAMED_AFTER, " ")
    lead = _DISCOURSE.match(m.text)
    if lead and RELATION.search(m.text, lead.end()) and \
            not (lead.group("words") and _CONDITION_WORD.search(lead.group("words"))):
        m = m.edit([(0, lead.end(), " " * (lead.end() - lead.start()))])
    return m


# a control space `\ ` (a backslash before a space or a line end: `\\\` + newline leaves
# one), as opposed to the `\\` of a row break: an odd run of backslashes
_CONTROL_SPACE = re.compile(r"(?<!\\)((?:\\\\)*)\\(?=[ \t\n])")
# `=: X` after an expression names it (a binding the reader may drop, as the label of an
# underbrace): `\frac{\partial C}{\partial z} =: \delta`
_NAMED_AFTER = re.compile(r"=:\s*(?:\\[a-zA-Z]+|[A-Za-z])"
                          r"(?:\s*[\^_]\s*(?:\{[^{}]*\}|\\[a-zA-Z]+|\w))*")
# discourse before the equation of a row: \Rightarrow, \implies, \therefore, or a word
# in \text (Similarly, Hence, Thus), not one that may start a condition (for, if, where)
_DISCOURSE = re.compile(r"\s*(?:\\(?:Rightarrow|Longrightarrow|implies|therefore|hence)"
                        r"(?![a-zA-Z])|\\(?:text|textrm|mbox)\s*\{\s*(?P<words>(?:similarly|likewise|"
                        r"hence|thus|so|therefore|then|also|and|now|finally|next|again|"
                        r"consequently|in particular|that is|i\.e\.)\s*[,.:;]?)\s*\})\s*", re.I)
_CONDITION_WORD = re.compile(r"\b(?:for|if|when|where|with|all|each|every|any|unless|"
                             r"provided|given)\b", re.IGNORECASE)


_PASSES = 24


def _plain(text: str) -> str:
    """read_through of a wrapper's body (nested wrappers), as text."""
    for _ in range(_PASSES):
        edit = _unwrap_one(text)
        if edit is None:
            break
        text = text[:edit[0]] + edit[2] + text[edit[1]:]
    return text


def _unwrap_one(text: str) -> tuple[int, int, str] | None:
    """The edit reading through the first wrapper that can be read, or None."""
    for hit in _WRAPPER.finditer(text):
        name = hit.group(1)
        i = hit.end()
        if name == "bbox":                                # \bbox[options]{x}
            opt = re.match(r"\s*\[[^\]]*\]", text[i:])
            i += opt.end() if opt else 0
        for _ in range(_WRAPPERS[name]):
            arg = argument(text, i)
            if arg is None:
                break
            i = arg[1]
        body_at = _skip_space(text, i)
        if body_at >= len(text) or text[body_at] != "{":
            continue              # \bm x: one token, read by the notation's own rule
        end = group_end(text, body_at)
        if end is None:
            return None
        body = text[body_at + 1:end - 1]
        stop = end
        if name in _LABEL:
            label = re.match(r"\s*" + re.escape(_LABEL[name]) + r"\s*", text[end:])
            if label:
                lab = argument(text, end + label.end())
                if lab is not None:
                    stop = lab[1]
                    after = _skip_space(text, stop)
                    if lab[0].startswith("\\") and text[after:after + 1] == "{":
                        stop = group_end(text, after) or stop     # _\text{the error}
        return hit.start(), stop, _kept(_plain(body))
    return None


def _kept(body: str) -> str:
    """The body of a wrapper as it is read: bare when it is one token or holds a relation
    (a whole equation boxed), in braces otherwise (braces do not print: `parse` reads them
    as a group only where that is unambiguous)."""
    if _ONE_TOKEN.fullmatch(body) or RELATION.search(body):
        return f" {body} "
    return "{" + body + "}"


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n":
        i += 1
    return i
