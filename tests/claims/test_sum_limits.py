"""Sum limits as people write them: a bare letter as the upper limit (\\sum_{i=1}^n) is the
width of the layer its index runs over, read off the summand, for that one sum; a \\sum with
no index runs over the one index of its summand that is free nowhere else in the claim."""
import pytest

from backprop_sym.claims import check as C
from backprop_sym.claims.errors import ParseError
from backprop_sym.claims.parse import parse
from backprop_sym.claims.printing import show
from backprop_sym.claims.tree import Lay, Sum, walk
from backprop_sym.engine.vocabulary import Status

NOT_PROVED = (Status.REFUTED, Status.ILL_FORMED, Status.UNKNOWN)


def verdicts(latex, **options):
    return [c["status"] for c in C.check_claim(latex, **options)]


def only(latex, **options):
    out = C.check_claim(latex, **options)
    assert len(out) == 1, out
    return out[0]


# ---------------------------------------------------------------- \sum_{i=1}^n

@pytest.mark.parametrize("latex, options", [
    (r"\frac{\partial C}{\partial z^L_k}=\sum_{i=1}^n\frac{\partial C}{\partial a^L_i}"
     r"\frac{\partial a^L_i}{\partial z^L_k}", {}),
    (r"\frac{\partial C}{\partial z^l_k}=\sum_{i=1}^n\frac{\partial C}{\partial z^{l+1}_i}"
     r"\frac{\partial z^{l+1}_i}{\partial z^l_k}", {}),
    (r"z^{l+1}_i=\sum_{j=1}^m(w^{l+1}_{i,j}a^l_j)+b^{l+1}_i", {"convention": "to-from"}),
    (r"z^l_j=\sum_{i=1}^m w^l_{ij}a^{l-1}_i+b^l_j", {}),
    (r"\Delta^l_j = \sum_{k=1}^{m} w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)", {}),
    (r"\frac{\partial C}{\partial z^l_k}=f'(z^l_k)\sum_{i=1}^n\Delta^{l+1}_i w^{l+1}_{i,k}",
     {"convention": "to-from"}),
    (r"\sum_{j=1}^n w^l_{jk} \Delta^l_k = \sum_j w^l_{jk} \Delta^l_k", {}),
])
def test_a_letter_limit_is_the_width_the_index_runs_over(latex, options):
    assert verdicts(latex, **options) == [Status.PROVED]


def test_the_reading_is_shown_with_the_width_it_reads():
    c = only(r"\frac{\partial C}{\partial z^l_k}=\sum_{i=1}^n\frac{\partial C}"
             r"{\partial z^{l+1}_i}\frac{\partial z^{l+1}_i}{\partial z^l_k}")
    assert "Σ_{i=1}^{n=n_{l+1}}" in c["parsed"], c
    rel = parse(r"x_1 = \sum_{j=1}^m w^l_{jk} \Delta^l_k")
    assert "m=the width j runs over" in show(rel.claims()[0])


def test_the_letter_is_local_to_each_sum():
    """n is the width of layer l+1 in one sum and of layer l-1 in the next."""
    rel = parse(r"\sum_{i=1}^n a^{l+1}_i = \sum_{i=1}^n a^{l-1}_i")
    sums = [n for side in rel.sides for n in walk(side.node) if isinstance(n, Sum)]
    assert [s.hi_read for s in sums] == [Lay("l", 1), Lay("l", -1)]
    assert all(s.hi is None for s in sums)


WIDTHS = "two widths"
NO_WIDTH = "write the width as n_{layer}"


