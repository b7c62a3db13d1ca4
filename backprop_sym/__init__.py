"""backprop-sym: exact, symbolic verification of the backpropagation rules.

The public names are imported on first use (PEP 562), so that `import backprop_sym`
and the command line's help start without loading SymPy."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_HOMES = {
    "Network": "engine.network", "Shape": "engine.network", "ShapeError": "engine.network",
    "check_implementation": "engine.implementation",
    "Check": "engine.verify", "Result": "engine.verify", "plan": "engine.verify",
    "verify": "engine.verify",
    "prove": "engine.prove",
}

__all__ = ["Network", "Shape", "ShapeError", "Check", "Result", "plan", "verify",
           "check_implementation", "prove", "__version__"]

if TYPE_CHECKING:
    from .engine.implementation import check_implementation
    from .engine.network import Network, Shape, ShapeError
    from .engine.prove import prove
    from .engine.verify import Check, Result, plan, verify


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
