"""The LaTeX reader: every notation form the checker reads, documents, and parse errors."""
import logging
from fractions import Fraction

import pytest
from lark import Lark, logger

from backprop_sym.claims import documents
from backprop_sym.claims.conditions import split_condition
from backprop_sym.claims.errors import ParseError, UnsupportedNotation
from backprop_sym.claims.parse import parse, parser
from backprop_sym.claims.printing import show
from backprop_sym.claims.tree import (Add, At, Call, Deriv, Div, Had, Idx, Lay, Mul, Neg, Num, Pow,
                                      Q, Sum, Tr, Var, Width)


def claim(text):
    """The single claim (lhs, rhs) of an equation."""
    claims = parse(text).claims()
    assert len(claims) == 1
    return claims[0]


def side(text):
    return claim(f"X = {text}")[1]


l, L = Lay("l"), Lay("L")
j, k = Idx("j"), Idx("k")


# ---------------------------------------------------------------- the grammar

def test_grammar_is_lalr_without_conflicts(caplog):
    """Lark resolves shift/reduce conflicts silently (as shifts); there must be none."""
    logger.setLevel(logging.DEBUG)
    try:
        with caplog.at_level(logging.DEBUG, logger="lark"):
            Lark(parser.__wrapped__().source_grammar, parser="lalr")
    finally:
        logger.setLevel(logging.WARNING)
    assert not [r for r in caplog.records if "conflict" in r.getMessage().lower()]


# ---------------------------------------------------------------- quantities

@pytest.mark.parametrize("text, expected", [
    (r"\Delta^l_j", Q("Δ", l, (j,))),
    (r"\delta^l_j", Q("Δ", l, (j,))),
    (r"\Delta_j^l", Q("Δ", l, (j,))),
    ("Δ^l_j", Q("Δ", l, (j,))),
    (r"z^l_j", Q("z", l, (j,))),
    (r"z_j^{l}", Q("z", l, (j,))),
    (r"a^l_j", Q("a", l, (j,))),
    (r"w^l_{ij}", Q("w", l, (Idx("i"), j))),
    (r"w_{ij}^{l}", Q("w", l, (Idx("i"), j))),
    (r"w^{l}_{i,j}", Q("w", l, (Idx("i"), j))),
    (r"w^{l}_{i j}", Q("w", l, (Idx("i"), j))),
    (r"w^2_{13}", Q("w", Lay(None, 2), (Idx(None, 1), Idx(None, 3)))),
    (r"w^\ell_{jk}", Q("w", l, (j, k))),
    (r"b^l_j", Q("b", l, (j,))),
    (r"y_j", Q("y", None, (j,))),
    (r"x_k", Q("x", None, (k,))),
    (r"C", Q("C")),
    (r"C_x", Q("C")),
    (r"\mathcal{C}", Q("𝒞")),
])
def test_quantities(text, expected):
    assert side(text) == expected


@pytest.mark.parametrize("text, layer", [
    ("a^l_j", Lay("l")), ("a^L_j", Lay("L")), ("a^{l+1}_j", Lay("l", 1)),
    ("a^{l-1}_j", Lay("l", -1)), ("a^{L-1}_j", Lay("L", -1)), ("a^{(l+1)}_j", Lay("l", 1)),
    ("a^{(L-1)}_j", Lay("L", -1)), ("a^2_j", Lay(None, 2)), ("a^{0}_j", Lay(None, 0)),
])
def test_layer_expressions(text, layer):
    assert side(text).layer == layer


def test_numbers_and_fractions():
    assert side("2") == Num(Fraction(2))
    assert side(r"\frac12") == side(r"\frac{1}{2}") == Div(Num(Fraction(1)), Num(Fraction(2)))
    assert side(r"\frac{1}{2} C") == Mul(Div(Num(Fraction(1)), Num(Fraction(2))), Q("C"))
    assert side("(a^L_j - y_j)^2") == Pow(Add((Q("a", L, (j,)), Neg(Q("y", None, (j,))))), 2)


