"""Display equations of a Markdown or LaTeX file, row by row, with their line numbers.

Read: `$$ … $$`, `\\[ … \\]` and the environments equation, align, gather, multline,
eqnarray, flalign (starred or not), with `aligned`/`split`/`gathered` inside. Each row
(`\\\\`) of a display is its own equation; a row with no `=` of its own continues the row
before it (a long right-hand side broken over lines, `\\\\ &+ …`), and a row that is a
condition (`\\\\ & j \\le n_L`) is kept, with its `\\\\`, as the condition of the row
before it. A row that starts with `=` continues the chain of the row before it (`&= …` in
an align); `Row.continues` says so. A display that is never closed, or an end that closes
nothing, is a `Row` with an `error` and no text. `\\tag`, `\\label`, `\\nonumber`,
`\\notag` and `&` are blanked with spaces, so an offset into `Row.text` is an offset into
the file: `locate` turns it into a line and a column. Markdown code (fenced or inline)
and LaTeX comments are never read as equations.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

MARKDOWN, LATEX = "markdown", "latex"

ENVS = ("equation", "align", "gather", "multline", "eqnarray", "flalign", "displaymath", "math")
_ENV = "|".join(ENVS)
# the delimiters of a display: $$, \[ \], \begin{env} \end{env} (not \\[2pt], not \$$)
_DELIM = re.compile(r"(?<!\\)(?P<dollar>\$\$)|(?<!\\)\\(?P<open>\[)|(?<!\\)\\(?P<close>\])"
                    r"|\\(?P<kind>begin|end)\{(?P<env>(?:" + _ENV + r")\*?)\}")
_BLANK = re.compile(
    r"\\tag\*?\{[^{}]*\}|\\label\{[^{}]*\}|\\nonumber\b|\\notag\b"
    r"|\\(?:begin|end)\{(?:aligned|split|gathered|alignedat|array|" + _ENV + r")\*?\}"
    r"(?:\{[^}]*\})?"
    r"|(?<!\\)&")
_CONDITION_START = re.compile(r"\s*(?:\\text|\\mbox|\(|\\forall|∀|\\q?quad)")
_RELATION = re.compile(r"(?<![<>!:\\])=|\\equiv|:=|\\coloneqq|\\triangleq")


@dataclass
class Row:
    line: int           # 1-based line of the row's first character
    start: int          # offset of text[0] in the file
    text: str           # the row, blanked where needed; same length as the file's slice
    display: int        # which display it belongs to (0, 1, ...)
    env: str            # "$$", "\\[", "align", ...
    error: str | None = None    # a display that cannot be read (never closed): no text

    @property
    def continues(self) -> bool:
        """The row starts with `=`: its left side is the previous row's last side."""
        return self.text.lstrip().startswith("=")


def kind_of(path: str | Path) -> str:
    """latex for .tex/.ltx/.latex files, markdown otherwise."""
    return LATEX if Path(path).suffix.lower() in (".tex", ".ltx", ".latex") else MARKDOWN


