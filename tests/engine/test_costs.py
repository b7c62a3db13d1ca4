"""Costs other than the half-squared error (issue 21): the registry, reduction, L2, the
verifier's proofs and the wrong rules it must refute, with witnesses checked by hand
where the cost is defined (0 < a < 1 for the cross-entropy)."""
from __future__ import annotations

import json
import random
from fractions import Fraction

import pytest
import sympy

from backprop_sym import Network, Shape, verify
from backprop_sym.engine import costs, rules
from backprop_sym.engine.errors import UsageError
from backprop_sym.engine.verify import Engine, plan
from click.testing import CliRunner


def cli(*args):
    from backprop_sym.cli import main
    return CliRunner().invoke(main, [str(a) for a in args])


# ---------------------------------------------------------------- wrong rules (by hand)

def half_squared_output(q, s, j):        # (a - y) f'(z): the squared-error Δ^L
    return (q.a(s, q.L, j) - q.y(s, j)) * q.fprime(s, q.L, j)


def a_minus_y(q, s, j):                  # Ng's dZ = A - Y: only with a sigmoid output
    return q.a(s, q.L, j) - q.y(s, j)


def ce_without_fprime_division(q, s, j):  # (a - y)/a · f'(z): one factor of the quotient lost
    a = q.a(s, q.L, j)
    return (a - q.y(s, j)) / a * q.fprime(s, q.L, j)


def ce_wrong_sign(q, s, j):              # (y - a)/(a(1-a)) f'(z)
    a = q.a(s, q.L, j)
    return (q.y(s, j) - a) / (a * (1 - a)) * q.fprime(s, q.L, j)


def weight_no_l2(q, l, i, j):            # the weight rule without the λ term
    return q.mean(lambda s: q.a(s, l - 1, i) * q.delta(s, l, j))


def weight_l2_without_mean(q, l, i, j):  # λ w under mean (the 1/N of λ/N lost)
    lam = q.l2 if q.N == 1 else q.l2 * q.N
    return q.mean(lambda s: q.a(s, l - 1, i) * q.delta(s, l, j)) + lam * q.W(l, i, j)


def bias_regularised(q, l, j):           # biases are not regularised
    return q.mean(lambda s: q.delta(s, l, j)) + q.l2 * q._e.symbol(q._e.ex.b[l, j])


def weight_mean_always(q, l, i, j):      # 1/N even under --reduction sum
    F = q._e.forms
    return F.const(1, q.N) * sum((q.a(s, l - 1, i) * q.delta(s, l, j) for s in q.examples()),
                                 F.zero)


# ---------------------------------------------------------------- the registry

def test_registry_names_and_default():
    assert costs.DEFAULT == "half-squared"
    assert {"half-squared", "squared", "cross-entropy"} <= set(costs.names())
    shape = Shape.make("2,2")
    assert (shape.cost, shape.reduction, shape.l2) == ("half-squared", "mean", False)
    # the default network states nothing new in words
    assert "cost" not in shape.describe()


@pytest.mark.parametrize("kw,word", [({"cost": "cross-entropi"}, "cross-entropy"),
                                     ({"cost": "mse"}, "half-squared, squared"),
                                     ({"reduction": "average"}, "mean, sum")])
def test_unknown_names_are_usage_errors_listing_the_valid_ones(kw, word):
    with pytest.raises(UsageError, match=word):
        Shape.make("2,2", **kw)
    with pytest.raises(UsageError, match=word):
        verify(Shape.make("2,2"), **kw)
    with pytest.raises(UsageError, match=word):
        Network("2,2", **kw)


def test_l2_must_be_a_bool():
    with pytest.raises(UsageError, match="l2"):
        Shape.make("2,2", l2="yes")


def test_statements():
    tex, text = rules.statement("output_delta", "from-to", "cross-entropy")
    assert "1 - a^L_j" in text and "\\frac" in tex
    _, text = rules.statement("weight_grad", "to-from", "squared", "sum", True)
    assert "(1/N)" not in text and text.endswith("+ λ w^l_{jk}")
    _, text = rules.statement("weight_grad", "from-to", l2=True)
    assert text.endswith("+ (λ/N) w^l_{ij}")
    assert rules.statement("bias_grad", "from-to", "squared", "mean", True)[1] == \
        rules.get("bias_grad", "from-to").text


# ---------------------------------------------------------------- the explicit cost, by hand

def _hand_network(widths, f, x, y, w, b):
    """a^L of one example, by hand: w[(l, k, j)] from neuron k to neuron j."""
    a = list(x)
    for l in range(1, len(widths)):
        a = [f(sum(a[k - 1] * w[l, k, j] for k in range(1, widths[l - 1] + 1)) + b[l, j])
             for j in range(1, widths[l] + 1)]
    return a


