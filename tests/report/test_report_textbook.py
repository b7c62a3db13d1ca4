"""The report's textbook content: the witness tables' error signals, the numeric example,
the algorithm box, the Δ-flow figure and the summary in both conventions. Every number is
recomputed here from scratch with sympy.diff on an explicit cost built by this file."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import sympy

from backprop_sym.engine.network import Shape
from backprop_sym.report import latex, numeric, render, textbook
from backprop_sym.report.formulas import tex

needs_pdf = pytest.mark.skipif(not latex.have_tex() or not shutil.which("pdftotext"),
                               reason="latexmk/pdflatex/pdftotext not installed")


def wrong_hidden_delta(q, s, l, j):
    """Δ^l_j without the factor f'(z^l_j)."""
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))


def weight_name(l, k, j, convention):
    p, q = (k, j) if convention == "from-to" else (j, k)
    return f"w^{l}_{p}{q}"


def sample(base, s, i, N):
    return f"{base}_{i}" if N == 1 else f"{base}^({s})_{i}"


def explicit_cost(widths, N, f, convention, probes=False):
    """The data-set cost written out from scratch in named symbols; with `probes`, z^l_j(s)
    carries a symbol e[s,l,j] and the example costs are returned as well."""
    V = sympy.Symbol
    e = {}
    costs = []
    for s in range(1, N + 1):
        a = [V(sample("x", s, k, N)) for k in range(1, widths[0] + 1)]
        for l in range(1, len(widths)):
            zs = []
            for j in range(1, widths[l] + 1):
                z = sum(a[k - 1] * V(weight_name(l, k, j, convention))
                        for k in range(1, widths[l - 1] + 1)) + V(f"b^{l}_{j}")
                if probes:
                    e[s, l, j] = V(f"e[{s},{l},{j}]")
                    z += e[s, l, j]
                zs.append(z)
            a = [f(z) for z in zs]
        costs.append(sympy.Rational(1, 2) * sum((aj - V(sample("y", s, j, N))) ** 2
                                                for j, aj in enumerate(a, 1)))
    return sum(costs) / N, costs, e


def independent_deltas(widths, N, f, convention, values):
    _, costs, e = explicit_cost(widths, N, f, convention, probes=True)
    at = {sympy.Symbol(k): sympy.Rational(v) for k, v in values.items()}
    zero = {p: 0 for p in e.values()}
    return {(s, l, j): sympy.diff(costs[s - 1], p).xreplace(at).xreplace(zero)
            for (s, l, j), p in e.items()}


@pytest.fixture(scope="module")
def refuted():
    return render.make_report(Shape.make("2,2,2", "f"), only="nonlinear", date="2000-01-01",
                              rules_override={"hidden_delta": wrong_hidden_delta})


@pytest.mark.slow
def test_witness_tables_give_the_error_signals_of_the_witness(refuted):
    witnessed = [c for c in refuted.results["nonlinear"].checks if c.witness]
    assert witnessed
    for c in witnessed:
        w = c.witness
        formula = sympy.sympify(w.f["formula"].split("=", 1)[1])    # read independently
        t = sympy.Symbol("t")
        c2, c1, c0 = (formula.coeff(t, k) for k in (2, 1, 0))
        f = lambda u: c2 * u ** 2 + c1 * u + c0
        deltas = independent_deltas((2, 2, 2), 1, f, "from-to", w.values)
        for (_s, l, j), v in deltas.items():
            assert rf"\Delta^{{{l}}}_{{{j}}} & {tex(v)}\\" in refuted.tex, (l, j, v)
        # the direct side of a hidden_delta witness is the error signal itself
        if c.rule == "hidden_delta":
            assert sympy.Rational(w.left) == deltas[1, c.layer, c.index[0]]


def test_error_signals_of_a_wrong_value_are_not_found():
    """The check above can fail: a perturbed witness gives other error signals."""
    values = {"x_1": 1, "x_2": 2, "y_1": 0, "y_2": 1, "w^1_11": 1, "w^1_12": -1,
              "w^1_21": 2, "w^1_22": 1, "w^2_11": 1, "w^2_12": 1, "w^2_21": -1,
              "w^2_22": 3, "b^1_1": 0, "b^1_2": 1, "b^2_1": 1, "b^2_2": 0}
    f = lambda u: u ** 2 - u
    quadratic = numeric.quadratic(1, -1, 0)
    net = numeric.Concrete(Shape.make("2,2,2", "f"),
                           {k: sympy.Rational(v) for k, v in values.items()},
                           [None, quadratic, quadratic])
    ours = net.deltas()
    assert ours == independent_deltas((2, 2, 2), 1, f, "from-to", values)
    values["w^2_22"] = 2
    assert ours != independent_deltas((2, 2, 2), 1, f, "from-to", values)


