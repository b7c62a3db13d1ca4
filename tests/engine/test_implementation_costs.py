"""check_implementation(cost=, reduction=, l2=): a student's gradients are compared with
the direct derivative of the chosen cost. Hand-written NumPy backward passes (to-from,
Ng's layout), each first checked against central differences of its own cost on floats
(an independent reference), then graded exactly."""
import textwrap

import pytest

from backprop_sym import check_implementation
from backprop_sym.engine.errors import UsageError

np = pytest.importorskip("numpy")

TEMPLATE = textwrap.dedent("""
    import numpy as np

    def backward(weights, biases, x, y):
        m = x.shape[1]
        a, zs = [x], []
        for w, c in zip(weights, biases):
            z = w @ a[-1] + c
            zs.append(z)
            a.append(1 / (1 + np.exp(-z)))
        A, Y = a[-1], y
        s = A * (1 - A)
        dZ = {DZ}
        gw, gb = [None] * len(weights), [None] * len(weights)
        for l in reversed(range(len(weights))):
            gw[l] = {SCALE} * (dZ @ a[l].T)
            gb[l] = {SCALE} * np.sum(dZ, axis=1, keepdims=True)
            if l > 0:
                dZ = (weights[l].T @ dZ) * a[l] * (1 - a[l])
        return gw, gb
    """)

RULES = {"ce-sigmoid": "A - Y",                    # Ng's dZ = A − Y (cross-entropy, sigmoid)
         "half": "(A - Y) * s",                    # ½‖a − y‖²
         "squared": "2 * (A - Y) * s",             # ‖a − y‖², no ½
         "ce-general": "(A - Y) / (A * (1 - A)) * s"}
SCALES = {"mean": "1 / m", "sum": "1"}


def code(dz: str, reduction: str = "mean"):
    space: dict = {}
    exec(TEMPLATE.replace("{DZ}", RULES[dz]).replace("{SCALE}", SCALES[reduction]), space)
    return space["backward"]


def float_cost(name, reduction, W, b, x, y):
    a = x
    for w, c in zip(W, b):
        a = 1 / (1 + np.exp(-(w @ a + c)))
    per = {"half-squared": 0.5 * ((a - y) ** 2).sum(axis=0),
           "squared": ((a - y) ** 2).sum(axis=0),
           "cross-entropy": -(y * np.log(a) + (1 - y) * np.log(1 - a)).sum(axis=0)}[name]
    return per.mean() if reduction == "mean" else per.sum()


def matches_floats(backward, cost, reduction, N=3) -> bool:
    """The code's gradient against central differences of `cost` (to-from, 2,3,2)."""
    rng = np.random.default_rng(5)
    widths = (2, 3, 2)
    W = [rng.normal(size=(m, n)) for n, m in zip(widths, widths[1:])]
    b = [rng.normal(size=(m, 1)) for m in widths[1:]]
    x, y = rng.normal(size=(2, N)), rng.uniform(0.1, 0.9, size=(2, N))
    gw, gb = backward([w.copy() for w in W], [c.copy() for c in b], x, y)
    h = 1e-6
    for params, grads in ((W, gw), (b, gb)):
        for l in range(len(params)):
            for idx in np.ndindex(params[l].shape):
                old = params[l][idx]
                params[l][idx] = old + h
                up = float_cost(cost, reduction, W, b, x, y)
                params[l][idx] = old - h
                dn = float_cost(cost, reduction, W, b, x, y)
                params[l][idx] = old
                if abs((up - dn) / (2 * h) - grads[l][idx]) > 1e-6:
                    return False
    return True


def grade(backward, cost, reduction="mean"):
    return check_implementation(backward, (2, 3, 2), "sigmoid", "to-from", 2, cost=cost,
                                reduction=reduction, detect=False).status


# (code, reduction, cost graded under, expected verdict)
CASES = [
    ("ce-sigmoid", "mean", "cross-entropy", "proved"),
    ("ce-general", "mean", "cross-entropy", "proved"),
    ("ce-sigmoid", "sum", "cross-entropy", "proved"),
    ("ce-sigmoid", "mean", "half-squared", "refuted"),   # Ng's rule is not the squared error's
    ("ce-sigmoid", "mean", "squared", "refuted"),
    ("half", "mean", "cross-entropy", "refuted"),        # a squared-error pass under CE
    ("squared", "mean", "cross-entropy", "refuted"),
    ("half", "mean", "half-squared", "proved"),
    ("half", "mean", "squared", "refuted"),              # the missing factor 2
    ("squared", "mean", "squared", "proved"),
    ("squared", "sum", "squared", "proved"),
    ("ce-sigmoid", "sum", "cross-entropy@mean", "refuted"),  # sum graded as mean
    ("ce-sigmoid", "mean", "cross-entropy@sum", "refuted"),  # mean graded as sum
    ("half", "sum", "half-squared@mean", "refuted"),
]


def _marked(case):
    """A cross-entropy proof cancels rational functions in every entry of five calls
    (about a minute): slow; its refutations stop at the first call and stay fast."""
    slow = case[2].startswith("cross-entropy") and case[3] == "proved"
    return pytest.param(*case, marks=pytest.mark.slow) if slow else case


@pytest.mark.parametrize("dz, reduction, under, verdict", [_marked(c) for c in CASES])
def test_graded_against_the_chosen_cost(dz, reduction, under, verdict):
    cost, _, graded_reduction = under.partition("@")
    graded_reduction = graded_reduction or reduction
    backward = code(dz, reduction)
    # the independent reference agrees with the expected verdict
    assert matches_floats(backward, cost, graded_reduction) is (verdict == "proved")
    assert grade(backward, cost, graded_reduction) == verdict


def test_refutation_under_cross_entropy_has_a_witness_and_no_squared_error_hint():
    r = check_implementation(code("half"), (2, 3, 2), "sigmoid", "to-from", 2,
                             cost="cross-entropy", detect=False)
    assert r.status == "refuted"
    bad = r.first_failure
    assert bad.witness is not None
    assert not bad.hint


def test_l2_is_a_usage_error_naming_lambda():
    with pytest.raises(UsageError, match="λ"):
        check_implementation(code("half"), cost="half-squared", l2=True)


@pytest.mark.parametrize("kw", [{"cost": "hinge"}, {"reduction": "median"}])
def test_unknown_cost_or_reduction_is_a_usage_error(kw):
    with pytest.raises(UsageError):
        check_implementation(code("half"), **kw)
