"""Primed and subscripted index names (j', k'', i_1) and Nielsen's diagonal matrix Σ'(z),
each read with the meaning its authors give it: true forms prove, wrong ones are refuted."""
import pytest

from backprop_sym.claims.check import check_claim

PROVE = [
    (r"\Delta^l_{j'} = \sum_{k'} w^{l+1}_{j'k'} \Delta^{l+1}_{k'} f'(z^l_{j'})", "from-to"),
    (r"\delta^l_{j'} = \sum_{k'} w^{l+1}_{k'j'} \delta^{l+1}_{k'} \sigma'(z^l_{j'})", "to-from"),
    (r"\Delta^l_{j_1} = \sum_{k_1} w^{l+1}_{j_1 k_1} \Delta^{l+1}_{k_1} f'(z^l_{j_1})",
     "from-to"),
    (r"\Delta^l_{j_{2}} = \sum_{j_1=1}^{n_{l+1}} w^{l+1}_{j_{2} j_1} \Delta^{l+1}_{j_1} "
     r"f'(z^l_{j_{2}})", "from-to"),
    (r"\frac{\partial C}{\partial w^l_{i'j'}} = a^{l-1}_{i'} \Delta^l_{j'}", "from-to"),
    (r"\frac{\partial z^l_{m'}}{\partial b^l_{j'}} = \delta_{j'm'}", "from-to"),
    (r"\frac{\partial z^{l+1}_{k^\prime}}{\partial a^l_{j}} = w^{l+1}_{j k^\prime}", "from-to"),
    (r"\Delta^L = \Sigma'(z^L) (a^L - y)", "from-to"),
    (r"\delta^L = \Sigma'(z^L) \nabla_a C", "to-from"),
    (r"\Delta^l = \Sigma'(z^l) w^{l+1} \Delta^{l+1}", "from-to"),
    (r"\delta^l = \Sigma'(z^l) (w^{l+1})^T \delta^{l+1}", "to-from"),
    (r"\Delta^l = \Sigma'(z^l) \left( w^{l+1} \Delta^{l+1} \right)", "from-to"),
]

REFUTE = [
    (r"\Delta^l_{j'} = \sum_{k'} w^{l+1}_{k'j'} \Delta^{l+1}_{k'} f'(z^l_{j'})", "from-to"),
    (r"\Delta^l_{j'} = \sum_{k'} w^{l+1}_{j'k'} \Delta^{l+1}_{k'} f(z^l_{j'})", "from-to"),
    (r"\Delta^l_{j_1} = \sum_{k_1} w^{l+1}_{j_1 k_1} \Delta^{l+1}_{k_1} f'(z^l_{k_1})",
     "from-to"),
    (r"\frac{\partial C}{\partial w^l_{i'j'}} = a^{l-1}_{j'} \Delta^l_{i'}", "from-to"),
    (r"\frac{\partial C}{\partial w^l_{i'j''}} = a^{l-1}_{i'} \Delta^l_{i'}", "from-to"),
    (r"\Delta^L = \Sigma'(z^L) (y - a^L)", "from-to"),
    (r"\Delta^l = \Sigma'(z^l) (w^{l+1})^T \Delta^{l+1}", "from-to"),
    (r"\Delta^l = \Sigma'(z^{l+1}) w^{l+1} \Delta^{l+1}", "from-to"),
    (r"\Delta^L = \Sigma'(z^L) (a^L - y) + a^L", "from-to"),   # Σ' applies to the product only
]


@pytest.mark.parametrize("latex,convention", PROVE)
def test_true_forms_prove(latex, convention, fast_backend):
    (c,) = check_claim(latex, convention=convention, backend=fast_backend)
    assert c["status"] == "proved", (c["parsed"], c["reason"])


@pytest.mark.parametrize("latex,convention", REFUTE)
@pytest.mark.slow
def test_wrong_forms_do_not_prove(latex, convention, fast_backend):
    (c,) = check_claim(latex, convention=convention, backend=fast_backend)
    assert c["status"] in ("refuted", "ill-formed"), (c["parsed"], c["reason"])


def test_names_map_consistently_to_fresh_letters():
    (c,) = check_claim(r"\Delta^l_{j'} = \sum_{k'} w^{l+1}_{j'k'} \Delta^{l+1}_{k'} "
                       r"f'(z^l_{j'})")
    assert c["parsed"] == "Δ^l_p = Σ_q (w^{l+1}_{pq} Δ^{l+1}_q f'(z^l_p))"
    (c,) = check_claim(r"\frac{\partial C}{\partial w^l_{pj'}} = a^{l-1}_p \Delta^l_{j'}")
    assert c["status"] == "proved" and "_{pq}" in c["parsed"]    # p is taken: j' -> q


def test_a_diagonal_alone_is_left_as_written():
    (c,) = check_claim(r"D = \Sigma'(z^L)")
    assert c["status"] in ("unknown", "ill-formed") and "Σ" not in (c["parsed"] or "")


def test_one_neuron_per_layer_is_read_only_where_the_whole_document_is_so():
    from backprop_sym.claims.notation import scalar_depth
    assert scalar_depth(r"z_1 = w_1 x + b_1 \quad a_2 = \sigma(z_2)") == 2
    assert scalar_depth(r"z^l_j = \sum_k w^l_{kj} a^{l-1}_k + b^l_j \quad x_1") is None
    assert scalar_depth(r"z_1 = w_1 x + b_1 \quad \Delta^L_j = a^L_j - y_j") is None
    assert scalar_depth(r"x_1 + x_2 = y_1") is None              # inputs alone are no chain
