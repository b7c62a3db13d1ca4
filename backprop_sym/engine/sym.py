"""Symbolic numbers for a user's NumPy code: `Sym`, and the network context that keeps them
canonical.

A `Sym` is one entry of a NumPy object array: a backend expression in the engine's
canonical atom form, which NumPy's object loops add, multiply and hand to `exp`, `tanh`,
`log`, `log1p` and `sqrt`. A Python float becomes the binary rational it is, never a
rounded one. `SymContext` holds the network's symbols and atoms and keeps each result in
atom form: an argument is matched with the network's z^l_j(s), so that e^{-z} of a sigmoid
layer becomes P - 1, tanh z becomes T, f(z) and f'(z) become F and D (the atoms' roles,
as each activation's registration names them). Entries are usable only inside
`running(ctx)`, which also has NumPy's zeros/ones(_like) make object arrays of Sym for
the block's duration and puts them back afterwards.
"""
from __future__ import annotations

import contextlib
import contextvars
import numbers
import sys
from fractions import Fraction

import sympy

from .network import Shape
from .verify import Engine

class Sym:
    """One symbolic entry: a backend expression in canonical atom form."""

    __slots__ = ("e",)

    def __init__(self, e):
        self.e = e

    def _bin(self, other, op):
        o = lift(other)
        return NotImplemented if o is None else Sym(op(self.e, o))

    def __add__(self, o): return self._bin(o, lambda a, b: a + b)
    def __radd__(self, o): return self._bin(o, lambda a, b: b + a)
    def __sub__(self, o): return self._bin(o, lambda a, b: a - b)
    def __rsub__(self, o): return self._bin(o, lambda a, b: b - a)
    def __mul__(self, o): return self._bin(o, lambda a, b: a * b)
    def __rmul__(self, o): return self._bin(o, lambda a, b: b * a)
    def __truediv__(self, o): return self._bin(o, lambda a, b: current().divide(a, b))
    def __rtruediv__(self, o): return self._bin(o, lambda a, b: current().divide(b, a))
    def __neg__(self): return Sym(-self.e)
    def __pos__(self): return self

    def __pow__(self, o):
        o = lift(o)
        if o is None:
            return NotImplemented
        if o.is_Integer and int(o) < 0:
            return Sym(current().divide(current().B.Integer(1), self.e ** -o))
        return Sym(self.e ** o)

    def __rpow__(self, o):
        base = lift(o)
        return NotImplemented if base is None else Sym(base ** self.e)

    def exp(self): return Sym(current().exp(self.e))
    def tanh(self): return Sym(current().tanh(self.e))
    def log(self): return Sym(current().log(self.e))
    def log1p(self): return Sym(current().log(1 + self.e))
    def sqrt(self): return Sym(self.e ** current().B.Rational(1, 2))
    def square(self): return Sym(self.e * self.e)
    def conjugate(self): return self

    def __float__(self):
        raise TypeError("a symbolic entry cannot be stored in a float array: backprop-sym "
                        "runs backward on symbols; create arrays with np.zeros(shape), "
                        "np.ones(shape) or np.zeros_like(...) (no dtype), or dtype=object")

    __int__ = __float__

    def __bool__(self):
        raise TypeError("a symbolic entry has no truth value: backward cannot branch on "
                        "the values of weights, inputs or activations")

    def __repr__(self):
        return f"Sym({self.e})"


def lift(o):
    """A number or Sym as a backend expression (floats exactly), or None."""
    if isinstance(o, Sym):
        return o.e
    if isinstance(o, (bool, int, numbers.Integral)):
        return current().B.Integer(int(o))
    if isinstance(o, (float, numbers.Real)) and not isinstance(o, Fraction):
        return current().number(Fraction(float(o)), float(o))
    if isinstance(o, numbers.Rational):
        return current().B.Rational(int(o.numerator), int(o.denominator))
    return None


SIMPLE = 1000                # the largest denominator of a "simple" rational


def simple(q: Fraction, f: float) -> Fraction | None:
    """The rational p/d with d <= SIMPLE whose nearest double is exactly f (q = f
    exactly), or None. Two such rationals differ by at least 1/SIMPLE², far more than
    the spacing of doubles below 2**20 (2**-32 there), so at most one has f as its
    nearest double: the reading is what the code wrote (1.0/3 as 1/3), unambiguous."""
    if abs(q) >= 2 ** 20:
        return None
    r = q.limit_denominator(SIMPLE)
    return r if float(r) == f else None


def numpy_module():
    try:
        import numpy
    except ModuleNotFoundError as err:
        if err.name != "numpy":
            raise
        raise ImportError("check_implementation needs NumPy: pip install "
                          "'backprop-sym[impl]' (or numpy)") from None
    return numpy


_CURRENT: contextvars.ContextVar = contextvars.ContextVar("backprop_sym_context",
                                                          default=None)


