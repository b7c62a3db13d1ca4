"""Reading a rule with symbolic sizes: the rule is called with `SymbolicQ`, whose
quantities are indexed symbols of a generic layer and whose `neurons(l)` and `examples()`
yield one symbolic index each; `trace` restores each iteration as Σ over its bound.

The example, layer and neuron indices and the sizes L and N that a traced rule sees are
`Traced` values: they take part in arithmetic and index the quantities, but any operation
by which a rule could observe a concrete value (==, !=, <, bool, int, hashing as a key,
str, ...) is refused: a rule that branches on a symbolic index or layer has no single
closed form for every shape, so it is `Branches` (unreadable, hence unknown), even when
the rule catches the error itself.
"""
from __future__ import annotations

import operator
from typing import Callable

import sympy as sp
from sympy import Sum

from .errors import BackpropSymError
from .symbolic import A, D, FP, N, W, Y, Z, L, n

class Unreadable(BackpropSymError):
    """A rule that cannot be read with symbolic sizes."""


class Branches(Unreadable):
    """A rule that observes the value of a symbolic index, layer or size."""


UNTRACEABLE = ("it cannot be traced for every shape; verify checks it at given shapes")


class Traced:
    """A symbolic index, layer or size as a traced rule sees it: arithmetic gives another
    `Traced` value; SymPy takes it as its expression (`_sympy_`); every operation that
    would reveal a concrete value raises `Branches` and marks the trace `tainted`."""

    __slots__ = ("expr", "what", "trace")

    def __init__(self, expr, what: str, trace: "SymbolicQ"):
        self.expr, self.what, self.trace = sp.sympify(expr), what, trace

    def _sympy_(self):
        return self.expr

    def _refuse(self, how: str):
        self.trace.tainted = self.trace.tainted or (
            f"the rule branches on {self.what} ({how}): {UNTRACEABLE}")
        raise Branches(self.trace.tainted)

    def _op(self, fn, other, reflected=False):
        other = other.expr if isinstance(other, Traced) else other
        if not isinstance(other, (int, sp.Basic, Traced)) or isinstance(other, bool):
            return NotImplemented
        value = fn(other, self.expr) if reflected else fn(self.expr, other)
        return Traced(value, self.what, self.trace)

    def __add__(self, o): return self._op(operator.add, o)
    def __radd__(self, o): return self._op(operator.add, o, True)
    def __sub__(self, o): return self._op(operator.sub, o)
    def __rsub__(self, o): return self._op(operator.sub, o, True)
    def __mul__(self, o): return self._op(operator.mul, o)
    def __rmul__(self, o): return self._op(operator.mul, o, True)
    def __truediv__(self, o): return self._op(operator.truediv, o)
    def __rtruediv__(self, o): return self._op(operator.truediv, o, True)
    def __pow__(self, o): return self._op(operator.pow, o)
    def __rpow__(self, o): return self._op(operator.pow, o, True)
    def __neg__(self): return Traced(-self.expr, self.what, self.trace)
    def __pos__(self): return self

    # what would let a rule see a concrete value: refused
    def __eq__(self, o): self._refuse("==")
    def __ne__(self, o): self._refuse("!=")
    def __lt__(self, o): self._refuse("<")
    def __le__(self, o): self._refuse("<=")
    def __gt__(self, o): self._refuse(">")
    def __ge__(self, o): self._refuse(">=")
    def __bool__(self): self._refuse("its truth value")
    def __hash__(self): self._refuse("a lookup keyed by it")
    def __index__(self): self._refuse("indexing or a range by it")
    def __int__(self): self._refuse("int()")
    def __float__(self): self._refuse("float()")
    def __complex__(self): self._refuse("complex()")
    def __round__(self, *a): self._refuse("round()")
    def __trunc__(self): self._refuse("trunc()")
    def __floor__(self): self._refuse("floor()")
    def __ceil__(self): self._refuse("ceil()")
    def __abs__(self): self._refuse("abs()")
    def __mod__(self, o): self._refuse("%")
    def __rmod__(self, o): self._refuse("%")
    def __floordiv__(self, o): self._refuse("//")
    def __rfloordiv__(self, o): self._refuse("//")
    def __divmod__(self, o): self._refuse("divmod()")
    def __rdivmod__(self, o): self._refuse("divmod()")
    def __and__(self, o): self._refuse("&")
    def __rand__(self, o): self._refuse("&")
    def __or__(self, o): self._refuse("|")
    def __ror__(self, o): self._refuse("|")
    def __xor__(self, o): self._refuse("^")
    def __rxor__(self, o): self._refuse("^")
    def __lshift__(self, o): self._refuse("<<")
    def __rshift__(self, o): self._refuse(">>")
    def __invert__(self): self._refuse("~")
    def __str__(self): self._refuse("its text")
    def __format__(self, spec): self._refuse("its text")
    def __len__(self): self._refuse("len()")
    def __iter__(self): self._refuse("iterating it")
    def __contains__(self, o): self._refuse("`in`")

    def __repr__(self):
        return f"<{self.what}, symbolic>"


