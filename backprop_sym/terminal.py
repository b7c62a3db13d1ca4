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
         "┴": "+", "╇": "+", "╈": "+", "█": "#", "╸": "-"}


def _ascii_replace(err: UnicodeError) -> tuple[str, int]:
    """Characters the stream cannot encode, in ASCII: known symbols spelled out, others as
    \\N{NAME} or \\uXXXX."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    bad = err.object[err.start:err.end]
    out = []
    for ch in bad:
        if ch in ASCII:
            out.append(ASCII[ch])
        else:
            out.append(ch.encode("ascii", "backslashreplace").decode("ascii"))
    return "".join(out), err.end


def spelled(text: str) -> str:
    """Text with the symbols of `ASCII` spelled out (Δ -> Delta)."""
    return "".join(ASCII.get(ch, ch) for ch in text)


def ascii_fallback() -> None:
    """Where stdout or stderr cannot encode Unicode (PYTHONIOENCODING=cp1252, LANG=C), let
    them write ASCII spellings instead of failing."""
    import codecs
    try:
        codecs.lookup_error("backprop_sym_ascii")
    except LookupError:
        codecs.register_error("backprop_sym_ascii", _ascii_replace)
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            "Δ∂Σ≥—→⊙𝒞".encode(encoding)
        except UnicodeEncodeError:
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                with contextlib.suppress(ValueError):
                    reconfigure(errors="backprop_sym_ascii")
        except LookupError:
            pass


def color(stream) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")
