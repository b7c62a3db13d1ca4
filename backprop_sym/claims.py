"""What a claim means, and its verdict against direct differentiation.

A claim `LHS = RHS` (from `parse`) is a statement about every valid instance of its free
indices: the layer letters (l; L is the last layer) range over the layers where every
quantity they mention exists, the neuron indices over the width of the layer they index,
read off where they appear (a summation index too, unless the sum gives its bounds). An
instance is evaluated at each shape with the verification engine (`verify.Engine`): z, a,
f'(z) and Δ come from its canonical atom forms, Δ and every ∂ by direct differentiation of
the per-example cost C = ½‖a^L − y‖². A claim that speaks of the examples (𝒞, the average
cost; N; Σ_x) is evaluated with N = 2 and with N = 3 examples.

Verdicts, one per claim:
  proved      every instance at every shape: lhs − rhs expands to exactly 0;
  refuted     an instance where a witness (exact values; a concrete f) separates the sides;
  ill-formed  it cannot mean anything: a free index on one side only, a summation index
              absent from its summand, an index out of its layer's range (an index that
              ranges over two different widths, a weight that does not exist), a product
              of mismatched shapes, an undefined layer; or it could not be read;
  skipped     not a claim about these quantities (prose, \\dots, an inequality, an
              activation declaration such as f(z) = z, which applies from its line on);
  unknown     none of these (no witness found).
A claim that is not proved gets a hint when a common repair makes every instance prove:
a transposed weight, f for f' (or f' for f), a neighbouring layer, swapped indices, a
flipped sign, a missing factor f'(z), the other index convention.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, replace
from fractions import Fraction

import sympy

from . import activations, direct, documents, witness
from .backends import get_backend
from .network import Shape
from .parse import (Add, At, Call, Const, Deriv, Div, Func, Had, Idx, Lay, Mul, Neg, Num,
                    ParseError, Pow, Q, Sum, Tr, Unsupported, Var, Width, children, parse,
                    show, show_layer, show_quantity, split_condition, walk)
from .verify import Engine

PROVED, REFUTED, ILL, SKIPPED, UNKNOWN = "proved", "refuted", "ill-formed", "skipped", "unknown"
SCHEMA_VERSION = 1
DEFAULT_SHAPES = ((2, 3, 4, 2), (3, 2, 2, 3, 4))  # depths 3 and 4, n_0 = n_L and not, one square layer
EXAMPLE_COUNTS = (2, 3)       # claims about the N examples are checked with each
LAYER_RANGE = {"z": 1, "Δ": 1, "b": 1, "w": 1, "a": 0}   # the first layer each exists in


class IllFormed(Exception):
    pass


class Skip(Exception):
    pass


class _Unknown(Exception):
    pass


class _Range(Exception):
    """An index out of its layer's range, or mismatched shapes, at one layer assignment."""


# ---------------------------------------------------------------- options and engines

@dataclass
class Options:
    shapes: tuple[tuple[int, ...], ...] = DEFAULT_SHAPES
    activation: str = "f"
    convention: str = "from-to"
    backend: str | None = None


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


# ---------------------------------------------------------------- structure of a claim

def _bind(node, counter=None):
    """Rename every summation index to a unique name (k -> k#1), so scopes never clash."""
    counter = counter if counter is not None else itertools.count(1)
    if isinstance(node, Sum):
        new = f"{node.var}#{next(counter)}"
        body = _rename(node.body, node.var, new)
        if any(isinstance(n, (Q, Width)) and n.layer is not None and n.layer.var == node.var
               for n in walk(node.body)):
            raise Skip(f"a sum over the layers (Σ_{node.var}) is not a claim the checker reads")
        return Sum(new, node.lo, node.hi, _bind(body, counter))
    return _map(node, lambda c: _bind(c, counter))


def _map(node, fn):
    """The node with fn applied to each direct child."""
    if isinstance(node, Add):
        return Add(tuple(fn(t) for t in node.terms))
    if isinstance(node, (Neg, Tr)):
        return type(node)(fn(node.x))
    if isinstance(node, (Mul, Had, Div)):
        return type(node)(fn(node.a), fn(node.b))
    if isinstance(node, Pow):
        return Pow(fn(node.base), node.n)
    if isinstance(node, At):
        return At(fn(node.x), node.idx)
    if isinstance(node, Sum):
        return Sum(node.var, node.lo, node.hi, fn(node.body))
    if isinstance(node, Call):
        return Call(node.name, node.order, fn(node.arg))
    if isinstance(node, Func):
        return Func(node.name, fn(node.arg))
    if isinstance(node, Deriv):
        return Deriv(fn(node.num), fn(node.den))
    return node


def _rename(node, old: str, new: str):
    def idx(i: Idx) -> Idx:
        return Idx(new, i.off) if i.var == old else i
    if isinstance(node, Q) and node.idx:
        return Q(node.kind, node.layer, tuple(idx(i) for i in node.idx))
    if isinstance(node, At):
        return At(_rename(node.x, old, new), tuple(idx(i) for i in node.idx))
    if isinstance(node, Var) and node.name == old:
        return Var(new)
    if isinstance(node, Sum) and node.var == old:
        return node                                   # shadowed
    return _map(node, lambda c: _rename(c, old, new))


def _indices(node) -> list[Idx]:
    out = []
    for n in walk(node):
        if isinstance(n, Q) and n.idx:
            out += n.idx
        elif isinstance(n, At):
            out += n.idx
    return out


def _layers(node) -> list[Lay]:
    return [n.layer for n in walk(node) if isinstance(n, (Q, Width)) and n.layer is not None]


def _index_letters(node) -> set[str]:
    return {i.var for i in _indices(node) if i.var is not None}


