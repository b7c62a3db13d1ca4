"""`prove --rule` with a rule that branches on a symbolic index, layer or size (issue 18,
class 6): such a rule has no single closed form for every shape, so it must never be
proved; tracing refuses every operation that would let it observe a concrete value.

Must-not-prove: rules that branch in many ways (==, !=, <, in range, int(), a dict or a
list indexed by the index, truth value, %, //, min/max, abs, L compared with l, an error
caught by the rule itself...). Must-still-prove: the correct rules, including ones that
use the traced index in arithmetic and as an index of the quantities.
"""
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from backprop_sym.engine import prove as P
from backprop_sym.engine.tracing import Branches, trace


def _hidden(q, s, l, j):
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) * q.fprime(s, l, j)


def _out(q, s, j):
    return (q.a(s, q.L, j) - q.y(s, j)) * q.fprime(s, q.L, j)


def _bias(q, l, j):
    return q.mean(lambda s: q.delta(s, l, j))


# hidden_delta rules that are right except at some index or layer
def eq_j(q, s, l, j):
    return 0 if j == 5 else _hidden(q, s, l, j)


def eq_l(q, s, l, j):
    if l == 4:
        return 0
    return _hidden(q, s, l, j)


def ne_j(q, s, l, j):
    return _hidden(q, s, l, j) if j != 7 else 0


def lt_l(q, s, l, j):
    return _hidden(q, s, l, j) if l < 6 else 0


def ge_j(q, s, l, j):
    return 0 if j >= 9 else _hidden(q, s, l, j)


def in_range(q, s, l, j):
    return 0 if j in range(5, 7) else _hidden(q, s, l, j)


def in_list(q, s, l, j):
    return 0 if l in [4, 8] else _hidden(q, s, l, j)


def as_int(q, s, l, j):
    return 0 if int(l) == 4 else _hidden(q, s, l, j)


def dict_lookup(q, s, l, j):
    return {5: 0}.get(j, 1) * _hidden(q, s, l, j)


def list_index(q, s, l, j):
    scale = [1] * 20
    scale[6] = 0
    return scale[j] * _hidden(q, s, l, j)


def truth(q, s, l, j):
    return _hidden(q, s, l, j) if j - 5 else 0


def modulo(q, s, l, j):
    return _hidden(q, s, l, j) * (1 if j % 7 else 0)


def floordiv(q, s, l, j):
    return 0 if j // 6 == 1 else _hidden(q, s, l, j)


def minimum(q, s, l, j):
    return _hidden(q, s, l, j) * min(j, 6) / j


def absolute(q, s, l, j):
    return _hidden(q, s, l, j) * (abs(j - 5) > 0)


def last_hidden(q, s, l, j):               # l == L - 1 with L symbolic too
    return 0 if l + 1 == q.L else _hidden(q, s, l, j)


def depth(q, s, l, j):
    return 0 if q.L == 5 else _hidden(q, s, l, j)


def examples_count(q, s, l, j):
    return 0 if q.N == 4 else _hidden(q, s, l, j)


def summed_index(q, s, l, j):              # a neuron of the sum left out
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)
               if k != 5) * q.fprime(s, l, j)


def example_index(q, s, l, j):
    return 0 if s == 3 else _hidden(q, s, l, j)


def swallowed(q, s, l, j):                 # the refusal caught by the rule itself
    try:
        if j == 5:
            return 0
    except Exception:
        pass
    return _hidden(q, s, l, j)


def swallowed_bare(q, s, l, j):
    try:
        hit = l == 4
    except BaseException:
        hit = False
    return 0 if hit else _hidden(q, s, l, j)


def matched(q, s, l, j):
    match j:
        case 5:
            return 0
        case _:
            return _hidden(q, s, l, j)


def text(q, s, l, j):
    return 0 if str(j) == "5" else _hidden(q, s, l, j)


BRANCHING = [eq_j, eq_l, ne_j, lt_l, ge_j, in_range, in_list, as_int, dict_lookup, list_index,
             truth, modulo, floordiv, minimum, absolute, last_hidden, depth, examples_count,
             summed_index, example_index, swallowed, swallowed_bare, matched, text]


@pytest.mark.parametrize("rule", BRANCHING, ids=lambda f: f.__name__)
def test_a_branching_hidden_rule_is_not_proved(rule):
    step = P.prove_closed_form("hidden_delta", rule)
    assert step.status == "unknown", (step.status, step.reason)
    assert "cannot be traced for every shape" in step.reason


def out_eq(q, s, j):
    return 0 if j == 5 else _out(q, s, j)


def out_depth(q, s, j):
    return _out(q, s, j) if q.L <= 3 else 0


def bias_eq(q, l, j):
    return 0 if (l, j) == (4, 2) else _bias(q, l, j)


