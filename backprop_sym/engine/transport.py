"""What a user's backward returned, as plain data: recorded where the code runs, decoded
with a whitelist where the verdict is made.

The code is called on `Rec` numbers (no engine, no expressions: each operation only
appends a node to a `Tape`), and what it returns is written as JSON (`encode`): the
nodes, and for each returned array its shape and node numbers, or a problem. `decode`
reads such bytes back under a whitelist (integers and rationals of bounded size, the
network's symbols by name and index, + * / ** -, exp, tanh, log, log1p, sqrt, and f, f'
for a generic activation), each node referring only to earlier ones, and replays them as
`sym.Sym` in the checker's own `SymContext`; anything else raises `Malformed`. Nothing is
ever unpickled, so bytes from the code's process can run no code in the checker's.
"""
from __future__ import annotations

import json
import numbers
from fractions import Fraction

from .errors import BackpropSymError
from .sym import Sym, numpy_module

MAX_BYTES = 32 * 2 ** 20     # a recording larger than this is not decoded
MAX_NODES = 2 * 10 ** 6
MAX_DIGITS = 400             # digits of one integer, numerator or denominator
MAX_POWER = 64               # |k| of an integer exponent
MAX_TEXT = 2000              # characters of an error message carried back

UNARY = ("neg", "exp", "tanh", "log", "log1p", "sqrt", "f", "fprime")
BINARY = ("add", "sub", "mul", "div", "pow")
NAMES = {"w": 3, "b": 2, "x": 2, "y": 2}     # symbol name -> number of indices


class Malformed(BackpropSymError):
    """Bytes that are not a well-formed recording of returned entries."""


# ---------------------------------------------------------------- recording (the code's side)

class Branching(TypeError):
    """The code compared entries (np.where, np.clip, np.maximum, <, >=, abs, if) on
    symbols, or at a point where the comparison is too close to call."""


class Tape:
    """The nodes recorded so far: lists [op, args...] (node numbers refer to earlier nodes).

    With `at` (symbol key (name, *indices) -> Fraction) every node also carries its value
    at that point as a rigorous interval (`values`), so that the code's comparisons are
    decided there (`decide`); `branched` says the code compared at all."""

    PREC = 256                   # bits of the intervals at a point

    def __init__(self, at: dict | None = None, coeffs=None):
        self.nodes: list = []
        self.at, self.coeffs = at, coeffs
        self.values: list = []
        self.branched = self.undecided = False

    def add(self, *node) -> "Rec":
        self.nodes.append(list(node))
        if self.at is not None:
            try:
                value = self._value(node[0], node[1:])
            except (ArithmeticError, ValueError, TypeError, KeyError):
                value = None                   # no value: comparisons on it are undecided
            self.values.append(value)
        return Rec(self, len(self.nodes) - 1)

    def _value(self, op, args):
        from mpmath import iv
        saved, iv.prec = iv.prec, self.PREC
        try:
            return self._interval(iv, op, args)
        finally:
            iv.prec = saved

    def _interval(self, iv, op, args):
        v = self.values
        if op == "int":
            return iv.mpf(int(args[0]))
        if op == "float":
            return iv.mpf(float.fromhex(args[0]))
        if op == "rat":
            return iv.mpf(int(args[0])) / int(args[1])
        if op == "sym":
            q = self.at[tuple(args)]
            return iv.mpf(q.numerator) / q.denominator
        a = v[args[0]]
        if a is None or (op in BINARY and v[args[1]] is None):
            return None
        if op in BINARY:
            b = v[args[1]]
            if op == "pow":
                k = self.nodes[args[1]]
                if k[0] == "int":
                    return a ** int(k[1])
                return iv.exp(b * iv.log(a))
            return {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
                    "div": lambda: a / b}[op]()
        c0, c1, c2 = self.coeffs or (0, 0, 0)
        return {"neg": lambda: -a, "exp": lambda: iv.exp(a),
                "tanh": lambda: 1 - 2 / (iv.exp(2 * a) + 1), "log": lambda: iv.log(a),
                "log1p": lambda: iv.log(1 + a), "sqrt": lambda: iv.sqrt(a),
                "f": lambda: c0 + c1 * a + c2 * a * a, "fprime": lambda: c1 + 2 * c2 * a}[op]()

    def sign(self, a: "Rec", o) -> int:
        """The sign of a - o at the point: -1, 0 or 1; `Branching` when there is no point
        or the interval does not decide it."""
        if o is a:
            return 0                           # an entry and itself: equal for every input
        self.branched = True
        if self.at is None:
            raise Branching("a symbolic entry has no truth value: backprop-sym runs backward "
                            "on symbols and checks code that compares entries (np.where, "
                            "np.clip, np.maximum, <) at exact points instead")
        b = self.constant(o)
        va, vb = self.values[a.i], None if b is None else self.values[b.i]
        if va is None or vb is None:
            self.undecided = True
            raise Branching("a comparison at a point where an entry has no value")
        d = va - vb
        if d.a == d.b == 0:
            return 0
        if d.b < 0:
            return -1
        if d.a > 0:
            return 1
        self.undecided = True
        raise Branching("a comparison too close to call at this point")

    def constant(self, o) -> "Rec | None":
        """A number as a node (a float as the binary rational it is), or None."""
        if isinstance(o, Rec):
            return o if o.tape is self else None
        if isinstance(o, (bool, int, numbers.Integral)):
            return self.add("int", str(int(o)))
        if isinstance(o, (float, numbers.Real)) and not isinstance(o, Fraction):
            f = float(o)
            if f != f or f in (float("inf"), float("-inf")):
                raise ValueError(f"backward used the non-finite number {f!r}")
            return self.add("float", f.hex())
        if isinstance(o, numbers.Rational):
            return self.add("rat", str(int(o.numerator)), str(int(o.denominator)))
        return None


