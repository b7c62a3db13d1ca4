"""A refutation's witness as NumPy code in the submission's own layout (W1 = np.array(...),
b1, x, y, the call), with the expected and the returned gradient there side by side: the
printed code, pasted and run with the student's function, gives a gradient that differs
from an independent reference (a hand-written NumPy backward), and the two printed
gradients are that reference's and the code's. Also in grade's JSON, CSV, feedback file
and text."""
import csv
import json
import re

import numpy as np
import pytest

from backprop_sym.engine.implementation import check_implementation
from support import GOOD_BACKWARD as GOOD, cli_process, to_from_backward


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def reference(weights, biases, x, y, to_from, f=None, fprime=None):
    """The exact gradient of (1/N) sum 1/2 ||a^L - y||^2, by hand, in float64."""
    f = f or sigmoid
    fprime = fprime or (lambda z: sigmoid(z) * (1 - sigmoid(z)))
    Ws = list(weights) if to_from else [W.T for W in weights]
    N = x.shape[1]
    a, zs = [x], []
    for W, b in zip(Ws, biases):
        zs.append(W @ a[-1] + b)
        a.append(f(zs[-1]))
    d = (a[-1] - y) * fprime(zs[-1])
    gW, gb = [None] * len(Ws), [None] * len(Ws)
    for l in reversed(range(len(Ws))):
        gW[l] = d @ a[l].T / N
        gb[l] = d.sum(axis=1, keepdims=True) / N
        if l:
            d = (Ws[l].T @ d) * fprime(zs[l - 1])
    return (gW if to_from else [g.T for g in gW]), gb


FROM_TO = GOOD.replace("w @ a[-1]", "w.T @ a[-1]").replace(
    "gw[l] = d @ a[l].T", "gw[l] = a[l] @ d.T").replace("weights[l].T @ d", "weights[l] @ d")
GENERIC_FROM_TO = """
import numpy as np
def backward(weights, biases, x, y, f, fprime):
    a, zs = [x], []
    for w, b in zip(weights, biases):
        zs.append(w.T @ a[-1] + b); a.append(f(zs[-1]))
    d = (a[-1] - y) * fprime(zs[-1])
    gw, gb = [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        gw[l] = a[l] @ d.T / x.shape[1]
        gb[l] = d.sum(axis=1, keepdims=True) / x.shape[1]
        if l:
            d = (weights[l] @ d) * FACTOR
    return gw, gb
"""
WRONG = {   # name: (source, convention given or None, activation, to_from, what fails)
    "hidden sigma' missing": (GOOD.replace("d = (weights[l].T @ d) * a[l] * (1 - a[l])",
                                           "d = weights[l].T @ d"), "to-from", "sigmoid",
                              True, "call 1"),
    "sign, from-to": (FROM_TO.replace("(a[-1] - y)", "(y - a[-1])"), "from-to", "sigmoid",
                      False, "call 1"),
    "f for f', generic": (GENERIC_FROM_TO.replace("FACTOR", "f(zs[l - 1])"), "from-to", "f",
                          False, "call 1"),
    "sum for mean, detected": (GOOD.replace("/ x.shape[1]", ""), None, "sigmoid", True,
                               "call 1"),
    "wrong at N=3 only": (to_from_backward("s = s * 2 if s.shape[1] == 3 else s"), None,
                          "sigmoid", True, "call 3"),
    "wrong on float64 only": (to_from_backward(
        "s = s * 2 if getattr(s, 'dtype', None) == np.float64 else s"), "to-from",
        "sigmoid", True, "call 5"),
}


def run_pasted(code: str, source: str):
    scope: dict = {}
    exec(source, scope)
    exec(code, scope)
    return scope


