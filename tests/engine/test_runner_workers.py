"""The one runner (`engine.runner`): its deadline, its alarm, the cleanup of its workers
however the run is left, and workers that die with their parent (even by SIGKILL)."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from backprop_sym.engine import runner
from support import ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def sleeper(send):
    send.send(os.getpid())
    while True:
        time.sleep(0.05)


def counter(send, n):
    for i in range(n):
        send.send(i)


def test_messages_reach_the_parent_and_the_run_ends_when_the_workers_do():
    got = []
    ended = runner.run(counter, [(3,), (2,)], got.append)
    assert sorted(got) == [0, 0, 1, 1, 2] and ended.finished and not ended.timed_out
    assert ended.exitcodes == [0, 0]


def test_the_deadline_stops_the_run_and_kills_the_workers():
    pids = []
    t0 = time.monotonic()
    ended = runner.run(sleeper, [(), ()], pids.append, deadline=time.monotonic() + 1.0)
    assert time.monotonic() - t0 < 5
    assert ended.timed_out and not ended.finished and len(pids) == 2
    assert ended.exitcodes == [-signal.SIGKILL] * 2
    assert not any(alive(p) for p in pids)


def test_receive_can_stop_the_run_early():
    pids = []
    ended = runner.run(sleeper, [()], lambda pid: pids.append(pid) or True,
                       deadline=time.monotonic() + 30)
    assert not ended.timed_out and pids and not alive(pids[0])


def test_an_exception_in_the_parent_still_kills_and_joins_the_workers():
    pids = []

    def receive(pid):
        pids.append(pid)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner.run(sleeper, [()], receive)
    assert pids and not alive(pids[0])


def test_the_alarm_raises_timeout_at_the_deadline():
    t0 = time.monotonic()
    with pytest.raises(runner.Timeout), runner.alarm_handler(), \
            runner.alarm(time.monotonic() + 0.3):
        while True:
            pass
    assert time.monotonic() - t0 < 3
    with runner.alarm_handler(), runner.alarm(None):      # no deadline: nothing fires
        time.sleep(0.05)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PDEATHSIG is Linux only")
def test_workers_die_with_a_parent_killed_by_sigkill():
    code = textwrap.dedent("""
        import sys
        from backprop_sym.engine import runner
        def sleeper(send):
            import os, time
            send.send(os.getpid())
            while True:
                time.sleep(0.05)
        def show(pid):
            print(pid, flush=True)
        runner.run(sleeper, [(), ()], show)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env=ENV, cwd=ROOT)
    pids = []
    try:
        pids = [int(proc.stdout.readline()) for _ in range(2)]
        assert all(alive(p) for p in pids)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        t0 = time.time()
        while any(alive(p) for p in pids) and time.time() - t0 < 10:
            time.sleep(0.05)
        assert not any(alive(p) for p in pids)
    finally:
        for p in pids:
            if alive(p):
                os.kill(p, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PDEATHSIG is Linux only")
def test_the_check_worker_dies_with_its_parent(tmp_path):
    """check's deadline worker did not set PDEATHSIG before the one runner: a SIGKILLed
    check left it running until its own deadline."""
    code = textwrap.dedent("""
        import os, sys, time
        from backprop_sym.claims import check as C
        from backprop_sym.engine import runner
        real = runner.enter_worker
        def announce():
            real()
            print(os.getpid(), flush=True)
        runner.enter_worker = announce
        def slow(*a, **k):
            while True:
                time.sleep(0.05)
            yield
        C._checked_rows = slow
        C.check_claim(r"\\Delta^L_j = a^L_j - y_j", timeout=60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env=ENV, cwd=ROOT)
    pid = None
    try:
        pid = int(proc.stdout.readline())
        assert alive(pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        t0 = time.time()
        while alive(pid) and time.time() - t0 < 10:
            time.sleep(0.05)
        assert not alive(pid)
    finally:
        if pid and alive(pid):
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
