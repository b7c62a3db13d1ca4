"""Prove a user's own backward pass: run it on symbols, compare every entry exactly.

`check_implementation(backward, widths, activation, convention, samples)` calls the
user's `backward(weights, biases, x, y)` once, on NumPy object arrays whose entries are
`Sym`: symbolic numbers that NumPy's object loops add, multiply and hand to `exp`, `tanh`,
`log`, `log1p` and `sqrt`. A Python float becomes the binary rational it is, never a
rounded one. Each entry is kept in the engine's canonical atom form (`canonical`): an
argument is matched with the network's z^l_j(s), so that e^{-z} of a sigmoid layer becomes
P - 1, tanh z becomes T, f(z) and f'(z) become F and D. Each gradient entry the code
returns is compared with the direct derivative of the cost (`direct`, via `verify.Engine`):
  proved   their difference expands (or, as a rational function, cancels) to exactly 0;
  refuted  a witness (`witness`) where the two differ, with a hint for common repairs;
  error    the code raised or returned the wrong shapes: the exception and its line;
  unknown  neither.
"""
from __future__ import annotations

import ast
import contextlib
import inspect
import json
import numbers
import os
import sys
import textwrap
import time
import traceback
from dataclasses import dataclass, field
from fractions import Fraction

import sympy

from . import witness as witnesses
from .arithmetic import Exact, Interval, NotEvaluable, evaluate
from .network import Network, Shape
from .verify import PROVED, REFUTED, UNKNOWN, Check, Instance, Engine, hash_instance

ERROR = "error"
from ..schemas import VERSION as SCHEMA_VERSION
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------- the symbolic number

class Sym:
    """One symbolic entry: a backend expression in canonical atom form."""

    __slots__ = ("e",)

    def __init__(self, e):
        self.e = e

    def _bin(self, other, op):
        o = _lift(other)
        return NotImplemented if o is None else Sym(op(self.e, o))

    def __add__(self, o): return self._bin(o, lambda a, b: a + b)
    def __radd__(self, o): return self._bin(o, lambda a, b: b + a)
    def __sub__(self, o): return self._bin(o, lambda a, b: a - b)
    def __rsub__(self, o): return self._bin(o, lambda a, b: b - a)
    def __mul__(self, o): return self._bin(o, lambda a, b: a * b)
    def __rmul__(self, o): return self._bin(o, lambda a, b: b * a)
    def __truediv__(self, o): return self._bin(o, lambda a, b: _ctx().divide(a, b))
    def __rtruediv__(self, o): return self._bin(o, lambda a, b: _ctx().divide(b, a))
    def __neg__(self): return Sym(-self.e)
    def __pos__(self): return self

    def __pow__(self, o):
        o = _lift(o)
        if o is None:
            return NotImplemented
        if o.is_Integer and int(o) < 0:
            return Sym(_ctx().divide(_ctx().B.Integer(1), self.e ** -o))
        return Sym(self.e ** o)

    def __rpow__(self, o):
        base = _lift(o)
        return NotImplemented if base is None else Sym(base ** self.e)

    def exp(self): return Sym(_ctx().exp(self.e))
    def tanh(self): return Sym(_ctx().tanh(self.e))
    def log(self): return Sym(_ctx().log(self.e))
    def log1p(self): return Sym(_ctx().log(1 + self.e))
    def sqrt(self): return Sym(self.e ** _ctx().B.Rational(1, 2))
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


def _lift(o):
    """A number or Sym as a backend expression (floats exactly), or None."""
    if isinstance(o, Sym):
        return o.e
    if isinstance(o, (bool, int, numbers.Integral)):
        return _ctx().B.Integer(int(o))
    if isinstance(o, (float, numbers.Real)) and not isinstance(o, Fraction):
        return _ctx().number(Fraction(float(o)), float(o))
    if isinstance(o, numbers.Rational):
        return _ctx().B.Rational(int(o.numerator), int(o.denominator))
    return None


