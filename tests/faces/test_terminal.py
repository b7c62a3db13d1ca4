"""The terminal: ASCII where the stream cannot encode Unicode, no colour when NO_COLOR is
set or the output is no terminal, and no line broken when the output is piped."""
import os
import pty
import subprocess
import sys
import textwrap

import pytest

from backprop_sym.terminal import color, spelled
from support import ROOT, cli_process



@pytest.mark.parametrize("args,code", [
    (("verify", "--widths", "2,3,2"), 0),
    (("check", str(ROOT / "derivations" / "mistakes.md")), 1),
    (("check", "--claim", r"\Delta^L_j = a^L_j - y_j", "--json"), 1),
    (("prove",), 0),
    (("--help",), 0),
    (("verify", "--help"), 0),
    (("verify", "--widths", "2,x"), 2),
])
@pytest.mark.slow
def test_a_cp1252_pipe_gets_ascii_not_a_crash(args, code):
    r = cli_process(*args, env={"PYTHONIOENCODING": "cp1252"})
    assert r.returncode == code, r.stderr
    assert "UnicodeEncodeError" not in r.stderr and "Traceback" not in r.stderr
    assert r.stdout.isascii() and r.stderr.isascii(), r.stdout
    if args[0] in ("verify", "check") and code != 2 and "--help" not in args:
        assert "Delta" in r.stdout


def test_spelled_keeps_ascii_and_spells_symbols():
    assert spelled("Δ^l_j = Σ_k ∂C/∂z ≥ 0 — ok") == "Delta^l_j = sum_k dC/dz >= 0 -- ok"
    assert spelled("½‖a − y‖², n_0, …, n_L") == "1/2||a - y||^2, n_0, ..., n_L"
    assert spelled("σ′(z) δ Λ w₁ x³") == "sigma'(z) delta Lambda w_1 x^3"
    assert spelled("┏━┳━┓ ╞═╡ │─┼") == "+-+-+ +=+ |-+"
    assert spelled("Łukasz, é, ñ, 中") == "Lukasz, e, n, ?"
    assert spelled("plain 2,3,2") == "plain 2,3,2"


def test_a_cp1252_pipe_gets_ascii_from_grade(tmp_path):
    submission = tmp_path / "no_mean.py"
    submission.write_text(textwrap.dedent("""
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
        """))
    r = cli_process("grade", str(submission), env={"PYTHONIOENCODING": "cp1252"})
    assert r.returncode == 1, r.stderr
    assert r.stdout.isascii() and r.stderr.isascii(), r.stdout
    assert r.stdout.startswith("refuted") and "first: dC/dw^" in r.stdout


def test_piped_output_is_not_wrapped():
    r = cli_process("verify", "--depth", "4", "--width", "3", "--activation", "sigmoid",
            env={"COLUMNS": "40"})
    last = r.stdout.splitlines()[-1]
    assert last.startswith("proved: ") and last.endswith(")") and "activation sigmoid" in last
    assert all(not line.startswith(" " * 10) for line in r.stdout.splitlines()[-3:])


class _Tty:
    def __init__(self, tty):
        self.tty = tty

    def isatty(self):
        return self.tty


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert color(_Tty(True)) and not color(_Tty(False))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not color(_Tty(True))


def _in_a_terminal(*args, env):
    """Run the CLI with its stdout a pseudo-terminal; the bytes it wrote."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "backprop_sym", *args], stdout=follower,
                            stderr=subprocess.DEVNULL, env={**os.environ, **env})
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=300)
    os.close(leader)
    return out


@pytest.mark.parametrize("command", [
    ("check", "--claim", r"\Delta^L_j = a^L_j - y_j"),
    ("verify", "--widths", "2,2"),
])
@pytest.mark.slow
def test_no_color_is_honoured_in_a_terminal(command):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    coloured = _in_a_terminal(*command, env={**env, "TERM": "xterm-256color"})
    assert b"\x1b[" in coloured
    plain = _in_a_terminal(*command, env={**env, "NO_COLOR": "1", "TERM": "xterm-256color"})
    assert b"\x1b[" not in plain and (b"proved" in plain or b"refuted" in plain)


@pytest.mark.parametrize("args", [
    ["--help"], ["verify", "--help"], ["check", "--help"], ["report", "--help"],
    ["verify", "--widths", "2,x"], ["check", "--claim", "x", "--shapes", "2,y"],
    ["grade", "/no/such/file.py"], ["prove", "--activation", "relu6"],
    ["report", "--widths", "2,2", "--out", "/no/such/dir/r.pdf"],
])
def test_help_and_usage_errors_do_not_import_sympy(args):
    """Structural, not timed: what answers --help and usage errors never loads SymPy
    (benchmarks/bench_startup.py measures the time)."""
    code = ("import sys\nfrom backprop_sym.cli import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit as e:\n    code = e.code\n"
            "print(code, 'sympy' in sys.modules, file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120)
    code, loaded = r.stderr.strip().splitlines()[-1].split()
    assert loaded == "False", r.stderr
    assert code in ("0", "2")
    import backprop_sym
    assert "Network" in dir(backprop_sym) and backprop_sym.__version__


def test_shell_completion_of_activations_conventions_and_commands():
    from click.shell_completion import ShellComplete
    from backprop_sym.cli import main
    sc = ShellComplete(main, {}, "backprop-sym", "_BACKPROP_SYM_COMPLETE")
    values = lambda args, inc: [c.value for c in sc.get_completions(args, inc)]
    assert values(["verify", "--activation"], "si") == ["sigmoid"]
    assert values(["verify", "--activation"], "sigmoid,ta") == ["sigmoid,tanh"]
    assert "softplus" in values(["check", "--activation"], "")
    assert values(["prove", "--activation"], "swish") == []
    assert values(["check", "--convention"], "") == ["from-to", "to-from"]
    assert set(values([], "")) == {"check", "grade", "prove", "report", "verify"}
    r = subprocess.run([sys.executable, "-m", "backprop_sym"], capture_output=True, text=True,
                       env={**os.environ, "_BACKPROP_SYM_COMPLETE": "bash_source"})
    assert "complete" in r.stdout and "_BACKPROP_SYM_COMPLETE" in r.stdout


@pytest.mark.slow
def test_a_closed_pipe_ends_quietly_with_141():
    proc = subprocess.Popen([sys.executable, "-m", "backprop_sym", "verify", "--depth", "4",
                             "--width", "6"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().startswith(b"backprop-sym verify")
    proc.stdout.close()
    assert proc.wait(timeout=300) == 141
    assert b"Traceback" not in proc.stderr.read()


@pytest.mark.parametrize("args", [
    ("check", "--claim", r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j)"),
    ("prove", "--activation", "linear"), ("--help",), ("verify", "--help"), ("--version",),
])
@pytest.mark.slow
def test_every_command_ends_quietly_with_141_on_a_closed_pipe(args):
    reader, writer = os.pipe()
    os.close(reader)
    r = subprocess.run([sys.executable, "-m", "backprop_sym", *args], stdout=writer,
                       stderr=subprocess.PIPE, timeout=300)
    os.close(writer)
    assert (r.returncode, r.stderr) == (141, b"")


@pytest.mark.parametrize("args", [
    ("verify", "--widths", "2,2"), ("check", "--claim", r"\Delta^L_j = a^L_j - y_j"),
    ("prove", "--activation", "linear"),
])
@pytest.mark.slow
def test_piped_output_has_no_colour_codes_even_when_forced(args):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    r = cli_process(*args, env={**env, "FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert r.returncode in (0, 1), r.stderr
    assert r.stdout and "\x1b[" not in r.stdout
