"""rules_override is checked, and no symbol a user writes can stand for an internal atom.

A misspelt key, None, 0, "" or any non-callable must raise (it used to fall back to the
registered rule and prove it); a callable that is falsy must still be used. A user's
Symbol named like an internal atom (F[s,l,j], D[...], P, T, S, Q, opaque R/Z/D) or probe
(eps^l_j[s]) is a free symbol of the closed form: its check must never be proved.
"""
import pytest
import sympy

from backprop_sym import Network, verify
from backprop_sym.engine import rules
from backprop_sym.engine.backends import get_backend
from backprop_sym.engine.rules import KINDS


def missing_fprime(q, s, l, j):
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))


def correct_output(q, s, j):
    return (q.a(s, q.L, j) - q.y(s, j)) * q.fprime(s, q.L, j)


# ---------------------------------------------------------------- the mapping itself

@pytest.mark.parametrize("override", [
    {"hidden-delta": missing_fprime},            # misspelt: '-' for '_'
    {"hidden_deltas": missing_fprime},
    {"Hidden_delta": missing_fprime},
    {"delta": missing_fprime},
    {("hidden_delta",): missing_fprime},
    {"output_delta": correct_output, "bias-grad": correct_output},   # one good, one bad key
])
def test_unknown_keys_raise_naming_the_valid_keys(override):
    with pytest.raises(ValueError) as err:
        verify(Network([2, 3, 2]), rules_override=override)
    assert all(kind in str(err.value) for kind in KINDS)


@pytest.mark.parametrize("value", [None, 0, "", False, "hidden_delta", 1.5, [], {}, sympy.S(0)])
def test_non_callable_values_raise(value):
    with pytest.raises(ValueError, match="must be a function") as err:
        verify(Network([2, 3, 2]), rules_override={"hidden_delta": value})
    assert all(kind in str(err.value) for kind in KINDS)


@pytest.mark.parametrize("mapping", [[("hidden_delta", missing_fprime)], missing_fprime, "x"])
def test_a_mapping_is_required(mapping):
    with pytest.raises(ValueError, match="rules_override must map"):
        verify(Network([2, 3, 2]), rules_override=mapping)


class FalsyRule:
    """A callable whose truth value is False: it must be used, not skipped."""
    def __bool__(self):
        return False

    def __call__(self, q, s, l, j):
        return missing_fprime(q, s, l, j)


def test_a_falsy_callable_is_used(backend):
    result = verify(Network([2, 3, 2]), backend=backend,
                    rules_override={"hidden_delta": FalsyRule()})
    bad = [c for c in result.checks if c.rule == "hidden_delta"]
    assert bad and all(c.status == "refuted" for c in bad)


def test_empty_or_none_override_is_the_registered_rules():
    assert rules.overrides(None) == {} and rules.overrides({}) == {}
    assert verify(Network([2, 2]), rules_override={}).status == "proved"


# ---------------------------------------------------------------- collisions with atoms

def _atom_names(widths, acts):
    """(activation, name) of atoms of each family for the output layer's neuron 1."""
    L = len(widths) - 1
    tag = f"[1,{L},1]"
    return {
        "f": [f"F{tag}", f"D{tag}", f"eps^{L}_1[1]"],
        "sigmoid": [f"P{tag}", f"R1{tag}", f"eps^{L}_1[1]"],
        "tanh": [f"T{tag}", f"D{tag}"],
        "softplus": [f"S{tag}", f"Q{tag}", f"R2{tag}"],
    }[acts]


CASES = [(act, name) for act in ("f", "sigmoid", "tanh", "softplus")
         for name in _atom_names((2, 3, 2), act)]


