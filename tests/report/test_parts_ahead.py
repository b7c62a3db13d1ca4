"""The worked instance and the collapse may be computed in a forked process while the
checks run (`render.parts_ahead`, `runner.Ahead`): the report must be the same text as
when they are computed after the checks, and a failed process must change nothing."""
from __future__ import annotations

import pytest

from backprop_sym.engine import estimate
from backprop_sym.engine.network import Shape
from backprop_sym.engine.runner import Ahead
from backprop_sym.report import collapse as collapse_module
from backprop_sym.report import render, worked
from backprop_sym.report.collapse import collapse
from backprop_sym.report.notation import Notation
from backprop_sym.report.worked import worked_instance

SHAPES = [Shape.make([2, 3, 2], "f"), Shape.make([2, 2, 2], "tanh", samples=2),
          Shape.make([3, 2, 2, 1], "f", convention="to-from")]


def _always_ahead(monkeypatch):
    monkeypatch.setattr(estimate, "parts_ahead", lambda shapes, backend: True)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.describe())
def test_parts_from_the_process_equal_the_parts_computed_here(shape):
    shapes = render.theorem_shapes(shape)
    there = Ahead(render.parts_ahead, shapes).result()
    assert there is not None
    for kind, sh in shapes.items():
        n = Notation(sh)
        assert there[kind]["worked"] == worked_instance(sh, n, None)
        if kind == "linear":
            assert there[kind]["collapse"] == collapse(sh, n)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.describe())
def test_report_text_is_the_same_with_parts_ahead(shape, monkeypatch):
    plain = render.make_report(shape, date="2026-01-01").tex
    _always_ahead(monkeypatch)
    started = []
    orig = render._start_ahead
    monkeypatch.setattr(render, "_start_ahead",
                        lambda *a: started.append(orig(*a)) or started[-1])
    again = render.make_report(shape, date="2026-01-01").tex
    assert started and started[0] is not None          # the process did run
    assert again == plain
    assert not worked.AHEAD and not collapse_module.AHEAD   # each taken once


def test_a_failed_process_gives_none_and_the_report_computes_the_parts(monkeypatch):
    assert Ahead(lambda: 1 // 0).result() is None
    shape = SHAPES[0]
    plain = render.make_report(shape, date="2026-01-01").tex
    _always_ahead(monkeypatch)
    monkeypatch.setattr(render, "parts_ahead", lambda shapes: 1 // 0)
    assert render.make_report(shape, date="2026-01-01").tex == plain


def test_no_parts_ahead_with_rules_of_ones_own(monkeypatch):
    """A wrong rule's worked instance is the wrong rule's: never one computed ahead."""
    _always_ahead(monkeypatch)
    called = []
    monkeypatch.setattr(render, "_start_ahead", lambda *a: called.append(a))

    def no_mean(q, l, j):
        return sum(q.delta(s, l, j) for s in q.examples())
    render.make_report(Shape.make([2, 2, 2], "f", samples=2), date="2026-01-01",
                       rules_override={"bias_grad": no_mean})
    assert not called