def current() -> "SymContext":
    """The context of the `running` block this code is in."""
    ctx = _CURRENT.get()
    if ctx is None:
        raise RuntimeError("symbolic entries are only usable inside check_implementation")
    return ctx


def is_monomial(e) -> bool:
    if e.is_Number or e.is_Symbol:
        return True
    if e.is_Pow:
        return e.args[0].is_Symbol and e.args[1].is_Integer
    if e.is_Mul:
        return all(is_monomial(a) for a in e.args)
    return False


def has_fraction(e) -> bool:
    """A negative power of a sum somewhere in e."""
    if e.is_Pow:
        base, k = e.args
        if k.is_Number and float(k) < 0 and not base.is_Symbol:
            return True
    return any(has_fraction(a) for a in e.args)


# ---------------------------------------------------------------- the network's atoms

class SymContext:
    """The network's symbols and atoms, and the operations that keep entries canonical."""

    def __init__(self, shape: Shape, backend: str | None):
        self.shape = shape
        self.engine = Engine(shape, backend)
        self.B, self.ex, self.canon = self.engine.B, self.engine.ex, self.engine.canon
        B = self.B
        self.from_sympy = (lambda e: e) if B.name == "sympy" else __import__("symengine").sympify
        self.roles: dict = self.canon.roles         # key -> {"tanh": atom, ...}
        self.z_of: dict = {}                        # expanded atom form of z -> key
        for key, z in self.ex.z.items():
            self.z_of[B.expand(self.canon.atomize(z))] = key
        self.log_of = {B.expand(arg): atom for r in self.roles.values()
                       for arg, atom in r.get("log", {}).items()}
        self.exp_atoms: dict = {}                   # key -> E = e^{z}, tanh layers
        self.floats: dict = {}                      # float constants that are not simple
        self.read: dict = {}                        # float -> the simple rational it is read as
        self._f = B.Function("f")

    def number(self, q: Fraction, f: float):
        """The float f (exactly the binary rational q) as a backend number: the simple
        rational it stands for when f is exactly the double nearest to it (`simple`), else
        q itself (noted in `floats` when it is close to a simple rational)."""
        r = simple(q, f)
        if r is not None and r != q:
            self.read[f] = r
            q = r
        elif q.denominator > 1 and q.limit_denominator(SIMPLE) != q:
            self.floats[f] = q.limit_denominator(SIMPLE)
        return self.B.Rational(q.numerator, q.denominator)

    def match(self, u):
        """(key, sign) when u = ±z^l_j(s) exactly, else None."""
        e = self.B.expand(u)
        if e in self.z_of:
            return self.z_of[e], 1
        neg = self.B.expand(-e)
        if neg in self.z_of:
            return self.z_of[neg], -1
        return None

    def divide(self, a, b):
        B = self.B
        bx = B.expand(b)
        if bx == 0:
            raise ZeroDivisionError("division by an expression that is exactly 0")
        if is_monomial(bx):
            return a * bx ** -1
        # 1 + 1/(Q - 1) and its kind: over one denominator, the numerator may be a monomial
        n, d = sympy.fraction(sympy.together(B.to_sympy(bx)))
        n = sympy.expand(n)
        if is_monomial(n) and d != 1:
            return a * self.from_sympy(d) * self.from_sympy(n) ** -1
        return a * bx ** -1                         # a rational function: `compare` cancels

    def exp(self, u):
        hit = self.match(u)
        if hit:
            key, sign = hit
            r = self.roles.get(key, {})
            form = r.get("exp" if sign > 0 else "exp_neg")
            if form is not None:                    # e^{±z} in the atoms (sigmoid: P - 1)
                return form
            if "tanh" in r:                         # tanh: e^{z} is an atom of its own
                E = self._exp_atom(key)
                return E if sign > 0 else E ** -1
        return self.B.exp(u)

    def _exp_atom(self, key):
        if key not in self.exp_atoms:
            E = self.B.Atom("E[{},{},{}]".format(*key))
            self.exp_atoms[key] = E
            self.canon.numeric[E] = (key, lambda z, num: num.exp(z))
        return self.exp_atoms[key]

    def tanh(self, u):
        hit = self.match(u)
        if hit and "tanh" in self.roles.get(hit[0], {}):
            return hit[1] * self.roles[hit[0]]["tanh"]
        return self.B.tanh(u)

    def log(self, u):
        e = self.B.expand(u)
        return self.log_of[e] if e in self.log_of else self.B.log(u)

    def f(self, u):
        hit = self.match(u)
        if hit and hit[1] > 0 and "f" in self.roles.get(hit[0], {}):
            return self.roles[hit[0]]["f"]
        return self._f(u)

    def fprime(self, u):
        hit = self.match(u)
        if hit and hit[1] > 0 and "fprime" in self.roles.get(hit[0], {}):
            return self.roles[hit[0]]["fprime"]
        return self.B.Function("fprime")(u)        # opaque: never equal to anything else

    # ------------------------------------------------------------ comparison

    def is_zero(self, diff, cancel: bool = True) -> bool:
        """Exactly 0: the expansion is 0, or (with `cancel`) the difference is a rational
        function (a negative power of a sum, or e^z atoms next to tanh z) that cancels
        to 0. Function nodes left over (e^u of an u that is no z) stay generators."""
        d = self.B.expand(diff)
        if d == 0:
            return True
        if not cancel or (not self.exp_atoms and not has_fraction(d)):
            return False
        s = self.B.to_sympy(d)
        if self.exp_atoms:                          # tanh z = (e^{2z} - 1)/(e^{2z} + 1)
            rel = {}
            for key, E in self.exp_atoms.items():
                Es = self.B.to_sympy(E)
                T = self.roles[key]["tanh"]
                rel[self.B.to_sympy(T)] = (Es ** 2 - 1) / (Es ** 2 + 1)
            s = s.xreplace(rel)
        return sympy.cancel(sympy.together(s)) == 0


