"""One claim at one network and one assignment of its layer letters: its type and value.

An `Evaluator` takes one analysed claim (`form.Form`) at one engine (shape, activation,
convention; `verify.Engine`, memoized by `Context`) and one assignment of its layer
letters: it types each side (the range of every index, read off where it appears;
mismatched shapes raise OutOfRange), then gives each side's exact value, with z, a, f'(z)
and Δ from the engine's canonical atom forms and every ∂ by direct differentiation.
`evaluate.evaluate` runs it over every instance and shape.
"""
from __future__ import annotations

from ..engine import activations, direct
from ..engine.backends import get_backend
from ..engine.network import Shape
from ..engine.verify import Engine
from .errors import IllFormed
from .form import EXAMPLES, pretty
from .printing import show, show_quantity
from .tree import Call, Deriv, Idx, Lay, Neg, Num, Q, Width, dispatch


class NotEvaluated(Exception):
    """Neither value can be had: an expression the evaluator cannot take."""


class OutOfRange(Exception):
    """An index out of its layer's range, or mismatched shapes, at one layer assignment."""


class Undefined(Exception):
    """A value that does not exist at an instance: a division by 0, the log of 0."""



class Context:
    """Engines (one per shape, activation and convention) and derivatives, memoized."""

    def __init__(self, backend: str | None = None):
        self.backend = backend
        self.B = get_backend(backend)
        self._engines: dict = {}
        self.memo: dict = {}

    def engine(self, widths, activation: str, convention: str, samples: int = 1) -> Engine:
        key = (tuple(widths), activation, convention, samples)
        if key not in self._engines:
            shape = Shape.make(tuple(widths), activation, samples, convention)
            self._engines[key] = Engine(shape, self.backend)
        return self._engines[key]



def shape_text(widths) -> str:
    return ",".join(map(str, widths))


def size_text(t) -> str:
    if t is None:
        return "a scalar"
    r, c = t
    if c == 1:
        return f"a {r}-vector"
    if r == 1:
        return f"a row {c}-vector"
    return f"a {r}x{c} matrix"


def _first(idx: tuple[Idx, ...] | None) -> Idx:
    """The first index; TypeError for a whole vector (no indices)."""
    if idx is None:
        raise TypeError("a whole vector has no first index")
    return idx[0]


