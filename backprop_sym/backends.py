"""Symbolic backends: SymPy (the reference, always present) and SymEngine (optional, fast).

A backend is a small namespace of constructors and operations with one meaning in both
libraries. Everything a user sees is converted back to SymPy with `to_sympy`.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any, Callable

import sympy


class BackendError(ValueError):
    """An unknown or unavailable backend was asked for."""


@dataclass(frozen=True)
class Backend:
    name: str
    Symbol: Callable[[str], Any]
    Function: Callable[[str], Any]
    Rational: Callable[[int, int], Any]
    Integer: Callable[[int], Any]
    exp: Callable[[Any], Any]
    log: Callable[[Any], Any]
    tanh: Callable[[Any], Any]
    expand: Callable[[Any], Any]
    diff: Callable[[Any, Any], Any]
    to_sympy: Callable[[Any], Any]
    zero: Any


def _sympy_backend() -> Backend:
    return Backend(
        name="sympy",
        Symbol=sympy.Symbol,
        Function=sympy.Function,
        Rational=sympy.Rational,
        Integer=sympy.Integer,
        exp=sympy.exp,
        log=sympy.log,
        tanh=sympy.tanh,
        expand=lambda e: sympy.expand(e, power_exp=False, power_base=False,
                                      log=False),
        diff=sympy.diff,
        to_sympy=lambda e: e,
        zero=sympy.Integer(0),
    )


def _symengine_backend() -> Backend:
    import symengine as se

    return Backend(
        name="symengine",
        Symbol=se.Symbol,
        Function=se.Function,
        Rational=se.Rational,
        Integer=se.Integer,
        exp=se.exp,
        log=se.log,
        tanh=se.tanh,
        expand=se.expand,
        diff=se.diff,
        to_sympy=lambda e: sympy.sympify(e),
        zero=se.Integer(0),
    )


BACKENDS = ("sympy", "symengine")


def symengine_available() -> bool:
    return importlib.util.find_spec("symengine") is not None


def default_backend_name() -> str:
    """SymEngine when it is installed, SymPy otherwise."""
    return "symengine" if symengine_available() else "sympy"


def get_backend(name: str | None = None) -> Backend:
    name = name or default_backend_name()
    if name == "sympy":
        return _sympy_backend()
    if name == "symengine":
        if not symengine_available():
            raise BackendError(
                "backend 'symengine' is not installed; install it with "
                "pip install 'backprop-sym[fast]' or use --backend sympy")
        return _symengine_backend()
    raise BackendError(f"unknown backend {name!r}; expected one of: {', '.join(BACKENDS)}")