def _layer_letters(node) -> set[str]:
    return {l.var for l in _layers(node) if l.var is not None and l.var != "L"}


def _pretty(name: str) -> str:
    return name.split("#")[0]


@dataclass
class Form:
    """A claim ready to evaluate: bound indices renamed; its free letters."""
    lhs: object
    rhs: object
    free: list[str]                 # free neuron indices
    layers: list[str]               # layer letters
    examples: bool = False          # speaks of the N examples: checked with N = 2 and 3


def analyze(lhs, rhs) -> Form:
    """Check the structure of a claim; raise IllFormed or Skip with the reason."""
    lhs, rhs = _bind(lhs), _bind(rhs)
    lhs, rhs = _bind_examples(lhs), _bind_examples(rhs)
    for side in (lhs, rhs):
        for n in walk(side):
            if isinstance(n, Sum) and n.var != EXAMPLES and n.var not in _index_letters(n.body):
                raise IllFormed(f"the summation index {_pretty(n.var)} does not appear in its "
                                f"summand {show(n.body)}")
            if isinstance(n, Q) and n.idx is not None:
                want = 2 if n.kind == "w" else 0 if n.kind in ("C", "𝒞") else 1
                if len(n.idx) != want:
                    raise IllFormed(f"{show_quantity(n)} has {len(n.idx)} index(es); "
                                    f"{n.kind} takes {want}")
            if isinstance(n, (Q, At)):
                for i in (n.idx or ()):
                    if i.var is not None and i.off != 0:
                        raise Skip(f"an index with an offset ({_pretty(i.var)}"
                                   f"{i.off:+d}) is not a claim the checker reads")
            if isinstance(n, Deriv):
                if not (isinstance(n.num, Q) and isinstance(n.den, Q)):
                    raise Skip(f"{show(n)}: a derivative of and with respect to a quantity")
                if not (n.num.kind in ("C", "𝒞") or n.num.idx is not None
                        and n.num.kind in ("z", "a")):
                    raise Skip(f"∂{show(n.num)}: only derivatives of C or of one z^l_j, a^l_j "
                               f"are read")
                if n.den.kind in ("C", "𝒞", "Δ"):
                    raise IllFormed(f"a derivative with respect to {show(n.den)}")
                if n.den.idx is None and n.num.kind not in ("C", "𝒞"):
                    raise Skip("a Jacobian (a derivative with respect to a vector of a vector "
                               "or of one entry) is not read")
    li, ri = _index_letters(lhs), _index_letters(rhs)
    free_l = {v for v in li if "#" not in v}
    free_r = {v for v in ri if "#" not in v}
    # An index on the left only is a claim for each of its values (∂z^l_j/∂b^l_j = 1); one
    # on the right only is not fixed by anything.
    for v in sorted(free_r - free_l):
        raise IllFormed(f"the free index {v} appears on the right side only: nothing on the "
                        f"left fixes it")
    ll, rl = _layer_letters(lhs), _layer_letters(rhs)
    for v in sorted(rl - ll):
        raise IllFormed(f"the layer {v} appears on the right side only: nothing on the left "
                        f"fixes it")
    both = (free_l | {v for v in li | ri if "#" in v}) & (ll | rl)
    if both:
        v = sorted(both)[0]
        raise IllFormed(f"{_pretty(v)} is used both as a layer and as a neuron index")
    for side in (lhs, rhs):
        for n in walk(side):
            if isinstance(n, Var):
                if n.name in li | ri:
                    raise IllFormed(f"the index {_pretty(n.name)} is used as a value")
                if n.name in ll | rl:
                    raise IllFormed(f"the layer {n.name} is used as a value")
                if n.name in ("z", "a", "w", "b"):
                    raise IllFormed(f"{n.name} without a layer: write {n.name}^l_j")
                raise IllFormed(f"{n.name} is not a quantity the checker knows (z, a, w, b, Δ, "
                                f"y, x, C)")
    return Form(lhs, rhs, sorted(free_l), sorted(ll | rl), _over_examples((lhs, rhs)))


EXAMPLES = "x#"        # the name of a sum over the examples, Σ_x


def _bind_examples(node):
    """Σ_x with x no index of its summand is the sum over the N examples."""
    if isinstance(node, Sum) and node.var.split("#")[0] == "x" and node.hi is None \
            and node.var not in _index_letters(node.body):
        return Sum(EXAMPLES, node.lo, None, _bind_examples(node.body))
    return _map(node, _bind_examples)


def _over_examples(form_sides) -> bool:
    """Does the claim speak of the N examples (𝒞, N, Σ_x)? Then it is checked with N = 2 and 3."""
    return any((isinstance(n, Q) and n.kind == "𝒞") or isinstance(n, Const)
               or (isinstance(n, Sum) and n.var == EXAMPLES)
               for side in form_sides for n in walk(side))


# ---------------------------------------------------------------- evaluation

def _shape_text(widths) -> str:
    return ",".join(map(str, widths))


