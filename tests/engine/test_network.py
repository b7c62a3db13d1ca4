"""The explicit network: shapes, symbols, conventions, counts."""
import pytest
import sympy

from backprop_sym import Network, Shape, ShapeError, plan
from backprop_sym.engine.activations import ActivationError


def test_counts_match_the_formula():
    # n_L·N + (n_1+…+n_{L-1})·N + Σ n_{l-1}n_l + Σ n_l
    assert len(plan(Shape.make([2, 3, 2]))) == 2 + 3 + 12 + 5 == 22
    s = Shape.make([3, 2, 4, 2], samples=3)
    assert len(plan(s)) == 2 * 3 + (2 + 4) * 3 + (6 + 8 + 8) + (2 + 4 + 2)


def test_explicit_cost_has_no_intermediate_symbols():
    net = Network([2, 3, 2], samples=2)
    names = {str(s) for s in net.cost.free_symbols}
    assert all(n[0] in "xywb" for n in names), names
    assert len(names) == 2 * 2 + 2 * 2 + 12 + 5
    # z^1_1 = x_1 w^1_11 + x_2 w^1_21 + b^1_1 for the first example
    x1, x2 = net.input(1, 1), net.input(1, 2)
    z = x1 * net.weight(1, 1, 1) + x2 * net.weight(1, 2, 1) + net.bias(1, 1)
    assert sympy.expand(net.z(1, 1, s=1) - z) == 0


def test_cost_is_the_average_of_half_squared_errors():
    net = Network([1, 1], activation="linear", samples=2)
    w, b = net.weight(1, 1, 1), net.bias(1, 1)
    expected = sum((net.input(s, 1) * w + b - net.target(s, 1)) ** 2 for s in (1, 2)) / 4
    assert sympy.expand(net.cost - expected) == 0


def test_conventions_name_the_same_physical_weight_differently():
    ft = Network([2, 3], convention="from-to")
    tf = Network([2, 3], convention="to-from")
    # the weight from neuron 2 of layer 0 to neuron 3 of layer 1
    assert str(ft.weight(1, 2, 3)) == "w^1_23"
    assert str(tf.weight(1, 3, 2)) == "w^1_32"
    assert sympy.diff(ft.z(1, 3), ft.weight(1, 2, 3)) == ft.input(1, 2)
    assert sympy.diff(tf.z(1, 3), tf.weight(1, 3, 2)) == tf.input(1, 2)
    with pytest.raises(IndexError):
        ft.weight(1, 3, 2)     # from neuron 3 of a 2-neuron layer


@pytest.mark.parametrize("widths", ["2,,3", "0,2", "2", "a,b", [], [2, -1]])
def test_bad_widths_are_refused(widths):
    with pytest.raises(ShapeError):
        Shape.make(widths)


def test_activation_lists():
    assert Shape.make([2, 2, 2], "tanh,linear").activations == ("tanh", "linear")
    assert Shape.make([2, 2, 2], "sigmoid").activations == ("sigmoid", "sigmoid")
    with pytest.raises(ActivationError, match="expected one of"):
        Shape.make([2, 2], "nope")
    with pytest.raises(ActivationError, match="2 layers"):
        Shape.make([2, 2, 2], "f,f,f")


def test_objects_render_in_jupyter():
    from backprop_sym import verify
    net = Network([2, 2], activation="tanh")
    assert "L=1" in net._repr_latex_() and "tanh" in net._repr_latex_()
    result = verify(net)
    assert "proved" in result._repr_latex_()
    assert result.checks[0]._repr_latex_() == r"$\Delta^{1}_{1}:\ \text{proved}$"
    assert "proved: 8/8" in repr(result)
