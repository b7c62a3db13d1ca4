"""Grading submissions: each file's backward, run in a process of its own that only
records what it returned, and judged by a process that never imported it.

THE SUBMISSIONS' CODE IS EXECUTED (imported, and its backward called) with the rights of
the user running the grader: run untrusted code in a container (see docs/grading.md). For each
file `runner.run` starts a checker process; it forks the submission's process, which
closes every inherited file descriptor but one pipe of its own, discards its output,
imports the file and runs the calls of `implementation.plan` (`implementation.record`),
and writes what backward returned as JSON bytes (no pickle) to that pipe. The checker
reads at most `transport.MAX_BYTES`, then, with the submission's process gone, decodes
them under a whitelist and computes the expected gradients and the verdict
(`implementation.judge`): nothing of the engine or the expected values exists in the
submission's process, and anything it sends that is not one well-formed recording is an
error for that file, never a verdict. A crash, an infinite loop, `sys.exit` or a huge
allocation in one file does not stop the others. `grade_all` grades several files at
once (`jobs` worker processes, each grading one file at a time as above) and returns the
rows sorted by path, whatever the order they finished in; `grade_on_cluster` runs the same
per-file grading as tasks of an existing Dask `distributed.Client`.

Input (`submissions`): a file, or a folder of *.py / *.ipynb files (the student is the
file's stem) and of per-student folders (`alice/hw3.py`: the student is the folder name).
A notebook's code cells are run in order, IPython magics and shell lines (`%`, `!`) left
out (`notebook_cells`, the standard library's json: no IPython). One row per file:
student, status, the entries proved at the graded widths, the same entries for every
student (`proved`, `entries`, per layer in `layers`: `score`), the first failing entry,
its hint, its witness (the direct derivative and the code's value; as NumPy code in
`witness_arrays`), a detail (the error or the reason, and which call) and seconds.
"""
from __future__ import annotations

import ast
import csv
import importlib.util
import io
import json
import os
import signal
import sys
import time
import tokenize
import traceback
from pathlib import Path

from .engine import runner
from .engine.vocabulary import Status, worst

# The engine (SymPy) is imported where a file is graded, not with this module: the CLI
# imports it to answer --help and usage errors.

SUFFIXES = (".py", ".ipynb")
DEFAULT_TIMEOUT = 10.0       # seconds per file: a correct backward takes well under one
COLUMNS = ("student", "file", "status", "proved", "entries", "percent", "first", "hint",
           "witness", "witness_arrays", "detail", "notes", "seconds")
_SKIPPED_DIRS = ("__pycache__", ".ipynb_checkpoints")
# cell magics whose body Jupyter runs as Python in the notebook's namespace (once here);
# not %%timeit: IPython runs its body inside a function, so nothing it defines is kept
BODY_MAGICS = ("time", "capture", "prun")


# ---------------------------------------------------------------- the input

def submissions(target, entry: str | None = None) -> list[tuple[str, Path]]:
    """(student, file) pairs, sorted by path: the file itself; or, in a folder, each
    *.py / *.ipynb file (the student is its stem) and the files of each sub-folder (the
    student is the folder's name; where a folder holds several files, only those that
    may define `entry`, when some do: a student's helper modules are not submissions)."""
    path = Path(target)
    if not path.is_dir():
        return [(path.stem, path)]
    found: list[tuple[str, Path]] = []
    for item in sorted(path.iterdir()):
        if item.name.startswith(".") or item.name in _SKIPPED_DIRS:
            continue
        if item.is_file() and item.suffix in SUFFIXES:
            found.append((item.stem, item))
        elif item.is_dir():
            files = sorted(p for p in item.rglob("*") if p.is_file() and p.suffix in SUFFIXES
                           and not any(part.startswith(".") or part in _SKIPPED_DIRS
                                       for part in p.relative_to(item).parts))
            if entry is not None and len(files) > 1:
                files = [p for p in files if may_define(p, entry)] or files
            found += [(item.name, p) for p in files]
    return sorted(found, key=lambda pair: str(pair[1]))


