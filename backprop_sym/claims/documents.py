"""Display equations of a Markdown, LaTeX, HTML or notebook file, row by row, with their lines.

What is not printed (comments, code, a false \\iffalse branch…) is blanked first by
`masking`, by TeX's rules, markdown-it's tokens or the HTML tokenizer's. Markdown: a
```` ```math ```` block is a display. A notebook (.ipynb, nbformat) is its markdown cells,
each row located by cell and line. An HTML page is read for its MathJax display math
(`\\[ \\]`, `$$`, environments, `<script type="math/tex; mode=display">`). The macros a
document defines (`macros`: \\newcommand, \\def, \\gdef…, also in a Markdown `$$` block),
and those given from outside (`given_macros`, from `--macros FILE`), are expanded by tokens
(`tex`) from where they are defined to the end of their TeX group (`macros`), also
within a display; a row whose macros never end, or that uses a
command neither defined nor known, is skipped with the macro named. Environments a
document defines around a display are displays.

Read: `$$ … $$`, `\\[ … \\]` and the environments equation, align, gather, multline,
eqnarray, flalign, alignat (starred or not), with `aligned`/`split`/`gathered` inside.
An `array` or a matrix (`bmatrix`…) is not split into rows: its row holds it whole. A
display environment the reader does not know is a `Row` with `unread` set (named, not
read). A display's rows and alignment columns make its equations as `columns` says (each
`\\\\` row, each column pair of an align; a label in a column of its own is no part of an
equation; a condition row or column goes with the equation before it; a row with no `=`
continues the row before). A row that starts with `=` continues the chain of the row
before it; `Row.continues` says so. A display that is never closed, an end that closes
nothing, or a row TeX cannot set (a `&` outside an alignment) is a `Row` with an `error`
and no text. Blanking keeps lengths, so an offset into `Row.text` is an offset into the
file: `locate` turns it into a line and a column.
"""
from __future__ import annotations

import bisect
import contextlib
import contextvars
import re
from dataclasses import dataclass
from pathlib import Path

from . import masking, tex
from .columns import ENVS, MATRICES, pieces
from .relations import starts_with_relation
from .rewrite import Mapped

MARKDOWN, LATEX, HTML, NOTEBOOK = "markdown", "latex", "html", "notebook"
# macros.Definitions given from outside the documents read (--macros FILE), or None
GIVEN: contextvars.ContextVar = contextvars.ContextVar("given_macros", default=None)


@contextlib.contextmanager
def given_macros(defs):
    """Within the block, every document is read with these definitions (macros.Definitions,
    as from `macros.read_given`) made before its first line."""
    token = GIVEN.set(defs)
    try:
        yield defs
    finally:
        GIVEN.reset(token)


_ENV = "|".join(ENVS)
# the delimiters of a display: $$, \[ \], \begin{env} \end{env} (not \\[2pt], not \$$)
def _delimiters(envs: str) -> re.Pattern:
    return re.compile(r"(?<!\\)(?P<dollar>\$\$)|(?<!\\)\\(?P<open>\[)|(?<!\\)\\(?P<close>\])"
                      r"|\\(?P<kind>begin|end)\{(?P<env>(?:" + envs + r")\*?)\}")


_DELIM = _delimiters(_ENV)
@dataclass
class Row:
    line: int           # 1-based line of the row's first character
    start: int          # offset of text[0] in the file
    text: str           # the row, blanked where needed; same length as the file's slice
    display: int        # which display it belongs to (0, 1, ...)
    env: str            # "$$", "\\[", "align", ...
    error: str | None = None    # a display that cannot be read (never closed): no text
    unread: str | None = None   # a display environment the reader does not know: its name
    origin: list[int] | None = None   # after macros: origin[i] is text[i]'s offset from start
    cell: int | None = None     # a notebook's cell (1-based); line is then the cell's line
    skip: str | None = None     # why the row is not read as a claim (a matrix written out)
    end: int | None = None      # after macros: where the row ends in the file

    @property
    def continues(self) -> bool:
        """The row starts with `=`: its left side is the previous row's last side."""
        return starts_with_relation(self.text)


def kind_of(path: str | Path) -> str:
    """latex for .tex/.ltx/.latex files, html for .html/.htm, notebook for .ipynb,
    markdown otherwise."""
    suffix = Path(str(path)).suffix.lower()
    if suffix in (".tex", ".ltx", ".latex", ".sty"):
        return LATEX
    if suffix in (".html", ".htm", ".xhtml"):
        return HTML
    return NOTEBOOK if suffix == ".ipynb" else MARKDOWN


