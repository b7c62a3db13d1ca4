"""The macros and environments a LaTeX document defines, in the order it defines them.

Read: `\\newcommand`, `\\renewcommand`, `\\providecommand`, `\\DeclareRobustCommand` (with
arguments, and a default for the first: `[2][x]`), `\\def`, `\\gdef`, `\\edef`, `\\xdef`
(`\\def\\name#1#2{…}`, also of a TeX primitive such as `\\par`; an `\\edef` body is expanded
where it is defined), `\\let\\a\\b` (or `\\let\\a=\\b`: \\a means what \\b means there) and
`\\DeclareMathOperator` (an operator named exp, log, ln or tanh reads as that function;
any other name has no meaning for the checker, and a row using it says so).
`\\newenvironment` and `\\NewEnviron` whose begin holds a display (`\\begin{equation}`,
`\\[`, `$$`) make a display environment of their own. Definitions in a Markdown page's
`$$…$$` block count like those of a preamble. A definition holds from where it is made
(`Definitions.at`) to the end of the TeX group it is made in (`scopes`: in a LaTeX document
braces, \\begingroup…\\endgroup, \\bgroup…\\egroup, \\left…\\right and every environment or
math display; in a Markdown or HTML page, as MathJax reads it, only the braces and
\\begingroup/\\bgroup of one display), unless it is global (\\gdef, \\xdef, \\global\\def…);
definitions given from outside the document (`--macros FILE`, `read_given`) hold from its
start. Expansion itself (by tokens, bounded) is `tex`'s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .rewrite import Mapped, argument, group_end, matched
from .tex import ExpansionError, Macro, expand

__all__ = ["Definitions", "ExpansionError", "Macro", "blank_definitions", "definitions",
           "read_given"]

_DEFINE = re.compile(r"\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand)\*?\s*"
                     r"|\\[gex]?def\s*(?=\\)|\\let\s*(?=\\)|\\DeclareMathOperator\*?\s*"
                     r"|\\(?:re)?newenvironment\*?\s*|\\NewEnviron\s*")
_DISPLAY_IN = re.compile(r"\\begin\{(equation|align|gather|multline|eqnarray|flalign|alignat|"
                         r"displaymath)\*?\}|\\\[|\$\$")
_FUNCTIONS = {"exp", "log", "ln", "tanh"}
_GLOBAL = re.compile(r"\\global\s*(?:\\(?:long|protected|outer)\s*)*$")
_GROUP = re.compile(r"\\(?P<word>begingroup|endgroup|bgroup|egroup|left|right)(?![a-zA-Z@])"
                    r"|\\(?P<env>begin|end)\s*\{[^{}]*\}|\\[\[\]()]|\\[a-zA-Z@]+|\\.|\$\$|\$|[{}]")
_OPEN = {"{": "{", "\\bgroup": "{", "\\begingroup": "bg", "\\left": "left", "begin": "env",
         "\\[": "[", "\\(": "("}
_CLOSE = {"}": "{", "\\egroup": "{", "\\endgroup": "bg", "\\right": "left", "end": "env",
          "\\]": "[", "\\)": "("}
_BRACES = {"{", "bg"}                 # the groups of a Markdown page's display (MathJax)
_NEVER = 1 << 62                      # the end of a global definition's scope
_LET = re.compile(r"\s*(\\(?:[a-zA-Z]+|.))\s*=?\s*(\\(?:[a-zA-Z]+|.)|[^\s\\{}])")


@dataclass
class Definitions:
    macros: dict[str, Macro] = field(default_factory=dict)        # as at the end
    environments: dict[str, str] = field(default_factory=dict)   # name -> the display inside
    # (offset, macro, end of its scope) in order; every macro ever defined is in `macros`
    history: list[tuple[int, Macro, int]] = field(default_factory=list)
    local: set[int] = field(default_factory=set)   # where a definition not global is made

    def define(self, offset: int, mac: Macro, end: int = _NEVER) -> None:
        self.macros[mac.name] = mac
        self.history.append((offset, mac, end))

    def at(self, offset: int) -> dict[str, Macro]:
        """The macros in force at `offset`: defined before it, in a group not yet closed
        there (a later definition replaces an earlier)."""
        return {mac.name: mac for where, mac, end in self.history if where < offset < end}

    def expand(self, m: Mapped, offset: int | None = None) -> Mapped:
        """m with the macros defined before `offset` (default: all) expanded, by tokens;
        ExpansionError (naming the macro) when that does not end."""
        macros = self.macros if offset is None else self.at(offset)
        return expand(m, macros) if macros else m

    def changes(self, start: int, stop: int) -> list[int]:
        """The offsets strictly between `start` and `stop` where a definition is made or
        a definition's group closes, in order."""
        return sorted({p for where, _, end in self.history for p in (where, end)
                       if start < p < stop})

    def expand_from(self, m: Mapped, start: int) -> Mapped:
        """m, written from offset `start` on (m.origin counts from there), with the macros
        in force at each of its points expanded: a definition made inside m (or a group
        closing in it) changes the macros from there on. ExpansionError as `expand`."""
        cuts = [p - start for p in self.changes(start, start + len(m.text))]
        if not cuts:
            return self.expand(m, start)
        text, origin = [], []
        for a, b in zip([0] + cuts, cuts + [len(m.text)]):
            piece = Mapped(m.text[a:b], m.origin[a:b])
            macros = self.at(start + a + 1 if a else start)
            done = expand(piece, macros) if macros else piece
            text.append(done.text)
            origin += done.origin
        return Mapped("".join(text), origin)

    def localize(self, text: str, offset: int) -> None:
        """Scope the definitions made in `text` (at `offset`: one display of a Markdown
        page) by its brace groups, as MathJax does; \\gdef and \\global ones stay."""
        mine = [k for k, (where, _, _) in enumerate(self.history)
                if where in self.local and offset <= where < offset + len(text)]
        ends = scopes(text, [self.history[k][0] - offset for k in mine], _BRACES)
        for k, close in zip(mine, ends):
            if close is not None:
                where, mac, _ = self.history[k]
                self.history[k] = (where, mac, offset + close)

    def including(self, given: "Definitions | None") -> "Definitions":
        """These definitions after `given` ones (which hold from the start)."""
        if given is None or not (given.macros or given.environments):
            return self
        out = Definitions(dict(given.macros), dict(given.environments),
                          [(-1, mac, _NEVER) for mac in given.macros.values()])
        for where, mac, end in self.history:
            out.define(where, mac, end)
        out.environments.update(self.environments)
        return out


