"""The output streams of every command: colour only on a terminal without NO_COLOR, no
wrapping when piped, ASCII under a non-Unicode encoding, 141 on a closed pipe, a fast
start without SymPy, and shell completion."""
import json
import os
import pty
import re
import subprocess
import sys
import textwrap

import pytest
from click.shell_completion import ShellComplete

from backprop_sym import terminal
from backprop_sym.cli import main

ESC = b"\x1b["
WRONG_CLAIM = r"\Delta_j^L = (a_j^L - y_j)"
RIGHT_CLAIM = r"\Delta_j^L = (a_j^L - y_j) f'(z_j^L)"
GRADE_SUBMISSION = """
import numpy as np

def backward(weights, biases, x, y):
    a = [x]
    for w, b in zip(weights, biases):
        a.append(1 / (1 + np.exp(-(w.T @ a[-1] + b))))
    d = (a[-1] - y) * a[-1] * (1 - a[-1])
    gw, gb = [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        gw[l] = a[l] @ d.T
        gb[l] = d.sum(axis=1, keepdims=True) / x.shape[1]
        if l:
            d = (weights[l] @ d) * a[l] * (1 - a[l])
    return gw, gb
"""


def command(*args):
    return [sys.executable, "-m", "backprop_sym", *args]


def environment(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "PYTHONIOENCODING")}
    env.update(extra)
    return env


def piped(*args, **env):
    return subprocess.run(command(*args), capture_output=True, timeout=600,
                          env=environment(**env))


