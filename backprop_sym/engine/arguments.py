"""The numeric arguments of the public API, validated once: a time budget in seconds
(`seconds`), a whole number at least 1 (`count`) and a list of them (`counts`). A bad value
is a `UsageError` naming the argument, what was given and what is expected; the command
line's types (`cli.types`) call the same functions, so the API and the CLI agree. Also
the default time budget of one claim (light to import: the CLI's help shows it)."""
from __future__ import annotations

import math
import numbers

from .errors import UsageError

# seconds per claim of a check (claims.budget); the slowest claim of derivations/ and of a
# corpus of published derivations took 0.7 s when measured, the heaviest known 50 s and more
CLAIM_SECONDS = 20.0


def seconds(value, name: str = "timeout", *, optional: bool = True) -> float | None:
    """A time budget: a positive, finite number of seconds (None: no budget, when
    `optional`). A bool, a string, nan, inf, 0 and negative numbers are refused."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise UsageError(f"{name} = {value!r}: expected a positive, finite number of seconds"
                         + (" (or None for no limit)" if optional else ""))
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise UsageError(f"{name} = {value!r}: expected a positive, finite number of seconds"
                         + (" (or None for no limit)" if optional else ""))
    return number


def count(value, name: str, *, minimum: int = 1) -> int:
    """A whole number at least `minimum` (a bool or 2.0 is refused: give an int)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise UsageError(f"{name} = {value!r}: expected a whole number (an int) at least "
                         f"{minimum}")
    if value < minimum:
        raise UsageError(f"{name} = {value!r}: expected a whole number at least {minimum}")
    return int(value)


def counts(values, name: str, *, optional: bool = True) -> tuple[int, ...] | None:
    """A non-empty list of whole numbers, each at least 1 (None: chosen for you, when
    `optional`)."""
    if values is None and optional:
        return None
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise UsageError(f"{name} = {values!r}: expected a list of whole numbers, each at "
                         f"least 1, such as (1, 2, 3)")
    out = tuple(count(v, f"{name}[{i}]") for i, v in enumerate(values))
    if not out:
        raise UsageError(f"{name} = {values!r}: expected at least one whole number")
    return out
