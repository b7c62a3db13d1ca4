"""`backprop-sym check`: verdicts, reasons, hints, witnesses, documents and the command."""
import json
from fractions import Fraction

import mpmath
import pytest
import sympy

from backprop_sym.claims import check as C
from backprop_sym.claims.parse import parse
from backprop_sym.engine.witness import Witness
from backprop_sym.engine.vocabulary import Status
from support import DERIVATIONS, cli

KEYS = {"line", "latex", "parsed", "status", "reason", "hint", "witness", "scope"}


def one(latex, **options):
    out = C.check_claim(latex, **options)
    assert len(out) == 1
    assert set(out[0]) - {"unread", "column"} == KEYS
    return out[0]


# ---------------------------------------------------------------- proved

@pytest.mark.parametrize("latex", [
    r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j)",
    r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)",
    r"\Delta^l_j = \sum_{k=1}^{n_{l+1}} [w^{l+1\,T}]_{kj} \Delta^{l+1}_k f'(z^l_j)",
    r"\Delta^l_j = \sum_k [(w^{l+1})^T]_{kj} \Delta^{l+1}_k f'(z^l_j)",
    r"\Delta^l_j = \sum_k (w^{l+1})^T_{kj} \Delta^{l+1}_k f'(z^l_j)",
    r"\frac{\partial C}{\partial w^l_{ij}} = a^{l-1}_i \Delta^l_j",
    r"\partial C / \partial b^l_j = \Delta^l_j",
    r"\frac{\partial C}{\partial a^L_j} = a^L_j - y_j",
    r"\frac{\partial C}{\partial z^l_j} = \frac{\partial C}{\partial a^l_j} \sigma'(z^l_j)",
    r"\frac{\partial z^{l+1}_k}{\partial z^l_j} = w^{l+1}_{jk} f'(z^l_j)",
    r"\frac{\partial z^l_j}{\partial b^l_j} = 1",
    r"C = \frac{1}{2}\sum_j (a^L_j - y_j)^2",
    r"z^l_j = \sum_k w^l_{kj} f(z^{l-1}_k) + b^l_j",
    r"\Delta^l = (w^{l+1}\Delta^{l+1}) \odot f'(z^l)",
    r"\frac{\partial C}{\partial w^l} = a^{l-1} (\Delta^l)^\top",
    r"\frac{\partial \mathcal{C}}{\partial w^l_{ij}} = \frac{1}{N} \sum_x a^{l-1}_i \Delta^l_j",
    r"z^2_1 = \sum_k w^2_{k1} a^1_k + b^2_1",
])
def test_true_claims_are_proved(latex):
    c = one(latex)
    assert c["status"] == Status.PROVED, c
    assert c["reason"].startswith("holds exactly")
    assert c["hint"] is None and c["witness"] is None


@pytest.mark.parametrize("activation", ["linear", "sigmoid", "tanh"])
def test_concrete_activations(activation):
    c = one(r"\Delta^l_j = \frac{\partial C}{\partial a^l_j} f'(z^l_j)", activation=activation)
    assert c["status"] == Status.PROVED
    c = one(r"\Delta^L_j = a^L_j - y_j", activation=activation)
    assert c["status"] == (Status.PROVED if activation == "linear" else Status.REFUTED)


def test_to_from_convention():
    nielsen = r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma'(z^l_j)"
    assert one(nielsen, convention="to-from")["status"] == Status.PROVED
    c = one(nielsen)
    assert c["status"] == Status.REFUTED
    assert "holds under the to-from convention" in c["hint"]


def test_shapes_option():
    c = one(r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j)", shapes=[(1, 1), (2, 2, 2)])
    assert c["status"] == Status.PROVED and "widths 1,1; 2,2,2" in c["reason"]
    assert c["scope"]["shapes"] == [[1, 1], [2, 2, 2]] and c["scope"]["samples"] is None


# ---------------------------------------------------------------- refuted, with hints

