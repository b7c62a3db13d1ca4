"""The time budget of a check: seconds per claim and seconds for the whole run.

Each claim has a budget of its own (`DEFAULT_CLAIM_SECONDS` unless told otherwise); the
run as a whole may have one too (`timeout`). A claim that runs out of its budget is
unknown, and says so; so is every claim the run did not reach before its timeout.

The rows of a document are checked in one worker process (`runner.run`, the one runner).
Inside it, a claim's budget is an alarm (`runner.alarm`) and the deadline its evaluation
reads between instances; both stop a claim at the next Python instruction. A SymEngine
call ignores signals, so the parent keeps a watch: a claim still running `GRACE` seconds
after its budget has its worker killed, and a new worker goes on from the next row, with
the state the old one sent after its last row (`run_rows`).
"""
from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..engine import arguments, runner
from .evaluate import BUDGET

DEFAULT_CLAIM_SECONDS = arguments.CLAIM_SECONDS     # per claim
GRACE = 2.0                    # seconds past a claim's budget at which its worker is killed
MARGIN = 0.25                  # seconds before the run's deadline at which a worker stops


@dataclass(frozen=True)
class Budget:
    """`claim`: seconds per claim (None: none); `run`: seconds for the whole run (None:
    none) and `deadline`, its time.monotonic() end."""

    claim: float | None = None
    run: float | None = None
    deadline: float | None = None

    @property
    def limited(self) -> bool:
        return self.claim is not None or self.deadline is not None

    def claim_deadline(self, start: float) -> tuple[float | None, bool]:
        """(when a claim started at `start` must stop, whether that is its own budget
        rather than the run's)."""
        own = None if self.claim is None else start + self.claim
        run = None if self.deadline is None else self.deadline - MARGIN
        if own is None or (run is not None and run <= own):
            return run, False
        return own, True

    def over_claim(self) -> str:
        return (f"{BUDGET}: ran out of its {self.claim:g} s budget per claim "
                "(claim_timeout; --claim-timeout SECONDS on the command line)")

    def run_out(self) -> str:
        return f"{BUDGET}: the run's {self.run:g} s timeout ran out while it was checked"

    def not_reached(self) -> str:
        if self.run is None:
            return f"{BUDGET}: not checked"
        return f"{BUDGET}: not reached within the run's {self.run:g} s timeout"

    def explain(self, reason: str, own: bool) -> str:
        """The evaluation's own "time budget exhausted (...)" said with whose budget."""
        if not reason.startswith(BUDGET) or reason.startswith(BUDGET + ":"):
            return reason
        rest = reason[len(BUDGET):]
        head = self.over_claim() if own else (self.run_out() if self.run else BUDGET)
        return head + rest


def make(timeout=None, claim_timeout: Any = DEFAULT_CLAIM_SECONDS) -> Budget:
    """The budget of a check from the API's arguments (validated: `engine.arguments`)."""
    run = arguments.seconds(timeout, "timeout")
    claim = arguments.seconds(claim_timeout, "claim_timeout")
    return Budget(claim, run, None if run is None else time.monotonic() + run)


class _Watch:
    """The parent's watch over one worker: kills it when a claim runs `GRACE` seconds past
    its budget (a claim starts when the worker says so)."""

    def __init__(self, claim: float | None):
        self.claim = claim
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.pid: int | None = None
        self.since: float | None = None
        self.row: int | None = None        # the row being checked
        self.killed: int | None = None     # the row whose claim was stopped by the watch
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def started(self, row: int) -> None:
        with self.lock:
            self.since, self.row = time.monotonic(), row

    def idle(self) -> None:
        with self.lock:
            self.since = None

    def _loop(self) -> None:
        while not self.stop.wait(0.05):
            with self.lock:
                if self.claim is None or self.since is None or self.pid is None:
                    continue
                if time.monotonic() > self.since + self.claim + GRACE:
                    try:
                        os.kill(self.pid, signal.SIGKILL)
                    except OSError:
                        pass
                    self.killed, self.since = self.row, None

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        with self.lock:
            self.since = None
        self.stop.set()
        self.thread.join()


def run_rows(target: Callable[..., None], args_for: Callable[[int, Any, int | None], tuple],
             count: int, budget: Budget, receive: Callable[[int, Any], None],
             ctx) -> dict[int, str]:
    """Check rows 0..count-1 in worker processes: target(send, *args_for(start, state,
    lost)) checks rows from `start` on, sending ("pid", pid) first, ("claim", n) as each
    claim of row n starts, ("row", n, claims, state) when row n is done and ("error",
    exception) if it fails; `lost` is the row stopped before `start`, if any. `receive(n,
    claims)` is called for each row done. Returns, for rows not done, why."""
    start, state, lost = 0, None, None
    why: dict[int, str] = {}
    while start < count:
        watch = _Watch(budget.claim)
        last: dict[str, Any] = {"state": state}

        def on_message(message, watch=watch, last=last) -> bool:
            kind = message[0]
            if kind == "pid":
                watch.pid = message[1]
            elif kind == "claim":
                watch.started(message[1])
            elif kind == "row":
                watch.idle()
                receive(message[1], message[2])
                last["state"] = message[3]
            elif kind == "error":
                raise message[1]
            return False

        with watch:
            ended = runner.run(target, [args_for(start, state, lost)], on_message,
                               budget.deadline, ctx)
        if watch.killed is not None and not ended.timed_out:
            why[watch.killed] = budget.over_claim()
            start, state, lost = watch.killed + 1, last["state"], watch.killed
            continue
        if ended.timed_out and watch.row is not None:
            why.setdefault(watch.row, budget.run_out())
        elif not ended.timed_out and ended.exitcodes and ended.exitcodes[0]:
            for n in range(count):
                why.setdefault(n, f"not checked: the checking process ended unexpectedly "
                                  f"(exit code {ended.exitcodes[0]})")
        break
    return why
