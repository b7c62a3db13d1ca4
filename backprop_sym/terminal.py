"""The terminal itself: colour only where it is wanted, and ASCII where the stream's
encoding cannot show Unicode. Imports nothing heavy: the CLI calls it before any work."""
from __future__ import annotations

import contextlib
import os
import sys

# what a terminal shows when its encoding cannot (cp1252 on a Windows pipe, ASCII)
ASCII = {"Δ": "Delta", "δ": "delta", "∂": "d", "Σ": "sum", "σ": "sigma", "𝒞": "C_avg",
         "≥": ">=", "≤": "<=", "≠": "!=", "→": "->", "←": "<-", "—": "--", "–": "-",
         "…": "...", "⊙": "(.)", "′": "'", "·": "*", "×": "x", "½": "1/2", "‖": "||",
         "∇": "grad", "ε": "eps", "φ": "phi", "∘": "o", "⁰": "^0", "¹": "^1", "²": "^2",
         "ⁿ": "^n", "✓": "ok", "⟨": "<", "⟩": ">", "∑": "sum", "│": "|", "─": "-",
         "┃": "|", "━": "-", "┏": "+", "┓": "+", "┗": "+", "┛": "+", "┡": "+", "┩": "+",
         "└": "+", "┘": "+", "┌": "+", "┐": "+", "├": "+", "┤": "+", "┼": "+", "┬": "+",
         "┴": "+", "╇": "+", "╈": "+", "█": "#", "╸": "-", "−": "-", "⋅": "*", "≈": "~",
         "∈": " in ", "∀": "for all ", "∞": "inf", "ℓ": "l", "⇒": "=>", "ᵀ": "^T", "•": "*",
         "✗": "x", "λ": "lambda", "Λ": "Lambda", "“": '"', "”": '"', "‘": "'", "’": "'"}


ENCODING = "backprop-sym-ascii"     # ASCII, with every other character spelled out


def spelled(text: str) -> str:
    """Text in ASCII: the symbols of `ASCII` spelled out (Δ -> Delta), Greek letters by
    name, box drawing as + - |, super- and subscripts as ^2 and _1, other letters without
    their accents, and '?' for what has no spelling."""
    return "".join(ch if ch.isascii() else _spell(ch) for ch in text)


def _spell(ch: str) -> str:
    import unicodedata
    if ch in ASCII:
        return ASCII[ch]
    name = unicodedata.name(ch, "")
    if name.startswith("GREEK") and " LETTER " in name:
        letter = name.split(" LETTER ")[1].split()[0].lower()
        return letter.capitalize() if " CAPITAL " in name else letter
    if name.startswith("BOX DRAWINGS"):
        kind = "AND" if " AND " in name else "HORIZONTAL" if "HORIZONTAL" in name else \
            "VERTICAL" if "VERTICAL" in name else "AND"
        horizontal = "=" if "DOUBLE HORIZONTAL" in name else "-"
        return {"HORIZONTAL": horizontal, "VERTICAL": "|"}.get(kind, "+")
    plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii())
    plain = plain or LETTERS.get(ch, "")
    if plain and name.startswith("SUPERSCRIPT"):
        return "^" + plain
    if plain and name.startswith("SUBSCRIPT"):
        return "_" + plain
    return plain or "?"


LETTERS = {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss", "Æ": "AE", "æ": "ae",
           "Œ": "OE", "œ": "oe", "Đ": "D", "đ": "d"}


def _spell_error(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    return spelled(err.object[err.start:err.end]), err.end


def _codec(name: str):
    """The codec ENCODING: ASCII bytes, whatever cannot be encoded spelled out."""
    import codecs
    if name.replace("_", "-") != ENCODING:
        return None

    class Encoder(codecs.IncrementalEncoder):
        def encode(self, text: str, final: bool = False) -> bytes:
            return text.encode("ascii", ENCODING)

    return codecs.CodecInfo(
        name=ENCODING, encode=lambda text, errors="strict": (text.encode("ascii", ENCODING),
                                                             len(text)),
        decode=codecs.ascii_decode, incrementalencoder=Encoder,
        incrementaldecoder=codecs.getincrementaldecoder("ascii"))


def ascii_fallback() -> None:
    """Where stdout or stderr cannot encode Unicode (PYTHONIOENCODING=cp1252 or ascii;
    LC_ALL=C with PYTHONUTF8=0), let them write ASCII, with every other character spelled
    out, instead of failing."""
    import codecs
    try:
        codecs.lookup(ENCODING)
    except LookupError:
        codecs.register_error(ENCODING, _spell_error)
        codecs.register(_codec)
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            unicode = codecs.lookup(encoding).name.startswith("utf")
        except LookupError:
            unicode = False
        reconfigure = getattr(stream, "reconfigure", None)
        if not unicode and reconfigure is not None:
            with contextlib.suppress(ValueError):
                reconfigure(encoding=ENCODING, errors="strict")


def color(stream) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")