@pytest.mark.parametrize("latex, hint", [
    (r"\Delta^l_j = \sum_k w^{l+1}_{kj} \Delta^{l+1}_k f'(z^l_j)",
     "holds if w^{l+1}_{kj} is read as w^{l+1}_{jk} (transpose)"),
    (r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f(z^l_j)", "holds with f' instead of f"),
    (r"\frac{\partial C}{\partial b^l_j} = a^l_j", None),
    (r"\Delta^L_j = (a^L_j - y_j) f(z^L_j)", "holds with f' instead of f"),
    (r"a^l_j = f'(z^l_j)", "holds with f instead of f'"),
    (r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^{l+1}_j)",
     "holds with layer l instead of l+1"),
    (r"\frac{\partial C}{\partial w^l_{ij}} = a^l_i \Delta^l_j", "holds with layer l-1 instead of l"),
    (r"\frac{\partial C}{\partial w^l_{ij}} = a^{l-1}_j \Delta^l_i",
     "holds with i and j swapped on the right-hand side"),
    (r"\Delta^L_j = (y_j - a^L_j) f'(z^L_j)", "holds with the sign of the right-hand side flipped"),
    (r"\Delta^L_j = a^L_j - y_j", "holds with the factor f'(z^L_j) added"),
    (r"\Delta^l = ((w^{l+1})^T \Delta^{l+1}) \odot f'(z^l)", "(no transpose)"),
    (r"\frac{\partial \mathcal{C}}{\partial b^l_j} = \sum_x \Delta^l_j", "factor 1/N"),
    (r"\Delta^l_j = \sum_{k=1}^{n_l} w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)",
     "holds with layer l+1 instead of l (n_{l+1} for n_l)"),
])
@pytest.mark.slow
def test_wrong_claims_are_refuted_with_the_right_hint(latex, hint):
    c = one(latex)
    assert c["status"] == Status.REFUTED, c
    assert c["reason"].startswith("false at widths")
    w = c.witness
    assert w and w.values and w.left != w.right and w.exact
    assert w.f["formula"].startswith("f(t) = ")         # a concrete f for the generic one
    assert len(w.nonzero) <= 6                           # small enough to check by hand
    assert all(w.values[k] == "0" for k in set(w.values) - set(w.nonzero))
    if hint is None:
        assert c["hint"] is None
    else:
        assert c["hint"] and hint in c["hint"].split("; ")[0], c["hint"]


def test_the_hint_names_the_repair_first_and_lists_others():
    c = one(r"\frac{\partial C}{\partial w^l_{ij}} = a^{l-1}_j \Delta^l_i")
    hints = c["hint"].split("; ")
    assert hints[0] == "holds with i and j swapped on the right-hand side"
    assert "holds if w^l_{ij} is read as w^l_{ji} (transpose)" in hints
    assert "holds under the to-from convention" in hints


def test_the_witness_is_a_real_counterexample():
    """Recompute both sides of a refuted claim at the witness, independently of the engine:
    a 2-2 network built here with SymPy, Δ by differentiating the cost in z directly."""
    c = one(r"\Delta^L_j = (y_j - a^L_j) f'(z^L_j)", shapes=[(2, 2)])
    w = c["witness"]        # the JSON document: the witness, its shape and instance
    val = {k: Fraction(v) for k, v in w["values"].items()}
    c2, c1, c0 = (sympy.Rational(t) for t in _coefficients(w["f"]["formula"]))
    assert [c0, c1, c2] == [sympy.Rational(c) for c in w["f"]["coefficients"]]
    f = lambda t: c2 * t ** 2 + c1 * t + c0
    j = int(w["instance"].split("j=")[1])
    z = [sum(sympy.Rational(val[f"x_{k}"]) * sympy.Rational(val[f"w^1_{k}{i}"]) for k in (1, 2))
         + sympy.Rational(val[f"b^1_{i}"]) for i in (1, 2)]
    t = sympy.Symbol("t")
    cost = lambda zj: sum(sympy.Rational(1, 2) * (f(zj if i == j else z[i - 1])
                                                 - sympy.Rational(val[f"y_{i}"])) ** 2
                          for i in (1, 2))
    delta = sympy.diff(cost(t), t).subs(t, z[j - 1])
    rule = (sympy.Rational(val[f"y_{j}"]) - f(z[j - 1])) * sympy.diff(f(t), t).subs(t, z[j - 1])
    assert delta == sympy.Rational(w["left"]) and rule == sympy.Rational(w["right"])
    assert delta != rule


