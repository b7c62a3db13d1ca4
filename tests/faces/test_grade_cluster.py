"""`grade --scheduler ADDRESS` runs the same grading on an existing Dask cluster (a
`distributed.Client`): one task per file, each still in its own checker and submission
processes with its own time limit; without Dask's distributed it is a usage error naming
the extra; an address with no scheduler is a usage error too."""
import json
import os

import pytest

from backprop_sym import grade as G
from support import GOOD_BACKWARD as GOOD, cli_process

SUBMISSIONS = {
    "a_good.py": GOOD,
    "b_sign.py": GOOD.replace("(a[-1] - y)", "(y - a[-1])"),
    "c_loop.py": "def backward(w, b, x, y):\n    while True:\n        pass\n",
    "d_crash.py": "import os\ndef backward(w, b, x, y):\n    os._exit(7)\n",
    "e_exit.py": "import sys\nsys.exit(0)\n",
}
BLOCK = '''
import sys

class _NoDask:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("distributed", "dask"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoDask())
'''


@pytest.fixture(scope="module")
def scheduler():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def folder(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for name, text in SUBMISSIONS.items():
        (subs / name).write_text(text)
    return subs


def comparable(row):
    return {k: v for k, v in row.items() if k != "seconds"}


@pytest.mark.slow
def test_the_cluster_grades_as_the_local_pool_does(tmp_path, scheduler):
    subs = folder(tmp_path)
    out = cli_process("grade", subs, "--convention", "to-from", "--timeout", "15",
                      "--json", "--scheduler", scheduler)
    rows = {r["student"]: r for r in json.loads(out.stdout)["submissions"]}
    assert list(rows) == sorted(rows) and out.returncode == 1, out.stderr
    assert {s: r["status"] for s, r in rows.items()} == {
        "a_good": "proved", "b_sign": "refuted", "c_loop": "error", "d_crash": "error",
        "e_exit": "error"}, out.stdout
    assert "did not return within 15 s" in rows["c_loop"]["detail"]    # its own limit
    assert "ended without a result" in rows["d_crash"]["detail"]       # the worker lived
    options = dict(widths=(2, 3, 2), activation="sigmoid", convention="to-from",
                   samples=2, backend=None, detect=False)
    local = {r["student"]: r for r in G.grade_all(G.submissions(subs, "backward"),
                                                   "backward", options, 15.0, jobs=2)}
    for s in ("a_good", "b_sign", "d_crash", "e_exit"):
        assert comparable(rows[s]) == comparable(local[s]), s


def test_grade_on_cluster_with_a_client(tmp_path, scheduler):
    from distributed import Client
    subs = tmp_path / "one"
    subs.mkdir()
    (subs / "a.py").write_text(SUBMISSIONS["b_sign.py"])
    (subs / "b.py").write_text(GOOD)
    options = dict(widths=(2, 3, 2), activation="sigmoid", convention="from-to",
                   samples=2, backend=None, detect=True)
    seen = []
    with Client(scheduler, set_as_default=False) as client:
        rows = G.grade_on_cluster(G.submissions(subs, "backward"), "backward", options,
                                  20.0, client, tick=seen.append)
    assert [(r["student"], r["status"]) for r in rows] == [("a", "refuted"), ("b", "proved")]
    assert len(seen) == 2 and "sign" in rows[0]["hint"]
    assert any("to-from" in n for n in rows[1]["notes"])


def test_without_distributed_scheduler_is_a_usage_error(tmp_path):
    (tmp_path / "block").mkdir()
    (tmp_path / "block" / "sitecustomize.py").write_text(BLOCK)
    (tmp_path / "a.py").write_text(GOOD)
    path = os.pathsep.join([str(tmp_path / "block"), os.environ.get("PYTHONPATH", "")])
    out = cli_process("grade", tmp_path / "a.py", "--scheduler", "tcp://127.0.0.1:1",
                      env={"PYTHONPATH": path})
    assert out.returncode == 2, out.stdout + out.stderr
    assert "backprop-sym[cluster]" in out.stderr and "Traceback" not in out.stderr


def test_an_address_without_a_scheduler_is_a_usage_error(tmp_path):
    pytest.importorskip("distributed")
    (tmp_path / "a.py").write_text(GOOD)
    out = cli_process("grade", tmp_path / "a.py", "--scheduler", "tcp://127.0.0.1:9",
                      timeout=120)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "cannot reach a Dask scheduler" in out.stderr and "Traceback" not in out.stderr
