"""Hints for a slip made in one place only (issue 20): a missing σ′ in one step of the
recursion, σ for σ′ in the output error only, a transposed W in one step of the
recursion; the hint names the place. Verdicts stay refuted."""
import pytest

from backprop_sym.engine.implementation import check_implementation
from test_impl_exact import code

pytest.importorskip("numpy")

CASES = [
    # (widths, parts, the place the hint must name)
    ((2, 3, 2), {"DSIG": "1"}, "added in the error recursion into layer 1 only"),
    ((2, 2, 3, 2), {"DSIG": "(1 if l == 1 else a[l] * (1 - a[l]))"},
     "added in the error recursion into layer 1 only"),
    ((2, 2, 3, 2), {"DSIG": "(1 if l == 2 else a[l] * (1 - a[l]))"},
     "added in the error recursion into layer 2 only"),
    ((2, 2, 3, 2), {"DSIG": "(a[l] if l == 2 else a[l] * (1 - a[l]))"},
     "f' instead of f in the error recursion into layer 2 only"),
    ((2, 3, 3, 2), {"DSIG": "(1 if l == 2 else a[l] * (1 - a[l]))"},
     "added in the error recursion into layer 2 only"),
]


@pytest.mark.parametrize("widths,parts,place", CASES)
def test_a_slip_in_one_place_gets_a_hint_naming_it(widths, parts, place):
    r = check_implementation(code(**parts), widths, "sigmoid", "to-from", 2)
    assert r.status == "refuted", r.summary()
    hints = {c.hint for c in r.checks if c.status == "refuted"}
    assert any(h and place in h for h in hints), (hints, r.summary())


def test_output_error_only_slip_names_the_output():
    import test_impl_exact as T
    text = T.TEMPLATE.replace("d = (a[-1] - y) * a[-1] * (1 - a[-1])", "d = (a[-1] - y)")
    saved, T.TEMPLATE = T.TEMPLATE, text
    try:
        backward = T.code()
    finally:
        T.TEMPLATE = saved
    r = check_implementation(backward, (2, 3, 2), "sigmoid", "to-from", 2)
    assert r.status == "refuted"
    hints = {c.hint for c in r.checks if c.status == "refuted"}
    assert any(h and "in the output error only" in h for h in hints), hints


def test_untransposed_weights_in_one_step_of_the_recursion():
    import test_impl_exact as T
    text = T.TEMPLATE.replace("d = (weights[l].T @ d)",
                              "d = ((weights[l] if l == 2 else weights[l].T) @ d)")
    saved, T.TEMPLATE = T.TEMPLATE, text
    try:
        backward = T.code()
    finally:
        T.TEMPLATE = saved
    r = check_implementation(backward, (3, 3, 3, 3), "sigmoid", "to-from", 2)
    assert r.status == "refuted", r.summary()
    hints = {c.hint for c in r.checks if c.status == "refuted"}
    assert any(h and "(w^3)^T in the error recursion from layer 3 to layer 2 only" in h
               for h in hints), hints
