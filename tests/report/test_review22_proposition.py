"""Review of issue 22: a Proposition whose instances were the generic f's proofs with
f = id must not say they were proved by differentiating this network's own cost."""
import re

from backprop_sym.engine import specialise
from backprop_sym.engine.network import Shape
from backprop_sym.report.render import make_report


def test_linear_proposition_says_how_its_instances_were_proved():
    specialise.forget()
    rep = make_report(Shape.make("2,3,2", "linear"), backend="sympy", date="2026-01-01")
    m = re.search(r"\\begin\{proposition\}[^\n]*prop:linear\}(.*?)\\end\{proposition\}",
                  rep.tex, re.S)
    text = " ".join(m.group(1).split())
    assert "differentiation of the explicit cost" not in text, text
    assert "undefined $f$" in text and "sec:method" in text
