"""The claim reader never proves what it misread: numbers as TeX prints them, text after an
equation, align rows, division by zero, unclosed displays, and the size limits."""
import pytest
from click.testing import CliRunner

from backprop_sym.claims import check as C
from backprop_sym.claims import documents
from backprop_sym.claims.conditions import (Condition, is_condition, read_condition,
                                            split_condition)
from backprop_sym.claims.errors import ParseError
from backprop_sym.claims.prescan import MAX_DEPTH, MAX_LENGTH, MAX_NESTING
from backprop_sym.cli import main
from backprop_sym.engine.vocabulary import Status

NOT_PROVED = (Status.REFUTED, Status.ILL_FORMED, Status.UNKNOWN)


def statuses(latex, **options):
    return [c["status"] for c in C.check_claim(latex, **options)]


def cli(*args):
    return CliRunner().invoke(main, ["check", *args])


def assert_never_proved(latex):
    out = C.check_claim(latex)
    assert len(out) and all(c["status"] in NOT_PROVED for c in out), out
    r = cli("--claim", latex)
    assert r.exit_code in (1, 3), r.output
    assert "Traceback" not in r.output


# ---------------------------------------------------------------- numbers as TeX prints them

# each was proved when digits were multiplied or braces grouped invisibly
@pytest.mark.parametrize("latex", [
    r"C = 1 2 C - C",                    # 12 C - C, not 2 C - C
    r"{1}{2} C = 2 C",
    r"1\,000 C = 0 C",                   # 1000 C, not 1 * 000
    r"2^23 = 2^{23}",                    # 2^2 * 3
    r"x_12 = x_{12}",                    # x_1 * 2; x_{12} is not an entry of x
    r"C \cdot 24 = 2 \cdot 3 4 C",        # 2 * 34, not 2 * 3 * 4
    r"0 5 C = 0",                        # 05 = 5
    r"1\!0 C = 0",                       # 10 C
    r"\frac12 3 = \frac32",              # a mixed number or a product: refused
    r"1\frac12 = \frac12",
    r"1\frac{1}{2} C = \frac{1}{2} C",
    r"1\;000 C = 0",                     # a wide gap: neither one number nor a product
    r"1~000 = 0",
    r"1 2^2 = 4",                        # prints as 12^2
    r"1{,}5 = 15",                       # decimal comma or thousands separator?
    r"1.5 2.5 = 3.75",
    r"C = 2{-3}C + 7 C",                 # braces do not print: 2-3
    r"C = C - {C - C}",                  # prints as C - C - C
    r"{C + C}^2 = 4 C^2",                # prints as C + C^2
])
def test_numbers_misread_are_never_proved(latex):
    assert_never_proved(latex)


@pytest.mark.parametrize("latex", [
    r"C = 1 2 C - 11 C + 0",
    r"12 C = {1}{2} C",
    r"2^23 = 12",
    r"2^{2}3 = 12",
    r"\frac12 C = \frac{1}{2} C",
    r"\frac1N \sum_x C_x = \mathcal{C}",
    r"\frac 1 2 C = \frac{C}2",
    r"1.5 C = \frac32 C",
    r"\sum_{k=1}^2 3 x_k = 3x_1 + 3x_2",
    r"C = -1 2 C + 13 C",
    r"w^2_{12} = w^2_{1,2}",             # index notation is unchanged
])
def test_numbers_read_as_printed_are_proved(latex):
    assert statuses(latex) == [Status.PROVED], C.check_claim(latex)


def test_a_large_number_is_read_whole_at_given_shapes():
    for latex in (r"1\,000 C = 1000 C", r"C = 2 \cdot 3 4 C - 67 C + 0"):
        [c] = C.check_claim(latex, shapes=[(2, 3, 2)])
        assert c["status"] == Status.PROVED, c


def test_a_constant_beyond_the_widths_checked_is_unknown_without_shapes():
    """Networks wider than every constant would be needed: never proved at smaller ones."""
    for latex in (r"1\,000 C = 1000 C", r"\sum_{k=40}^{n_l} b^l_k = 0", r"(N-20) \Delta^L_j = 0"):
        [c] = C.check_claim(latex)
        assert c["status"] == Status.UNKNOWN, c


