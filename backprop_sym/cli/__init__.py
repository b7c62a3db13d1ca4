"""The command line: one module per command (`verify`, `check`, `report`, `grade`,
`prove`), each of which parses its options, calls the library and prints; the kinds of
value they take, validated once (`types`); the options they share (`options`); and how
every command ends (`base`). `main` is the `backprop-sym` entry point.

Exit codes: 0 everything proved, 1 something refuted (or ill-formed), 2 usage error,
3 something unknown and nothing refuted, 4 no TeX (report), 5 nothing checked (check);
and for ends that are no verdict: 70 internal error, 130 Ctrl-C, 141 output pipe closed,
143 SIGTERM.
"""
from __future__ import annotations

import click

from .. import __version__
from .base import DEBUG_ENV, Fail, Main
from .check import check
from .grade import grade
from .prove import prove
from .report import report
from .verify import verify

__all__ = ["main", "Fail", "DEBUG_ENV"]


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="backprop-sym")
def main():
    """Exact, symbolic verification of backpropagation.

    Builds the explicit expressions of a small network with SymPy, differentiates its
    squared-error cost directly, and proves (or refutes, with a witness) the closed-form
    rules for Δ, ∂C/∂w and ∂C/∂b. No floating-point tolerance decides anything.

    \b
    Examples:
      backprop-sym verify --widths 2,3,2 --activation sigmoid
      backprop-sym verify --depth 3 --width 4 --json
      backprop-sym report --widths 2,3,2 --out reports/two-layer.pdf
      backprop-sym check derivations/mistakes.md

    Run 'backprop-sym COMMAND --help' for the options of each command.
    """


for command in (verify, check, report, grade, prove):
    main.add_command(command)
