"""Grading submissions: each file's backward, run in a process of its own that only
records what it returned, and judged by a process that never imported it.

THE SUBMISSIONS' CODE IS EXECUTED (imported, and its backward called) with the rights of
the user running the grader: run untrusted code in a container (see the README). For each
file `runner.run` starts a checker process; it forks the submission's process, which
closes every inherited file descriptor but one pipe of its own, discards its output,
imports the file and runs the calls of `implementation.plan` (`implementation.record`),
and writes what backward returned as JSON bytes (no pickle) to that pipe. The checker
reads at most `transport.MAX_BYTES`, then, with the submission's process gone, decodes
them under a whitelist and computes the expected gradients and the verdict
(`implementation.judge`): nothing of the engine or the expected values exists in the
submission's process, and anything it sends that is not one well-formed recording is an
error for that file, never a verdict. A crash, an infinite loop, `sys.exit` or a huge
allocation in one file does not stop the others. One row per file: status, the first
failing entry, its hint, a detail (the error or the reason, and which call) and seconds.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import os
import signal
import sys
import time
import traceback
from pathlib import Path

from .engine import implementation, runner, transport
from .engine.vocabulary import Status, worst

COLUMNS = ("file", "status", "first", "hint", "detail", "seconds")


def submissions(target) -> list[Path]:
    """The file itself, or every *.py file of a folder, sorted."""
    path = Path(target)
    if path.is_dir():
        return sorted(p for p in path.glob("*.py") if p.is_file())
    return [path]


def _row(path, status, first=None, hint=None, detail=None, seconds=0.0, call=None) -> dict:
    return {"file": str(path), "status": status, "first": first, "hint": hint,
            "detail": detail, "seconds": round(seconds, 3), "call": call}


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


def _submission(write_fd: int, path: Path, entry: str, calls: list) -> None:
    """In the submission's process (never returns): load, run the calls, write the
    recording (or the loading error) to `write_fd` as JSON bytes, exit."""
    code = 0
    try:
        runner.die_with_parent()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        keep = sorted({0, 1, 2, write_fd})
        for lo, hi in zip(keep, keep[1:] + [os.sysconf("SC_OPEN_MAX")]):
            os.closerange(lo + 1, hi)
        sys.stdout = sys.stderr = io.StringIO()
        try:
            fn = _load(path, entry)
        except BaseException as err:                 # noqa: B036 (its own process)
            data = transport.encode({"load": _load_error(path, err)})
        else:
            data = implementation.record(fn, calls)
        with os.fdopen(write_fd, "wb") as out:
            out.write(data)
    except BaseException:                            # noqa: B036
        code = 1
    finally:
        os._exit(code)


def undumpable() -> None:
    """Linux: make this process (and the processes it forks) non-dumpable, so that a
    process of the same user cannot open its /proc/<pid>/fd or /proc/<pid>/mem (the
    grader's pipes and memory); elsewhere nothing."""
    try:
        import ctypes
        pr_set_dumpable = 4
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _check(send, path: Path, entry: str, options: dict) -> None:
    """The checker (a runner worker): fork the submission's process, read what it writes
    (bounded), and only then judge it; send `RETURNED`, then the row."""
    t0 = time.perf_counter()
    undumpable()
    options = dict(options)
    backend = options.pop("backend", None)
    calls = implementation.plan(**options)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _submission(write_fd, path, entry, calls)
    os.close(write_fd)
    chunks, size = [], 0
    with os.fdopen(read_fd, "rb") as pipe:
        while size <= transport.MAX_BYTES:
            chunk = pipe.read1(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    try:
        os.kill(pid, signal.SIGKILL)                 # it has written all it may write
    except ProcessLookupError:
        pass
    _, status = os.waitpid(pid, 0)
    send.send(RETURNED)                              # past this, a timeout is ours
    data = b"".join(chunks)
    seconds = time.perf_counter() - t0
    if not data:
        how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"exit code {os.WEXITSTATUS(status)}")
        send.send(_row(path, Status.ERROR, detail=f"the submission's process ended without "
                                                  f"a result ({how})", seconds=seconds))
        return
    try:
        doc = transport.load(data)
        if set(doc) == {"load"}:
            send.send(_row(path, Status.ERROR, detail=transport.text(doc["load"]),
                           seconds=seconds))
            return
    except transport.Malformed:
        pass                                         # judge says what was wrong
    result = implementation.judge(data, calls, backend=backend)
    bad = result.first_failure
    send.send(_row(path, result.status,
                   first=result.label(bad) if bad is not None else None,
                   hint=bad.hint if bad is not None else None,
                   detail=result.failure_text, seconds=time.perf_counter() - t0,
                   call=result.failed_call))


RETURNED = "returned"        # the submission's process ended: the rest is the checker's


def grade_one(path: Path, entry: str, options: dict, timeout: float) -> dict:
    """One submission: a checker process (`runner.run`) that runs it in a process of its
    own and judges what it returned; both killed at `timeout` seconds. This process is
    made non-dumpable first (`undumpable`)."""
    undumpable()
    t0 = time.perf_counter()
    got: dict = {"returned": False, "row": None}

    def receive(message) -> bool:
        if message == RETURNED:
            got["returned"] = True
            return False
        got["row"] = message
        return True

    ended = runner.run(_check, [(path, entry, options)], receive,
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
    return _row(path, Status.UNKNOWN, detail=f"the checker ended without a verdict ({how})",
                seconds=seconds)


def overall(rows: list[dict]) -> Status:
    """The status of a run: the worst of its rows (proved when there are none)."""
    return worst((r["status"] for r in rows), empty=Status.PROVED)


def write_csv(rows: list[dict], path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: "" if r[k] is None else r[k] for k in COLUMNS})