def test_a_refused_number_names_its_column():
    c = C.check_claim(r"C = 1\;000 C")[0]
    assert c["status"] == Status.ILL_FORMED and "column 8" in c["reason"] and "1\\;000" in c["reason"]


# ---------------------------------------------------------------- text after an equation

@pytest.mark.parametrize("latex", [
    r"C = C \quad + 5",                     # read as C = C + 5, as printed
    r"C = C \qquad - 5",
    r"C = C \text{ } + 5",
    r"C = C \quad \text{by the chain rule} + C",
    r"C = C \quad (j < 3)",                    # j is no index of the claim
    r"C = C \quad \forall j",
    r"\Delta^L_j = \Delta^L_j \quad (m < L)",
    r"\Delta^l_j = \Delta^l_j \quad \text{for } l > L",     # leaves no instance
    r"a^l_j = f(z^l_j) \quad \text{for } l = 0",             # z^0 does not exist
    r"f(z) = z \quad \text{for } z > 0",                     # no declaration under a condition
])
def test_text_after_an_equation_is_never_dropped(latex):
    assert_never_proved(latex)


@pytest.mark.parametrize("latex", [
    r"\Delta^l_j = (a^l_j - y_j) f'(z^l_j) \quad (l < L)",
    r"\Delta^l_j = (a^l_j - y_j) f'(z^l_j) \quad \text{for } l \le L-1",
    r"\Delta^L_j = a^L_j - y_j \forall j",
    r"\Delta^L_j = a^L_j - y_j, \quad \forall j",
    r"\Delta^l_j = \sum_k w^{l+1}_{kj} \Delta^{l+1}_k f'(z^l_j) \quad \text{for } l < L",
])
def test_a_condition_does_not_make_a_false_claim_true(latex):
    assert_never_proved(latex)


@pytest.mark.parametrize("latex", [
    r"\Delta^l_j = (a^l_j - y_j) f'(z^l_j) \quad \text{for } l = L",
    r"\Delta^l_j = (a^l_j - y_j) f'(z^l_j) \quad (l = L)",
    r"\Delta^l_j = (a^l_j - y_j) f'(z^l_j), \quad l \ge L",
    r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j) \quad \forall j",
    r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j) \quad \text{for all } j",
    r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j), \quad j \le n_L",
    r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j) \quad \text{for } l < L",
    r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j), \quad l = 1, \dots, L-1",
    r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j) \quad (1 \le l < L)",
])
def test_a_condition_narrows_the_instances(latex):
    out = C.check_claim(latex)
    assert [c["status"] for c in out] == [Status.PROVED], out
    assert "(where " in out[0]["reason"]


def test_conditions_read():
    cond = read_condition(r"\quad \text{for } 1 \le l < L-1", 0)
    assert cond.comparisons == ((("k", 1), "<=", ("v", "l", 0)),
                                (("v", "l", 0), "<", ("v", "L", -1)))
    assert cond.admits({"l": 2}, 4, (2, 2, 2, 2, 2)) and not cond.admits({"l": 3}, 4, (2,) * 5)
    assert read_condition(r"\forall j, k", 0).quantified == ("j", "k")
    width = read_condition(r"j \le n_{l+1}", 0)
    assert width.admits({"l": 1, "j": 3}, 3, (2, 2, 3, 2)) and \
        not width.admits({"l": 1, "j": 3}, 3, (2, 3, 2, 2))
    for text in (r"\quad + 5", r"\text{ } + 5", r"\text{by parts}", r"l < L + 5 C", r"\quad"):
        assert read_condition(text, 0) is None, text
    assert is_condition(r"& j \le n_L") and not is_condition(r"&= a^l_j")