def printed(code: str, which: str, name: str):
    """A printed gradient (a comment line) as floats."""
    m = re.search(rf"#   {re.escape(name)} {which}: (.*)", code)
    assert m, code
    return np.array(eval(m.group(1)), dtype=float)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_the_pasted_witness_gives_a_gradient_that_differs(name):
    source, convention, activation, to_from, where = WRONG[name]
    scope: dict = {}
    exec(source, scope)
    r = check_implementation(scope["backward"], (2, 3, 2), activation,
                             convention or "from-to", 2, detect=convention is None)
    assert r.status == "refuted" and r.failed_call.startswith(where), r.summary()
    code = r.arrays
    assert code and "W1 = np.array([[" in code, r.summary()
    pasted = run_pasted(code, source)
    W = [v for k, v in sorted(pasted.items()) if re.fullmatch(r"W\d", k)]
    b = [v for k, v in sorted(pasted.items()) if re.fullmatch(r"b\d", k)]
    x, y = pasted["x"], pasted["y"]
    # the student's layout: to-from W is n_l x n_{l-1}; from-to n_{l-1} x n_l
    widths = [x.shape[0]] + [v.shape[0] for v in b]
    for l, w in enumerate(W, 1):
        want = (widths[l], widths[l - 1]) if to_from else (widths[l - 1], widths[l])
        assert w.shape == want, (name, w.shape, want)
    kw = {"f": pasted["f"], "fprime": pasted["fprime"]} if activation == "f" else {}
    expected = reference(W, b, x, y, to_from, **kw)
    got = pasted["grad_weights"], pasted["grad_biases"]
    flat = lambda g: np.concatenate([np.ravel(a) for a in g[0] + g[1]])  # noqa: E731
    assert not np.allclose(flat(got), flat(expected), rtol=1e-9, atol=1e-12), code
    for l in range(len(W)):                  # the printed gradients are these
        for key, g, e in (("grad_weights", got[0][l], expected[0][l]),
                          ("grad_biases", got[1][l], expected[1][l])):
            label = f"{key}[{l}]"
            assert np.allclose(printed(code, "expected", label).ravel(), np.ravel(e),
                               rtol=1e-9, atol=1e-12), (label, code)
            assert np.allclose(printed(code, "returned", label).ravel(), np.ravel(g),
                               rtol=1e-9, atol=1e-12), (label, code)


def test_correct_code_has_no_witness_arrays():
    scope: dict = {}
    exec(GOOD, scope)
    r = check_implementation(scope["backward"], (2, 3, 2), "sigmoid", "to-from", 2)
    assert r.status == "proved" and r.arrays is None
    assert r.to_json()["witness_arrays"] is None


def test_grade_writes_the_arrays_in_json_csv_feedback_and_text(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    source = GOOD.replace("d = (weights[l].T @ d) * a[l] * (1 - a[l])", "d = weights[l].T @ d")
    (subs / "alice.py").write_text(source)
    (subs / "bob.py").write_text(GOOD)
    out = cli_process("grade", subs, "--json", "--csv", tmp_path / "g.csv",
                      "--feedback", tmp_path / "fb", "--timeout", "30")
    rows = {r["student"]: r for r in json.loads(out.stdout)["submissions"]}
    assert rows["bob"]["witness_arrays"] is None
    code = rows["alice"]["witness_arrays"]
    assert "W1 = np.array" in code and "grad_weights, grad_biases = backward(" in code
    with open(tmp_path / "g.csv", encoding="utf-8-sig", newline="") as fh:
        cells = {c["student"]: c for c in csv.DictReader(fh)}
    assert cells["alice"]["witness_arrays"] == code and cells["bob"]["witness_arrays"] == ""
    feedback = (tmp_path / "fb" / "alice.md").read_text(encoding="utf-8")
    block = feedback.split("```python\n", 1)[1].split("\n```", 1)[0]
    assert block == code
    pasted = run_pasted(block, source)
    expected = reference([pasted["W1"], pasted["W2"]], [pasted["b1"], pasted["b2"]],
                         pasted["x"], pasted["y"], to_from=True)
    assert not all(np.allclose(g, e) for g, e in zip(pasted["grad_weights"], expected[0]))
    text = cli_process("grade", subs, "--timeout", "30").stdout
    assert "the witness in NumPy" in text and "W1 = np.array" in text