def _numpy():
    try:
        import numpy
    except ModuleNotFoundError as err:
        if err.name != "numpy":
            raise
        raise ImportError("check_implementation needs NumPy: pip install "
                          "'backprop-sym[impl]' (or numpy)") from None
    return numpy


_CURRENT: list = []


def _ctx() -> "_Context":
    if not _CURRENT:
        raise RuntimeError("symbolic entries are only usable inside check_implementation")
    return _CURRENT[-1]


def _is_monomial(e) -> bool:
    if e.is_Number or e.is_Symbol:
        return True
    if e.is_Pow:
        return e.args[0].is_Symbol and e.args[1].is_Integer
    if e.is_Mul:
        return all(_is_monomial(a) for a in e.args)
    return False


def _has_fraction(e) -> bool:
    """A negative power of a sum somewhere in e."""
    if e.is_Pow:
        base, k = e.args
        if k.is_Number and float(k) < 0 and not base.is_Symbol:
            return True
    return any(_has_fraction(a) for a in e.args)


# ---------------------------------------------------------------- the network's atoms

class _Context:
    """The network's symbols and atoms, and the operations that keep entries canonical."""

    def __init__(self, shape: Shape, backend: str | None):
        self.shape = shape
        self.engine = Engine(shape, backend)
        self.B, self.ex, self.canon = self.engine.B, self.engine.ex, self.engine.canon
        B = self.B
        self.from_sympy = (lambda e: e) if B.name == "sympy" else __import__("symengine").sympify
        self.atoms: dict = {}                       # key -> {"P": atom, ...}
        for atom, (key, _) in self.canon.numeric.items():
            self.atoms.setdefault(key, {})[str(atom).lstrip("_")[0]] = atom
        self.z_of: dict = {}                        # expanded atom form of z -> key
        for key, z in self.ex.z.items():
            self.z_of[B.expand(self.canon.atomize(z))] = key
        self.log_of = {k["Q"]: k["S"] for k in self.atoms.values() if "Q" in k}
        self.exp_atoms: dict = {}                   # key -> E = e^{z}, tanh layers
        self.floats: dict = {}                      # float constants that are not simple
        self._f = B.Function("f")

    def number(self, q: Fraction, f: float):
        if q.denominator > 1 and q.limit_denominator(1000) != q:
            self.floats[f] = q.limit_denominator(1000)
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
        if _is_monomial(bx):
            return a * bx ** -1
        # 1 + 1/(Q - 1) and its kind: over one denominator, the numerator may be a monomial
        n, d = sympy.fraction(sympy.together(B.to_sympy(bx)))
        n = sympy.expand(n)
        if _is_monomial(n) and d != 1:
            return a * self.from_sympy(d) * self.from_sympy(n) ** -1
        return a * bx ** -1                         # a rational function: `compare` cancels

    def exp(self, u):
        hit = self.match(u)
        if hit:
            key, sign = hit
            k = self.atoms.get(key, {})
            if "P" in k:                            # sigmoid: P = 1 + e^{-z}
                return k["P"] - 1 if sign < 0 else (k["P"] - 1) ** -1
            if "Q" in k:                            # softplus: Q = 1 + e^{z}
                return k["Q"] - 1 if sign > 0 else (k["Q"] - 1) ** -1
            if "T" in k:                            # tanh: e^{z} is an atom of its own
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
        if hit and "T" in self.atoms.get(hit[0], {}):
            return hit[1] * self.atoms[hit[0]]["T"]
        return self.B.tanh(u)

    def log(self, u):
        e = self.B.expand(u)
        return self.log_of[e] if e in self.log_of else self.B.log(u)

    def f(self, u):
        hit = self.match(u)
        if hit and hit[1] > 0 and "F" in self.atoms.get(hit[0], {}):
            return self.atoms[hit[0]]["F"]
        return self._f(u)

    def fprime(self, u):
        hit = self.match(u)
        if hit and hit[1] > 0 and "D" in self.atoms.get(hit[0], {}):
            return self.atoms[hit[0]]["D"]
        return self.B.Function("fprime")(u)        # opaque: never equal to anything else

    # ------------------------------------------------------------ comparison

    def is_zero(self, diff, cancel: bool = True) -> bool:
        """Exactly 0: the expansion is 0, or (with `cancel`) the difference is a rational
        function (a negative power of a sum, or e^z atoms next to tanh z) that cancels
        to 0. Function nodes left over (e^u of an u that is no z) stay generators."""
        d = self.B.expand(diff)
        if d == 0:
            return True
        if not cancel or (not self.exp_atoms and not _has_fraction(d)):
            return False
        s = self.B.to_sympy(d)
        if self.exp_atoms:                          # tanh z = (e^{2z} - 1)/(e^{2z} + 1)
            rel = {}
            for key, E in self.exp_atoms.items():
                Es = self.B.to_sympy(E)
                rel[self.B.to_sympy(self.atoms[key]["T"])] = (Es ** 2 - 1) / (Es ** 2 + 1)
            s = s.xreplace(rel)
        return sympy.cancel(sympy.together(s)) == 0