def _coefficients(text):
    rhs = text.split("=")[1].replace(" ", "").replace("+-", "-")
    expr = sympy.sympify(rhs.replace("**", "^").replace("^", "**"))
    t = sympy.Symbol("t")
    return [expr.coeff(t, 2), expr.coeff(t, 1), expr.coeff(t, 0)]


# ---------------------------------------------------------------- ill-formed, with reasons

@pytest.mark.parametrize("latex, reason", [
    (r"\Delta^l_j = a^{l-1}_i", "the free index i appears on the right side only"),
    (r"\Delta^L_j = \Delta^l_j", "the layer l appears on the right side only"),
    (r"\Delta^l_j = \sum_k \Delta^l_j", "the summation index k does not appear in its summand"),
    (r"\Delta^l_j = (a^L_j - y_j) f'(z^l_j)", "j indexes Δ^l (3 neurons), a^L ("),
    (r"\Delta^L_j = a^{L+1}_j", "undefined layer: a^{L+1}_j names layer 4"),
    (r"\Delta^l_j = \Delta^{l+50}_j", "no instance: there is no layer l"),
    (r"w^l_j = 0", "w^l_j has 1 index(es); w takes 2"),
    (r"\Delta^l_j = \sum_k k w^{l+1}_{jk}", "the index k is used as a value"),
    (r"\Delta^l_j = q", "q is not a quantity the checker knows"),
    (r"\Delta^l_j = z", "z without a layer"),
    (r"\Delta^l = w^{l+1} \Delta^{l+1} + a^L_j", "free index j appears on the right"),
    (r"\Delta^l_j = (\Delta^l)_{jj}", "takes 1 index"),
    (r"\Delta^l_j = \sum_k w^{l+1}_{jk \Delta^{l+1}_k",
     "could not read it: line 1, column 33: unexpected '\\Delta'; expected one of"),
])
def test_ill_formed_claims_name_the_reason(latex, reason):
    c = one(latex)
    assert c["status"] == Status.ILL_FORMED, c
    assert reason in c["reason"], c["reason"]


def test_index_out_of_range_everywhere_is_ill_formed_with_a_hint():
    """At shapes where no layer is square, a missing transpose cannot even be evaluated."""
    c = one(r"\Delta^l_j = \sum_k w^{l+1}_{kj} \Delta^{l+1}_k f'(z^l_j)", shapes=[(2, 3, 4, 2)])
    assert c["status"] == Status.ILL_FORMED
    assert c["reason"].startswith("index out of its layer's range")
    assert c["hint"].startswith("holds if w^{l+1}_{kj} is read as w^{l+1}_{jk} (transpose)")


def test_mismatched_vector_shapes_are_ill_formed():
    c = one(r"\Delta^l = (w^{l+1})^T \Delta^{l+1}", shapes=[(2, 3, 4, 2)])
    assert c["status"] == Status.ILL_FORMED and "shapes do not match" in c["reason"]


# ---------------------------------------------------------------- skipped and unknown

@pytest.mark.parametrize("latex, reason", [
    (r"\Delta^L \to \Delta^{L-1} \to \dots \to \Delta^1", r"\to"),
    (r"\text{by the chain rule}", "prose"),
    (r"f'(z) = 1", "f is generic here"),
])
def test_skipped(latex, reason):
    c = one(latex)
    assert c["status"] == Status.SKIPPED and reason in c["reason"]


