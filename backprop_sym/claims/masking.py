"""What a document does not print: its comments and its code, blanked with spaces.

`mask(text, kind)` returns the text with everything a reader never sees as mathematics
replaced by spaces (newlines kept), so that an offset into it is an offset into the file:

- LaTeX, by TeX's rules, read left to right: `%` to the end of the line (not `\\%`; after
  `\\\\` it is one), `\\verb|…|` and `\\lstinline|…|` with any delimiter (`\\verb*` too),
  the verbatim environments (verbatim, lstlisting, minted, Verbatim…), the `comment`
  environment and those `\\excludecomment{name}` makes, and the false branch of a
  conditional: `\\iffalse … \\else … \\fi` (the \\if…\\fi inside counted, as TeX counts
  them), the `\\else` branch of `\\iftrue`, and a `\\newif\\ifname` switched by
  `\\nametrue`/`\\namefalse`.
- Markdown, by markdown-it's own tokens: code (fenced, indented, inline code spans) and the
  HTML comments of raw HTML (html_block, html_inline), with the raw HTML's tags and code
  elements; nothing else (in Markdown text `%` is text).
- HTML pages, by the HTML tokenizer's rules: comments (`<!-->` and `<!--->` are complete,
  empty comments; one never closed runs to the end), tags, `<pre>`, `<code>`, `<style>`,
  `<textarea>` and `<script>` (MathJax's display scripts become `\\[ … \\]`), and entities
  read into their character. Python's html.parser is not used: before 3.13 it reads
  `<!-->` as the start of a comment that runs on.

`math_comments(body)` blanks the TeX comments inside a display found in Markdown or HTML
(MathJax reads `%` to the end of the line as a comment there).
"""
from __future__ import annotations

import bisect
import html
import re

MARKDOWN, LATEX, HTML = "markdown", "latex", "html"


def blank(s: str) -> str:
    """s with every character but newlines made a space."""
    return re.sub(r"[^\n]", " ", s)


def _apply(text: str, spans) -> str:
    """text with each (start, end) span blanked."""
    out, at = [], 0
    for a, b in sorted(spans):
        a = max(a, at)
        if b <= a:
            continue
        out += [text[at:a], blank(text[a:b])]
        at = b
    return "".join(out) + text[at:]


