"""Terminal output: the results table of verify, its summary line, a verify witness as
text, and a progress bar."""
from __future__ import annotations

import contextlib
import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .engine import costs, rules
from .engine.verify import Result
from .engine.vocabulary import Status
from .engine.witness import Witness
from .terminal import color, spelled

STYLE = {Status.PROVED: "green", Status.REFUTED: "bold red", Status.UNKNOWN: "yellow"}


class _Console(Console):
    """A console whose closed pipe is the CLI's to handle (exit 141), not rich's exit 1."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


def make_console(file=None) -> Console:
    """A rich console: on a terminal, colours (unless NO_COLOR) and its width; piped, no
    colour and no line broken at 80 columns."""
    file = file or sys.stdout
    if color(file):
        return _Console(file=file, highlight=False)
    return _Console(file=file, highlight=False, no_color=True, color_system=None,
                    soft_wrap=True, width=10_000)


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@contextlib.contextmanager
def progress(total: int, enabled: bool, label: str = "verifying"):
    """A progress bar on stderr (only when stderr is a terminal); yields a tick(check)."""
    if not enabled:
        yield None
        return
    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=make_console(sys.stderr), transient=True)
    with bar:
        task = bar.add_task("checks", total=total)
        yield lambda check: bar.advance(task)


def witness_text(w: Witness | dict | None) -> str:
    """A verify witness (a `Witness`, or its JSON), where left is the direct derivative
    and right the rule; or the reason a check was refuted without values."""
    from .engine.witness import text
    if not w:
        return ""
    if not isinstance(w, Witness) and "values" not in w:
        return "; ".join(str(v) for v in w.values())
    return text(w).replace("left=", "direct=", 1).replace(", right=", ", rule=", 1)


def shown(console: Console, text: str) -> str:
    """Text as the console's encoding can show it (so that tables keep their columns)."""
    return text if console.encoding.lower().startswith("utf") else spelled(text)


def _rule_text(shape, kind: str) -> str:
    """The rule as checked: the registry's text, or under a cost, reduction or L2 other
    than the defaults the statement with them (`rules.statement`)."""
    options = (getattr(shape, "cost", costs.DEFAULT),
               getattr(shape, "reduction", costs.DEFAULT_REDUCTION),
               bool(getattr(shape, "l2", False)))
    if options == (costs.DEFAULT, costs.DEFAULT_REDUCTION, False):
        return rules.get(kind, shape.convention).text
    return rules.statement(kind, shape.convention, *options)[1]


def checked_rules(result: Result) -> dict[str, str]:
    """The text of each rule a run checked, under its cost, reduction and L2, in the
    order the checks ran."""
    return {kind: _rule_text(result.shape, kind)
            for kind in dict.fromkeys(c.rule for c in result.checks)}


def print_result(result: Result, console: Console | None = None) -> None:
    console = console or make_console()
    conv = result.shape.convention
    console.print(f"[bold]backprop-sym verify[/]: {result.shape.describe()}")
    table = Table(show_lines=False)
    table.add_column("rule")
    table.add_column("instance")
    table.add_column("verdict")
    table.add_column("time", justify="right")
    last = None
    for kind, text in checked_rules(result).items():
        console.print(f"  {kind:<13} {shown(console, text)}")
    for c in result.checks:
        name = c.rule if c.rule != last else ""
        last = c.rule
        verdict = f"[{STYLE[Status(c.status)]}]{c.status}[/]"
        table.add_row(name, shown(console, c.instance.label(conv)), verdict,
                      f"{c.seconds:.3f} s")
    console.print(table)
    bad = [c for c in result.checks if c.status != Status.PROVED]
    for c in bad[:20]:
        detail = witness_text(c.witness) or c.reason or ""
        console.print(f"[{STYLE[Status(c.status)]}]{c.status}[/] {c.rule} {c.instance.label(conv)}: "
                      f"{detail}", soft_wrap=True)
    if len(bad) > 20:
        console.print(f"... and {len(bad) - 20} more not proved (use --json for all)")
    console.print(f"[{STYLE[Status(result.status)]}]{result.summary()}[/]")