@pytest.mark.parametrize("latex, reason", [     # equations not read: unknown, never skipped
    (r"\Delta^l_j = \dots", r"a step with \dots"),
    (r"\nabla_w C = a^L - y", r"uses \nabla"),
])
def test_not_read(latex, reason):
    c = one(latex)
    assert c["status"] == Status.UNKNOWN and c["unread"] and reason in c["reason"]


def test_activation_statements_with_a_known_activation():
    assert one("f'(z) = 1", activation="linear")["status"] == Status.PROVED
    assert one("f'(z) = 2", activation="linear")["status"] == Status.REFUTED
    assert one(r"\sigma'(z) = \sigma(z) (1 - \sigma(z))", activation="sigmoid")["status"] == Status.PROVED


def test_unknown_when_no_witness_can_be_evaluated():
    c = one(r"f(z^L_j + 1) = f(z^L_j) + 1")
    assert c["status"] == Status.UNKNOWN and "no witness" in c["reason"]


def test_a_condition_after_quad_narrows_the_instances():
    c = one(r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j) \quad \text{for } l < L")
    assert c["status"] == Status.PROVED and "(where \\text{for } l < L)" in c["reason"]


# ---------------------------------------------------------------- never proved unless true

CORRECT = [
    r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j)",
    r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)",
    r"\frac{\partial C}{\partial w^l_{ij}} = a^{l-1}_i \Delta^l_j",
    r"\frac{\partial z^{l+1}_k}{\partial z^l_j} = w^{l+1}_{jk} f'(z^l_j)",
    r"z^l_j = \sum_k w^l_{kj} a^{l-1}_k + b^l_j",
    r"\Delta^l = (w^{l+1}\Delta^{l+1}) \odot f'(z^l)",
]


@pytest.mark.parametrize("latex", CORRECT)
@pytest.mark.slow
def test_no_single_mutation_of_a_true_rule_is_proved(latex):
    """Every one-site change (sign, f/f', indices, transpose, layer, extra factor) of a true
    rule is a false statement under a generic f; none may be proved."""
    lhs, rhs = parse(latex).claims()[0]
    opts = C.make_options()
    ctx = C.Context()
    checked = 0
    for label, l2, r2, o2 in C.repairs(lhs, rhs, opts):
        if o2 is not opts:
            continue                                  # another convention: a different claim
        try:
            form = C.analyze(l2, r2)
        except (C.IllFormed, C.Skip):
            continue
        out = C.evaluate(form, ctx, opts)
        assert out.status != Status.PROVED, (label, out.reason)
        checked += 1
    assert checked >= 4


# ---------------------------------------------------------------- documents

def test_backprop_md_proves():
    out = C.check_file(DERIVATIONS / "backprop.md")
    bad = [c for c in out if c["status"] not in (Status.PROVED, Status.SKIPPED)]
    assert not bad, bad
    statuses = [c["status"] for c in out]
    assert statuses.count(Status.PROVED) >= 30
    linear = next(c for c in out if c["latex"] == "f(z) = z")
    assert linear["status"] == Status.SKIPPED and "linear" in linear["reason"]
    assert any(c["status"] == Status.SKIPPED and "dots" in c["reason"] for c in out)


@pytest.mark.slow
def test_backprop_md_proves_for_concrete_activations_too():
    out = C.check_file(DERIVATIONS / "backprop.md", activation="sigmoid")
    assert {c["status"] for c in out} == {Status.PROVED, Status.SKIPPED}


@pytest.mark.slow
def test_to_from_tex_proves_under_its_convention_only():
    path = DERIVATIONS / "backprop-to-from.tex"
    out = C.check_file(path, convention="to-from")
    assert {c["status"] for c in out} == {Status.PROVED} and len(out) >= 15
    wrong = C.check_file(path, convention="from-to")      # the option overrides the document
    assert C.overall(wrong) == Status.REFUTED
    weighted = [c for c in wrong if "w^" in c["latex"] and c["status"] != Status.PROVED]
    assert weighted and all("to-from convention" in (c["hint"] or "") for c in weighted)