def notebook_cells(path: Path) -> list[str]:
    """The code cells of a notebook (.ipynb JSON), in order; lines that are IPython magics
    or shell commands (`%...`, `!...`) become blank lines. A cell magic that runs its
    body as Python in the notebook's namespace (`BODY_MAGICS`: %%time, %%capture...) is
    a blank line and its body; any other (%%bash, %%writefile, %%html...; %%timeit, whose
    body runs inside a function, defining nothing in the notebook) leaves its cell out.
    ValueError when the file is not a notebook."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise ValueError(f"{path.name} is not a readable notebook ({err})") from None
    cells = doc.get("cells") if isinstance(doc, dict) else None
    if not isinstance(cells, list):
        raise ValueError(f"{path.name} is not a notebook (no list of cells)")
    out = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            text = "".join(source)
        elif isinstance(source, str):
            text = source
        else:
            raise ValueError(f"{path.name} is not a notebook (a code cell whose source is "
                             f"not text)")
        if text.lstrip().startswith("%%"):
            magic = text.lstrip().split(None, 1)[0][2:]
            if magic not in BODY_MAGICS:
                out.append("")             # %%bash, %%writefile, %%html...: not Python run
                continue
            head, _, body = text.lstrip().partition("\n")
            text = "\n" * (text.count("\n") - body.count("\n") - 1) + "\n" + body
        out.append(_without_magics(text))
    return out


def _without_magics(text: str) -> str:
    """`text` with its `%` and `!` lines blank, where IPython reads them so: at the start
    of a logical line only. Inside brackets, after a backslash or in a string, `% 2` is
    the modulo and `!= 0` a comparison, as in Jupyter."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith(("%", "!")):
            try:
                for _ in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline):
                    pass
            except tokenize.TokenError:     # EOF in a multi-line statement or string
                lines.append(line)
                continue
            except (SyntaxError, ValueError):
                pass
            line = ""
        lines.append(line)
    return "\n".join(lines)


def source_text(path: Path) -> str:
    """The Python source of a submission (a notebook's code cells joined)."""
    if path.suffix == ".ipynb":
        return "\n".join(notebook_cells(path))
    return path.read_text(encoding="utf-8", errors="replace")


def defined_names(path: Path) -> set[str] | None:
    """The names a file defines at module level (functions, classes, assignments,
    imports), read without running it; None when that cannot be told (it does not parse,
    or it imports `*`)."""
    try:
        tree = ast.parse(source_text(path))
    except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
        return None
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    return None
                names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        else:       # a def under `if`/`try`: any name bound anywhere at module level
            names |= {n.name for n in ast.walk(node)
                      if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
            names |= {n.id for n in ast.walk(node)
                      if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


def may_define(path: Path, entry: str) -> bool:
    names = defined_names(path)
    return names is None or entry in names


def missing_entry(files: list[Path], entry: str) -> str | None:
    """A usage error when no file can define `entry` (a mistyped --entry) and at least one
    could be read: the message names the functions the files do define; else None."""
    read = [defined_names(p) for p in files]
    if all(names is None for names in read):
        return None                                  # nothing could be read
    if any(names is not None and entry in names for names in read):
        return None
    if any(names is None and _star(p) for p, names in zip(files, read)):
        return None                                  # `from x import *` may bring it
    functions: dict[str, int] = {}
    for p in files:
        for name in _functions(p):
            functions[name] = functions.get(name, 0) + 1
    listed = sorted(functions, key=lambda n: (-functions[n], n))[:12]
    shown = ", ".join(f"{n} ({functions[n]} file{'s' if functions[n] > 1 else ''})"
                      for n in listed) or "no functions"
    return (f"--entry {entry}: none of the {len(files)} submission file(s) defines a "
            f"function {entry!r}; they define: {shown}. Give --entry the name the "
            f"assignment asks for")


def _star(path: Path) -> bool:
    try:
        tree = ast.parse(source_text(path))
    except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
        return False
    return any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)
               for n in tree.body)


def _functions(path: Path) -> list[str]:
    try:
        tree = ast.parse(source_text(path))
    except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
        return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


# ---------------------------------------------------------------- one submission

def _row(path, status, first=None, hint=None, detail=None, seconds=0.0, call=None,
         student=None, proved=0, entries=0, layers=None, witness=None, notes=(),
         witness_arrays=None) -> dict:
    return {"file": str(path), "student": student if student is not None else Path(path).stem,
            "status": status, "proved": proved, "entries": entries, "layers": layers or {},
            "first": first, "hint": hint, "witness": witness,
            "witness_arrays": witness_arrays, "detail": detail,
            "seconds": round(seconds, 3), "call": call, "notes": list(notes)}


