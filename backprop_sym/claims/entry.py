"""The public entry points' arguments (`check.check_text`, `check_claim`, `check_file`)
checked before any work: the kind of document, the time budget, the example counts and
the shapes; a bad one is a UsageError naming it and what is expected."""
from __future__ import annotations

from ..engine import arguments as numbers
from ..engine.errors import UsageError
from ..engine.network import ShapeError, parse_widths
from . import budget, documents

KINDS = (documents.MARKDOWN, documents.LATEX, documents.HTML, documents.NOTEBOOK)


def arguments(options: dict, kind: str = documents.MARKDOWN) -> budget.Budget:
    """The entry points' arguments checked (a UsageError names the one that is wrong and
    what is expected); the time budget taken out of `options` (its deadline set in them)."""
    if kind not in KINDS:
        raise UsageError(f"kind = {kind!r}: expected one of {', '.join(KINDS)}")
    limits = budget.make(options.pop("timeout", None),
                         options.pop("claim_timeout", budget.DEFAULT_CLAIM_SECONDS))
    if options.get("samples") is not None:
        options["samples"] = numbers.counts(options["samples"], "samples")
    if options.get("shapes") is not None:
        try:
            options["shapes"] = [parse_widths(s) for s in options["shapes"]]
        except (TypeError, ShapeError) as err:
            raise UsageError(f"shapes = {options['shapes']!r}: {err}; expected a list of "
                             f"widths tuples such as [(2, 3, 2)]") from None
    options["timeout"] = limits.run       # make_options' deadline: that of `limits`
    return limits