@contextlib.contextmanager
def _running(ctx: _Context):
    """Sym's context, and NumPy's zeros/ones(_like) making object arrays of Sym
    (students fill np.zeros(shape) in place), restored afterwards."""
    np = _numpy()
    # not np.empty: compiled parts of NumPy (np.random.randn) call it without a dtype
    names = ("zeros", "ones", "zeros_like", "ones_like")
    saved = {n: getattr(np, n) for n in names}

    def patched(name):
        value = ctx.B.Integer(1 if name.startswith("ones") else 0)
        like = name.endswith("_like")

        def make(source, dtype=None, *args, **kw):
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if dtype is not None or caller.split(".")[0] in ("numpy", "backprop_sym") or \
                    (like and getattr(source, "dtype", None) is not None
                     and source.dtype.kind in "iub"):
                # an explicit dtype (as compiled extensions such as np.random give),
                # NumPy's own calls, and integer arrays' _like stay as they were
                return saved[name](source, dtype, *args, **kw)
            shape = kw.get("shape") or (np.shape(source) if like else source)
            return np.full(shape, Sym(value), dtype=object)
        return make

    _CURRENT.append(ctx)
    try:
        for n in names:
            setattr(np, n, patched(n))
        yield
    finally:
        for n, fn in saved.items():
            setattr(np, n, fn)
        _CURRENT.pop()


# ---------------------------------------------------------------- results

@dataclass
class EntryCheck(Check):
    hint: str | None = None


@dataclass
class ImplementationResult:
    """The verdicts of one `check_implementation` call; true only when proved."""
    shape: Shape
    checks: list[EntryCheck]
    seconds: float
    backend: str
    error: str | None = None
    status: str = field(init=False)
    counts: dict = field(init=False)

    def __post_init__(self):
        self.counts = {k: sum(c.status == k for c in self.checks)
                       for k in (PROVED, REFUTED, ERROR, UNKNOWN)}
        self.status = (REFUTED if self.counts[REFUTED] else
                       ERROR if self.counts[ERROR] or self.error or not self.checks else
                       UNKNOWN if self.counts[UNKNOWN] else PROVED)

    def __bool__(self) -> bool:
        return self.status == PROVED

    @property
    def first_failure(self) -> EntryCheck | None:
        """The first refuted entry, else the first error, else the first unknown one."""
        for status in (REFUTED, ERROR, UNKNOWN):
            for c in self.checks:
                if c.status == status:
                    return c
        return None

    def label(self, check: Check) -> str:
        return Instance(check.rule, check.layer, tuple(check.index), None).label(
            self.shape.convention)

    def to_json(self) -> dict:
        s = self.shape
        return {"schema_version": SCHEMA_VERSION, "kind": "implementation",
                "network": {"widths": list(s.widths), "activations": list(s.activations),
                            "samples": s.samples, "convention": s.convention},
                "status": self.status, "counts": self.counts, "error": self.error,
                "seconds": round(self.seconds, 4), "backend": self.backend,
                "checks": [c.to_json() for c in self.checks]}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)

    def summary(self) -> str:
        c = self.counts
        text = (f"{self.status}: {c[PROVED]}/{len(self.checks)} entries proved, "
                f"{c[REFUTED]} refuted, {c[ERROR]} error, {c[UNKNOWN]} unknown "
                f"({self.shape.describe()}; {self.seconds:.2f} s, {self.backend})")
        bad = self.first_failure
        if bad is not None:
            text += f"\n  first: {self.label(bad)} {bad.status}"
            if bad.reason:
                text += f": {bad.reason}"
            if bad.witness:
                text += f"\n  witness: {witness_text(bad.witness)}"
            if bad.hint:
                text += f"\n  hint: {bad.hint}"
        return text

    def __repr__(self) -> str:
        """Short, the first failure and its hint first: what `assert result` shows."""
        bad, c = self.first_failure, self.counts
        head = self.status
        if bad is not None:
            head += f" at {self.label(bad)}"
            if bad.hint:
                head += f" (hint: {bad.hint})"
            elif bad.reason:
                head += f" ({bad.reason})"
        return (f"<ImplementationResult {head}; {c[PROVED]}/{len(self.checks)} entries "
                f"proved, {self.shape.describe()}>")


