"""What many test modules share, written once: the repository's paths, the two ways of
running the command line (click's runner in this process, or a real subprocess), the
marks for tests that need TeX, the deliberately wrong rules that must be refuted, a correct
backward pass, and the live processes of a session."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DERIVATIONS = ROOT / "derivations"
STYLES = DERIVATIONS / "styles"


# ---------------------------------------------------------------- the command line

def cli(*args, **kw):
    """`backprop-sym ARGS` through click's runner, in this process."""
    from backprop_sym.cli import main
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def cli_process(*args, env=None, timeout=300):
    """`python -m backprop_sym ARGS` in a process of its own (stdout and stderr apart)."""
    env = {**os.environ, **(env or {})}
    encoding = env.get("PYTHONIOENCODING", "utf-8")
    return subprocess.run([sys.executable, "-m", "backprop_sym", *map(str, args)],
                          capture_output=True, timeout=timeout, env=env, encoding=encoding,
                          errors="strict")


# ---------------------------------------------------------------- TeX

def have_tex() -> bool:
    from backprop_sym.report import latex
    return latex.have_tex()


def needs_tex(fn):
    """A test that builds a PDF: slow, and skipped where TeX is missing (unless
    BACKPROP_SYM_REQUIRE_TEX is set, as in CI, where a missing TeX is a failure)."""
    skip = not have_tex() and not os.environ.get("BACKPROP_SYM_REQUIRE_TEX")
    return pytest.mark.slow(pytest.mark.skipif(skip, reason="latexmk/pdflatex not installed")(fn))


def needs_pdftotext(fn):
    skip = not shutil.which("pdftotext") and not os.environ.get("BACKPROP_SYM_REQUIRE_TEX")
    return needs_tex(pytest.mark.skipif(skip, reason="pdftotext not installed")(fn))


# ---------------------------------------------------------------- wrong rules

def no_fprime(q, s, j):                  # Δ^L without f'(z^L)
    return q.a(s, q.L, j) - q.y(s, j)


def sign_error(q, s, j):                 # (y - a) in place of (a - y)
    return (q.y(s, j) - q.a(s, q.L, j)) * q.fprime(s, q.L, j)


def hidden_no_fprime(q, s, l, j):        # Δ^l without f'(z^l)
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))


def missing_transpose(q, s, l, j):       # w^{l+1}_{kj} where from-to needs w^{l+1}_{jk}
    return sum(q.W(l + 1, k, j) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) * q.fprime(s, l, j)


def wrong_layer(q, s, l, j):             # Δ^{l} in place of Δ^{l+1}
    return sum(q.W(l + 1, j, k) * q.delta(s, l, j) for k in q.neurons(l + 1)) * q.fprime(s, l, j)


def f_for_fprime(q, s, l, j):            # f(z) in place of f'(z)
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) * q.a(s, l, j)


def dropped_mean(q, l, i, j):            # Σ_x without the 1/N
    return sum(q.a(s, l - 1, i) * q.delta(s, l, j) for s in q.examples())


def weight_grad_swapped(q, l, i, j):     # a^{l-1}_j Δ^l_i
    return q.mean(lambda s: q.a(s, l - 1, j) * q.delta(s, l, i))


# A correct backward pass (Nielsen's convention, sigmoid), as a submission's source.
GOOD_BACKWARD = """
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


# A correct backward pass in the to-from layout (W @ a), as NumPy homework writes it: the
# float 1.0 / m (read as 1/m), a bias of any shape, a 1-D bias gradient. HOOK is a line of
# its sigma' helper that a test replaces (`to_from_backward`); "pass" leaves it correct.
TO_FROM_BACKWARD = """
import numpy as np
def sigmoid(z): return 1 / (1 + np.exp(-z))
def backward(weights, biases, x, y):
    m = x.shape[1]
    a, zs = [x], []
    for W, b in zip(weights, biases):
        z = W @ a[-1] + b.reshape(-1, 1); zs.append(z); a.append(sigmoid(z))
    def sp(z):
        s = sigmoid(z) * (1 - sigmoid(z))
        HOOK
        return s
    d = (a[-1] - y) * sp(zs[-1])
    gW, gb = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        gW[l] = (1.0 / m) * d @ a[l].T
        gb[l] = (1.0 / m) * d.sum(axis=1)
        if l:
            d = (weights[l].T @ d) * sp(zs[l - 1])
    return gW, gb
"""


def to_from_backward(hook: str = "pass") -> str:
    """TO_FROM_BACKWARD's source with `hook` as the line in its sigma' helper."""
    return TO_FROM_BACKWARD.replace("HOOK", hook)


# ---------------------------------------------------------------- processes

def session_processes(sid: int) -> list[int]:
    """Pids of live (not zombie) processes in session `sid` (Linux /proc)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[3]) == sid:     # state, ppid, pgrp, session
            out.append(int(entry))
    return out


def kill_session(proc) -> None:
    """Kill every process left in `proc`'s session, and `proc`: a test never leaves any."""
    for pid in session_processes(proc.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    if proc.poll() is None:
        proc.kill()
        proc.wait()