def plain(value):
    """A value of the traced rule as SymPy (its `Traced` parts unwrapped)."""
    return value.expr if isinstance(value, Traced) else value


class _Range:
    """q.neurons(t) / q.examples(): yields one symbolic index, and records it."""

    def __init__(self, q, bound, letter, what):
        self.q, self.bound, self.letter, self.what = q, bound, letter, what

    def __iter__(self):
        idx = sp.Dummy(self.letter, integer=True)
        rec = {"index": idx, "bound": self.bound, "done": False}
        self.q.ranges.append(rec)
        yield self.q.wrap(idx, self.what)
        rec["done"] = True

    def __len__(self):
        raise Unreadable("a rule that takes len() of a layer cannot be read with symbolic widths")


class SymbolicQ:
    """The quantities a rule sees (`rules.Quantities`), as indexed symbols of a generic
    layer; its depth L, number of examples N and the indices of its sums are `Traced`
    (plain symbols when `guard` is off: for the project's own readers, see `guarded`)."""

    def __init__(self, guard: bool = True):
        self.ranges: list = []
        self.tainted: str | None = None
        self.guard = guard
        self.L = self.wrap(L, "the depth L")
        self.N = self.wrap(N, "the number of examples N")

    def wrap(self, value, what: str):
        return Traced(value, what, self) if self.guard else value

    def neurons(self, t):
        return _Range(self, n(plain(t)), "k", "a neuron index of a sum")

    def examples(self):
        return _Range(self, N, "x", "the example of a sum")

    def a(self, s, t, idx):
        return A[plain(s), plain(t), plain(idx)]

    def z(self, s, t, idx):
        return Z[plain(s), plain(t), plain(idx)]

    def y(self, s, idx):
        return Y[plain(s), plain(idx)]

    def fprime(self, s, t, idx):
        return FP[plain(s), plain(t), plain(idx)]

    def W(self, t, p, r):
        return W[plain(t), plain(p), plain(r)]

    def delta(self, s, t, idx):
        return D[plain(s), plain(t), plain(idx)]

    def mean(self, term):
        s = sp.Dummy("x", integer=True)
        return Sum(plain(term(self.wrap(s, "the example of the mean"))), (s, 1, N)) / N


# what each argument of a traced call is, by its symbol's name
WHAT = {"x": "the example x", "l": "the layer l", "i": "the index i", "j": "the index j",
        "k": "the index k", "m": "the index m"}


def guarded(fn: Callable) -> bool:
    """Is `fn` traced with `Traced` values? Every rule is, except the project's own readers
    (the claim reader's closed forms), which decide on a claim's structure (which layer a
    sum runs over), never on an index's value, and compare symbolic layers as SymPy does."""
    return not (getattr(fn, "__module__", None) or "").startswith("backprop_sym.")


def trace(fn: Callable, *args):
    """The closed form `fn(q, *args)` with symbolic sizes, its iterations as Σ. A rule that
    branches on a symbolic index, layer or size raises `Branches`."""
    q = SymbolicQ(guarded(fn))
    traced = [q.wrap(a, WHAT.get(str(a), f"the argument {a}")) if isinstance(a, sp.Basic)
              else a for a in args]
    try:
        expr = sp.sympify(plain(fn(q, *traced)))
    except Unreadable:
        raise
    except Exception as err:
        if q.tainted:
            raise Branches(q.tainted) from None
        raise Unreadable(f"the rule cannot be evaluated with symbolic sizes ({type(err).__name__}: "
                         f"{err}); iterate q.neurons(l), q.examples() or use q.mean") from None
    if q.tainted:                  # refused, but the rule caught the error and went on
        raise Branches(q.tainted)
    if expr.has(sp.Float):
        raise Unreadable("the closed form contains a floating-point number")
    for rec in reversed(q.ranges):
        idx = rec["index"]
        if not rec["done"]:
            raise Unreadable("the rule stops iterating a layer before its end")
        terms = sp.Add.make_args(sp.expand(expr))
        if any(not t.has(idx) for t in terms):
            raise Unreadable("a sum over a layer is added to terms outside it: the scope of "
                             "the sum cannot be read back")
        expr = Sum(expr, (idx, 1, rec["bound"]))
    return expr