def _load(path: Path, entry: str, shared: bool = False):
    """The submission's function `entry`, from a fresh module (a notebook's code cells
    run in order, each compiled as `FILE [cell N]`). Its folder is importable (a student's
    helper modules) unless it is `shared` with other students' files, which must not be
    importable in its place (another student's scipy.py or utils.py)."""
    name = f"submission_{abs(hash(str(path.resolve())))}"
    if not shared:
        sys.path.insert(0, str(path.parent))
    if path.suffix == ".ipynb":
        import types
        module = types.ModuleType(name)
        module.__file__ = str(path)
        sys.modules[name] = module
        for n, cell in enumerate(notebook_cells(path), 1):
            exec(compile(cell, f"{path} [cell {n}]", "exec"), module.__dict__)
    else:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"{path} is not a Python file")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
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
              if Path(f.filename.split(" [cell ")[0]).resolve() == path.resolve()]
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"loading {path.name} raised {what}{where}"


def _submission(write_fd: int, path: Path, entry: str, calls: list,
                shared: bool = False) -> None:
    """In the submission's process (never returns): load, run the calls, write the
    recording (or the loading error) to `write_fd` as JSON bytes, exit."""
    code = 0
    try:
        from .engine import implementation, transport
        runner.die_with_parent()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        keep = sorted({0, 1, 2, write_fd})
        for lo, hi in zip(keep, keep[1:] + [os.sysconf("SC_OPEN_MAX")]):
            os.closerange(lo + 1, hi)
        sys.stdout = sys.stderr = io.StringIO()
        try:
            fn = _load(path, entry, shared)
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


def _check(send, path: Path, entry: str, options: dict, shared: bool = False) -> None:
    """The checker (a runner worker): fork the submission's process, read what it writes
    (bounded), and only then judge it; send `RETURNED`, then the row."""
    from .engine import implementation, transport
    from .engine.entries import witness_text
    t0 = time.perf_counter()
    undumpable()
    options = dict(options)
    backend = options.pop("backend", None)
    calls = implementation.plan(**options)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _submission(write_fd, path, entry, calls, shared)
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
    result = implementation.judge(data, calls, backend=backend, entry=entry)
    bad = result.first_failure
    send.send(_row(path, result.status,
                   first=result.label(bad) if bad is not None else None,
                   hint=bad.hint if bad is not None else None,
                   detail=result.failure_text, seconds=time.perf_counter() - t0,
                   call=result.failed_call, **score(result),
                   witness=witness_text(bad.witness) if bad is not None and bad.witness
                   else None, notes=getattr(result, "notes", ()),
                   witness_arrays=getattr(result, "arrays", None)))


def score(result) -> dict:
    """Partial credit, on the same entries for every student: the gradient entries at the
    graded widths (call 1's), in all and per layer ({"w^1": [proved, entries], ...,
    "b^1": ...}). An entry counts as proved when every judged call at those widths (the
    same inputs again, the float64 call) proved it, and no judged call at the other widths
    failed in its layer's gradient (w^l or b^l there: entries of another shape, matched
    by layer). Every call is judged (the float64 call not after an error)."""
    def key(c):
        return (c.rule, c.layer, tuple(c.index))
    ok = {key(c): c.status == Status.PROVED for c in result.checks}
    for call in result.calls:
        if [key(c) for c in call.checks] == list(ok):
            for c in call.checks:
                ok[key(c)] = ok[key(c)] and c.status == Status.PROVED
            continue
        failed = {(c.rule, c.layer) for c in call.checks if c.status != Status.PROVED}
        if call.error or not call.checks:
            failed = {k[:2] for k in ok}
        for k in ok:
            ok[k] = ok[k] and k[:2] not in failed
    layers: dict[str, list[int]] = {}
    for (rule, layer, _), proved in ok.items():
        tally = layers.setdefault(f"{'w' if rule == 'weight_grad' else 'b'}^{layer}", [0, 0])
        tally[0] += proved
        tally[1] += 1
    return {"proved": sum(p for p, _ in layers.values()),
            "entries": sum(n for _, n in layers.values()), "layers": layers}


RETURNED = "returned"        # the submission's process ended: the rest is the checker's