@pytest.mark.parametrize("latex, options, status, why", [
    # the index indexes neurons of two layers: which width?
    (r"\sum_{i=1}^n a^l_i z^{l+1}_i = \sum_{i=1}^n a^l_i z^{l+1}_i", {}, Status.ILL_FORMED,
     WIDTHS),
    (r"\frac{\partial C}{\partial z^l_k}=\sum_{i=1}^n\Delta^{l+1}_i w^{l+1}_{k i}"
     r"f'(z^l_i)", {}, Status.ILL_FORMED, WIDTHS),
    # a weight indexed by the wrong layer's neuron, a missing transpose: still wrong
    (r"z^l_j=\sum_{i=1}^n w^l_{ji}a^{l-1}_i+b^l_j", {}, Status.REFUTED, None),
    (r"\Delta^l_j = \sum_{k=1}^n w^{l+1}_{kj} \Delta^{l+1}_k f'(z^l_j)", {}, Status.REFUTED,
     None),
    (r"\Delta^l_j = \sum_{k=1}^m w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)",
     {"convention": "to-from"}, Status.REFUTED, None),
    # the letter is not a width here
    (r"\sum_{l=1}^L a^l_j = \sum_{l=1}^L a^l_j", {}, Status.ILL_FORMED, "no width here"),
    (r"\sum_{i=1}^n n a^l_i = \sum_i a^l_i", {}, Status.ILL_FORMED, "as a value"),
    (r"\sum_{i=0}^n a^l_i = \sum_i a^l_i", {}, Status.ILL_FORMED, "from 0 to n"),
    (r"\sum_{i=2}^n a^l_i = \sum_i a^l_i", {}, Status.ILL_FORMED, "from 2 to n"),
    # the letter stands for something else in the same claim
    (r"\Delta^L_j = \sum_{k=1}^{L} w^{l}_{jk} a^{l-1}_k", {}, Status.ILL_FORMED,
     "no width here"),
    (r"a^l_n = \sum_{k=1}^n a^{l-1}_k", {}, Status.ILL_FORMED, "also stands for something else"),
    (r"\mathcal{C} = \frac{1}{n}\sum_{i=1}^n a^L_i", {}, Status.ILL_FORMED,
     "also stands for something else"),
])
def test_a_letter_limit_never_proves_a_wrong_or_unclear_sum(latex, options, status, why):
    (c,) = C.check_claim(latex, **options)
    assert c["status"] == status, c
    if why:
        assert why in c["reason"], c
    else:                                            # read, and the reading shown
        assert "=n_{" in c["parsed"], c


@pytest.mark.parametrize("latex", [
    r"z^l_j = \sum_{k=1}^{2} w^l_{kj} a^{l-1}_k + b^l_j",        # two neurons, not all
    r"\Delta^l_j = \sum_{k=1}^{3} w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)",
])
def test_a_numeric_limit_stays_as_written(latex):
    assert all(v in NOT_PROVED for v in verdicts(latex))
    s = next(n for n in walk(parse(latex).sides[1].node) if isinstance(n, Sum))
    assert s.hi is not None and s.hi_name is None


def test_two_layers_are_named():
    with pytest.raises(ParseError, match="layers l and l\\+1"):
        parse(r"x_1 = \sum_{i=1}^n a^l_i z^{l+1}_i")


# ---------------------------------------------------------------- \sum with no index

@pytest.mark.parametrize("latex, options", [
    (r"\Delta^l_j = \sum w^{l+1}_{jk}\Delta^{l+1}_k f'(z^l_j)", {}),
    (r"\Delta^l_j = f'(z^l_j) \sum \Delta^{l+1}_k w^{l+1}_{kj}", {"convention": "to-from"}),
    (r"z^l_j = \sum w^l_{kj} a^{l-1}_k + b^l_j", {}),
    (r"\frac{\partial C}{\partial z^l_j} = \sum\frac{\partial C}{\partial z^{l+1}_k}"
     r"\frac{\partial z^{l+1}_k}{\partial z^l_j}", {}),
])
def test_a_sum_without_index_runs_over_the_summands_own_index(latex, options):
    assert verdicts(latex, **options) == [Status.PROVED]


ONLY_INDEX = "the one index of its summand"


@pytest.mark.parametrize("latex, options, status", [
    (r"\Delta^l_j = \sum w^{l+1}_{kj}\Delta^{l+1}_k f'(z^l_j)", {}, Status.REFUTED),
    (r"\Delta^l_j = \sum w^{l+1}_{jk}\Delta^{l+1}_k f'(z^l_j)", {"convention": "to-from"},
     Status.REFUTED),
    (r"\Delta^l_j = \sum w^{l+1}_{jk}\Delta^{l+1}_k f'(z^l_k)", {}, Status.REFUTED),
    (r"\Delta^l_j = \sum \Delta^{l+1}_j f'(z^l_j)", {}, Status.ILL_FORMED),     # none
    (r"x_1 = \sum a^l_j a^l_k", {}, Status.ILL_FORMED),                          # two
    (r"z^l_j = \sum a^{l-1}_l", {}, Status.ILL_FORMED),                          # a layer
    (r"\sum{a^l_j + b^l_j} = \sum_j a^l_j", {}, Status.ILL_FORMED),  # j also outside the sum
])
def test_a_sum_without_index_never_proves_what_it_cannot_read(latex, options, status):
    (c,) = C.check_claim(latex, **options)
    assert c["status"] == status, c
    if status == Status.REFUTED:
        assert c["parsed"] and "Σ_k" in c["parsed"], c
    else:
        assert ONLY_INDEX in c["reason"], c


