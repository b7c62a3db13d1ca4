"""A result is true only when it is a proof: `assert verify(...)` must fail on a wrong rule.

Every result type of the public API (verify's Result and Check, prove's Proof,
check_implementation's result, check's Claims and Claim) is tested with a correct input,
which must be true, and a deliberately wrong one, which must be false.
"""
import json

import pytest

from backprop_sym import Network, check_implementation, prove, verify
from backprop_sym.claims import check_claim, check_text

BP2 = r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)"
NO_FPRIME = r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k"


def missing_fprime(q, s, l, j):
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))


def test_verify_result_and_checks():
    good = verify(Network([2, 3, 2]))
    assert good and all(good.checks)
    bad = verify(Network([2, 3, 2]), rules_override={"hidden_delta": missing_fprime})
    assert bad.status == "refuted" and not bad
    assert any(not c for c in bad.checks) and any(c for c in bad.checks)


def test_proof():
    assert prove("linear")
    wrong = prove("f", rules_override={"hidden_delta": missing_fprime})
    assert wrong.status == "refuted" and not wrong


def _backward(hidden_fprime: bool):
    """Backprop for the to-from convention (w^l is n_l x n_{l-1}), the mean over the
    examples (check_implementation calls it with N = 2 and N = 3)."""
    def backward(W, b, x, y, f, fprime):
        zs, acts = [], [x]
        for Wl, bl in zip(W, b):
            zs.append(Wl @ acts[-1] + bl)
            acts.append(f(zs[-1]))
        delta = (acts[-1] - y) * fprime(zs[-1])
        gW, gb = [None] * len(W), [None] * len(W)
        for l in range(len(W) - 1, -1, -1):
            N = x.shape[1]
            gW[l], gb[l] = delta @ acts[l].T / N, delta.sum(axis=1, keepdims=True) / N
            if l:
                delta = W[l].T @ delta
                if hidden_fprime:
                    delta = delta * fprime(zs[l - 1])
        return gW, gb
    return backward


def test_implementation_result():
    good = check_implementation(_backward(True), (2, 3, 2), "f", convention="to-from")
    assert good and good.status == "proved"
    bad = check_implementation(_backward(False), (2, 3, 2), "f", convention="to-from")
    assert bad.status == "refuted" and not bad


def test_claims_and_claim():
    good = check_claim(BP2)
    assert good and good.status == "proved" and all(good)
    assert good[0].line == 1 and good[0].status == "proved" and good[0].latex == BP2
    bad = check_claim(NO_FPRIME)
    assert bad.status == "refuted" and not bad and not bad[0]
    doc = check_text(f"$$ {BP2} $$\n\n$$ {NO_FPRIME} $$\n", convention="from-to")
    assert len(doc) == 2 and not doc and doc[0] and not doc[1]
    assert doc.counts["proved"] == 1 and doc.counts["refuted"] == 1
    assert json.loads(json.dumps(doc.to_json(), indent=2))[1]["status"] == "refuted"
    assert doc[1] == doc.to_json()[1] and doc[1].witness.values


def test_claims_are_never_dumped_empty():
    """A falsy list or dict would be written as [] or {} by json's indenting encoder:
    the results refuse json.dumps instead, and to_json() gives the data."""
    bad = check_claim(NO_FPRIME)
    for obj in (bad, bad[0]):
        with pytest.raises(TypeError):
            json.dumps(obj, indent=2)


def test_nothing_checked_is_not_a_proof():
    doc = check_text("Only prose, and $inline$ math.\n")
    assert len(doc) == 0 and not doc and doc.status == "empty"