def _size(t) -> str:
    if t is None:
        return "a scalar"
    r, c = t
    if c == 1:
        return f"a {r}-vector"
    if r == 1:
        return f"a row {c}-vector"
    return f"a {r}x{c} matrix"


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
    def layer(self, lay: Lay) -> int:
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
            return (n[m - 1], n[m]) if self.shape.convention == "from-to" else (n[m], n[m - 1])
        return (n[m], 1)

    def _need(self, idx: tuple[Idx, ...], dims: tuple[int, ...], what: str, unit: str):
        for pos, (i, d) in enumerate(zip(idx, dims)):
            label = (f"{what} ({d} {unit})" if len(dims) == 1 else
                     f"the {d} {'rows' if pos == 0 else 'columns'} of {what}")
            if i.var is None:
                if not 1 <= i.off <= d:
                    part = unit if len(dims) == 1 else ("rows" if pos == 0 else "columns")
                    raise _Range(f"index out of its layer's range: {what} has {d} {part}, so "
                                 f"no entry {i.off}")
            else:
                self.cons.setdefault(i.var, []).append((d, label))

    def type(self, node):
        """The shape of a node (None for a scalar), recording the range of every index."""
        if isinstance(node, (Num, Const, Var, Width)):
            return None
        if isinstance(node, Q):
            t = self.qtype(node)
            if node.idx is None:
                return t
            if node.kind in ("y", "x", "Δ", "z", "a", "b"):
                self._need(node.idx, (t[0],), show_quantity(Q(node.kind, node.layer, None)),
                           "neurons")
            elif node.kind == "w":
                self._need(node.idx, t, show_quantity(Q("w", node.layer, None)), "")
            return None
        if isinstance(node, At):
            t = self.type(node.x)
            if t is None:
                raise IllFormed(f"{show(node.x)} is a scalar and has no entries")
            dims = (t[0],) if t[1] == 1 else (t[1],) if t[0] == 1 else t
            if len(node.idx) != len(dims):
                raise IllFormed(f"{show(node)}: {show(node.x)} is {_size(t)}, so it takes "
                                f"{len(dims)} index(es)")
            self._need(node.idx, dims, show(node.x), "entries")
            return None
        if isinstance(node, Tr):
            t = self.type(node.x)
            return None if t is None else (t[1], t[0])
        if isinstance(node, Neg):
            return self.type(node.x)
        if isinstance(node, Add):
            ts = [self.type(t) for t in node.terms]
            for t, term in zip(ts[1:], node.terms[1:]):
                if t != ts[0]:
                    raise _Range(f"shapes do not match: {show(node)} adds {_size(ts[0])} "
                                 f"and {_size(t)}")
            return ts[0]
        if isinstance(node, Mul):
            a, b = self.type(node.a), self.type(node.b)
            if a is None or b is None:
                return a or b
            if a[1] != b[0]:
                raise _Range(f"shapes do not match: {show(node)} multiplies {_size(a)} by "
                             f"{_size(b)}")
            out = (a[0], b[1])
            return None if out == (1, 1) else out
        if isinstance(node, Had):
            a, b = self.type(node.a), self.type(node.b)
            if a != b:
                raise _Range(f"shapes do not match: {show(node)} is ⊙ of {_size(a)} and "
                             f"{_size(b)}")
            return a
        if isinstance(node, Div):
            a, b = self.type(node.a), self.type(node.b)
            if b is not None:
                raise IllFormed(f"{show(node)} divides by {_size(b)}")
            return a
        if isinstance(node, Pow):
            if self.type(node.base) is not None:
                raise IllFormed(f"{show(node)}: a power of a vector")
            return None
        if isinstance(node, Sum):
            if node.hi is not None:
                hi = self.n[self.layer(node.hi.layer)] if isinstance(node.hi, Width) else \
                    int(node.hi.value)
                self.bounds[node.var] = (node.lo, hi)
            elif node.lo != 1:
                self.lower[node.var] = node.lo       # from lo to the inferred width
            return self.type(node.body)
        if isinstance(node, (Call, Func)):
            return self.type(node.arg)
        if isinstance(node, Deriv):
            self.type(node.num)
            return self.type(node.den)
        raise TypeError(node)  # pragma: no cover

    def resolve(self, free: list[str]) -> None:
        """Fix the range of every index from where it appears, or raise _Range."""
        for v, uses in self.cons.items():
            dims = {d for d, _ in uses}
            if v in self.bounds:
                lo, hi = self.bounds[v]
                for d, what in uses:
                    if hi > d:
                        raise _Range(f"index out of its layer's range: {_pretty(v)} runs to "
                                     f"{hi}, beyond {what}")
                self.ranges[v] = range(lo, hi + 1)
            elif len(dims) > 1:
                u = _uses(uses)
                raise _Range(f"index out of its layer's range: {_pretty(v)} indexes "
                             f"{', '.join(u[:-1])} and {u[-1]}, which differ in size")
            else:
                self.ranges[v] = range(self.lower.get(v, 1), dims.pop() + 1)
        for v in free:
            if v not in self.ranges:                   # pragma: no cover - analyze prevents it
                raise IllFormed(f"the range of {v} is unknown")

    # ------------------------------------------------ values
    def value(self, node, env):
        B = self.B
        if isinstance(node, Num):
            return B.Rational(node.value.numerator, node.value.denominator)
        if isinstance(node, Const):
            return B.Integer(self.shape.samples)    # N
        if isinstance(node, Width):
            return B.Integer(self.n[self.layer(node.layer)])
        if isinstance(node, Q):
            if node.kind in ("C", "𝒞"):
                return self.cost(node.kind, _s(env))
            if node.idx is None:
                return self._matrix(node, env)
            return self.quantity(node.kind, node.layer, [self._i(i, env) for i in node.idx],
                                 _s(env))
        if isinstance(node, At):
            m = self.value(node.x, env)
            ii = [self._i(i, env) for i in node.idx]
            if len(m[0]) == 1:
                return m[ii[0] - 1][0]
            if len(m) == 1:
                return m[0][ii[0] - 1]
            return m[ii[0] - 1][ii[1] - 1]
        if isinstance(node, Tr):
            v = self.value(node.x, env)
            return [list(r) for r in zip(*v)] if isinstance(v, list) else v
        if isinstance(node, Neg):
            return _each(lambda a: -a, self.value(node.x, env))
        if isinstance(node, Add):
            vals = [self.value(t, env) for t in node.terms]
            out = vals[0]
            for v in vals[1:]:
                out = _each2(lambda a, b: a + b, out, v)
            return out
        if isinstance(node, Mul):
            a, b = self.value(node.a, env), self.value(node.b, env)
            if not isinstance(a, list):
                return _each(lambda t: a * t, b)
            if not isinstance(b, list):
                return _each(lambda t: t * b, a)
            out = [[sum((a[i][k] * b[k][j] for k in range(len(b))), B.zero)
                    for j in range(len(b[0]))] for i in range(len(a))]
            return out[0][0] if len(out) == 1 and len(out[0]) == 1 else out
        if isinstance(node, Had):
            return _each2(lambda a, b: a * b, self.value(node.a, env), self.value(node.b, env))
        if isinstance(node, Div):
            b = self.value(node.b, env)
            return _each(lambda a: a / b, self.value(node.a, env))
        if isinstance(node, Pow):
            return self.value(node.base, env) ** node.n
        if isinstance(node, Sum):
            total = None
            over = range(node.lo, self.shape.samples + 1) if node.var == EXAMPLES else \
                self.ranges[node.var]
            for k in over:
                v = self.value(node.body, {**env, ("#s" if node.var == EXAMPLES else node.var): k})
                total = v if total is None else _each2(lambda a, b: a + b, total, v)
            return B.zero if total is None else total
        if isinstance(node, Call):
            return self.activate(node, env)
        if isinstance(node, Func):
            fn = {"exp": B.exp, "log": B.log, "tanh": B.tanh}[node.name]
            return _each(fn, self.value(node.arg, env))
        if isinstance(node, Deriv):
            return self.deriv(node, env)
        raise _Unknown(f"cannot evaluate {show(node)}")

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
            raise _Unknown("f of an expression that is no z, with one activation per layer")
        act = activations.get(acts.pop())
        if act.name == "linear":
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
                (num.kind, s, self.layer(num.layer), self._i(num.idx[0], env)))
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
        elif ex.acts[dkey[2]].name == "linear":          # a = z: the probe of z is on a too
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
            raise _Unknown(f"could not differentiate with respect to a^{m}_{i} directly")
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


