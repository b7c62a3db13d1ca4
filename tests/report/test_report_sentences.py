"""Sentences of the report outside the proof, read in the rendered .tex and checked against
the data they describe (issue 22): the worked instance names the rules it uses, a witness
counts its zero values by kind, the numeric example names every activation it keeps or
replaces and prints short numbers, page one says what was proved and what was skipped and
what each theorem was checked on, the regeneration sentence names SOURCE_DATE_EPOCH, and the
BP3/BP4 labels agree with Nielsen everywhere.

Every expectation is computed here from the Shape (or the witness values), not by the
module under test."""
from __future__ import annotations

import datetime
import re

import pytest
import sympy

from backprop_sym.engine import activations
from backprop_sym.engine.network import Shape
from backprop_sym.engine.verify import verify
from backprop_sym.report import render

ROMAN = {"output_delta": "(i)", "hidden_delta": "(ii)", "weight_grad": "(iii)",
         "bias_grad": "(iv)"}


def hidden_no_fprime(q, s, l, j):        # Δ^l without f'(z^l)
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))


def output_no_fprime(q, s, j):           # Δ^L without f'(z^L)
    return q.a(s, q.L, j) - q.y(s, j)


def rendered(widths, act, samples=1, only=None, overrides=None, **kw) -> str:
    shape = Shape.make(widths, act, samples=samples)
    shapes = render.theorem_shapes(shape, only)
    results = {k: verify(s, rules_override=overrides) for k, s in shapes.items()}
    return render.render(shape, results, date="2000-01-01", rules_override=overrides, **kw)


def between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i:text.index(end, i + len(start))]


# ---------------------------------------------------------------- the worked instance

def listed(phrase: str) -> list[str]:
    return re.findall(r"\([iv]+\)", phrase)


@pytest.mark.parametrize("widths,act,N", [("2,1", "f", 1), ("1,2,1", "f", 1),
                                          ("2,1,2,1", "sigmoid", 1), ("1,2,2", "f", 2),
                                          ("2,2,2,1", "linear", 1)])
def test_worked_instance_names_the_rules_its_closed_form_uses(widths, act, N):
    tex = rendered(widths, act, N)
    L = len(widths.split(",")) - 1
    # what a weight of the last hidden layer (or layer 1) needs: the weight rule, the
    # output error, and the recursion once below the output layer; never the bias rule
    used = ["weight_grad", "output_delta"] + (["hidden_delta"] if L > 1 else [])
    assert "smallest instance that uses every rule" not in tex
    sections = re.findall(r"\\subsubsection\*\{A worked instance.*?(?=\\subsubsection|\\section)",
                          tex, re.S)
    assert sections
    for sec in sections:
        uses = re.search(r"which uses rules? (.*?)(;|\. )", sec, re.S)
        assert uses, sec[:600]
        assert sorted(listed(uses.group(1))) == sorted(ROMAN[k] for k in used)
        unused = re.search(r"; rules? (.*?) (is|are) not used here", sec, re.S)
        assert sorted(listed(unused.group(1))) == sorted(
            ROMAN[k] for k in ROMAN if k not in used)
        layer = int(re.search(r"a weight of\s+layer~(\d+)", sec).group(1))
        assert layer == max(1, L - 1)
        assert ("(the output layer)" in sec) == (layer == L)
        # the displayed chain agrees: Δ of the output layer, and of layer L-1 iff used
        assert ("\\Delta^{%d}" % L) in sec
        assert (("\\Delta^{%d}" % (L - 1)) in sec) == (L > 1)
        assert "\\partial b" not in sec


# ---------------------------------------------------------------- a witness's zero values

def zero_sentences(tex: str) -> list[tuple[int, dict]]:
    out = []
    for m in re.finditer(r"The other (\d+) values are \$0\$:\s+(.*?)\.\n", tex, re.S):
        parts = re.findall(r"(\d+)~(input|target|weight|bias|other value)", m.group(2))
        out.append((int(m.group(1)), {w: int(n) for n, w in parts}))
    return out


@pytest.mark.parametrize("widths,N,override", [
    ("2,2,2", 1, {"hidden_delta": hidden_no_fprime}),
    ("3,2,2", 2, {"hidden_delta": hidden_no_fprime}),
    ("1,2,3", 1, {"output_delta": output_no_fprime})])
def test_witness_counts_its_zero_values_by_kind(widths, N, override):
    shape = Shape.make(widths, "f", samples=N)
    result = verify(shape, rules_override=override)
    tex = render.render(shape, {"nonlinear": result}, date="2000-01-01",
                        rules_override=override)
    assert "other inputs, weights and biases" not in tex
    n = shape.widths
    total = {"input": n[0] * N, "target": n[-1] * N,
             "weight": sum(n[l - 1] * n[l] for l in range(1, len(n))),
             "bias": sum(n[1:])}
    expected = []
    for c in result.checks:
        if c.witness is None or len(c.witness.values) == len(c.witness.nonzero):
            continue
        kind = {"x": "input", "y": "target", "w": "weight", "b": "bias"}
        nonzero = {k: 0 for k in total}
        for name in c.witness.nonzero:
            nonzero[kind[name[0]]] += 1
        zeros = {k: total[k] - nonzero[k] for k in total if total[k] > nonzero[k]}
        assert len(c.witness.values) == sum(total.values())      # the whole network
        expected.append((sum(zeros.values()), zeros))
    found = zero_sentences(tex)
    assert expected and sorted(map(repr, found)) == sorted(map(repr, expected))


