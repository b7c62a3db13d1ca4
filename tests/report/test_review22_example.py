"""Review of issue 22: the numeric example of a linear network's report uses a quadratic
f (Theorem 1's); it must not call that the network of Section 1 without saying that the
identity was replaced."""
import re

from backprop_sym.engine.network import Shape
from backprop_sym.report.render import make_report


def _opening(tex):
    m = re.search(r"section\{A worked example in numbers\}.*?exact values", tex, re.S)
    return " ".join(m.group(0).split())


def test_linear_network_example_says_the_identity_was_replaced():
    rep = make_report(Shape.make("2,3,2", "linear"), backend="sympy", date="2026-01-01")
    tex = rep.tex
    assert "t^{2} - t" in tex.split(r"section{A worked example in numbers}")[1][:3000]
    opening = _opening(tex)
    assert "in place of its identity" in opening, opening