def witness_text(w: dict) -> str:
    """An implementation's witness: left is the direct derivative, right the code's entry."""
    return witnesses.text(w).replace("left=", "direct=", 1).replace(", right=", ", code=", 1)


# ---------------------------------------------------------------- running the code

def check_implementation(backward, widths, activation="f", convention="from-to",
                         samples=1, *, backend: str | None = None,
                         hints: bool = True) -> ImplementationResult:
    """Run `backward(weights, biases, x, y)` once on symbols and prove, entry by entry,
    that it returns the gradient of 𝒞 = (1/N) Σ_x ½‖a^L − y‖² (see the module doc).

    `weights[l-1]` is w^l (n_l × n_{l-1} for to-from, n_{l-1} × n_l for from-to),
    `biases[l-1]` an (n_l, 1) column, x (n_0, N), y (n_L, N). It returns
    (grad_weights, grad_biases) in the same shapes (or any shapes with as many entries).
    With activation "f", it is also called with `f=` and `fprime=`, elementwise callables.
    """
    np = _numpy()
    if not callable(backward):
        raise TypeError(f"backward must be a function, got {type(backward).__name__}")
    shape = Network(widths, activation, samples, convention).shape
    t0 = time.perf_counter()
    ctx = _Context(shape, backend)
    ex, n, L, N = ctx.ex, shape.widths, shape.L, shape.samples
    W = [_weight_matrix(ctx, l) for l in range(1, L + 1)]
    b = [_array([[ex.b[l, j]] for j in range(1, n[l] + 1)]) for l in range(1, L + 1)]
    x = _array([[ex.x[s, k] for s in range(1, N + 1)] for k in range(1, n[0] + 1)])
    y = _array([[ex.y[s, j] for s in range(1, N + 1)] for j in range(1, n[L] + 1)])
    kwargs = {}
    if any(a == "f" for a in shape.activations):
        kwargs = {"f": _elementwise(ctx.f), "fprime": _elementwise(ctx.fprime)}
    entries = _entries(ctx)
    if kwargs and not _accepts(backward, ("f", "fprime")):
        message = ("with activation 'f', backward is called as backward(weights, biases, "
                   "x, y, f=..., fprime=...); give it the parameters f and fprime")
        return ImplementationResult(shape, [_entry_check(i, ERROR, 0.0, reason=message)
                                            for i, _ in entries], 0.0, ctx.B.name, message)
    with _running(ctx):
        try:
            out = backward([w.copy() for w in W], [v.copy() for v in b], x.copy(), y.copy(),
                           **kwargs)
            got, problems = _returned(ctx, out, entries, backward)
        except (Exception, SystemExit) as err:
            message = _raised(err, backward)
            checks = [_entry_check(inst, ERROR, 0.0, reason=message) for inst, _ in entries]
            return ImplementationResult(shape, checks, time.perf_counter() - t0,
                                        ctx.B.name, error=message)
    checks = []
    for i, (inst, param) in enumerate(entries):
        t1 = time.perf_counter()
        group = (inst.rule, inst.layer)
        if group in problems:
            checks.append(_entry_check(inst, ERROR, 0.0, reason=problems[group]))
            continue
        checks.append(_compare(ctx, inst, ctx.engine.gradient(param), got[i], t1))
    if hints:
        _add_hints(ctx, checks, entries, got, W, b, x, y)
    return ImplementationResult(shape, checks, time.perf_counter() - t0, ctx.B.name)