def scopes(text: str, points: list[int], kinds: set[str] | None = None) -> list[int | None]:
    """For each offset of `points` (in order), where the innermost TeX group of `text`
    holding it closes (None: in no group). The groups are all kinds, or those of `kinds`:
    "{" braces and \\bgroup, "bg" \\begingroup, "left", "env" any environment, "[" "(" "$"
    "$$" maths. A closer that closes no open group of its kind is ignored; one that closes
    an outer group closes the inner ones with it; a group never closed ends with the text."""
    stack: list[tuple[str, int]] = []              # (kind, group number)
    close: list[int] = []                          # group number -> where it closes
    inside: list[int | None] = []                  # point -> its innermost group's number
    k = 0
    for m in _GROUP.finditer(text):
        while k < len(points) and points[k] <= m.start():
            inside.append(stack[-1][1] if stack else None)
            k += 1
        tok = m.group("env") or m.group(0)
        if tok in ("$", "$$"):
            what = tok if stack and stack[-1][0] == tok else None
            opened = None if what else tok
        else:
            what, opened = _CLOSE.get(tok), _OPEN.get(tok)
        if kinds is not None:
            what = what if what in kinds else None
            opened = opened if opened in kinds else None
        if opened:
            stack.append((opened, len(close)))
            close.append(len(text))
        elif what and any(kind == what for kind, _ in stack):
            while True:
                kind, number = stack.pop()
                close[number] = m.start()
                if kind == what:
                    break
    inside += [stack[-1][1] if stack else None] * (len(points) - k)
    return [None if g is None else close[g] for g in inside]


def blank_definitions(text: str) -> str:
    """The text with every definition blanked (same length): the displays inside a
    \\newenvironment's begin are no displays of the document."""
    out, at = [], 0
    for m in _DEFINE.finditer(text):
        if m.start() < at:
            continue
        end, n = m.end(), 0
        if m.group(0).startswith("\\let"):
            let = _LET.match(text, end)
            end = let.end() if let else end
        else:
            while n < 4 and (head := re.match(r"\s*(?:\\[a-zA-Z]+|\\.|\[[^\]]*\]|(?:#[1-9])+)",
                                              text[end:])):
                end += head.end()
                n += 1
            while (got := _braced(text, end)) is not None:
                end = got
        out.append(text[at:m.start()] + re.sub(r"[^\n]", " ", text[m.start():end]))
        at = end
    return "".join(out) + text[at:]


def _braced(text: str, at: int) -> int | None:
    """The offset past a braced argument at text[at] (spaces first), or None."""
    try:
        got = argument(text, at)
    except (TypeError, AttributeError):          # a lone backslash: no argument
        return None
    return got[1] if got is not None and text[at:got[1]].lstrip().startswith("{") else None


def _argument(text: str, at: int) -> tuple[str, int]:
    """The argument at text[at] and the offset after it; TypeError when there is none."""
    got = argument(text, at)
    if got is None:
        raise TypeError("no argument")
    return got