def _each2(fn, a, b):
    if isinstance(a, list) and isinstance(b, list):
        return [[fn(x, y) for x, y in zip(ra, rb)] for ra, rb in zip(a, b)]
    if isinstance(a, list) or isinstance(b, list):
        raise _Range("shapes do not match: a scalar and a vector combined entrywise")
    return fn(a, b)


def _uses(uses) -> list[str]:
    out = []
    for d, what in uses:
        if what not in out:
            out.append(what)
    return out


# ---------------------------------------------------------------- one claim, all shapes

@dataclass
class Outcome:
    status: str
    reason: str
    witness: dict | None = None
    instances: int = 0


def _layer_assignments(form: Form, shape: Shape):
    """Every assignment of the layer letters under which every quantity exists."""
    L = shape.L
    lays = []
    for side in (form.lhs, form.rhs):
        for n in walk(side):
            if isinstance(n, Q) and n.layer is not None:
                lays.append((n.layer, LAYER_RANGE[n.kind], show(n)))
            elif isinstance(n, Width):
                lays.append((n.layer, 0, show(n)))
    for values in itertools.product(range(0, L + 1), repeat=len(form.layers)):
        env = dict(zip(form.layers, values))
        ok = True
        for lay, first, what in lays:
            m = (L if lay.var == "L" else env.get(lay.var, 0)) + lay.off if lay.var else lay.off
            if not first <= m <= L:
                ok = False
                break
        if ok:
            yield env
    return


def _undefined_layer(form: Form, shape: Shape) -> str | None:
    """A quantity whose layer is a constant (2, L+1) outside 0..L, if any."""
    for side in (form.lhs, form.rhs):
        for n in walk(side):
            if isinstance(n, (Q, Width)) and n.layer is not None and n.layer.var in (None, "L"):
                m = (shape.L if n.layer.var == "L" else 0) + n.layer.off
                first = LAYER_RANGE.get(getattr(n, "kind", "a"), 0)
                if not first <= m <= shape.L:
                    return (f"{show(n)} names layer {m} (layer {show_layer(n.layer)}), but "
                            f"{'a' if first == 0 else getattr(n, 'kind', 'n')} exists for "
                            f"layers {first}..L={shape.L}")
    return None


def _where(widths, env: dict, samples: int = 1) -> str:
    parts = [f"widths {_shape_text(widths)}"] + ([f"N={samples}"] if samples > 1 else [])
    parts += [f"{_pretty(k)}={v}" for k, v in env.items()]
    return ", ".join(parts)


