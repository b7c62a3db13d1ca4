"""A document's own names, learnt from its definitions (issue 19, "Learn each document's
notation from its own definitions"; issue 20, L as the loss and a ⊙ (1 - a)).

Each style below is one author's letters for the same network; every must-prove claim has
must-not-prove ones beside it (a wrong rule in the author's letters is still refuted), and
a definition the engine cannot read as its cost (no ½), or a symbol bound two ways, leaves
the claims that use it unread (never proved, never refuted)."""
from __future__ import annotations

import pytest

from backprop_sym.claims.binding import learn
from backprop_sym.claims.check import check_claim, check_text
from backprop_sym.engine.vocabulary import Status

P, R, I, S = Status.PROVED, Status.REFUTED, Status.ILL_FORMED, Status.SKIPPED
NOT_PROVED = (R, I, S, Status.UNKNOWN)


def run(definitions, claims):
    """The document (definitions, then claims, one $$ block each); the claims' verdicts
    in order, and the document's notes."""
    rows = list(definitions) + [c for c, _ in claims]
    text = "# Backpropagation\n\n" + "\n\n".join(f"$$ {r} $$" for r in rows) + "\n"
    out = check_text(text)
    by_line = {c["line"]: c for c in out}
    lines = [3 + 2 * k for k in range(len(rows))]
    return [by_line[n] for n in lines[len(definitions):]], out.notes


def assert_verdicts(claims, got):
    for (latex, want), c in zip(claims, got):
        if want is None:                            # must not prove, and never refute
            assert c["status"] in (I, S, Status.UNKNOWN), (latex, c)
        elif want == "not":
            assert c["status"] in NOT_PROVED, (latex, c)
        else:
            assert c["status"] == want, (latex, c)


# net and o (Haykin, Mitchell), E with t, and δ = -∂E/∂net (with the minus)
NET = [r"net^l_j = \sum_k w^l_{jk} o^{l-1}_k + b^l_j", r"o^l_j = \varphi(net^l_j)",
       r"E = \frac{1}{2} \sum_k (t_k - o^L_k)^2",
       r"\delta^l_j = -\frac{\partial E}{\partial net^l_j}"]
NET_CLAIMS = [
    (r"\frac{\partial E}{\partial o^L_j} = o^L_j - t_j", P),
    (r"\frac{\partial E}{\partial o^L_j} = t_j - o^L_j", R),
    (r"\delta^L_j = (t_j - o^L_j) \varphi'(net^L_j)", P),
    (r"\delta^L_j = (o^L_j - t_j) \varphi'(net^L_j)", R),          # the model's sign: wrong here
    (r"\frac{\partial E}{\partial w^l_{jk}} = -\delta^l_j o^{l-1}_k", P),
    (r"\frac{\partial E}{\partial w^l_{jk}} = \delta^l_j o^{l-1}_k", R),
    (r"\frac{\partial E}{\partial w^l_{jk}} = -\delta^l_k o^{l-1}_j", "not"),
]

# u and h in vectors, W, E with t (a vector text), δ with the minus
UH = [r"u^l = W^l h^{l-1} + b^l", r"h^l = \sigma(u^l)", r"E = \frac12 \|h^L - t\|^2",
      r"\delta^l = -\frac{\partial E}{\partial u^l}"]
UH_CLAIMS = [
    (r"\delta^L = (t - h^L) \odot \sigma'(u^L)", P),
    (r"\delta^L = (h^L - t) \odot \sigma'(u^L)", R),
    (r"\delta^l = ((W^{l+1})^T \delta^{l+1}) \odot \sigma'(u^l)", P),
    (r"\delta^l = (W^{l+1} \delta^{l+1}) \odot \sigma'(u^l)", "not"),
    (r"\frac{\partial E}{\partial b^l} = -\delta^l", P),
    (r"\frac{\partial E}{\partial b^l} = \delta^l", R),
]

# ω for the weights, 𝓛 for the cost, (l) layers; δ without a sign: the model's own
OMEGA = [r"z^{(l)} = \omega^{(l)} a^{(l-1)} + b^{(l)}", r"a^{(l)} = \sigma(z^{(l)})",
         r"\mathcal{L} = \frac{1}{2} \left\| a^{(L)} - y \right\|^2"]
OMEGA_CLAIMS = [
    (r"\frac{\partial \mathcal{L}}{\partial \omega^{(l)}} = \delta^{(l)} (a^{(l-1)})^T", P),
    (r"\frac{\partial \mathcal{L}}{\partial \omega^{(l)}} = \delta^{(l)} a^{(l-1)}", "not"),
    (r"\delta^{(L)} = (a^{(L)} - y) \odot \sigma'(z^{(L)})", P),
    (r"\delta^{(L)} = (y - a^{(L)}) \odot \sigma'(z^{(L)})", R),
]

