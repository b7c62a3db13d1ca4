"""backprop-sym: exact, symbolic verification of the backpropagation rules.

The public API; each name is imported when first used, so that `import backprop_sym`
(and `backprop-sym --help`) do not load SymPy.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["Network", "Shape", "ShapeError", "Check", "Result", "plan", "verify",
           "check_implementation", "prove", "__version__"]

_WHERE = {"Network": ".engine.network", "Shape": ".engine.network",
          "ShapeError": ".engine.network", "check_implementation": ".engine.implementation",
          "Check": ".engine.verify", "Result": ".engine.verify", "plan": ".engine.verify",
          "verify": ".engine.verify", "prove": ".engine.prove"}

if TYPE_CHECKING:
    from .engine.implementation import check_implementation
    from .engine.network import Network, Shape, ShapeError
    from .engine.prove import prove
    from .engine.verify import Check, Result, plan, verify


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'backprop_sym' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
