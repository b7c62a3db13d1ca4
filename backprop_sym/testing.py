"""Assertions for test suites: `assert_proved(result)` for the results of `verify`,
`check_implementation` and the claims of `backprop_sym.claims.check_*`.

A failure names the first instance that is not proved, its verdict, witness and hint.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from .engine.vocabulary import Status, worst

__all__ = ["NotProved", "assert_proved", "explain"]


class NotProved(AssertionError):
    """A result that is not a proof."""


def _witness(w) -> str:
    from .engine.witness import text
    return text(w)


def _first(items, status_of):
    """The first item with the worst status, unless that is a proof (or nothing)."""
    bad = worst(status_of(i) for i in items)
    if bad in (Status.PROVED, Status.EMPTY):
        return None
    return next(i for i in items if Status(status_of(i)) is bad)


def explain_claim(claim: dict) -> list[str]:
    """The lines that describe one checked claim that is not proved."""
    lines = [f"line {claim.get('line')}: {claim.get('status')}: {claim.get('latex')}"]
    if claim.get("reason"):
        lines.append(f"  reason: {claim['reason']}")
    if claim.get("witness"):
        lines.append(f"  witness: {_witness(claim['witness'])}")
    if claim.get("hint"):
        hint = claim["hint"]
        lines.append(f"  hint: {'; '.join(hint) if isinstance(hint, list) else hint}")
    return lines


def explain(result) -> list[str] | None:
    """None for a proof; otherwise lines naming the verdict and the first instance that is
    not proved, with its witness and hint."""
    from .engine.implementation import ImplementationResult
    from .engine.verify import Result

    if isinstance(result, Mapping):
        result = [result]
    if isinstance(result, Sequence) and not isinstance(result, str):
        claims = list(result)
        if not all(isinstance(c, Mapping) and "status" in c and "latex" in c for c in claims):
            raise TypeError("assert_proved takes a verify or check_implementation result, or "
                            "the claim dictionaries of backprop_sym.claims.check_*")
        bad = _first(claims, lambda c: c["status"])
        if bad is not None:
            counts: dict[str, int] = {}
            for c in claims:
                counts[c["status"]] = counts.get(c["status"], 0) + 1
            summary = ", ".join(f"{n} {s}" for s, n in counts.items())
            return [f"not proved: {summary}", *explain_claim(bad)]
        if not any(c["status"] == Status.PROVED for c in claims):
            return ["not proved: no claim was checked (every one was skipped, or none given)"]
        return None
    if isinstance(result, (Result, ImplementationResult)):
        if result.status == Status.PROVED:
            return None
        label = result.label if isinstance(result, ImplementationResult) else \
            (lambda c: c.instance.label(result.shape.convention))
        bad = _first(result.checks, lambda c: c.status)
        lines = [f"not proved: {result.status} ({result.shape.describe()})"]
        error = getattr(result, "error", None)
        if error:
            lines.append(f"  error: {error}")
        if bad is not None:
            lines.append(f"first: {bad.rule} {label(bad)}: {bad.status}")
            if bad.reason and bad.reason != getattr(result, "error", None):
                lines.append(f"  reason: {bad.reason}")
            if bad.witness:
                lines.append(f"  witness: {_witness(bad.witness)}")
            if getattr(bad, "hint", None):
                lines.append(f"  hint: {bad.hint}")
        return lines
    raise TypeError(f"assert_proved cannot read a {type(result).__name__}; expected a verify "
                    f"or check_implementation result, or claim dictionaries")


def assert_proved(result) -> None:
    """Raise `NotProved` (an AssertionError) unless `result` is a proof."""
    lines = explain(result)
    if lines is not None:
        raise NotProved("\n".join(lines))