class Rec:
    """One entry of a NumPy object array while the code runs: a node of a `Tape`."""

    __slots__ = ("tape", "i")

    def __init__(self, tape: Tape, i: int):
        self.tape, self.i = tape, i

    def _bin(self, other, op, swap=False):
        o = self.tape.constant(other)
        if o is None:
            return NotImplemented
        a, b = (o, self) if swap else (self, o)
        return self.tape.add(op, a.i, b.i)

    def __add__(self, o): return self._bin(o, "add")
    def __radd__(self, o): return self._bin(o, "add", True)
    def __sub__(self, o): return self._bin(o, "sub")
    def __rsub__(self, o): return self._bin(o, "sub", True)
    def __mul__(self, o): return self._bin(o, "mul")
    def __rmul__(self, o): return self._bin(o, "mul", True)
    def __truediv__(self, o): return self._bin(o, "div")
    def __rtruediv__(self, o): return self._bin(o, "div", True)
    def __pow__(self, o): return self._bin(o, "pow")
    def __rpow__(self, o): return self._bin(o, "pow", True)
    def __neg__(self): return self.tape.add("neg", self.i)
    def __pos__(self): return self
    def exp(self): return self.tape.add("exp", self.i)
    def tanh(self): return self.tape.add("tanh", self.i)
    def log(self): return self.tape.add("log", self.i)
    def log1p(self): return self.tape.add("log1p", self.i)
    def sqrt(self): return self.tape.add("sqrt", self.i)
    def square(self): return self._bin(self, "mul")
    def conjugate(self): return self

    def __lt__(self, o): return self.tape.sign(self, o) < 0
    def __le__(self, o): return self.tape.sign(self, o) <= 0
    def __gt__(self, o): return self.tape.sign(self, o) > 0
    def __ge__(self, o): return self.tape.sign(self, o) >= 0
    def __bool__(self): return self.tape.sign(self, 0) != 0
    # == and != compare values like < does (without them Python compares identities:
    # `s[s == 0.25] = 0` would be all False on symbols and go unnoticed)
    def __eq__(self, o): return self.tape.sign(self, o) == 0 if self._number(o) else NotImplemented
    def __ne__(self, o): return self.tape.sign(self, o) != 0 if self._number(o) else NotImplemented
    __hash__ = object.__hash__

    def _number(self, o) -> bool:
        return isinstance(o, (Rec, numbers.Number)) and not isinstance(o, complex)
    def __abs__(self): return -self if self.tape.sign(self, 0) < 0 else self

    __float__ = Sym.__float__
    __int__ = Sym.__float__

    def __repr__(self):
        return f"Rec(#{self.i})"


def symbols(tape: Tape, name: str, rows, cols, index) -> object:
    """An object array of symbol nodes: entry (r, c) is the symbol name[index(r, c)]."""
    np = numpy_module()
    out = np.empty((rows, cols), dtype=object)
    for r in range(rows):
        for c in range(cols):
            out[r, c] = tape.add("sym", name, *index(r + 1, c + 1))
    return out


def applied(tape: Tape, op: str):
    """f or f' as an elementwise function of object arrays of `Rec`."""
    np = numpy_module()

    def one(v):
        node = tape.constant(v)
        if node is None:
            raise TypeError(f"{op} takes numbers, got {type(v).__name__}")
        return tape.add(op, node.i)
    ufunc = np.frompyfunc(one, 1, 1)
    return lambda v: ufunc(v)


def encode(doc: dict) -> bytes:
    return json.dumps(doc, separators=(",", ":"), allow_nan=False).encode("utf-8")


# ---------------------------------------------------------------- decoding (the checker's side)

