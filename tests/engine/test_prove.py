"""`prove`: the four rules for every depth and width, as a chain of checked steps.

Must-prove: the registered rules for generic and linear f in both conventions, and
rules of your own that are right for the activation at hand. Must-refute: wrong rules
fail at the step where they break, with a witness that `verify` confirms on the explicit
network. The cross-validation of the steps against the explicit network must agree at
five shapes and must be able to fail.
"""
import json
import re

import pytest
import sympy as sp
from click.testing import CliRunner

from backprop_sym import prove as prove_api
from backprop_sym.cli import main
from backprop_sym.engine import prove as P
from backprop_sym.engine.network import Shape
from backprop_sym.engine.verify import verify
from support import (dropped_mean, f_for_fprime, hidden_no_fprime, missing_transpose,
                     no_fprime, sign_error, weight_grad_swapped)


def only(proof, kind):
    return next(s for s in proof.steps if s.title == kind)


# ---------------------------------------------------------------- must prove

@pytest.mark.parametrize("convention", ["from-to", "to-from"])
@pytest.mark.parametrize("activation", ["f", "linear"])
@pytest.mark.slow
def test_registered_rules_are_proved_for_every_shape(activation, convention):
    proof = P.prove(activation, convention)
    assert proof.status == "proved"
    assert {s.id for s in proof.steps} >= set("abcdefg") | {"BP1", "BP2", "BP3", "BP4"}
    for s in proof.steps:
        assert s.status in ("proved", "cited"), s
    cited = [s.id for s in proof.steps if s.established == P.LEMMA]
    assert cited == ["f", "g"]                    # the chain rule and the induction are cited
    assert len(proof.cross_checks) >= 5
    assert any(len(set(c["widths"])) > 1 for c in proof.cross_checks)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus"])
def test_concrete_activations_are_proved(activation):
    assert P.prove(activation, "from-to", cross_shapes=None).status == "proved"


def sigmoid_prime_from_a(q, s, j):      # σ' = σ(1 - σ): right for the sigmoid
    a = q.a(s, q.L, j)
    return (a - q.y(s, j)) * a * (1 - a)


def mean_by_examples(q, l, i, j):       # (1/N) Σ_x written out
    return sum(q.a(s, l - 1, i) * q.delta(s, l, j) for s in q.examples()) / q.N


@pytest.mark.parametrize("kind,rule,activation", [
    ("output_delta", no_fprime, "linear"),
    ("hidden_delta", hidden_no_fprime, "linear"),
    ("output_delta", sigmoid_prime_from_a, "sigmoid"),
    ("weight_grad", mean_by_examples, "f"),
])
@pytest.mark.slow
def test_own_rules_that_hold_are_proved(kind, rule, activation):
    proof = P.prove(activation, "from-to", {kind: rule}, cross_shapes=None)
    assert only(proof, kind).status == "proved"
    assert proof.status == "proved"


# ---------------------------------------------------------------- must refute

def missing_transpose_to_from(q, s, l, j):   # to-from needs w^{l+1}_{kj}
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) * q.fprime(s, l, j)


def wrong_layer_delta(q, s, l, j):       # Δ^l in place of Δ^{l+1}
    return sum(q.W(l + 1, j, k) * q.delta(s, l, j) for k in q.neurons(l + 1)) * q.fprime(s, l, j)


def wrong_layer_weight(q, s, l, j):      # w^l in place of w^{l+1}
    return sum(q.W(l, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) * q.fprime(s, l, j)


def wrong_layer_fprime(q, s, l, j):      # f'(z^{l+1}) in place of f'(z^l)
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) * q.fprime(s, l + 1, j)


def wrong_layer_activation(q, l, i, j):  # a^l in place of a^{l-1}
    return q.mean(lambda s: q.a(s, l, i) * q.delta(s, l, j))


def dropped_mean_bias(q, l, j):
    return q.N * q.mean(lambda s: q.delta(s, l, j))


def squared(q, s, l, j):
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) ** 2 * q.fprime(s, l, j)


WRONG = [
    ("hidden_delta", missing_transpose, "f", "from-to", "c"),
    ("hidden_delta", missing_transpose, "tanh", "from-to", "c"),
    ("hidden_delta", missing_transpose_to_from, "f", "to-from", "c"),
    ("output_delta", no_fprime, "f", "from-to", "b"),
    ("output_delta", no_fprime, "sigmoid", "to-from", "b"),
    ("hidden_delta", hidden_no_fprime, "f", "from-to", "b"),
    ("hidden_delta", f_for_fprime, "linear", "from-to", "b"),
    ("hidden_delta", wrong_layer_delta, "f", "from-to", "e"),
    ("hidden_delta", wrong_layer_weight, "f", "from-to", "c"),
    ("hidden_delta", wrong_layer_fprime, "f", "from-to", "b"),
    ("weight_grad", wrong_layer_activation, "f", "from-to", "d"),
    ("weight_grad", weight_grad_swapped, "f", "from-to", "d"),
    ("weight_grad", dropped_mean, "f", "from-to", "g"),
    ("weight_grad", dropped_mean, "linear", "from-to", "g"),
    ("bias_grad", dropped_mean_bias, "f", "to-from", "g"),
    ("output_delta", sign_error, "f", "from-to", "a"),
    ("hidden_delta", squared, "f", "from-to", "f"),
]


