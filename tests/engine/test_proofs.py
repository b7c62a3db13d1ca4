"""pytest proofs: every instance of every rule is proved, for many shapes, activations,
sample counts and both conventions."""
import pytest

from backprop_sym import Network, plan, verify

ACTIVATIONS = ["f", "linear", "sigmoid", "tanh", "softplus"]
SHAPES = [(3, 2), (2, 3, 2), (2, 2, 2), (3, 2, 4, 2)]


@pytest.mark.parametrize("convention", ["from-to", "to-from"])
@pytest.mark.parametrize("samples", [1, 2])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("widths", SHAPES, ids=lambda w: ",".join(map(str, w)))
def test_rules_are_proved(widths, activation, samples, convention, fast_backend):
    net = Network(widths, activation=activation, samples=samples, convention=convention)
    result = verify(net, backend=fast_backend)
    assert result.status == "proved", [c for c in result.checks if c.status != "proved"][:3]
    assert result.counts["proved"] == len(plan(net.shape))


@pytest.mark.parametrize("activation", ACTIVATIONS + ["tanh,linear,f"])
@pytest.mark.parametrize("convention", ["from-to", "to-from"])
def test_rules_are_proved_with_plain_sympy(activation, convention):
    shape = (2, 3, 2) if "," not in activation else (2, 2, 2, 1)
    result = verify(Network(shape, activation=activation, convention=convention), backend="sympy")
    assert result.status == "proved"
    assert result.backend == "sympy"


def test_per_layer_activations(fast_backend):
    net = Network([3, 2, 4, 2], activation="tanh,linear,f", samples=3)
    assert verify(net, backend=fast_backend).status == "proved"


def test_parallel_verdicts_equal_sequential(fast_backend):
    net = Network([2, 3, 2], activation="sigmoid", samples=2)
    one = verify(net, backend=fast_backend, jobs=1)
    two = verify(net, backend=fast_backend, jobs=2)
    assert [(c.rule, c.layer, c.index, c.sample, c.status) for c in one.checks] == \
           [(c.rule, c.layer, c.index, c.sample, c.status) for c in two.checks]