def on_terminal(*args, **env) -> bytes:
    """stdout of the command when it is a terminal (a pseudo-terminal)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(command(*args), stdout=follower, stderr=subprocess.DEVNULL,
                            env=environment(**env))
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=600)
    os.close(leader)
    return out


# ---------------------------------------------------------------- colour

@pytest.mark.parametrize("args", [("verify", "--widths", "2,2"),
                                  ("check", "--claim", WRONG_CLAIM)])
def test_a_terminal_gets_colour_unless_no_color_is_set(args):
    assert ESC in on_terminal(*args)
    plain = on_terminal(*args, NO_COLOR="1")
    assert ESC not in plain
    assert re.search(rb"(proved|refuted): ", plain)


@pytest.mark.parametrize("args", [("verify", "--widths", "2,2"),
                                  ("check", "--claim", WRONG_CLAIM),
                                  ("prove", "--activation", "linear")])
def test_piped_output_has_no_colour_codes_even_when_forced(args):
    run = piped(*args, FORCE_COLOR="1")
    assert run.returncode in (0, 1), run.stderr
    assert run.stdout and ESC not in run.stdout


# ---------------------------------------------------------------- wrapping

def test_piped_lines_are_never_wrapped():
    run = piped("verify", "--widths", "2,3,2", "--activation", "tanh,linear", COLUMNS="40")
    assert run.returncode == 0, run.stderr
    last = run.stdout.decode().splitlines()[-1]
    doc = json.loads(piped("verify", "--widths", "2,3,2", "--activation", "tanh,linear",
                           "--json").stdout)
    assert len(last) > 80
    assert last.startswith(f"proved: {len(doc['checks'])}/{len(doc['checks'])} proved")
    assert "activation tanh,linear" in last and last.endswith(")")
    rows = [l for l in run.stdout.decode().splitlines() if "example 1" in l]
    assert len(rows) == sum(c["rule"].endswith("_delta") for c in doc["checks"]) == 3 + 2


# ---------------------------------------------------------------- ASCII

def assert_ascii(run):
    assert b"Traceback" not in run.stderr and b"UnicodeEncodeError" not in run.stderr
    assert all(byte < 128 for byte in run.stdout + run.stderr), run.stdout
    return run.stdout.decode("ascii")


def test_spelling_in_ascii():
    assert terminal.ascii_text("Δ^L_j = ∂C/∂z") == "Delta^L_j = dC/dz"
    assert terminal.ascii_text("Σ_x ½‖a − y‖²") == "sum_x 1/2||a - y||^2"
    assert terminal.ascii_text("σ′(z) δ w₁ ≥ 1, …") == "sigma'(z) delta w_1 >= 1, ..."
    assert terminal.ascii_text("┏━┳━┓│─┼") == "+-+-+|-+"
    assert terminal.ascii_text("Łukasz, é, 中") == "Lukasz, e, ?"
    assert terminal.ascii_text("plain 2,3,2") == "plain 2,3,2"


def test_verify_falls_back_to_ascii_under_cp1252():
    run = piped("verify", "--widths", "2,2", PYTHONIOENCODING="cp1252")
    assert run.returncode == 0
    out = assert_ascii(run)
    assert "Delta^L_j = (a^L_j - y_j) f'(z^L_j)" in out
    assert "dC/dw^l_{ij} = (1/N) sum_x" in out
    assert "+-" in out and "| output_delta |" in out
    assert out.splitlines()[-1].startswith("proved: 8/8 proved")


def test_check_falls_back_to_ascii_under_cp1252():
    run = piped("check", "--claim", RIGHT_CLAIM, PYTHONIOENCODING="cp1252")
    assert run.returncode == 0
    assert "read as: Delta^L_j = (a^L_j - y_j) f'(z^L_j)" in assert_ascii(run)
    run = piped("check", "derivations/mistakes.md", PYTHONIOENCODING="cp1252")
    assert run.returncode == 1
    assert "refuted" in assert_ascii(run)


def test_prove_and_help_fall_back_to_ascii_under_cp1252():
    run = piped("prove", "--activation", "linear", PYTHONIOENCODING="cp1252")
    assert run.returncode == 0
    assert "for every L >= 1 and all widths n_0, ..., n_L" in assert_ascii(run)
    run = piped("--help", PYTHONIOENCODING="cp1252")
    assert run.returncode == 0
    assert "rules for Delta, dC/dw" in " ".join(assert_ascii(run).split())


def test_grade_falls_back_to_ascii_under_cp1252(tmp_path):
    (tmp_path / "missing_mean.py").write_text(textwrap.dedent(GRADE_SUBMISSION))
    run = piped("grade", str(tmp_path / "missing_mean.py"), PYTHONIOENCODING="cp1252")
    assert run.returncode == 1
    out = assert_ascii(run)
    assert out.startswith("refuted") and "first: dC/dw^" in out


def test_a_usage_error_under_cp1252_is_one_ascii_line():
    run = piped("verify", "--widths", "2,x", PYTHONIOENCODING="cp1252")
    assert run.returncode == 2
    assert assert_ascii(run) == ""
    assert run.stderr.decode().count("\n") == 1


# ---------------------------------------------------------------- closed pipe

@pytest.mark.parametrize("args", [("verify", "--widths", "2,2"),
                                  ("check", "--claim", RIGHT_CLAIM),
                                  ("prove", "--activation", "linear"),
                                  ("--help",), ("verify", "--help"), ("--version",)])
def test_a_closed_pipe_exits_141_quietly(args):
    reader, writer = os.pipe()
    os.close(reader)
    run = subprocess.run(command(*args), stdout=writer, stderr=subprocess.PIPE, timeout=600,
                         env=environment())
    os.close(writer)
    assert (run.returncode, run.stderr) == (141, b"")


# ---------------------------------------------------------------- startup

@pytest.mark.parametrize("args", [[], ["--help"], ["verify", "--help"], ["check", "--help"],
                                  ["verify", "--widths", "2,x"],
                                  ["report", "--widths", "2,x", "-o", "r.pdf"]])
def test_help_and_usage_errors_do_not_import_sympy(args):
    probe = ("import sys\nfrom backprop_sym.cli import main\n"
             f"try:\n    main({args!r}) if {bool(args)} else None\n"
             "except SystemExit:\n    pass\n"
             "print(sorted(m for m in ('sympy', 'symengine', 'rich') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert run.stdout.splitlines()[-1] == "[]", run.stdout + run.stderr


def test_the_public_names_load_on_first_use():
    probe = ("import sys, backprop_sym as b\nassert 'sympy' not in sys.modules\n"
             "from backprop_sym.engine.verify import verify\nassert b.verify is verify\n"
             "from backprop_sym import *\nprint(sorted(set(b.__all__) - set(dir(b))))\n"
             "try:\n    b.no_such_name\nexcept AttributeError as e:\n    print(e)")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "[]", "module 'backprop_sym' has no attribute 'no_such_name'"]


# ---------------------------------------------------------------- completion

def completions(args, incomplete):
    shell = ShellComplete(main, {}, "backprop-sym", "_BACKPROP_SYM_COMPLETE")
    return [item.value for item in shell.get_completions(args, incomplete)]


@pytest.mark.parametrize("cmd", ["verify", "report", "grade", "check", "prove"])
def test_activation_names_complete(cmd):
    assert completions([cmd, "--activation"], "s") == ["sigmoid", "softplus"]
    assert completions([cmd, "--activation"], "") == ["f", "linear", "sigmoid", "tanh",
                                                      "softplus"]
    assert completions([cmd, "--activation"], "relu") == []
    assert completions([cmd, "--convention"], "t") == ["to-from"]


@pytest.mark.parametrize("cmd", ["verify", "report", "grade"])
def test_a_list_of_activations_completes_its_last_item(cmd):
    assert completions([cmd, "--activation"], "tanh,li") == ["tanh,linear"]
    assert completions([cmd, "--activation"], "f,tanh,s") == ["f,tanh,sigmoid", "f,tanh,softplus"]


@pytest.mark.parametrize("cmd", ["verify", "report", "grade", "check"])
def test_backends_complete(cmd):
    assert completions([cmd, "--backend"], "") == ["sympy", "symengine"]
    assert completions([cmd, "--backend"], "syme") == ["symengine"]


def test_the_shell_scripts_are_generated():
    for shell, marker in (("bash", "complete -o nosort -F"), ("zsh", "#compdef backprop-sym"),
                          ("fish", "complete --no-files --command backprop-sym")):
        run = subprocess.run(
            [sys.executable, "-c", "from backprop_sym.cli import main; "
             "main(prog_name='backprop-sym')"], capture_output=True, text=True, timeout=60,
            env=environment(_BACKPROP_SYM_COMPLETE=f"{shell}_source"))
        assert run.returncode == 0 and marker in run.stdout, run.stdout + run.stderr