# s and y for z and a, t the target: y is the output here, not the target (a swap)
SY = [r"s^l_j = \sum_k w^l_{jk} y^{l-1}_k + b^l_j", r"y^l_j = f(s^l_j)",
      r"J = \frac{1}{2} \sum_j (y^L_j - t_j)^2"]
SY_CLAIMS = [
    (r"\frac{\partial J}{\partial y^L_j} = y^L_j - t_j", P),
    (r"\frac{\partial J}{\partial y^L_j} = t_j - y^L_j", R),
    (r"\frac{\partial J}{\partial s^L_j} = (y^L_j - t_j) f'(s^L_j)", P),
    (r"\frac{\partial J}{\partial s^L_j} = (y^L_j - t_j) f(s^L_j)", R),
]

# Bishop's letters: a the pre-activation, z the activation (a swap of the model's)
SWAP = [r"a^l = W^l z^{l-1} + b^l", r"z^l = \sigma(a^l)", r"E = \frac12 \|z^L - t\|^2"]
SWAP_CLAIMS = [
    (r"\frac{\partial E}{\partial a^L} = (z^L - t) \odot \sigma'(a^L)", P),
    (r"\frac{\partial E}{\partial a^L} = (a^L - t) \odot \sigma'(z^L)", "not"),  # model letters
    (r"\frac{\partial E}{\partial z^L} = z^L - t", P),
]

STYLES = [(NET, NET_CLAIMS), (UH, UH_CLAIMS), (OMEGA, OMEGA_CLAIMS), (SY, SY_CLAIMS),
          (SWAP, SWAP_CLAIMS)]


@pytest.mark.parametrize("definitions, claims", STYLES, ids=["net-o", "u-h", "omega", "s-y", "swap"])
def test_an_authors_letters_read_through_its_definitions(definitions, claims):
    got, notes = run(definitions, claims)
    assert_verdicts(claims, got)
    said = " ".join(f["value"] for f in notes["conventions"] if f["what"] == "notation")
    assert "→" in said, notes                            # the binding is reported


def test_the_binding_is_reported_with_its_lines():
    got, notes = run(NET, NET_CLAIMS[:1])
    read = {f["value"].split(" ")[0]: f["line"] for f in notes["conventions"]
            if f["what"] == "notation"}
    assert read["net"] == 3 and read["o"] == 3 and read["E"] == 7 and read["t"] == 7, read
    assert read["\\delta"] == 9, read


def test_a_cost_without_the_half_is_not_read_as_the_half_cost():
    definitions = [r"u^l = W^l h^{l-1} + b^l", r"h^l = \sigma(u^l)",
                   r"E = \sum_k (h^L_k - t_k)^2"]
    claims = [(r"\frac{\partial E}{\partial h^L_k} = h^L_k - t_k", None),     # the ½ cost's
              (r"\frac{\partial E}{\partial h^L_k} = 2 (h^L_k - t_k)", None),  # not supported
              (r"u^l = W^l h^{l-1} + b^l", P)]
    got, notes = run(definitions, claims)
    assert_verdicts(claims, got)
    assert "E" in got[0]["reason"], got[0]
    assert any("without the ½" in f["value"] for f in notes["conventions"]), notes


def test_a_symbol_bound_two_ways_is_not_read():
    definitions = [r"u^l = W^l h^{l-1} + b^l", r"h^l = W^l u^{l-1} + b^l"]
    claims = [(r"\frac{\partial C}{\partial b^l} = \frac{\partial C}{\partial u^l}", None),
              (r"\frac{\partial C}{\partial b^l} = \frac{\partial C}{\partial h^l}", None)]
    got, notes = run(definitions, claims)
    assert_verdicts(claims, got)
    assert any("bound two ways" in f["value"] for f in notes["conventions"]), notes


@pytest.mark.parametrize("cost", ["L", r"\mathcal{L}"])
def test_L_differentiated_is_the_cost_and_L_in_a_script_the_depth(cost):
    definitions = [r"z^{[l]} = W^{[l]} a^{[l-1]} + b^{[l]}", r"a^{[l]} = \sigma(z^{[l]})"]
    claims = [(rf"\frac{{\partial {cost}}}{{\partial z^{{[L]}}}} = (a^{{[L]}} - y) \odot "
               r"\sigma'(z^{[L]})", P),
              (rf"\frac{{\partial {cost}}}{{\partial z^{{[L]}}}} = (y - a^{{[L]}}) \odot "
               r"\sigma'(z^{[L]})", R),
              (rf"\frac{{\partial {cost}}}{{\partial b^{{[l]}}}} = \frac{{\partial {cost}}}"
               r"{\partial z^{[l]}}", P),
              (rf"\frac{{\partial {cost}}}{{\partial w^{{[L]}}}} = \frac{{\partial {cost}}}"
               r"{\partial z^{[L]}}", "not")]
    got, _ = run(definitions, claims)
    assert_verdicts(claims, got)


