"""What a failed parse of the grammar means, said in the words of the notation.

`explain` turns lark's error (an unexpected token or character, or the end of the text)
into a ParseError naming what was found, where, and what the grammar would have accepted
there ("a term (a letter, a number, \\Delta, f(...), (...), \\frac, \\sum)", "'}'", ...).
"""
from __future__ import annotations

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import ParseError
from .prescan import COMMAND

_NAMES = {"REL": "'='", "PLUS": "'+'", "MINUS": "'-'", "MULOP": "an operator (\\cdot, \\odot)",
          "SUM": "\\sum", "PARTIAL": "\\partial", "GREEK": "\\Delta", "FN": "f",
          "FUNC": "\\exp", "EULER": "e^{", "FRAC": "\\frac", "DIGIT": "a digit", "LETTER": "a letter",
          "NUMBER": "a number", "TOP": "\\top", "PRIMECMD": "\\prime", "PRIME": "'",
          "_MATHCAL": "\\mathcal", "_SUP": "'^'", "_SUB": "'_'", "_LPAR": "'('",
          "_RPAR": "')'", "_LBRACK": "'['", "_RBRACK": "']'", "_LBRACE": "'{'",
          "_RBRACE": "'}'", "_COMMA": "','", "_DOT": "'.'", "_SEMI": "';'",
          "$END": "the end of the equation"}
_TERM_START = {"LETTER", "NUMBER", "GREEK", "FN", "_LPAR", "FRAC", "SUM", "PARTIAL"}


def _describe(expected) -> list[str]:
    names = set(expected)
    out = []
    if len(names & _TERM_START) >= 4:
        out.append("a term (a letter, a number, \\Delta, f(...), (...), \\frac, \\sum)")
        names -= _TERM_START | {"_LBRACK", "_LBRACE", "_MATHCAL", "FUNC", "MINUS", "EULER"}
    out += sorted(_NAMES.get(n, n) for n in names)
    return out


def explain(err: UnexpectedInput, text: str) -> ParseError:
    if isinstance(err, UnexpectedToken) and err.token.type == "$END":
        pos, found = len(text.rstrip()), "the end of the equation"
        expected = _describe(err.expected)
    elif isinstance(err, UnexpectedToken):
        pos, found = err.token.start_pos, f"'{err.token}'"
        expected = _describe(err.expected)
    elif isinstance(err, UnexpectedCharacters):
        pos = err.pos_in_stream  # type: ignore[assignment]  # lark types it None
        m = COMMAND.match(text, pos)
        found = f"'{m.group(0) if m else text[pos]}'"
        expected = _describe(err.allowed or [])
    elif isinstance(err, UnexpectedEOF):
        pos, found = len(text.rstrip()), "the end of the equation"
        expected = _describe(err.expected)
    else:                                   # pragma: no cover - lark's other errors
        pos, found, expected = 0, "?", []
    msg = f"unexpected {found}"
    if expected:
        msg += "; expected " + (expected[0] if len(expected) == 1 else
                                "one of: " + ", ".join(expected))
    return ParseError(msg, pos, expected)
