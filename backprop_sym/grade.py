"""Grading submissions: each file's backward, proved with `check_implementation`, each in a
process of its own.

THE SUBMISSIONS' CODE IS EXECUTED (imported, and its backward called) with the rights of
the user running the grader. Each file runs in its own process, killed at the timeout, so
a crash, an infinite loop, `sys.exit` or a huge allocation in one file does not stop the
others; its output is discarded. One row per file: status, the first failing entry, its
hint, a detail (the error or the reason) and the seconds.
"""
from __future__ import annotations

import csv
import functools
import importlib.util
import io
import os
import sys
import time
import traceback
from pathlib import Path

from .engine import runner
from .engine.vocabulary import Status, worst

COLUMNS = ("file", "status", "first", "hint", "detail", "seconds")


def submissions(target) -> list[Path]:
    """The file itself, or every *.py file of a folder, sorted."""
    path = Path(target)
    if path.is_dir():
        return sorted(p for p in path.glob("*.py") if p.is_file())
    return [path]


def _row(path, status, first=None, hint=None, detail=None, seconds=0.0) -> dict:
    return {"file": str(path), "status": status, "first": first, "hint": hint,
            "detail": detail, "seconds": round(seconds, 3)}


def _load(path: Path, entry: str):
    """The submission's function `entry`, from a fresh module."""
    name = f"submission_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.path.insert(0, str(path.parent))
    spec.loader.exec_module(module)
    fn = getattr(module, entry, None)
    if not callable(fn):
        raise LookupError(f"{path.name} defines no function {entry!r} (use --entry to name it)")
    return fn


def _load_error(path: Path, err: BaseException) -> str:
    if isinstance(err, LookupError):
        return str(err)
    if isinstance(err, SyntaxError):
        return f"{path.name} does not parse: {err.msg} (at {err.filename}:{err.lineno})"
    what = (f"sys.exit({err.code!r})" if isinstance(err, SystemExit)
            else f"{type(err).__name__}: {err}")
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if Path(f.filename).resolve() == path.resolve()]
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"loading {path.name} raised {what}{where}"


def _child(conn, path: Path, entry: str, options: dict):
    """In the submission's process: load, check, send one row; its output is discarded."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = sys.stderr = io.StringIO()
    t0 = time.perf_counter()
    try:
        fn = _load(path, entry)
    except BaseException as err:                     # noqa: B036 (its own process)
        conn.send(_row(path, Status.ERROR, detail=_load_error(path, err),
                       seconds=time.perf_counter() - t0))
        return

    @functools.wraps(fn)
    def backward(*args, **kw):
        out = fn(*args, **kw)
        conn.send(RETURNED)                          # past this, a timeout is ours
        return out

    from .engine.implementation import check_implementation
    try:
        result = check_implementation(backward, **options)
    except BaseException as err:                     # noqa: B036
        conn.send(_row(path, Status.UNKNOWN, detail=f"the check failed: {type(err).__name__}: "
                                                    f"{err}", seconds=time.perf_counter() - t0))
        return
    bad = result.first_failure
    conn.send(_row(path, result.status,
                   first=result.label(bad) if bad is not None else None,
                   hint=bad.hint if bad is not None else None,
                   detail=(result.error or (bad.reason if bad is not None else None)),
                   seconds=time.perf_counter() - t0))


RETURNED = "returned"        # the submission's backward returned: the rest is the checker's


def grade_one(path: Path, entry: str, options: dict, timeout: float) -> dict:
    """One submission in its own process (`runner.run`), killed at `timeout` seconds."""
    t0 = time.perf_counter()
    got: dict = {"returned": False, "row": None}

    def receive(message) -> bool:
        if message == RETURNED:
            got["returned"] = True
            return False
        got["row"] = message
        return True

    ended = runner.run(_child, [(path, entry, options)], receive,
                       deadline=time.monotonic() + timeout)
    seconds = time.perf_counter() - t0
    row = got["row"]
    if row is not None:
        row["seconds"] = round(seconds, 3)
        return row
    if ended.timed_out:
        if got["returned"]:
            return _row(path, Status.UNKNOWN,
                        detail=f"the check did not finish within {timeout:g} s", seconds=seconds)
        return _row(path, Status.ERROR, detail=f"backward did not return within {timeout:g} s",
                    seconds=seconds)
    code = ended.exitcodes[0]
    how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    return _row(path, Status.ERROR, detail=f"the submission's process ended without a result "
                                           f"({how})", seconds=seconds)


def overall(rows: list[dict]) -> Status:
    """The status of a run: the worst of its rows (proved when there are none)."""
    return worst((r["status"] for r in rows), empty=Status.PROVED)


def write_csv(rows: list[dict], path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for r in rows:
            writer.writerow({k: "" if r[k] is None else r[k] for k in COLUMNS})