def evaluate(form: Form, ctx: Context, opts: Options, quick: bool = False,
             seed: int = 0) -> Outcome:
    """The verdict of one analysed claim over every shape; `quick` stops at the first
    instance that does not prove (for trying repairs)."""
    proved, refuted, ranged, unknown = 0, None, None, None
    counts = EXAMPLE_COUNTS if form.examples else (1,)
    for samples, widths in itertools.product(counts, opts.shapes):
        engine = ctx.engine(widths, opts.activation, opts.convention, samples)
        bad = _undefined_layer(form, engine.shape)
        if bad:
            return Outcome(ILL, f"undefined layer: {bad}")
        for layers in _layer_assignments(form, engine.shape):
            ev = Evaluator(ctx, engine, layers)
            try:
                tl, tr = ev.type(form.lhs), ev.type(form.rhs)
                if tl != tr:
                    raise _Range(f"shapes do not match: the left side is {_size(tl)}, the "
                                 f"right side {_size(tr)}")
                ev.resolve(form.free)
            except _Range as err:
                ranged = ranged or f"{err} (at {_where(widths, layers, samples)})"
                if quick:
                    return Outcome(ILL, ranged)
                continue
            except IllFormed as err:
                return Outcome(ILL, str(err))
            for values in itertools.product(*(ev.ranges[v] for v in form.free)):
                env = {**layers, **dict(zip(form.free, values))}
                try:
                    left, right = ev.value(form.lhs, env), ev.value(form.rhs, env)
                    pairs = _pairs(left, right)
                except IndexError as err:
                    ranged = ranged or (f"index out of its layer's range: {err} "
                                        f"(at {_where(widths, env, samples)})")
                    if quick:
                        return Outcome(ILL, ranged)
                    continue
                except _Range as err:
                    ranged = ranged or f"{err} (at {_where(widths, env, samples)})"
                    if quick:
                        return Outcome(ILL, ranged)
                    continue
                except _Unknown as err:
                    unknown = unknown or f"{err} (at {_where(widths, env, samples)})"
                    if quick:
                        return Outcome(UNKNOWN, unknown)
                    continue
                for entry, (lv, rv) in pairs:
                    where = _where(widths, env, samples) + (f", entry {entry}" if entry else "")
                    if engine.B.expand(lv - rv) == 0:
                        proved += 1
                        continue
                    if quick:
                        return Outcome(REFUTED, where)
                    if refuted is None:
                        wit = _witness(engine, lv, rv, seed + proved)
                        if wit is not None:
                            wit = {"shape": list(widths), "instance": where, **wit}
                            refuted = (where, wit)
                        else:
                            unknown = unknown or (f"the difference does not reduce to 0 and no "
                                                  f"witness was found (at {where})")
    if refuted:
        where, wit = refuted
        reason = f"false at {where}: the two sides differ at the witness's values"
        if ranged:
            reason += f"; also ill-formed elsewhere: {ranged}"
        return Outcome(REFUTED, reason, wit, proved)
    if ranged:
        return Outcome(ILL, ranged, None, proved)
    if unknown:
        return Outcome(UNKNOWN, unknown, None, proved)
    if proved == 0:
        letters = ", ".join(form.layers) or "(none)"
        return Outcome(ILL, f"no instance: there is no layer {letters} for which every quantity "
                            f"it names exists")
    shapes = " and ".join(_shape_text(w) for w in opts.shapes)
    if form.examples:
        shapes += " with N = " + " and ".join(map(str, EXAMPLE_COUNTS)) + " examples"
    return Outcome(PROVED, f"holds exactly: all {proved} instance(s) at widths {shapes}",
                   None, proved)


def _pairs(left, right):
    if isinstance(left, list) != isinstance(right, list):
        raise _Range("shapes do not match: a scalar compared with a vector")
    if not isinstance(left, list):
        return [(None, (left, right))]
    return [(f"({i + 1},{j + 1})" if len(left[0]) > 1 else f"{i + 1}", (a, b))
            for i, (ra, rb) in enumerate(zip(left, right)) for j, (a, b) in enumerate(zip(ra, rb))]


def _witness(engine: Engine, lhs, rhs, seed: int) -> dict | None:
    try:
        w = witness.find(engine.canon, lhs, rhs, seed=seed)
    except Exception:                    # an expression the evaluator cannot take
        return None
    if w is None:
        return None
    out = {"values": w["values"], "left": w["direct"], "right": w["rule"], "exact": w["exact"]}
    if "f" in w:
        out["f"] = w["f"]
    return out


# ---------------------------------------------------------------- repairs and hints

def _replace_one(node, match):
    """Every tree with exactly one node n replaced, for each (replacement, label) in match(n)."""
    for rep, label in match(node):
        yield rep, label
    kids = children(node)
    for k, kid in enumerate(kids):
        for new, label in _replace_one(kid, match):
            yield _with_child(node, k, new), label


def _with_child(node, k, new):
    if isinstance(node, Sum) and k == 1:               # the upper limit
        return Sum(node.var, node.lo, new, node.body)
    count = itertools.count()
    return _map(node, lambda c: new if next(count) == k else c)


