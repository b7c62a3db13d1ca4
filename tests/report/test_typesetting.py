"""Typesetting of the report (issue 22): formulas in reasons, hints and unread claim sources
are mathematics, never escaped text; the regenerating command keeps its two hyphens and
breaks only between words; Figure 1 stays in its section; no line runs into the margin;
the LaTeX log is kept beside the PDF."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from backprop_sym.engine.network import Shape
from backprop_sym.engine.verify import verify
from backprop_sym.report import latex, render as report
from backprop_sym.report.latex import Build, breakable
from backprop_sym.report.prose import math_ok, prose, source_math
from support import DERIVATIONS, cli, needs_pdftotext, needs_tex

# what escaped mathematics looks like in LaTeX source: a ^ or _ or backslash printed as text
ESCAPED_MATH = re.compile(r"\\textasciicircum|\\textbackslash|(?<![a-z])[A-Za-z]\\_|\}\\_|"
                          r"\\\{[^}]*\\\}\\_")


def outside_math(tex: str, check: bool = True) -> str:
    """`tex` with every $...$ removed (and, with `check`, each checked to be TeX math that
    `prose` accepts)."""
    for formula in re.findall(r"(?<!\\)\$(.*?)(?<!\\)\$", tex):
        assert math_ok(formula) or not check, formula
    return re.sub(r"(?<!\\)\$(.*?)(?<!\\)\$", " ", tex)


def assert_no_escaped_math(tex: str, check: bool = True):
    text = outside_math(tex, check)
    assert not ESCAPED_MATH.search(text), text
    assert not re.search(r"\\ensuremath\{\\(partial|Delta|delta|sigma|odot)\}", text), text


# reasons and hints as the engine and the claim reader write them: formulas in plain notation
MESSAGES = [
    ("fails at step (b): ∂a^l_j/∂z^l_j = f'(z^l_j) is not the factor of Δ^{l+1}_k in the rule",
     [r"\partial a^l_j/\partial z^l_j = f'(z^l_j)", r"\Delta ^{l+1}_k"]),
    ("holds if w^{l+1}_{kj} is read as w^{l+1}_{jk} (transpose); holds under the to-from "
     "convention", ["w^{l+1}_{kj}", "w^{l+1}_{jk}"]),
    ("holds with the factor f'(z^L_j) added on the right-hand side", ["f'(z^L_j)"]),
    ("holds with f' instead of f (f'(z^l_j) for f(z^l_j))", ["f'", "f", "f'(z^l_j)", "f(z^l_j)"]),
    ("holds with layer l-1 instead of l (a^{l-1}_i for a^l_i)", ["l-1", "a^{l-1}_i", "a^l_i"]),
    ("holds with w^{l+1} instead of (w^{l+1})^T (no transpose)", ["w^{l+1}", "(w^{l+1})^T"]),
    ("false at widths 3,2,2,3,4, l=2, entry 1: shapes do not match: w^l a^{l-1} multiplies a "
     "2x3 matrix by a 2-vector (at widths 2,3, l=1)", ["l=2", "w^l a^{l-1}", "l=1"]),
    ("holds exactly: all 22 instance(s); and for every depth and every width (symbolic n_l, "
     "the steps of backprop-sym prove)", ["n_l"]),
    (r"a step with \dots, not a claim about specific quantities", [r"\dots"]),
    (r"declares the activation: linear (f(z) = z,\quad f'(z) = 1); the claims from line 154 "
     "on are checked with it", [r"f(z) = z,\quad f'(z) = 1"]),
    ("the rule reads layers 1..L only", [r"1, \dots, L"]),
    ("holds with the factor 1/N added on the right-hand side", ["1/N"]),
    ("the graph does not show: σ'(z^l_j) ⊙ Δ^l", [r"\sigma '(z^l_j) \odot \Delta ^l"]),
]


@pytest.mark.parametrize("message, formulas", MESSAGES)
def test_formulas_of_a_message_are_mathematics(message, formulas):
    out = prose(message)
    assert_no_escaped_math(out)
    for f in formulas:
        assert f"${f}$" in out or f"${f}" in out or f"{f}$" in out, (f, out)


@pytest.mark.parametrize("message, kept", [
    ("the rule hidden_delta of backprop_sym.engine failed", [r"hidden\_delta", r"backprop\_sym"]),
    ("the two sides differ at the witness's values", ["witness's"]),
    ("holds under the to-from convention", ["to-from"]),
    ("a 4x3 matrix by a 4-vector", ["a 4x3 matrix by a 4-vector"]),
    ("TypeError: x_1 # % & $ ~ { }", [r"\#", r"\%", r"\&", r"\$", r"\{", r"\}"]),
])
def test_words_and_names_stay_text(message, kept):
    out = prose(message)
    assert "$" not in out.replace(r"\$", "").replace("$x_1$", "")
    for k in kept:
        assert k in out, (k, out)


def test_text_that_is_no_formula_is_escaped_whole():
    # an unknown command or a double superscript is not TeX math that compiles: text
    for bad in (r"\foo^2 is odd", "a^b^c and x_1_2", r"w^{l+1 is open"):
        out = prose(bad)
        assert "$" not in out, out


@pytest.mark.parametrize("source", [r"\Delta^L, \Delta^{L-1}, \dots, \Delta^1",
                                    r"\frac{\partial C}{\partial w^l} \quad \text{and so on}",
                                    r"\left( a^{l-1} \right)^T \odot \sigma'(z^l)",
                                    r"\Delta^l_j &= \sum_k w^{l+1}_{kj}"])
def test_an_unread_source_that_is_tex_math_is_set_as_math(source):
    out = source_math(source)
    assert out is not None and out.startswith("$") and out.endswith("$")
    assert_no_escaped_math(out)


@pytest.mark.parametrize("source", [r"a^b^c", r"x_1_2", r"f^2'", r"\newcommand{\x}{1}",
                                    r"\left( a", r"a \right)", r"{a", r"a}", r"C = w^2 & 50% $",
                                    r"a \\ b", r"\label{eq} a = b", "#1"])
def test_an_unread_source_that_is_no_safe_tex_math_is_verbatim(source):
    assert source_math(source) is None


# ---------------------------------------------------------------- the rendered .tex

@pytest.fixture(scope="module")
def shape_results():
    shape = Shape.make("2,2", "f")
    return shape, {"nonlinear": verify(report.theorem_shapes(shape)["nonlinear"])}


def claims_section(tex: str) -> str:
    return tex[tex.index(r"\section{Claims from"):tex.index(r"\end{enumerate}",
                                                              tex.index(r"\section{Claims from"))]


def test_claims_section_sets_reasons_hints_and_unread_sources_as_math(shape_results):
    shape, results = shape_results
    claims = [
        {"line": 146, "latex": r"\Delta^L, \Delta^{L-1}, \dots, \Delta^1", "parsed": None,
         "status": "skipped", "reason": r"a step with \dots, not a claim about specific "
         "quantities", "hint": None, "witness": None},
        {"line": 154, "latex": r"f(z) = z,\quad f'(z) = 1", "parsed": None, "status": "skipped",
         "reason": r"declares the activation: linear (f(z) = z,\quad f'(z) = 1)", "hint": None,
         "witness": None},
        {"line": 9, "latex": r"\Delta^l_j = \sum_k w^{l+1}_{kj} \Delta^{l+1}_k", "parsed": None,
         "status": "refuted", "reason": "false at widths 2,3,4, l=1, j=1: the two sides differ",
         "hint": "holds with the factor f'(z^l_j) added on the right-hand side; holds if "
                 "w^{l+1}_{kj} is read as w^{l+1}_{jk} (transpose)", "witness": None},
        {"line": 12, "latex": r"\Delta^L_j = a^L_j - y_j", "parsed": None, "status": "proved",
         "reason": "holds exactly: and for every depth and every width (symbolic n_l, the "
                   "steps of backprop-sym prove)", "hint": None, "witness": None},
    ]
    t = report.render(shape, results, claims=claims, claims_file="notes.md", date="2000-01-01")
    section = claims_section(t)
    assert_no_escaped_math(section)
    assert r"$\Delta^L,\allowbreak  \Delta^{L-1},\allowbreak  \dots,\allowbreak  \Delta^1$" in section
    assert "$f'(z^l_j)$" in section and "$w^{l+1}_{kj}$" in section and "$n_l$" in section
    assert "$l=1$" in section and r"$f(z) = z,\quad f'(z) = 1$" in section


def test_a_source_that_is_no_tex_math_stays_verbatim(shape_results):
    shape, results = shape_results
    claims = [{"line": 7, "latex": r"C = w^2 & 50% $ \foo", "parsed": None, "status": "skipped",
               "reason": "not read", "hint": None, "witness": None}]
    section = claims_section(report.render(shape, results, claims=claims, date="2000-01-01"))
    item = section[section.index(r"\item"):]
    assert r"\ttfamily" in item and r"w\textasciicircum{}2" in item
    assert r"\textbackslash{}foo" in item and "$" not in item.replace(r"\$", "")


def test_wrong_rule_report_sets_its_failure_reasons_as_math():
    def without_fprime(q, s, l, j):
        return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))
    rep = report.make_report(Shape.make("2,2,2", "f"), only="nonlinear", date="2000-01-01",
                             rules_override={"hidden_delta": without_fprime})
    t = rep.tex
    body = t[t.index(r"\begin{document}"):t.index(r"\section{How this report was made}")]
    # names of rules (hidden\_delta in \texttt) are text; no formula is
    body = re.sub(r"\\texttt\{[^{}]*\}", " ", body)
    assert_no_escaped_math(body, check=False)
    assert r"\partial a^l_j/\partial z^l_j = f'(z^l_j)" in t


# ---------------------------------------------------------------- the command line printed

@pytest.mark.parametrize("command", [
    "backprop-sym report --widths 2,3,2 --activation f --convention to-from --claims "
    "derivations/backprop.md",
    "backprop-sym report --depth 3 --width 2 --activation linear --only linear --title "
    "'A title -- with dashes' --timings",
])
def test_the_command_keeps_its_hyphens_and_breaks_only_between_words(command):
    out = breakable(command)
    assert "--" not in out                      # TeX's en-dash ligature needs two hyphens
    words = re.findall(r"\\mbox\{((?:[^{}]|\{\})*)\}", out)
    assert " ".join(w.replace("-{}", "-") for w in words) == command
    # every word a box of its own (no break inside), separated by spaces only
    assert r"\allowbreak" not in out
    assert re.fullmatch(r"(\\mbox\{(?:[^{}]|\{\})*\} ?)+", out)


def test_a_path_too_long_for_a_line_breaks_after_its_separators_only():
    out = breakable("--out /a/very/long/directory/name/for/the/reports/r.pdf")
    assert "--" not in out
    assert out.startswith(r"\mbox{-{}-{}out} ")
    pieces = out.split(" ", 1)[1].split(r"\allowbreak{}")
    assert all(p.startswith(r"\mbox{") and p.endswith("}") for p in pieces), pieces
    assert [p[len(r"\mbox{"):-1] for p in pieces] == [
        "/", "a/", "very/", "long/", "directory/", "name/", "for/", "the/", "reports/", "r.",
        "pdf"]


def test_the_method_section_prints_option_names_without_ligature(shape_results):
    shape, results = shape_results
    t = report.render(shape, results, date="2000-01-01",
                      command=report.report_command(Shape.make("2,2", "f", convention="to-from")))
    method = t[t.index(r"\section{How this report was made}"):]
    method = method[:method.index(r"\appendix")]
    assert "--" not in method, re.findall(r".{30}--.{30}", method)
    assert r"\mbox{-{}-{}convention}" in method


# ---------------------------------------------------------------- the log

def test_a_successful_build_keeps_its_log_beside_the_pdf(tmp_path, monkeypatch):
    monkeypatch.setattr(latex, "have_tex", lambda: True)
    monkeypatch.setattr(latex, "build_pdf", lambda source, source_name="", timeout=None:
                        Build(True, "This is pdfTeX\nOutput written on report.pdf\n", None,
                              b"%PDF-1.5 fake"))
    out = tmp_path / "r.pdf"
    r = cli("report", "--widths", "1,1", "--activation", "f", "--only", "nonlinear",
            "--out", out)
    assert r.exit_code == 0, r.output
    assert (tmp_path / "r.log").read_text() == "This is pdfTeX\nOutput written on report.pdf\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.log", "r.pdf", "r.tex"]


def test_the_log_never_overwrites_an_input(tmp_path):
    claims = tmp_path / "r.log"
    claims.write_text("$$ a = a $$\n")
    r = cli("report", "--widths", "1,1", "--activation", "f", "--claims", claims,
            "--out", tmp_path / "r.pdf", "--force")
    assert r.exit_code == 2 and "never" in r.output and "own input" in r.output
    assert claims.read_text() == "$$ a = a $$\n"


# ---------------------------------------------------------------- the PDF

def pdf_text(path) -> str:
    return subprocess.run([shutil.which("pdftotext"), "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def assert_no_raw_tex_in_text(text: str):
    assert not re.search(r"\\[A-Za-z]+", text), re.findall(r".{20}\\[A-Za-z]+.{20}", text)
    # a one-letter symbol with a script written out (n_l, w^{l+1}, z^L_j) is LaTeX as text;
    # names such as hidden_delta or wrong_rule_report.py are not
    assert not re.search(r"(?<![A-Za-z_])[A-Za-z]'?[_^]", text), \
        re.findall(r".{20}(?<![A-Za-z_])[A-Za-z]'?[_^].{20}", text)
    assert not re.search(r"[\^]\{|_\{", text)
    assert "–" + "out" not in text and "–" + "claims" not in text


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The report with --claims derivations/mistakes.md (as reports/mistakes.pdf), built."""
    tmp = tmp_path_factory.mktemp("built")
    out = tmp / "mistakes.pdf"
    r = cli("report", "--widths", "2,3,2", "--activation", "f",
            "--claims", DERIVATIONS / "mistakes.md", "--out", out)
    assert r.exit_code in (0, 1), r.output
    return out


