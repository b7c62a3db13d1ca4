"""Correct NumPy code graded correct, wrong code still refuted (issue 20, grading):
floats that are the nearest double of a simple rational read as it; the weights' layout
detected; np.zeros(dtype=float); code that compares entries (np.where, np.clip,
np.maximum) checked at exact random rational points, never proved."""
import textwrap
from fractions import Fraction

import pytest

from backprop_sym.engine import implementation, transport
from backprop_sym.engine.implementation import check_implementation
from backprop_sym.engine.sym import simple

pytest.importorskip("numpy")

# a to-from sigmoid backward; SIG, SCALE, ZEROS, PRE and DSIG are filled in per test
TEMPLATE = """
import numpy as np

def sig(z):
    return SIG

def backward(weights, biases, x, y):
    m = x.shape[1]
    scale = SCALE
    a = [x]
    for W, b in zip(weights, biases):
        z = W @ a[-1] + b
        z = PRE
        a.append(sig(z))
    gw = [ZEROS(W.shape) for W in weights]
    gb = [ZEROS(b.shape) for b in biases]
    d = (a[-1] - y) * a[-1] * (1 - a[-1])
    for l in range(len(weights) - 1, -1, -1):
        gw[l] = scale * (d @ a[l].T)
        gb[l] = scale * d.sum(axis=1, keepdims=True)
        if l:
            d = (weights[l].T @ d) * DSIG
    return gw, gb
"""
PLAIN = {"SIG": "1 / (1 + np.exp(-z))", "SCALE": "1 / m", "ZEROS": "np.zeros",
         "PRE": "z", "DSIG": "a[l] * (1 - a[l])"}
SAFE = "np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))"


