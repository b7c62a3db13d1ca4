"""The words every verdict is made of, in one place.

A status (`Status`), the order in which statuses outrank each other (`worst`), the exit
code each status ends a command with (`exit_code`), and the four rule kinds with every
label they are known by (`RULE_KINDS`: Nielsen's BP1-BP4, the course's (i)-(iv) and its
equation numbers). Commands, result types, reports and templates ask this module; none
spells a status, an exit code or a rule label of its own.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Status(str, enum.Enum):
    """A verdict. A `str`, so that JSON, templates and `status == "proved"` keep working."""

    PROVED = "proved"            # the difference reduced to exactly 0
    REFUTED = "refuted"          # a witness where the two sides differ
    UNKNOWN = "unknown"          # neither: budget spent, or nothing decided
    ILL_FORMED = "ill-formed"    # a claim that does not describe one network quantity
    SKIPPED = "skipped"          # not a claim: a definition, an example, prose
    ERROR = "error"              # an implementation that did not run
    CITED = "cited"              # a step taken from a proved lemma, not re-checked
    EMPTY = "empty"              # nothing was checked at all

    def __str__(self) -> str:
        return self.value

    # hashed as its text, so that {"proved": 1}[Status.PROVED] works (Enum hashes the name)
    __hash__ = str.__hash__

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


# most severe first; a status not listed (skipped) never decides a summary
SEVERITY = (Status.REFUTED, Status.ILL_FORMED, Status.ERROR, Status.UNKNOWN, Status.PROVED,
            Status.CITED)

EXIT_CODES = {Status.PROVED: 0, Status.CITED: 0, Status.REFUTED: 1, Status.ILL_FORMED: 1,
              Status.ERROR: 1, Status.UNKNOWN: 3, Status.EMPTY: 5}
EXIT_USAGE = 2           # bad input: a clear message naming what was expected
EXIT_NO_TEX = 4          # a PDF was asked for and TeX is not installed
EXIT_INTERNAL = 70       # a defect of the tool itself (EX_SOFTWARE)
EXIT_SIGTERM = 143       # 128 + SIGTERM


def worst(statuses: Iterable[str], empty: Status = Status.EMPTY) -> Status:
    """The status a collection ends with: the most severe one present (see SEVERITY),
    CITED counting as PROVED; `empty` when there is nothing but skipped items."""
    present = {Status(s) for s in statuses}
    for status in SEVERITY:
        if status in present:
            return Status.PROVED if status is Status.CITED else status
    return empty


def exit_code(status: str) -> int:
    return EXIT_CODES[Status(status)]


def counts(statuses: Iterable[str], kinds: Iterable[Status] = (Status.PROVED, Status.REFUTED,
                                                               Status.UNKNOWN)) -> dict:
    """{status: how many} for the given kinds, every kind present (0 when none)."""
    listed = [Status(s) for s in statuses]
    return {k.value: sum(s is k for s in listed) for k in kinds}


@dataclass(frozen=True)
class RuleKind:
    """One of the four rules and every name it is known by."""

    id: str              # the registry's key: output_delta, hidden_delta, ...
    nielsen: str         # Nielsen's numbering, ch. 2: BP1-BP4
    roman: str           # the course notes' (i)-(iv), as the reports number them
    equation: str        # the course notes' equation number
    name: str            # in words
    symbol: str          # the left-hand side in plain text


RULE_KINDS: dict[str, RuleKind] = {k.id: k for k in (
    RuleKind("output_delta", "BP1", "(i)", "(5)", "output error", "Δ^L_j"),
    RuleKind("hidden_delta", "BP2", "(ii)", "(6)", "error recursion", "Δ^l_j"),
    RuleKind("weight_grad", "BP4", "(iii)", "(7)", "weight gradient", "∂C/∂w^l_ij"),
    RuleKind("bias_grad", "BP3", "(iv)", "(8)", "bias gradient", "∂C/∂b^l_j"),
)}
KINDS = tuple(RULE_KINDS)


def rule_kind(kind: str) -> RuleKind:
    return RULE_KINDS[kind]
