"""The direct side is the trusted base: the SymPy backend's DAG differentiator
(`backends.sympy_diff`) must give exactly what `sympy.diff` gives, at every shape the
test suite proves with, for every activation and both conventions; and SymEngine's
`diff` must agree with both."""
import pytest
import sympy

from backprop_sym import Shape
from backprop_sym.engine.backends import get_backend, symengine_available, sympy_diff
from backprop_sym.engine.network import Expressions

ACTIVATIONS = ["f", "linear", "sigmoid", "tanh", "softplus", "tanh,linear,f"]
# the shapes the proofs in this suite use: depth 1 to 4, square and not, N = 1 and 2
SHAPES = [("1,1", 1), ("2,2", 2), ("2,3", 1), ("2,2,1", 1), ("2,3,2", 1), ("3,2,3", 2),
          ("2,2,2,2", 1), ("3,2,4,2", 1)]


def _zero(e) -> bool:
    return sympy.expand(e) == 0


def _cases():
    for widths, samples in SHAPES:
        depth = widths.count(",")
        for act in ACTIVATIONS:
            if "," in act and act.count(",") + 1 != depth:
                continue
            yield widths, samples, act


@pytest.mark.parametrize("convention", ["from-to", "to-from"])
@pytest.mark.parametrize("widths,samples,activation", list(_cases()))
@pytest.mark.slow
def test_sympy_diff_is_sympy_diff(widths, samples, activation, convention):
    shape = Shape.make(widths, activation, samples, convention)
    ex = Expressions(shape, get_backend("sympy"), probes=True)
    d = sympy_diff()
    variables = [*ex.parameters(), *ex.probe.values()]
    if len(variables) > 24:         # every weight of the first and last layer, every probe
        variables = variables[:12] + variables[-12:]
    for v in variables:
        assert _zero(d(ex.cost, v) - sympy.diff(ex.cost, v)), v


@pytest.mark.skipif(not symengine_available(), reason="symengine not installed")
@pytest.mark.parametrize("activation", ["f", "sigmoid", "tanh", "softplus"])
@pytest.mark.slow
def test_symengine_diff_is_sympy_diff(activation):
    shape = Shape.make("2,3,2", activation, 2)
    se_ex = Expressions(shape, get_backend("symengine"))    # probes are private to each
    sp_ex = Expressions(shape, get_backend("sympy"))        # library: parameters only
    B = se_ex.B
    for v_se, v_sp in zip(se_ex.parameters(), sp_ex.parameters()):
        ours = B.to_sympy(B.diff(se_ex.cost, v_se))
        assert _zero(ours - sympy.diff(sp_ex.cost, v_sp)), v_sp


def test_a_wrong_differentiator_is_caught():
    """The comparison above can fail: a derivative with a dropped term is not 0."""
    ex = Expressions(Shape.make("2,2", "sigmoid"), get_backend("sympy"), probes=True)
    v = ex.parameters()[0]
    right = sympy.diff(ex.cost, v)
    wrong = right.args[0] if right.is_Add else right / 2
    assert not _zero(wrong - right)