EXPECTED_MISTAKES = [
    "(transpose)", "(no transpose)", "factor f'(z^L_j) added", "f' instead of f",
    "layer l instead of l+1", "layer l-1 instead of l", "i and j swapped", "sign of the right",
]


def test_mistakes_md_is_refuted_with_the_right_hints():
    definition, *out = C.check_file(DERIVATIONS / "mistakes.md")   # it fixes the convention
    assert definition["status"] == Status.PROVED and definition["latex"].startswith("z^{l+1}_k")
    assert [c["status"] for c in out] == [Status.REFUTED] * len(EXPECTED_MISTAKES)
    for c, hint in zip(out, EXPECTED_MISTAKES):
        assert hint in c["hint"].split("; ")[0], (c["latex"], c["hint"])


def test_lines_chains_and_continuation_rows(tmp_path):
    text = "\n".join([
        "Intro.",                                                        # 1
        "$$",                                                            # 2
        r"\Delta^L_j = \frac{\partial C}{\partial z^L_j} = (a^L_j - y_j) f'(z^L_j)",  # 3
        "$$",
        r"\begin{align}",                                                # 5
        r"\Delta^l_j &= \frac{\partial C}{\partial z^l_j} \\",           # 6
        r"  &= \sum_k w^{l+1}_{kj} \Delta^{l+1}_k f'(z^l_j) \tag{2}",    # 7
        r"\end{align}",
    ])
    out = C.check_text(text, "latex", convention="from-to")
    assert [c["line"] for c in out] == [3, 3, 6, 7]
    assert [c["status"] for c in out] == [Status.PROVED, Status.PROVED, Status.PROVED, Status.REFUTED]
    assert out[3]["latex"].startswith(r"\frac{\partial C}{\partial z^l_j} = \sum_k")
    assert out[3]["parsed"].startswith("∂C/∂z^l_j = Σ_k")


def test_an_activation_declaration_applies_from_its_line_on():
    text = "$$\\Delta^L_j = a^L_j - y_j$$\n\n$$f(z) = z$$\n\n$$\\Delta^L_j = a^L_j - y_j$$\n"
    out = C.check_text(text)
    assert [c["status"] for c in out] == [Status.REFUTED, Status.SKIPPED, Status.PROVED]
    assert "from line 3 on" in out[1]["reason"]


def test_parse_errors_in_a_file_name_the_file_line_and_column():
    text = "Text\n\n$$\n\\Delta^l_j = \\sum_k w^{l+1}_{jk\n  \\Delta^{l+1}_k\n$$\n"
    c = C.check_text(text)[0]
    assert c["status"] == Status.ILL_FORMED and c["line"] == 4
    assert "line 5, column 3: unexpected '\\Delta'" in c["reason"]


# ---------------------------------------------------------------- the command

@pytest.mark.slow
def test_cli_file_proved_exit_0():
    r = cli("check", str(DERIVATIONS / "backprop.md"))
    assert r.exit_code == 0, r.output
    assert "line 15: proved" in r.output and "read as: z^l_j = Σ_{k=1}^{n_{l-1}}" in r.output
    assert r.output.strip().splitlines()[-1].startswith("proved:")


def test_cli_mistakes_exit_1_with_witness_and_hint():
    r = cli("check", str(DERIVATIONS / "mistakes.md"))
    assert r.exit_code == 1
    assert "refuted" in r.output and "witness: f(t) =" in r.output and "hint:" in r.output


def test_cli_claim_and_convention():
    claim = r"\Delta_j^l = \sum_k w_{jk}^{l+1} \Delta_k^{l+1} f'(z_j^l)"
    assert cli("check", "--claim", claim).exit_code == 0
    r = cli("check", "--claim", claim, "--convention", "to-from")
    assert r.exit_code == 1 and "holds under the from-to convention" in r.output