def _accepts(fn, names) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    named = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return any(p.kind == p.VAR_KEYWORD for p in params) or set(names) <= named


def _array(rows):
    np = _numpy()
    out = np.empty((len(rows), len(rows[0])), dtype=object)
    for r, row in enumerate(rows):
        for c, e in enumerate(row):
            out[r, c] = Sym(e)
    return out


def _weight_matrix(ctx, l):
    """w^l in the convention's orientation: to-from n_l × n_{l-1}, from-to n_{l-1} × n_l."""
    n, w = ctx.shape.widths, ctx.ex.w
    if ctx.shape.convention == "to-from":
        return _array([[w[l, k, j] for k in range(1, n[l - 1] + 1)] for j in range(1, n[l] + 1)])
    return _array([[w[l, k, j] for j in range(1, n[l] + 1)] for k in range(1, n[l - 1] + 1)])


def _entries(ctx) -> list[tuple[Instance, object]]:
    """(instance, parameter) for every weight (row-major, convention indices), then
    every bias: the order in which the returned arrays are read."""
    shape, ex, n = ctx.shape, ctx.ex, ctx.shape.widths
    out = []
    for l in range(1, shape.L + 1):
        rows, cols = (n[l - 1], n[l]) if shape.convention == "from-to" else (n[l], n[l - 1])
        out += [(Instance("weight_grad", l, (p, q), None), ex.W(l, p, q))
                for p in range(1, rows + 1) for q in range(1, cols + 1)]
    for l in range(1, shape.L + 1):
        out += [(Instance("bias_grad", l, (j,), None), ex.b[l, j]) for j in range(1, n[l] + 1)]
    return out


def _entry_check(inst, status, seconds, witness=None, reason=None, hint=None) -> EntryCheck:
    return EntryCheck(inst.rule, inst.layer, list(inst.index), None, status,
                      round(seconds, 4), witness, reason, hint)


def _elementwise(op):
    np = _numpy()
    ufunc = np.frompyfunc(lambda v: Sym(op(_lift(v) if not isinstance(v, Sym) else v.e)), 1, 1)
    return lambda v: ufunc(v)


def _returned(ctx, out, entries, backward):
    """The returned entries as backend expressions (aligned with `entries`), and a
    problem message per (rule, layer) whose shape is wrong."""
    np = _numpy()
    where = _return_line(backward)
    L = ctx.shape.L
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise _Returned(f"backward returned {_kind(out)}; expected (grad_weights, grad_biases)"
                        f"{where}")
    got, problems = [], {}
    for rule, name, grads in (("weight_grad", "grad_weights", out[0]),
                              ("bias_grad", "grad_biases", out[1])):
        if not isinstance(grads, (list, tuple)) or len(grads) != L:
            raise _Returned(f"{name} is {_kind(grads)}; expected a list of {L} arrays, one "
                            f"per layer{where}")
        for l, g in enumerate(grads, 1):
            want = [p for inst, p in entries if inst.rule == rule and inst.layer == l]
            arr = np.asarray(g, dtype=object)
            values = [_lift(v) if not isinstance(v, Sym) else v.e for v in arr.ravel()]
            expected = _shape_text(ctx.shape, rule, l)
            if arr.size != len(want):
                problems[rule, l] = (f"{name}[{l - 1}] has shape {arr.shape} ({arr.size} "
                                     f"entries); expected {expected}{where}")
                values = [None] * len(want)
            elif any(v is None for v in values):
                bad = next(v for v in arr.ravel() if not isinstance(v, Sym) and _lift(v) is None)
                problems[rule, l] = (f"{name}[{l - 1}] holds {_kind(bad)}; expected numbers"
                                     f"{where}")
            got += values
    return got, problems