def locate(text: str, offset: int) -> tuple[int, int]:
    """A 0-based offset -> (1-based line, 1-based column)."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


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


_MATRIX = re.compile(r"\\(begin|end)\{(?:" + "|".join(MATRICES) + r")\*?\}")
_DOLLAR = re.compile(r"(?<!\\)\$\$")
_BRACKET_END = re.compile(r"(?<!\\)\\\]")
_ENV_ARG = re.compile(r"\{[^{}\n]*\}")


def displays(masked: str, kind: str = MARKDOWN, extra: tuple[str, ...] = ()):
    """(offset of the body, body, env) of every display, and (offset, message) of every
    delimiter that is never closed or closes nothing. One pass: an end that is missing
    from one offset on is missing from every later one. `extra`: the names of more display
    environments (defined by the document)."""
    delim = _delimiters("|".join((_ENV,) + tuple(map(re.escape, extra)))) if extra else _DELIM
    out, errors, i = [], [], 0
    missing: dict[str, int] = {}
    while (m := delim.search(masked, i)) is not None:
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


_TEXT_ENVS = {"document", "itemize", "enumerate", "description", "figure", "table", "center",
              "proof", "theorem", "lemma", "definition", "remark", "example", "abstract",
              "tabular", "minipage", "quote", "quotation", "verbatim", "thebibliography",
              "frame", "block", "flushleft", "flushright", "algorithmic", "algorithm",
              "corollary", "proposition", "exercise", "solution", "note", "tikzpicture",
              "aligned", "split", "gathered", "alignedat", "cases", "titlepage", "footnotesize",
              "small", "scriptsize"} | set(MATRICES) | set(ENVS)
_BEGIN = re.compile(r"\\begin\{([a-zA-Z@]+\*?)\}")
_MATHY = re.compile(r"=.*(?:[\^_]|\\frac|\\sum|\\partial)|(?:[\^_]|\\frac|\\sum|\\partial).*=", re.S)


def unread_environments(masked: str, found, known: tuple[str, ...] = ()) -> list[tuple[int, str]]:
    """(offset, name) of every environment outside the displays read whose body reads like
    an equation (an = with scripts, \\frac, \\sum or \\partial): a display the reader
    skips."""
    spans = [(b0, b0 + len(body)) for b0, body, _ in found]
    out = []
    for m in _BEGIN.finditer(masked):
        name = m.group(1)
        if name.rstrip("*") in _TEXT_ENVS or name in known or any(a <= m.start() < b
                                                                   for a, b in spans):
            continue
        end = masked.find(f"\\end{{{name}}}", m.end())
        if end >= 0 and _MATHY.search(masked[m.end():end]) and "\n\n" not in masked[m.end():end]:
            out.append((m.start(), name))
    return out


def rows(text: str, kind: str = MARKDOWN, given=None) -> list[Row]:
    """Every row of every display equation, in file order; a display that is never closed
    (or an end with no start) is a Row with an `error` and no text; a display environment
    not read is a Row with `unread` (its name) and no text. A notebook's text is its JSON.
    `given`: macros.Definitions from outside the document (default: `GIVEN`'s, set by
    `given_macros`). A row whose macros do not expand, or that uses a command neither
    defined nor known, has `skip` saying so (naming the macro)."""
    if kind == NOTEBOOK:
        kind = MARKDOWN
    from .macros import Definitions, blank_definitions, definitions
    if given is None:
        given = GIVEN.get()
    if kind == MARKDOWN:
        masked, maths = masking.mask_markdown(text)
    else:
        masked, maths = masking.mask(text, kind), []
    defs = (definitions(masked, given, latex=kind == LATEX) if kind in (LATEX, HTML, MARKDOWN)
            else Definitions())
    if defs.history or defs.environments:
        masked = blank_definitions(masked)
    found, errors = displays(masked, kind, tuple(defs.environments))
    found = sorted(found + maths)
    if kind != LATEX and defs.local:
        for b0, body, _ in found:       # MathJax: braces in a display scope a \def there
            defs.localize(body, b0)
    lines = _Lines(text)
    out: list[Row] = [Row(lines(at), at, "", -1 - k, "", msg) for k, (at, msg) in enumerate(errors)]
    out += [Row(lines(at), at, "", -1 - len(errors) - k, name, unread=name)
            for k, (at, name) in enumerate(unread_environments(masked, found,
                                                                tuple(defs.environments)))]
    for n, (b0, body, env) in enumerate(found):
        if kind != LATEX:                   # MathJax: % to the end of the line, in math
            body = masking.math_comments(body)
        if defs.at(b0) or defs.changes(b0, b0 + len(body)):
            out += _display_rows(body, b0, n, env, lines, defs)
            continue
        out += _plain_rows(body, b0, n, env, lines)
    for row in out:
        m = _MATRIX.search(row.text)
        if m and m.group(1) == "begin":
            row.skip = ("a matrix or array written out entry by entry (a numeric example): "
                        "not a claim the checker reads")
        elif row.text and not row.skip and (name := tex.unknown_command(row.text, defs.macros)):
            row.skip = (f"uses \\{name}, which the document does not define and which is no "
                        f"LaTeX command the checker knows: define it in the document or pass "
                        f"the file that defines it with --macros FILE")
    out.sort(key=lambda r: r.start)
    return out


def _plain_rows(body: str, b0: int, n: int, env: str, lines) -> list[Row]:
    """The rows of a display as written (no macro in it)."""
    out = []
    for p in pieces(body, env):         # \\ in a $$ or \[ display still separates rows
        if p.error:
            at = b0 + p.start + len(body[p.start:p.end]) - len(body[p.start:p.end].lstrip())
            out.append(Row(lines(at), at, "", n, env, p.error))
            continue
        lead = len(p.text) - len(p.text.lstrip())
        start = b0 + p.start + lead
        out.append(Row(lines(start), start, p.text.strip(), n, env, skip=p.skip))
    return out


def _display_rows(body: str, b0: int, n: int, env: str, lines, defs) -> list[Row]:
    """The rows of a display with its macros (those in force at each point, `defs`:
    macros.Definitions) expanded; when the display's macros do not expand (a macro that
    calls itself…), each row is expanded alone and a row that does not expand is skipped
    with the reason."""
    try:
        expanded = defs.expand_from(Mapped.of(body), b0)
    except tex.ExpansionError:
        expanded = None
    if expanded is not None:
        if expanded.text == body:
            return _plain_rows(body, b0, n, env, lines)
        return _expanded_rows(expanded, b0, n, env, lines, len(body))
    out = []
    for row in _plain_rows(body, b0, n, env, lines):
        if row.error or row.skip:
            out.append(row)
            continue
        try:
            one = defs.expand_from(Mapped.of(row.text), row.start)
        except tex.ExpansionError as err:
            row.skip = str(err)
            out.append(row)
            continue
        if one.text != row.text:
            row.origin, row.end = one.origin, row.start + len(row.text)
            row.text = one.text
        out.append(row)
    return out


def _expanded_rows(m, b0: int, n: int, env: str, lines, size: int) -> list[Row]:
    """The rows of a display whose macros were expanded: each row's text is read from the
    expanded body, with `origin` mapping it back into the file."""
    out = []
    for p in pieces(m.text, env):
        if p.error:
            at = b0 + (m.origin[p.start] if p.start < len(m.origin) else size)
            out.append(Row(lines(at), at, "", n, env, p.error))
            continue
        lead = len(p.text) - len(p.text.lstrip())
        text = p.text.strip()
        sub = Mapped(text, m.origin[p.start + lead:p.start + lead + len(text)])
        start = b0 + sub.origin[0] if sub.origin else b0
        origin = [b0 + o - start for o in sub.origin]
        after = p.start + lead + len(text)
        end = b0 + (m.origin[after] if after < len(m.origin) else size)
        out.append(Row(lines(start), start, sub.text, n, env, origin=origin, end=end,
                       skip=p.skip))
    return out


def notebook_markdown(text: str) -> tuple[str, list[tuple[int, int]]]:
    """A notebook's markdown cells as one Markdown text, and (first line, cell number) of
    each cell in it (cells are 1-based, counting every cell)."""
    import nbformat
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as err:                    # nbformat raises many kinds
        raise ValueError(f"not a Jupyter notebook: {str(err).splitlines()[0]}") from None
    parts, cells, line = [], [], 1
    for number, cell in enumerate(nb.cells, 1):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        cells.append((line, number))
        parts.append(source + "\n\n")
        line += source.count("\n") + 2
    return "".join(parts), cells


def cell_of(line: int, cells: list[tuple[int, int]]) -> tuple[int, int]:
    """A line of `notebook_markdown`'s text -> (cell number, line in that cell)."""
    k = bisect.bisect_right([c[0] for c in cells], line) - 1
    first, number = cells[max(k, 0)]
    return number, line - first + 1


class _Lines:
    """The line of an offset, for offsets that mostly increase (linear in all)."""

    def __init__(self, text: str):
        self.ends = [m.start() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_left(self.ends, offset) + 1


_INLINE = re.compile(r"(?<![\\$])\$(?!\$)[^$\n]+?(?<![\\$])\$(?!\$)|\\\(.+?\\\)")


def inline_math(text: str, kind: str = MARKDOWN) -> int:
    """How many inline formulas ($…$, \\(…\\)) the text holds outside code."""
    if kind == MARKDOWN:
        return sum(c.type == "math_inline" for t in masking.markdown_tokens(text)
                   for c in (t.children or []))
    return len(_INLINE.findall(masking.mask(text, kind)))


def read(path: str | Path) -> str:
    return Path(path).read_text(encoding="utf-8")