def _eol(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


# ---------------------------------------------------------------- LaTeX

_NEXT = re.compile(r"[%\\]")
_CS = re.compile(r"\\(?:([a-zA-Z@]+)|(.))", re.S)
_ENV_NAME = re.compile(r"\s*\{([^{}\n]*)\}")
VERBATIM = frozenset({"verbatim", "verbatim*", "lstlisting", "minted", "Verbatim", "Verbatim*",
                      "BVerbatim", "LVerbatim", "comment"})
# \if… names that are macros, not TeX conditionals (TeX does not count them when skipping)
_NOT_CONDITIONALS = frozenset({
    "iff", "ifthenelse", "ifboolexpr", "ifboolexpe", "iftoggle", "ifbool", "ifdef", "ifundef",
    "ifcsdef", "ifcsundef", "ifdefmacro", "ifdefempty", "ifcsempty", "ifblank", "ifstrequal",
    "ifstrempty", "ifnumcomp", "ifnumequal", "ifdimcomp", "ifdimequal", "ifnumodd",
    "ifdefstring", "ifcsstring", "ifdefequal", "ifcsequal", "ifdefvoid", "ifcsvoid"})


def _conditional(word: str) -> bool:
    return word.startswith("if") and word not in _NOT_CONDITIONALS


def _skip_false(text: str, at: int, stop_at_else: bool = True) -> tuple[int, str | None]:
    """Skip a false branch from `at` as TeX does: the \\if…\\fi inside counted, comments
    read. Returns (where the text is read again, "fi" / "else" / None at the end)."""
    depth, i = 0, at
    while (m := _NEXT.search(text, i)) is not None:
        i = m.start()
        if text[i] == "%":
            i = _eol(text, i)
            continue
        cs = _CS.match(text, i)
        if cs is None:
            break
        word = cs.group(1)
        if word is not None and _conditional(word):
            depth += 1
        elif word == "fi":
            if depth == 0:
                return cs.end(), "fi"
            depth -= 1
        elif word == "else" and depth == 0 and stop_at_else:
            return cs.end(), "else"
        i = cs.end()
    return len(text), None


def _verb_end(text: str, at: int, star: bool) -> int:
    """The end of a \\verb whose name ends at `at`: past its closing delimiter, or the end
    of the line (LaTeX stops there: `\\verb ended by end of line`)."""
    while at < len(text) and text[at] in " \t":
        at += 1
    if star and text.startswith("*", at):
        at += 1
    if at >= len(text) or text[at] == "\n":
        return at
    close = text.find(text[at], at + 1)
    eol = _eol(text, at)
    return eol if close < 0 or close > eol else close + 1


def mask_latex(text: str) -> str:
    """A LaTeX text with what TeX does not print blanked (see the module's docstring)."""
    spans: list[tuple[int, int]] = []
    comment_envs = {"comment"}
    switches: dict[str, bool] = {}     # \newif\ifname: its current value
    opened: list[bool | None] = []     # conditionals read: True for a true one
    i, n = 0, len(text)
    while (m := _NEXT.search(text, i)) is not None:
        i = m.start()
        if text[i] == "%":
            e = _eol(text, i)
            spans.append((i, e))
            i = e
            continue
        cs = _CS.match(text, i)
        if cs is None:
            break
        word, after = cs.group(1), cs.end()
        if word is None:                       # \%, \\, \{ …: one symbol
            i = after
            continue
        if word in ("verb", "lstinline"):
            if word == "lstinline" and (opt := re.match(r"\[[^\]\n]*\]", text[after:])):
                after += opt.end()
            e = _verb_end(text, after, word == "verb")
            spans.append((i, e))
            i = e
            continue
        if word == "begin" and (env := _ENV_NAME.match(text, after)):
            name = env.group(1).strip()
            if name in VERBATIM or name in comment_envs:
                close = text.find(f"\\end{{{name}}}", env.end())
                e = n if close < 0 else close + len(name) + 6
                spans.append((i, e))
                i = e
                continue
        if word in ("excludecomment", "includecomment") and (env := _ENV_NAME.match(text, after)):
            (comment_envs.add if word == "excludecomment" else comment_envs.discard)(
                env.group(1).strip())
            i = env.end()
            continue
        if word == "newif" and (name := re.match(r"\s*\\if([a-zA-Z@]+)", text[after:])):
            switches[name.group(1)] = False
            i = after + name.end()
            continue
        if word.endswith(("true", "false")) and (base := re.sub("(true|false)$", "", word)) \
                in switches:
            switches[base] = word.endswith("true")
            i = after
            continue
        value = {"iffalse": False, "iftrue": True}.get(word, switches.get(word[2:])) \
            if word.startswith("if") else None
        if value is False:
            e, how = _skip_false(text, after)
            spans.append((i, e))
            if how == "else":
                opened.append(None)            # the \fi of the branch now read
            i = e
            continue
        if word.startswith("if") and _conditional(word):
            opened.append(value)
        elif word == "else" and opened and opened[-1] is True:
            e, _ = _skip_false(text, after, stop_at_else=False)
            spans.append((i, e))
            opened.pop()
            i = e
            continue
        elif word == "fi" and opened:
            opened.pop()
        i = after
    return _apply(text, spans)


_COMMENT = re.compile(r"(?<!\\)((?:\\\\)*)%[^\n]*")


def math_comments(body: str) -> str:
    """A display's TeX with its comments blanked: `%` to the end of the line, not `\\%`
    (an escaped percent sign), but after `\\\\` (a line break)."""
    return _COMMENT.sub(lambda m: m.group(1) + blank(m.group(0)[len(m.group(1)):]), body)


# ---------------------------------------------------------------- HTML

_TAG = re.compile(r"</?([a-zA-Z][^\s/>]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_RAW = ("script", "style", "textarea", "title", "pre", "code", "xmp")
_DISPLAY_SCRIPT = re.compile(r"(?i)<script[^>]*math/tex;\s*mode=display")
_COMMENT_CLOSE = re.compile(r"-->|--!>")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|nbsp|#[0-9]+|#x[0-9a-fA-F]+);")


def _comment_end(text: str, at: int) -> int:
    """The end of the comment opened by `<!--` at `at`, by the HTML tokenizer: `<!-->` and
    `<!--->` end at once; else the first `-->` or `--!>`; never closed: the end."""
    if text.startswith(">", at + 4):
        return at + 5
    if text.startswith("->", at + 4):
        return at + 6
    ends = [e for e in (text.find("-->", at + 4), text.find("--!>", at + 4)) if e >= 0]
    if not ends:
        return len(text)
    e = min(ends)
    return e + (3 if text.startswith("-->", e) else 4)


class _Raw:
    """The parts of a text that are raw HTML (a whole page, or a Markdown file's HTML)."""

    def __init__(self, text: str, regions: list[tuple[int, int]]):
        self.text, self.regions = text, sorted(regions)
        self.ends = [b for _, b in self.regions]

    def find(self, pattern: re.Pattern, at: int) -> re.Match | None:
        """The first match of pattern at or after `at` inside raw HTML."""
        for k in range(bisect.bisect_right(self.ends, at), len(self.regions)):
            a, b = self.regions[k]
            m = pattern.search(self.text, max(a, at), b)
            if m is not None:
                return m
        return None


def _mask_raw(text: str, regions: list[tuple[int, int]], read_entities: bool) -> str:
    """Blank the comments, tags and code elements of the raw HTML in `regions` (a comment
    or code element left open there runs on to the next raw HTML that closes it)."""
    raw = _Raw(text, regions)
    spans: list[tuple[int, int]] = []
    edits: list[tuple[int, str]] = []          # (offset, text written over it)
    opener = re.compile(r"<")
    at = 0
    while (m := raw.find(opener, at)) is not None:
        i = m.start()
        if text.startswith("<!--", i):
            if re.match(r"<!---?>", text[i:]):
                e = _comment_end(text, i)
            else:
                close = raw.find(_COMMENT_CLOSE, i + 4)
                e = len(text) if close is None else close.end()
            spans.append((i, e))
            at = e
            continue
        if text.startswith(("<!", "<?"), i):
            close = raw.find(re.compile(">"), i)
            e = len(text) if close is None else close.end()
            spans.append((i, e))
            at = e
            continue
        tag = _TAG.match(text, i)
        if tag is None:
            at = i + 1
            continue
        name = tag.group(1).lower()
        if text[i + 1] != "/" and name in _RAW:
            close = raw.find(re.compile(rf"(?i)</{name}\s*>"), tag.end())
            e = len(text) if close is None else close.end()
            if name == "script" and _DISPLAY_SCRIPT.match(tag.group(0)) and close is not None:
                edits.append((i, "\\[" + " " * (tag.end() - i - 2)))
                edits.append((close.start(), "\\]" + " " * (close.end() - close.start() - 2)))
            else:
                spans.append((i, e))
            at = e
            continue
        spans.append((i, tag.end()))
        at = tag.end()
    out = _apply(text, spans)
    if edits:
        parts, at = [], 0
        for i, over in sorted(edits):
            parts += [out[at:i], over]
            at = i + len(over)
        out = "".join(parts) + out[at:]
    if read_entities:
        out = _ENTITY.sub(lambda m: (html.unescape(m.group(0)).replace("\xa0", " ")
                                     + " " * len(m.group(0)))[:len(m.group(0))], out)
    return out


def mask_html(text: str) -> str:
    """An HTML page with everything but its math-bearing text blanked (same length)."""
    return _mask_raw(text, [(0, len(text))], read_entities=True)


# ---------------------------------------------------------------- Markdown

def markdown_parser():
    """markdown-it (CommonMark) with dollarmath and amsmath, recording where each code span
    and each piece of inline HTML is (markdown-it's tokens do not say): env["spans"]."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    md = MarkdownIt("commonmark").use(dollarmath_plugin).use(amsmath_plugin)
    for name in ("backticks", "html_inline"):
        rule = next(r for r in md.inline.ruler.__rules__ if r.name == name).fn

        def recorded(state, silent, rule=rule):
            start, count = state.pos, len(state.tokens)
            found = rule(state, silent)
            if found and not silent and any(t.type in ("code_inline", "html_inline")
                                            for t in state.tokens[count:]):
                kind = state.tokens[-1].type
                state.env.setdefault("spans", []).append((state.src, start, state.pos, kind))
            return found
        md.inline.ruler.at(name, recorded)
    return md


def markdown_tokens(text: str, env: dict | None = None):
    """markdown-it's tokens of a Markdown text (dollarmath and amsmath read)."""
    return markdown_parser().parse(text, {} if env is None else env)


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _inline_offsets(text: str, starts: list[int], tok) -> list[int] | None:
    """For an inline token (a paragraph's or heading's text): the file offset of the start
    of each of its content's lines, or None when a line cannot be found in the file."""
    out = []
    for k, line in enumerate(tok.content.split("\n")):
        row = tok.map[0] + k
        if row + 1 >= len(starts):
            return None
        a, b = starts[row], starts[row + 1]
        source = text[a:b].rstrip("\n").rstrip("\r")
        p = len(source) - len(line) if source.endswith(line) else source.find(line)
        if p < 0:
            return None
        out.append(a + p)
    return out


def _file_offset(content: str, offsets: list[int], pos: int) -> int:
    line = content.count("\n", 0, pos)
    return offsets[line] + pos - (content.rfind("\n", 0, pos) + 1)


def mask_markdown(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Markdown with its code and its raw HTML's comments, tags and code blanked (by
    markdown-it's tokens), and the bodies of ```math blocks as displays:
    (offset, body, "```math")."""
    starts = _line_starts(text) + [len(text)]
    env: dict = {}
    tokens = markdown_tokens(text, env)
    spans: list[tuple[int, int]] = []
    raw: list[tuple[int, int]] = []
    maths = []
    contents = {id(t.content) for t in tokens if t.type == "inline"}
    recorded = [r for r in env.get("spans", []) if id(r[0]) in contents]   # not an image's alt
    k = 0
    for tok in tokens:
        if tok.type in ("fence", "code_block", "html_block") and tok.map:
            a, b = starts[tok.map[0]], starts[min(tok.map[1], len(starts) - 1)]
            if tok.type == "html_block":
                raw.append((a, b))
                continue
            if tok.type == "fence" and tok.info.strip().lower() == "math":
                inner_a = starts[tok.map[0] + 1]
                last = text[:b].rstrip("\n").rfind("\n") + 1
                close = re.match(r"[ \t]*(```|~~~)", text[last:b])
                inner_b = last if close and last >= inner_a else b
                maths.append((inner_a, text[inner_a:inner_b], "```math"))
            spans.append((a, b))
        elif tok.type == "inline":
            mine = []
            while k < len(recorded) and recorded[k][0] is tok.content:
                mine.append(recorded[k][1:])
                k += 1
            offsets = _inline_offsets(text, starts, tok) if mine and tok.map else None
            if offsets is None:
                continue
            for a, b, kind in mine:
                fa = _file_offset(tok.content, offsets, a)
                fb = _file_offset(tok.content, offsets, b - 1) + 1
                (spans if kind == "code_inline" else raw).append((fa, fb))
    out = _apply(text, spans)
    out = _mask_raw(out, raw, read_entities=False)
    for a, body, _ in maths:
        out = out[:a] + blank(body) + out[a + len(body):]
    return out, maths


def mask(text: str, kind: str) -> str:
    """The text with what is not printed blanked, same length (see the module docstring)."""
    if kind == MARKDOWN:
        return mask_markdown(text)[0]
    if kind == HTML:
        return mask_html(text)
    return mask_latex(text)
