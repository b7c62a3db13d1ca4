"""The defaults of checking a user's backward pass: the network `check_implementation`
runs it on, which are also `backprop-sym grade`'s (its options take these constants), so
that a test written with the defaults checks what the grader checks. Plain values, no
SymPy: the CLI shows them in --help."""
# the cost and reduction have their home in engine.costs (which imports no SymPy)
from .costs import DEFAULT as DEFAULT_COST
from .costs import DEFAULT_REDUCTION

__all__ = ["DEFAULT_ACTIVATION", "DEFAULT_CONVENTION", "DEFAULT_COST", "DEFAULT_REDUCTION",
           "DEFAULT_SAMPLES", "DEFAULT_WIDTHS"]

DEFAULT_WIDTHS = (2, 3, 2)
DEFAULT_ACTIVATION = "sigmoid"
DEFAULT_CONVENTION = "from-to"
DEFAULT_SAMPLES = 2     # one example would hide a sum taken for the mean