# ---------------------------------------------------------------- the numeric example

def example_section(tex: str) -> str:
    return between(tex, r"\section{A worked example in numbers}", r"\section{")


def example_layers(section: str) -> list[tuple[int, str]]:
    """(layer, its line) for each layer the example describes."""
    body = section[section.index("layer by layer:"):section.index("The forward pass")]
    return [(int(m.group(1)), m.group(0))
            for m in re.finditer(r"^layer~(\d+).*$", body, re.M)]


@pytest.mark.parametrize("widths,act", [
    ("2,3,2,2", "f,linear,tanh"), ("2,3,2,2", "tanh,linear,f"), ("2,2,2", "f,linear"),
    ("2,2,2", "linear,sigmoid"), ("2,2,2", "softplus,f"), ("2,2,2,2", "sigmoid"),
    ("3,2", "tanh")])
def test_example_names_each_activation_it_keeps_or_replaces(widths, act):
    shape = Shape.make(widths, act)
    sec = example_section(rendered(widths, act, only="nonlinear"))
    assert "differ from layer to layer" not in sec
    assert "would give irrational numbers" not in sec or "in place of" in sec
    L = shape.L
    stands_for = [*range(1, min(L, 2)), L]               # first layers and the output layer
    layers = example_layers(sec)
    assert [l for l, _ in layers] == list(range(1, len(stands_for) + 1))
    for (_l, line), src in zip(layers, stands_for):
        a = activations.get(shape.activations[src - 1])
        if a.identity:
            assert "f(t) = t$" in line and "in place of" not in line, line
        elif a.is_generic:
            assert "t^{2}" in line and "in place of" not in line, line
        else:
            assert re.search(r"in place of\} \\texttt\{%s\}, the activation of layer~%d\b"
                             % (a.name, src), line), line
    if len(stands_for) < L:
        assert re.search(r"layer~2 for the output layer~%d" % L, sec)
    # an activation named as replaced is one that is not exact, in layer order
    named = re.findall(r"\\texttt\{(\w+)\}, the activation of layer~(\d+)", sec)
    assert [int(l) for _, l in named] == sorted(int(l) for _, l in named)
    assert all(not activations.get(a).exact and shape.activations[int(l) - 1] == a
               for a, l in named)


def numbers_in(section: str) -> list[str]:
    """Every number in the example's tables and gradient displays (p or p/q)."""
    nums = re.findall(r"\\frac\{(\d+)\}\{(\d+)\}|(?<![\^_{\w])(\d+)", section)
    return [p + q if p else r for p, q, r in nums]


@pytest.mark.parametrize("widths,act,N", [("2,2,2,2", "f", 1), ("3,3,3,2", "sigmoid", 2),
                                          ("2,3,2,2", "f,linear,tanh", 1),
                                          ("4,4,4,4,4", "tanh", 1), ("2,3,2", "f", 2)])
def test_example_numbers_are_short(widths, act, N):
    sec = example_section(rendered(widths, act, N, only="nonlinear"))
    rows = sec[sec.index("layer by layer:\n\\begin{center}"):sec.index("The two numbers")]
    longest = max(len(n) for n in numbers_in(rows))
    assert longest <= 7, longest


def test_example_with_a_linear_layer_agrees_with_an_independent_derivative():
    """Layer 2 linear, layer 1 quadratic: the example's gradient is the derivative of a
    cost written out here, with f(t) = t^2 - t in layer 1 and the identity in layer 2."""
    from backprop_sym.report import textbook
    shape = Shape.make("2,2,2", "f,linear")
    ex = textbook.example(shape, False)
    got = ex["numbers"]
    V = sympy.Symbol
    x = [V("x_1"), V("x_2")]
    z1 = [x[0] * V(f"w^1_1{j}") + x[1] * V(f"w^1_2{j}") + V(f"b^1_{j}") for j in (1, 2)]
    a1 = [z ** 2 - z for z in z1]
    z2 = [a1[0] * V(f"w^2_1{j}") + a1[1] * V(f"w^2_2{j}") + V(f"b^2_{j}") for j in (1, 2)]
    cost = sympy.Rational(1, 2) * sum((z2[j] - V(f"y_{j + 1}")) ** 2 for j in (0, 1))
    at = {V(k): v for k, v in got["values"].items()}
    expected = sympy.diff(cost, V(got["weight"])).xreplace(at)
    assert got["rule"] == expected and got["direct"] == expected
    assert all(v != 0 for v in got["direct_deltas"].values())


# ---------------------------------------------------------------- page one

def result_line(tex: str) -> str:
    return between(tex, r"\textbf{Result:", r"\par")


def claim(line, status):
    return {"line": line, "latex": "a = b", "parsed": None, "status": status,
            "reason": None, "hint": None, "witness": None}


