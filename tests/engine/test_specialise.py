"""Linear layers proved as the generic f specialised to f = id (engine/specialise.py).

The verdicts must be those of checking the linear network itself (the old path, taken
here by making `generic_shape` find nothing): every registered rule proved; rules that
are false for a linear f refuted with a witness; rules that are wrong for a generic f but
true for f = id (no f', f'(z) = 1) proved; a rule of the user's own never taken from a
generic proof, even one that is proved for the generic f and false for f = id.
"""
import pytest

from backprop_sym import verify
from backprop_sym.engine import specialise
from backprop_sym.engine import verify as verify_module
from backprop_sym.engine.network import Shape
from backprop_sym.engine.witness import Witness


@pytest.fixture(autouse=True)
def fresh():
    specialise.forget()
    yield
    specialise.forget()


def old_path(monkeypatch, shape, **kw):
    """verify on the linear network itself, as before the specialisation."""
    with monkeypatch.context() as m:
        m.setattr(specialise, "generic_shape", lambda s: None)
        specialise.forget()
        result = verify(shape, backend="sympy", **kw)
    specialise.forget()
    return result


def verdicts(result):
    return [(c.rule, c.layer, tuple(c.index), c.sample, c.status) for c in result.checks]


# ---------------------------------------------------------------- wrong rules (own copies)

def no_fprime(q, s, j):                  # Δ^L without f'(z^L): true for f = id
    return q.a(s, q.L, j) - q.y(s, j)


def hidden_no_fprime(q, s, l, j):        # Δ^l without f'(z^l): true for f = id
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))


def missing_w(q, s, l, j):               # Δ^l without the weight
    return sum(q.delta(s, l + 1, k) for k in q.neurons(l + 1)) * q.fprime(s, l, j)


def missing_transpose(q, s, l, j):       # w^{l+1}_{kj} where from-to needs w^{l+1}_{jk}
    return sum(q.W(l + 1, k, j) * q.delta(s, l + 1, k)
               for k in q.neurons(l + 1)) * q.fprime(s, l, j)


def sign_error(q, s, j):
    return (q.y(s, j) - q.a(s, q.L, j)) * q.fprime(s, q.L, j)


def f_for_fprime(q, s, l, j):            # f(z) for f'(z): for f = id, z for 1
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) * q.a(s, l, j)


def dropped_mean(q, l, i, j):
    return sum(q.a(s, l - 1, i) * q.delta(s, l, j) for s in q.examples())


def weight_grad_swapped(q, l, i, j):    # from-to: a^{l-1}_j Δ^l_i (to-from: correct)
    return q.mean(lambda s: q.a(s, l - 1, j) * q.delta(s, l, i))


def wrong_layer_activation(q, l, i, j):  # a^l for a^{l-1}
    return q.mean(lambda s: q.a(s, l, i) * q.delta(s, l, j))


def adaptive_output(q, s, j):
    """Correct wherever f' is not the number 1, wrong (no -y) where it is: proved for the
    generic f, false for f = id. Only checking the linear network decides it."""
    fp = q.fprime(s, q.L, j)
    if str(fp) == "1":
        return q.a(s, q.L, j) * fp
    return (q.a(s, q.L, j) - q.y(s, j)) * fp


# ---------------------------------------------------------------- registered rules

@pytest.mark.parametrize("widths,samples,convention,acts", [
    ((2, 3, 2), 1, "from-to", "linear"),
    ((3, 2, 4, 2), 2, "from-to", "linear"),
    ((2, 3, 3, 1), 1, "to-from", "linear"),
    ((2, 3, 2, 2), 2, "to-from", "linear"),
    ((2, 3, 2), 1, "from-to", "f,linear"),
    ((2, 3, 2, 3), 1, "to-from", "linear,f,linear"),
])
def test_registered_rules_proved_as_before(monkeypatch, widths, samples, convention, acts):
    shape = Shape.make(widths, acts, samples, convention)
    before = old_path(monkeypatch, shape)
    after = verify(shape, backend="sympy")
    assert after.status == "proved" and verdicts(after) == verdicts(before)
    assert after.specialised == len(after.checks) and before.specialised == 0
    base = specialise.generic_shape(shape)
    assert base is not None and len(specialise.proved(base, "sympy")) == len(after.checks)


def test_a_linear_run_after_a_generic_one_checks_nothing_again(monkeypatch):
    """Theorem 2 of a report after Theorem 1: the linear network is not even built."""
    shape = Shape.make((2, 3, 3, 2), "linear", 1, "from-to")
    verify(Shape.make((2, 3, 3, 2), "f", 1, "from-to"), backend="sympy")

    def no_engine(*a, **k):
        raise AssertionError("the linear network was checked again")
    monkeypatch.setattr(verify_module, "Engine", no_engine)
    result = verify(shape, backend="sympy")
    assert result.status == "proved" and len(result.checks) == 2 + 3 + 3 + (6 + 9 + 6) + 8


