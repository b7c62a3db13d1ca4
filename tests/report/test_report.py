"""The proof report: rendering, notation, the PDF build, failures, and the CLI.

PDF tests need latexmk and pdflatex (Debian: texlive-latex-base texlive-latex-recommended
texlive-pictures latexmk); they are skipped, visibly, where TeX is missing.
"""
from __future__ import annotations

import json
import os
import shlex
import re
import subprocess
import sys

import pytest
import sympy
from click.testing import CliRunner

from backprop_sym.report import latex, render as report
from backprop_sym.cli import main
from backprop_sym.report.formulas import Lines, fprime, tex, width
from backprop_sym.engine.network import Shape
from backprop_sym.engine.verify import verify
from support import ROOT, cli, needs_tex

if os.environ.get("BACKPROP_SYM_REQUIRE_TEX") and not latex.have_tex():
    raise RuntimeError("BACKPROP_SYM_REQUIRE_TEX is set but latexmk/pdflatex are not installed")
S = sympy.Symbol


def wrong_hidden_delta(q, s, l, j):
    """Δ^l_j without the factor f'(z^l_j): false for a nonlinear f."""
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))


@pytest.fixture(scope="module")
def small():
    """The report for widths 2,2,2 with a generic f (both theorems)."""
    return report.make_report(Shape.make("2,2,2", "f"), date="2000-01-01")


@pytest.fixture(scope="module")
def refuted():
    return report.make_report(Shape.make("2,2,2", "f"), date="2000-01-01",
                              rules_override={"hidden_delta": wrong_hidden_delta})


def masked(source: str) -> str:
    """The source with the measured times blanked out (they differ from run to run)."""
    source = re.sub(r"& \d+\.\d{3}\\\\", "& T\\\\\\\\", source)
    return re.sub(r"\d+\.\d+~s", "T~s", source)


# ---------------------------------------------------------------- notation

def test_symbols_print_as_a_mathematician_writes_them():
    assert tex(S("w^1_23")) == "w^{1}_{23}"
    assert tex(S("x^(2)_1")) == "x^{(2)}_{1}"
    assert tex(S("b^2_1")) == "b^{2}_{1}"
    assert tex(S("w^1_12,3")) == "w^{1}_{12,3}"
    assert tex(S("Delta^{l+1}_k")) == r"\Delta^{l+1}_{k}"
    assert tex(S("calC")) == r"\mathcal{C}"


def test_generic_derivative_prints_as_f_prime():
    f, z = sympy.Function("f"), S("z^2_1")
    # what SymPy's diff produces for f(u) with u a sum: Subs(Derivative(f(xi), xi), xi, u)
    u = S("x_1") * S("w^1_11") + S("b^1_1")
    produced = sympy.diff(f(u), S("x_1"))
    assert isinstance(produced.args[-1] if produced.is_Mul else produced, sympy.Subs)
    assert r"\xi" not in tex(produced) and "Subs" not in tex(produced)
    assert tex(produced) == r"w^{1}_{11} f'(b^{1}_{1} + w^{1}_{11} x_{1})"
    assert tex(fprime(f, z)) == "f'(z^{2}_{1})"
    assert tex(sympy.Derivative(f(z), z)) == "f'(z^{2}_{1})"


def test_mean_and_half_stand_in_front():
    s, N = S("s"), S("N")
    assert tex(sympy.Mul(1 / N, sympy.Sum(S("C_x"), (s, 1, N)), evaluate=False)) == \
        r"\frac{1}{N} \sum_{s=1}^{N} C_{x}"
    assert tex(sympy.Rational(1, 2) * S("x") * S("y")) == r"\frac{1}{2} x y"


def test_long_sums_break_within_the_line():
    e = sum(S(f"w^1_{k}1") * S(f"x_{k}") for k in range(1, 40))
    rows = Lines().eq(tex(S("z^1_1")), e).rows
    assert len(rows) > 3
    assert all(width(r) < 80 for r in rows)
    assert rows[1].startswith(r"&\quad + ")


def test_escape_makes_user_text_literal():
    assert latex.escape(r"A & B $x$ 100% \foo_bar {}#^~") == (
        r"A \& B \$x\$ 100\% \textbackslash{}foo\_bar \{\}\#\textasciicircum{}"
        r"\textasciitilde{}")
    for text in ("\u4e2d", "Łódź — naïve ε ≤ 1 ✓ \U0001F600", "a\tb\x07c"):
        assert latex.escape(text).isascii()          # no raw unicode that pdflatex rejects
    assert "U+4E2D" in latex.escape("\u4e2d")        # unknown characters name their code point