@pytest.mark.parametrize("proved,skipped", [(3, 2), (1, 1), (4, 0), (0, 3)])
def test_result_line_says_what_was_proved_and_what_was_skipped(proved, skipped):
    claims = ([claim(i, "proved") for i in range(1, proved + 1)]
              + [claim(100 + i, "skipped") for i in range(skipped)])
    shape = Shape.make("2,2,2", "f")
    results = {k: verify(s) for k, s in render.theorem_shapes(shape).items()}
    tex = render.render(shape, results, date="2000-01-01", claims=claims,
                        claims_file="notes.md")
    line = result_line(tex).replace(r"\mbox{notes.md}", "notes.md")
    assert "everything in this document was proved" not in line
    instances = sum(len(r.checks) for r in results.values())
    assert re.search(r"all %d rule instances" % instances, line)
    bold = line.split(".}", 1)[0]                # the sentence in bold
    if proved:
        said = "all %d claims" % proved if proved > 1 else "the one claim"
        assert said + r" checked from \texttt{notes.md}" in bold, bold
    else:
        assert "claim" not in bold
    if skipped:
        m = re.search(r"(\d+) equations? of \\texttt\{notes.md\} (was|were) skipped", line)
        assert m and int(m.group(1)) == skipped
    else:
        assert "skipped" not in line


@pytest.mark.parametrize("widths,act", [("2,2", "linear"), ("2,2,2", "sigmoid"),
                                        ("2,3,2", "f,linear"), ("2,2,2", "f"),
                                        ("1,2,1", "linear,linear")])
def test_for_this_network_names_what_each_theorem_was_checked_on(widths, act):
    shape = Shape.make(widths, act)
    shapes = render.theorem_shapes(shape)
    tex = rendered(widths, act)
    page = tex[tex.index(r"\textbf{Result:"):tex.index(r"\section{The network}")]
    found = re.findall(r"\\emph\{For (this network\}|the widths [\d,]+ of this network, with "
                       r"every activation replaced by (the identity|an undefined))", page)
    assert len(found) == len(shapes)
    for (whole, replaced), (kind, sh) in zip(found, shapes.items()):
        if sh.activations == shape.activations:
            assert whole == "this network}", (kind, whole)
        elif all(activations.get(a).identity for a in sh.activations):
            assert replaced == "the identity", (kind, whole)
        else:
            assert all(activations.get(a).is_generic for a in sh.activations)
            assert replaced == "an undefined", (kind, whole)


# ---------------------------------------------------------------- regenerating the report

@pytest.mark.parametrize("date,timings", [("2000-01-01", False), ("2031-07-15", True)])
def test_word_for_word_names_the_source_date_epoch_of_the_printed_date(date, timings):
    shape = Shape.make("2,2", "f")
    results = {"nonlinear": verify(shape)}
    tex = render.render(shape, results, date=date, timings=timings)
    sentence = between(tex, r"\section{How this report was made}", r"\begin{center}")
    m = re.search(r"SOURCE\\_DATE\\_EPOCH=(\d+)", sentence)
    assert m, sentence
    day = datetime.datetime.fromtimestamp(int(m.group(1)), datetime.timezone.utc).date()
    assert day.isoformat() == date and date in tex
    assert "word for word" in sentence
    assert ("except the measured times" in sentence) == timings


def test_a_date_that_no_epoch_prints_is_excepted():
    shape = Shape.make("2,2", "f")
    tex = render.render(shape, {"nonlinear": verify(shape)}, date="spring 2026")
    sentence = between(tex, r"\section{How this report was made}", r"\begin{center}")
    assert "SOURCE" not in sentence and "word for word except its date" in sentence


# ---------------------------------------------------------------- BP3 and BP4

NIELSEN = {"BP1": "output", "BP2": "hidden", "BP3": "bias", "BP4": "weight"}


def bp_lines(text: str) -> list[tuple[str, str]]:
    """(BPn, what the line is about) for every line that carries a BP label."""
    out = []
    for line in text.splitlines():
        for bp in re.findall(r"BP[1-4]", line):
            about = ("weight" if re.search(r"weight|\\partial w", line) else
                     "bias" if re.search(r"bias|\\partial b", line) else
                     "hidden" if re.search(r"hidden|\\Delta\^\{l\}|\\delta\^\{l\}", line) else
                     "output" if re.search(r"output|\^\{L\}", line) else "?")
            out.append((bp, about))
    return out


@pytest.mark.parametrize("convention", ["from-to", "to-from"])
def test_bp_labels_agree_with_nielsen_in_the_proof_and_the_summary(convention):
    shape = Shape.make("2,2,2", "f", convention=convention)
    tex = render.render(shape, {"nonlinear": verify(shape)}, date="2000-01-01")
    summary = tex[tex.index(r"\section{Summary"):]
    proof = tex[tex.index(r"\section{The network}"):tex.index(r"\section{Summary")]
    for part, least in ((summary, 16), (proof, 4)):
        labels = bp_lines(part)
        assert len(labels) >= least
        assert all(NIELSEN[bp] == about for bp, about in labels), labels
        assert {bp for bp, _ in labels} == set(NIELSEN)
