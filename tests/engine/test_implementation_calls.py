"""check_implementation calls backward five times (two shapes, twice each, and once on
float64 arrays at an exact point): code right only on object arrays, only at the graded
widths or only on its first call is refuted, naming the call; the API's default catches a
gradient of the sum instead of the mean; correct code is still proved."""
import textwrap

import pytest

from backprop_sym.engine.implementation import check_implementation
from support import GOOD_BACKWARD as GOOD

pytest.importorskip("numpy")


def load(text, wrap=None):
    ns: dict = {}
    exec(textwrap.dedent(text), ns)
    if wrap is None:
        return ns["backward"]
    ns["_right"] = ns["backward"]
    exec(textwrap.dedent(wrap), ns)
    return ns["backward"]


def check(fn, **kw):
    return check_implementation(fn, (2, 3, 2), "sigmoid", "to-from", **kw)


# ---------------------------------------------------------------- right only on object arrays

ON_OBJECTS = {
    "dtype": """
        def backward(w, b, x, y):
            gw, gb = _right(w, b, x, y)
            if x.dtype != object:
                return [g * 0 for g in gw], gb
            return gw, gb
    """,
    "issubdtype": """
        def backward(w, b, x, y):
            gw, gb = _right(w, b, x, y)
            if np.issubdtype(x.dtype, np.floating):
                gb = [g * 1.5 for g in gb]
            return gw, gb
    """,
    "entry type": """
        def backward(w, b, x, y):
            gw, gb = _right(w, b, x, y)
            if isinstance(w[0].flat[0], float):
                gw = [-g for g in gw]
            return gw, gb
    """,
}


@pytest.mark.parametrize("name", sorted(ON_OBJECTS))
def test_right_only_on_object_arrays_is_refuted_on_floats(name):
    result = check(load(GOOD, ON_OBJECTS[name]))
    assert result.status == "refuted", result.summary()
    assert "float64" in result.failed_call
    bad = result.first_failure
    assert "np.array(" in bad.reason and bad.witness is not None


# ---------------------------------------------------------------- right only at the graded widths

AT_WIDTHS = {
    "inputs": """
        def backward(w, b, x, y):
            gw, gb = _right(w, b, x, y)
            if x.shape[0] != 2:
                return [g * 0 for g in gw], [g * 0 for g in gb]
            return gw, gb
    """,
    "weight shape": """
        def backward(w, b, x, y):
            gw, gb = _right(w, b, x, y)
            if w[0].shape != (3, 2):
                gw[0] = gw[0] * 2
            return gw, gb
    """,
    "examples": """
        def backward(w, b, x, y):
            gw, gb = _right(w, b, x, y)
            n = x.shape[1]
            return [g * n / 2 for g in gw], [g * n / 2 for g in gb]
    """,
}


@pytest.mark.parametrize("name", sorted(AT_WIDTHS))
def test_right_only_at_the_graded_widths_is_refuted(name):
    result = check(load(GOOD, AT_WIDTHS[name]))
    assert result.status == "refuted", result.summary()
    assert result.failed_call.startswith("call 3 of 5")


# ---------------------------------------------------------------- right on its first call only

FIRST_ONLY = {
    "counter": """
        CALLS = [0]
        def backward(w, b, x, y):
            CALLS[0] += 1
            gw, gb = _right(w, b, x, y)
            return (gw, gb) if CALLS[0] == 1 else ([g * 0 for g in gw], gb)
    """,
    "global flag": """
        STATE = {"seen": False}
        def backward(w, b, x, y):
            gw, gb = _right(w, b, x, y)
            if STATE["seen"]:
                gb = [-g for g in gb]
            STATE["seen"] = True
            return gw, gb
    """,
    "default argument": """
        def backward(w, b, x, y, _seen=[]):
            _seen.append(1)
            gw, gb = _right(w, b, x, y)
            return gw, [g * len(_seen) for g in gb]
    """,
}


@pytest.mark.parametrize("name", sorted(FIRST_ONLY))
def test_right_on_its_first_call_only_is_refuted(name):
    result = check(load(GOOD, FIRST_ONLY[name]))
    assert result.status == "refuted", result.summary()
    assert result.failed_call.startswith("call 2 of 5")
    assert "call 2 of 5" in result.summary() and "call 2 of 5" in repr(result)


# ---------------------------------------------------------------- the sum instead of the mean

def test_the_default_refutes_a_gradient_of_the_sum():
    summed = load(GOOD.replace(" / x.shape[1]", ""))
    result = check(summed)
    assert result.status == "refuted"
    assert result.shape.samples == 2
    # with one example asked for, the other shape still has two
    assert check(summed, samples=1).status == "refuted"


# ---------------------------------------------------------------- still proved

GENERIC = """
import numpy as np

def backward(weights, biases, x, y, f, fprime):
    a, z = [x], []
    for w, b in zip(weights, biases):
        z.append(w @ a[-1] + b)
        a.append(f(z[-1]))
    d = (a[-1] - y) * fprime(z[-1])
    gw, gb = [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        gw[l] = d @ a[l].T / x.shape[1]
        gb[l] = d.sum(axis=1, keepdims=True) / x.shape[1]
        if l:
            d = (weights[l].T @ d) * fprime(z[l - 1])
    return gw, gb
"""

LOOPS = """
import numpy as np

def backward(weights, biases, x, y):
    N = x.shape[1]
    gw = [np.zeros(w.shape) for w in weights]
    gb = [np.zeros(b.shape) for b in biases]
    for s in range(N):
        a = [x[:, s:s + 1]]
        for w, b in zip(weights, biases):
            a.append(1 / (1 + np.exp(-(w @ a[-1] + b))))
        d = (a[-1] - y[:, s:s + 1]) * a[-1] * (1 - a[-1])
        for l in reversed(range(len(weights))):
            gw[l] += d @ a[l].T * (1.0 / N) if N in (1, 2, 4) else d @ a[l].T / N
            gb[l] += d / N
            if l:
                d = (weights[l].T @ d) * a[l] * (1 - a[l])
    return gw, gb
"""


def test_correct_code_is_still_proved():
    for text in (GOOD, LOOPS):
        result = check(load(text))
        assert result.status == "proved", result.summary()
        assert result.failed_call is None and len(result.calls) == 4
    generic = check_implementation(load(GENERIC), (2, 3, 2), "f", "to-from")
    assert generic.status == "proved", generic.summary()
