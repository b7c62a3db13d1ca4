"""The run-time estimate is in the right range for wide, deep and square shapes.

Measured on the project's 2-core machine with benchmarks/calibrate_estimate.py (one
process, SymEngine): the estimate must stay within a factor of about 2 of these, and
wide, shallow nets (once 30-100x low) must be warned about.
"""
import pytest

from backprop_sym.engine.estimate import WARN_SECONDS, cores, estimate_seconds
from backprop_sym.engine.network import Shape

MEASURED_SYMENGINE = {   # widths -> seconds, one process (reverse-mode derivatives,
    # measured at load average about 6)
    "20,20": 0.16, "60,60": 2.68, "80,80": 4.32, "30,30,30": 2.16,
    "10,10,10,10": 0.42, "8,8,8,8,8": 0.44, "3,3,3,3,3,3,3": 0.074,
    "8,8,8,8,8,8": 0.74, "10,10,10,10,10,10": 2.51,
}


@pytest.mark.parametrize("widths,seconds", MEASURED_SYMENGINE.items())
def test_estimate_within_a_factor_of_about_two(widths, seconds):
    est = estimate_seconds(Shape.make(widths, "f"), "symengine", jobs=1)
    assert seconds / 2.5 < est < seconds * 2.5


@pytest.mark.parametrize("widths", ["200,200", "120,120,120"])
def test_wide_shallow_nets_are_warned_about(widths):
    assert estimate_seconds(Shape.make(widths, "f"), "symengine") > WARN_SECONDS


def test_more_jobs_than_cores_are_not_counted():
    shape = Shape.make("60,60", "f")
    assert estimate_seconds(shape, "symengine", jobs=40) == \
        estimate_seconds(shape, "symengine", jobs=cores())
