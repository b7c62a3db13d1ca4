"""The estimate printed before a report covers the whole run: every theorem's checks (a
linear theorem next to its generic f costs no checks of its own: its proofs are the
generic ones specialised), the symbolic proofs, the worked instances, the collapse, the
rendering and the TeX build, and Python's start."""
import pytest

from backprop_sym.cli.options import warn_if_long
from backprop_sym.display import duration
from backprop_sym.engine import estimate
from backprop_sym.engine.network import Shape
from backprop_sym.report.render import theorem_shapes

PARTS = {"start", "checks", "proof", "worked", "collapse", "render", "tex"}


def shapes(widths, only=None, activation="f"):
    return theorem_shapes(Shape.make(widths, activation), only)


@pytest.mark.parametrize("widths", [[2, 3, 2], [8] * 6, [3, 8, 8, 8, 2]])
def test_every_part_of_the_run_is_counted(widths):
    parts = estimate.report_seconds(shapes(widths), "symengine", jobs=2)
    assert set(parts) == PARTS | {"total"}
    assert parts["total"] == pytest.approx(sum(v for k, v in parts.items() if k != "total"))
    for k in PARTS - {"checks"}:
        assert parts[k] > 0, k
    assert parts["total"] > estimate.estimate_seconds(Shape.make(widths, "f"), "symengine", 2)


def test_the_linear_theorem_costs_no_checks_next_to_the_generic_one():
    both = estimate.report_seconds(shapes([8] * 6), "symengine", jobs=2)
    generic = estimate.estimate_seconds(Shape.make([8] * 6, "f"), "symengine", jobs=2)
    assert both["checks"] == pytest.approx(generic)
    alone = estimate.report_seconds(shapes([8] * 6, "linear"), "symengine", jobs=2)
    assert alone["checks"] == pytest.approx(generic)      # alone, it runs the generic f
    # a nonlinear theorem of its own (tanh) shares nothing with the linear one
    tanh = estimate.report_seconds(shapes([8] * 6, activation="tanh"), "symengine", jobs=2)
    assert tanh["checks"] > both["checks"]


def test_the_collapse_grows_with_the_product_of_the_inner_widths():
    small = estimate.report_seconds(shapes([8] * 5), "symengine")["collapse"]
    big = estimate.report_seconds(shapes([8] * 6), "symengine")["collapse"]
    assert big == pytest.approx(8 * small)
    assert estimate.report_seconds(shapes([8] * 6, "nonlinear"), "symengine")["collapse"] == 0


def test_no_pdf_no_tex_build():
    parts = estimate.report_seconds(shapes([8] * 6), "symengine", pdf=False)
    assert parts["tex"] == 0


def test_the_warning_prints_the_whole_run(capsys):
    s = shapes([12] * 6)
    warn_if_long(list(s.values()), 800, "symengine", None, 2, report={"shapes": s, "pdf": True})
    err = capsys.readouterr().err
    total = estimate.report_seconds(s, "symengine", 2, True)["total"]
    assert total > estimate.WARN_SECONDS
    assert f"about {duration(total)}" in err


def test_a_short_report_is_not_warned_about(capsys):
    s = shapes([2, 3, 2])
    warn_if_long(list(s.values()), 40, "symengine", None, 2, report={"shapes": s, "pdf": True})
    assert capsys.readouterr().err == ""
