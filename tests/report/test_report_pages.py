"""The proof report as a reader sees it: page 1 is the verdict of everything in the
document, the printed command regenerates it, claims are typeset, nothing runs into the
margin, and two runs give the same .tex and (with SOURCE_DATE_EPOCH) the same PDF."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_sym.engine.network import Shape
from backprop_sym.report import latex, render
from support import ROOT, needs_pdftotext as needs_tex



def cli(args, tmp, env=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT), SOURCE_DATE_EPOCH="946684800", **(env or {}))
    return subprocess.run([sys.executable, "-m", "backprop_sym", "report", *args], cwd=tmp,
                          env=env, capture_output=True, text=True)


def page_text(pdf: Path, first=1, last=1) -> str:
    out = subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


@pytest.fixture(scope="module")
def mistakes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mistakes")
    shutil.copy(ROOT / "derivations" / "mistakes.md", tmp / "mistakes.md")
    r = cli(["--widths", "2,2,2", "--claims", "mistakes.md", "--out", "m.pdf", "--jobs", "1"], tmp)
    return tmp, r


@needs_tex
@pytest.mark.slow
def test_page_one_names_every_refuted_claim(mistakes):
    tmp, r = mistakes
    assert r.returncode == 1, r.stderr
    src = (tmp / "m.tex").read_text()
    lines = sorted(set(int(m) for m in re.findall(
        r"\\item\\label\{claim:\d+\} Line (\d+):\n\\bad\{refuted\}", src)))
    assert len(lines) >= 5
    one = page_text(tmp / "m.pdf")
    assert "not everything in this document was proved" in one
    for line in lines:
        assert f"line {line} " in one, (line, one)
    assert "everything in this document was proved" in page_text(tmp / "m.pdf", 1, 1)
    assert "warning" not in r.stderr            # no line runs into the margin


@needs_tex
def test_claims_are_typeset_not_raw_source(mistakes):
    tmp, _ = mistakes
    src = (tmp / "m.tex").read_text()
    section = src[src.index(r"\section{Claims from"):]
    assert r"\texttt{\mbox{mistakes.md}}" in src.split("\n\\section{Claims from")[1][:60]
    assert section.count(r"\begin{align*}") >= 8          # every claim parsed is a display
    assert r"\textbackslash{}" not in section              # no raw source where it parsed
    assert "shapes" not in section or "widths" in section
    assert "2,3,4,2" in section                              # where the claims were checked


@needs_tex
@pytest.mark.slow
def test_printed_command_regenerates_the_report_exactly(mistakes, tmp_path):
    tmp, _ = mistakes
    src = (tmp / "m.tex").read_text()
    command = re.search(r"^%% Regenerate with: (.*)$", src, re.M).group(1)
    args = shlex.split(command)
    assert args[:2] == ["backprop-sym", "report"] and "--claims" in args
    shutil.copy(tmp / "mistakes.md", tmp_path / "mistakes.md")
    cli([*args[2:], "--out", "again.tex"], tmp_path)
    assert (tmp_path / "again.tex").read_text() == src


def test_command_carries_every_option_that_changes_the_text():
    shape = Shape.make("3,2,2", "sigmoid,tanh", samples=2, convention="to-from")
    cmd = render.report_command(shape, only="linear", claims="my file.md",
                                title="It's\nnew", timings=True, timeout=5)
    args = shlex.split(cmd.replace("$'It\\'s\\x0anew'", "TITLE"))
    assert "\n" not in cmd                       # one line: safe in a TeX comment
    for opt in ("--samples", "--convention", "--only", "--claims", "--timings", "--timeout"):
        assert opt in args
    assert "my file.md" in args and "sigmoid,tanh" in args


@needs_tex
@pytest.mark.parametrize("args", [["--widths", "2,3,2", "--activation", "f"],
                                  ["--depth", "5", "--width", "2", "--activation", "sigmoid"],
                                  ["--widths", "2,2,2", "--convention", "to-from", "--samples", "2"],
                                  ["--widths", "3,2", "--activation", "linear", "--only", "linear"]])
@pytest.mark.slow
def test_two_runs_give_identical_tex_and_pdf_and_no_overfull_box(args, tmp_path):
    outs = []
    for k in (1, 2):
        r = cli([*args, "--out", f"r{k}.pdf", "--jobs", "1"], tmp_path,
                env={"PYTHONHASHSEED": str(k)})
        assert r.returncode == 0, r.stderr
        assert "warning" not in r.stderr, r.stderr          # 0 overfull boxes
        outs.append(((tmp_path / f"r{k}.tex").read_bytes(), (tmp_path / f"r{k}.pdf").read_bytes()))
    assert outs[0][0] == outs[1][0]
    assert outs[0][1] == outs[1][1]


def test_times_only_with_timings():
    shape = Shape.make("2,2", "f")
    plain = render.make_report(shape, date="2000-01-01").tex
    timed = render.make_report(shape, date="2000-01-01", timings=True).tex
    assert not re.search(r"\d\.\d+~s", plain) and re.search(r"\d\.\d+~s", timed)


def test_worked_instance_uses_every_rule_at_its_smallest():
    rep = render.make_report(Shape.make("2,2,2,2", "f"), only="nonlinear", date="2000-01-01")
    assert r"the gradient for the weight $w^{2}_{11}$" in rep.tex    # layer L-1 = 2
    assert "It is the same sum, term for term" in rep.tex


def test_wrong_delta_rule_shows_in_the_worked_instance_and_is_explained():
    from benchmarks.wrong_rule_report import hidden_delta_without_fprime
    rep = render.make_report(Shape.make("2,2,2", "f"), only="nonlinear", date="2000-01-01",
                             rules_override={"hidden_delta": hidden_delta_without_fprime})
    t = rep.tex
    assert r"\bad{The difference of the two sides does not reduce to $0$.}" in t
    assert "Which checks use the direct error signal" in t
    assert "The closed form that was checked" in t
    assert "The forward pass at these values" in t         # z and a of the witness
    one = t[:t.index(r"\section*{Not proved")]
    assert r"the rule supplied to this run for \texttt{hidden\_delta}" in one   # not the theorem's


@pytest.mark.slow
def test_sigmoid_theorem_says_sigma_throughout():
    rep = render.make_report(Shape.make("2,2", "sigmoid"), only="nonlinear", date="2000-01-01")
    body = rep.tex[rep.tex.index(r"\begin{theorem}"):rep.tex.index(r"\section{The algorithm")]
    assert r"\sigma'" in body and "f'(" not in body
    box = rep.tex[rep.tex.index(r"\textbf{Algorithm}"):rep.tex.index(r"\end{minipage}")]
    assert r"\sigma'" in box and "f'(" not in box


@needs_tex
@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "reports").glob("*.tex")))
@pytest.mark.slow
def test_every_example_in_reports_builds_without_overfull_boxes(name):
    build = latex.build_pdf((ROOT / "reports" / f"{name}.tex").read_text(encoding="utf-8"))
    assert build.ok, build.error
    assert [w for w in build.overfull() if w > 0.0] == [], name