def repairs(lhs, rhs, opts: Options):
    """(description, lhs, rhs, options) for each common repair, most specific first."""
    # the sign of the right side, or of one of its terms
    yield "holds with the sign of the right-hand side flipped", lhs, _negate(rhs), opts
    if isinstance(rhs, Add):
        for k, t in enumerate(rhs.terms):
            terms = list(rhs.terms)
            terms[k] = _negate(t)
            yield (f"holds with the sign of the term {show(t)} flipped", lhs, Add(tuple(terms)),
                   opts)

    def fprime(n):
        if isinstance(n, Call):
            other = Call(n.name, 1 - n.order, n.arg)
            new, old = (f"{n.name}'", n.name) if n.order == 0 else (n.name, f"{n.name}'")
            yield other, f"holds with {new} instead of {old} ({show(other)} for {show(n)})"
    yield from _each_side(lhs, rhs, fprime, opts)

    free = sorted(_index_letters(rhs) & _index_letters(lhs) - {v for v in _index_letters(rhs)
                                                               if "#" in v})
    for i, j in itertools.combinations(free, 2):
        swapped = _rename(_rename(_rename(rhs, i, "§"), j, i), "§", j)
        yield f"holds with {i} and {j} swapped on the right-hand side", lhs, swapped, opts

    def transpose(n):
        if isinstance(n, Q) and n.kind == "w" and n.idx and len(n.idx) == 2:
            t = Q("w", n.layer, (n.idx[1], n.idx[0]))
            yield t, f"holds if {show(n)} is read as {show(t)} (transpose)"
        if isinstance(n, Q) and n.kind == "w" and n.idx is None:
            yield Tr(n), f"holds with {show(Tr(n))} instead of {show(n)} (transpose)"
        if isinstance(n, Tr):
            yield n.x, f"holds with {show(n.x)} instead of {show(n)} (no transpose)"
        if isinstance(n, At) and isinstance(n.x, Tr) and len(n.idx) == 2:
            t = At(n.x.x, n.idx)
            yield t, f"holds if {show(n)} is read as {show(t)} (no transpose)"
    yield from _each_side(lhs, rhs, transpose, opts)

    def shift(n):
        if isinstance(n, (Q, Width)) and n.layer is not None and n.layer.var is not None:
            for d in (-1, 1):
                new = Lay(n.layer.var, n.layer.off + d)
                t = Q(n.kind, new, n.idx) if isinstance(n, Q) else Width(new)
                yield t, (f"holds with layer {show_layer(new)} instead of "
                          f"{show_layer(n.layer)} ({show(t)} for {show(n)})")
    yield from _each_side(lhs, rhs, shift, opts)

    name = next((n.name for n in walk(rhs) if isinstance(n, Call)), "f")
    seen = set()
    for n in walk(lhs):
        target = None
        if isinstance(n, Q) and n.kind in ("Δ", "z", "a") and n.layer is not None:
            target = n
        elif isinstance(n, Deriv) and n.den.kind == "z":
            target = n.den
        if target is None or (target.layer, target.idx) in seen:
            continue
        seen.add((target.layer, target.idx))
        factor = Call(name, 1, Q("z", target.layer, target.idx))
        new = Mul(rhs, factor) if target.idx is not None else Had(rhs, factor)
        yield f"holds with the factor {show(factor)} added on the right-hand side", lhs, new, opts

    if _over_examples((lhs, rhs)) and not any(isinstance(n, Const) for n in walk(rhs)):
        mean = Mul(Div(Num(Fraction(1)), Const("N")), rhs)
        yield "holds with the factor 1/N added on the right-hand side", lhs, mean, opts

    other = "to-from" if opts.convention == "from-to" else "from-to"
    yield f"holds under the {other} convention", lhs, rhs, replace(opts, convention=other)


def _each_side(lhs, rhs, match, opts):
    for new, label in _replace_one(rhs, match):
        yield label, lhs, new, opts
    for new, label in _replace_one(lhs, match):
        yield label, new, rhs, opts


def _negate(node):
    return node.x if isinstance(node, Neg) else Neg(node)


def _untranspose(node):
    """Tr(Tr(x)) -> x, everywhere."""
    node = _map(node, _untranspose)
    return node.x.x if isinstance(node, Tr) and isinstance(node.x, Tr) else node


def hints(lhs, rhs, ctx: Context, opts: Options, limit: int = 3, budget: float = 20.0) -> list[str]:
    """The repairs under which every instance of the claim proves."""
    found, t0 = [], time.perf_counter()
    seen = {(lhs, rhs, opts.convention)}
    for label, l2, r2, o2 in repairs(lhs, rhs, opts):
        l2, r2 = _untranspose(l2), _untranspose(r2)
        if (l2, r2, o2.convention) in seen or time.perf_counter() - t0 > budget:
            continue
        seen.add((l2, r2, o2.convention))
        try:
            form = analyze(l2, r2)
        except (IllFormed, Skip):
            continue
        if evaluate(form, ctx, o2, quick=True).status == PROVED and \
                evaluate(form, ctx, o2).status == PROVED:
            found.append(label)
            if len(found) >= limit:
                break
    return found


# ---------------------------------------------------------------- activation statements

def _activation_statement(lhs, rhs) -> bool:
    nodes = list(walk(lhs)) + list(walk(rhs))
    return (any(isinstance(n, Var) for n in nodes)
            and not any(isinstance(n, (Q, Width, Deriv, Sum, At, Tr, Had)) for n in nodes))


def _dummy_x(node):
    """A bare x in a statement about the activation alone (σ(x) = 1/(1+e^{-x})) is its
    variable, not the input vector."""
    if isinstance(node, Q) and node.kind == "x" and node.idx is None:
        return Var("x")
    return _map(node, _dummy_x)


def _about_activation_only(lhs, rhs) -> bool:
    nodes = list(walk(lhs)) + list(walk(rhs))
    return (any(isinstance(n, (Call, Func)) for n in nodes)
            and all(n.kind == "x" and n.idx is None for n in nodes if isinstance(n, Q))
            and not any(isinstance(n, (Width, Deriv, Sum, At, Tr, Had)) for n in nodes))


def _sym(node, act, S):
    """An activation statement in SymPy, with `act` for f (None: f stays f)."""
    if isinstance(node, Var):
        return sympy.Symbol(node.name)
    if isinstance(node, Num):
        return sympy.Rational(node.value.numerator, node.value.denominator)
    if isinstance(node, Const):
        raise IllFormed("N, the number of examples, has no meaning in a statement about the "
                        "activation alone")
    if isinstance(node, Add):
        return sympy.Add(*[_sym(t, act, S) for t in node.terms])
    if isinstance(node, Neg):
        return -_sym(node.x, act, S)
    if isinstance(node, Mul):
        return _sym(node.a, act, S) * _sym(node.b, act, S)
    if isinstance(node, Div):
        return _sym(node.a, act, S) / _sym(node.b, act, S)
    if isinstance(node, Pow):
        return _sym(node.base, act, S) ** node.n
    if isinstance(node, Func):
        return {"exp": sympy.exp, "log": sympy.log, "tanh": sympy.tanh}[node.name](
            _sym(node.arg, act, S))
    if isinstance(node, Call):
        u = _sym(node.arg, act, S)
        if act is None:
            f = sympy.Function("f")
            return f(u) if node.order == 0 else sympy.Derivative(f(u), u)
        return act.value(S, u) if node.order == 0 else activations.derivative(act, S, u, None)
    raise Skip(f"{show(node)} in a statement about the activation")