@pytest.mark.parametrize("kind,rule,activation,convention,step", WRONG,
                         ids=[f"{r.__name__}-{a}-{c}" for _, r, a, c, _ in WRONG])
@pytest.mark.slow
def test_wrong_rule_fails_at_its_step(kind, rule, activation, convention, step):
    proof = P.prove(activation, convention, {kind: rule}, cross_shapes=None)
    s = only(proof, kind)
    assert proof.status == "refuted" and s.status == "refuted"
    assert s.witness["step"] == step, s.reason
    assert f"step ({step})" in s.reason
    # the witness is one the explicit network confirms: verify with the rule refutes there
    w = s.witness["explicit"]
    assert w["check"]["status"] == "refuted"
    res = verify(Shape.make(w["widths"], activation, w["samples"], convention), backend="sympy",
                 rules_override={kind: rule})
    assert res.status == "refuted"
    # every other rule is untouched
    assert all(o.status == "proved" for o in proof.steps if o.title in P.KIND_STEP and o is not s)


def test_missing_transpose_witness_is_non_square():
    s = only(P.prove("f", "from-to", {"hidden_delta": missing_transpose}, cross_shapes=None),
             "hidden_delta")
    w = s.witness["explicit"]
    layer = w["check"]["layer"]
    assert w["widths"][layer] != w["widths"][layer + 1]
    assert s.witness["rule_gives"] != s.witness["step_gives"]


# ---------------------------------------------------------------- never a false proof

def last_term_only(q, s, l, j):          # reads like a sum when traced; is not one
    terms = [q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)]
    return terms[-1] * q.fprime(s, l, j)


def sum_plus_outside(q, s, l, j):        # the scope of the sum cannot be read back
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) + q.fprime(s, l, j)


def first_neuron_only(q, s, l, j):       # stops iterating the layer
    k = next(iter(q.neurons(l + 1)))
    return q.W(l + 1, j, k) * q.delta(s, l + 1, k) * q.fprime(s, l, j)


def numeric_range(q, l, i, j):           # range(q.N) needs a number
    return sum(q.a(s, l - 1, i) * q.delta(s, l, j) for s in range(1, q.N + 1)) / q.N


def with_float(q, s, j):
    return (q.a(s, q.L, j) - q.y(s, j)) * q.fprime(s, q.L, j) * 1.0


@pytest.mark.parametrize("kind,rule", [
    ("hidden_delta", last_term_only), ("hidden_delta", sum_plus_outside),
    ("hidden_delta", first_neuron_only), ("weight_grad", numeric_range),
    ("output_delta", with_float)])
def test_rules_the_trace_cannot_read_are_never_proved(kind, rule):
    proof = P.prove("f", "from-to", {kind: rule}, cross_shapes=None)
    s = only(proof, kind)
    assert s.status != "proved" and proof.status != "proved"
    if s.status == "refuted":                   # then the explicit network says so
        assert s.witness["explicit"]["check"]["status"] == "refuted"
    else:
        assert s.reason


def test_undecided_condition_is_not_assumed():
    j, n = sp.Symbol("j", integer=True), sp.Symbol("n", integer=True, positive=True)
    i = sp.Symbol("i", integer=True)
    expr = sp.Sum(sp.KroneckerDelta(i, j) * sp.Symbol("c"), (i, 1, n))
    with pytest.raises(P.Undecided):
        P.resolve(expr, [sp.Ge(j, 1)], set())            # j ≤ n is not listed
    used = set()
    assert P.resolve(expr, [sp.Ge(j, 1), sp.Le(j, n)], used) == sp.Symbol("c")
    assert used == {sp.Ge(j, 1), sp.Le(j, n)}


def test_dependency_graph_is_read_from_the_definitions():
    class SkipConnection(P.Definitions):     # z^l also reads a^{l-2}: (e) no longer holds
        def z(self, s, layer, to):
            return super().z(s, layer, to) + P.A[s, layer - 2, to]
    assert P.dependency_step(P.Definitions("f", "from-to")).status == "proved"
    assert P.dependency_step(SkipConnection("f", "from-to")).status != "proved"


def test_local_step_with_a_wrong_definition_is_not_proved():
    class Transposed(P.Definitions):         # z built with the other convention's weight
        def z(self, s, layer, to):
            p = sp.Dummy("p", integer=True)
            return sp.Sum(P.A[s, layer - 1, p] * P.W[layer, to, p], (p, 1, P.n(layer - 1))) + P.B[layer, to]
    steps = P.local_steps(Transposed("f", "from-to"))
    assert steps["c"].status != "proved" and steps["d"].status != "proved"
    assert steps["a"].status == steps["b"].status == "proved"


# ---------------------------------------------------------------- cross-validation

SHAPES = [(2, 3, 2), (3, 2), (2, 2, 3, 2), (3, 2, 2, 3), (2, 3, 3, 1)]


