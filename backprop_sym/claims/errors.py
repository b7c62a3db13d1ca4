"""The errors the claim reader raises, on the package's one base (engine.errors).

`ParseError`: text that is not well-formed notation; `UnsupportedNotation`: text that is
not a claim the checker reads (skipped); `IllFormed`: a claim that names no network
quantity correctly; `Skip`: a statement read but not checked (a definition, a statement
about the cost alone); `Unusable`: a declaration f(z) = ... that names no activation the
checker can use.
"""
from __future__ import annotations

from ..engine.errors import BackpropSymError, Unsupported


class ParseError(BackpropSymError, ValueError):
    """Text that is not well-formed notation. `pos` is a 0-based offset into the text."""

    def __init__(self, message: str, pos: int, expected: list[str] | None = None):
        super().__init__(message)
        self.message, self.pos, self.expected = message, pos, expected or []


class UnsupportedNotation(Unsupported, ValueError):
    """Text that is not a claim the checker reads (prose, \\dots, an inequality...): a
    caller skips it. (Not engine.canonical.Unsupported, an expression the engine cannot
    put in canonical form; both are errors.Unsupported.)"""

    def __init__(self, reason: str, pos: int = 0):
        super().__init__(reason)
        self.reason, self.pos = reason, pos


class IllFormed(BackpropSymError):
    """A claim that does not describe network quantities (an index out of range, shapes
    that do not match, a layer that does not exist)."""


class Skip(BackpropSymError):
    """A statement that is read but is not a claim the checker checks."""


class Unusable(BackpropSymError):
    """A declaration f(z) = ... that names no activation the checker can use."""