def declared_activation(lhs, rhs) -> str | None:
    """The registered activation that `f(z) = <expression in z>` declares, if it is one."""
    if not (isinstance(lhs, Call) and lhs.order == 0 and isinstance(lhs.arg, Var)):
        return None
    if any(isinstance(n, Call) for n in walk(rhs)):
        return None
    S = get_backend("sympy")
    z = sympy.Symbol(lhs.arg.name)
    try:
        value = _sym(rhs, None, S)
    except Skip:
        return None
    for name in activations.names():
        act = activations.get(name)
        if act.is_generic:
            continue
        if sympy.simplify(act.value(S, z) - value) == 0:
            return name
    return "?"


def _check_activation_statement(lhs, rhs, act_name: str) -> tuple[str, str, dict | None]:
    act = activations.get(act_name)
    if act.is_generic:
        if any(isinstance(n, Call) for side in (lhs, rhs) for n in walk(side)):
            return SKIPPED, "a statement about f alone, and f is generic here", None
        act = None
    S = get_backend("sympy")
    left, right = _sym(lhs, act, S), _sym(rhs, act, S)
    diff = sympy.simplify(left - right)
    if diff == 0:
        return PROVED, ("holds exactly" + (f" for the activation {act_name}" if act else "")), None
    for t in (Fraction(1, 3), Fraction(-2), Fraction(5, 7)):
        vals = {s: sympy.Rational(t.numerator, t.denominator) for s in diff.free_symbols}
        d = diff.xreplace(vals)
        if d.is_zero is False:
            at = ", ".join(f"{k}={v}" for k, v in vals.items())
            return (REFUTED, "false" + (f" for the activation {act_name}" if act else "") +
                    f" at {at}",
                    {"values": {str(s): str(t) for s in vals},
                     "left": str(left.xreplace(vals)), "right": str(right.xreplace(vals)),
                     "exact": True})
    return UNKNOWN, "the difference does not simplify to 0 and no witness was found", None


# ---------------------------------------------------------------- documents

def _claim(line, latex, parsed, status, reason, hint=None, wit=None) -> dict:
    return {"line": line, "latex": latex, "parsed": parsed, "status": status, "reason": reason,
            "hint": hint, "witness": wit}


class Checker:
    """Checks the equations of one document in order (an activation declaration applies
    from its line on)."""

    def __init__(self, opts: Options, ctx: Context | None = None):
        self.opts = opts
        self.ctx = ctx or Context(opts.backend)
        self.declared: tuple[str, int] | None = None

    def check_row(self, text: str, line: int, locate, prev_side=None) -> tuple[list[dict], object]:
        """The claims of one equation (or align row). `locate(pos)` -> (line, column) of a
        position in `text`; `prev_side` is the last side of the previous row, as
        (node, latex), for a row that starts with `=`. Returns (claims, last side)."""
        segments, condition = split_condition(text)
        out = []
        for k, (s0, s1) in enumerate(segments):
            cond = condition if k == len(segments) - 1 else ""
            claims, prev_side = self._segment(text[s0:s1], s0, line, locate, prev_side, cond)
            out += claims
        return out, prev_side

    def _segment(self, body, offset, line, locate, prev_side, condition):
        written = " ".join(body.split()).rstrip(",;. ")
        try:
            rel = parse(body)
        except Unsupported as err:
            return [_claim(line, written, None, SKIPPED, err.reason)], None
        except ParseError as err:
            ln, col = locate(offset + err.pos)
            return [_claim(line, written, None, ILL,
                           f"could not read it: line {ln}, column {col}: {err.message}")], None
        sides = [(s.node, " ".join(body[s.start:s.end].split())) if s else None
                 for s in rel.sides]
        if sides[0] is None:
            if prev_side is None:
                return [_claim(line, written, None, ILL,
                               "starts with '=' but there is no previous line to continue")], None
            sides[0] = prev_side
        out = []
        for (lnode, ltext), (rnode, rtext) in zip(sides, sides[1:]):
            latex = f"{ltext} = {rtext}" if len(sides) > 2 or rel.sides[0] is None else written
            out.append(self.check_claim(lnode, rnode, line, latex, condition))
        return out, sides[-1]

    def check_claim(self, lhs, rhs, line: int, latex: str, condition: str = "") -> dict:
        parsed = show((lhs, rhs))
        note = (f" (the condition '{condition}' is not read: the layers and indices range "
                f"wherever every quantity exists)") if condition else ""
        opts = self.opts
        if self.declared:
            opts = replace(opts, activation=self.declared[0])
        if _about_activation_only(lhs, rhs):
            lhs, rhs = _dummy_x(lhs), _dummy_x(rhs)
        if _activation_statement(lhs, rhs):
            name = declared_activation(lhs, rhs)
            if name == "?":
                return _claim(line, latex, parsed, SKIPPED,
                              "declares an activation the checker does not know "
                              f"(known: {', '.join(activations.names())})")
            if name:
                self.declared = (name, line)
                act = activations.get(name)
                return _claim(line, latex, parsed, SKIPPED,
                              f"declares the activation: {name} ({act.formula}); the claims "
                              f"from line {line} on are checked with it")
            try:
                status, reason, wit = _check_activation_statement(lhs, rhs, opts.activation)
            except Skip as err:
                return _claim(line, latex, parsed, SKIPPED, str(err))
            except IllFormed as err:
                return _claim(line, latex, parsed, ILL, str(err))
            return _claim(line, latex, parsed, status, reason + note, None, wit)
        try:
            form = analyze(lhs, rhs)
        except Skip as err:
            return _claim(line, latex, parsed, SKIPPED, str(err))
        except IllFormed as err:
            return _claim(line, latex, parsed, ILL, str(err))
        out = evaluate(form, self.ctx, opts, seed=_seed(parsed))
        hint = None
        if out.status in (REFUTED, ILL):
            found = hints(lhs, rhs, self.ctx, opts)
            hint = "; ".join(found) if found else None
        return _claim(line, latex, parsed, out.status, out.reason + note, hint, out.witness)