def code(**parts):
    text = TEMPLATE
    for k, v in sorted({**PLAIN, **parts}.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(k, v)                   # DSIG before SIG
    ns: dict = {}
    exec(textwrap.dedent(text), ns)
    return ns["backward"]


def to_from_on_floats(backward, N):
    """Independent reference: the code on float64 arrays against central differences of
    the mean cost, to-from (so a test case that is itself wrong fails here)."""
    import numpy as np
    rng = np.random.default_rng(3)
    widths = (2, 3, 2)
    W = [rng.normal(size=(m, n)) for n, m in zip(widths, widths[1:])]
    b = [rng.normal(size=(m, 1)) for m in widths[1:]]
    x, y = rng.normal(size=(2, N)), rng.normal(size=(2, N))

    def cost(W, b):
        a = x
        for w, c in zip(W, b):
            a = 1 / (1 + np.exp(-(w @ a + c)))
        return 0.5 * ((a - y) ** 2).sum() / N
    gw, _ = backward([w.copy() for w in W], [c.copy() for c in b], x, y)
    h = 1e-6
    for l in range(len(W)):
        for idx in np.ndindex(W[l].shape):
            up = [w.copy() for w in W]
            dn = [w.copy() for w in W]
            up[l][idx] += h
            dn[l][idx] -= h
            assert abs((cost(up, b) - cost(dn, b)) / (2 * h) - gw[l][idx]) < 1e-6


# ---------------------------------------------------------------- floats as simple rationals

def test_simple_reads_only_the_nearest_double():
    for p, q in ((1, 3), (1, 10), (2, 7), (-5, 9), (999, 1000)):
        f = p / q
        assert simple(Fraction(f), f) == Fraction(p, q)
    for f in (0.3333333, 1 / 3 + 2 ** -52, 0.1 + 0.2, 1e-9, 2.0 ** 30 + 1 / 3):
        r = simple(Fraction(f), f)
        assert r is None or r == Fraction(f), f


SCALES = [(3, "1.0 / m"), (7, "2.0 / m * 0.5"), (6, "np.float64(1.0) / m"),
          (9, "(1 / m) * 1.0")]


@pytest.mark.parametrize("N,scale", SCALES)
def test_float_scale_that_is_a_simple_rational_is_proved(N, scale):
    backward = code(SCALE=scale)
    to_from_on_floats(backward, N)
    r = check_implementation(backward, (2, 3, 2), "sigmoid", "to-from", N)
    assert r.status == "proved", r.summary()
    assert any(n.startswith("read ") and f"as 1/{N}" in n for n in r.notes), r.notes
    assert "notes" in r.to_json() and r.to_json()["notes"] == r.notes


WRONG_SCALES = [(3, "1.0 / (m - 1)"),       # 1/2 where 1/3 is due: a simple rational, wrong
                (3, "0.333"),               # 333/1000, not 1/3
                (3, "0.3333333"),           # not the nearest double of any simple rational
                (7, "0.14285714285714"),    # close to 1/7, not its nearest double
                (3, "1.0 / m + 1e-12")]


@pytest.mark.parametrize("N,scale", WRONG_SCALES)
def test_float_scale_that_is_not_the_rational_is_refuted(N, scale):
    r = check_implementation(code(SCALE=scale), (2, 3, 2), "sigmoid", "to-from", N)
    assert r.status == "refuted", r.summary()


# ---------------------------------------------------------------- the weights' layout

def test_to_from_code_under_the_default_convention_is_detected():
    backward = code()
    for widths in ((2, 3, 2), (2, 2, 2), (3, 2)):
        r = check_implementation(backward, widths, "sigmoid", samples=2)
        assert r.status == "proved", r.summary()
        assert r.shape.convention == "to-from"
        assert any("W[out, in] (to-from)" in n for n in r.notes), r.notes


def test_from_to_code_given_to_from_is_detected():
    global TEMPLATE
    saved = TEMPLATE
    TEMPLATE = (TEMPLATE.replace("W @ a[-1]", "W.T @ a[-1]")
                .replace("weights[l].T @ d", "weights[l] @ d").replace("d @ a[l].T", "a[l] @ d.T"))
    try:
        backward = code()
    finally:
        TEMPLATE = saved
    r = check_implementation(backward, (2, 3, 2), "sigmoid", "to-from", 2)
    assert r.status == "proved", r.summary()
    assert r.shape.convention == "from-to"
    assert any("W[in, out] (from-to)" in n for n in r.notes)


def test_without_detection_the_given_convention_stays():
    r = check_implementation(code(), (2, 3, 2), "sigmoid", samples=2, detect=False)
    assert r.status == "error"
    assert r.shape.convention == "from-to"


def test_wrong_code_in_the_other_layout_is_refuted_not_error():
    r = check_implementation(code(DSIG="1"), (2, 3, 2), "sigmoid", samples=2)
    assert r.status == "refuted", r.summary()
    assert r.shape.convention == "to-from"


def test_shapes_wrong_under_both_layouts_is_an_error_in_words():
    backward = code(DSIG="a[l].T * (1 - a[l])")       # (1,3)*(3,2)... fails both ways
    r = check_implementation(backward, (2, 3, 2), "sigmoid", samples=2)
    assert r.status == "error", r.summary()
    text = r.summary()
    assert "gufunc" not in text and "core dimension" not in text
    assert "either layout" in text and "shapes do not" in text


def test_a_forged_convention_is_malformed():
    calls = implementation.plan((2, 3, 2), "sigmoid", "from-to", 2, detect=False)
    real = transport.load(implementation.record(code(), implementation.flipped(calls)))
    forged = transport.encode({**real, "convention": "to-from"})
    assert implementation.judge(forged, calls).status == "error"


# ---------------------------------------------------------------- dtype=float, comparisons

def test_zeros_with_dtype_float_filled_in_place_is_proved():
    global TEMPLATE
    saved = TEMPLATE
    TEMPLATE = TEMPLATE.replace("gw[l] = ", "gw[l][...] = ").replace("gb[l] = ", "gb[l][...] = ")
    try:
        for zeros in ("(lambda s: np.zeros(s, dtype=float))",
                      "(lambda s: np.zeros(s, np.float64))",
                      "(lambda s: np.zeros_like(np.empty(s), dtype='float64'))"):
            backward = code(ZEROS=zeros)
            to_from_on_floats(backward, 2)
            r = check_implementation(backward, (2, 3, 2), "sigmoid", "to-from", 2)
            assert r.status == "proved", (zeros, r.summary())
    finally:
        TEMPLATE = saved


BRANCHING = {
    "where": {"SIG": SAFE},
    "clip": {"PRE": "np.clip(z, -500, 500)"},
    "maximum": {"PRE": "np.maximum(z, -500.0)"},
    "abs": {"SIG": "np.where(z >= 0, 1, np.exp(-np.abs(z))) / (1 + np.exp(-np.abs(z)))"},
}


@pytest.mark.parametrize("name", sorted(BRANCHING))
def test_code_that_compares_is_exact_at_points_never_proved(name):
    backward = code(**BRANCHING[name])
    to_from_on_floats(backward, 2)
    r = check_implementation(backward, (2, 3, 2), "sigmoid", "to-from", 2)
    assert r.status == "unknown", r.summary()
    assert all(c.status == "unknown" and "exact at 5 random rational points" in c.reason
               for c in r.checks), r.summary()
    assert any("compares entries" in n for n in r.notes)


WRONG_BRANCHING = {
    "where, sum not mean": {"SIG": SAFE, "SCALE": "1"},
    "where, wrong negative branch": {
        "SIG": "np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(-z)))"},
    "clip, missing sigma'": {"PRE": "np.clip(z, -500, 500)", "DSIG": "1"},
    "maximum, clipped at 0": {"PRE": "np.maximum(z, 0)"},
}


@pytest.mark.parametrize("name", sorted(WRONG_BRANCHING))
def test_wrong_code_that_compares_is_refuted_at_a_point(name):
    r = check_implementation(code(**WRONG_BRANCHING[name]), (2, 3, 2), "sigmoid",
                             "to-from", 2)
    assert r.status == "refuted", r.summary()
    bad = r.first_failure
    assert bad.witness is not None and "point" in bad.reason