@pytest.mark.parametrize("cost", ["half-squared", "squared", "cross-entropy"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("l2", [False, True])
def test_explicit_cost_matches_a_hand_built_one(cost, reduction, l2):
    widths, N = (2, 2, 2), 2
    net = Network(widths, activation="sigmoid", samples=N, cost=cost, reduction=reduction,
                  l2=l2)
    rng = random.Random(3)
    val = lambda: sympy.Rational(rng.randint(-5, 5), rng.randint(1, 4))
    w = {(l, k, j): val() for l in (1, 2) for k in (1, 2) for j in (1, 2)}
    b = {(l, j): val() for l in (1, 2) for j in (1, 2)}
    x = {(s, k): val() for s in (1, 2) for k in (1, 2)}
    y = {(s, j): sympy.Rational(rng.randint(0, 4), 4) for s in (1, 2) for j in (1, 2)}
    lam = sympy.Rational(3, 7)
    sig = lambda t: 1 / (1 + sympy.exp(-t))
    total = 0
    for s in (1, 2):
        a = _hand_network(widths, sig, [x[s, 1], x[s, 2]], None, w, b)
        t = [y[s, 1], y[s, 2]]
        if cost == "half-squared":
            c = sum((p - q) ** 2 for p, q in zip(a, t)) / 2
        elif cost == "squared":
            c = sum((p - q) ** 2 for p, q in zip(a, t))
        else:
            c = -sum(q * sympy.log(p) + (1 - q) * sympy.log(1 - p) for p, q in zip(a, t))
        total += c
    scale = sympy.Rational(1, N) if reduction == "mean" else 1
    expected = scale * total + (scale * lam / 2 * sum(v ** 2 for v in w.values()) if l2 else 0)
    subs = {net.weight(l, k, j): v for (l, k, j), v in w.items()}
    subs.update({net.bias(l, j): v for (l, j), v in b.items()})
    subs.update({net.input(s, k): v for (s, k), v in x.items()})
    subs.update({net.target(s, j): v for (s, j), v in y.items()})
    subs[sympy.Symbol("λ")] = lam
    got = net.cost.xreplace(subs)
    assert abs(sympy.N(got - expected, 40)) < sympy.Float(10) ** -30


# ---------------------------------------------------------------- proofs

PROVED = [("half-squared", "f"), ("squared", "f"), ("squared", "tanh"),
          ("cross-entropy", "f"), ("cross-entropy", "sigmoid"), ("cross-entropy", "tanh"),
          ("cross-entropy", "tanh,sigmoid"), ("cross-entropy", "linear,f")]


@pytest.mark.parametrize("cost,act", PROVED)
@pytest.mark.parametrize("convention", ["from-to", "to-from"])
def test_every_cost_is_proved(cost, act, convention):
    r = verify(Shape.make("2,2,2", act, samples=2, convention=convention), cost=cost)
    assert r.status == "proved", r.summary()


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("cost", ["half-squared", "cross-entropy"])
def test_reduction_and_l2_are_proved(reduction, cost):
    r = verify(Shape.make("2,2,2", "sigmoid", samples=2), cost=cost, reduction=reduction,
               l2=True)
    assert r.status == "proved", r.summary()


def test_cross_entropy_with_sigmoid_proves_a_minus_y():
    """Nielsen (66) / Ng's dZ^[L] = A - Y: the simplified rule with a sigmoid output."""
    r = verify(Shape.make("2,3,2", "sigmoid", samples=2), cost="cross-entropy",
               rules_override={"output_delta": a_minus_y})
    assert r.status == "proved", r.summary()
    simple = costs.get("cross-entropy").simplified[0]
    assert simple.activation == "sigmoid"
    r = verify(Shape.make("2,2", "sigmoid"), cost="cross-entropy",
               rules_override={"output_delta": simple.closed_form})
    assert r.status == "proved"


def test_default_is_todays_behaviour():
    """No cost options: the registered rules are the half-squared, averaged ones."""
    shape = Shape.make("2,2", samples=2)
    assert verify(shape).status == "proved"
    assert verify(shape, cost="squared").status == "proved"
    # today's rule is wrong for the squared error (the 2 is missing) ...
    r = verify(shape, cost="squared", rules_override={"output_delta": half_squared_output})
    assert r.counts["refuted"] == 4
    # ... and right for the default
    assert verify(shape, rules_override={"output_delta": half_squared_output}).status == "proved"


# ---------------------------------------------------------------- wrong rules

WRONG = [
    ("output_delta", half_squared_output, "cross-entropy", "f", "mean", False),
    ("output_delta", half_squared_output, "cross-entropy", "sigmoid", "mean", False),
    ("output_delta", half_squared_output, "cross-entropy", "tanh", "sum", False),
    ("output_delta", a_minus_y, "cross-entropy", "f", "mean", False),
    ("output_delta", a_minus_y, "cross-entropy", "tanh", "mean", False),
    ("output_delta", a_minus_y, "half-squared", "sigmoid", "mean", False),
    ("output_delta", ce_without_fprime_division, "cross-entropy", "sigmoid", "mean", False),
    ("output_delta", ce_without_fprime_division, "cross-entropy", "f", "mean", False),
    ("output_delta", ce_wrong_sign, "cross-entropy", "f", "mean", False),
    ("output_delta", half_squared_output, "squared", "f", "mean", False),
    ("weight_grad", weight_no_l2, "half-squared", "f", "mean", True),
    ("weight_grad", weight_no_l2, "cross-entropy", "sigmoid", "sum", True),
    ("weight_grad", weight_l2_without_mean, "half-squared", "f", "mean", True),
    ("bias_grad", bias_regularised, "squared", "f", "mean", True),
    ("weight_grad", weight_mean_always, "half-squared", "f", "sum", False),
]


@pytest.mark.parametrize("kind,wrong,cost,act,reduction,l2", WRONG,
                         ids=[f"{w.__name__}-{c}-{a}-{r}" for _, w, c, a, r, _ in WRONG])
def test_wrong_rules_are_refuted(kind, wrong, cost, act, reduction, l2):
    r = verify(Shape.make("2,2", act, samples=2), cost=cost, reduction=reduction, l2=l2,
               rules_override={kind: wrong})
    assert r.counts["proved"] + r.counts["refuted"] == len(r.checks), r.summary()
    bad = [c for c in r.checks if c.rule == kind]
    assert bad and all(c.status == "refuted" and c.witness for c in bad), r.summary()


# ---------------------------------------------------------------- witnesses, by hand

@pytest.mark.parametrize("wrong", [half_squared_output, a_minus_y, ce_wrong_sign])
def test_cross_entropy_witness_is_inside_the_domain_and_checks_by_hand(wrong):
    """One layer, generic f: the witness's concrete quadratic f puts every output in
    (0, 1), and both sides recomputed by hand from its values are the ones reported."""
    shape = Shape.make("2,2", "f", cost="cross-entropy")
    r = verify(shape, rules_override={"output_delta": wrong})
    for c in (c for c in r.checks if c.rule == "output_delta"):
        assert c.status == "refuted"
        wit = c.witness
        v = {k: Fraction(x) for k, x in wit.values.items()}
        c0, c1, c2 = (Fraction(t) for t in wit.f["coefficients"])
        f = lambda t: c0 + c1 * t + c2 * t * t
        fp = lambda t: c1 + 2 * c2 * t
        for j in (1, 2):
            z = v["x_1"] * v[f"w^1_1{j}"] + v["x_2"] * v[f"w^1_2{j}"] + v[f"b^1_{j}"]
            assert 0 < f(z) < 1, (wit, j)
        j = c.index[0]
        z = v["x_1"] * v[f"w^1_1{j}"] + v["x_2"] * v[f"w^1_2{j}"] + v[f"b^1_{j}"]
        a, y = f(z), v[f"y_{j}"]
        direct = (a - y) / (a * (1 - a)) * fp(z)       # -∂/∂z [y ln a + (1-y) ln(1-a)]
        assert Fraction(wit.left) == direct
        assert Fraction(wit.right) != direct


def test_l2_witness_names_lambda():
    r = verify(Shape.make("2,2"), l2=True, rules_override={"weight_grad": weight_no_l2})
    wit = next(c.witness for c in r.checks if c.rule == "weight_grad")
    assert "λ" in wit.values and wit.values["λ"] != "0"


def test_cross_entropy_is_not_compared_in_the_ring():
    """A quotient cost is compared as a rational function (never in the polynomial ring,
    which has no division)."""
    eng = Engine(Shape.make("2,2", "f", cost="cross-entropy"), "sympy")
    assert all(not forms.poly for forms, _ in eng._each_form())
    inst = plan(eng.shape)[0]
    assert eng.check(inst).status == "proved"


# ---------------------------------------------------------------- the command line and JSON

def test_cli_cost_options_and_json():
    res = cli("verify", "--widths", "2,2", "--activation", "sigmoid", "--cost",
              "cross-entropy", "--reduction", "sum", "--l2", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["network"]["cost"] == "cross-entropy"
    assert doc["network"]["reduction"] == "sum" and doc["network"]["l2"] is True
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry, Resource

    from backprop_sym.schemas import schema, schemas
    registry = Registry().with_resources(
        (sid, Resource.from_contents(s)) for sid, s in schemas().items())
    jsonschema.Draft202012Validator(schema("verify"), registry=registry).validate(doc)
    doc["network"]["reduction"] = "average"          # the schema does constrain it
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema("verify"), registry=registry).validate(doc)


def test_cli_unknown_cost_is_exit_2_listing_the_costs():
    res = cli("verify", "--widths", "2,2", "--cost", "mse")
    assert res.exit_code == 2
    assert "cross-entropy" in res.output and "Traceback" not in res.output


def test_cli_help_lists_the_costs():
    out = cli("verify", "--help").output
    for name in costs.names():
        assert name in out
    assert "--reduction" in out and "--l2" in out


def test_cli_squared_sum_is_proved():
    res = cli("verify", "--widths", "2,2", "-N", "2", "--cost", "squared", "--reduction",
              "sum", "--json")
    assert res.exit_code == 0, res.output
