"""grade at scale: files graded in parallel (--jobs), an infinite loop costs at most its
--timeout and never blocks the others, rows sorted by path whatever the completion order,
a progress bar on a terminal's stderr and nothing of it in --json."""
import json
import os
import pty
import subprocess
import sys
import time

from backprop_sym.cli.grade import grade
import backprop_sym.grade as G
from support import GOOD_BACKWARD as GOOD, cli_process

LOOP = "def backward(w, b, x, y):\n    while True:\n        pass\n"


def test_loops_run_side_by_side_and_the_good_file_is_not_blocked(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(4):
        (subs / f"a_loop{i}.py").write_text(LOOP)
    (subs / "z_good.py").write_text(GOOD)                 # finishes first, listed last
    t0 = time.monotonic()
    out = cli_process("grade", subs, "--convention", "to-from", "--timeout", "3",
                      "--jobs", "2", "--json")
    took = time.monotonic() - t0
    doc = json.loads(out.stdout)
    names = [r["file"].rsplit("/", 1)[-1] for r in doc["submissions"]]
    assert names == sorted(names)
    assert [r["status"] for r in doc["submissions"]] == ["error"] * 4 + ["proved"]
    assert all("did not return within 3 s" in r["detail"] for r in doc["submissions"][:4])
    assert all(r["seconds"] < 3 + 2 for r in doc["submissions"])
    # one after another the four loops alone take 12 s; two at a time 6 s
    assert took < 11, took
    assert out.stderr == ""                              # not a terminal: no progress bar


def test_the_defaults():
    params = {p.name: p for p in grade.params}
    assert params["timeout"].default == G.DEFAULT_TIMEOUT <= 10
    assert params["jobs"].default is None                # all cores
    assert "--jobs" in grade.get_help(grade.make_context("grade", ["x"]))


def test_progress_on_a_terminal(tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    master, slave = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "backprop_sym", "grade",
                               str(tmp_path / "good.py"), "--convention", "to-from"],
                              stdout=subprocess.PIPE, stderr=slave, timeout=300,
                              env={**os.environ, "COLUMNS": "100", "TERM": "xterm"})
        os.set_blocking(master, False)
        try:
            seen = os.read(master, 1 << 16).decode("utf-8", "replace")
        except BlockingIOError:
            seen = ""
    finally:
        os.close(master)
        os.close(slave)
    assert proc.returncode == 0
    assert "grading" in seen
    assert b"grading" not in proc.stdout