# ---------------------------------------------------------------- the numeric example

@pytest.mark.parametrize("widths,linear,convention,N", [
    ("2,3,2", False, "from-to", 1), ("2,3,2", True, "from-to", 1),
    ("2,2,2,2", False, "to-from", 2), ("8,8,8,8,8", False, "from-to", 1)])
@pytest.mark.slow
def test_numeric_example_agrees_with_an_independent_derivative(widths, linear, convention, N):
    shape = Shape.make(widths, "linear" if linear else "f", samples=N, convention=convention)
    ex = textbook.example(shape, linear)
    got = ex["numbers"]
    small = got["shape"]
    assert max(small.widths) <= 3 and small.L <= 3 and small.samples <= 2
    f = (lambda u: u) if linear else (lambda u: u ** 2 - u)
    assert all(got["f"](u) == f(u) for u in (sympy.Rational(-3, 2), 0, 2))
    cost, _, _ = explicit_cost(small.widths, small.samples, f, convention)
    at = {sympy.Symbol(k): v for k, v in got["values"].items()}
    assert all(v.is_Rational for v in got["values"].values())
    expected = sympy.diff(cost, sympy.Symbol(got["weight"])).xreplace(at)
    assert expected.is_Rational
    assert got["rule"] == expected and got["direct"] == expected
    assert got["deltas"] == independent_deltas(small.widths, small.samples, f, convention,
                                               got["values"])
    assert ex["equal"] and ex["deltas_agree"]
    assert str(tex(expected)) in ex["direct"] and str(tex(expected)) in ex["rule"]


def test_numeric_example_shows_a_wrong_rule():
    """With hidden_delta missing f', the rule's gradient is not the derivative."""
    shape = Shape.make("2,3,2", "f")
    ex = textbook.example(shape, False, {"hidden_delta": wrong_hidden_delta})
    got = ex["numbers"]
    cost, _, _ = explicit_cost((2, 3, 2), 1, lambda u: u ** 2 - u, "from-to")
    expected = sympy.diff(cost, sympy.Symbol(got["weight"])).xreplace(
        {sympy.Symbol(k): v for k, v in got["values"].items()})
    assert got["direct"] == expected and got["rule"] != expected
    assert not ex["equal"] and not ex["deltas_agree"]


# ---------------------------------------------------------------- the PDF as read

def pdf_text(rep, tmp_path) -> str:
    build = latex.build_pdf(rep.tex, "textbook")
    assert build.ok, build.error
    assert [w for w in build.overfull() if w > 1.0] == []
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(build.pdf)
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


@needs_pdf
@pytest.mark.slow
def test_pdf_has_the_algorithm_the_figure_the_summary_and_the_example(tmp_path):
    rep = render.make_report(Shape.make("2,3,2", "f"), date="2000-01-01")
    text = pdf_text(rep, tmp_path)
    for phrase in ("Algorithm (backpropagation, from-to convention)", "Forward pass: for l = 1",
                   "Output error, rule (i)", "Backward pass, rule (ii): for l = L − 1",
                   "Gradients, averaged over the N examples",
                   "The error signals flow backwards through the network",
                   "Summary: the four rules in both conventions", "The from-to convention",
                   "The to-from convention (Nielsen)", "A worked example in numbers",
                   "f (t) = t2 − t", "The two numbers are equal."):
        assert phrase in text, phrase
    assert re.search(r"Figure \d+: The error signals flow backwards", text)
    summary = text[text.index("Summary: the four rules"):text.index("How this report was made")]
    for name in ("BP1", "BP2", "BP3", "BP4", "δ", "σ", "∆", "⊙"):
        assert name in summary, name
    ex = textbook.example(Shape.make("2,3,2", "f"), False)["numbers"]
    num = ex["direct"]
    assert f"= {abs(num.p)} {num.q}" in text or f"{abs(num.p)} {num.q}" in text


@needs_pdf
@pytest.mark.slow
def test_pdf_of_a_wrong_rule_says_the_numbers_differ(tmp_path):
    rep = render.make_report(Shape.make("2,2,2", "f"), only="nonlinear", date="2000-01-01",
                             rules_override={"hidden_delta": wrong_hidden_delta})
    text = pdf_text(rep, tmp_path)
    assert "The two numbers differ." in text
    assert "a rule for the error signals is wrong" in text
    assert "The two numbers are equal." not in text


def test_numeric_example_says_why_its_activation_is_not_the_reports():
    assert textbook.example(Shape.make("2,2,2", "sigmoid"), False)["irrational"]
    mixed = textbook.example(Shape.make("2,2,2", "f,linear"), False)
    assert not mixed["irrational"] and not mixed["generic"] and mixed["equal"]
