"""The one rule for the files a command writes: never one of its own input files, with or
without --force. Paths are compared resolved (symlinks, `a/../x`) and, when both exist, by
identity (`os.path.samefile`: hard links, a case-insensitive file system). Checked before
any work is done; a clash is a usage error (exit 2) naming both paths."""
from __future__ import annotations

import os
from collections.abc import Iterable

from .base import Fail


def same_file(a, b) -> bool:
    """Do two paths name the same file (resolved, or by identity when both exist)?"""
    try:
        if os.path.realpath(a) == os.path.realpath(b):
            return True
        return os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def refuse_overwriting_inputs(outputs: Iterable[tuple[str, object]],
                              inputs: Iterable[tuple[str, object]]) -> None:
    """Fail when an output names an input: outputs and inputs are (what, path) pairs, e.g.
    ("--out notes.pdf writes", "notes.tex") and ("the --claims file", "notes.tex")."""
    inputs = [(what, path) for what, path in inputs if path is not None]
    for out_what, out in outputs:
        if out is None:
            continue
        for in_what, path in inputs:
            if same_file(out, path):
                raise Fail(f"{out_what} {out}, which is {in_what} {path}: a command never "
                           f"writes over its own input (not even with --force); choose "
                           f"another output file name")