def test_a_defined_cost_letter_keeps_L_as_the_depth():
    definitions = [r"z^{[l]} = W^{[l]} a^{[l-1]} + b^{[l]}", r"a^{[l]} = \sigma(z^{[l]})",
                   r"L = \frac{1}{2} \sum_j (a^{[L]}_j - y_j)^2"]
    claims = [(r"\frac{\partial L}{\partial a^{[L]}_j} = a^{[L]}_j - y_j", P),
              (r"\frac{\partial L}{\partial a^{[L]}_j} = a^{[L]}_j + y_j", R)]
    got, _ = run(definitions, claims)
    assert_verdicts(claims, got)


def test_learn_reads_the_roles_structurally():
    b = learn(enumerate(NET, 1))
    roles = {s: (x.role, x.sign) for s, x in b.bound.items()}
    assert roles == {"net": ("z", 1), "o": ("a", 1), "E": ("C", 1), "t": ("y", 1),
                     "\\delta": ("\\delta", -1)}, roles
    assert learn(enumerate([r"A^{[l]} = g(Z^{[l]})"], 1)).bound == {}   # a call, no product
    assert str(b.apply(r"o^{l-1}_k \delta^l_j").text) == r"a^{l-1}_k (-\delta^l_j)"


@pytest.mark.parametrize("latex, want", [
    (r"\sigma'(z^l) = a^l \odot (1 - a^l)", P),
    (r"a^l_j (1 - a^l_j) = \sigma'(z^l_j)", P),
    (r"\Delta^L = (a^L - y) \odot a^L \odot (1 - a^L)", P),
    (r"\sigma'(z^l) = a^l \odot (2 - a^l)", R),
    (r"\Delta^L = (a^L - y) \odot a^L \odot (a^L - 1)", R),
    (r"\sigma'(z^l) = a^l \odot (C - a^l)", "not"),           # a scalar quantity: not broadcast
])
def test_a_numeral_minus_a_vector_is_entrywise(latex, want):
    got = list(check_claim(latex, activation="sigmoid"))
    assert_verdicts([(latex, want)], got)


@pytest.mark.parametrize("latex, want", [
    (r"z^l_j = \sum_\mu w^l_{j\mu} a^{l-1}_\mu + b^l_j", "to-from"),
    (r"z^l_j = \sum_{\nu} w^l_{\nu j} a^{l-1}_{\nu} + b^l_j", "from-to"),
])
def test_a_greek_summation_index_is_an_index(latex, want):
    for convention in ("from-to", "to-from"):
        got = list(check_claim(latex, convention=convention))
        assert got[0]["status"] == (P if convention == want else R), (latex, convention, got)


def test_a_greek_letter_that_is_no_index_is_left_as_written():
    got = list(check_claim(r"w^l_{j\mu} = \mu"))
    assert got[0]["status"] in (I, S, Status.UNKNOWN), got


@pytest.mark.parametrize("cost", [r"E(\mathbf{w})", r"\mathcal{L}(\theta)", r"E(W, b)"])
def test_a_cost_defined_with_its_arguments(cost):
    definitions = [r"u^l = W^l h^{l-1} + b^l", r"h^l = \sigma(u^l)",
                   cost + r" = \frac{1}{2} \sum_k (h^L_k - t_k)^2"]
    name = cost.split("(")[0]
    claims = [(rf"\frac{{\partial {name}}}{{\partial h^L_k}} = h^L_k - t_k", P),
              (rf"\frac{{\partial {name}}}{{\partial h^L_k}} = t_k - h^L_k", R),
              (rf"\frac{{\partial {cost}}}{{\partial u^L_k}} = (h^L_k - t_k) \sigma'(u^L_k)", P)]
    got, _ = run(definitions, claims)
    assert_verdicts(claims, got)


@pytest.mark.parametrize("output", [r"\hat{y} = a^{[L]}", r"\hat{\mathbf{y}} = \sigma(z^{[L]})"])
def test_the_output_named_y_hat(output):
    definitions = [r"z^{[l]} = W^{[l]} a^{[l-1]} + b^{[l]}", r"a^{[l]} = \sigma(z^{[l]})",
                   output, r"\mathcal{L}(\hat y, y) = \frac{1}{2} \| \hat{y} - y \|^2"]
    claims = [(r"\frac{\partial \mathcal{L}}{\partial z^{[L]}} = (\hat y - y) \odot "
               r"\sigma'(z^{[L]})", P),
              (r"\frac{\partial \mathcal{L}}{\partial z^{[L]}} = (y - \hat y) \odot "
               r"\sigma'(z^{[L]})", R),
              (r"\frac{\partial \mathcal{L}}{\partial \hat{y}_j} = \hat{y}_j - y_j", P),
              (r"\frac{\partial \mathcal{L}}{\partial \hat{y}_j} = \hat{y}_j", R)]
    got, _ = run(definitions, claims)
    assert_verdicts(claims, got)


