"""--cost/--reduction/--l2 on report and grade: report refuses any cost it cannot state
(exit 2, no file written), grade takes --cost/--reduction and refuses --l2 (exit 2)."""
import textwrap

import pytest
from click.testing import CliRunner

from backprop_sym.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("args, named", [
    (["--cost", "cross-entropy"], "--cost cross-entropy"),
    (["--cost", "squared"], "--cost squared"),
    (["--reduction", "sum"], "--reduction sum"),
    (["--l2"], "--l2"),
    (["--cost", "squared", "--l2"], "--cost squared --l2"),
])
def test_report_with_another_cost_is_a_usage_error_and_writes_nothing(tmp_path, args, named):
    out = tmp_path / "r.tex"
    r = run("report", "--widths", "2,2", *args, "-o", out)
    assert r.exit_code == 2, r.output
    assert named in r.output and "report supports only" in r.output
    assert "Traceback" not in r.output
    assert not out.exists()


def test_report_and_grade_help_list_the_costs():
    for command in ("report", "grade"):
        text = run(command, "--help").output
        for word in ("--cost", "cross-entropy", "--reduction", "--l2"):
            assert word in text, (command, word)


CE_SIGMOID = textwrap.dedent("""
    import numpy as np

    def backward(weights, biases, x, y):
        m = x.shape[1]
        a = [x]
        for w, c in zip(weights, biases):
            a.append(1 / (1 + np.exp(-(w @ a[-1] + c))))
        dZ = a[-1] - y
        gw, gb = [None] * len(weights), [None] * len(weights)
        for l in reversed(range(len(weights))):
            gw[l] = dZ @ a[l].T / m
            gb[l] = np.sum(dZ, axis=1, keepdims=True) / m
            if l > 0:
                dZ = (weights[l].T @ dZ) * a[l] * (1 - a[l])
        return gw, gb
    """)


@pytest.fixture
def submission(tmp_path):
    pytest.importorskip("numpy")
    path = tmp_path / "ng.py"
    path.write_text(CE_SIGMOID)
    return path


def test_grade_l2_is_a_usage_error_naming_lambda(submission):
    r = run("grade", submission, "--convention", "to-from", "--l2")
    assert r.exit_code == 2, r.output
    assert "--l2" in r.output and "λ" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("cost", ["half-squared", "squared"])
def test_grade_refutes_dz_a_minus_y_under_a_squared_error(submission, cost):
    r = run("grade", submission, "--convention", "to-from", "--widths", "2,2",
            "--cost", cost, "--timeout", "120", "--jobs", "1")
    assert r.exit_code == 1, r.output


@pytest.mark.slow
def test_grade_proves_dz_a_minus_y_under_cross_entropy(submission):
    r = run("grade", submission, "--convention", "to-from", "--widths", "2,2",
            "--cost", "cross-entropy", "--timeout", "300", "--jobs", "1")
    assert r.exit_code == 0, r.output


def test_grade_unknown_cost_is_a_usage_error(submission):
    r = run("grade", submission, "--cost", "hinge")
    assert r.exit_code == 2 and "hinge" in r.output