def grade_one(path: Path, entry: str, options: dict, timeout: float,
              student: str | None = None, shared: bool = False) -> dict:
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

    ended = runner.run(_check, [(path, entry, options, shared)], receive,
                       deadline=time.monotonic() + timeout)
    row = _ended(path, got, ended, timeout, time.perf_counter() - t0)
    row["student"] = student if student is not None else path.stem
    if not row["entries"]:          # not run or not judged: 0 of all the entries, not 0/0
        n = list(options.get("widths") or ())
        row["entries"] = sum(a * b + b for a, b in zip(n, n[1:]))
    return row


def _ended(path: Path, got: dict, ended, timeout: float, seconds: float) -> dict:
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


def grade_all(items: list[tuple[str, Path]], entry: str, options: dict, timeout: float,
              jobs: int = 1, tick=None) -> list[dict]:
    """Grade (student, file) pairs with `jobs` worker processes (`runner.run`), each
    taking the next file and grading it with `grade_one` (so each file still has its own
    checker and submission processes and its own `timeout`: an infinite loop costs one
    worker at most `timeout` seconds). `tick(row)` is called as each file is done; the
    rows come back sorted by path."""
    items = sorted(items, key=lambda pair: str(pair[1]))
    ctx = runner.context()
    taken = ctx.Value("i", 0)
    rows: dict[int, dict] = {}

    def receive(message) -> bool:
        i, row = message
        rows[i] = row
        if tick is not None:
            tick(row)
        return False

    workers = max(1, min(jobs, len(items)))
    runner.run(_worker, [(taken, items, entry, options, timeout)] * workers, receive,
               ctx=ctx)
    return [rows.get(i) or _row(path, Status.UNKNOWN, student=student,
                                detail="the grader's worker ended before grading this file")
            for i, (student, path) in enumerate(items)]


def _worker(send, taken, items, entry, options, timeout) -> None:
    """A grading worker: the next file not yet taken, until none is left. It starts a
    checker per file (`grade_one`), so it must not count as a daemonic process, which
    multiprocessing forbids to have children; its children die with it all the same
    (`runner.die_with_parent`, and `runner.run` kills them however it is left)."""
    import multiprocessing
    multiprocessing.current_process().daemon = False
    while True:
        with taken.get_lock():
            i = taken.value
            taken.value += 1
        if i >= len(items):
            return
        student, path = items[i]
        students = {s for s, p in items if p.parent == path.parent}
        send.send((i, grade_one(path, entry, options, timeout, student=student,
                                shared=len(students) > 1)))


def grade_on_cluster(items: list[tuple[str, Path]], entry: str, options: dict,
                     timeout: float, client, tick=None) -> list[dict]:
    """Grade (student, file) pairs as tasks of an existing Dask `distributed.Client`
    (`client`), one task per file, each running `grade_one` on a worker (so each file
    keeps its own checker and submission processes and its own `timeout`); `tick(row)`
    as each file is done; the rows sorted by path. The files must be readable at the
    same paths on the workers (a shared file system), with backprop-sym and NumPy
    installed there."""
    from distributed import as_completed
    items = sorted(items, key=lambda pair: str(pair[1]))
    futures = {}
    for i, (student, path) in enumerate(items):
        shared = len({s for s, p in items if p.parent == path.parent}) > 1
        future = client.submit(cluster_task, str(path), entry, options, timeout, student,
                               shared, pure=False, key=f"backprop-sym-grade-{i}-{os.getpid()}"
                               f"-{time.time_ns()}")
        futures[future] = i
    rows: dict[int, dict] = {}
    for future in as_completed(list(futures), loop=client.loop):
        i = futures[future]
        student, path = items[i]
        try:
            row = future.result()
        except Exception as err:                     # noqa: BLE001 (the cluster's failure)
            row = _row(path, Status.UNKNOWN, student=student,
                       detail=f"the cluster did not grade this file: "
                              f"{type(err).__name__}: {err}")
        rows[i] = row
        if tick is not None:
            tick(row)
    return [rows[i] for i in range(len(items))]


def cluster_task(path: str, entry: str, options: dict, timeout: float, student: str,
                 shared: bool) -> dict:
    """One file, as a Dask task on a worker: `grade_one` (its own checker and submission
    processes, killed at `timeout`). A Dask worker process may be daemonic, which
    multiprocessing forbids to have children: it is marked otherwise, as `_worker` is."""
    import multiprocessing
    multiprocessing.current_process().daemon = False
    file = Path(path)
    if not file.is_file():
        return _row(file, Status.UNKNOWN, student=student,
                    detail=f"{path} is not readable on the Dask worker that took it: the "
                           f"submissions must be on a file system the workers share")
    return grade_one(file, entry, options, timeout, student=student, shared=shared)


