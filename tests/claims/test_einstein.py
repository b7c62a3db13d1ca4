"""A repeated index on one side only (issue 19, analysis §2): read with Einstein summation
where the document declares it (in prose, or by use: its z-definition proves only with the
sum), else both readings are open and a verdict that depends on them is unknown, never
refuted. Every reading that proves more has must-not-prove cases beside it."""
from __future__ import annotations

import pytest

from backprop_sym.claims.check import check_claim, check_text
from backprop_sym.claims.parse import parse
from backprop_sym.claims.readings import declares_einstein, einstein, einstein_touches
from backprop_sym.claims.tree import Idx, Kron, Lay, Mul, Q, Sum
from backprop_sym.engine.vocabulary import Status

PROSE = "All indices follow the Einstein summation convention: a repeated index is summed.\n\n"


def md(*eqs, prose=PROSE):
    return prose + "\n\n".join(f"Some words.\n\n$$\n{e}\n$$" for e in eqs) + "\n"


def statuses(text, **options):
    return [(c["status"], c["latex"]) for c in check_text(text, **options)]


# ------------------------------------------------------------------ declared in prose

DECLARED_PROVE = [
    r"\Delta^l_j \delta_{ji} = \Delta^l_i",
    r"\Delta^l_i = \Delta^l_j \delta_{ji}",                      # the same on either side
    r"\Delta^l_k \delta_{ki} a^{l-1}_j = \Delta^l_i a^{l-1}_j",
    r"\Delta^l_j \delta_{jk} a^l_k = \Delta^l_i \delta_{ik} a^l_k",
    r"\frac{\partial C}{\partial b^l_i} = "
    r"\frac{\partial C}{\partial z^l_j} \frac{\partial z^l_j}{\partial b^l_i}",
    r"\frac{\partial C}{\partial a^L_j} \delta_{ji} f(z^L_j) = \frac{\partial C}{\partial a^L_i} f(z^L_i)",
    r"\frac{\partial z^l_j}{\partial b^l_j} = 1",                # repeated inside one factor
    r"\Delta^l_i = \Delta^{l+1}_k w^{l+1}_{ki} f'(z^l_i)",       # i free: the left has it
    r"\Delta^l_i = \sum_k \Delta^{l+1}_k w^{l+1}_{ki} f'(z^l_i)",  # a sum written: kept
    r"z^l_i = \sum_j w^l_{ij} a^{l-1}_j + b^l_i",
]

DECLARED_NOT_PROVE = [
    r"\Delta^l_j \delta_{ji} = 2 \Delta^l_i",
    r"\Delta^l_j \delta_{ji} = \Delta^l_j",                      # j free on the right: kept
    r"\Delta^l_k \delta_{ki} a^{l-1}_j = \Delta^l_j a^{l-1}_i",
    r"\frac{\partial C}{\partial z^l_i} = "
    r"\frac{\partial C}{\partial a^l_j} \frac{\partial a^l_j}{\partial a^l_i}",
    r"\Delta^l_i = \Delta^{l+1}_k w^{l+1}_{ik} f'(z^l_i)",       # from-to weight, to-from doc
    r"\Delta^{l+1}_k w^l_{kj} \delta_{ji} f(z^l_j) = \Delta^{l+1}_k w^l_{ki} f(z^l_i)",  # w^l
    r"\Delta^l_j \delta_{ji} = \Delta^l_i f'(z^l_i)",
    r"\frac{\partial C}{\partial a^L_j} \frac{\partial a^L_j}{\partial a^L_i} = "
    r"\frac{\partial C}{\partial a^L_j} \delta_{ji} f(z^L_j)",          # f for f'
]


@pytest.mark.parametrize("claim", DECLARED_PROVE)
def test_declared_einstein_sums_and_kronecker_contractions_prove(claim):
    (c,) = check_text(md(claim), convention="to-from")
    assert c["status"] == Status.PROVED, c


@pytest.mark.parametrize("claim", DECLARED_NOT_PROVE)
def test_declared_einstein_never_proves_a_wrong_step(claim):
    (c,) = check_text(md(claim), convention="to-from")
    assert c["status"] in (Status.REFUTED, Status.ILL_FORMED), c


def test_a_summed_index_that_only_kronecker_deltas_carry_has_no_range_and_is_not_refuted():
    (c,) = check_text(md(r"\Delta^l_j \delta_{jk} \delta_{ki} = \Delta^l_i"), convention="to-from")
    assert c["status"] == Status.ILL_FORMED and "no range" in c["reason"], c


