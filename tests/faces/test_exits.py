"""Ends that are no verdict: internal errors (70), Ctrl-C (130), SIGTERM (143), a closed
pipe (141); and report's checks of its files, before any work, with exit 2."""
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backprop_sym import cli
from backprop_sym.report import latex
from backprop_sym.report import render as report
from support import cli as invoke, needs_tex

as_root = hasattr(os, "geteuid") and os.geteuid() == 0
FAST = ["--widths", "2,2", "--only", "linear", "--jobs", "1"]


def one_line(output: str) -> str:
    lines = [l for l in output.splitlines() if l.strip()]
    assert len(lines) == 1, output
    return lines[0]


def raiser(exc):
    def fail(*a, **k):
        raise exc
    return fail


@pytest.fixture
def no_work(monkeypatch):
    """Fails the test if the report's checks start."""
    monkeypatch.setattr(report, "make_report", raiser(AssertionError("work started")))


# ---------------------------------------------------------------- internal errors

COMMANDS = {
    "verify": (("verify", "--widths", "2,2", "--jobs", "1"), "backprop_sym.engine.verify.verify"),
    "check": (("check", "--claim", "a^L_j = f(z^L_j)"), "backprop_sym.claims.check.check_claim"),
    "report": (("report", "--widths", "2,2", "--out", "r.tex"), "backprop_sym.report.render.make_report"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_internal_error_exits_70_with_one_line_and_no_traceback(command, monkeypatch, tmp_path):
    args, target = COMMANDS[command]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(cli.DEBUG_ENV, raising=False)
    monkeypatch.setattr(target, raiser(RuntimeError("boom\nsecond line")))
    r = invoke(*args)
    assert r.exit_code == 70, r.output
    assert "Traceback" not in r.output
    assert one_line(r.output) == ("backprop-sym: internal error: RuntimeError: boom — please "
                                  "report this with the command you ran")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("exc", [KeyError("k"), ZeroDivisionError(), OSError(5, "I/O error"),
                                 FileNotFoundError(2, "No such file or directory", "x")])
def test_any_unexpected_exception_is_70_never_1(exc, monkeypatch):
    monkeypatch.setattr("backprop_sym.engine.verify.verify", raiser(exc))
    r = invoke("verify", "--widths", "2,2", "--jobs", "1")
    assert r.exit_code == 70
    assert one_line(r.output).startswith(f"backprop-sym: internal error: {type(exc).__name__}")


def test_debug_env_shows_the_traceback(monkeypatch):
    monkeypatch.setenv(cli.DEBUG_ENV, "1")
    monkeypatch.setattr("backprop_sym.engine.verify.verify", raiser(RuntimeError("boom")))
    r = invoke("verify", "--widths", "2,2", "--jobs", "1")
    assert r.exit_code == 70
    assert "Traceback" in r.output and r.output.rstrip().endswith("the command you ran")


def test_ctrl_c_exits_130_and_a_closed_pipe_141(monkeypatch):
    monkeypatch.setattr("backprop_sym.engine.verify.verify", raiser(KeyboardInterrupt()))
    r = invoke("verify", "--widths", "2,2", "--jobs", "1")
    assert r.exit_code == 130 and one_line(r.output) == "backprop-sym: interrupted"
    monkeypatch.setattr("backprop_sym.engine.verify.verify", raiser(BrokenPipeError()))
    r = invoke("verify", "--widths", "2,2", "--jobs", "1")
    assert r.exit_code == 141 and r.output == ""


@pytest.mark.parametrize("args", [["verify", "--nope"], ["nope"], ["verify", "--widths"],
                                  ["report", "--widths", "2,2"]])
def test_usage_errors_still_exit_2(args):
    assert invoke(*args).exit_code == 2


def test_the_sigterm_handler_is_restored_after_a_command():
    before = signal.getsignal(signal.SIGTERM)
    assert invoke("--version").exit_code == 0
    assert signal.getsignal(signal.SIGTERM) is before


# ---------------------------------------------------------------- the entry points

def module(*args, **kw):
    return subprocess.run([sys.executable, "-m", "backprop_sym", *args], capture_output=True,
                          text=True, timeout=120, **kw)


@pytest.mark.slow
def test_python_m_and_the_script_use_the_wrapper(tmp_path):
    r = module("verify", "--widths", "2,2", "--jobs", "1")
    assert r.returncode == 0, r.stderr
    script = Path(sys.executable).parent / "backprop-sym"
    if script.exists():
        r = subprocess.run([str(script), "--version"], capture_output=True, text=True)
        assert r.returncode == 0 and "backprop-sym" in r.stdout
    code = ("import backprop_sym.engine.verify as v\n"
            "def boom(*a, **k): raise RuntimeError('injected')\n"
            "v.verify = boom\n"
            "import runpy; runpy.run_module('backprop_sym', run_name='__main__')\n")
    r = subprocess.run([sys.executable, "-c", code, "verify", "--widths", "2,2", "--jobs", "1"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 70
    assert "Traceback" not in r.stderr
    assert one_line(r.stderr).startswith("backprop-sym: internal error: RuntimeError: injected")


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig,code,message", [(signal.SIGTERM, 143, "terminated"),
                                              (signal.SIGINT, 130, "interrupted")])
@pytest.mark.slow
def test_signals_stop_a_slow_verify_with_their_exit_code(sig, code, message):
    proc = subprocess.Popen([sys.executable, "-m", "backprop_sym", "verify", "--widths",
                             "20,20,20,20", "--backend", "sympy", "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        warning = proc.stderr.readline()          # printed once the command runs
        assert "may take about" in warning, warning
        time.sleep(1.0)
        workers = _children(proc.pid)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert one_line(err) == f"backprop-sym: {message}"
    assert "Traceback" not in err
    deadline = time.time() + 10
    while any(_alive(w) for w in workers) and time.time() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)


# ---------------------------------------------------------------- report: output files

def listing(folder: Path) -> set:
    return {p.name for p in folder.iterdir()}


def test_a_missing_directory_is_an_error_and_is_not_created(tmp_path, no_work):
    r = invoke("report", *FAST, "--out", str(tmp_path / "no" / "such" / "r.pdf"))
    assert r.exit_code == 2
    assert "does not exist" in one_line(r.output) and str(tmp_path / "no" / "such") in r.output
    assert listing(tmp_path) == set()


@pytest.mark.parametrize("directory", ["r.pdf", "r.tex", "r.log"])
def test_a_target_that_is_a_directory_is_an_error(tmp_path, no_work, directory):
    (tmp_path / directory).mkdir()
    r = invoke("report", *FAST, "--out", str(tmp_path / "r.pdf"), "--force")
    assert r.exit_code == 2
    assert "is a directory" in one_line(r.output)
    assert listing(tmp_path) == {directory}


def test_a_parent_that_is_a_file_is_an_error(tmp_path, no_work):
    (tmp_path / "f").write_text("x")
    r = invoke("report", *FAST, "--out", str(tmp_path / "f" / "r.tex"))
    assert r.exit_code == 2 and "is not a directory" in one_line(r.output)


def test_an_unwritable_place_is_an_error_before_any_work(tmp_path, no_work):
    if as_root:
        target = Path("/sys/backprop-sym-test.tex")     # read-only even for root
        if not Path("/sys").is_dir() or os.access("/sys/backprop-sym-test.tex", os.F_OK):
            pytest.skip("no read-only directory to try")
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        target = ro / "r.tex"
    r = invoke("report", *FAST, "--out", str(target))
    assert r.exit_code == 2
    assert one_line(r.output).startswith(f"backprop-sym: error: cannot write {target}")
    assert not target.exists()


@pytest.mark.skipif(as_root, reason="root may write anything")
def test_an_unwritable_existing_file_is_an_error_even_with_force(tmp_path, no_work):
    out = tmp_path / "r.tex"
    out.write_text("keep")
    out.chmod(0o444)
    r = invoke("report", *FAST, "--out", str(out), "--force")
    assert r.exit_code == 2 and "cannot write" in one_line(r.output)


@pytest.mark.parametrize("existing", ["r.tex", "r.pdf", "r.log"])
def test_any_file_report_may_write_is_kept_without_force(tmp_path, no_work, existing):
    (tmp_path / existing).write_text("keep me")
    r = invoke("report", *FAST, "--out", str(tmp_path / "r.pdf"))
    assert r.exit_code == 2
    assert f"{tmp_path / existing} already exists" in one_line(r.output)
    assert "--force" in r.output
    assert listing(tmp_path) == {existing}
    assert (tmp_path / existing).read_text() == "keep me"


def test_tex_only_ignores_an_existing_pdf_and_log(tmp_path):
    for name in ("r.pdf", "r.log"):
        (tmp_path / name).write_text("keep me")
    r = invoke("report", *FAST, "--out", str(tmp_path / "r.tex"))
    assert r.exit_code == 0, r.output
    assert listing(tmp_path) == {"r.tex", "r.pdf", "r.log"}
    assert (tmp_path / "r.pdf").read_text() == (tmp_path / "r.log").read_text() == "keep me"


ODD_NAMES = ["a%b_c#.pdf", "it's \"quoted\" $x ~y ^z &w.pdf", "with space é ü Δ.pdf"]


@needs_tex
@pytest.mark.parametrize("name", ODD_NAMES)
@pytest.mark.slow
def test_odd_file_names_build_and_nothing_else_is_written(tmp_path, name):
    (tmp_path / "other.txt").write_text("x")
    r = invoke("report", *FAST, "--out", str(tmp_path / name))
    assert r.exit_code == 0, r.output
    stem = name[:-len(".pdf")]
    assert listing(tmp_path) == {"other.txt", f"{stem}.tex", f"{stem}.pdf", f"{stem}.log"}
    assert (tmp_path / name).read_bytes().startswith(b"%PDF")


@needs_tex
@pytest.mark.slow
def test_an_existing_log_of_an_odd_name_is_not_overwritten(tmp_path):
    (tmp_path / "a%b_c#.log").write_text("my log")
    r = invoke("report", *FAST, "--out", str(tmp_path / "a%b_c#.pdf"))
    assert r.exit_code == 2 and "a%b_c#.log already exists" in r.output
    assert listing(tmp_path) == {"a%b_c#.log"}
    assert (tmp_path / "a%b_c#.log").read_text() == "my log"
    r = invoke("report", *FAST, "--out", str(tmp_path / "a%b_c#.pdf"), "--force")
    assert r.exit_code == 0, r.output
    assert listing(tmp_path) == {"a%b_c#.log", "a%b_c#.tex", "a%b_c#.pdf"}
    assert "Output written on" in (tmp_path / "a%b_c#.log").read_text()   # --force: replaced


@needs_tex
def test_a_failed_build_writes_tex_and_log_only_and_names_the_users_file(tmp_path, monkeypatch):
    broken = "\\documentclass{article}\n\\begin{document}\n\\undefinedmacro\n\\end{document}\n"
    monkeypatch.setattr(report, "render", lambda *a, **k: broken)
    out = tmp_path / "odd %#.pdf"
    r = invoke("report", *FAST, "--out", str(out))
    assert r.exit_code == 2
    assert one_line(r.output).startswith(f"backprop-sym: error: {tmp_path / 'odd %#.tex'}:3: "
                                         "Undefined control sequence.")
    assert listing(tmp_path) == {"odd %#.tex", "odd %#.log"}
    (tmp_path / "odd %#.log").write_text("old")
    r = invoke("report", *FAST, "--out", str(out), "--force")
    assert r.exit_code == 2
    assert "Undefined control sequence" in (tmp_path / "odd %#.log").read_text()


# ---------------------------------------------------------------- report: title and claims

def test_a_long_title_is_a_usage_error_before_any_work(tmp_path, no_work):
    r = invoke("report", *FAST, "--out", str(tmp_path / "r.tex"), "--title", "x" * 201)
    assert r.exit_code == 2
    assert one_line(r.output) == ("backprop-sym: error: --title is 201 characters long; "
                                  "give at most 200")
    assert listing(tmp_path) == set()


def _decode_pdf_string(octal: str) -> str:
    data = bytes(int(o, 8) for o in re.findall(r"\\(\d{3})", octal))
    assert data[:2] == b"\xfe\xff"
    return data[2:].decode("utf-16-be")


@pytest.mark.parametrize("text", ["{" * 100 + "}" * 100, "%#$&~^_\\{}", "é Δ 😀 \"'`",
                                  "a\nb", ""])
def test_the_pdf_title_is_octal_escapes_only(text):
    s = latex.pdf_string(text)
    assert re.fullmatch(r"(\\[0-7]{3})+", s)
    assert _decode_pdf_string(s) == text


@pytest.mark.parametrize("text", ["{" * 100 + "}" * 100, "}{" * 50, "\\{\\}" * 30,
                                  "{a{b{c}}} %#$&~^_<>|\"", "^~\\" * 20])
def test_escaped_text_opens_no_group_deeper_than_an_empty_one(text):
    """Braces of the text become \\{ \\}; the only groups escape makes are the empty ones
    after \\textbackslash and friends, so nesting in the input nests nothing in TeX."""
    out = latex.escape(text)
    bare = re.sub(r"\\[{}%#$&_]", "", out)
    assert re.sub(r"\{\}", "", bare).count("{") == 0 and "}" not in re.sub(r"\{\}", "", bare)


@needs_tex
@pytest.mark.slow
def test_a_title_of_nested_braces_builds_quickly_and_is_the_pdfs_title(tmp_path):
    title = "{" * 100 + "}" * 100
    out = tmp_path / "t.pdf"
    t0 = time.perf_counter()
    r = invoke("report", *FAST, "--out", str(out), "--title", title)
    assert r.exit_code == 0, r.output
    assert time.perf_counter() - t0 < 30
    assert "pdftitle=" not in (tmp_path / "t.tex").read_text()
    m = re.search(rb"/Title\s*\(((?:\\[0-7]{3})+)\)", out.read_bytes())
    assert m and _decode_pdf_string(m.group(1).decode()) == title


@pytest.mark.parametrize("make,reason", [
    (lambda p: None, "No such file or directory"),
    (lambda p: p.mkdir(), "Is a directory"),
    (lambda p: p.write_bytes(b"\xff\xfe\x00bad"), "not UTF-8 text"),
])
def test_an_unreadable_claims_file_is_exit_2_before_any_work(tmp_path, monkeypatch, no_work,
                                                              make, reason):
    monkeypatch.setattr("backprop_sym.claims.check.check_text",
                        raiser(AssertionError("claims checked")))
    claims = tmp_path / "claims.md"
    make(claims)
    before = listing(tmp_path)
    r = invoke("report", *FAST, "--out", str(tmp_path / "r.pdf"), "--claims", str(claims))
    assert r.exit_code == 2
    assert one_line(r.output).startswith(f"backprop-sym: error: cannot read the --claims file "
                                         f"{claims}: {reason}")
    assert listing(tmp_path) == before


@pytest.mark.skipif(as_root, reason="root may read anything")
def test_a_claims_file_without_read_permission_is_exit_2(tmp_path, no_work):
    claims = tmp_path / "claims.md"
    claims.write_text("$$a=b$$")
    claims.chmod(0)
    r = invoke("report", *FAST, "--out", str(tmp_path / "r.tex"), "--claims", str(claims))
    assert r.exit_code == 2 and "Permission denied" in one_line(r.output)
