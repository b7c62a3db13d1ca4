"""Parallel runs never hang and leave no worker behind; --jobs is capped at the cores.

Every run that could hang is started in a subprocess with subprocess.run(timeout=...), so
that a regression fails the test instead of hanging the suite.
"""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from backprop_sym import Network, verify
from backprop_sym.engine import verify as engine_verify
from backprop_sym.engine.estimate import cores
from support import ROOT, kill_session, session_processes

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def python(code: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, env=ENV, cwd=ROOT)


# ---------------------------------------------------------------- no deadlock

@pytest.mark.slow
def test_wide_shape_with_a_deadline_returns_by_it():
    """30,30,30 has 900 groups of checks: filling the task pipe before starting the
    workers used to block forever. With a 3 s budget it must come back in a few."""
    r = python("""
        import json, time
        from backprop_sym import Network, verify
        t0 = time.time()
        result = verify(Network([30, 30, 30]), backend="sympy", jobs=2, timeout=3)
        print(json.dumps({"wall": time.time() - t0, "n": len(result.checks),
                          "counts": result.counts}))
    """, timeout=60)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["n"] == 1920 and out["wall"] < 15
    assert out["counts"]["unknown"] > 0 and out["counts"]["refuted"] == 0


@pytest.mark.slow
def test_wide_shape_in_parallel_finishes(fast_backend):
    """The same shape to the end (symengine: a few seconds), through the command line."""
    if fast_backend != "symengine":
        pytest.skip("needs symengine to finish quickly")
    r = subprocess.run([sys.executable, "-m", "backprop_sym", "verify", "--widths", "30,30,30",
                        "--jobs", "2", "--timeout", "40", "--json"], capture_output=True,
                       text=True, timeout=90, env=ENV, cwd=ROOT)
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and doc["status"] == "proved" and len(doc["checks"]) == 1920


def test_a_worker_that_dies_leaves_its_checks_unknown(monkeypatch):
    """A worker that cannot build its engine ends without results: the run still ends,
    with those checks unknown, and never hangs."""
    r = python("""
        import os
        from backprop_sym.engine import verify as V
        from backprop_sym import Network
        real = V.Engine
        class Dying(real):
            def __init__(self, *a, **k):
                os._exit(3)
        V.Engine = Dying
        result = V.verify(Network([4, 4, 4, 4, 4]), backend="sympy", jobs=2, timeout=30)
        print(result.counts["unknown"], len(result.checks),
              result.checks[0].reason)
    """, timeout=60)
    unknown, total, reason = r.stdout.split(maxsplit=2)
    assert unknown == total and "ended without a result" in reason


# ---------------------------------------------------------------- --jobs capped

def test_jobs_are_capped_at_the_cores(monkeypatch):
    seen = []

    def spy(shape, make_engine, todo, jobs, deadline, report):
        seen.append(jobs)
        return False                 # then run here, as without fork

    monkeypatch.setattr(engine_verify, "_run_processes", spy)
    monkeypatch.setattr(engine_verify, "cores", lambda: 2)
    monkeypatch.setattr(engine_verify, "useful_jobs", lambda shape, backend, jobs, n: jobs)
    result = verify(Network([2, 3, 2]), backend="sympy", jobs=40, timeout=60)
    assert seen == [2] and result.status == "proved"


@pytest.mark.slow
def test_cli_warns_when_jobs_exceed_the_cores():
    n = cores()
    r = subprocess.run([sys.executable, "-m", "backprop_sym", "verify", "--widths", "2,2",
                        "--jobs", str(n + 38)], capture_output=True, text=True, timeout=60,
                       env=ENV, cwd=ROOT)
    assert r.returncode == 0
    assert f"--jobs {n + 38} is more than the {n} core(s) available; using {n}" in r.stderr
    quiet = subprocess.run([sys.executable, "-m", "backprop_sym", "verify", "--widths", "2,2",
                            "--jobs", str(n)], capture_output=True, text=True, timeout=60,
                           env=ENV, cwd=ROOT)
    assert "warning" not in quiet.stderr


# ---------------------------------------------------------------- signals: no orphans

_session = session_processes


def _children(pid: int) -> list[int]:
    """Every descendant (a command runs in a supervised child: its workers are
    grandchildren of the process started)."""
    try:
        kids = [int(c) for c in
                Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return kids + [d for c in kids for d in _children(c)]


def _start_and_signal(argv, sig) -> tuple[int, list[int]]:
    """Start argv in a new session, wait for its two workers, send `sig` to the main
    process only; return its exit code and the session's survivors."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=ENV, cwd=ROOT, start_new_session=True)
    try:
        t0 = time.time()
        while len(_children(proc.pid)) < 2 and time.time() - t0 < 30:
            time.sleep(0.1)
        assert len(_children(proc.pid)) >= 2, "the workers never started"
        time.sleep(0.5)
        proc.send_signal(sig)
        rc = proc.wait(timeout=20)
        t0 = time.time()
        while _session(proc.pid) and time.time() - t0 < 10:
            time.sleep(0.1)
        return rc, _session(proc.pid)
    finally:
        kill_session(proc)                      # never leave anything behind


SLOW = ["--widths", "30,30,30", "--backend", "sympy", "--jobs", "2"]
needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


@needs_proc
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.slow
def test_cli_signal_leaves_no_worker(sig):
    """The exit code is not asserted here (the entry point's handler decides it: 143 for
    SIGTERM, 130 for Ctrl-C); only that no worker outlives the command."""
    rc, survivors = _start_and_signal([sys.executable, "-m", "backprop_sym", "verify", *SLOW],
                                      sig)
    assert survivors == []


@needs_proc
def test_systemexit_from_a_signal_handler_kills_the_workers():
    """What the entry point does on SIGTERM: SystemExit(143) unwinds through verify,
    whose workers are killed and joined on the way."""
    code = textwrap.dedent("""
        import signal, sys
        signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
        from backprop_sym import Network, verify
        verify(Network([30, 30, 30]), backend="sympy", jobs=2)
    """)
    rc, survivors = _start_and_signal([sys.executable, "-c", code], signal.SIGTERM)
    assert rc == 143 and survivors == []


@needs_proc
def test_sigkill_of_the_parent_takes_the_workers_along():
    """Nothing unwinds after SIGKILL: the workers die with their parent (Linux)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("parent-death signal is Linux only")
    rc, survivors = _start_and_signal([sys.executable, "-m", "backprop_sym", "verify", *SLOW],
                                      signal.SIGKILL)
    assert rc == -signal.SIGKILL and survivors == []
