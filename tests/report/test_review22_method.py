"""Review of issue 22: the method section names the network whose instances were the
generic f's proofs with f = id, and the layers where the identity was put."""
import re

import pytest

from backprop_sym.engine import specialise
from backprop_sym.engine.network import Shape
from backprop_sym.report.render import make_report


@pytest.fixture(autouse=True)
def fresh():
    specialise.forget()
    yield
    specialise.forget()


def _sentence(tex, number):
    m = re.search(rf"For Theorem~{number}, (.*?)so this is a proof as well", tex, re.S)
    assert m, f"no specialisation sentence for Theorem {number}"
    return " ".join(m.group(1).split())


def test_mixed_network_is_not_called_the_linear_network():
    rep = make_report(Shape.make("3,2,4", "f,linear"), backend="sympy", date="2026-01-01")
    one = _sentence(rep.tex, 1)
    assert "linear network itself" not in one          # Theorem 1's network is f, linear
    assert "at each weighted input." not in one        # only layer 2 is the identity
    assert "layer 2" in one
    two = _sentence(rep.tex, 2)
    assert "the linear network itself" in two and "at each weighted input." in two