class Evaluator:
    """One claim at one engine (shape, activation, convention) and one layer assignment."""

    def __init__(self, ctx: Context, engine: Engine, layers: dict[str, int]):
        self.ctx, self.e, self.B = ctx, engine, engine.B
        self.shape, self.n = engine.shape, engine.shape.widths
        self.env = dict(layers)
        self.cons: dict[str, list] = {}
        self.bounds: dict[str, tuple[int, int]] = {}
        self.lower: dict[str, int] = {}
        self.ranges: dict[str, range] = {}

    # ------------------------------------------------ layers and types
    def layer(self, lay: Lay | None) -> int:
        if lay is None:
            raise AttributeError("a quantity with no layer")
        if lay.var is None:
            return lay.off
        return (self.shape.L if lay.var == "L" else self.env[lay.var]) + lay.off

    def qtype(self, q: Q):
        n, L = self.n, self.shape.L
        if q.kind in ("C", "𝒞"):
            return None
        if q.kind == "y":
            return (n[L], 1)
        if q.kind == "x":
            return (n[0], 1)
        m = self.layer(q.layer)
        if q.kind == "w":
            return self.shape.matrix(m)
        return (n[m], 1)

    def _need(self, idx: tuple[Idx, ...], dims: tuple[int, ...], what: str, unit: str):
        for pos, (i, d) in enumerate(zip(idx, dims)):
            label = (f"{what} ({d} {unit})" if len(dims) == 1 else
                     f"the {d} {'rows' if pos == 0 else 'columns'} of {what}")
            if i.var is None:
                if not 1 <= i.off <= d:
                    part = unit if len(dims) == 1 else ("rows" if pos == 0 else "columns")
                    raise OutOfRange(f"index out of its layer's range: {what} has {d} {part}, so "
                                 f"no entry {i.off}")
            else:
                self.cons.setdefault(i.var, []).append((d, label))

    def type(self, node):
        """The shape of a node (None for a scalar), recording the range of every index."""
        return dispatch(self, "type_", node)

    def type_Num(self, node):
        return None                 # δ_{ij}'s indices range where they appear elsewhere

    type_Const = type_Num
    type_Var = type_Num
    type_Width = type_Num
    type_Kron = type_Num

    def type_Q(self, node):
        t = self.qtype(node)
        if node.idx is None:
            return t
        if node.kind in ("y", "x", "Δ", "z", "a", "b"):
            self._need(node.idx, (t[0],), show_quantity(Q(node.kind, node.layer, None)),
                       "neurons")
        elif node.kind == "w":
            self._need(node.idx, t, show_quantity(Q("w", node.layer, None)), "")
        return None

    def type_At(self, node):
        t = self.type(node.x)
        if t is None:
            raise IllFormed(f"{show(node.x)} is a scalar and has no entries")
        dims = (t[0],) if t[1] == 1 else (t[1],) if t[0] == 1 else t
        if len(node.idx) != len(dims):
            raise IllFormed(f"{show(node)}: {show(node.x)} is {size_text(t)}, so it takes "
                            f"{len(dims)} index(es)")
        self._need(node.idx, dims, show(node.x), "entries")
        return None

    def type_Tr(self, node):
        t = self.type(node.x)
        return None if t is None else (t[1], t[0])

    def type_Neg(self, node):
        return self.type(node.x)

    def type_Add(self, node):
        ts = [self.type(t) for t in node.terms]
        vector = next((t for t in ts if t is not None and 1 in t), None)
        if vector is not None and all(t == vector or (t is None and _numeral(x))
                                      for t, x in zip(ts, node.terms)):
            return vector                   # 1 - a^l: the numeral in every entry (a ⊙ (1 - a))
        for t in ts[1:]:
            if t != ts[0]:
                raise OutOfRange(f"shapes do not match: {show(node)} adds {size_text(ts[0])} "
                             f"and {size_text(t)}")
        return ts[0]

    def type_Mul(self, node):
        a, b = self.type(node.a), self.type(node.b)
        if a is None or b is None:
            return a or b
        if a[1] != b[0]:
            raise OutOfRange(f"shapes do not match: {show(node)} multiplies {size_text(a)} by "
                         f"{size_text(b)}")
        out = (a[0], b[1])
        return None if out == (1, 1) else out

    def type_Had(self, node):
        a, b = self.type(node.a), self.type(node.b)
        if a != b:
            raise OutOfRange(f"shapes do not match: {show(node)} is ⊙ of {size_text(a)} and "
                         f"{size_text(b)}")
        return a

    def type_Div(self, node):
        a, b = self.type(node.a), self.type(node.b)
        if b is not None:
            raise IllFormed(f"{show(node)} divides by {size_text(b)}")
        return a

    def type_Pow(self, node):
        if self.type(node.base) is not None:
            raise IllFormed(f"{show(node)}: a power of a vector")
        return None

    def type_Sum(self, node):
        if node.hi is not None:
            hi = self.n[self.layer(node.hi.layer)] if isinstance(node.hi, Width) else \
                int(node.hi.value)
            self.bounds[node.var] = (node.lo, hi)
        elif node.lo != 1:
            self.lower[node.var] = node.lo       # from lo to the inferred width
        return self.type(node.body)

    def type_Call(self, node):
        return self.type(node.arg)

    type_Func = type_Call

    def type_Deriv(self, node):
        self.type(node.num)
        return self.type(node.den)

    def type_default(self, node):
        raise TypeError(node)  # pragma: no cover

    def resolve(self, free: list[str]) -> None:
        """Fix the range of every index from where it appears, or raise OutOfRange."""
        for v, uses in self.cons.items():
            dims = {d for d, _ in uses}
            if v in self.bounds:
                lo, hi = self.bounds[v]
                for d, what in uses:
                    if hi > d:
                        raise OutOfRange(f"index out of its layer's range: {pretty(v)} runs to "
                                     f"{hi}, beyond {what}")
                self.ranges[v] = range(lo, hi + 1)
            elif len(dims) > 1:
                u = _uses(uses)
                raise OutOfRange(f"index out of its layer's range: {pretty(v)} indexes "
                             f"{', '.join(u[:-1])} and {u[-1]}, which differ in size")
            else:
                self.ranges[v] = range(self.lower.get(v, 1), dims.pop() + 1)
        for v in free:
            if v not in self.ranges:                   # pragma: no cover - analyze prevents it
                raise IllFormed(f"the range of {v} is unknown")

    # ------------------------------------------------ values
    def value(self, node, env):
        """The value of a node at one assignment `env` of the indices: a number, or a
        matrix (a list of rows) for a vector or matrix."""
        return dispatch(self, "value_", node, env)

    def value_Num(self, node, env):
        return self.B.Rational(node.value.numerator, node.value.denominator)

    def value_Const(self, node, env):
        return self.B.Integer(self.shape.samples)    # N

    def value_Width(self, node, env):
        return self.B.Integer(self.n[self.layer(node.layer)])

    def value_Kron(self, node, env):
        return self.B.Integer(int(self._i(node.idx[0], env) == self._i(node.idx[1], env)))

    def value_Q(self, node, env):
        if node.kind in ("C", "𝒞"):
            return self.cost(node.kind, _s(env))
        if node.idx is None:
            return self._matrix(node, env)
        return self.quantity(node.kind, node.layer, [self._i(i, env) for i in node.idx],
                             _s(env))

    def value_At(self, node, env):
        m = self.value(node.x, env)
        ii = [self._i(i, env) for i in node.idx]
        if len(m[0]) == 1:
            return m[ii[0] - 1][0]
        if len(m) == 1:
            return m[0][ii[0] - 1]
        return m[ii[0] - 1][ii[1] - 1]

    def value_Tr(self, node, env):
        v = self.value(node.x, env)
        return [list(r) for r in zip(*v)] if isinstance(v, list) else v

    def value_Neg(self, node, env):
        return _each(lambda a: -a, self.value(node.x, env))

    def value_Add(self, node, env):
        vals = [self.value(t, env) for t in node.terms]
        template = next((v for v in vals if isinstance(v, list)), None)
        if template is not None:            # a numeral added to a vector: in every entry
            vals = [_each(lambda _t, v=v: v, template) if not isinstance(v, list)
                    and _numeral(x) else v for v, x in zip(vals, node.terms)]
        out = vals[0]
        for v in vals[1:]:
            out = _each2(lambda a, b: a + b, out, v)
        return out

    def value_Mul(self, node, env):
        a, b = self.value(node.a, env), self.value(node.b, env)
        if not isinstance(a, list):
            return _each(lambda t: a * t, b)
        if not isinstance(b, list):
            return _each(lambda t: t * b, a)
        out = [[sum((a[i][k] * b[k][j] for k in range(len(b))), self.B.zero)
                for j in range(len(b[0]))] for i in range(len(a))]
        return out[0][0] if len(out) == 1 and len(out[0]) == 1 else out

    def value_Had(self, node, env):
        return _each2(lambda a, b: a * b, self.value(node.a, env), self.value(node.b, env))

    def value_Div(self, node, env):
        b = self.value(node.b, env)
        if self.B.expand(b) == 0:
            raise Undefined(_by_zero(node.b))
        return _each(lambda a: a / b, self.value(node.a, env))

    def value_Pow(self, node, env):
        base = self.value(node.base, env)
        if node.n < 0 and self.B.expand(base) == 0:
            raise Undefined(_by_zero(node.base))
        return base ** node.n

    def value_Sum(self, node, env):
        total = None
        over = range(node.lo, self.shape.samples + 1) if node.var == EXAMPLES else \
            self.ranges[node.var]
        for k in over:
            v = self.value(node.body, {**env, ("#s" if node.var == EXAMPLES else node.var): k})
            total = v if total is None else _each2(lambda a, b: a + b, total, v)
        return self.B.zero if total is None else total

    def value_Call(self, node, env):
        return self.activate(node, env)

    def value_Func(self, node, env):
        fn = {"exp": self.B.exp, "log": self.B.log, "tanh": self.B.tanh}[node.name]
        arg = self.value(node.arg, env)
        if node.name == "log" and any(self.B.expand(v) == 0 for v in _entries(arg)):
            raise Undefined(f"the log of 0: {show(node.arg)} is 0")
        return _each(fn, arg)

    def value_Deriv(self, node, env):
        return self.deriv(node, env)

    def value_default(self, node, env):
        raise NotEvaluated(f"cannot evaluate {show(node)}")

    def _i(self, i: Idx, env) -> int:
        return i.off if i.var is None else env[i.var] + i.off

    def quantity(self, kind, lay, ii, s):
        q, ex = self.e.q, self.e.ex
        if kind == "y":
            return ex.y[s, ii[0]]
        if kind == "x":
            return ex.x[s, ii[0]]
        m = self.layer(lay)
        if kind == "w":
            return ex.W(m, ii[0], ii[1])
        if kind == "b":
            return ex.b[m, ii[0]]
        if kind == "z":
            return q.z(s, m, ii[0])
        if kind == "a":
            return q.a(s, m, ii[0])
        return self.e.delta(s, m, ii[0])

    def _matrix(self, node: Q, env):
        r, c = self.qtype(node)
        s = _s(env)
        if node.kind == "w":
            return [[self.quantity("w", node.layer, [i, j], s) for j in range(1, c + 1)]
                    for i in range(1, r + 1)]
        return [[self.quantity(node.kind, node.layer, [i], s)] for i in range(1, r + 1)]

    def cost(self, kind: str, s: int):
        """C of example s, or 𝒞, the average over the examples."""
        key = (id(self.e), kind, s if kind == "C" else 0)
        if key not in self.ctx.memo:
            ex = self.e.ex
            self.ctx.memo[key] = self.e.canon.reduce(ex.example_cost[s] if kind == "C"
                                                     else ex.cost)
        return self.ctx.memo[key]

    # ------------------------------------------------ the activation
    def activate(self, node: Call, env):
        arg = node.arg
        if isinstance(arg, Q) and arg.kind == "z":         # f(z^l_j), f'(z^l) directly
            m = self.layer(arg.layer)
            get = self.e.q.a if node.order == 0 else self.e.q.fprime
            if arg.idx is not None:
                return get(_s(env), m, self._i(arg.idx[0], env))
            return [[get(_s(env), m, i)] for i in range(1, self.n[m] + 1)]
        return _each(lambda v: self._activate_value(v, node.order), self.value(arg, env))

    def _activate_value(self, v, order: int):
        """f or f' of an expression: of z^m_i when it equals one, else of the expression."""
        B, q = self.B, self.e.q
        ve = B.expand(v)
        for (s, m, i) in self.e.ex.z:
            if B.expand(ve - B.expand(q.z(s, m, i))) == 0:
                return q.a(s, m, i) if order == 0 else q.fprime(s, m, i)
        acts = set(self.shape.activations)
        if len(acts) != 1:
            raise NotEvaluated("f of an expression that is no z, with one activation per layer")
        act = activations.get(acts.pop())
        if act.identity:
            return ve if order == 0 else B.Integer(1)
        if order == 0:
            return act.value(B, ve)
        if not act.is_generic:
            return act.derivative(B, ve)
        t = B.Symbol("t#arg")
        return activations.generic_derivative(B, ve + t, t).xreplace({t: B.zero})

    # ------------------------------------------------ derivatives, directly
    def deriv(self, node: Deriv, env):
        num, den, s = node.num, node.den, _s(env)
        nkey = (("C", s) if num.kind == "C" else ("𝒞",) if num.kind == "𝒞" else
                (num.kind, s, self.layer(num.layer), self._i(_first(num.idx), env)))
        if den.idx is not None:
            return self._deriv(nkey, self._key(den, [self._i(i, env) for i in den.idx], s))
        r, c = self.qtype(den)
        if den.kind == "w":
            return [[self._deriv(nkey, self._key(den, [i, j], s)) for j in range(1, c + 1)]
                    for i in range(1, r + 1)]
        return [[self._deriv(nkey, self._key(den, [i], s))] for i in range(1, r + 1)]

    def _key(self, q: Q, ii, s):
        if q.kind in ("x", "y"):
            return (q.kind, s, ii[0])
        if q.kind in ("w", "b"):
            return (q.kind, self.layer(q.layer), *ii)
        return (q.kind, s, self.layer(q.layer), *ii)

    def _deriv(self, nkey, dkey):
        key = (id(self.e), nkey, dkey)
        memo = self.ctx.memo
        if key not in memo:
            memo[key] = self._direct(nkey, dkey)
        return memo[key]

    def _direct(self, nkey, dkey):
        """∂X/∂Y by differentiating the explicit expressions (never a rule)."""
        e, ex = self.e, self.e.ex
        X = (ex.example_cost[nkey[1]] if nkey[0] == "C" else ex.cost if nkey[0] == "𝒞" else
             ex.z[nkey[1:]] if nkey[0] == "z" else ex.a[nkey[1:]])
        kind = dkey[0]
        if kind == "w":
            var = ex.W(*dkey[1:])
        elif kind == "b":
            var = ex.b[dkey[1], dkey[2]]
        elif kind == "x" or (kind == "a" and dkey[2] == 0):
            var = ex.x[dkey[1], dkey[-1]]
        elif kind == "y":
            var = ex.y[dkey[1], dkey[2]]
        elif kind == "z":
            var = ex.probe[dkey[1:]]
        elif ex.acts[dkey[2]].identity:                   # a = z: the probe of z is on a too
            var = ex.probe[dkey[1:]]
        else:
            return self._by_a(X, *dkey[1:])
        if nkey[0] == "C":
            return e.canon.reduce(direct.example_gradient(ex, nkey[1], var))
        if nkey[0] == "𝒞":
            return e.canon.reduce(direct.cost_gradient(ex, var))
        return e.canon.reduce(direct_diff(ex, X, var))

    def _by_a(self, X, s, m, i):
        """∂X/∂a^m_i: a^m_i is shifted by a fresh η wherever it stands in X, and the result
        is checked against the chain rule ∂X/∂z^m_i = ∂X/∂a^m_i f'(z^m_i)."""
        e, ex, B = self.e, self.e.ex, self.B
        a = ex.a[s, m, i]
        eta = B.Symbol("eta#a")
        shifted = X.xreplace({a: a + eta})
        d = e.canon.reduce(direct_diff(ex, shifted, eta).xreplace({eta: B.zero}))
        via_z = e.canon.reduce(direct_diff(ex, X, ex.probe[s, m, i]))
        if B.expand(d * e.q.fprime(s, m, i) - via_z) != 0:
            raise NotEvaluated(f"could not differentiate with respect to a^{m}_{i} directly")
        return d


