"""A relation is read whichever way it is spelled: one table (claims/relations.py) for
the documents reader, the prescan and the grammar."""
import pytest

from backprop_sym.claims import relations
from backprop_sym.claims.check import check_claim, check_text
from backprop_sym.claims.documents import rows
from backprop_sym.claims.parse import parse
from backprop_sym.claims.printing import show

BP1 = "\\Delta^L_j {} (a^L_j - y_j) f'(z^L_j)"
SPELLINGS = ["\\triangleq", "\\coloneqq", ":=", "\\doteq", "\\stackrel{\\text{def}}{=}",
             "\\overset{\\mathrm{def}}{=}"]


def _seen(claims):
    return [(c["status"], c["parsed"]) for c in claims.to_json()]


@pytest.mark.parametrize("rel", SPELLINGS)
def test_a_definition_by_any_spelling_is_read_as_by_equiv(rel):
    """issue 17, defect 4: \\triangleq was skipped for having "no '='"."""
    claims = check_claim(BP1.format(rel))
    assert "no '='" not in (claims.to_json()[0]["reason"] or "")
    assert _seen(claims) == _seen(check_claim(BP1.format("\\equiv")))


@pytest.mark.parametrize("rel", SPELLINGS)
def test_the_parser_keeps_the_spelling(rel):
    r = parse(BP1.format(rel))
    assert r.rels == [rel]
    assert show(r.claims()[0]) == show(parse(BP1.format("=")).claims()[0])


def test_a_row_of_a_document_with_triangleq_is_its_own_equation():
    text = ("$$\\begin{aligned}\n z^l_j &= \\sum_k w^l_{jk} a^{l-1}_k + b^l_j \\\\\n"
            " \\Delta^L_j &\\triangleq (a^L_j - y_j) f'(z^L_j)\n\\end{aligned}$$\n")
    assert len(rows(text)) == 2
    statuses = [c["status"] for c in check_text(text).to_json()]
    same = [c["status"] for c in check_text(text.replace("\\triangleq", "\\equiv")).to_json()]
    assert statuses == same and len(statuses) == 2


def test_the_table():
    for rel in SPELLINGS + ["=", "\\equiv"]:
        assert relations.has_relation(f"a {rel} b")
        assert relations.masked(f"a {rel} b").split() == ["a", "=", "b"]
    for other in ("a \\le b", "a <= b", "a != b", "a \\neq b"):
        assert not relations.has_relation(other)
    assert relations.starts_with_relation("  \\triangleq x")