def _shape_text(shape, rule, l) -> str:
    n = shape.widths
    if rule == "bias_grad":
        return f"{n[l]} entries like b^{l} ({n[l]}, 1)"
    rows, cols = (n[l - 1], n[l]) if shape.convention == "from-to" else (n[l], n[l - 1])
    return f"{rows * cols} entries like w^{l} ({rows}, {cols}) under {shape.convention}"


def _kind(v) -> str:
    if hasattr(v, "shape"):
        return f"an array of shape {v.shape}"
    if isinstance(v, (list, tuple)):
        return f"a {type(v).__name__} of {len(v)} items"
    return f"a {type(v).__name__}"


class _Returned(Exception):
    """What backward returned is not (grad_weights, grad_biases) of lists."""


def _user_frame(tb):
    """The deepest frame of the traceback outside backprop-sym and NumPy."""
    np = _numpy()
    skip = (_PACKAGE, os.path.dirname(np.__file__), "<frozen", "<__array_function__")
    frames = [f for f in traceback.extract_tb(tb) if not f.filename.startswith(skip)]
    return frames[-1] if frames else None


def _raised(err, backward) -> str:
    if isinstance(err, _Returned):
        return str(err)
    if isinstance(err, SystemExit):
        what = f"backward called sys.exit({err.code!r})"
    else:
        what = f"backward raised {type(err).__name__}: {err}"
    frame = _user_frame(err.__traceback__)
    if frame is None:
        return what
    code = f": {frame.line.strip()}" if frame.line else ""
    return f"{what} (at {frame.filename}:{frame.lineno}{code})"


def _return_line(backward) -> str:
    """' (backward returns at FILE:LINE)', from the source, or ''."""
    try:
        fn = inspect.unwrap(getattr(backward, "__func__", backward))
        lines, first = inspect.getsourcelines(fn)
        tree = ast.parse(textwrap.dedent("".join(lines)))
        rets = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Return)]
        line = first + (rets[-1] if rets else 1) - 1
        return f" (backward returns at {inspect.getsourcefile(fn)}:{line})"
    except (OSError, TypeError, SyntaxError):
        return ""


# ---------------------------------------------------------------- verdicts

def _compare(ctx, inst, direct, code, t1) -> EntryCheck:
    """Proved if the difference expands to 0; else refuted by a witness; else proved if
    it cancels to 0 as a rational function; else unknown."""
    def done(status, **kw):
        return _entry_check(inst, status, time.perf_counter() - t1, **kw)
    try:
        if ctx.is_zero(code - direct, cancel=False):
            return done(PROVED)
        wit = _witness(ctx, inst, direct, code)
        if wit is not None:
            return done(REFUTED, witness=wit)
        if ctx.is_zero(code - direct):
            return done(PROVED)
    except Exception as err:                     # a node the comparison cannot take
        return done(UNKNOWN, reason=f"the comparison failed: {type(err).__name__}: {err}")
    return done(UNKNOWN, reason="the difference did not reduce to 0 and no witness was found")


def _witness(ctx, inst, direct, code) -> dict | None:
    """The engine's witness search; where the code applied f or f' to something that is no
    z (f'(a) for f'(z)), a search of our own with those applications evaluated too."""
    seed = hash_instance(inst)
    try:
        wit = witnesses.find(ctx.canon, direct, code, seed=seed,
                             budget=ctx.engine.witness_budget)
    except (ValueError, ArithmeticError):
        wit = None
    if wit is not None:
        return wit
    import random
    rng, small = random.Random(seed), witnesses.SMALL
    exact = all(a in ("f", "linear") for a in ctx.shape.activations)
    for _ in range(4):
        coeffs = tuple(rng.choice(small) for _ in range(3))
        sides = _Sides(ctx, direct, code, coeffs, exact)
        chosen = {str(v): rng.choice(small) for v in sides.inputs}
        found = sides(chosen)
        if found is not None:
            return sides.witness(chosen, found)
    return None