def test_cli_json_schema():
    r = cli("check", str(DERIVATIONS / "mistakes.md"), "--json", "--convention", "from-to")
    doc = json.loads(r.output)
    assert doc["schema_version"] == 2 and doc["status"] == "refuted"
    assert doc["file"].endswith("mistakes.md")
    assert all(set(c) - {"column", "unread", "marked"} == KEYS for c in doc["claims"])
    assert doc["claims"][1]["line"] == 21 and doc["claims"][1]["witness"]["values"]


def test_cli_activation_linear_json():
    r = cli("check", "--claim", r"\Delta^L_j = a^L_j - y_j", "--activation", "linear", "--json")
    assert r.exit_code == 0 and json.loads(r.output)["claims"][0]["status"] == "proved"


def test_cli_unknown_exit_3():
    assert cli("check", "--claim", "f(z^L_j + 1) = f(z^L_j) + 1").exit_code == 3


def test_cli_ill_formed_exit_1():
    assert cli("check", "--claim", r"\Delta^l_j = a^{l-1}_i").exit_code == 1


def test_cli_shapes():
    r = cli("check", "--claim", r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j)", "--shapes", "2,2;3,1,2",
            "--shapes", "1,1", "--json")
    assert r.exit_code == 0
    assert json.loads(r.output)["shapes"] == [[2, 2], [3, 1, 2], [1, 1]]


@pytest.mark.parametrize("args, message", [
    ([], "give either a FILE or --claim"),
    (["a.md", "--claim", "a = b"], "exactly one"),
    (["/nonexistent/x.md"], "cannot read /nonexistent/x.md"),
    (["--claim", "a = b", "--shapes", "2,x"], "--shapes"),
    (["--claim", "a = b", "--activation", "relu6"], "unknown activation"),
])
def test_cli_usage_errors_exit_2(args, message):
    r = cli("check", *args)
    assert r.exit_code == 2
    assert message in r.output


def test_cli_reads_latex_files(tmp_path):
    tex = tmp_path / "notes.tex"
    tex.write_text("\\begin{equation}\n\\delta^L_j = (a^L_j - y_j) \\sigma'(z^L_j) \\label{x}\n"
                   "\\end{equation}\n% $$ a = b $$\n", encoding="utf-8")
    r = cli("check", str(tex), "--json")
    doc = json.loads(r.output)
    assert r.exit_code == 0 and [c["line"] for c in doc["claims"]] == [2]


def test_a_sigmoid_declared_with_x_as_its_variable():
    text = ("$$\\sigma(x) = \\frac{1}{1+e^{-x}}$$\n\n"
            "$$\\sigma'(z) = \\sigma(z)\\,(1 - \\sigma(z))$$\n\n"
            "$$\\Delta^L_j = (a^L_j - y_j)\\, a^L_j (1 - a^L_j)$$\n")
    out = C.check_text(text)
    assert [c["status"] for c in out] == [Status.SKIPPED, Status.PROVED, Status.PROVED]
    assert "sigmoid" in out[0]["reason"]


# ---------------------------------------------------------------- claims that must not prove

@pytest.mark.parametrize("latex", [
    r"\Delta^l_j = \sum_{k=2} w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)",      # drops k = 1
    r"C = \frac12 \sum_{j=2} (a^L_j - y_j)^2",
    r"\frac{\partial \mathcal{C}}{\partial b^l_j} = \frac{1}{N}\sum_{x=2} \Delta^l_j",
    r"\frac{\partial \mathcal{C}}{\partial b^l_j} = \frac{1}{2}\sum_x \Delta^l_j",  # N = 2 only
    r"N = 2",
    r"n_0 = n_L",                                                          # true at one shape
])
def test_claims_true_only_somewhere_are_refuted(latex):
    assert one(latex)["status"] == Status.REFUTED


def test_the_number_of_examples_in_an_activation_statement_is_ill_formed():
    c = one(r"\sigma'(x) = N \sigma(x)(1-\sigma(x))", activation="sigmoid")
    assert c["status"] == Status.ILL_FORMED and "N" in c["reason"]


