"""The pytest plugin and backprop_sym.testing, run in temporary projects (pytester)."""
import numpy  # noqa: F401  (imported once: pytester's in-process runs cannot reimport it)
import pytest

from backprop_sym import check_implementation, verify
from backprop_sym.claims import check_claim
from backprop_sym.testing import NotProved, assert_proved

pytest_plugins = ["pytester"]

NOTES = r"""# My derivation

The output error:

$$
\Delta^L_j = (a^L_j - y_j) f'(z^L_j)
$$

A wrong recursion (missing transpose), and a chain whose second step drops f':

$$
\Delta^l_j = \sum_k w^{l+1}_{kj} \Delta^{l+1}_k f'(z^l_j)
$$

$$
\frac{\partial C}{\partial b^l_j} = \Delta^l_j = \frac{\partial C}{\partial z^l_j} f'(z^l_j)
$$

Not a claim about the network: $$ a \le b $$
"""


def _project(pytester, ini_extra=""):
    pytester.makefile(".md", notes=NOTES)
    pytester.makeini(f"[pytest]\nbackprop_derivations = notes.md\n{ini_extra}")


def test_derivation_claims_are_items(pytester):
    _project(pytester, "backprop_convention = from-to\n")   # else open, as `check` reads it
    result = pytester.runpytest("-v", "-rs")
    result.stdout.fnmatch_lines([
        "*notes.md::line 6 PASSED*",
        "*notes.md::line 12 FAILED*",
        "*notes.md::line 16 PASSED*",
        "*notes.md::line 16[[]2] FAILED*",
        "*notes.md::line 19 SKIPPED*",
    ])
    result.assert_outcomes(passed=2, failed=2, skipped=1)
    out = result.stdout.str()
    assert "refuted" in out and "witness:" in out and "(transpose)" in out
    assert "hint:" in out


def test_command_line_glob_and_ini_options(pytester):
    pytester.makefile(".md", notes=NOTES)
    result = pytester.runpytest("--backprop-derivations", "*.md", "-q")
    result.assert_outcomes(passed=2, failed=2, skipped=1)
    pytester.makeini("[pytest]\nbackprop_derivations = notes.md\n"
                     "backprop_convention = to-from\n")
    result = pytester.runpytest("-q")
    # under Nielsen's convention the transposed recursion is the right one
    result.assert_outcomes(passed=3, failed=1, skipped=1)
    pytester.makeini("[pytest]\nbackprop_derivations = notes.md\nbackprop_activation = swish\n")
    result = pytester.runpytest("-q")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "backprop_activation" in result.stderr.str()


def test_derivations_outside_testpaths_are_collected(pytester):
    pytester.mkdir("docs")
    pytester.path.joinpath("docs", "notes.md").write_text(NOTES)
    pytester.makepyfile(test_x="def test_ok():\n    pass\n")
    pytester.makeini("[pytest]\ntestpaths = test_x.py\nbackprop_derivations = docs/*.md\n")
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=3, failed=2, skipped=1)


def test_no_derivations_no_items(pytester):
    pytester.makefile(".md", notes=NOTES)
    pytester.makepyfile(test_x="def test_ok():\n    pass\n")
    pytester.runpytest("-q").assert_outcomes(passed=1)


USER_TESTS = r'''
import numpy as np
from backprop_sym import check_implementation, verify
from backprop_sym.claims import check_claim
from backprop_sym.testing import assert_proved


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def backward(weights, biases, x, y, sign=1):
    a, zs = [x], []
    for w, b in zip(weights, biases):
        zs.append(w @ a[-1] + b)
        a.append(sigmoid(zs[-1]))
    delta = sign * (a[-1] - y) * a[-1] * (1 - a[-1])
    gw, gb = [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        gw[l] = delta @ a[l].T / x.shape[1]
        gb[l] = delta.sum(axis=1, keepdims=True) / x.shape[1]
        if l:
            delta = (weights[l].T @ delta) * a[l] * (1 - a[l])
    return gw, gb


def test_my_rule():
    assert_proved(check_claim(r"\Delta^l_j = \sum_k w^{l+1}_{jk} \Delta^{l+1}_k f'(z^l_j)"))


def test_my_backward():
    assert_proved(check_implementation(backward, [2, 3, 2], "sigmoid", "to-from", samples=2))


def test_my_wrong_backward():
    wrong = lambda *args: backward(*args, sign=-1)
    assert_proved(check_implementation(wrong, [2, 3, 2], "sigmoid", "to-from"))


def test_plain_assert():
    wrong = lambda *args: backward(*args, sign=-1)
    result = check_implementation(wrong, [2, 3, 2], "sigmoid", "to-from")
    assert result
'''


@pytest.mark.slow
def test_user_tests_with_assert_proved(pytester):
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=2, failed=2)
    out = result.stdout.str()
    assert "NotProved: not proved: refuted" in out
    assert "first: weight_grad ∂C/∂w^1_11: refuted" in out
    assert "hint: holds with the sign flipped" in out and "witness:" in out
    # the repr that a plain assert shows
    assert ("<ImplementationResult refuted at ∂C/∂w^1_11 "
            "(hint: holds with the sign flipped)") in out


def test_assert_proved_on_each_kind_of_result():
    assert_proved(verify(__import__("backprop_sym").Network([2, 2])))
    assert_proved(check_claim(r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j)"))
    with pytest.raises(NotProved, match="hint: holds if"):
        assert_proved(check_claim(r"\Delta^l_j = \sum_k w^{l+1}_{kj} \Delta^{l+1}_k f'(z^l_j)"))
    with pytest.raises(NotProved, match="no claim was checked"):
        assert_proved(check_claim(r"a \le b"))
    with pytest.raises(NotProved, match="unknown"):
        assert_proved(verify(__import__("backprop_sym").Network([3, 3, 3]), timeout=1e-6))
    with pytest.raises(TypeError):
        assert_proved("proved")

    def raises(weights, biases, x, y):
        raise RuntimeError("not written yet")
    with pytest.raises(NotProved, match="not written yet"):
        assert_proved(check_implementation(raises, [2, 2], "sigmoid"))


def test_assertrepr_compare_explains_results(pytester):
    pytester.makepyfile(test_cmp=r'''
from backprop_sym import check_implementation

def test_cmp():
    result = check_implementation(lambda w, b, x, y: ([0 * v for v in w], b), [2, 2], "tanh")
    assert result == "proved"
''')
    result = pytester.runpytest("-q")
    result.assert_outcomes(failed=1)
    assert "first: weight_grad" in result.stdout.str()
