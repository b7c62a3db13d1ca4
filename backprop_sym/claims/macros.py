"""The macros and environments a LaTeX document defines, and their expansion.

Read: `\\newcommand`, `\\renewcommand`, `\\providecommand`, `\\DeclareRobustCommand` (with
arguments, and a default for the first), `\\def\\name#1#2{…}` and `\\DeclareMathOperator`
(`\\DeclareMathOperator{\\sigm}{sigm}` reads as `\\operatorname{sigm}`; one named exp, log
or tanh as that function). `\\newenvironment` and `\\NewEnviron` whose begin holds a
display (`\\begin{equation}`, `\\[`, `$$`) make a display environment of their own.
Expansion keeps the map to the text as written (`rewrite.Mapped`), and is bounded: a
macro that expands into itself is left after MAX_EXPANSIONS.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .rewrite import Mapped, argument, group_end, matched

MAX_EXPANSIONS = 200
MAX_LENGTH = 20000
_DEFINE = re.compile(r"\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand)\*?\s*"
                     r"|\\def\s*(?=\\)|\\DeclareMathOperator\*?\s*"
                     r"|\\(?:re)?newenvironment\*?\s*|\\NewEnviron\s*")
_DISPLAY_IN = re.compile(r"\\begin\{(equation|align|gather|multline|eqnarray|flalign|alignat|"
                         r"displaymath)\*?\}|\\\[|\$\$")
_FUNCTIONS = {"exp", "log", "ln", "tanh"}


@dataclass
class Macro:
    name: str                      # without the backslash
    nargs: int
    body: str
    default: str | None = None     # of the first argument, when it is optional


@dataclass
class Definitions:
    macros: dict[str, Macro] = field(default_factory=dict)
    environments: dict[str, str] = field(default_factory=dict)   # name -> the display inside

    def expand(self, m: Mapped) -> Mapped:
        if not self.macros:
            return m
        names = "|".join(sorted((re.escape(n) for n in self.macros), key=len, reverse=True))
        pattern = re.compile(r"\\(" + names + r")(?![a-zA-Z])")
        for _ in range(MAX_EXPANSIONS):
            hit = pattern.search(m.text)
            if hit is None or len(m.text) > MAX_LENGTH:
                break
            mac = self.macros[hit.group(1)]
            args, at = [], hit.end()
            if mac.default is not None:
                opt = re.match(r"\s*\[([^\]]*)\]", m.text[at:])
                if opt:
                    args.append(opt.group(1))
                    at += opt.end()
                else:
                    args.append(mac.default)
            ok = True
            while len(args) < mac.nargs:
                got = argument(m.text, at)
                if got is None:
                    ok = False
                    break
                args.append(got[0])
                at = got[1]
            if not ok:
                break
            body = re.sub(r"#([1-9])", lambda g: args[int(g.group(1)) - 1]
                          if int(g.group(1)) <= len(args) else g.group(0), mac.body)
            if re.match(r"[a-zA-Z]", m.text[at:at + 1]) and re.search(r"\\[a-zA-Z]+$", body):
                body += " "                        # \foo x: a command does not eat the letter
            scripted = m.text[max(hit.start() - 1, 0):hit.start()] in ("^", "_")
            m = m.edit([(hit.start(), at, "{" + body + "}" if scripted else body)])
        return m


def blank_definitions(text: str) -> str:
    """The text with every definition blanked (same length): the displays inside a
    \\newenvironment's begin are no displays of the document."""
    out, at = [], 0
    for m in _DEFINE.finditer(text):
        if m.start() < at:
            continue
        end, n = m.end(), 0
        while n < 4 and (head := re.match(r"\s*(?:\\[a-zA-Z]+|\[[^\]]*\]|(?:#[1-9])+)", text[end:])):
            end += head.end()
        while (got := argument(text, end)) is not None and text[end:got[1]].lstrip().startswith("{"):
            end = got[1]
        out.append(text[at:m.start()] + re.sub(r"[^\n]", " ", text[m.start():end]))
        at = end
    return "".join(out) + text[at:]


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


def definitions(text: str) -> Definitions:
    """The macros and environments `text` (comments blanked) defines, in order: a later
    definition of a name replaces an earlier one."""
    out = Definitions()
    for m in _DEFINE.finditer(text):
        kind = m.group(0).strip()
        at = m.end()
        try:
            if kind.startswith("\\def"):
                head = matched(r"\\([a-zA-Z]+)", text[at:])
                params = matched(r"((?:#[1-9])*)\s*\{", text[at + head.end():])
                start = at + head.end() + params.end() - 1
                end = _group_end(text, start)
                out.macros[head.group(1)] = Macro(head.group(1), len(params.group(1)) // 2,
                                                  text[start + 1:end - 1])
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
                out.macros[name.lstrip("\\")] = Macro(
                    name.lstrip("\\"), 0, f"\\{word}" if word in _FUNCTIONS else
                    f"\\operatorname{{{word}}}")
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
                if name.startswith("\\"):
                    out.macros[name[1:]] = Macro(name[1:], n, body,
                                                 default.group(1) if default else None)
        except (TypeError, AttributeError):
            continue                       # a definition that is not complete: not read
    return out
