"""backprop-sym grade: a folder of submissions, each in its own process (their code runs)."""
import csv
import json
import subprocess
import sys
import textwrap

GOOD = """
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def backward(weights, biases, x, y):
    a = [x]
    for w, b in zip(weights, biases):
        a.append(sigmoid(w @ a[-1] + b))
    d = (a[-1] - y) * a[-1] * (1 - a[-1])
    gw, gb = [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        gw[l] = d @ a[l].T / x.shape[1]
        gb[l] = d.sum(axis=1, keepdims=True) / x.shape[1]
        if l:
            d = (weights[l].T @ d) * a[l] * (1 - a[l])
    return gw, gb
"""

SUBMISSIONS = {
    "a_good.py": GOOD,
    "b_sign.py": GOOD.replace("(a[-1] - y)", "(y - a[-1])"),
    "c_exit.py": "import sys\nprint('noise')\nsys.exit(0)\n",
    "d_loop.py": "def backward(w, b, x, y):\n    while True:\n        pass\n",
    "e_raises.py": "def backward(w, b, x, y):\n    return w[0] @ w[1], b\n",
    "f_crash.py": "import os\ndef backward(w, b, x, y):\n    os._exit(7)\n",
    "g_noentry.py": "def other():\n    pass\n",
    "h_huge.py": "import numpy as np\ndef backward(w, b, x, y):\n"
                 "    big = np.ones(10**13, dtype=np.float64)\n    return big, b\n",
}


def run(*args):
    return subprocess.run([sys.executable, "-m", "backprop_sym", "grade", *args],
                          capture_output=True, text=True, timeout=300)


def test_a_folder_one_row_per_file(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    for name, text in SUBMISSIONS.items():
        (folder / name).write_text(textwrap.dedent(text))
    out = run(str(folder), "--widths", "2,3,2", "--convention", "to-from", "--timeout", "4",
              "--csv", str(tmp_path / "g.csv"), "--json")
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    rows = {r["file"].rsplit("/", 1)[-1]: r for r in doc["submissions"]}
    assert [rows[n]["status"] for n in sorted(rows)] == \
        ["proved", "refuted", "error", "error", "error", "error", "error", "error"]
    assert rows["b_sign.py"]["first"] == "∂C/∂w^1_11" and "sign" in rows["b_sign.py"]["hint"]
    assert "sys.exit(0)" in rows["c_exit.py"]["detail"]
    assert "did not return within 4 s" in rows["d_loop.py"]["detail"]
    assert "e_raises.py:2" in rows["e_raises.py"]["detail"]
    assert "ended without a result" in rows["f_crash.py"]["detail"]
    assert "no function 'backward'" in rows["g_noentry.py"]["detail"]
    assert "MemoryError" in rows["h_huge.py"]["detail"] or \
        "ended without" in rows["h_huge.py"]["detail"]
    assert "noise" not in out.stdout
    with open(tmp_path / "g.csv") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == len(SUBMISSIONS) and set(table[0]) == \
        {"file", "status", "first", "hint", "detail", "seconds"}


def test_exit_codes_and_usage_errors(tmp_path):
    good = tmp_path / "good.py"
    good.write_text(textwrap.dedent(GOOD))
    out = run(str(good), "--widths", "3,2,4", "--convention", "to-from")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "proved" in out.stdout
    # from-to shapes: the to-from code multiplies mismatched matrices on non-square layers
    assert run(str(good), "--widths", "3,2,4").returncode == 1
    for args in (["--widths", "2"], ["--activation", "relu"], ["--timeout", "0"]):
        bad = run(str(good), *args)
        assert bad.returncode == 2 and bad.stderr.startswith("backprop-sym: error:")
        assert "Traceback" not in bad.stderr
    assert run(str(tmp_path / "missing.py")).returncode == 2
    (tmp_path / "notes.txt").write_text("x")
    assert run(str(tmp_path / "notes.txt")).returncode == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(str(empty)).returncode == 2


def test_help_says_the_code_is_executed():
    out = subprocess.run([sys.executable, "-m", "backprop_sym", "grade", "--help"],
                         capture_output=True, text=True)
    assert "EXECUTES" in out.stdout