def direct_diff(ex, expr, var):
    """∂expr/∂var for an explicit z, a or cost expression (direct.py has the cost's)."""
    return ex.B.diff(expr, var)


def _s(env) -> int:
    """The example a per-example quantity is read at: inside Σ_x its term, else the first."""
    return env.get("#s", 1)


def _each(fn, v):
    if isinstance(v, list):
        return [[fn(x) for x in row] for row in v]
    return fn(v)


def _by_zero(den) -> str:
    return "division by zero" + ("" if isinstance(den, Num) else f": {show(den)} is 0")


def _entries(v) -> list:
    return [x for row in v for x in row] if isinstance(v, list) else [v]


def _numeral(node) -> bool:
    """A number as written (1, -1, ½): added to a vector, it is added to every entry."""
    while isinstance(node, Neg):
        node = node.x
    return isinstance(node, Num)


def _each2(fn, a, b):
    if isinstance(a, list) and isinstance(b, list):
        return [[fn(x, y) for x, y in zip(ra, rb)] for ra, rb in zip(a, b)]
    if isinstance(a, list) or isinstance(b, list):
        raise OutOfRange("shapes do not match: a scalar and a vector combined entrywise")
    return fn(a, b)


def _uses(uses) -> list[str]:
    out = []
    for _, what in uses:
        if what not in out:
            out.append(what)
    return out
