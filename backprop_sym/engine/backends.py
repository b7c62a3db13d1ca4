"""Symbolic backends: SymPy (the reference, always present) and SymEngine (optional, fast).

A backend is a small namespace of constructors and operations with one meaning in both
libraries. Everything a user sees is converted back to SymPy with `to_sympy`.

SymPy's `diff` re-derives every shared subexpression of a nested network once per path
to it and rebuilds `Subs(Derivative(f(xi), xi), xi, u)` (with free-symbol scans of the
whole of u) at each call. The SymPy backend therefore differentiates with `sympy_diff`:
the same sum, product, power and chain rules over the expression DAG, each node once per
variable, with each function's derivative taken from SymPy itself (`Function.fdiff`) and
built once per node. The result is the same mathematical expression in the same forms
(the test suite compares it with `sympy.diff`).
"""
from __future__ import annotations

import importlib.util
import secrets
from dataclasses import dataclass
from typing import Any, Callable

from .errors import UsageError


class BackendError(UsageError):
    """An unknown or unavailable backend was asked for."""


@dataclass(frozen=True)
class Backend:
    name: str
    Symbol: Callable[[str], Any]
    Atom: Callable[[str], Any]      # an internal symbol no user expression can name
    Probe: Callable[[str], Any]     # the same, to differentiate by (see `_private_atoms`)
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


class sympy_diff:
    """d expr / d var by the sum, product, power and chain rules, memoised over the DAG.

    One instance keeps the derivative forms f'(u) it has built (one `fdiff` per function
    node), so that every call shares them. Nodes of a kind it does not know are handed
    to `sympy.diff` unchanged.
    """

    def __init__(self):
        self._fdiff: dict = {}

    def __call__(self, expr, var):
        import sympy
        if not isinstance(var, sympy.Symbol):
            return sympy.diff(expr, var)
        zero, one = sympy.S.Zero, sympy.S.One
        memo: dict = {}
        Add, Mul, Pow = sympy.Add, sympy.Mul, sympy.Pow

        def d(e):
            r = memo.get(e)
            if r is not None:
                return r
            if e.is_Symbol:
                r = one if e == var else zero
            elif e.is_Number or e.is_NumberSymbol:
                r = zero
            elif e.is_Add:
                r = Add(*[d(a) for a in e.args])
            elif e.is_Mul:
                args, terms = e.args, []
                for i, a in enumerate(args):
                    da = d(a)
                    if da is not zero:
                        terms.append(Mul(*args[:i], da, *args[i + 1:]))
                r = Add(*terms)
            elif e.is_Pow and e.exp.is_Number:
                db = d(e.base)
                r = zero if db is zero else Mul(e.exp, Pow(e.base, e.exp - 1), db)
            elif isinstance(e, sympy.Function) and len(e.args) == 1:
                da = d(e.args[0])
                r = zero if da is zero else Mul(self._fd(e), da)
            else:
                r = sympy.diff(e, var)
            memo[e] = r
            return r

        return d(expr)

    def _fd(self, e):
        r = self._fdiff.get(e)
        if r is None:
            r = self._fdiff[e] = e.fdiff(1)
        return r


_ATOMS: dict = {}


def _private_atoms(dummy):
    """Internal symbols (activation atoms, probes): Dummies, one per name and library,
    so that the same name gives the same atom everywhere in a process, while no Symbol a
    user writes (Symbol("D[1,2,1]"), Symbol("eps^1_1[1]")) is ever equal to one.

    SymEngine differentiates wrongly by a Dummy inside a function (d f(x + ε)/dε comes
    out as Derivative(f(_x + x), _x + x)), so its probes are Symbols whose names end in
    a random tag drawn once per process (`_symengine_probe`). Besides, no user expression
    reaches the step that sets probes to 0 (closed forms are never re-canonicalised), and
    a closed form with a symbol that is no quantity of the network is never proved (see
    `verify.Engine`)."""
    def atom(name: str):
        key = (dummy, name)
        if key not in _ATOMS:
            _ATOMS[key] = dummy(name)
        return _ATOMS[key]
    return atom


_TAG = secrets.token_hex(8)


def _symengine_probe(name: str):
    import symengine as se
    return se.Symbol(f"{name}#{_TAG}")


def _sympy_backend() -> Backend:
    import sympy
    return Backend(
        name="sympy",
        Symbol=sympy.Symbol,
        Atom=_private_atoms(sympy.Dummy),
        Probe=_private_atoms(sympy.Dummy),
        Function=sympy.Function,
        Rational=sympy.Rational,
        Integer=sympy.Integer,
        exp=sympy.exp,
        log=sympy.log,
        tanh=sympy.tanh,
        expand=lambda e: sympy.expand(e, power_exp=False, power_base=False,
                                      log=False),
        diff=sympy_diff(),
        to_sympy=lambda e: e,
        zero=sympy.Integer(0),
    )


def _symengine_backend() -> Backend:
    import sympy
    import symengine as se

    return Backend(
        name="symengine",
        Symbol=se.Symbol,
        Atom=_private_atoms(se.Dummy),
        Probe=_symengine_probe,
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


def check_backend(name: str) -> str:
    """`name` if it is a backend that is installed, else BackendError (nothing imported)."""
    if name not in BACKENDS:
        raise BackendError(f"unknown backend {name!r}; expected one of: {', '.join(BACKENDS)}")
    if name == "symengine" and not symengine_available():
        raise BackendError(
            "backend 'symengine' is not installed; install it with "
            "pip install 'backprop-sym[fast]' or use --backend sympy")
    return name


def get_backend(name: str | None = None) -> Backend:
    name = check_backend(name or default_backend_name())
    return _sympy_backend() if name == "sympy" else _symengine_backend()