@needs_pdftotext
def test_pdf_of_refuted_claims_has_no_raw_latex_and_keeps_figure_1_in_its_section(built):
    text = pdf_text(built)
    assert_no_raw_tex_in_text(text)
    assert "Hint:" in text
    # the claims file is named by its long absolute path, in typewriter type, on page 1
    log = built.with_suffix(".log").read_text()
    assert "Overfull \\hbox" not in log, re.findall(r"Overfull \\hbox.*", log)
    assert text.index("Figure 1:") < text.index("Definitions")
    assert "--widths 2,3,2 --activation f --claims" in text.replace("\n", " ")


@needs_pdftotext
def test_pdf_with_the_derivation_of_backprop_has_no_raw_latex_and_no_overfull_box(tmp_path):
    out = tmp_path / "backprop.pdf"
    r = cli("report", "--widths", "2,3,2", "--activation", "f",
            "--claims", DERIVATIONS / "backprop.md", "--out", out)
    assert r.exit_code == 0, r.output
    log = out.with_suffix(".log").read_text()
    assert "Output written on" in log
    assert "Overfull \\hbox" not in log, re.findall(r"Overfull \\hbox.*", log)
    text = pdf_text(out)
    assert_no_raw_tex_in_text(text)
    assert "skipped" in text


@needs_pdftotext
def test_pdf_of_the_wrong_rule_report_has_no_raw_latex(tmp_path):
    def without_fprime(q, s, l, j):
        return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))
    rep = report.make_report(Shape.make("2,2,2", "f"), only="nonlinear", date="2000-01-01",
                             rules_override={"hidden_delta": without_fprime},
                             command="python benchmarks/wrong_rule_report.py")
    build = latex.build_pdf(rep.tex)
    assert build.ok, build.error
    assert not build.overfull()
    (tmp_path / "w.pdf").write_bytes(build.pdf)
    assert_no_raw_tex_in_text(pdf_text(tmp_path / "w.pdf"))


