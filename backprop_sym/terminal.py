"""The output streams: colour only on a terminal without NO_COLOR, no wrapping when
piped, and ASCII when the stream's encoding cannot show Unicode (a Windows pipe)."""
from __future__ import annotations

import codecs
import os
import sys
import unicodedata

ASCII = "backprop-sym-ascii"
PIPE_WIDTH = 10_000          # piped output: lines as long as they are, never wrapped

SPELLED = {
    "Δ": "Delta", "∂": "d", "Σ": "sum", "∑": "sum", "∇": "grad", "𝒞": "C", "ℓ": "l",
    "‖": "||", "½": "1/2", "−": "-", "–": "-", "—": "--", "≥": ">=", "≤": "<=",
    "≠": "!=", "≈": "~", "·": "*", "⋅": "*", "×": "x", "∘": "o", "⊙": "(.)", "→": "->",
    "←": "<-", "⇒": "=>", "…": "...", "′": "'", "∈": " in ", "∀": "for all ", "∞": "inf",
    "“": '"', "”": '"', "‘": "'", "’": "'", "•": "*", "✓": "ok", "✗": "x", "ᵀ": "^T",
    "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE",
    "œ": "oe", "Đ": "D", "đ": "d",
}


def is_terminal(stream=None) -> bool:
    stream = sys.stdout if stream is None else stream
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def color(stream=None) -> bool:
    """Colour codes are written only to a terminal, and never when NO_COLOR is set."""
    return is_terminal(stream) and not os.environ.get("NO_COLOR")


def console(stream=None):
    """A rich Console for `stream` (stdout by default) that follows these rules, spells
    text in ASCII before measuring it when the stream needs it, and lets a closed pipe
    raise BrokenPipeError (the caller exits 141)."""
    from rich.console import Console

    stream = sys.stdout if stream is None else stream
    spell = needs_ascii(stream)

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

        def render_str(self, text: str, **options):
            return super().render_str(ascii_text(text) if spell else text, **options)

    terminal = is_terminal(stream)
    return _Console(file=stream, highlight=False, force_terminal=terminal,
                    color_system="auto" if color(stream) else None,
                    width=None if terminal else PIPE_WIDTH, soft_wrap=not terminal)


def ascii_text(text: str) -> str:
    """`text` spelled in ASCII: Δ -> Delta, ∂ -> d, Σ -> sum, box drawing -> + - |,
    other letters without their accents; '?' for what has no spelling."""
    return "".join(ch if ch.isascii() else _spell(ch) for ch in text)


def _spell(ch: str) -> str:
    if ch in SPELLED:
        return SPELLED[ch]
    name = unicodedata.name(ch, "")
    if name.startswith("GREEK"):
        letter = name.split(" LETTER ")[-1].split()[0].lower()
        return letter.capitalize() if " CAPITAL " in name else letter
    if name.startswith("BOX DRAWINGS"):
        kind = "AND" if " AND " in name else "HORIZONTAL" if "HORIZONTAL" in name else \
            "VERTICAL" if "VERTICAL" in name else "AND"
        return {"HORIZONTAL": "-", "VERTICAL": "|"}.get(kind, "+")
    plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii())
    if name.startswith("SUPERSCRIPT"):
        return "^" + plain
    if name.startswith("SUBSCRIPT"):
        return "_" + plain
    return plain or "?"


def _replace(err: UnicodeError):
    if not isinstance(err, UnicodeEncodeError):
        raise err
    return ascii_text(err.object[err.start:err.end]), err.end


class _Encoder(codecs.IncrementalEncoder):
    def encode(self, text: str, final: bool = False) -> bytes:
        return text.encode("ascii", ASCII)


def _search(name: str):
    if name.replace("_", "-") != ASCII:
        return None
    return codecs.CodecInfo(
        name=ASCII, encode=lambda text, errors="strict": (text.encode("ascii", ASCII),
                                                          len(text)),
        decode=codecs.ascii_decode, incrementalencoder=_Encoder,
        incrementaldecoder=codecs.getincrementaldecoder("ascii"))


def needs_ascii(stream) -> bool:
    """True when the stream's encoding is not Unicode (this module's ASCII included)."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return False
    try:
        return not codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return True


def setup_streams() -> None:
    """Give stdout and stderr the ASCII spelling when their encoding is not Unicode."""
    for stream in (sys.stdout, sys.stderr):
        if needs_ascii(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding=ASCII, errors="strict")


codecs.register_error(ASCII, _replace)
codecs.register(_search)