def locate(text: str, offset: int) -> tuple[int, int]:
    """A 0-based offset -> (1-based line, 1-based column)."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def _blank(s: str) -> str:
    return re.sub(r"[^\n]", " ", s)


def _mask(text: str, kind: str) -> str:
    """The text with code (Markdown) or comments (LaTeX) blanked out, same length."""
    if kind == MARKDOWN:
        text = re.sub(r"(?ms)^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$",
                      lambda m: _blank(m.group(0)), text)
        text = re.sub(r"(?ms)^[ \t]*(```|~~~).*\Z", lambda m: _blank(m.group(0)), text)  # unclosed
        text = re.sub(r"(?s)<!--.*?-->", lambda m: _blank(m.group(0)), text)
        text = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", lambda m: _blank(m.group(0)), text)
    else:
        text = re.sub(r"(?<!\\)%[^\n]*", lambda m: _blank(m.group(0)), text)
        text = re.sub(r"(?s)\\begin\{(verbatim|lstlisting|minted)\}.*?\\end\{\1\}",
                      lambda m: _blank(m.group(0)), text)
    return text


def _split_rows(body: str) -> list[tuple[int, int]]:
    """(start, end) of each `\\\\`-separated row of `body`, at brace depth 0."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(body):
        ch = body[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
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


def _closer(m: re.Match) -> tuple[str, re.Pattern | None]:
    """The name of a display's opening delimiter and the pattern of its end (None: m is
    itself an end)."""
    if m.group("dollar"):
        return "$$", _DOLLAR
    if m.group("open"):
        return "\\[", _BRACKET_END
    if m.group("close"):
        return "\\]", None
    name = m.group("env")
    return name, (re.compile(re.escape(f"\\end{{{name}}}")) if m.group("kind") == "begin"
                  else None)


_DOLLAR = re.compile(r"(?<!\\)\$\$")
_BRACKET_END = re.compile(r"(?<!\\)\\\]")
_ENV_ARG = re.compile(r"\{[^{}\n]*\}")


def displays(masked: str, kind: str = MARKDOWN):
    """(offset of the body, body, env) of every display, and (offset, message) of every
    delimiter that is never closed or closes nothing. One pass: an end that is missing
    from one offset on is missing from every later one."""
    out, errors, missing, i = [], [], {}, 0
    while (m := _DELIM.search(masked, i)) is not None:
        env, end = _closer(m)
        if end is None:
            if env != "\\]" or kind == LATEX:         # \] in Markdown text is an escaped ]
                what = f"\\end{{{env}}}" if env != "\\]" else env
                opener = f"\\begin{{{env}}}" if env != "\\]" else "\\["
                errors.append((m.start(), f"{what} closes no display: {opener} is missing"))
            i = m.end()
            continue
        b0 = m.end()
        if m.group("kind") and (arg := _ENV_ARG.match(masked, b0)):
            b0 = arg.end()
        close = None if missing.get(end.pattern, len(masked) + 1) <= b0 else end.search(masked, b0)
        if close is None:
            missing[end.pattern] = min(missing.get(end.pattern, b0), b0)
            opener = m.group(0)
            closer = "$$" if env == "$$" else "\\]" if env == "\\[" else f"\\end{{{env}}}"
            errors.append((m.start(), f"{opener} is never closed ({closer} expected): the "
                                      f"display is not read"))
            i = m.end()
            continue
        out.append((b0, masked[b0:close.start()], env))
        i = close.end()
    return out, errors


def rows(text: str, kind: str = MARKDOWN) -> list[Row]:
    """Every row of every display equation, in file order; a display that is never closed
    (or an end with no start) is a Row with an `error` and no text."""
    from .parse import is_condition
    masked = _mask(text, kind)
    found, errors = displays(masked, kind)
    lines = _Lines(text)
    out: list[Row] = [Row(lines(at), at, "", -1 - k, "", msg) for k, (at, msg) in enumerate(errors)]
    for n, (b0, body, env) in enumerate(found):
        body = _BLANK.sub(lambda x: " " * len(x.group(0)), body)
        # \\ in a $$ or \[ display with no environment still separates rows
        pieces: list[list] = []          # [start, end, the \\ to blank]
        for s, e in _split_rows(body):
            piece = body[s:e]
            if not piece.strip():
                continue
            if pieces and is_condition(piece) and (not _RELATION.search(piece)
                                                   or _CONDITION_START.match(piece)):
                pieces[-1][1] = e           # a condition on the row before: its \\ stays
            elif pieces and not _RELATION.search(piece):
                pieces[-1][2].append((pieces[-1][1], s))   # the row before, broken over lines
                pieces[-1][1] = e
            else:
                pieces.append([s, e, []])
        for s, e, blanks in pieces:
            parts, at = [], s
            for b, c in blanks:
                parts += [body[at:b], " " * (c - b)]
                at = c
            piece = "".join(parts) + body[at:e]
            lead = len(piece) - len(piece.lstrip())
            start = b0 + s + lead
            out.append(Row(lines(start), start, piece.strip(), n, env))
    out.sort(key=lambda r: r.start)
    return out


class _Lines:
    """The line of an offset, for offsets that mostly increase (linear in all)."""

    def __init__(self, text: str):
        self.ends = [m.start() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_left(self.ends, offset) + 1


def read(path: str | Path) -> str:
    return Path(path).read_text(encoding="utf-8")