def overall(rows: list[dict]) -> Status:
    """The status of a run: the worst of its rows (proved when there are none)."""
    return worst((r["status"] for r in rows), empty=Status.PROVED)


# ---------------------------------------------------------------- what is written

def feedback_paths(items: list[tuple[str, Path]], folder) -> dict[str, Path]:
    """file -> the feedback file of its row: FOLDER/<student>.md, or
    FOLDER/<student>-<file stem>.md where a student has several files."""
    per_student: dict[str, int] = {}
    for student, _ in items:
        per_student[student] = per_student.get(student, 0) + 1
    out, taken = {}, set()
    for student, path in items:
        name = _safe(student if per_student[student] == 1 else f"{student}-{path.stem}")
        unique, k = name, 1
        while unique.casefold() in taken:     # "a b" and "a_b" (or Alice and alice on a
            k += 1                            # case-insensitive disk): never one file
            unique = f"{name}-{k}"
        taken.add(unique.casefold())
        out[str(path)] = Path(folder) / f"{unique}.md"
    return out


def _safe(name: str) -> str:
    """A file name: letters, digits, - _ . (no leading dot), at most 150 bytes in UTF-8
    (a disk's limit is 255: a long folder name plus a file stem must not end the run)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).lstrip(".")
    return safe.encode("utf-8")[:150].decode("utf-8", "ignore") or "_"


def feedback_text(row: dict, network: str) -> str:
    """A student's feedback, Markdown: the verdict, partial credit per layer, the first
    failing entry with the expected (direct) and returned (code) values, the hint, the
    detail."""
    lines = [f"# Feedback: {row['student']}", "",
             f"File: `{Path(row['file']).name}`  ", f"Network: {network}  ",
             f"Verdict: **{row['status']}**  ",
             f"Entries proved: {row['proved']}/{row['entries']} ({percent(row):g} %), the "
             f"gradient's entries at the graded widths (each proved in every call there, "
             f"its layer also right at the other widths)"
             + (f"; first failure in {row['call']}" if row.get("call") else ""), ""]
    if row["layers"]:
        lines += ["| gradient | entries proved |", "|---|---|"]
        lines += [f"| ∂C/∂{k} | {p}/{n} |" for k, (p, n) in row["layers"].items()]
        lines.append("")
    if row["first"]:
        lines += [f"First failing entry: {row['first']}", ""]
    if row["witness"]:
        lines += ["Expected (the direct derivative) and returned (your code), at:", "",
                  f"    {row['witness']}", ""]
    if row.get("witness_arrays"):
        lines += ["The same values as NumPy arrays in your layout: paste them into a test, "
                  "call your function, and compare with the expected gradient below them:",
                  "", "```python", row["witness_arrays"], "```", ""]
    if row["hint"]:
        lines += [f"Hint: {row['hint']}", ""]
    if row.get("notes"):
        lines += ["Notes:", ""] + [f"- {n}" for n in row["notes"]] + [""]
    if row["detail"] and row["status"] != Status.PROVED:
        lines += ["Detail:", "", "    " + row["detail"].replace("\n", "\n    "), ""]
    if row["status"] == Status.PROVED:
        lines += ["Every entry of the gradient equals the derivative of the cost exactly.", ""]
    return "\n".join(lines)


def write_feedback(rows: list[dict], paths: dict[str, Path], network: str) -> None:
    """Each row's feedback file (its folder created when missing)."""
    for row in rows:
        path = paths[row["file"]]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(feedback_text(row, network), encoding="utf-8")


def percent(row: dict) -> float:
    return round(100.0 * row["proved"] / row["entries"], 1) if row["entries"] else 0.0


def write_csv(rows: list[dict], path) -> None:
    """One row per file, UTF-8 with a byte-order mark (so that a spreadsheet reads ∂ and
    accented names right); proved and entries are two numeric columns (a "8/17" cell
    would be read as a date), percent their ratio. A text cell that a spreadsheet would
    take for a formula (=, +, -, @ first) is prefixed with an apostrophe."""
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            cells = {**r, "percent": percent(r), "notes": "; ".join(r.get("notes") or ())}
            writer.writerow({k: _cell(cells[k]) for k in COLUMNS})


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