class _Sides:
    """Both sides at chosen values, exactly or in intervals; the generic f is a concrete
    quadratic, also where the code applies f or f' to something that is no z."""

    def __init__(self, ctx, direct, code, coeffs, exact: bool):
        ex = ctx.ex
        self.ctx, self.coeffs = ctx, coeffs
        self.num = (Exact if exact else Interval)(coeffs)
        c0, c1, c2 = (sympy.Rational(c.numerator, c.denominator) for c in coeffs)
        f, fp = sympy.Function("f"), sympy.Function("fprime")

        def concrete(e):
            e = e.replace(f, lambda u: c2 * u ** 2 + c1 * u + c0)
            return e.replace(fp, lambda u: 2 * c2 * u + c1)
        self.direct, self.code = direct, code
        self.lhs, self.rhs = (concrete(ctx.B.to_sympy(e)) for e in (direct, code))
        self.atoms = {ctx.B.to_sympy(a): v for a, v in ctx.canon.numeric.items()}
        self.inputs = (*ex.x.values(), *ex.y.values(), *ex.w.values(), *ex.b.values())

    def __call__(self, chosen: dict):
        """(direct, code) values when they differ at `chosen`, else None."""
        num = self.num
        values = {sympy.Symbol(k): num.const(v.numerator, v.denominator)
                  for k, v in chosen.items()}
        try:
            z = witnesses._forward(self.ctx.ex, chosen, num)
            for atom, (key, fn) in self.atoms.items():
                values[atom] = fn(z[key], num)
            left, right = evaluate(self.lhs, values, num), evaluate(self.rhs, values, num)
        except (NotEvaluable, ZeroDivisionError, ValueError, ArithmeticError):
            return None
        return (left, right) if num.differs(left, right) else None

    @property
    def exact(self) -> bool:
        return isinstance(self.num, Exact) and not isinstance(self.num, Interval)

    def witness(self, chosen: dict, found) -> dict:
        """The witness, made small (witness.small) with the same concrete-f rules."""
        ctx, exact = self.ctx, self.exact
        generic = "f" in ctx.shape.activations

        def sides(values, coeffs):
            other = self if coeffs == self.coeffs else \
                _Sides(ctx, self.direct, self.code, coeffs, exact)
            got = other(values)
            return None if got is None else (other.num.show(got[0]), other.num.show(got[1]))
        shown = (self.num.show(found[0]), self.num.show(found[1]))
        return witnesses.small(sides, chosen, self.coeffs, shown, exact, generic,
                               ctx.engine.witness_budget)


# ---------------------------------------------------------------- hints

def _functions(ctx, name):
    """f and f' of one activation on object arrays of Sym, written as students do."""
    np = _numpy()
    if name == "sigmoid":
        f = lambda z: 1 / (1 + np.exp(-z))                      # noqa: E731
        return f, lambda z: f(z) * (1 - f(z))
    if name == "tanh":
        return np.tanh, lambda z: 1 - np.tanh(z) ** 2
    if name == "softplus":
        return lambda z: np.log1p(np.exp(z)), lambda z: 1 / (1 + np.exp(-z))
    if name == "linear":
        return lambda z: z, lambda z: z * 0 + 1
    return _elementwise(ctx.f), _elementwise(ctx.fprime)


def _reference(ctx, W, b, x, y, deriv, a_shift=0):
    """The textbook backward (to-from matrices) with `deriv(l, z, a)` standing for
    f'(z^l): a generator of wrong variants for hints. Verdicts never use it."""
    L, N = ctx.shape.L, ctx.shape.samples
    if ctx.shape.convention == "from-to":
        W = [w.T for w in W]
    fs = [None] + [_functions(ctx, a) for a in ctx.shape.activations]
    a, z = [x], [None]
    for l in range(1, L + 1):
        z.append(W[l - 1] @ a[-1] + b[l - 1])
        a.append(fs[l][0](z[l]))
    delta = (a[L] - y) * deriv(fs, L, z, a)
    gw, gb = [None] * L, [None] * L
    for l in range(L, 0, -1):
        gw[l - 1] = delta @ a[l - 1 + a_shift].T / N
        gb[l - 1] = delta.sum(axis=1, keepdims=True) / N
        if l > 1:
            delta = (W[l - 1].T @ delta) * deriv(fs, l - 1, z, a)
    if ctx.shape.convention == "from-to":
        gw = [g.T for g in gw]
    return [e.e for g in gw for e in g.ravel()] + [e.e for g in gb for e in g.ravel()]


