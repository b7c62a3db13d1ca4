"""Terminal output: the results table, the summary line, and a progress bar."""
from __future__ import annotations

import contextlib
import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import terminal
from .engine import rules
from .engine.verify import Result

STYLE = {"proved": "green", "refuted": "bold red", "unknown": "yellow"}


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
                   TimeElapsedColumn(), console=terminal.console(sys.stderr),
                   transient=True)
    with bar:
        task = bar.add_task("checks", total=total)
        yield lambda check: bar.advance(task)


def witness_text(w: dict | None) -> str:
    if not w:
        return ""
    if "reason" in w and "values" not in w:
        return w["reason"]
    vals = ", ".join(f"{k}={v}" for k, v in w["values"].items())
    f = f"{w['f']}; " if "f" in w else ""
    return f"{f}direct={w['direct']}, rule={w['rule']} at {vals}"


def print_result(result: Result, console: Console | None = None) -> None:
    console = console or terminal.console()
    conv = result.shape.convention
    console.print(f"[bold]backprop-sym verify[/]: {result.shape.describe()}")
    table = Table(show_lines=False)
    table.add_column("rule")
    table.add_column("instance")
    table.add_column("verdict")
    table.add_column("time", justify="right")
    last = None
    for kind in dict.fromkeys(c.rule for c in result.checks):
        console.print(f"  {kind:<13} {rules.get(kind, conv).text}")
    for c in result.checks:
        name = c.rule if c.rule != last else ""
        last = c.rule
        verdict = f"[{STYLE[c.status]}]{c.status}[/]"
        table.add_row(name, c.instance.label(conv), verdict, f"{c.seconds:.3f} s")
    console.print(table)
    bad = [c for c in result.checks if c.status != "proved"]
    for c in bad[:20]:
        detail = witness_text(c.witness) or c.reason or ""
        console.print(f"[{STYLE[c.status]}]{c.status}[/] {c.rule} {c.instance.label(conv)}: "
                      f"{detail}", soft_wrap=True)
    if len(bad) > 20:
        console.print(f"... and {len(bad) - 20} more not proved (use --json for all)")
    console.print(f"[{STYLE[result.status]}]{result.summary()}[/]")