def test_split_condition_returns_the_condition_and_refuses_other_text():
    segments, cond = split_condition(r"C = C \quad (l < L)")
    assert segments == [(0, 6)] and isinstance(cond, Condition)
    with pytest.raises(ParseError, match="neither an equation nor a condition"):
        split_condition(r"C = C \quad \text{so} + 5")
    assert split_condition(r"C = C \quad + 5") == ([(0, 15)], None)   # a space in the sum


# ---------------------------------------------------------------- align rows

ALIGN = "\\begin{{align}}\n{}\n\\end{{align}}\n"


@pytest.mark.parametrize("body", [
    r"2\Delta^L_j &= 3\Delta^L_j \\ -\Delta^L_j &= 2\Delta^L_j",
    r"C &= 2 C \\ -C &= -2C",
    r"C &= C + C \\ + C &= 3 C \\ - C &= -C",     # rows 1 and 2 false on their own
    r"2C &= 3C \\ -C = 2C",
])
def test_rows_with_their_own_relation_are_never_merged(body):
    out = C.check_text(ALIGN.format(body), "latex")
    assert any(c["status"] in NOT_PROVED for c in out), out
    assert len(out) == body.count("\\\\") + 1


def test_true_rows_starting_with_minus_are_proved():
    out = C.check_text(ALIGN.format(r"C &= C \\ -C &= -C \\ -\Delta^L_j &= (y_j - a^L_j) f'(z^L_j)"),
                       "latex")
    assert [c["status"] for c in out] == [Status.PROVED] * 3


def test_a_row_without_relation_still_continues_the_row_before():
    out = C.check_text(ALIGN.format(r"\Delta^L_j &= a^L_j f'(z^L_j) \\ &\quad - y_j f'(z^L_j)"),
                       "latex")
    assert [c["status"] for c in out] == [Status.PROVED]


def test_a_condition_row_is_the_condition_of_the_row_before():
    good = C.check_text(ALIGN.format(r"\Delta^L_j &= (a^L_j - y_j) f'(z^L_j) \\ & j \le n_L"),
                        "latex")
    assert [c["status"] for c in good] == [Status.PROVED] and "j \\le n_L" in good[0]["reason"]
    bad = C.check_text(ALIGN.format(r"\Delta^L_j &= a^L_j - y_j \\ & j \le n_L"), "latex")
    assert [c["status"] for c in bad] == [Status.REFUTED]
    last = C.check_text(ALIGN.format(r"\Delta^l_j &= (a^l_j - y_j) f'(z^l_j) \\ & \text{for } l = L"),
                        "latex")
    assert [c["status"] for c in last] == [Status.PROVED]


# ---------------------------------------------------------------- division by zero

@pytest.mark.parametrize("latex", [
    r"\frac{x_1}{\frac{1}{0}} = 0",
    r"x_1/(1-1) = 0",
    r"\frac{x_1}{0} = 0",
    r"C = C + 0 \cdot \frac{1}{0}",
    r"\frac{1}{n_l - n_l} = 0",
    r"C = C + 0 (1-1)^{-1}",
    r"C = C + 0 \log(n_L - n_L)",
    r"\frac{x_j}{x_j - x_j} = 0 \quad \forall j",
    r"f(z) = z + \frac{1}{\frac{1}{0}}",           # must not declare the linear activation
    r"f(z) = z + 0 \cdot \frac{1}{z - z}",
])
def test_division_by_zero_is_ill_formed(latex):
    out = C.check_claim(latex)
    assert [c["status"] for c in out] == [Status.ILL_FORMED], out
    assert "zero" in out[0]["reason"] or "log of 0" in out[0]["reason"]
    assert cli("--claim", latex).exit_code == 1


def test_a_zero_denominator_in_a_document_does_not_declare_an_activation():
    text = "$$f(z) = z + \\frac{0}{\\frac{1}{0}}$$\n\n$$\\Delta^L_j = a^L_j - y_j$$\n"
    out = C.check_text(text)
    assert [c["status"] for c in out] == [Status.ILL_FORMED, Status.UNKNOWN]   # and stops the claims after it


