"""Work in forked processes under a deadline: the one runner of verify, check and grade.

It owns everything a worker process needs to end cleanly:

- the process context (`fork_context`: fork, or None where there is none; `context`:
  fork, else spawn);
- the worker's signals (`enter_worker`): it dies with its parent (Linux PDEATHSIG, so no
  worker outlives even a SIGKILLed parent), Ctrl-C is the parent's to handle, SIGTERM
  kills it as by default (not a handler inherited by fork), and SIGALRM raises `Timeout`;
- the alarm (`alarm`): `Timeout` raised in this process at a deadline, at the next
  Python instruction (a long C++ call runs on until it returns: its parent kills it);
- the run (`run`): start the workers, each with a pipe of its own that the parent
  drains (it never blocks on a write), stop at the deadline, and, however the run is
  left (the deadline, an exception, KeyboardInterrupt, SystemExit from a signal handler),
  kill and join every worker;
- the supervised command (`supervise`): a whole command runs in one forked child while
  the process that was started only waits for it, so that a signal is handled at once
  even when the child is inside a long C call (SymEngine), the child is stopped within
  `STOP_GRACE` and nothing it started outlives it.

Deadlines are `time.monotonic()` values. No click, no rich: the faces decide what to say.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from pathlib import Path
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any


class Timeout(BaseException):
    """The deadline's alarm. A BaseException, so that no library's `except Exception`
    (SymPy has many) can swallow it and let a half-finished check reach another verdict."""


def on_alarm(signum, frame):
    raise Timeout()


def fork_context():
    """The fork context, or None on a platform without fork."""
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def context():
    """Fork where there is fork, else spawn (the target must then be picklable)."""
    return fork_context() or multiprocessing.get_context("spawn")


def die_with_parent() -> None:
    """Linux: have the kernel kill this process when its parent dies, even by SIGKILL or a
    signal it does not handle, so that no worker outlives the run."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        parent = os.getppid()
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() != parent:       # the parent died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):
        pass


def enter_worker() -> None:
    """What a worker does first: die with its parent; leave Ctrl-C to the parent; SIGTERM
    kills it as by default; SIGALRM raises `Timeout`."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, on_alarm)


def can_signal() -> bool:
    """Signal handlers can be set only in the main thread."""
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def alarm_handler(wanted: bool = True) -> Iterator[None]:
    """Within the block, SIGALRM raises `Timeout` in this process (main thread only; a
    worker has it from `enter_worker`); the previous handler is restored after it."""
    if not wanted or not can_signal():
        yield
        return
    old = signal.signal(signal.SIGALRM, on_alarm)
    try:
        yield
    finally:
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def alarm(deadline: float | None) -> Iterator[None]:
    """Within the block, SIGALRM fires at `deadline` (monotonic; with `enter_worker` or
    `alarm_handler` it raises `Timeout`); nothing without a deadline or outside the main
    thread. The timer is cancelled however the block is left."""
    if deadline is None or not can_signal():
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 1e-6))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def left(deadline: float | None) -> float | None:
    """Seconds until the deadline (None: no deadline)."""
    return None if deadline is None else deadline - time.monotonic()


def _main(target: Callable, send, args: tuple) -> None:
    """A worker's body: the signals of `enter_worker`, then target(send, *args)."""
    enter_worker()
    try:
        target(send, *args)
    finally:
        send.close()


class Ahead:
    """fn(*args) computed in a forked process from now on, while this process does
    something else; `result` takes its value (pickled back) or None when there is no fork,
    the computation failed or did not finish within the wait. The process is killed
    (and joined) once the result is taken, or by `close`."""

    def __init__(self, fn: Callable, *args):
        self._proc = self._conn = None
        ctx = fork_context()
        if ctx is None:
            return
        receiving, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_main, args=(_send_value, send, (fn, *args)),
                                 daemon=True)
        self._conn = receiving
        self._proc.start()
        send.close()

    def result(self, wait: float | None = None):
        if self._proc is None or self._conn is None:
            return None
        try:
            return self._conn.recv() if self._conn.poll(wait) else None
        except (EOFError, OSError):
            return None
        finally:
            self.close()

    def close(self) -> None:
        if self._proc is not None and self._conn is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join()
            self._conn.close()
        self._proc = self._conn = None


def _send_value(send, fn: Callable, *args) -> None:
    try:
        value = fn(*args)
    except Exception:          # noqa: BLE001 - the parent computes it itself instead
        return
    send.send(value)


EXIT_GRACE = 2.0         # seconds a worker that closed its pipe is given to exit by itself


