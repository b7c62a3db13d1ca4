"""backprop-sym grade: a folder of submissions, each in its own process (their code runs)."""
import csv
import json
import subprocess
import sys
import textwrap

import pytest

from support import GOOD_BACKWARD as GOOD, cli_process


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


@pytest.mark.slow
def test_a_folder_one_row_per_file(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    for name, text in SUBMISSIONS.items():
        (folder / name).write_text(textwrap.dedent(text))
    out = cli_process("grade", str(folder), "--widths", "2,3,2", "--convention", "to-from", "--timeout", "4",
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
    with open(tmp_path / "g.csv", encoding="utf-8-sig") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == len(SUBMISSIONS) and set(table[0]) == \
        {"student", "file", "status", "proved", "entries", "percent", "first", "hint",
         "witness", "witness_arrays", "detail", "notes", "seconds"}


@pytest.mark.slow
def test_exit_codes_and_usage_errors(tmp_path):
    good = tmp_path / "good.py"
    good.write_text(textwrap.dedent(GOOD))
    out = cli_process("grade", str(good), "--widths", "3,2,4", "--convention", "to-from")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "proved" in out.stdout
    # from-to shapes: the to-from code multiplies mismatched matrices on non-square layers
    assert cli_process("grade", str(good), "--widths", "3,2,4", "--convention",
                       "from-to").returncode == 1
    # without --convention the layout is detected: the same code is proved
    assert cli_process("grade", str(good), "--widths", "3,2,4").returncode == 0
    for args in (["--widths", "2"], ["--activation", "swish"], ["--timeout", "0"]):
        bad = cli_process("grade", str(good), *args)
        assert bad.returncode == 2 and bad.stderr.startswith("backprop-sym: error:")
        assert "Traceback" not in bad.stderr
    assert cli_process("grade", str(tmp_path / "missing.py")).returncode == 2
    (tmp_path / "notes.txt").write_text("x")
    assert cli_process("grade", str(tmp_path / "notes.txt")).returncode == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli_process("grade", str(empty)).returncode == 2


def test_help_says_the_code_is_executed():
    out = subprocess.run([sys.executable, "-m", "backprop_sym", "grade", "--help"],
                         capture_output=True, text=True)
    assert "EXECUTES" in out.stdout


NIELSEN_NETWORK = '''
import numpy as np

class Network(object):
    def __init__(self, sizes):
        self.num_layers = len(sizes)
        self.sizes = sizes
        self.biases = [np.random.randn(y, 1) for y in sizes[1:]]
        self.weights = [np.random.randn(y, x) for x, y in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        for b, w in zip(self.biases, self.weights):
            a = sigmoid(np.dot(w, a)+b)
        return a

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation)+b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = sigmoid_prime(z)
            delta = np.dot(self.weights[-l+1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
        return (nabla_b, nabla_w)

    def cost_derivative(self, output_activations, y):
        return (output_activations-y)

def sigmoid(z):
    return 1.0/(1.0+np.exp(-z))

def sigmoid_prime(z):
    return sigmoid(z)*(1-sigmoid(z))
'''

# the adapter of the README, verbatim
NIELSEN_ADAPTER = '''
import network

def backward(weights, biases, x, y):
    net = network.Network([weights[0].shape[1]] + [w.shape[0] for w in weights])
    net.weights, net.biases = weights, biases
    per_example = [net.backprop(x[:, [s]], y[:, [s]]) for s in range(x.shape[1])]
    return ([sum(nw[l] for _, nw in per_example) / x.shape[1] for l in range(len(weights))],
            [sum(nb[l] for nb, _ in per_example) / x.shape[1] for l in range(len(biases))])
'''


@pytest.mark.slow
def test_nielsen_network_through_the_readme_adapter(tmp_path):
    (tmp_path / "network.py").write_text(NIELSEN_NETWORK)
    (tmp_path / "check_nielsen.py").write_text(NIELSEN_ADAPTER)
    out = cli_process("grade", str(tmp_path / "check_nielsen.py"), "--widths", "2,3,2", "--convention",
              "to-from", "--samples", "3")
    assert out.returncode == 0, out.stdout + out.stderr
    broken = NIELSEN_NETWORK.replace("self.weights[-l+1].transpose()", "self.weights[-l+1]")
    (tmp_path / "network.py").write_text(broken)
    out = cli_process("grade", str(tmp_path / "check_nielsen.py"), "--widths", "3,3,3", "--convention",
              "to-from")
    assert out.returncode == 1 and "refuted" in out.stdout
