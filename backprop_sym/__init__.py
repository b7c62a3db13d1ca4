"""backprop-sym: exact, symbolic verification of the backpropagation rules."""
from .engine.network import Network, Shape, ShapeError
from .engine.implementation import check_implementation
from .engine.verify import Check, Result, plan, verify
from .engine.prove import prove

__version__ = "0.1.0"
__all__ = ["Network", "Shape", "ShapeError", "Check", "Result", "plan", "verify",
           "check_implementation", "prove", "__version__"]