@contextlib.contextmanager
def object_arrays(np, constant):
    """NumPy's zeros/ones(_like) making object arrays of `constant(0)` / `constant(1)` (a
    Sym, or a recording number of `engine.transport`) inside the block (students
    fill np.zeros(shape) in place, also with dtype=float), NumPy's own functions back
    afterwards, however the block is left. NumPy's own calls, other explicit dtypes and
    integer arrays' _like are left as they were."""
    # not np.empty: compiled parts of NumPy (np.random.randn) call it without a dtype
    names = ("zeros", "ones", "zeros_like", "ones_like")
    saved = {n: getattr(np, n) for n in names}

    def patched(name):
        value = 1 if name.startswith("ones") else 0
        like = name.endswith("_like")

        def make(source, dtype=None, *args, **kw):
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if _is_float(np, dtype) and caller.split(".")[0] not in ("numpy", "backprop_sym"):
                dtype = None                # dtype=float in the code: entries are numbers
            if dtype is not None or caller.split(".")[0] in ("numpy", "backprop_sym") or \
                    (like and getattr(source, "dtype", None) is not None
                     and source.dtype.kind in "iub"):
                # an explicit dtype (as compiled extensions such as np.random give),
                # NumPy's own calls, and integer arrays' _like stay as they were
                return saved[name](source, dtype, *args, **kw)
            shape = kw.get("shape") or (np.shape(source) if like else source)
            return np.full(shape, constant(value), dtype=object)
        return make

    # np.maximum(z, 0) and its kind return the plain number where it is larger: as an
    # entry, so that np.exp and the like still apply to it
    picks = ("maximum", "minimum", "fmax", "fmin", "clip", "where")
    saved.update({n: getattr(np, n) for n in picks})

    def entry(v):
        return constant(v) if isinstance(v, numbers.Number) and \
            not isinstance(v, (bool, complex)) else v
    entries = np.frompyfunc(entry, 1, 1)

    try:
        for n in names:
            setattr(np, n, patched(n))
        for n in picks:
            setattr(np, n, _Entries(saved[n], entries, np))
        yield
    finally:
        for n, fn in saved.items():
            setattr(np, n, fn)


class _Entries:
    """A NumPy function whose object-array results have every plain number made an entry
    (`constant`); its other attributes (a ufunc's reduce, ...) are the function's own."""

    def __init__(self, fn, entries, np):
        self._fn, self._entries, self._np = fn, entries, np

    def __call__(self, *args, **kw):
        out = self._fn(*args, **kw)
        if isinstance(out, self._np.ndarray) and out.dtype == object:
            return self._entries(out)
        return out

    def __getattr__(self, name):
        return getattr(self._fn, name)


def _is_float(np, dtype) -> bool:
    """dtype=float (or float64, np.double, "float"): the code's real numbers."""
    if dtype is None:
        return False
    try:
        return np.dtype(dtype) == np.dtype(np.float64)
    except TypeError:
        return False


@contextlib.contextmanager
def running(ctx: SymContext):
    """Sym's context (`current()`), and NumPy making object arrays of Sym (see
    `object_arrays`), for the block's duration; both restored afterwards."""
    token = _CURRENT.set(ctx)
    try:
        with object_arrays(numpy_module(), lambda v: Sym(lift(v))):
            yield
    finally:
        _CURRENT.reset(token)


def elementwise(op):
    """`op` on backend expressions as an elementwise function of object arrays of Sym."""
    np = numpy_module()
    ufunc = np.frompyfunc(lambda v: Sym(op(lift(v) if not isinstance(v, Sym) else v.e)), 1, 1)
    return lambda v: ufunc(v)


def array(rows):
    """A NumPy object array of Sym from rows of backend expressions."""
    np = numpy_module()
    out = np.empty((len(rows), len(rows[0])), dtype=object)
    for r, row in enumerate(rows):
        for c, e in enumerate(row):
            out[r, c] = Sym(e)
    return out