VARIANTS = [
    ("holds with f' instead of f (the code uses f(z) where f'(z) belongs)",
     lambda fs, l, z, a: fs[l][0](z[l]), 0),
    ("holds with f'(z^l) instead of f'(a^l) (the code applies f' to the activation a, "
     "not to z)", lambda fs, l, z, a: fs[l][1](a[l]), 0),
    ("holds with the factor f'(z^l) added (the code leaves it out)",
     lambda fs, l, z, a: 1, 0),
    ("holds with a^{l-1} instead of a^l in the weight gradient (a layer off by one)",
     lambda fs, l, z, a: fs[l][1](z[l]), 1),
]


def _add_hints(ctx, checks, entries, got, W, b, x, y, budget: float = 20.0):
    """A hint on each refuted entry whose layer (weights or biases of layer l) a common
    repair makes exactly right: a sign, 1/N, a transpose, f for f', f' of a, a missing
    f', a layer off by one; else a note on a float constant that is not what it reads."""
    t0 = time.perf_counter()
    groups: dict = {}
    for i, (inst, _) in enumerate(entries):
        groups.setdefault((inst.rule, inst.layer), []).append(i)
    direct = {i: ctx.engine.gradient(p) for i, (_, p) in enumerate(entries)}
    variants: dict = {}

    def variant(k):
        if k not in variants:
            label, deriv, shift = VARIANTS[k]
            try:
                with _running(ctx):
                    variants[k] = _reference(ctx, W, b, x, y, deriv, shift)
            except (ValueError, TypeError, ArithmeticError):
                variants[k] = None
        return variants[k]

    def same(idx, other) -> bool:
        return all(ctx.is_zero(got[i] - other(i), cancel=False) for i in idx)

    N = ctx.shape.samples
    for (rule, l), idx in groups.items():
        if not any(checks[i].status == REFUTED for i in idx):
            continue
        if time.perf_counter() - t0 > budget:
            break
        hint = None
        candidates = [("holds with the sign flipped", lambda i: -direct[i])]
        if N > 1:
            candidates.append((f"holds with the factor 1/N = 1/{N} (the average over the "
                               f"examples)", lambda i: N * direct[i]))
        if rule == "weight_grad":
            rows, cols = _rows_cols(ctx.shape, l)
            pos = {i: k for k, i in enumerate(idx)}
            t = lambda i: direct[idx[(pos[i] % rows) * cols + pos[i] // rows]]  # noqa: E731
            candidates.append((f"holds with the gradient of w^{l} transposed", t))
        for k, (label, _, _) in enumerate(VARIANTS):
            def entry(i, k=k):
                got = variant(k)
                return got[i] if got else None
            candidates.append((label, entry))
        for label, other in candidates:
            if time.perf_counter() - t0 > budget:
                break
            try:
                if other(idx[0]) is not None and same(idx, other):
                    hint = label
                    break
            except Exception:       # a candidate that does not apply to this shape
                continue
        if hint is None and ctx.floats:
            f, q = next(iter(ctx.floats.items()))
            hint = (f"the code uses the float {f!r}, which is not {q} exactly: floats are "
                    f"taken at their exact binary value (divide by N, or write exact "
                    f"fractions)")
        for i in idx:
            if checks[i].status == REFUTED:
                checks[i].hint = hint


def _rows_cols(shape, l):
    n = shape.widths
    return (n[l - 1], n[l]) if shape.convention == "from-to" else (n[l], n[l - 1])
