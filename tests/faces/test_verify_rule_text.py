"""The rule lines `backprop-sym verify` prints state the rules as checked: under a cost,
reduction or L2 other than the defaults, not the half-squared, averaged registry text
(review R1: `--cost cross-entropy` printed Δ^L_j = (a^L_j - y_j) f'(z^L_j))."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from backprop_sym.engine import rules


def run(*args):
    from backprop_sym.cli import main
    return CliRunner().invoke(main, ["verify", "--widths", "2,2", *args]).output


@pytest.mark.parametrize("args,kind", [
    (("--activation", "sigmoid", "--cost", "cross-entropy"), "output_delta"),
    (("--cost", "squared"), "output_delta"),
    (("--reduction", "sum"), "weight_grad"),
    (("--reduction", "sum"), "bias_grad"),
    (("--l2",), "weight_grad"),
    (("--cost", "cross-entropy", "--convention", "to-from"), "output_delta"),
])
def test_rule_lines_state_the_cost_reduction_and_l2(args, kind):
    out = run(*args)
    opts = dict(zip(args[::2], args[1::2]))
    conv = opts.get("--convention", "from-to")
    text = rules.statement(kind, conv, opts.get("--cost", "half-squared"),
                           opts.get("--reduction", "mean"), "--l2" in args)[1]
    line = next(ln for ln in out.splitlines() if ln.strip().startswith(kind))
    assert line.split(None, 1)[1] == text, out
    assert text != rules.get(kind, conv).text


@pytest.mark.parametrize("conv", ["from-to", "to-from"])
def test_default_rule_lines_are_unchanged(conv):
    out = run("--convention", conv)
    for kind in ("output_delta", "weight_grad", "bias_grad"):
        line = next(ln for ln in out.splitlines() if ln.strip().startswith(kind))
        assert line.split(None, 1)[1] == rules.get(kind, conv).text, out