def test_vectors_without_indices():
    assert side(r"\Delta^l") == Q("Δ", l, None)
    assert side("w^{l+1}") == Q("w", Lay("l", 1), None)
    assert side("y") == Q("y")


# ---------------------------------------------------------------- the activation

@pytest.mark.parametrize("text, name, order", [
    ("f(z^l_j)", "f", 0), ("f'(z^l_j)", "f", 1), (r"f^\prime(z^l_j)", "f", 1),
    (r"f^{\prime}(z^l_j)", "f", 1), (r"\sigma(z^l_j)", "σ", 0), (r"\sigma'(z^l_j)", "σ", 1),
    (r"f'\left(z^l_j\right)", "f", 1), ("σ′(z^l_j)", "σ", 1),
])
def test_activation_calls(text, name, order):
    assert side(text) == Call(name, order, Q("z", l, (j,)))


def test_activation_of_an_expression_and_of_a_dummy():
    assert side("f(w^l_{kj} a^{l-1}_k)") == Call("f", 0, Mul(Q("w", l, (k, j)),
                                                            Q("a", Lay("l", -1), (k,))))
    assert claim("f(z) = z") == (Call("f", 0, Var("z")), Var("z"))


def test_second_derivative_is_unsupported():
    with pytest.raises(UnsupportedNotation):
        parse("X = f''(z^l_j)")


# ---------------------------------------------------------------- derivatives

@pytest.mark.parametrize("text, den", [
    (r"\frac{\partial C}{\partial w^l_{ij}}", Q("w", l, (Idx("i"), j))),
    (r"\frac{\partial C}{\partial b^l_j}", Q("b", l, (j,))),
    (r"\frac{\partial C}{\partial a^L_j}", Q("a", L, (j,))),
    (r"\frac{\partial C}{\partial z^l_j}", Q("z", l, (j,))),
    (r"\dfrac{\partial C}{\partial z^l_j}", Q("z", l, (j,))),
    (r"\partial C / \partial w^l_{ij}", Q("w", l, (Idx("i"), j))),
    (r"\partial C/\partial b^l_j", Q("b", l, (j,))),
    ("∂C/∂a^L_j", Q("a", L, (j,))),
    (r"\frac{\partial C}{\partial w^l}", Q("w", l, None)),
])
def test_derivatives(text, den):
    assert side(text) == Deriv(Q("C"), den)


def test_derivative_of_an_intermediate_quantity():
    assert side(r"\frac{\partial z^{l+1}_k}{\partial z^l_j}") == \
        Deriv(Q("z", Lay("l", 1), (k,)), Q("z", l, (j,)))


def test_partial_outside_a_derivative_is_an_error():
    with pytest.raises(ParseError, match="outside a derivative"):
        parse(r"X = \partial C")
    with pytest.raises(ParseError, match="quantity"):
        parse(r"X = \frac{\partial C}{\partial (a + b)}")


# ---------------------------------------------------------------- sums and products

BODY = Mul(Mul(Q("w", Lay("l", 1), (j, k)), Q("Δ", Lay("l", 1), (k,))), Call("f", 1, Q("z", l, (j,))))


@pytest.mark.parametrize("text, hi", [
    (r"\sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)", None),
    (r"\sum_{k} w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)", None),
    (r"\sum\limits_{k} w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)", None),
    (r"\sum_{k=1}^{n_{l+1}} w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)", Width(Lay("l", 1))),
    (r"\sum^{n_{l+1}}_{k=1} w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)", Width(Lay("l", 1))),
    (r"\sum_{k=1}^{3} w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)", Num(Fraction(3))),
    (r"\sum_k w^{l+1}_{jk} \cdot \Delta^{l+1}_k \cdot f'(z^l_j)", None),
    (r"\sum_k w^{l+1}_{jk} \times \Delta^{l+1}_k \, f'(z^l_j)", None),
])
def test_sums_take_the_rest_of_the_product(text, hi):
    assert side(text) == Sum("k", 1, hi, BODY)


