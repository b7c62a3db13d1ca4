"""Display equations of a Markdown or LaTeX file, row by row, with their line numbers.

Read: `$$ … $$`, `\\[ … \\]` and the environments equation, align, gather, multline,
eqnarray, flalign (starred or not), with `aligned`/`split`/`gathered` inside. Each row
(`\\\\`) of a display is its own equation; a row that starts with `+`, `-` or `\\cdot`, or
that has no `=`, continues the row before it (a long right-hand side broken over lines). A
row that starts with `=` continues the chain of the row before it (`&= …` in an align);
`Row.continues` says so. `\\tag`, `\\label`, `\\nonumber`, `\\notag` and `&` are blanked
with spaces, so an offset into `Row.text` is an offset into the file: `locate` turns it
into a line and a column. Markdown code (fenced or inline) and LaTeX comments are never
read as equations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MARKDOWN, LATEX = "markdown", "latex"

ENVS = ("equation", "align", "gather", "multline", "eqnarray", "flalign", "displaymath", "math")
_ENV = "|".join(ENVS)
_DISPLAY = re.compile(
    r"(?<!\\)\$\$(?P<dollar>.*?)(?<!\\)\$\$"
    r"|\\\[(?P<bracket>.*?)\\\]"
    r"|\\begin\{(?P<env>(?:" + _ENV + r")\*?)\}(?:\{[^}]*\})?(?P<body>.*?)\\end\{(?P=env)\}",
    re.DOTALL)
_BLANK = re.compile(
    r"\\tag\*?\{[^{}]*\}|\\label\{[^{}]*\}|\\nonumber\b|\\notag\b"
    r"|\\(?:begin|end)\{(?:aligned|split|gathered|alignedat|array|" + _ENV + r")\*?\}"
    r"(?:\{[^}]*\})?"
    r"|(?<!\\)&")
_CONTINUE = re.compile(r"\s*(?:\+|-|−|\\cdot|\\times|\\odot)")
_RELATION = re.compile(r"(?<![<>!:\\])=|\\equiv|:=|\\coloneqq|\\triangleq")


@dataclass
class Row:
    line: int           # 1-based line of the row's first character
    start: int          # offset of text[0] in the file
    text: str           # the row, blanked where needed; same length as the file's slice
    display: int        # which display it belongs to (0, 1, ...)
    env: str            # "$$", "\\[", "align", ...

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


def rows(text: str, kind: str = MARKDOWN) -> list[Row]:
    """Every row of every display equation, in file order."""
    masked = _mask(text, kind)
    out: list[Row] = []
    for n, m in enumerate(_DISPLAY.finditer(masked)):
        for name in ("dollar", "bracket", "body"):
            if m.group(name) is not None:
                b0 = m.start(name)
                body = m.group(name)
                env = {"dollar": "$$", "bracket": "\\[", "body": m.group("env")}[name]
                break
        body = _BLANK.sub(lambda x: " " * len(x.group(0)), body)
        # \\ in a $$ or \[ display with no environment still separates rows
        pieces: list[list[int]] = []
        for s, e in _split_rows(body):
            piece = body[s:e]
            if not piece.strip():
                continue
            if pieces and (_CONTINUE.match(piece) or not _RELATION.search(piece)):
                prev = pieces[-1]
                body = body[:prev[1]] + " " * (s - prev[1]) + body[s:]   # blank the \\
                prev[1] = e
            else:
                pieces.append([s, e])
        for s, e in pieces:
            piece = body[s:e]
            lead = len(piece) - len(piece.lstrip())
            start = b0 + s + lead
            row_text = piece.strip()
            out.append(Row(locate(text, start)[0], start, row_text, n, env))
    return out


def read(path: str | Path) -> str:
    return Path(path).read_text(encoding="utf-8")
