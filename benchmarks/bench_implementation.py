"""check_implementation and `backprop-sym grade`, timed.

    python benchmarks/bench_implementation.py          # about a minute

1. check_implementation of a vectorized NumPy backward (written as students write it) at
   widths 4,4,4,4, for each activation, N = 1 and N = 2, best of 3, in this process
   (imports excluded), with the default backend (symengine when installed).
2. `backprop-sym grade` of a folder of 20 generated submissions (half correct, half with
   one classic mistake each), the whole command, wall time.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backprop_sym import check_implementation
from backprop_sym.engine.backends import default_backend_name

FUNCTIONS = {
    "sigmoid": ("1 / (1 + np.exp(-z))", "f(z) * (1 - f(z))"),
    "tanh": ("np.tanh(z)", "1 - np.tanh(z) ** 2"),
    "softplus": ("np.log1p(np.exp(z))", "1 / (1 + np.exp(-z))"),
    "f": (None, None),
}

TEMPLATE = '''import numpy as np

def f(z):
    return {f}

def fp(z):
    return {fp}

def backward(weights, biases, x, y{extra}):
    a, zs = [x], []
    for w, b in zip(weights, biases):
        zs.append(w @ a[-1] + b)
        a.append(f(zs[-1]))
    N = x.shape[1]
    delta = {err} * fp(zs[-1])
    gw, gb = [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        gw[l] = delta @ a[l].T / {N}
        gb[l] = delta.sum(axis=1, keepdims=True) / {N}
        if l:
            delta = ({back} @ delta) * fp(zs[l - 1])
    return gw, gb
'''

MISTAKES = {"correct": {}, "sign": {"err": "(y - a[-1])"}, "no 1/N": {"N": "1"},
            "no transpose": {"back": "weights[l]"}, "f for f'": {"fp_is_f": True}}


def source(activation: str, mistake: str = "correct") -> str:
    f, fp = FUNCTIONS[activation]
    extra = ""
    if activation == "f":
        f, fp, extra = "F(z)", "FP(z)", ", f=None, fprime=None"
    fields = {"f": f, "fp": fp, "extra": extra, "err": "(a[-1] - y)", "N": "N",
              "back": "weights[l].T"}
    change = dict(MISTAKES[mistake])
    if change.pop("fp_is_f", False):
        fields["fp"] = fields["f"]
    fields.update(change)
    text = TEMPLATE.format(**fields)
    if activation == "f":
        text = text.replace("def backward(weights, biases, x, y, f=None, fprime=None):",
                            "def backward(weights, biases, x, y, f=None, fprime=None):\n"
                            "    global F, FP\n    F, FP = f, fprime")
    return text


def load(text: str):
    scope: dict = {}
    exec(compile(text, "<submission>", "exec"), scope)
    return scope["backward"]


def bench_check(widths=(4, 4, 4, 4), repeat=3):
    rows = []
    for activation in FUNCTIONS:
        for N in (1, 2):
            backward = load(source(activation))
            best, result = float("inf"), None
            for _ in range(repeat):
                t0 = time.perf_counter()
                result = check_implementation(backward, list(widths), activation, "to-from", N)
                best = min(best, time.perf_counter() - t0)
            rows.append((activation, N, len(result.checks), best, result.status))
    return rows


def bench_grade(count=20, widths="2,3,2"):
    mistakes = list(MISTAKES)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(count):
            mistake = "correct" if i % 2 == 0 else mistakes[1 + (i // 2) % (len(mistakes) - 1)]
            (folder / f"student{i:02d}.py").write_text(source("sigmoid", mistake))
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "backprop_sym", "grade", str(folder),
                              "--widths", widths, "--activation", "sigmoid",
                              "--convention", "to-from", "--csv", str(folder / "g.csv")],
                             capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        return seconds, out.stdout.strip().splitlines()[-1]


def main():
    print(f"backend: {default_backend_name()}")
    print("| widths | activation | N | entries | seconds (best of 3) | verdict |")
    print("|---|---|---|---|---|---|")
    for activation, N, entries, seconds, status in bench_check():
        print(f"| 4,4,4,4 | {activation} | {N} | {entries} | {seconds:.3f} | {status} |")
    seconds, summary = bench_grade()
    print(f"\ngrade, 20 submissions (widths 2,3,2, N=2): {seconds:.1f} s wall  [{summary}]")


if __name__ == "__main__":
    main()