@needs_tex
def test_unread_sources_and_reasons_compile(shape_results):
    shape, results = shape_results
    claims = [{"line": n, "latex": src, "parsed": None, "status": "skipped",
               "reason": msg, "hint": msg, "witness": None}
              for n, (src, (msg, _)) in enumerate(zip(
                  [r"\Delta^L, \Delta^{L-1}, \dots, \Delta^1", r"a^b^c", r"\left( a",
                   r"\frac{\partial C}{\partial w^l} \quad \text{and so on}", r"x_1_2 #",
                   r"\sigma'(z) \odot \delta", r"\mathcal{C} = \frac{1}{N}\sum_x C_x",
                   r"f^2'", "\\Delta^l_j &= \\sum_k w^{l+1}_{kj}", "y", "z", "q", "r"],
                  MESSAGES), 1)]
    t = report.render(shape, results, claims=claims, claims_file="c.md", date="2000-01-01")
    build = latex.build_pdf(t)
    assert build.ok, build.error


@needs_tex
@pytest.mark.parametrize("name", [
    "notes/on/backpropagation/derivations/from/the/lecture/of/week/three/backprop-by-hand.md",
    "notes_on_backpropagation_derivations_from_the_lecture_of_week_three_backprop-by-hand.md"])
def test_a_long_claims_file_name_runs_into_no_margin(shape_results, name):
    shape, results = shape_results
    claims = [{"line": 1, "latex": "a = b", "parsed": None, "status": "skipped",
               "reason": "not read", "hint": None, "witness": None}]
    t = report.render(shape, results, claims=claims, claims_file=name, date="2000-01-01")
    build = latex.build_pdf(t)
    assert build.ok, build.error
    assert not build.overfull(), re.findall(r"Overfull \\hbox.*", build.log)