@needs_tex
def test_escaped_unicode_compiles():
    text = "Łódź — naïve ε ≤ 1 ✓ 中 \U0001F600 <a|b> \"q\" ~^"
    source = (r"\documentclass{article}\usepackage[T1]{fontenc}\usepackage{amsmath,amssymb}"
              r"\begin{document}" + latex.escape(text) + r"\end{document}")
    build = latex.build_pdf(source, "unicode")
    assert build.ok, build.error


# ---------------------------------------------------------------- contents

def test_rendering_is_deterministic_apart_from_the_date(small):
    shape = Shape.make("2,2,2", "f")
    again = report.render(shape, small.results, date="2000-01-01")
    assert again == small.tex
    other_day = report.render(shape, small.results, date="2099-12-31")
    # the date, and the SOURCE_DATE_EPOCH that prints it (946684800 is 2000-01-01)
    assert other_day.replace("2099-12-31", "2000-01-01").replace(
        "=4102358400}", "=946684800}") == small.tex


@pytest.mark.slow
def test_rendering_is_the_same_in_another_process(tmp_path):
    """Two runs (different hash seeds, fresh verification) differ only in the times."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"r{seed}.tex"
        env = dict(os.environ, PYTHONHASHSEED=seed, SOURCE_DATE_EPOCH="946684800",
                   PYTHONPATH=str(ROOT))
        subprocess.run([sys.executable, "-m", "backprop_sym", "report", "--widths", "2,2,2",
                        "--out", str(out), "--jobs", "2"], check=True, env=env, cwd=tmp_path,
                       capture_output=True)
        outs.append(masked(out.read_text()))
    assert outs[0] == outs[1]
    assert "2000-01-01" in outs[0]


def test_tex_states_both_theorems(small):
    t = small.tex
    assert t.count(r"\begin{theorem}") == 2
    assert "Theorem 1: a nonlinear activation" in t and "Theorem 2: a linear activation" in t
    # the four rules, printed by SymPy, in the from-to convention
    assert r"\Delta^{L}_{j} &= \left(a^{L}_{j} - y_{j}\right) f'(z^{L}_{j})" in t
    assert r"\Delta^{l}_{j} &= \sum_{k=1}^{n_{l+1}} w^{l+1}_{jk} \Delta^{l+1}_{k} f'(z^{l}_{j})" in t
    assert (r"\frac{\partial \mathcal{C}}{\partial w^{l}_{ij}} &= \frac{1}{N} \sum_{x} "
            r"a^{l-1}_{i}(x) \Delta^{l}_{j}(x)") in t
    assert r"\sum_{s=1}" not in t                                  # one notation: (1/N) Σ_x
    assert r"\Delta^{L}_{j} &= a^{L}_{j} - y_{j}" in t            # Theorem 2: f' = 1
    assert "Subs(" not in t and r"\xi" not in t and "Derivative(" not in t


def test_tex_carries_out_the_worked_instance(small):
    t = small.tex
    assert r"A worked instance: the gradient for the weight $w^{1}_{11}$" in t
    # the direct derivative for 2,2,2 and f generic, computed here by hand:
    # dC/dw^1_11 = sum_j (a^2_j - y_j) f'(z^2_j) w^2_1j f'(z^1_1) x_1
    direct = re.search(r"SymPy differentiates the explicit cost and returns, in these names,\n"
                       r"\\begin\{align\*\}\n(.*?)\n\\end\{align\*\}", t, re.S).group(1)
    for j in (1, 2):
        head = rf"w^{{2}}_{{1{j}}} x_{{1}} \bigl(a^{{2}}_{{{j}}} - y_{{{j}}}\bigr) "
        # the two f' factors in either order (SymPy orders them by its dummy variables)
        assert (head + rf"f'(z^{{2}}_{{{j}}}) f'(z^{{1}}_{{1}})" in direct or
                head + rf"f'(z^{{1}}_{{1}}) f'(z^{{2}}_{{{j}}})" in direct)
    assert "It is the same sum, term for term, as the direct derivative" in t
    assert t.count("Multiplied out, this is a sum of") == 2     # each list printed once per theorem


def test_linear_theorem_collapses_the_network(small):
    t = small.tex
    assert r"a^{L} = M^{T} x + c" in t
    assert r"M = w^{1} w^{2}" in t
    assert r"M_{11} &= w^{1}_{11} w^{2}_{11} + w^{1}_{12} w^{2}_{21}" in t
    assert "expanded the difference between each explicit output" in t


def test_counts_and_table_cover_every_instance(small):
    t = small.tex
    n = len(small.results["nonlinear"].checks)
    assert f"All {n} instances were proved" in t
    appendix = t[t.index(r"\section{Every instance checked}"):]
    assert appendix.count(r"$\partial \mathcal{C}/\partial ") + appendix.count(r"$\Delta^{") == 2 * n
    assert "Not proved: read this first" not in t


def test_only_restricts_the_theorems():
    r = report.make_report(Shape.make("2,2", "f"), only="linear", date="2000-01-01")
    assert list(r.results) == ["linear"]
    assert "a nonlinear activation" not in r.tex and "Theorem 1: a linear activation" in r.tex


def test_nonlinear_theorem_uses_the_requested_activation():
    shapes = report.theorem_shapes(Shape.make("2,2,2", "sigmoid,linear"))
    assert shapes["nonlinear"].activations == ("sigmoid", "linear")
    assert shapes["linear"].activations == ("linear", "linear")
    assert report.theorem_shapes(Shape.make("2,2", "linear"))["nonlinear"].activations == ("f",)


def test_refuted_rule_comes_first_with_its_witness(refuted):
    t = refuted.tex
    assert refuted.status == "refuted"
    assert refuted.results["nonlinear"].counts["refuted"] > 0
    first = t.index(r"\section*{Not proved: read this first}")
    assert first < t.index(r"\section{The network}")
    assert r"not everything in this document was proved" in t
    section = t[first:t.index(r"\section{The network}")]
    assert r"rule \texttt{hidden\_delta}" in section and r"\bad{refuted}" in section
    assert "the direct derivative is" in section and "but the closed form gives" in section
    assert re.search(r"\$f\(t\) = .*t\^\{2\}", section)          # the concrete f of the witness
    assert re.search(r"[wb]\^\{\d\}_\{\d+\} & -?\d", section)      # the values not 0
    assert re.search(r"The other \d+ values are \$0\$:\s+\d+~input", section)
    assert re.search(r"replaced the closed form of\s+\\texttt\{hidden\\_delta\}\s+by", t)
    assert r"\bad{The difference of the two sides does not reduce to $0$.}" in t
    # linear f: f' = 1, so dropping f' is harmless there and Theorem 2 stays proved
    assert refuted.results["linear"].status == "proved"


@pytest.mark.slow
def test_claims_section_is_rendered_from_a_list():
    shape = Shape.make("2,2", "f")
    results = {"nonlinear": verify(report.theorem_shapes(shape)["nonlinear"])}
    _x, _w = S("x_1"), S("w^1_11")
    claims = [
        {"line": 3, "latex": r"\partial \mathcal{C}/\partial w^1_{11} = x_1 \Delta^1_1", "parsed": "𝒞",
         "status": "proved", "reason": None, "hint": None, "witness": None},
        {"line": 7, "latex": r"C = w^2 & 50% $", "parsed": None, "status": "refuted",
         "reason": "the two sides differ", "hint": "check the factor 1/2",
         "witness": {"values": {"x_1": "1/2", "w^1_11": "-3", "b^1_1": "0"},
                     "nonzero": {"x_1": "1/2", "w^1_11": "-3"}, "left": "3/4",
                     "right": "5/8", "exact": True, "f": None, "shape": [2, 2],
                     "instance": "widths 2,2"}},
    ]
    t = report.render(shape, results, claims=claims, claims_file="my_claims_#1.txt",
                      date="2000-01-01")
    assert r"\section{Claims from \texorpdfstring{\texttt{\mbox{my\_claims\_\#1.txt}}}" in t
    assert r"\frac{\partial \mathcal{C}}{\partial w^{1}_{11}} &= x_{1} \Delta^{1}_{1}" in t
    assert r"\mbox{w\textasciicircum{}2} \mbox{\&} \mbox{50\%} \mbox{\$}" in t   # did not parse: the source
    assert r"w^{1}_{11} & -3" in t and r"$\frac{3}{4}$" in t
    assert "Hint: check the factor 1/2." in t
    assert "Claims from" not in report.render(shape, results, date="2000-01-01")
    if latex.have_tex():
        build = latex.build_pdf(t, "claims")
        assert build.ok, build.error


# ---------------------------------------------------------------- the PDF

def overfull(build) -> list[float]:
    return [w for w in build.overfull() if w > 1.0]


@needs_tex
@pytest.mark.slow
def test_pdf_compiles_without_errors_or_overfull_lines(small, refuted):
    for rep in (small, refuted):
        build = latex.build_pdf(rep.tex, "small")
        assert build.ok, build.error
        assert build.pdf.startswith(b"%PDF")
        assert "LaTeX Error" not in build.log and "Undefined control sequence" not in build.log
        assert overfull(build) == [], "lines run into the margin"


@needs_tex
@pytest.mark.slow
def test_long_formulas_break_for_a_deeper_net():
    """Depth 4: the worked instance and the explicit z's are long; nothing overflows."""
    rep = report.make_report(Shape.make("2,2,2,2,2", "f"), date="2000-01-01")
    assert r"\bigl(" in rep.tex                      # a sum broken inside a product
    assert "Not printed." in rep.tex                 # the deepest z's are elided, and say so
    build = latex.build_pdf(rep.tex, "deep")
    assert build.ok, build.error
    assert overfull(build) == []


