"""Hints survive a shape problem elsewhere: code that fails in both weight layouts (one
layer returned with the wrong shape) is graded in the layout where less of it fails, so
its other layers still get verdicts and the hints that apply; the note names both
layouts' errors."""
import json

import pytest

from backprop_sym.engine.implementation import check_implementation
from support import GOOD_BACKWARD as GOOD, cli_process

HIDDEN = ("d = (weights[l].T @ d) * a[l] * (1 - a[l])", "d = weights[l].T @ d")
HIDDEN_F = ("d = (weights[l].T @ d) * a[l] * (1 - a[l])", "d = (weights[l].T @ d) * a[l]")
SIGN = ("(a[-1] - y)", "(y - a[-1])")
MEAN = ("gw[l] = d @ a[l].T / x.shape[1]", "gw[l] = d @ a[l].T")


def broken(slip, shape_bug):
    return GOOD.replace(*slip).replace("    return gw, gb", f"    {shape_bug}\n    return gw, gb")


CASES = {   # (source, a refuted layer's first entry, words of its hint)
    "hidden f' missing, b^2 too long": (broken(HIDDEN, "gb[1] = np.zeros((5, 1))"),
                                        "w^1", "recursion into layer 1"),
    "f for f', w^2 cut": (broken(HIDDEN_F, "gw[1] = gw[1][:, :2]"), "w^1",
                          "recursion into layer 1"),
    "sign, b^1 a scalar": (broken(SIGN, "gb[0] = gb[0].sum()"), "w^1", "sign"),
    "mean, b^2 too long": (broken(MEAN, "gb[1] = np.zeros(7)"), "w^2", "1/N"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hints_that_still_apply_are_given(name):
    source, layer, words = CASES[name]
    scope: dict = {}
    exec(source, scope)
    # the default layout (from-to) is tried first: this to-from code raises there
    r = check_implementation(scope["backward"], (2, 3, 2), "sigmoid")
    assert r.status == "refuted", r.summary()
    assert r.shape.convention == "to-from", r.summary()
    hinted = [c for c in r.checks if c.status == "refuted" and
              f"{'w' if c.rule == 'weight_grad' else 'b'}^{c.layer}" == layer]
    assert hinted and all(c.hint and words in c.hint for c in hinted), r.summary()
    assert any(c.status == "error" for c in r.checks), r.summary()
    note = next(n for n in r.notes if "either layout" in n)
    assert "graded with W[out, in] (to-from)" in note and "from-to" in note, note


def test_code_failing_alike_in_both_layouts_keeps_the_first():
    def backward(weights, biases, x, y):
        raise ValueError("nothing works")
    r = check_implementation(backward, (2, 3, 2), "sigmoid")
    assert r.status == "error" and r.shape.convention == "from-to", r.summary()


def test_grade_gives_the_hint(tmp_path):
    (tmp_path / "alice.py").write_text(CASES["hidden f' missing, b^2 too long"][0])
    row = json.loads(cli_process("grade", tmp_path / "alice.py", "--json", "--timeout",
                                 "30").stdout)["submissions"][0]
    assert row["status"] == "refuted" and "recursion into layer 1" in row["hint"], row