@dataclass
class Ended:
    """How a run ended: `finished` every worker closed its pipe (it ended, with or without
    all its results); `timed_out` the deadline came first; `exitcodes` of the workers."""

    finished: bool
    timed_out: bool
    exitcodes: list = field(default_factory=list)


def run(target: Callable[..., None], args: Sequence[tuple], receive: Callable[[Any], bool | None],
        deadline: float | None = None, ctx=None) -> Ended:
    """One worker per tuple of `args`, each running target(send, *its_args) after
    `enter_worker`; every object a worker sends is passed to `receive` in this process,
    which may return True to stop the run early. Stops at `deadline` (monotonic).
    However it is left, every worker is killed and joined."""
    from multiprocessing.connection import wait as wait_for

    ctx = ctx or context()
    procs, conns = [], []
    timed_out = False
    try:
        for worker_args in args:
            receiving, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_main, args=(target, send, tuple(worker_args)),
                               daemon=True)
            procs.append(proc)
            conns.append(receiving)
            proc.start()
            send.close()         # the worker holds the only writing end: EOF when it ends
        open_ = set(conns)
        stop = False
        while open_ and not stop:
            wait = left(deadline)
            if wait is not None and wait <= 0:
                timed_out = True
                break
            ready: list[Any] = wait_for(list(open_), timeout=wait)
            for conn in ready:
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    open_.discard(conn)
                    continue
                if receive(message):
                    stop = True
                    break
        finished = not open_
        if finished:            # every pipe closed: let the workers end on their own
            until = left(deadline)
            grace = time.monotonic() + (EXIT_GRACE if until is None else
                                        max(0.0, min(EXIT_GRACE, until)))
            for proc in procs:
                proc.join(max(0.0, grace - time.monotonic()))
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
        for proc in procs:
            proc.join()
        for conn in conns:
            conn.close()
    return Ended(finished, timed_out, [p.exitcode for p in procs])


# ---------------------------------------------------------------- the supervised command

STOP_GRACE = 0.3         # seconds a stopped command is given to clean up before SIGKILL
PR_SET_CHILD_SUBREAPER = 36


def can_supervise() -> bool:
    """Fork, the main thread, and standard streams that are real files (not a test
    runner's buffers, which a child could not write into)."""
    if not hasattr(os, "fork") or not can_signal() or not sys.platform.startswith("linux"):
        return False
    try:
        for stream in (sys.stdin, sys.stdout, sys.stderr):
            if stream is not None:
                stream.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return True


def _become_subreaper() -> None:
    """Linux: what the child leaves behind is re-parented to this process (to be killed)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _children() -> list[int]:
    out: list[int] = []
    me = os.getpid()
    try:
        for task in Path(f"/proc/{me}/task").iterdir():
            out += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return out


def _reap_all(deadline: float) -> None:
    """Kill and reap every child of this process (what the command left), until none is
    left or the deadline."""
    while time.monotonic() < deadline:
        kids = _children()
        if not kids:
            return
        for pid in kids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid in kids:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)


def _exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def _stop(pid: int) -> None:
    """SIGTERM to the child (its handler unwinds: workers killed, files closed), SIGKILL
    after STOP_GRACE; reaped either way."""
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)
    until = time.monotonic() + STOP_GRACE
    while time.monotonic() < until:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        time.sleep(0.01)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _code_of(exit_: SystemExit) -> int:
    code = exit_.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def supervise(body: Callable[[], object]) -> int:
    """Run `body` in a forked child and return its exit code (128 + N when signal N ended
    it); this process only waits. In the child: it dies with this process, Ctrl-C is
    this process's to handle (the child ignores it until it execs), and whatever `body`
    raises becomes its exit code (SystemExit's code; 70 otherwise). However the wait is
    left here (SystemExit from a SIGTERM handler, KeyboardInterrupt), the child is stopped
    within STOP_GRACE and everything it left behind is killed before the exception goes
    on. Call only where `can_supervise()`."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    _become_subreaper()
    pid = os.fork()
    if pid == 0:                              # the child: the command itself
        code = 70
        try:
            die_with_parent()
            signal.signal(signal.SIGINT, lambda signum, frame: None)
            body()
            code = 0
        except SystemExit as exit_:
            code = _code_of(exit_)
        except BaseException as err:          # pragma: no cover (the body handles its own)
            with contextlib.suppress(Exception):
                print(f"backprop-sym: internal error: {type(err).__name__}: {err}",
                      file=sys.stderr)
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            os._exit(code)
    child: int | None = pid
    try:
        _, status = os.waitpid(pid, 0)
        child = None
        return _exit_code(status)
    finally:
        if child is not None:
            _stop(child)
        _reap_all(time.monotonic() + STOP_GRACE)
