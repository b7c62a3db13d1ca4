"""What counts as the relation of an equation: the one table the reader asks.

An equation's sides are joined by `=` or by one of the spellings of a definition
(`\\equiv`, `:=`, `\\coloneqq`, `\\triangleq`, `\\doteq`, `\\stackrel{\\text{def}}{=}`,
`\\overset{\\text{def}}{=}`); each is read as `=`. The documents reader (does a row
hold an equation of its own?), the prescan of a claim (is there a relation at all?)
and the grammar (whose `REL` terminal is `=`: `parse` hands it the text `masked`, each
relation written as `=`) all take them from `SPELLINGS` here, so a spelling added here
is read everywhere.
"""
from __future__ import annotations

import re

# (the TeX, a regular expression matching it): the plain '=' not when it is part of
# <=, >=, !=, := or \= (each of those is something else, or spelled below)
_DEF_WORD = r"\{\s*(?:\\(?:text|mathrm|textrm|rm)\s*\{\s*def\s*\}|def)\s*\}"
SPELLINGS: tuple[tuple[str, str], ...] = (
    ("=", r"(?<![<>!:\\])="),
    ("\\equiv", r"\\equiv(?![a-zA-Z])"),
    (":=", r":="),
    ("\\coloneqq", r"\\coloneqq(?![a-zA-Z])"),
    ("\\triangleq", r"\\triangleq(?![a-zA-Z])"),
    ("\\doteq", r"\\doteq(?![a-zA-Z])"),
    ("\\stackrel{\\text{def}}{=}",
     r"\\(?:stackrel|overset)\s*" + _DEF_WORD + r"\s*(?:\{\s*=\s*\}|=)"),
)

RELATION = re.compile("|".join(f"(?:{rx})" for _, rx in SPELLINGS))


def has_relation(text: str) -> bool:
    """Does the text hold a relation (an `=` or one of its spellings)?"""
    return RELATION.search(text) is not None


def starts_with_relation(text: str) -> bool:
    """Does the text (after spaces) start with a relation, as a row `= ...` that
    continues the row before?"""
    return RELATION.match(text.lstrip()) is not None


def ends_with_relation(text: str) -> bool:
    """Does the text (before spaces) end with a relation, as a column `a =` whose right-hand
    side is in the next column?"""
    stripped = text.rstrip()
    return any(end == len(stripped) for _, end in spans(stripped))


def spans(text: str) -> list[tuple[int, int]]:
    """Where the relations in the text are: (start, end) of each."""
    return [m.span() for m in RELATION.finditer(text)]


def masked(text: str) -> str:
    """The text with each relation written as '=' padded with spaces to its length, so
    that the commands it is spelled with (\\stackrel, \\text) are not read as others."""
    return RELATION.sub(lambda m: "=" + " " * (len(m.group(0)) - 1), text)