def test_a_sum_ends_at_plus_and_inside_parentheses():
    s = side(r"\sum_k w^l_{kj} a^{l-1}_k + b^l_j")
    assert isinstance(s, Add) and isinstance(s.terms[0], Sum) and s.terms[1] == Q("b", l, (j,))
    p = side(r"\left( \sum_k w^{l+1}_{jk}\Delta^{l+1}_k \right) f'(z^l_j)")
    assert isinstance(p, Mul) and isinstance(p.a, Sum) and p.b == Call("f", 1, Q("z", l, (j,)))


def test_parentheses_brackets_and_signs():
    assert side("-(a^L_j - y_j)") == Neg(Add((Q("a", L, (j,)), Neg(Q("y", None, (j,))))))
    assert side("[a^L_j]") == Q("a", L, (j,))
    assert side(r"\bigl(a^L_j\bigr)") == Q("a", L, (j,))


# ---------------------------------------------------------------- transposes and vectors

W1 = Q("w", Lay("l", 1), None)


@pytest.mark.parametrize("text", [
    r"[w^{l+1\,T}]_{kj}", r"[(w^{l+1})^T]_{kj}", r"(w^{l+1})^T_{kj}", r"(w^{l+1})^\top_{kj}",
    r"[(w^{l+1})^{\top}]_{kj}", r"[w^{l+1,T}]_{kj}",
])
def test_transposes(text):
    assert side(text) == At(Tr(W1), (k, j))


def test_vector_form():
    lhs, rhs = claim(r"\Delta^l = (w^{l+1} \Delta^{l+1}) \odot f'(z^l)")
    assert lhs == Q("Δ", l, None)
    assert rhs == Had(Mul(W1, Q("Δ", Lay("l", 1), None)), Call("f", 1, Q("z", l, None)))
    _, rhs = claim(r"\frac{\partial C}{\partial w^l} = a^{l-1} (\Delta^l)^T")
    assert rhs == Mul(Q("a", Lay("l", -1), None), Tr(Q("Δ", l, None)))
    _, rhs = claim(r"\Delta^L = (a^L - y) \odot \sigma'(z^L)")
    assert isinstance(rhs, Had)


# ---------------------------------------------------------------- relations

def test_chained_equalities_and_definitions():
    r = parse(r"\Delta^L_j \equiv \frac{\partial C}{\partial z^L_j} = (a^L_j - y_j) f'(z^L_j),")
    assert len(r.claims()) == 2
    assert r.claims()[0][1] == r.claims()[1][0]
    assert r.rels == ["\\equiv", "="]


def test_a_row_that_continues_the_previous_one():
    r = parse(r"&= \sum_k \Delta^{l+1}_k w^{l+1}_{jk} f'(z^l_j)")
    assert r.sides[0] is None and r.claims() == []


def test_show_echoes_what_was_read():
    assert show(claim(r"\Delta_j^l=\sum_k w_{jk}^{l+1}\Delta_k^{l+1}f'(z_j^l)")) == \
        "Δ^l_j = Σ_k (w^{l+1}_{jk} Δ^{l+1}_k f'(z^l_j))"
    assert show(claim(r"[w^{l+1\,T}]_{kj} = \frac{\partial C}{\partial w^l}")) == \
        "[(w^{l+1})^T]_{kj} = ∂C/∂w^l"


# ---------------------------------------------------------------- what is not read

@pytest.mark.parametrize("text, reason", [
    (r"\Delta^l_j = \dots", r"\\dots"),
    (r"\Delta^L, \Delta^{L-1}, \ldots, \Delta^1", r"\\ldots"),
    (r"\nabla_a C = a^L - y", r"\\nabla"),
    (r"\Delta^l_j \approx 0", "not an equality"),
    (r"a^l_j < 1", "not an equality"),
    (r"\text{the error}", "prose"),
    (r"a^l_j", "no '='"),
    (r"h^l_j = a^l_j", "not one of the quantities"),
])
def test_unsupported(text, reason):
    with pytest.raises(UnsupportedNotation, match=reason):
        parse(text)