@pytest.mark.parametrize("act,name", CASES, ids=[f"{a}-{n}" for a, n in CASES])
def test_user_symbol_named_like_an_internal_atom_never_proves(act, name, backend):
    """The correct rule plus (user symbol - the internal atom of the same name): it would
    prove if the two were the same symbol. The user's is a free symbol, so it must not."""
    B = get_backend(backend)
    internal = B.Probe(name) if name.startswith("eps") else B.Atom(name)
    own = sympy.Symbol(name)

    def rule(q, s, j):
        return correct_output(q, s, j) + own - internal

    result = verify(Network([2, 3, 2], activation=act), backend=backend,
                    rules_override={"output_delta": rule})
    out = [c for c in result.checks if c.rule == "output_delta"]
    assert out and not any(c.status == "proved" for c in out)
    assert all("not a quantity of this network" in c.reason for c in out)
    assert all(c.status == "proved" for c in result.checks if c.rule != "output_delta")


WRONG = [
    # Δ^L_j = (a - y) D with D a free symbol: proved when D[1,2,j] meant the f' atom
    ("f", lambda q, s, j: (q.a(s, q.L, j) - q.y(s, j)) * sympy.Symbol(f"D[{s},{q.L},{j}]")),
    # a replaced by a free F[...]
    ("f", lambda q, s, j: (sympy.Symbol(f"F[{s},{q.L},{j}]") - q.y(s, j)) * q.fprime(s, q.L, j)),
    # sigmoid: a = 1/P with P a free symbol
    ("sigmoid", lambda q, s, j: (1 / sympy.Symbol(f"P[{s},{q.L},{j}]") - q.y(s, j))
     * q.fprime(s, q.L, j)),
    # tanh: a = T, f' = 1 - T^2 with T a free symbol
    ("tanh", lambda q, s, j: (sympy.Symbol(f"T[{s},{q.L},{j}]") - q.y(s, j))
     * (1 - sympy.Symbol(f"T[{s},{q.L},{j}]") ** 2)),
    # softplus: a = S with S a free symbol
    ("softplus", lambda q, s, j: (sympy.Symbol(f"S[{s},{q.L},{j}]") - q.y(s, j))
     * q.fprime(s, q.L, j)),
    # the probe: any value of a free eps added to Δ
    ("f", lambda q, s, j: correct_output(q, s, j) + sympy.Symbol(f"eps^{q.L}_{j}[{s}]")),
]


@pytest.mark.parametrize("act,rule", WRONG, ids=[f"{a}-{i}" for i, (a, _) in enumerate(WRONG)])
def test_wrong_rule_through_a_collision_is_not_proved(act, rule, backend):
    result = verify(Network([2, 3, 2], activation=act), backend=backend,
                    rules_override={"output_delta": rule})
    out = [c for c in result.checks if c.rule == "output_delta"]
    assert out and not any(c.status == "proved" for c in out)
    assert result.status != "proved"


def test_symengine_symbols_collide_no_more():
    pytest.importorskip("symengine")
    import symengine as se

    def rule(q, s, j):
        return (q.a(s, q.L, j) - q.y(s, j)) * se.Symbol(f"D[{s},{q.L},{j}]")

    result = verify(Network([2, 3, 2]), backend="symengine", rules_override={"output_delta": rule})
    assert not any(c.status == "proved" for c in result.checks if c.rule == "output_delta")


def test_network_symbols_may_be_named(backend):
    """x, y, w, b are the network's own public symbols: naming one is naming it."""
    def rule(q, l, j):
        return q.mean(lambda s: q.delta(s, l, j)) + sympy.Symbol("b^1_1") - sympy.Symbol("b^1_1")

    assert verify(Network([2, 3, 2]), backend=backend,
                  rules_override={"bias_grad": rule}).status == "proved"


def test_a_linear_layer_z_atom_cannot_be_named(backend):
    """Z[s,l,j] is the opaque atom of a linear hidden layer's z."""
    B = get_backend(backend)

    def rule(q, l, i, j):
        correct = q.mean(lambda s: q.a(s, l - 1, i) * q.delta(s, l, j))
        return correct + sympy.Symbol("Z[1,1,1]") - B.Atom("Z[1,1,1]")

    result = verify(Network([2, 2, 2], activation="linear,tanh"), backend=backend,
                    rules_override={"weight_grad": rule})
    assert not any(c.status == "proved" for c in result.checks if c.rule == "weight_grad")
