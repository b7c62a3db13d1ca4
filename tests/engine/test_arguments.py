"""The public API's numeric arguments are validated once (engine.arguments), with a
UsageError naming the argument and what is expected; the CLI's types use the same rule."""
import pytest

import backprop_sym as B
from backprop_sym.engine import arguments
from backprop_sym.engine.errors import UsageError
from support import cli

SHAPE = ((2, 2),)


@pytest.mark.parametrize("value", [float("nan"), -1, 0, True, False, "5", [1], -float("inf")])
def test_verify_refuses_a_bad_timeout_naming_it(value):
    with pytest.raises(UsageError, match="timeout = .*positive, finite number of seconds"):
        B.verify(B.Shape.make(*SHAPE), timeout=value)


@pytest.mark.parametrize("value", [0, -2, True, 1.5, "2"])
def test_verify_refuses_bad_jobs_naming_them(value):
    with pytest.raises(UsageError, match="jobs = "):
        B.verify(B.Shape.make(*SHAPE), jobs=value)


def test_verify_takes_good_limits():
    shape = B.Shape.make(*SHAPE)
    assert B.verify(shape, timeout=60, jobs=1).status == "proved"
    assert B.verify(shape, timeout=float("inf")).status == "proved"   # no limit, as before


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 0, -1e-9, True, None])
def test_seconds_refuses(value):
    with pytest.raises(UsageError, match="budget = "):
        arguments.seconds(value, "budget", optional=False)


def test_seconds_and_counts_take_good_values():
    assert arguments.seconds(None, "t") is None
    assert arguments.seconds(2, "t") == 2.0 and arguments.seconds(0.5, "t") == 0.5
    assert arguments.count(3, "n") == 3
    assert arguments.counts([1, 2], "n") == (1, 2)


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-3"])
def test_the_cli_uses_the_same_rule(value):
    r = cli("verify", "--widths", "2,2", "--timeout", value)
    assert r.exit_code == 2 and "--timeout must be a positive, finite number" in r.output
