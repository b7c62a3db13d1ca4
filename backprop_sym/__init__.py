"""backprop-sym: exact, symbolic verification of the backpropagation rules."""
from .network import Network, Shape, ShapeError
from .verify import Check, Result, plan, verify

__version__ = "0.1.0"
__all__ = ["Network", "Shape", "ShapeError", "Check", "Result", "plan", "verify", "__version__"]