def bias_inside_mean(q, l, j):
    return q.mean(lambda s: 0 if s == 2 else q.delta(s, l, j))


def weight_eq(q, l, i, j):
    return q.mean(lambda s: q.a(s, l - 1, i) * q.delta(s, l, j) * (0 if i == j else 1))


@pytest.mark.parametrize("kind,rule", [("output_delta", out_eq), ("output_delta", out_depth),
                                       ("bias_grad", bias_eq), ("bias_grad", bias_inside_mean),
                                       ("weight_grad", weight_eq)],
                         ids=lambda v: getattr(v, "__name__", v))
def test_every_kind_refuses_a_branch(kind, rule):
    step = P.prove_closed_form(kind, rule)
    assert step.status == "unknown", (step.status, step.reason)


def test_the_refusal_names_what_the_rule_branches_on():
    with pytest.raises(Branches, match="the layer l"):
        trace(eq_l, sp.Symbol("x", integer=True), P.l, P.j)
    with pytest.raises(Branches, match="the index j"):
        trace(eq_j, P.x, P.l, P.j)
    with pytest.raises(Branches, match="the depth L"):
        trace(depth, P.x, P.l, P.j)


# ---------------------------------------------------------------- must still prove

def arithmetic(q, s, l, j):                # the traced index in arithmetic and as an index
    nxt = l + 1
    return sum(q.W(nxt, j + 0, k) * q.delta(s, 2 * nxt - l - 1, k) for k in q.neurons(1 + l)) \
        * q.fprime(s, l, j)


def mean_by_examples(q, l, j):
    return sum(q.delta(s, l, j) for s in q.examples()) / q.N


def mean_by_scaling(q, l, i, j):
    return (1 / q.N) * sum(q.a(s, l - 1, i) * q.delta(s, l, j) for s in q.examples())


def sympy_built(q, l, j):
    return sp.Rational(1, 1) * sp.Sum(q.delta(sp.Symbol("t", integer=True), l, j),
                                      (sp.Symbol("t", integer=True), 1, q.N)) / q.N


@pytest.mark.parametrize("kind,rule", [("hidden_delta", _hidden), ("hidden_delta", arithmetic),
                                       ("output_delta", _out), ("bias_grad", _bias),
                                       ("bias_grad", mean_by_examples),
                                       ("weight_grad", mean_by_scaling),
                                       ("bias_grad", sympy_built)],
                         ids=lambda v: getattr(v, "__name__", v))
def test_correct_rules_are_still_proved(kind, rule):
    step = P.prove_closed_form(kind, rule)
    assert step.status == "proved", (step.status, step.reason)


def test_the_registered_and_testing_rules_are_unchanged():
    from backprop_sym.engine import rules
    for kind in ("output_delta", "hidden_delta", "weight_grad", "bias_grad"):
        for conv in ("from-to", "to-from"):
            fn = rules.get(kind, conv).closed_form
            assert P.prove_closed_form(kind, fn, convention=conv).status == "proved"


def test_a_wrong_rule_that_does_not_branch_is_still_refuted():
    def no_fprime(q, s, l, j):
        return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))
    assert P.prove_closed_form("hidden_delta", no_fprime).status == "refuted"


# ---------------------------------------------------------------- the command line

@pytest.mark.slow
def test_prove_rule_that_branches_exits_unknown(tmp_path):
    rule = tmp_path / "branchy.py"
    rule.write_text("def hidden(q, s, l, j):\n"
                    "    if j == 5 or l == 4:\n"
                    "        return 0\n"
                    "    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k)\n"
                    "               for k in q.neurons(l + 1)) * q.fprime(s, l, j)\n")
    r = subprocess.run([sys.executable, "-m", "backprop_sym", "prove", "--rule",
                        f"hidden_delta={rule}:hidden"], capture_output=True, text=True,
                       timeout=300, cwd=Path(__file__).parent)
    assert r.returncode == 3, r.stdout + r.stderr
    assert "proved: the four rules" not in r.stdout
    assert "branches on the index j" in r.stdout


# ---------------------------------------------------------------- traced one way, run another

def raises_when_concrete(q, s, l, j):
    if isinstance(j, int):
        raise RuntimeError("only symbolic")
    return _hidden(q, s, l, j)


def test_a_rule_the_explicit_network_cannot_prove_is_not_proved():
    """The trace reads a right rule, but at a concrete shape the rule fails: the explicit
    network's checks must all be proved for the user's rule to be proved."""
    proof = P.prove("f", "from-to", {"hidden_delta": raises_when_concrete}, cross_shapes=None)
    step = next(s for s in proof.steps if s.title == "hidden_delta")
    assert step.status == "unknown" and "did not prove it" in step.reason
    assert proof.status == "unknown"