def test_first_error_is_file_line_message():
    log = ("(./r.tex\nLaTeX2e <2022-11-01>\n./r.tex:12: Undefined control sequence.\n"
           "l.12 \\foo\n")
    assert latex.first_error(log) == "r.tex:12: Undefined control sequence."
    assert latex.overfull_boxes("Overfull \\hbox (3.5pt too wide) in paragraph") == [3.5]


# ---------------------------------------------------------------- the command

@needs_tex
@pytest.mark.slow
def test_cli_writes_tex_and_pdf(tmp_path):
    out = tmp_path / "reports" / "two-layer.pdf"
    out.parent.mkdir()                  # report creates no directory
    r = cli("report", *["--widths", "2,2,2", "--activation", "f", "--out", str(out), "--jobs", "1",
             "--title", r"Net & co: 100% $proved$ \o/"])
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF")
    source = out.with_suffix(".tex").read_text()
    assert r"Net \& co: 100\% \$proved\$ \textbackslash{}o/" in source
    assert sorted(p.name for p in out.parent.iterdir()) == ["two-layer.log", "two-layer.pdf",
                                                            "two-layer.tex"]
    assert "wrote" in r.output and "proved" in r.output


def test_cli_tex_only(tmp_path):
    out = tmp_path / "linear.tex"
    r = cli("report", *["--depth", "2", "--width", "2", "--activation", "linear", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.exists() and not out.with_suffix(".pdf").exists()
    assert r"--widths 2,2,2 --activation linear" in out.read_text()


@pytest.mark.slow
def test_cli_json(tmp_path):
    """--json: the theorems' checks as verify --json gives them, the claims as check --json,
    the files written, and the status that decides the exit code."""
    from backprop_sym import Network
    mistakes = ROOT / "derivations" / "mistakes.md"
    r = CliRunner().invoke(main, ["report", "--widths", "2,3,2", "--out",
                                  str(tmp_path / "r.tex"), "--claims", str(mistakes), "--json"])
    doc = json.loads(r.stdout)
    assert r.exit_code == 1 and doc["status"] == "refuted"
    assert doc["files"] == {"tex": str(tmp_path / "r.tex"), "pdf": None, "log": None}
    assert (tmp_path / "r.tex").exists() and doc["build"]["ok"] is None
    direct = verify(Network([2, 3, 2])).to_json()
    theirs = doc["theorems"]["nonlinear"]
    assert theirs["status"] == "proved" and theirs["counts"] == direct["counts"]
    assert [c["rule"] for c in theirs["checks"]] == [c["rule"] for c in direct["checks"]]
    assert doc["theorems"]["linear"]["network"]["activations"] == ["linear", "linear"]
    checked = json.loads(CliRunner().invoke(main, ["check", str(mistakes), "--json"]).stdout)
    assert doc["claims"]["counts"] == checked["counts"] and doc["claims"]["status"] == "refuted"
    assert shlex.split(doc["command"])[-2:] == ["--out", str(tmp_path / "r.tex")]
    assert CliRunner().invoke(main, ["report", "--widths", "2,2", "--out", str(tmp_path /
                                     "p.tex"), "--json"]).exit_code == 0


def test_cli_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "r.tex"
    out.write_text("keep me")
    r = cli("report", *["--widths", "2,2", "--out", str(out)])
    assert r.exit_code == 2
    assert "already exists; use --force" in r.output
    assert out.read_text() == "keep me"
    r = cli("report", *["--widths", "2,2", "--out", str(out), "--force"])
    assert r.exit_code == 0, r.output
    assert out.read_text().startswith("%% Generated by backprop-sym")


def test_cli_refuses_existing_pdf_too(tmp_path):
    (tmp_path / "r.pdf").write_bytes(b"%PDF old")
    r = cli("report", *["--widths", "2,2", "--out", str(tmp_path / "r.pdf")])
    assert r.exit_code == 2 and "r.pdf already exists" in r.output
    assert not (tmp_path / "r.tex").exists()


@pytest.mark.parametrize("args, message", [
    (["--widths", "2,x", "--out", "r.tex"], "not a list of integers"),
    (["--widths", "2,2", "--out", "r.docx"], "must end in .pdf (source and PDF) or .tex"),
    (["--widths", "2,2", "--depth", "2", "--out", "r.tex"], "cannot be combined"),
    (["--widths", "2,2", "--activation", "swish", "--out", "r.tex"], "unknown activation"),
    (["--widths", "2,2", "--jobs", "0", "--out", "r.tex"], "--jobs must be at least 1"),
    (["--widths", "2,2", "--timeout", "-1", "--out", "r.tex"], "--timeout must be a positive"),
    (["--widths", "2,2", "--only", "cubic", "--out", "r.tex"], "Invalid value for '--only'"),
    (["--widths", "2,2"], "Missing option '--out'"),
])
def test_cli_bad_options_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    r = cli("report", *args)
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert not list(tmp_path.iterdir())


def test_cli_without_tex_writes_source_and_exits_4(tmp_path, monkeypatch):
    monkeypatch.setattr(latex.shutil, "which", lambda name, *a, **k: None)
    out = tmp_path / "r.pdf"
    r = cli("report", *["--widths", "2,2", "--out", str(out)])
    assert r.exit_code == 4, r.output
    assert out.with_suffix(".tex").exists() and not out.exists()
    lines = [l for l in r.output.splitlines() if l.startswith("backprop-sym:")]
    assert len(lines) == 1
    assert "texlive-latex-base texlive-latex-recommended texlive-pictures latexmk" in lines[0]


@needs_tex
def test_cli_build_failure_exits_2_with_first_error_and_log(tmp_path, monkeypatch):
    broken = "\\documentclass{article}\n\\begin{document}\nfine\n\\undefinedmacro\n\\end{document}\n"
    monkeypatch.setattr(report, "render", lambda *a, **k: broken)
    out = tmp_path / "bad.pdf"
    r = cli("report", *["--widths", "2,2", "--out", str(out)])
    assert r.exit_code == 2, r.output
    assert f"{out.with_suffix('.tex')}:4: Undefined control sequence." in r.output
    assert out.with_suffix(".log").exists() and not out.exists()


def test_cli_refuted_exits_1(tmp_path, monkeypatch):
    real = report.make_report

    def injected(*a, **k):
        return real(*a, **{**k, "rules_override": {"hidden_delta": wrong_hidden_delta}})
    monkeypatch.setattr(report, "make_report", injected)
    out = tmp_path / "r.tex"
    r = cli("report", *["--widths", "2,2,2", "--out", str(out), "--jobs", "1"])
    assert r.exit_code == 1, r.output
    assert "Not proved: read this first" in out.read_text()


def test_templates_do_no_mathematics():
    """Formulas come from SymPy through the context; templates hold single symbols at most."""
    import jinja2
    assert report.environment().undefined is jinja2.StrictUndefined
    allowed = re.compile(r"^(\\?[A-Za-z]+|\d|f'|\\mathcal\{D\}|\\vdots)$")
    for path in report.TEMPLATES.glob("*.tex.j2"):
        text = path.read_text()
        for inline in re.findall(r"\$([^$]*)\$", text):
            assert r"\VAR{" in inline or allowed.match(inline), (path.name, inline)
        for env in ("align", "equation", "multline"):
            assert f"\\begin{{{env}" not in text, (path.name, env)


def test_undefined_context_value_fails_loudly(small):
    import jinja2
    with pytest.raises(jinja2.UndefinedError):
        report.environment().from_string(r"\VAR{missing}").render()


def test_report_with_claims_file_adds_the_claims_section(tmp_path):
    out = tmp_path / "claims.tex"
    mistakes = ROOT / "derivations" / "mistakes.md"
    r = CliRunner().invoke(main, ["report", "--widths", "2,2", "--only", "nonlinear",
                                  "--claims", str(mistakes), "--out", str(out), "--jobs", "1"])
    assert r.exit_code == 1, r.output          # the mistakes are refuted
    source = out.read_text()
    assert "Claims from" in source and "mistakes.md" in source
    assert "refuted" in source and "right-hand side is" in source
    r = CliRunner().invoke(main, ["report", "--widths", "2,2", "--claims", str(tmp_path / "no.md"),
                                  "--out", str(tmp_path / "x.tex")])
    assert r.exit_code == 2 and "cannot read" in r.output