def test_a_sum_without_index_names_the_candidates():
    with pytest.raises(ParseError, match="j and k both appear only in it"):
        parse(r"x_1 = \sum a^l_j a^l_k")
    with pytest.raises(ParseError, match="j also appear"):
        parse(r"\Delta^l_j = \sum \Delta^{l+1}_j")


def test_a_continued_row_reads_its_index_with_the_side_it_continues():
    """`&= \\sum …` is equated with the previous side: an index free there is not summed."""
    row = r"=\sum\frac{\partial z_k^{l+1}}{\partial z_j^l}\Delta_k^{l+1}"
    with pytest.raises(ParseError):
        parse(row)                                   # alone, j and k are both candidates
    before = parse(r"x = \frac{\partial C}{\partial z^l_j}").sides[1].node
    rel = parse(row, before=before)
    s = next(n for n in walk(rel.sides[1].node) if isinstance(n, Sum))
    assert s.var == "k" and not s.lo_written


def test_an_index_bound_by_another_sum_is_not_an_appearance():
    rel = parse(r"\sum_k w^{l+1}_{jk} \Delta^{l+1}_k = \sum \Delta^{l+1}_k w^{l+1}_{jk}")
    s = [n for n in walk(rel.sides[1].node) if isinstance(n, Sum)]
    assert s[0].var == "k"


def test_one_to_a_letter_is_the_whole_layer_under_any_index_base():
    """Local evidence wins: 1 to n is n neurons, even in a document that numbers from 0."""
    doc = "\n".join([
        r"The first neuron is neuron 0: $$\Delta^L_0 = (a^L_0 - y_0) f'(z^L_0)$$",
        "",
        r"$$\Delta^l_j = \sum_{k=1}^m w^{l+1}_{jk}\Delta^{l+1}_k f'(z^l_j)$$",
    ])
    out = C.check_text(doc, convention="from-to")
    assert [c["status"] for c in out] == [Status.PROVED, Status.PROVED], out
    assert "m=n_{l+1}" in out[1]["parsed"]


def test_one_letter_is_a_different_width_in_each_sum_of_a_document():
    """n is the width of layer l+1 on one line and of layer l-1 on the next (as real
    documents write it): each sum reads its own; a wrong line is still not proved."""
    doc = "\n\n".join([
        r"$$z^{l+1}_i=\sum_{j=1}^m w^{l+1}_{ji}a^l_j+b^{l+1}_i$$",
        r"$$\frac{\partial C}{\partial z^l_k}=\sum_{i=1}^n\frac{\partial C}{\partial z^{l+1}_i}"
        r"\frac{\partial z^{l+1}_i}{\partial z^l_k}$$",
        r"$$z^l_j=\sum_{i=1}^n w^l_{ij}a^{l-1}_i+b^l_j$$",
        r"$$\frac{\partial C}{\partial z^l_k}=\sum_{i=1}^n\frac{\partial C}{\partial z^{l+1}_i}"
        r" w^{l+1}_{ki} f'(z^l_k)$$",
        r"$$\frac{\partial C}{\partial z^l_k}=\sum_{i=1}^n\frac{\partial C}{\partial z^{l+1}_i}"
        r" w^{l+1}_{ik} f'(z^l_k)$$",
    ])
    out = C.check_text(doc, convention="from-to")
    assert [c["status"] for c in out[:4]] == [Status.PROVED] * 4, out
    assert out[4]["status"] in NOT_PROVED, out[4]
    assert ["n=n_{l+1}" in out[1]["parsed"], "n=n_{l-1}" in out[2]["parsed"]] == [True, True]


@pytest.mark.parametrize("letter", ["L", "x", "y", "C", "e", "d", "N", "T", "l", "j"])
def test_a_limit_letter_that_means_something_else_is_not_a_width(letter):
    """\\sum_{k=1}^{L}: L is the depth, so the sum is partial where n_{l+1} > L: never proved."""
    claim = (f"\\Delta^l_j = \\sum_{{k=1}}^{{{letter}}} w^{{l+1}}_{{jk}}\\Delta^{{l+1}}_k "
             "f'(z^l_j)")
    assert C.check_claim(claim)[0]["status"] != Status.PROVED