def test_activation_statement_refuted_by_intervals_with_both_numbers():
    c = one(r"\sigma'(x) = \sigma(x)(1+\sigma(x))", activation="sigmoid")
    assert c["status"] == Status.REFUTED
    w = c.witness
    assert w.exact is False and w.values == {"x": "1/3"}
    with mpmath.workdps(40):
        s = 1 / (1 + mpmath.exp(-mpmath.mpf(1) / 3))
        assert abs(mpmath.mpf(w.left) - s * (1 - s)) < mpmath.mpf(10) ** -25
        assert abs(mpmath.mpf(w.right) - s * (1 + s)) < mpmath.mpf(10) ** -25


@pytest.mark.slow
def test_cli_format_gcc_one_line_per_claim():
    import re
    doc = json.loads(cli("check", str(DERIVATIONS / "mistakes.md"), "--json",
                         "--convention", "from-to").output)
    r = cli("check", str(DERIVATIONS / "mistakes.md"), "--format", "gcc")
    assert r.exit_code == 1
    # the summary goes to stderr (click before 8.2 mixes it into stdout)
    lines = [line for line in r.stdout.splitlines() if "mistakes.md:" in line]
    found = [c for c in doc["claims"] if c["status"] not in ("proved", "skipped")]
    assert len(lines) == len(found)         # proved and skipped: with --verbose only
    assert r.stdout.splitlines()[0].startswith(lines[0])
    for line, c in zip(lines, found):
        m = re.match(r"^(.*mistakes\.md):(\d+):\d+: (error|warning|note): ([a-z-]+)", line)
        assert m, line
        assert int(m.group(2)) == c["line"] and m.group(4) == c["status"]
        assert m.group(3) == ("error" if c["status"] in ("refuted", "ill-formed") else
                              "warning" if c["status"] == "unknown" else "note")
    out = cli("check", "--claim", "a^L_j = a^L_j", "--format", "gcc", "--verbose").stdout
    assert out.startswith("<claim>:1:1: note: proved")
    bad = cli("check", str(DERIVATIONS / "mistakes.md"), "--format", "gcc", "--json")
    assert bad.exit_code == 2 and "disagree" in bad.output


def test_every_witness_of_the_mistakes_is_small_and_complete():
    doc = json.loads(cli("check", str(DERIVATIONS / "mistakes.md"), "--json",
                         "--convention", "from-to").output)
    refuted = [c for c in doc["claims"] if c["status"] == "refuted"]
    assert len(refuted) == len(EXPECTED_MISTAKES)
    for c in refuted:
        w = Witness.from_json(c["witness"])
        assert 1 <= len(w.nonzero) <= 6, (c["line"], w.nonzero)
        assert set(w.nonzero) <= set(w.values)
        assert all(v == "0" for k, v in w.values.items() if k not in w.nonzero)
        assert all(v != "0" for v in w.nonzero.values())


@pytest.mark.parametrize("limit, expected", [
    ("_k", Status.PROVED),                      # a bare sum runs over every neuron
    ("_{k=0}", Status.PROVED),                  # written from the first neuron, 0
    ("_{k=1}", Status.REFUTED),                 # skips neuron 0: a wrong definition
])
def test_a_bare_sum_in_a_zero_based_document_starts_at_the_first_neuron(tmp_path, limit,
                                                                        expected):
    doc = tmp_path / "zero.md"
    doc.write_text(f"$$z^{{(1)}}_j = \\sum{limit} w^{{(1)}}_{{kj}} a^{{(0)}}_k + b^{{(1)}}_j$$\n\n"
                   "$$\\frac{\\partial C}{\\partial b^{(1)}_0} = \\Delta^{(1)}_0$$\n")
    out = C.check_file(doc, convention="from-to")
    assert [c["status"] for c in out] == [expected, Status.PROVED], [c["reason"] for c in out]
