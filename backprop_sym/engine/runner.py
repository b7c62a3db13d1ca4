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
  kill and join every worker.

Deadlines are `time.monotonic()` values. No click, no rich: the faces decide what to say.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
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
