"""Conditions after an equation narrow the claim's instances, never the networks it is
checked at: a condition on the widths could exclude every network that refutes the claim,
so it is ill-formed; conditions on layers and neuron indices are honoured."""
import pytest

from backprop_sym.claims.check import check_claim

FP = "f'"


@pytest.mark.parametrize("latex", [
    r"n_0 + n_1 = 5 \quad (n_0 = 2)",
    r"n_{l+1} = 4 \quad (n_l = 3)",
    r"n_0 = 2 \quad \text{for } n_1 > n_0",
    r"\sum_{k=1}^{n_1} b^1_k = b^1_1 + b^1_2 \quad (n_1 = 2)",
    r"x_1 = x_2 \quad (n_0 < 2)",
])
def test_a_condition_on_the_widths_never_proves(latex, fast_backend):
    [c] = check_claim(latex, backend=fast_backend)
    assert c["status"] == "ill-formed", c
    assert "widths" in c["reason"]


@pytest.mark.parametrize("latex", [
    rf"\Delta^l_j = (a^l_j - y_j) {FP}(z^l_j) \quad (l = 2)",      # holds only when L = 2
    r"x_j = x_1 \quad (j < n_0)",
    r"b^l_j = 0 \quad (j \le 2)",
])
def test_false_claims_under_a_condition_are_not_proved(latex, fast_backend):
    [c] = check_claim(latex, backend=fast_backend)
    assert c["status"] in ("refuted", "ill-formed"), c


@pytest.mark.parametrize("latex", [
    rf"\Delta^l_j = (a^l_j - y_j) {FP}(z^l_j) \quad (l = L)",
    r"x_j = x_j \quad (j \le n_0)",
    r"x_j = x_1 \quad (j \le 1)",
])
def test_true_claims_under_a_condition_on_indices_prove(latex, fast_backend):
    [c] = check_claim(latex, backend=fast_backend)
    assert c["status"] == "proved", c
