"""A gradient's direct side is expanded together with its closed form, in one pass
(`Engine.sides(reduced=False)`): the verdicts must be those of expanding each side
first, on several shapes, activations, conventions and sample counts, for the correct
rules (all proved) and for wrong gradient rules (refuted, with a witness)."""
from __future__ import annotations

import pytest

from backprop_sym.engine import verify as V
from backprop_sym.engine.network import Shape
from backprop_sym.engine.vocabulary import Status


def dropped_mean(q, l, i, j):            # Σ_x without the 1/N (right only when N = 1)
    return sum(q.a(s, l - 1, i) * q.delta(s, l, j) for s in q.examples())


def weight_grad_swapped(q, l, i, j):     # a^{l-1}_j Δ^l_i: from-to's rule is a^{l-1}_i Δ^l_j
    return q.mean(lambda s: q.a(s, l - 1, j) * q.delta(s, l, i))


def weight_grad_own_layer(q, l, i, j):   # a^l in place of a^{l-1}
    return q.mean(lambda s: q.a(s, l, j) * q.delta(s, l, j))


def bias_times_a(q, l, j):               # Δ^l_j a^l_j
    return q.mean(lambda s: q.delta(s, l, j) * q.a(s, l, j))


def bias_sum(q, l, j):                   # Σ_x Δ without 1/N (right only when N = 1)
    return sum(q.delta(s, l, j) for s in q.examples())


SHAPES = [
    (Shape.make([2, 3, 2], "f"), "symengine"),
    (Shape.make([3, 2, 2], "sigmoid", samples=2), "symengine"),
    (Shape.make([2, 2, 3, 2], "tanh", convention="to-from"), "symengine"),
    (Shape.make([2, 3, 1], "f", samples=2, convention="to-from"), "symengine"),
    (Shape.make([2, 2, 2], "f,tanh"), "symengine"),
    (Shape.make([2, 3, 2], "sigmoid", samples=2), "sympy"),
]
IDS = [f"{s.describe()}-{b}" for s, b in SHAPES]


def _statuses(shape, backend, override, monkeypatch=None):
    result = V.verify(shape, backend=backend, rules_override=override)
    return [(c.rule, c.layer, tuple(c.index), c.sample, c.status, c.witness is not None)
            for c in result.checks]


def _old_way(monkeypatch):
    """Each side reduced on its own before the difference is expanded (the way before)."""
    orig = V.Engine.sides
    monkeypatch.setattr(V.Engine, "sides", lambda self, inst, reduced=True: orig(self, inst))


@pytest.mark.parametrize("shape,backend", SHAPES, ids=IDS)
def test_correct_rules_all_proved_as_before(shape, backend, monkeypatch):
    new = _statuses(shape, backend, None)
    assert {s for *_, s, _ in new} == {Status.PROVED}
    _old_way(monkeypatch)
    assert _statuses(shape, backend, None) == new


WRONG = [({"weight_grad": weight_grad_swapped}, "weight_grad"),
         ({"weight_grad": weight_grad_own_layer}, "weight_grad"),
         ({"weight_grad": dropped_mean}, "weight_grad"),
         ({"bias_grad": bias_times_a}, "bias_grad"),
         ({"bias_grad": bias_sum}, "bias_grad")]


@pytest.mark.parametrize("shape,backend", SHAPES, ids=IDS)
@pytest.mark.parametrize("override,kind", WRONG, ids=lambda v: getattr(
    next(iter(v.values())), "__name__", str(v)) if isinstance(v, dict) else v)
def test_wrong_gradient_rules_refuted_as_before(shape, backend, override, kind, monkeypatch):
    new = _statuses(shape, backend, override)
    ours = [r for r in new if r[0] == kind]
    # with one example Σ_x is the mean; under to-from, w^l_{ij} runs from j to i
    # (so dropped_mean is the swapped rule there)
    fn, to_from = override.get(kind), shape.convention == "to-from"
    right_anyway = (fn is bias_sum and shape.samples == 1
                    or fn is dropped_mean and shape.samples == 1 and not to_from
                    or fn is weight_grad_swapped and to_from)
    if right_anyway:                   # still a theorem: must stay proved
        assert {r[4] for r in ours} == {Status.PROVED}
    else:
        assert Status.REFUTED in {r[4] for r in ours}
        assert all(r[5] for r in ours if r[4] == Status.REFUTED)     # each with a witness
        assert Status.PROVED not in {r[4] for r in ours} or kind == "weight_grad"
    assert {r[4] for r in new if r[0] != kind} == {Status.PROVED}
    _old_way(monkeypatch)
    assert _statuses(shape, backend, override) == new


def test_a_wrong_weight_rule_is_never_proved_where_it_differs():
    """a^{l-1}_j Δ^l_i differs from the rule wherever i, j name different neurons."""
    shape = Shape.make([2, 2, 2], "f", samples=2)
    result = V.verify(shape, rules_override={"weight_grad": weight_grad_swapped})
    for c in result.checks:
        if c.rule == "weight_grad":
            assert c.status == (Status.PROVED if c.index[0] == c.index[1] else Status.REFUTED)