def test_division_by_a_nonzero_denominator_still_proves():
    assert statuses(r"\frac{x_1}{x_1} = 1") == [Status.PROVED]
    assert statuses(r"\frac{C}{n_L} n_L = C") == [Status.PROVED]


# ---------------------------------------------------------------- unclosed displays

@pytest.mark.parametrize("text, kind, line", [
    ("ok\n\\begin{align}\nC &= 2C\n", "latex", 2),
    ("$$C = C$$\n\n$$\nC = 2C\n", "markdown", 3),
    ("\\[ C = 2 C\n", "markdown", 1),
    ("\\[ C = 2 C\n", "latex", 1),
    ("\\begin{equation}\nC = 2C\n\\end{align}\n", "latex", 1),
    ("\\begin{align*}\nC = 2C\n", "markdown", 1),
    ("text\n\\end{align}\n", "latex", 2),
])
def test_a_display_never_closed_is_ill_formed_with_its_line(tmp_path, text, kind, line):
    out = C.check_text(text, kind)
    bad = [c for c in out if c["status"] == Status.ILL_FORMED]
    assert bad and bad[0]["line"] == line, out
    assert C.overall(out) != Status.PROVED
    path = tmp_path / ("notes.tex" if kind == "latex" else "notes.md")
    path.write_text(text)
    r = cli(str(path))
    assert r.exit_code == 1 and f"line {line}: ill-formed" in r.output, r.output


def test_many_unclosed_displays_take_linear_time():
    rows = documents.rows("\\[ x " * 20000, documents.MARKDOWN)
    assert len(rows) == 20000 and all(r.error for r in rows)


def test_an_escaped_bracket_in_markdown_is_not_a_display_end():
    out = C.check_text("a\\] b\n\n$$C = C$$\n")
    assert [c["status"] for c in out] == [Status.PROVED]


# ---------------------------------------------------------------- limits

@pytest.mark.parametrize("latex, limit", [
    ("C = " + "(" * 150 + "C" + ")" * 150, f"{MAX_NESTING}"),
    ("C = " + "{" * 150 + "C" + "}" * 150, f"{MAX_NESTING}"),
    ("C = " + "\\frac{" * 150 + "C" + "}{1}" * 150, f"{MAX_NESTING}"),
    ("C = C" + " x_1" * 700, f"{MAX_DEPTH}"),
    ("C = C" + " e^{-z}" * 400, f"{MAX_DEPTH}"),
    ("C = C + 0" + "\\sum_k" * 450 + " x_k", f"{MAX_DEPTH}"),
    ("C = C " + "+ C - C " * 4000, f"{MAX_LENGTH}"),
])
def test_over_deep_or_long_claims_are_ill_formed_naming_the_limit(latex, limit):
    out = C.check_claim(latex)
    assert [c["status"] for c in out] == [Status.ILL_FORMED]
    assert limit in out[0]["reason"] and "column" in out[0]["reason"]
    r = cli("--claim", latex)
    assert r.exit_code == 1 and "Traceback" not in r.output


def test_within_the_limits_a_claim_is_checked():
    assert statuses("C = " + "(" * 50 + "C" + ")" * 50) == [Status.PROVED]
    assert statuses("C = C" + r" \cdot 1" * 90) == [Status.PROVED]


@pytest.mark.slow
def test_a_huge_display_in_a_file_is_refused_quickly(tmp_path):
    path = tmp_path / "huge.md"
    path.write_text("$$C = " + "C + " * 300_000 + "C$$\n\n$$C = " + "(" * 150 + "C" +
                    ")" * 150 + "$$\n")
    r = cli(str(path))
    assert r.exit_code == 1, r.output
    assert f"at most {MAX_LENGTH} characters" in r.output
    assert f"{MAX_NESTING}" in r.output and "Traceback" not in r.output


def test_report_claims_with_deep_nesting_does_not_crash(tmp_path):
    path = tmp_path / "deep.md"
    path.write_text("$$C = " + "(" * 150 + "C" + ")" * 150 + "$$\n")
    out = C.check_file(path)
    assert [c["status"] for c in out] == [Status.ILL_FORMED]
