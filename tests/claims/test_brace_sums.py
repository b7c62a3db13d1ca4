"""Braces do not print: a brace group holding a sum right after \\sum (\\sum_j{w a + b}) reads
exactly as printed, \\sum_j w a + b (the sum binds its product term); `{a^{l-1}}^T` stays a
group; `\\exp{…}` is exp(…)."""
import pytest

from backprop_sym.claims import check as C
from backprop_sym.claims.errors import ParseError
from backprop_sym.claims.parse import parse
from backprop_sym.claims.printing import show
from backprop_sym.claims.tree import Add, Func, Sum, Tr, walk
from backprop_sym.engine.vocabulary import Status

NOT_PROVED = (Status.REFUTED, Status.ILL_FORMED, Status.UNKNOWN)


def verdicts(latex, **options):
    return [c["status"] for c in C.check_claim(latex, **options)]


@pytest.mark.parametrize("latex, options", [
    (r"z_k^{l+1} = \sum_j{w_{kj}^{l+1} a_j^l + b_k^{l+1 }}", {"convention": "to-from"}),
    (r"\sum_j{w_{kj}^{l+1} a_j^l + b_k^{l+1 }} = \sum_j{w_{kj}^{l+1} f(z_j^l )+b_k^{l+1}}",
     {"convention": "to-from"}),
    (r"z^l_j = \sum_k{w^l_{kj} a^{l-1}_k + b^l_j}", {}),
    (r"\sum_k{w^l_{kj} a^{l-1}_k + b^l_j} = \sum_k w^l_{kj} a^{l-1}_k + b^l_j", {}),
])
def test_a_brace_group_after_a_sum_reads_as_printed(latex, options):
    assert verdicts(latex, **options) == [Status.PROVED]


@pytest.mark.parametrize("latex, status, why", [
    # as printed, the j of b^l_j is bound by no sum
    (r"\sum_j{a^l_j + b^l_j} = \sum_j a^l_j + \sum_j b^l_j", Status.ILL_FORMED, "bound by no sum"),
    (r"\sum_j{a^l_j + b^l_j} = \sum_j (a^l_j + b^l_j)", Status.ILL_FORMED, "bound by no sum"),
    (r"\sum_k{w^l_{kj} a^{l-1}_k + x_k} = \sum_k w^l_{kj} a^{l-1}_k", Status.ILL_FORMED,
     "bound by no sum"),
    # read as printed, and wrong
    (r"z^l_j = \sum_k{w^l_{jk} a^{l-1}_k + b^l_j}", Status.REFUTED, None),   # to-from weights
    (r"z^l_j = \sum_k{w^l_{kj} a^{l-1}_k - b^l_j}", Status.REFUTED, None),
    (r"z^l_j = \sum_k{w^l_{kj} a^{l-1}_k + b^l_j} + b^l_j", Status.REFUTED, None),
    # braces anywhere else: still refused
    (r"C = 2{-3}C + 7 C", Status.ILL_FORMED, "braces do not print"),
    (r"C = C - {C - C}", Status.ILL_FORMED, "braces do not print"),
    (r"{C + C}^2 = 4 C^2", Status.ILL_FORMED, "braces do not print"),
    (r"\sum_k{a^l_k + b^l_k}^2 = 1", Status.ILL_FORMED, "braces do not print"),
])
def test_braces_never_prove_a_misread_sum(latex, status, why):
    (c,) = C.check_claim(latex)
    assert c["status"] == status, c
    if why:
        assert why in c["reason"], c
    else:
        assert c["parsed"].count("Σ_k (") == 1, c


def test_the_sum_binds_its_product_term():
    rel = parse(r"z_k^{l+1} = \sum_j{w_{kj}^{l+1} a_j^l + b_k^{l+1}}")
    node = rel.sides[1].node
    assert isinstance(node, Add) and isinstance(node.terms[0], Sum)
    assert show(node) == "Σ_j (w^{l+1}_{kj} a^l_j) + b^{l+1}_k"


def test_braces_elsewhere_are_refused_with_the_reason():
    with pytest.raises(ParseError, match="braces do not print"):
        parse(r"C = C - {C - C}")
    with pytest.raises(ParseError, match="braces do not print"):
        parse(r"x_1 = a^l_1 {a^l_1 + a^l_2}")


def test_a_brace_group_with_a_script_is_a_group():
    rel = parse(r"\frac{\partial C}{\partial w^l} = \Delta^l {a^{l-1}}^T")
    assert any(isinstance(n, Tr) for n in walk(rel.sides[1].node))


def test_exp_with_braces_is_exp():
    a = parse(r"a^l_j = \frac{1}{1 + \exp{-z^l_j}}").sides[1].node
    b = parse(r"a^l_j = \frac{1}{1 + \exp(-z^l_j)}").sides[1].node
    assert a == b and any(isinstance(n, Func) for n in walk(a))


@pytest.mark.parametrize("euler, plain", [
    (r"a^l_j = \frac{1}{1 + e^{-z^l_j}}", r"a^l_j = \frac{1}{1 + \exp(-z^l_j)}"),
    (r"x_1 = e^{z^l_j - z^l_k}", r"x_1 = \exp(z^l_j - z^l_k)"),
    (r"x_1 = e^{-z}", r"x_1 = \exp(-z)"),
    (r"x_1 = e^{2}", r"x_1 = \exp(2)"),
])
def test_e_to_an_expression_is_exp(euler, plain):
    assert parse(euler).sides[1].node == parse(plain).sides[1].node


def test_e_as_an_index_stays_a_letter():
    assert show(parse(r"x_e = w^l_{e k}").claims()[0]) == "x_e = w^l_{ek}"
    with pytest.raises(ParseError, match="further script"):
        parse(r"e^{l}_j = 1")