def test_conditions_and_second_equations_after_quad():
    text = r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j) \quad \text{for } l < L"
    segments, cond = split_condition(text)
    assert len(segments) == 1 and cond.text == r"\text{for } l < L"
    assert cond.comparisons == ((("v", "l", 0), "<", ("v", "L", 0)),)
    text = (r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j, \qquad "
            r"\frac{\partial C}{\partial w^l_{ij}} = a^{l-1}_i \Delta^l_j")
    segments, cond = split_condition(text)
    assert len(segments) == 2 and cond is None
    assert text[segments[1][0]:].lstrip().startswith(r"\frac{\partial C}{\partial w")


# ---------------------------------------------------------------- parse errors

@pytest.mark.parametrize("text, pos, expected", [
    (r"\Delta^l_j = \sum_k w^{l+1}_{jk \Delta^{l+1}_k", 32, "'}'"),
    (r"\Delta^l_j = (a^L_j - y_j", 25, "')'"),
    (r"\Delta^l_j = a^L_j +", 20, "a term"),
    (r"\Delta^l_j = = a^L_j", 13, "a term"),
])
def test_parse_errors_name_the_position_and_what_was_expected(text, pos, expected):
    with pytest.raises(ParseError) as err:
        parse(text)
    assert err.value.pos == pos
    assert expected in str(err.value)
    assert "expected" in str(err.value)


def test_semantic_errors_name_the_position():
    with pytest.raises(ParseError, match="layer"):
        parse(r"X = z_j")
    with pytest.raises(ParseError, match=r"l, l\+1"):
        parse(r"X = a^{l+k}_j")


# ---------------------------------------------------------------- documents

MARKDOWN = r"""# A derivation

Inline $a = b$ is prose.

$$
\Delta^L_j = (a^L_j - y_j) f'(z^L_j) \tag{1}
$$

```
$$ code = not read $$
```

\[ a^l_j = f(z^l_j) = f(z^l_j) \]

$$\begin{aligned}
\Delta^l_j &= \frac{\partial C}{\partial z^l_j} \\
  &= \sum_k w^{l+1}_{jk}
     \Delta^{l+1}_k f'(z^l_j)
\end{aligned}$$
"""

LATEX = r"""\documentclass{article}
\begin{document}
% \[ commented = out \]
\begin{align}
  \Delta^L_j &= (a^L_j - y_j) f'(z^L_j) \label{eq:a} \\
  \Delta^l_j &= \sum_k w^{l+1}_{jk}\Delta^{l+1}_k f'(z^l_j) \nonumber \\[3pt]
  b &= c \tag{x}
\end{align}
\begin{equation*}
 z^1_1 = z^1_1
\end{equation*}
\end{document}
"""


def test_markdown_displays_with_line_numbers():
    rows = documents.rows(MARKDOWN, documents.MARKDOWN)
    assert [r.line for r in rows] == [6, 13, 16, 17]
    assert [r.env for r in rows] == ["$$", "\\[", "$$", "$$"]
    assert r"\tag" not in rows[0].text
    assert rows[3].continues and not rows[2].continues
    assert "f'(z^l_j)" in rows[3].text                     # a row broken over two lines
    for r in rows:                                          # offsets point into the file
        assert MARKDOWN[r.start:r.start + 3] == r.text[:3]


def test_latex_environments_with_tags_labels_and_nonumber():
    rows = documents.rows(LATEX, documents.LATEX)
    assert [r.line for r in rows] == [5, 6, 7, 10]
    assert [r.env for r in rows] == ["align", "align", "align", "equation*"]
    assert all(x not in r.text for r in rows for x in ("\\label", "\\nonumber", "\\tag", "&"))
    assert rows[2].text.split() == ["b", "=", "c"]


def test_kind_and_locate():
    assert documents.kind_of("notes.tex") == documents.LATEX
    assert documents.kind_of("notes.md") == documents.MARKDOWN
    assert documents.locate("ab\ncd", 4) == (2, 2)
