"""check: claims proved for every width by the symbolic route (claims/general.py).

Every claim the route proves is also checked at concrete networks (the checker's shapes),
an independent reference; wrong claims, including ones that hold only at some widths, are
never proved for every width.
"""
import pytest

from backprop_sym.claims.check import check_claim
from backprop_sym.claims.form import analyze
from backprop_sym.claims.general import every_width
from backprop_sym.claims.parse import parse

BP2 = r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)"
BP2_TO_FROM = r"\Delta^l_j = \sum_k w^{l+1}_{kj} \Delta^{l+1}_k f'(z^l_j)"

HOLD = [
    (BP2, "from-to"),
    (BP2_TO_FROM, "to-from"),
    (r"\Delta^l_j = f'(z^l_j) \sum_{k=1}^{n_{l+1}} w^{l+1}_{jk} \Delta^{l+1}_k", "from-to"),
    (r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j)", "from-to"),
    (r"\frac{\partial C}{\partial w^l_{ij}} = a^{l-1}_i \Delta^l_j", "from-to"),
    (r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \Delta^l_j", "to-from"),
    (r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j", "from-to"),
    (r"\frac{\partial \mathcal{C}}{\partial b^l_j} = \frac{1}{N}\sum_x \Delta^l_j", "from-to"),
    (r"\frac{\partial \mathcal{C}}{\partial w^l_{ij}} = \frac{1}{N}\sum_x a^{l-1}_i \Delta^l_j",
     "from-to"),
    (r"\frac{\partial z^{l+1}_k}{\partial z^l_j} = w^{l+1}_{jk}\, f'(z^l_j)", "from-to"),
    (r"\frac{\partial z^{l+1}_k}{\partial a^l_j} = w^{l+1}_{kj}", "to-from"),
    (r"\frac{\partial C}{\partial a^L_j} = a^L_j - y_j", "from-to"),
    (r"\frac{\partial C}{\partial z^L_j} = \frac{\partial C}{\partial a^L_j} "
     r"\frac{\partial a^L_j}{\partial z^L_j}", "from-to"),
    (r"\frac{\partial C}{\partial z^l_j} = \sum_{k=1}^{n_{l+1}} \frac{\partial C}{\partial "
     r"z^{l+1}_k} \frac{\partial z^{l+1}_k}{\partial z^l_j}", "from-to"),
    (r"\frac{\partial C}{\partial a^l_j} = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k", "from-to"),
    (r"\frac{\partial z^l_j}{\partial w^l_{ij}} = a^{l-1}_i", "from-to"),
    (r"\frac{\partial z^l_m}{\partial b^l_j} = \delta_{jm}", "from-to"),
    (BP2 + r" + n_l - n_l", "from-to"),
]

# Wrong, or true only at some widths, depths or N: never proved for every width.
WRONG = [
    (BP2_TO_FROM, "from-to"),                                   # a missing transpose
    (BP2, "to-from"),
    (r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f(z^l_j)", "from-to"),
    (r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^{l+1}_j)", "from-to"),
    (r"\Delta^l_j = f'(z^l_j) \sum_{k=1}^{n_{l}} w^{l+1}_{jk} \Delta^{l+1}_k", "from-to"),
    (r"\Delta^L_j = a^L_j - y_j", "from-to"),                   # the missing f'
    (r"\frac{\partial C}{\partial w^l_{ij}} = a^{l}_i \Delta^l_j", "from-to"),
    (r"\frac{\partial \mathcal{C}}{\partial b^l_j} = \sum_x \Delta^l_j", "from-to"),  # no 1/N
    (r"\frac{\partial C}{\partial b^l_j} = \frac{1}{N}\sum_x \Delta^l_j", "from-to"),
    (r"\frac{\partial z^{l+1}_k}{\partial z^l_j} = w^{l+1}_{kj}\, f'(z^l_j)", "from-to"),
    (r"\frac{\partial C}{\partial a^L_j} = y_j - a^L_j", "from-to"),
    (r"\frac{\partial C}{\partial z^l_j} = \sum_{k=1}^{n_{l}} \frac{\partial C}{\partial "
     r"z^{l+1}_k} \frac{\partial z^{l+1}_k}{\partial z^l_j}", "from-to"),
    (r"\frac{\partial z^l_m}{\partial b^l_j} = 1", "from-to"),
    (r"\frac{\partial a^l_i}{\partial z^l_j} = 0", "from-to"),
    (BP2 + r" + (n_l - 2)", "from-to"),                         # holds at width 2 only
    (BP2 + r" + (N - 1)", "from-to"),                           # holds at N = 1 only
    (r"\Delta^l_j = (a^l_j - y_j) f'(z^l_j)", "from-to"),       # holds at l = L only
]


def _form(text):
    (lhs, rhs), = parse(text).claims()
    return analyze(lhs, rhs)


@pytest.mark.parametrize("activation", ["f", "sigmoid"])
@pytest.mark.parametrize("text,convention", HOLD)
def test_a_true_claim_is_proved_for_every_width(text, convention, activation):
    assert every_width(_form(text), activation, convention)


@pytest.mark.parametrize("activation", ["f", "sigmoid", "linear"])
@pytest.mark.parametrize("text,convention", WRONG)
def test_a_wrong_claim_is_never_proved_for_every_width(text, convention, activation):
    if activation == "linear" and text == r"\Delta^L_j = a^L_j - y_j":
        pytest.skip("f' = 1: true for a linear network")
    assert not every_width(_form(text), activation, convention)


@pytest.mark.parametrize("text,convention", HOLD[:6] + HOLD[9:12])
def test_the_checker_agrees_at_concrete_networks_and_says_every_width(text, convention,
                                                                      fast_backend):
    (c,) = check_claim(text, convention=convention, backend=fast_backend)
    assert c["status"] == "proved", c["reason"]              # the explicit networks agree
    assert c["scope"]["every_shape"] is True and c["scope"]["shapes"]
    assert c["reason"].startswith("holds exactly")
    assert "for every depth and every width" in c["reason"]


@pytest.mark.parametrize("text,convention", WRONG[:3] + WRONG[5:7])
def test_a_wrong_claim_is_refuted_at_a_network(text, convention, fast_backend):
    (c,) = check_claim(text, convention=convention, backend=fast_backend)
    assert c["status"] in ("refuted", "ill-formed")
    assert not (c["scope"] or {}).get("every_shape")


def test_a_condition_keeps_the_claim_at_its_shapes(fast_backend):
    (c,) = check_claim(BP2 + r" \quad (l < L)", backend=fast_backend)
    assert c["status"] == "proved" and not c["scope"].get("every_shape")


def test_text_output_says_for_every_width(tmp_path):
    from click.testing import CliRunner
    from backprop_sym.cli import main
    run = CliRunner().invoke(main, ["check", "--claim", BP2])
    assert run.exit_code == 0, run.output
    assert "proved for every width" in run.output