def test_declared_by_use_the_z_definition_proves_only_with_the_sum():
    text = md(r"z^l_i = w^l_{ij} a^{l-1}_j + b^l_i", r"\Delta^l_j \delta_{ji} = \Delta^l_i",
              r"\Delta^l_j \delta_{ji} = 2\Delta^l_i", prose="")
    out = check_text(text)
    assert [c["status"] for c in out] == [Status.PROVED, Status.PROVED, Status.REFUTED], list(out)
    found = {f["what"]: f for f in out.notes["conventions"]}
    assert found["summation"]["line"] == 4 and found["convention"]["value"] == "to-from"


# ------------------------------------------------------------------ not declared: open

@pytest.mark.parametrize("claim,letter", [
    (r"\Delta^l_j \delta_{ji} = \Delta^l_i", "j"),
    (r"\Delta^l_i = \Delta^l_j \delta_{ji}", "j"),
    (r"\Delta^l_k \delta_{ki} a^{l-1}_j = \Delta^l_i a^{l-1}_j", "k"),
])
def test_undeclared_a_verdict_that_depends_on_the_summation_is_unknown_naming_both(claim, letter):
    (c,) = check_claim(claim)
    assert c["status"] == Status.UNKNOWN, c
    assert f"summed over {letter} (Einstein)" in c["reason"], c
    assert f"as written ({letter} not summed)" in c["reason"], c
    assert c["witness"] is None and set(c["readings"].values()) >= {"proved"}


@pytest.mark.parametrize("claim", [r"\Delta^l_j \delta_{ji} = 2 \Delta^l_i",
                                   r"\Delta^l_i = 2 \Delta^l_j \delta_{ji}",
                                   r"\Delta^l_k \delta_{ki} a^{l-1}_j = \Delta^l_j a^{l-1}_i"])
def test_undeclared_wrong_under_every_reading_is_not_proved(claim):
    (c,) = check_claim(claim)
    assert c["status"] in (Status.REFUTED, Status.ILL_FORMED), c


@pytest.mark.parametrize("claim", [r"\frac{\partial z^l_j}{\partial b^l_j} = 1",
                                   r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)",
                                   r"\frac{\partial C}{\partial w^l_{ij}} = a^{l-1}_i \Delta^l_j"])
def test_undeclared_claims_without_a_repeated_index_still_prove(claim):
    (c,) = check_claim(claim)
    assert c["status"] == Status.PROVED and "readings" not in c, c


def test_a_document_whose_z_definition_proves_with_its_written_sum_declares_nothing():
    text = md(r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j", r"\Delta^l_j \delta_{ji} = \Delta^l_i",
              prose="")
    out = check_text(text)
    assert [c["status"] for c in out] == [Status.PROVED, Status.UNKNOWN], list(out)
    assert "summation" not in {f["what"] for f in out.notes["conventions"]}


def test_undeclared_a_refutation_needs_every_reading():
    # for every j it is false (j = 1, i = 2); summed it holds: never refuted
    (c,) = check_text(md(r"\Delta^l_j \delta_{ji} = \Delta^l_i", prose="Plain words.\n\n"))
    assert c["status"] == Status.UNKNOWN, c


# ------------------------------------------------------------------ the pieces

def test_the_transform_sums_over_the_product_term_only():
    lhs, rhs = parse(r"\Delta^l_j \delta_{ji} = \Delta^l_i").claims()[0]
    new_l, new_r, summed = einstein(lhs, rhs)
    want = Sum("j", 1, None, Mul(Q("Δ", Lay("l"), (Idx("j"),)), Kron((Idx("j"), Idx("i")))),
               lo_written=False)
    assert new_l == want and new_r == rhs and summed == {"j"}
    lhs, rhs = parse(r"\frac{\partial z^l_j}{\partial b^l_j} = 1").claims()[0]
    assert einstein(lhs, rhs)[2] == set() and not einstein_touches(lhs, rhs)


@pytest.mark.parametrize("text,line", [
    ("Intro.\nWe use Einstein notation for all tensors.\n", 2),
    ("Repeated indices are summed (the Einstein convention).\n", 1),
    ("Einstein was a physicist.\n", None),
    ("Unlike the Einstein convention, every sum is written out.\n", None),
    ("We do not use Einstein notation here.\n", None),
    ("No such word here; summation is written out.\n", None),
])
def test_declares_einstein(text, line):
    assert declares_einstein(text) == line


@pytest.mark.parametrize("prose", [
    "Einstein summation is not used in these notes: every index is free unless a sum is written.",
    "We don't use Einstein summation here.",
    "We never use the Einstein summation convention.",
    "No Einstein notation: repeated indices are not summed.",
    "The Einstein convention is avoided in what follows.",
])
def test_a_sentence_denying_einstein_summation_declares_nothing(prose):
    text = f"# Notes\n\n{prose}\n\n$$\\Delta^l_j \\delta_{{jk}} = \\Delta^l_k$$\n"
    assert declares_einstein(text) is None
    out = check_text(text, "markdown")
    assert out[0]["status"] != Status.PROVED, out[0]["reason"]      # false for j != k