def _group_end(text: str, start: int) -> int:
    """The offset past the group opened at text[start]; TypeError when it is not closed."""
    end = group_end(text, start)
    if end is None:
        raise TypeError("no closing brace")
    return end


def definitions(text: str, given: Definitions | None = None,
                latex: bool = True) -> Definitions:
    """The macros and environments `text` (comments blanked) defines, in order, after the
    `given` ones: a later definition of a name replaces an earlier one from where it is
    made to the end of the group it is made in (unless it is global). `latex` False (a
    Markdown or HTML page): no group is known yet; the definitions not global are noted
    (`local`) for `Definitions.localize` to scope by the braces of their display."""
    out = Definitions().including(given)
    found = list(_DEFINE.finditer(text))
    ends = scopes(blank_definitions(text), [m.start() for m in found]) if latex else []
    for n, m in enumerate(found):
        kind = m.group(0).strip()
        at = m.end()
        glob = kind[:3] in ("\\gd", "\\xd") or \
            _GLOBAL.search(text, max(0, m.start() - 60), m.start()) is not None
        close = ends[n] if ends and not glob else None
        scope = _NEVER if close is None else close
        if not glob and not latex:
            out.local.add(m.start())
        try:
            if re.match(r"\\[gex]?def", kind):
                head = matched(r"\\([a-zA-Z]+|[^a-zA-Z\s])", text[at:])
                params = matched(r"((?:#[1-9])*)\s*\{", text[at + head.end():])
                start = at + head.end() + params.end() - 1
                end = _group_end(text, start)
                body = text[start + 1:end - 1]
                if kind[1] in "ex":                   # \edef, \xdef: expanded now
                    body = out.expand(Mapped.of(body), m.start()).text
                out.define(m.start(), Macro(head.group(1), len(params.group(1)) // 2, body),
                           scope)
            elif kind.startswith("\\let"):
                let = matched(_LET.pattern, text[at:])
                name, meaning = let.group(1)[1:], let.group(2)
                old = out.at(m.start()).get(meaning[1:]) if meaning.startswith("\\") else None
                out.define(m.start(), Macro(name, old.nargs, old.body, old.default, old.unread)
                           if old else Macro(name, 0, meaning), scope)
            elif "Environ" in kind or "environment" in kind:
                name, at = _argument(text, at)
                nargs = re.match(r"\s*\[(\d)\]", text[at:])
                if nargs:
                    at += nargs.end()
                begin, at = _argument(text, at)
                shown = _DISPLAY_IN.search(begin)
                if shown:
                    out.environments[name.strip()] = shown.group(1) or "equation"
            elif "DeclareMathOperator" in kind:
                name, at = _argument(text, at)
                body, at = _argument(text, at)
                word = re.sub(r"\\[a-zA-Z]+\s*|[{}]", "", body).strip()
                name = name.strip().lstrip("\\")
                out.define(m.start(), Macro(name, 0, f"\\{word}") if word in _FUNCTIONS else
                           Macro(name, 0, f"\\operatorname{{{word}}}", unread=(
                               f"\\{name} is the operator '{word}' "
                               f"(\\DeclareMathOperator), which the checker gives no "
                               f"meaning: write the function it stands for")), scope)
            else:
                name, at = _argument(text, at)
                nargs = re.match(r"\s*\[(\d)\]", text[at:])
                n = 0
                if nargs:
                    n, at = int(nargs.group(1)), at + nargs.end()
                default = re.match(r"\s*\[([^\]]*)\]", text[at:])
                if default:
                    at += default.end()
                body, at = _argument(text, at)
                name = name.strip()
                if name.startswith("\\"):
                    if kind.startswith("\\providecommand") and name[1:] in out.at(m.start()):
                        continue                      # \providecommand keeps a definition
                    out.define(m.start(), Macro(name[1:], n, body,
                                                default.group(1) if default else None), scope)
        except (TypeError, AttributeError):
            continue                       # a definition that is not complete: not read
    return out


def read_given(paths) -> Definitions:
    """The definitions of the files `paths` (style files, in order), for a document that
    does not include them. ValueError naming the file when one cannot be read or defines
    nothing."""
    from . import masking
    out = Definitions()
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ValueError(f"cannot read the macros file {path}: "
                             f"{getattr(err, 'strerror', None) or err}") from None
        found = definitions(masking.mask(text, "latex"), out)
        if len(found.history) == len(out.history) and found.environments == out.environments:
            raise ValueError(f"the macros file {path} defines no macro (expected \\newcommand, "
                             f"\\def, \\DeclareMathOperator … definitions)")
        out = Definitions(found.macros, found.environments,
                          [(-1, mac, _NEVER) for _, mac, _ in found.history])
    return out