def test_other_activations_are_never_specialised():
    for acts in ("f", "tanh", "sigmoid,linear", "linear,softplus", "f,tanh"):
        assert specialise.generic_shape(Shape.make((2, 2, 2), acts)) is None


# ---------------------------------------------------------------- rules of one's own

CASES = [
    # (widths, convention, activations, override, expected)
    ((2, 3, 2), "from-to", "linear", {"hidden_delta": hidden_no_fprime}, "proved"),
    ((2, 3, 3, 2), "from-to", "linear", {"output_delta": no_fprime}, "proved"),
    ((2, 3, 2), "from-to", "linear", {"hidden_delta": missing_w}, "refuted"),
    ((2, 3, 4, 2), "from-to", "linear", {"hidden_delta": missing_transpose}, "refuted"),
    ((2, 3, 2), "from-to", "linear", {"output_delta": sign_error}, "refuted"),
    ((2, 3, 2), "from-to", "linear", {"hidden_delta": f_for_fprime}, "refuted"),
    ((2, 3, 2), "from-to", "linear", {"weight_grad": weight_grad_swapped}, "refuted"),
    ((2, 3, 2), "to-from", "linear", {"weight_grad": weight_grad_swapped}, "proved"),
    ((2, 3, 2), "from-to", "linear", {"weight_grad": wrong_layer_activation}, "refuted"),
    ((2, 3, 2), "from-to", "linear", {"output_delta": adaptive_output}, "refuted"),
    # layer 1 linear: Δ^1 needs no f'; layer 1 generic: it does
    ((2, 3, 2), "from-to", "linear,f", {"hidden_delta": hidden_no_fprime}, "proved"),
    ((2, 3, 2), "from-to", "f,linear", {"hidden_delta": hidden_no_fprime}, "refuted"),
]


@pytest.mark.parametrize("widths,convention,acts,override,expected", CASES)
def test_rules_of_ones_own_decided_on_the_linear_network(monkeypatch, widths, convention, acts,
                                                         override, expected):
    samples = 2 if "weight_grad" in override else 1
    shape = Shape.make(widths, acts, samples, convention)
    before = old_path(monkeypatch, shape, rules_override=override)
    # the generic proofs of this shape are there (as after a report's Theorem 1)
    verify(specialise.generic_shape(shape), backend="sympy", rules_override=override)
    after = verify(shape, backend="sympy", rules_override=override)
    assert verdicts(after) == verdicts(before)
    assert after.status == expected
    if expected == "refuted":
        bad = [c for c in after.checks if c.status == "refuted"]
        assert bad and all(isinstance(c.witness, (Witness, dict)) for c in bad)
        assert any(isinstance(c.witness, Witness) for c in bad)


def test_dropped_mean_refuted_for_linear_with_two_examples(monkeypatch):
    shape = Shape.make((2, 3, 2), "linear", 2, "from-to")
    after = verify(shape, backend="sympy", rules_override={"weight_grad": dropped_mean})
    assert after.status == "refuted"
    assert verdicts(after) == verdicts(old_path(monkeypatch, shape,
                                                rules_override={"weight_grad": dropped_mean}))


def test_an_activation_only_flagged_identity_is_not_specialised():
    """identity=True on a registration whose f is not u (or f' not 1) is not trusted."""
    from dataclasses import replace as dc_replace

    from backprop_sym.engine import activations
    lin = activations.get("linear")
    doubled = dc_replace(lin, name="doubled", value=lambda B, u: 2 * u,
                         derivative=lambda B, u: B.Integer(2))
    slope = dc_replace(lin, name="slope", derivative=lambda B, u: B.Integer(2))
    for act in (doubled, slope):
        with activations.registered(act):
            assert specialise.generic_shape(Shape.make((2, 2, 2), act.name)) is None


def test_proofs_are_not_reused_once_a_registered_rule_changes(monkeypatch):
    from backprop_sym.engine import rules
    shape = Shape.make((2, 3, 2), "linear")
    verify(Shape.make((2, 3, 2), "f"), backend="sympy")
    assert specialise.proved(specialise.generic_shape(shape), "sympy")
    key = ("output_delta", "from-to")
    monkeypatch.setitem(rules.RULES, key, rules.Rule(*[
        getattr(rules.RULES[key], f) for f in ("kind", "convention", "statement", "text")],
        lambda q, s, j: q.a(s, q.L, j) * q.fprime(s, q.L, j)))        # no - y
    assert not specialise.proved(specialise.generic_shape(shape), "sympy")
    assert verify(shape, backend="sympy").status == "refuted"