@pytest.mark.parametrize("activation,convention", [("f", "from-to"), ("linear", "to-from"),
                                                   ("sigmoid", "from-to")])
@pytest.mark.slow
def test_cross_validation_agrees_at_five_shapes(activation, convention):
    checks = P.cross_validate(activation, convention, SHAPES)
    assert [c["status"] for c in checks] == ["agree"] * 5


@pytest.mark.parametrize("step,wrong", [
    ("c", P.W[P.l + 1, P.k, P.j]),                                   # a transposed (c)
    ("d", P.A[P.x, P.l - 1, P.i]),                                   # (d) without δ_jm
    ("b", P.FP[P.x, P.l, P.j]),                                      # (b) without δ_ij
    ("BP1", (P.Y[P.x, P.j] - P.A[P.x, P.L, P.j]) * P.FP[P.x, P.L, P.j]),
])
@pytest.mark.slow
def test_cross_validation_can_fail(step, wrong, monkeypatch):
    checks = P.cross_validate("f", "from-to", SHAPES[:3], results={step: wrong})
    assert any(c["status"] == "disagree" for c in checks)
    assert any(d[0] in (step, "a") for c in checks for d in c["disagreements"])
    # and a disagreement leaves the theorem unproved
    real = P.cross_validate
    monkeypatch.setattr(P, "cross_validate", lambda a, c, shapes: real(a, c, shapes, {step: wrong}))
    assert P.prove("f", "from-to", cross_shapes=SHAPES[:3]).status == "unknown"


# ---------------------------------------------------------------- command line

RULES_FILE = '''
def hidden(q, s, l, j):
    return sum(q.W(l + 1, k, j) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) * q.fprime(s, l, j)
'''


@pytest.mark.parametrize("args", [["--activation", "f"], ["--activation", "linear"],
                                  ["--activation", "f", "--convention", "to-from"],
                                  ["--activation", "linear", "--convention", "to-from"]])
@pytest.mark.slow
def test_cli_proves(args):
    res = CliRunner().invoke(main, ["prove", *args])
    assert res.exit_code == 0, res.output
    assert "for every L ≥ 1 and all widths n_0, …, n_L" in res.output
    assert re.search(r"\(f\) +the multivariable chain rule +cited +cited$", res.output, re.M)


def test_cli_json():
    res = CliRunner().invoke(main, ["prove", "--json"])
    doc = json.loads(res.output)
    assert res.exit_code == 0 and doc["status"] == "proved"
    assert {s["established"] for s in doc["steps"]} == {P.CHECKED, P.INSPECTED, P.LEMMA}
    assert all({"statement", "assumptions", "trusted_base", "status"} <= set(s) for s in doc["steps"])


def test_cli_rule_refuted(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(RULES_FILE)
    res = CliRunner().invoke(main, ["prove", "--rule", f"hidden_delta={path}:hidden"])
    assert res.exit_code == 1, res.output
    assert "fails at step (c)" in res.output and "witness: widths" in res.output


@pytest.mark.parametrize("args,words", [
    (["--rule", "hidden_delta"], "KIND=MODULE:FUNCTION"),
    (["--rule", "nope=x.py:f"], "KIND one of"),
    (["--rule", "hidden_delta=/no/such.py:f"], "no file"),
    (["--rule", "hidden_delta=json:nothing"], "no function"),
    (["--activation", "relu6"], "unknown activation"),
])
def test_cli_usage_errors(args, words):
    res = CliRunner().invoke(main, ["prove", *args])
    assert res.exit_code == 2
    assert words in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_public_api():
    assert prove_api is P.prove


def first_two_neurons(q, s, l, j):       # right only while n_{l+1} <= 2
    terms = [q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)]
    return sum(terms[:2]) * q.fprime(s, l, j)


def first_two_examples(q, l, j):         # right only while N <= 2
    terms = [q.delta(s, l, j) for s in q.examples()]
    return sum(terms[:2]) / q.N


@pytest.mark.parametrize("kind,rule", [("hidden_delta", first_two_neurons),
                                       ("bias_grad", first_two_examples)])
@pytest.mark.slow
def test_rules_right_only_at_small_widths_are_refuted(kind, rule):
    s = only(P.prove("f", "from-to", {kind: rule}, cross_shapes=None), kind)
    assert s.status == "refuted"
    assert s.witness["explicit"]["check"]["status"] == "refuted"


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="convention"):
        P.prove("f", "left-right")
    with pytest.raises(ValueError, match="activation"):
        P.prove("relu6")
    with pytest.raises(ValueError, match="unknown rule"):
        P.prove("f", "from-to", {"output": no_fprime})


def test_json_witness_names_the_instance(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(RULES_FILE)
    res = CliRunner().invoke(main, ["prove", "--json", "--rule", f"hidden_delta={path}:hidden"])
    doc = json.loads(res.output)
    s = next(s for s in doc["steps"] if s["title"] == "hidden_delta")
    assert doc["status"] == s["status"] == "refuted" and s["witness"]["step"] == "c"
    at = s["witness"]["at_instance"]
    assert at["rule_gives"] != at["step_gives"] and "l" not in at["step_gives"]