def test_a_recursion_is_no_forward_pass_and_bishops_letters_swap():
    assert learn(enumerate([r"\delta^l = W^{l+1} \delta^{l+1}"], 1)).bound == {}
    b = learn(enumerate([r"a_j = \sum_i w_{ji} x_i + b_j", r"z_j = \sigma(a_j)"], 1))
    assert {s: x.role for s, x in b.bound.items()} == {"a": "z", "z": "a"}
    assert b.apply(r"z_j a_j").text == "a_j z_j"


def test_a_symbol_defined_nowhere_is_named():
    got = list(check_claim(r"\frac{\partial E}{\partial a^L_j} = a^L_j - y_j"))
    assert got[0]["status"] == I, got
    assert "E is defined nowhere" in got[0]["reason"], got


@pytest.mark.parametrize("cost", [r"E = \frac{1}{2N}\sum_j (t_j - o_j)^2",       # not parsed
                                  r"E = \tfrac{1}{2 N}\sum_j (t_j - o_j)^2"])
def test_a_cost_with_1_over_2N_stays_the_average_where_its_definition_is_not_read(cost):
    """Review R2: a 1/(2N) cost whose own line does not parse (o_j without its layer) was
    bound E -> C and read as one example's cost: ∂E/∂o^L_j = o^L_j − t_j proved (it is 1/N
    of that)."""
    definitions = [r"net_j = \sum_i w_{ij} o_i + b_j", r"o_j = \sigma(net_j)", cost]
    claims = [(r"\frac{\partial E}{\partial o_j^L} = o_j^L - t_j", "not"),
              (r"\frac{\partial E}{\partial o_j^L} = \frac{1}{N}(o_j^L - t_j)", P)]
    got, _ = run(definitions, claims)
    assert_verdicts(claims, got)


def test_a_half_cost_not_read_stays_one_examples_cost():
    definitions = [r"net_j = \sum_i w_{ij} o_i + b_j", r"o_j = \sigma(net_j)",
                   r"E = \frac{1}{2}\sum_j (t_j - o_j)^2"]
    claims = [(r"\frac{\partial E}{\partial o_j^L} = o_j^L - t_j", P)]
    got, _ = run(definitions, claims)
    assert_verdicts(claims, got)


@pytest.mark.parametrize("second, claim", [
    (r"E = \sum_k (t_k - h^L_k)^2", r"\frac{\partial E}{\partial h^L_k} = 2(h^L_k - t_k)"),
    (r"\delta^l_j = \frac{\partial E}{\partial u^l_j}",
     r"\delta^L_j = (h^L_j - t_j) f'(u^L_j)")])
def test_a_letter_defined_twice_differently_is_never_refuted(second, claim):
    """Review R2: a letter defined twice differently (E with and without the ½; δ = −∂E/∂u
    then δ = ∂E/∂u) kept its first binding: a step true under the later one was refuted."""
    definitions = [r"u^l = W^l h^{l-1} + b^l", r"h^l = f(u^l)",
                   r"E = \frac12 \sum_k (t_k - h^L_k)^2",
                   r"\delta^l_j = -\frac{\partial E}{\partial u^l_j}", second]
    got, _ = run(definitions, [(claim, None)])
    assert_verdicts([(claim, None)], got)


@pytest.mark.parametrize("statement", [r"f(z) = N z", r"g(u) = N u", r"\sigma(x) = n x",
                                       r"f(t) = L t", r"h = N z", r"q = c z"])
def test_a_product_that_is_no_forward_pass_binds_nothing(statement):
    """A function's definition, or a product with the example count, the depth or a bare
    constant (no bias, no weight letter, no w_{jk}), is not a layer: nothing is bound, so a
    correct declaration elsewhere in the document is not rewritten and refuted."""
    doc = (r"$$ f(z) = \tanh(z) $$" "\n\n" r"$$ f'(z) = 1 - f(z)^2 $$" "\n\n"
           f"$$ {statement} $$\n\n" r"$$ \Delta^L_j = (a^L_j - y_j)(1 - (a^L_j)^2) $$" "\n")
    assert not learn([(1, statement)])
    out = check_text(doc)
    first = {c["line"]: c["status"] for c in out}
    assert first[1] == S and first[3] == P and first[7] != R, out


@pytest.mark.parametrize("forward", [r"u = W h + b", r"net_j = \sum_i w_{ij} o_i",
                                     r"z = \omega a + b", r"net^l_j = w^l_{jk} o^{l-1}_k"])
def test_a_forward_pass_still_binds(forward):
    assert learn([(1, forward)])
