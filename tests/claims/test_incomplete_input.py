"""Input cut short is read as far as it goes and never more: a definition, a \\pdv or a
derivation missing a part is left unread, and what is complete around it still reads."""
import pytest
import sympy

from backprop_sym.claims import check as C
from backprop_sym.claims.macros import Macro, definitions
from backprop_sym.claims.notation import normalize
from backprop_sym.claims.rewrite import argument
from backprop_sym.engine import activations
from backprop_sym.engine.backends import get_backend
from backprop_sym.engine.network import Expressions, Shape
from backprop_sym.engine.vocabulary import Status


@pytest.mark.parametrize("text", [
    r"\newcommand{\a}",                      # no body
    r"\newcommand{\a}[2]",                   # arguments, no body
    r"\providecommand{\p}[2][x]",            # a default, no body
    "\\newcommand\\\n",                      # a backslash and a line end: no name
    r"\def",                                 # no name
    r"\def\b#1",                             # no body
    r"\def\c#1{unclosed",                    # a body never closed
    r"\newenvironment{foo}",                 # no begin
    r"\DeclareMathOperator{\sg}",            # no body
])
def test_an_incomplete_definition_is_not_read(text):
    read = definitions(text)
    assert read.macros == {} and read.environments == {}


def test_a_complete_definition_after_an_incomplete_one_is_read():
    read = definitions("\\def\\b#1\n\\newcommand{\\pd}[2]{\\frac{#1}{#2}}\n")
    assert read.macros == {"pd": Macro("pd", 2, "\\frac{#1}{#2}")}


def test_every_kind_of_definition_is_read():
    read = definitions(r"\newcommand{\ok}{1}\def\d#1#2{#2#1}"
                       r"\newenvironment{eq}{\begin{align}}{\end{align}}"
                       r"\DeclareMathOperator{\sgm}{sgm}\DeclareMathOperator{\ex}{exp}")
    sgm = read.macros.pop("sgm")          # an operator the checker gives no meaning: unread
    assert (sgm.name, sgm.nargs, sgm.body) == ("sgm", 0, "\\operatorname{sgm}") and sgm.unread
    assert read.macros == {"ok": Macro("ok", 0, "1"), "d": Macro("d", 2, "#2#1"),
                           "ex": Macro("ex", 0, "\\exp")}
    assert read.environments == {"eq": "align"}


def test_a_backslash_before_a_line_end_is_no_argument():
    assert argument("{x}", 0) == ("x", 3)
    assert argument(r" \alpha", 0) == ("\\alpha", 7)
    assert argument("{x", 0) is None
    with pytest.raises(AttributeError):
        argument("\\\n", 0)


def test_pdv_with_one_argument_is_left_as_written():
    assert normalize(r"\pdv{C}{b^l_j}").text == r"\frac{\partial C}{\partial b^l_j}"
    assert normalize(r"\pdv{C}").text == r"\pdv{C}"
    assert C.overall(list(C.check_claim(r"\pdv{C} = \Delta^l_j"))) != Status.PROVED


def test_the_input_layer_is_the_identity_and_the_others_are_the_shape_s():
    shape = Shape.make([2, 3, 1], activation="tanh,sigmoid")
    ex = Expressions(shape, get_backend("sympy"))
    assert [a.name for a in ex.acts] == ["linear", "tanh", "sigmoid"]
    assert all(ex.a[1, 0, k] == ex.x[1, k] for k in (1, 2))
    assert sympy.expand(ex.a[1, 1, 1] - sympy.tanh(ex.z[1, 1, 1])) == 0


def test_the_generic_f_states_no_derivative_of_its_own():
    f, B = activations.get("f"), get_backend("sympy")
    u, probe = sympy.Symbol("u"), sympy.Symbol("p")
    with pytest.raises(TypeError):
        f.derivative(B, u)
    stated = activations.derivative(f, B, u + probe, probe)
    assert stated.subs(probe, 0).doit() == sympy.Function("f")(u).diff(u)
