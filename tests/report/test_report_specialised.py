"""The method section says which instances of the linear theorem were proved as the generic
f's proofs with f = id (engine/specialise.py), with the counts verify reports."""
import re

import pytest

from backprop_sym.engine import specialise
from backprop_sym.engine.network import Shape
from backprop_sym.report.render import make_report


def method(tex: str) -> str:
    return tex[tex.index(r"\label{sec:method}"):]


@pytest.mark.parametrize("widths,acts,only", [("2,3,2", "f", None), ("2,2", "linear", "linear"),
                                              ("3,2,2", "f,linear", None),
                                              ("2,3,2", "sigmoid", None)])
def test_the_specialised_count_is_the_engines(widths, acts, only):
    specialise.forget()
    rep = make_report(Shape.make(widths, acts), only=only)
    text = method(rep.tex)
    linear = rep.results.get("linear")
    if linear is None or not linear.specialised:
        assert "differentiated on the linear network" not in text
        return
    m = re.search(r"(none of the (\d+) instances was|(\d+) of the (\d+) instances were not)\s+"
                  r"differentiated on the linear network", text)
    assert m, text[:2000]
    # the substitution is stated for the undefined f whose proofs were taken, not the network's own
    assert "f(z) = z" in text and r"\sigma(z) = z" not in text
    if m.group(2):
        assert int(m.group(2)) == linear.specialised == len(linear.checks)
    else:
        assert int(m.group(3)) == linear.specialised < int(m.group(4)) == len(linear.checks)


def test_a_supplied_rule_is_never_specialised():
    from tests.support import hidden_no_fprime
    specialise.forget()
    rep = make_report(Shape.make("2,3,2", "f"), rules_override={"hidden_delta": hidden_no_fprime})
    linear = rep.results["linear"]
    own = sum(c.rule == "hidden_delta" for c in linear.checks)
    assert own and linear.specialised == len(linear.checks) - own
    # hidden_delta without f' is true for f = id: proved on the linear network itself
    assert all(c.status == "proved" for c in linear.checks if c.rule == "hidden_delta")
    assert f"{linear.specialised} of the {len(linear.checks)} instances were not" in method(rep.tex)


def test_the_collapse_names_the_library_that_expanded_it():
    try:
        import symengine  # noqa: F401
        library = "SymEngine"
    except ImportError:
        library = "SymPy"
    rep = make_report(Shape.make("2,2", "linear"), only="linear")
    assert f"{library} computed $M$" in rep.tex
