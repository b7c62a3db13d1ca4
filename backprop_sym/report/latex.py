"""LaTeX the language and the program: safe strings, escaping, and the PDF build.

`Tex` marks a string as LaTeX source made by the project (by SymPy's printer or by code
in `formulas`/`render`); anything else placed in a document is text and is escaped
(`escape`, or `breakable` for long text in typewriter type); `pdf_string` is text for the
PDF's metadata. `build_pdf` runs latexmk in a
temporary directory with a time limit and returns the PDF, the log and the first error
(as `file:line: message`).
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..engine.errors import BackpropSymError

LATEXMK = ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
           "-no-shell-escape"]
BUILD_TIMEOUT = 300.0        # seconds for one latexmk run
INSTALL_HINT = ("no TeX found (latexmk and pdflatex are needed); on Debian/Ubuntu install "
                "texlive-latex-base texlive-latex-recommended texlive-pictures latexmk")


class Tex(str):
    """LaTeX source that goes into a document as it is (not escaped)."""

    def __add__(self, other):
        return Tex(str(self) + str(other)) if isinstance(other, Tex) else str(self) + other


@functools.lru_cache(maxsize=None)
def _encoder():
    """pylatexenc's Unicode-to-LaTeX encoder: every character it knows as a text or math
    command (Ł -> \\L{}, — -> \\textemdash{}, ε -> \\ensuremath{\\varepsilon}), anything
    else as its code point; line breaks and control characters as spaces, and < > | " as
    text commands that print the same in every font encoding."""
    from pylatexenc.latexencode import (RULE_DICT, UnicodeToLatexConversionRule,
                                        UnicodeToLatexEncoder)
    own = {ord("<"): r"\textless", ord(">"): r"\textgreater", ord("|"): r"\textbar",
           ord('"'): "''", **{c: " " for c in (*range(32), 127)}}
    return UnicodeToLatexEncoder(
        non_ascii_only=False, replacement_latex_protection="braces-after-macro",
        unknown_char_policy="unihex", unknown_char_warning=False,
        conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, own), "defaults"])


def escape(text) -> Tex:
    """Plain text -> LaTeX that prints it literally (user input, names, messages)."""
    return Tex(_encoder().unicode_to_latex(str(text)))


def pdf_string(text) -> Tex:
    """Text as a PDF string for the document's metadata (its title): UTF-16 with a byte
    order mark, each byte an octal escape, to be set without hyperref's \\pdfstringdef.
    That macro expands every command of its argument in time quadratic in their number,
    so an escaped title of 1,000 braces took 16 s a pass; these escapes are plain
    characters, and any Unicode text survives them."""
    return Tex("".join("\\%03o" % byte for byte in ("\ufeff" + str(text)).encode("utf-16-be")))


LONG_WORD = 28      # characters from which a word in typewriter type may break inside
_SHELL_WORD = re.compile(r"""\s+|(?:[^\s'"\\]|\\.|\$'(?:[^'\\]|\\.)*'|'[^']*'|"(?:[^"\\]|\\.)*")+""")


def breakable(text: str) -> Tex:
    """Text in typewriter type (commands, file names, claim sources), escaped, that breaks
    only between words (a shell word in quotes is one word): each word is kept whole in an
    \\mbox, except a word too long for that (LONG_WORD characters or more, such as a long
    path or name), which breaks after / , ; = | _ - . or a space, or every LONG_WORD
    characters without one. A hyphen is `-{}`, so that `--out` is never TeX's dash
    ligature."""
    text = str(text)
    tokens = _SHELL_WORD.findall(text)
    if "".join(tokens) != text:             # not shell words (an unpaired quote): at spaces
        tokens = re.findall(r"\s+|\S+", text)
    words = []
    for word in (t for t in tokens if not t.isspace()):
        pieces, piece, run = [], "", 0
        for ch in word:
            piece += "-{}" if ch == "-" else escape(ch)
            run += 1
            if len(word) >= LONG_WORD and (ch in "/,;=| _-." or run >= LONG_WORD):
                pieces.append(piece)
                piece, run = "", 0
        pieces.append(piece)
        words.append(r"\allowbreak{}".join(r"\mbox{%s}" % p for p in pieces if p))
    return Tex(" ".join(words))


# ---------------------------------------------------------------- the build

class NoTeX(BackpropSymError, RuntimeError):
    """latexmk or pdflatex is not on PATH."""


@dataclass
class Build:
    ok: bool
    log: str                      # pdflatex's log ('' if none was written)
    error: str | None = None      # the first error, as file:line: message
    pdf: bytes | None = None

    def overfull(self) -> list[float]:
        """Widths in pt of every `Overfull \\hbox` the log reports."""
        return overfull_boxes(self.log)


def have_tex() -> bool:
    return shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


BUILD_NAME = "report"         # the source's name inside the build directory


def build_pdf(source: str, source_name: str = f"{BUILD_NAME}.tex",
              timeout: float | None = None) -> Build:
    """Compile LaTeX `source` with latexmk in a fresh temporary directory.

    The source is built as report.tex there, whatever the user's file is called (a name
    with % # ~ $ or spaces would break TeX); `source_name` is what messages call it.
    Raises NoTeX when latexmk/pdflatex are missing. Nothing is written outside the
    temporary directory; the caller decides where the PDF and log go.
    """
    if not have_tex():
        raise NoTeX(INSTALL_HINT)
    timeout = BUILD_TIMEOUT if timeout is None else timeout
    own = f"{BUILD_NAME}.tex"
    with tempfile.TemporaryDirectory(prefix="backprop-sym-") as tmp:
        (Path(tmp) / own).write_text(source, encoding="utf-8")
        env = dict(os.environ, max_print_line="10000")   # one log line per message
        if env.get("SOURCE_DATE_EPOCH"):
            # pdfTeX then takes every date of the PDF from SOURCE_DATE_EPOCH: two builds of
            # one source are byte-identical (the trailer ID is cleared in the preamble)
            env["FORCE_SOURCE_DATE"] = "1"
        try:
            proc = subprocess.run([*LATEXMK, own], cwd=tmp, env=env, timeout=timeout,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  errors="replace")
            code, output = proc.returncode, proc.stdout + proc.stderr
        except subprocess.TimeoutExpired:
            code, output = None, ""
        logfile = Path(tmp) / f"{BUILD_NAME}.log"
        log = logfile.read_text(encoding="utf-8", errors="replace") if logfile.exists() else ""
        pdf = Path(tmp) / f"{BUILD_NAME}.pdf"
        if code is None:
            return Build(False, log, f"{source_name}: LaTeX did not finish within {timeout:g} s")
        if code != 0 or not pdf.exists():
            error = first_error(log, own) or (f"{own}: latexmk failed (exit {code}): "
                                              f"{_last_line(output) or 'no message'}")
            if error.startswith(own + ":"):
                error = source_name + error[len(own):]
            return Build(False, log, error)
        return Build(True, log, None, pdf.read_bytes())


_FILE_LINE = re.compile(r"^(?:\./)?([^\s:][^:]*\.(?:tex|sty|cls|def|cfg|clo|fd)):(\d+): (.*)$")


def first_error(log: str, fallback_file: str = "report.tex") -> str | None:
    """The first error of a pdflatex log as `file:line: message`, or None."""
    lines = log.splitlines()
    for i, line in enumerate(lines):
        m = _FILE_LINE.match(line)
        if m:
            path, lineno, msg = m.groups()
            return f"{os.path.basename(path)}:{lineno}: {msg.strip()}"
        if line.startswith("! "):
            lineno = next((mm.group(1) for mm in (re.match(r"^l\.(\d+)", l) for l in lines[i:i + 30])
                           if mm), "?")
            return f"{fallback_file}:{lineno}: {line[2:].strip()}"
    return None


def overfull_boxes(log: str) -> list[float]:
    return [float(m) for m in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]


def _last_line(text: str) -> str:
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    return lines[-1] if lines else ""