def load(data: bytes) -> dict:
    """One JSON object from `data` (at most MAX_BYTES), else `Malformed`."""
    if len(data) > MAX_BYTES:
        raise Malformed(f"it sent {len(data)} bytes (more than {MAX_BYTES})")
    try:
        doc = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise Malformed(f"it sent something that is not one JSON document ({err})") from None
    if not isinstance(doc, dict):
        raise Malformed("it sent something that is not a recording")
    return doc


def _no_constant(name):
    raise ValueError(f"{name} is not a number")


def text(v) -> str:
    """A message from the code's side, printable and bounded."""
    if not isinstance(v, str):
        raise Malformed("an error message that is not text")
    clean = "".join(ch if ch.isprintable() else " " for ch in v)
    return clean if len(clean) <= MAX_TEXT else clean[:MAX_TEXT] + "..."


def _integer(v) -> int:
    digits = v[1:] if isinstance(v, str) and v[:1] == "-" else v
    if not isinstance(digits, str) or not 0 < len(digits) <= MAX_DIGITS or \
            not digits.isdigit() or not digits.isascii():
        raise Malformed(f"an integer that is not one (or too long): {str(v)[:40]!r}")
    return int(v)


def _index(v, bound: int) -> int:
    if type(v) is not int or not 1 <= v <= bound:
        raise Malformed(f"an index out of range: {str(v)[:40]!r}")
    return v


def replay(nodes, ctx, generic: bool) -> list:
    """The nodes as `Sym` of `ctx` (call inside `sym.running(ctx)`), checked one by one."""
    if not isinstance(nodes, list) or len(nodes) > MAX_NODES:
        raise Malformed("the nodes are not a list of bounded length")
    ex, n, N, L = ctx.ex, ctx.shape.widths, ctx.shape.samples, ctx.shape.L
    B = ctx.B
    out: list = []

    def ref(v) -> Sym:
        if type(v) is not int or not 0 <= v < len(out):
            raise Malformed(f"a reference to no earlier node: {str(v)[:40]!r}")
        return out[v]

    for node in nodes:
        if not isinstance(node, list) or not node or not isinstance(node[0], str):
            raise Malformed("a node that is not [operation, arguments...]")
        op, args = node[0], node[1:]
        if op == "int" and len(args) == 1:
            out.append(Sym(B.Integer(_integer(args[0]))))
        elif op == "rat" and len(args) == 2:
            p, q = _integer(args[0]), _integer(args[1])
            if q <= 0:
                raise Malformed("a rational with a denominator that is not positive")
            out.append(Sym(B.Rational(p, q)))
        elif op == "float" and len(args) == 1 and isinstance(args[0], str) and \
                len(args[0]) < 40:
            try:
                f = float.fromhex(args[0])
            except (ValueError, OverflowError):
                raise Malformed(f"a float that is not one: {args[0]!r}") from None
            if f != f or f in (float("inf"), float("-inf")):
                raise Malformed("a float that is not finite")
            out.append(Sym(ctx.number(Fraction(f), f)))
        elif op == "sym" and args and args[0] in NAMES and len(args) == 1 + NAMES[args[0]]:
            out.append(Sym(_symbol(ex, n, N, L, args[0], args[1:])))
        elif op in UNARY and len(args) == 1:
            if op in ("f", "fprime") and not generic:
                raise Malformed(f"{op} applied in a network without the generic f")
            a = ref(args[0])
            out.append(-a if op == "neg" else
                       Sym(ctx.f(a.e)) if op == "f" else
                       Sym(ctx.fprime(a.e)) if op == "fprime" else getattr(a, op)())
        elif op in BINARY and len(args) == 2:
            a, b = ref(args[0]), ref(args[1])
            if op == "pow":
                k = b.e
                if not (k.is_Number or a.e.is_Number) or \
                        (k.is_Integer and abs(int(k)) > MAX_POWER):
                    raise Malformed("a power of an expression whose exponent is not a number "
                                    "of bounded size")
                out.append(a ** b)
            else:
                out.append({"add": a.__add__, "sub": a.__sub__, "mul": a.__mul__,
                            "div": a.__truediv__}[op](b))
        else:
            raise Malformed(f"a node that is not allowed: {str(node)[:60]}")
    return out


def _symbol(ex, n, N, L, name, idx):
    if name == "w":
        l = _index(idx[0], L)
        return ex.w[l, _index(idx[1], n[l - 1]), _index(idx[2], n[l])]
    if name == "b":
        l = _index(idx[0], L)
        return ex.b[l, _index(idx[1], n[l])]
    s = _index(idx[0], N)
    return (ex.x if name == "x" else ex.y)[s, _index(idx[1], n[0] if name == "x" else n[L])]