def test_the_note_of_a_witness_that_is_not_one_sets_its_formulas_as_math():
    from backprop_sym.report.witness_tex import witness_context
    note = witness_context({"reason": "no witness: w^{l}_{jk} times f'(z^l_j) differs"})["note"]
    assert "$w^{l}_{jk}$" in note and "$f'(z^l_j)$" in note
    assert_no_escaped_math(note)


def test_no_symbol_of_the_report_is_set_as_a_word(shape_results):
    """A one-letter symbol (l, L, n, f, C) outside math, as in "Induction on l from L down",
    is mathematics set as text."""
    shape, results = shape_results
    t = report.render(shape, results, date="2000-01-01")
    body = t[t.index(r"\begin{document}"):]
    body = re.sub(r"(?<!\\)\$(.*?)(?<!\\)\$", " ", body, flags=re.S)
    body = re.sub(r"\\\[.*?\\\]", " ", body, flags=re.S)
    body = re.sub(r"\\begin\{(align\*|equation\*|tikzpicture|tabular)\}.*?\\end\{\1\}", " ",
                  body, flags=re.S)
    words = [body[m.start() - 30:m.end() + 30]
             for m in re.finditer(r"(?<=\s)[b-zB-HJ-Z](?=[\s,.;:])", body)]
    assert not words, words
