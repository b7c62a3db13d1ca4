"""A report of a long run computes its worked instances and collapse beside the checks
(`estimate.parts_ahead`, used by `report.render`): the estimate counts those parts as
their share of the cores, and in full where they run after the checks."""
from __future__ import annotations

import pytest

from backprop_sym.engine import estimate
from backprop_sym.engine.network import Shape


def shapes(widths):
    return {"nonlinear": Shape.make(widths, "f"), "linear": Shape.make(widths, "linear")}


@pytest.mark.parametrize("n_cores", [1, 2, 4])
def test_parts_beside_the_checks_count_their_share_of_the_cores(monkeypatch, n_cores):
    monkeypatch.setattr(estimate, "cores", lambda: n_cores)
    big = shapes([8] * 6)
    parts = estimate.report_seconds(big, "symengine", jobs=2)
    full = estimate.COLLAPSE_PER_TERM * estimate.collapse_terms(big["linear"])
    assert estimate.parts_ahead(big, "symengine") == (n_cores > 1)
    assert parts["collapse"] == pytest.approx(full / n_cores)
    assert parts["worked"] == pytest.approx(
        estimate.WORKED_PER_CHECK * 2 * estimate.checks(big["linear"]) / n_cores)
    assert parts["total"] == pytest.approx(sum(v for k, v in parts.items() if k != "total"))


def test_small_reports_compute_them_after_the_checks(monkeypatch):
    monkeypatch.setattr(estimate, "cores", lambda: 2)
    small = shapes([2, 3, 2])
    assert not estimate.parts_ahead(small, "symengine")
    parts = estimate.report_seconds(small, "symengine", jobs=2)
    assert parts["worked"] == pytest.approx(
        estimate.WORKED_PER_CHECK * 2 * estimate.checks(small["linear"]))