def _seed(text: str) -> int:
    h = 0
    for ch in text:
        h = (h * 131 + ord(ch)) % (2 ** 61 - 1)
    return h


def _options(shapes=None, activation="f", convention="from-to", backend=None) -> Options:
    shapes = tuple(tuple(s) for s in (shapes or DEFAULT_SHAPES))
    return Options(shapes, activation, convention, backend)


def check_text(text: str, kind: str = documents.MARKDOWN, **options) -> list[dict]:
    """Every claim of every display equation of a Markdown or LaTeX text, in order.
    Options: shapes (widths tuples), activation, convention, backend."""
    checker = Checker(_options(**options))
    out, prev = [], None
    last_display = None
    for row in documents.rows(text, kind):
        if row.display != last_display:
            prev, last_display = None, row.display
        locate = (lambda start: lambda pos: documents.locate(text, start + pos))(row.start)
        claims, prev = checker.check_row(row.text, row.line, locate, prev)
        written = " ".join(text[row.start:row.start + len(row.text)].split())
        for c in claims:
            if c["latex"] == " ".join(row.text.split()):
                c["latex"] = written
        out += claims
    return out


def check_file(path, **options) -> list[dict]:
    """check_text of a file; Markdown or LaTeX by its extension."""
    return check_text(documents.read(path), documents.kind_of(path), **options)


def check_claim(latex: str, **options) -> list[dict]:
    """The claims of one equation given as text (A = B = C gives two)."""
    checker = Checker(_options(**options))
    claims, _ = checker.check_row(latex, 1, lambda pos: documents.locate(latex, pos))
    return claims


# ---------------------------------------------------------------- summary and output

ORDER = (REFUTED, ILL, UNKNOWN, PROVED)
EXIT = {PROVED: 0, REFUTED: 1, ILL: 1, UNKNOWN: 3}


def overall(claims: list[dict]) -> str:
    for status in ORDER[:-1]:
        if any(c["status"] == status for c in claims):
            return status
    return PROVED


def counts(claims: list[dict]) -> dict:
    return {s: sum(c["status"] == s for c in claims) for s in (PROVED, REFUTED, ILL, UNKNOWN,
                                                             SKIPPED)}


def document(file, claims: list[dict], opts: Options, seconds: float | None = None) -> dict:
    """The JSON document of a check."""
    doc = {"schema_version": SCHEMA_VERSION, "file": None if file is None else str(file),
           "status": overall(claims), "counts": counts(claims),
           "shapes": [list(s) for s in opts.shapes], "activation": opts.activation,
           "convention": opts.convention, "claims": claims}
    if seconds is not None:
        doc["seconds"] = round(seconds, 3)
    return doc


def witness_text(w: dict | None) -> str:
    if not w:
        return ""
    vals = ", ".join(f"{k}={v}" for k, v in w.get("values", {}).items())
    f = f"{w['f']}; " if "f" in w else ""
    return f"{f}left={w['left']}, right={w['right']} at {vals}"


STYLE = {PROVED: "green", REFUTED: "red", ILL: "red", UNKNOWN: "yellow", SKIPPED: "blue"}


def format_text(doc: dict, color: bool = False) -> str:
    """The terminal report: every equation with its line, as written, as read, the verdict,
    the reason, the witness and the hint; then a summary line."""
    def paint(text, status):
        if not color:
            return text
        import click
        return click.style(text, fg=STYLE.get(status), bold=status in (REFUTED, ILL))

    shapes = " and ".join(_shape_text(s) for s in doc["shapes"])
    lines = [f"backprop-sym check {doc['file'] or '--claim'}: shapes {shapes}, activation "
             f"{doc['activation']}, {doc['convention']}", ""]
    for c in doc["claims"]:
        lines.append(f"line {c['line']}: " + paint(c["status"], c["status"]))
        lines.append(f"  written: {c['latex']}")
        if c["parsed"]:
            lines.append(f"  read as: {c['parsed']}")
        lines.append(f"  why:     {c['reason']}")
        if c["witness"]:
            lines.append(f"  witness: {witness_text(c['witness'])}")
        if c["hint"]:
            lines.append("  hint:    " + paint(c["hint"], PROVED))
        lines.append("")
    n = doc["counts"]
    total = len(doc["claims"])
    summary = (f"{doc['status']}: {total} claim(s): {n[PROVED]} proved, {n[REFUTED]} refuted, "
               f"{n[ILL]} ill-formed, {n[UNKNOWN]} unknown, {n[SKIPPED]} skipped")
    if "seconds" in doc:
        summary += f" ({doc['seconds']:.1f} s)"
    if total == n[SKIPPED]:
        summary += "; nothing was checked"
    lines.append(paint(summary, doc["status"]))
    return "\n".join(lines)
