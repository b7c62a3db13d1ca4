"""Claims proved for every width: a claim shaped like a rule, proved by `prove`.

A claim whose left side is Δ^L_j, Δ^l_j (with layer l+1 on the right), ∂C/∂w^l_{pq} or
∂C/∂b^l_j (C one example's cost, or 𝒞 the average), and whose right side is a closed form
in a, z, y, w, f(z), f'(z), Δ, n_l, N, δ_{ij}, and sums over the neurons of a layer and over
the examples, is read as a rule with the signature of `rules` and proved by the chain of
`engine.prove`, with symbolic depth and widths. Anything else, or anything not settled,
gives None: the claim keeps the verdict reached at its shapes.

The checker asks only for claims its shapes proved, so a claim here is proved twice: at
concrete networks and for every shape.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from ..engine.network import weight_indices
from ..engine.vocabulary import Status
from .form import EXAMPLES, Form
from .tree import Call, Const, Deriv, Idx, Node, Q, Sum, Width, dispatch, walk

SCOPE = "every depth and every width (symbolic n_l, the steps of backprop-sym prove)"


class _NotARule(Exception):
    """The claim is not read as a rule; it keeps the verdict of its shapes."""


def every_width(form: Form, activation: str, convention: str) -> bool:
    """Is the claim proved for every depth and width?"""
    if form.where is not None or "," in activation or not _chain_proved(activation, convention):
        return False
    from ..engine import prove
    try:
        kind, fn = _as_rule(form, convention)
        if prove.prove_closed_form(kind, fn, activation, convention).status == Status.PROVED:
            return True
    except _NotARule:
        pass
    try:
        return _identity(form, convention, activation)
    except _NotARule:
        return False


@lru_cache(maxsize=None)
def _chain_proved(activation: str, convention: str) -> bool:
    """Steps (a)-(e) of the chain, which every rule's proof uses, hold for this f."""
    from ..engine import prove
    return prove.chain_proved(activation, convention)


# ---------------------------------------------------------------- the claim as a rule

def _uses(name: str, sides):
    """(quantity, position) of every use of the index `name`: in quantities, in the two
    quantities of a derivative, and in the argument of f or f'."""
    for side in sides:
        for n in walk(side):
            qs = [n] if isinstance(n, Q) else [n.num, n.den] if isinstance(n, Deriv) else \
                [n.arg] if isinstance(n, Call) else []
            for q in qs:
                if isinstance(q, Q) and q.idx:
                    for pos, i in enumerate(q.idx):
                        if i.var == name:
                            yield q, pos


def _index_layers(name: str, sides, convention: str, var: str) -> set:
    """The layers (as offsets from the layer letter; 'L' for y) whose neurons the index
    `name` runs over, read wherever it appears."""
    found: set = set()
    for q, pos in _uses(name, sides):
        if q.kind == "y":
            found.add(0 if var == "L" else "L")
        elif q.layer is None:
            found.add(None)
        elif q.kind == "w":
            from_first = convention == "from-to"
            found.add(q.layer.off - 1 if (pos == 0) == from_first else q.layer.off)
        else:
            found.add(q.layer.off)
    for side in sides:
        for n in walk(side):
            if isinstance(n, Sum) and n.var == name and isinstance(n.hi, Width):
                found.add(n.hi.layer.off)
    return found


def _consistent(form: Form, convention: str, var: str) -> None:
    """Each index runs over the neurons of one layer, else _NotARule (the shapes judge it)."""
    sides = (form.lhs, form.rhs)
    names = set(form.free) | {n.var for side in sides for n in walk(side)
                              if isinstance(n, Sum) and n.var != EXAMPLES}
    for name in names:
        if len(_index_layers(name, sides, convention, var)) != 1:
            raise _NotARule


def _layer_letter(lhs: Node, rhs: Node) -> str:
    """The one letter the claim's layers are written in (l of l, l+1), else _NotARule."""
    letters = {n.layer.var for side in (lhs, rhs) for n in walk(side)
               if isinstance(n, (Q, Width)) and n.layer is not None}
    if len(letters) != 1 or None in letters:
        raise _NotARule
    var = letters.pop()
    if var is None:
        raise _NotARule
    return var


def _as_rule(form: Form, convention: str):
    """(rule kind, closed form fn(q, ...)) of a claim, or _NotARule."""
    lhs, rhs = form.lhs, form.rhs
    var = _layer_letter(lhs, rhs)
    _consistent(form, convention, var)
    offsets = {n.layer.off for side in (lhs, rhs) for n in walk(side)
               if isinstance(n, (Q, Width)) and n.layer is not None}
    examples = any(isinstance(n, Const) or isinstance(n, Sum) and n.var == EXAMPLES
                   for n in walk(rhs))
    target = _target(lhs)
    if target is None or target[1].layer.off != 0:
        raise _NotARule
    what, q = target
    if any(i.var is None or i.off != 0 for i in q.idx):
        raise _NotARule
    names = [i.var for i in q.idx]
    if what == "delta":
        if var == "L":
            if offsets != {0} or examples:
                raise _NotARule
            return "output_delta", _closed(rhs, var, convention, names, per_example=True)
        if 1 not in offsets or examples:           # l < L only when the claim names l+1
            raise _NotARule
        return "hidden_delta", _closed(rhs, var, convention, names, per_example=True)
    if var == "L":
        raise _NotARule
    per_example = what in ("C", "w_C", "b_C")
    if per_example and examples:
        raise _NotARule
    kind = "weight_grad" if q.kind == "w" else "bias_grad"
    return kind, _closed(rhs, var, convention, names, per_example=per_example, mean=per_example)


def _target(lhs):
    """('delta', Δ^t_j) for Δ or ∂C/∂z; ('w_C'|'w_𝒞'|'b_C'|'b_𝒞', the parameter) for a
    gradient; None otherwise."""
    if isinstance(lhs, Q) and lhs.kind == "Δ" and lhs.idx and lhs.layer:
        return "delta", lhs
    if isinstance(lhs, Deriv) and isinstance(lhs.num, Q) and isinstance(lhs.den, Q) \
            and lhs.num.kind in ("C", "𝒞") and lhs.den.idx and lhs.den.layer:
        d = lhs.den
        if d.kind == "z" and lhs.num.kind == "C":
            return "delta", d
        if d.kind in ("w", "b"):
            return f"{d.kind}_{lhs.num.kind}", d
    return None


def _closed(rhs, var, convention, names, per_example: bool, mean: bool = False):
    """The right side as a rule's closed form, with the rule's signature: (q, s, j) for
    Δ^L, (q, s, l, j) for Δ^l, (q, l, *indices) for a gradient; a gradient of one
    example's C is read as the mean of its right side over the examples."""
    has_s, has_layer = per_example and not mean, var != "L"

    def fn(q, *args):
        s = args[0] if has_s else None
        rest = args[1:] if has_s else args
        layer = rest[0] if has_layer else q.L
        env = dict(zip(names, rest[1:] if has_layer else rest))
        read = _Reader(q, var, layer, convention)
        if mean:
            return q.mean(lambda t: read.value(rhs, env, t))
        return read.value(rhs, env, s)
    return fn


class _Tree:
    """A claim's tree read at a generic layer: the layer letter `var` is `layer`, indices
    come from `env`; whatever is not read raises _NotARule."""

    def __init__(self, var, layer, convention):
        self.var, self.layer, self.convention = var, layer, convention

    def lay(self, lay):
        if lay is None or lay.var != self.var:
            raise _NotARule
        return self.layer + lay.off

    def idx(self, i, env):
        if i.var is None or i.off != 0 or i.var not in env:
            raise _NotARule
        return env[i.var]

    # Numbers, widths, Kronecker deltas, and + − × ÷ ^, alike for every reading; a
    # reading adds what else it reads (value_<Node>), anything else is not a rule.
    def value(self, node, env, *rest):
        return dispatch(self, "value_", node, env, *rest)

    def value_default(self, node, env, *rest):
        raise _NotARule

    def value_Num(self, node, env, *rest):
        return sp.Rational(node.value.numerator, node.value.denominator)

    def value_Width(self, node, env, *rest):
        from ..engine.prove import n
        return n(self.lay(node.layer))

    def value_Kron(self, node, env, *rest):
        return sp.KroneckerDelta(*(self.idx(i, env) for i in node.idx))

    def value_Neg(self, node, env, *rest):
        return -self.value(node.x, env, *rest)

    def value_Add(self, node, env, *rest):
        return sp.Add(*(self.value(t, env, *rest) for t in node.terms))

    def value_Mul(self, node, env, *rest):
        return self.value(node.a, env, *rest) * self.value(node.b, env, *rest)

    def value_Div(self, node, env, *rest):
        return self.value(node.a, env, *rest) / self.value(node.b, env, *rest)

    def value_Pow(self, node, env, *rest):
        return self.value(node.base, env, *rest) ** node.n


class _Reader(_Tree):
    """A claim's tree as a SymPy expression of `prove.SymbolicQ`'s quantities."""

    def __init__(self, q, var, layer, convention):
        super().__init__(var, layer, convention)
        self.q = q

    def value_Const(self, node, env, s):
        return self.q.N

    def value_Sum(self, node, env, s):
        return self._sum(node, env, s)

    def value_Call(self, node, env, s):
        arg = node.arg
        if node.order > 1 or not (isinstance(arg, Q) and arg.kind == "z" and arg.idx):
            raise _NotARule
        t, j = self.lay(arg.layer), self.idx(arg.idx[0], env)
        return self.q.a(self._s(s), t, j) if node.order == 0 else \
            self.q.fprime(self._s(s), t, j)

    def value_Deriv(self, node, env, s):
        num, den = node.num, node.den
        if isinstance(num, Q) and num.kind == "C" and isinstance(den, Q) and den.idx \
                and den.kind == "z":
            return self.q.delta(self._s(s), self.lay(den.layer), self.idx(den.idx[0], env))
        raise _NotARule

    def value_Q(self, node, env, s):
        if not node.idx:
            raise _NotARule
        return self._quantity(node, node.idx, env, s)

    def _s(self, s):
        if s is None:                 # a quantity of no example: 𝒞's right side outside Σ_x
            raise _NotARule
        return s

    def _quantity(self, node: Q, idx: tuple[Idx, ...], env, s):
        q, ii = self.q, [self.idx(i, env) for i in idx]
        if node.kind == "y":
            return q.y(self._s(s), ii[0])
        if node.kind == "w":
            return q.W(self.lay(node.layer), ii[0], ii[1])
        if node.kind in ("z", "a", "Δ"):
            get = {"z": q.z, "a": q.a, "Δ": q.delta}[node.kind]
            return get(self._s(s), self.lay(node.layer), ii[0])
        raise _NotARule

    def _sum(self, node: Sum, env, s):
        if node.lo != 1:
            raise _NotARule
        if node.var == EXAMPLES:
            if s is not None:
                raise _NotARule
            total = None
            for t in self.q.examples():
                total = self.value(node.body, env, t)
            return total
        layer = self._range(node)
        total = None
        for k in self.q.neurons(layer):
            total = self.value(node.body, {**env, node.var: k}, s)
        return total

    def _range(self, node: Sum):
        """The layer whose neurons a summation index runs over."""
        if node.hi is not None:
            if not isinstance(node.hi, Width):
                raise _NotARule
            return self.lay(node.hi.layer)
        found = set()
        for n in walk(node.body):
            if not isinstance(n, Q) or not n.idx:
                continue
            for pos, i in enumerate(n.idx):
                if i.var != node.var:
                    continue
                if n.kind == "y":
                    found.add(self.q.L)
                elif n.kind == "w":
                    t = self.lay(n.layer)
                    first_from = self.convention == "from-to"
                    found.add(t - 1 if (pos == 0) == first_from else t)
                else:
                    found.add(self.lay(n.layer))
        if len(found) != 1:
            raise _NotARule
        return found.pop()


# ---------------------------------------------------------------- local identities

def _identity(form: Form, convention: str, activation: str) -> bool:
    """A per-example claim in Δ, local derivatives (steps (a)-(d) and their products) and
    the quantities of layers l, l+1: both sides with every derivative replaced by its
    proved step, every Δ^l by BP2 (Δ^L by BP1) until one layer of Δ is left; proved when
    the coefficient of each Δ and the rest agree, with every range condition resolved by
    the free indices' ranges."""
    from ..engine import prove as P
    lhs, rhs = form.lhs, form.rhs
    if form.examples or not isinstance(lhs, Deriv):
        raise _NotARule                   # Δ = … and gradients are rules; this is for ∂…/∂…
    var = _layer_letter(lhs, rhs)
    _consistent(form, convention, var)
    top = max(n.layer.off for side in (lhs, rhs) for n in walk(side)
              if isinstance(n, (Q, Width)) and n.layer is not None)
    layer = P.L if var == "L" else P.l
    read = _Local(var, layer, top, convention)
    free = {name: P.sp.Symbol(name, integer=True) for name in form.free}
    left, right = read.value(lhs, free), read.value(rhs, free)
    diff = read.normalize(left - right)
    ranges = []
    for name, sym in free.items():
        ranges += P.in_range(sym, read.range_of(name, (lhs, rhs)))
    deltas = {d.indices[1] for d in diff.atoms(sp.Indexed) if d.base == P.D}
    try:
        value = P.resolve(diff, ranges, set())
        if not deltas:
            return P.is_zero(value)
        (t,) = deltas
        k0, k1 = sp.Dummy("k", integer=True), sp.Dummy("k", integer=True)
        rng = ranges + P.in_range(k0, t) + P.in_range(k1, t)
        c = P.resolve(sp.diff(value, P.D[P.x, t, k0]), rng, set())
        second = P.resolve(sp.diff(c, P.D[P.x, t, k1]), rng, set())
        rest = sp.sympify(value).replace(lambda e: isinstance(e, sp.Indexed) and e.base == P.D,
                                         lambda e: 0).doit()
    except (P.Undecided, ValueError):
        return False
    return P.is_zero(c) and P.is_zero(second) and P.is_zero(rest)


class _Local(_Tree):
    """A claim's tree as SymPy, its derivatives replaced by the proved steps."""

    def __init__(self, var, layer, top, convention):
        super().__init__(var, layer, convention)
        self.top = top

    def value_Sum(self, node, env):
        from ..engine import prove as P
        if node.lo != 1 or node.var == EXAMPLES:
            raise _NotARule
        k = sp.Dummy(node.var.split("#")[0], integer=True)
        bound = self.lay(node.hi.layer) if isinstance(node.hi, Width) else \
            self.range_of(node.var, (node.body,)) if node.hi is None else None
        if bound is None:
            raise _NotARule
        return sp.Sum(self.value(node.body, {**env, node.var: k}), (k, 1, P.n(bound)))

    def value_Call(self, node, env):
        from ..engine import prove as P
        arg = node.arg
        if node.order > 1 or not (isinstance(arg, Q) and arg.kind == "z" and arg.idx):
            raise _NotARule
        t, j = self.lay(arg.layer), self.idx(arg.idx[0], env)
        return (P.A if node.order == 0 else P.FP)[P.x, t, j]

    def value_Deriv(self, node, env):
        return self.derivative(node.num, node.den, env)

    def value_Q(self, node, env):
        from ..engine import prove as P
        if not node.idx:
            raise _NotARule
        ii = [self.idx(i, env) for i in node.idx]
        if node.kind == "y":
            return P.Y[P.x, ii[0]]
        if node.kind == "w":
            return P.W[self.lay(node.layer), ii[0], ii[1]]
        base = {"z": P.Z, "a": P.A, "Δ": P.D}.get(node.kind)
        if base is None:
            raise _NotARule
        return base[P.x, self.lay(node.layer), ii[0]]

    def weight(self, t, frm, to):
        from ..engine import prove as P
        return P.weight(self.convention, t, frm, to)

    def pair(self, idx: tuple[Idx, ...], env):
        """(from, to) of a weight w^t_{pq} from its indices as the claim writes them."""
        p, q = (self.idx(i, env) for i in idx)
        return weight_indices(self.convention, p, q)

    def derivative(self, num, den, env):
        """Steps (a)-(d), (c)(b) and the chain rule (f), as proved by `prove`."""
        from ..engine import prove as P
        if not (isinstance(num, Q) and isinstance(den, Q) and den.idx):
            raise _NotARule
        t = self.lay(den.layer)
        if num.kind == "C":
            if den.kind in ("z", "b"):
                return P.D[P.x, t, self.idx(den.idx[0], env)]
            if den.kind == "w":
                frm, to = self.pair(den.idx, env)
                return P.A[P.x, t - 1, frm] * P.D[P.x, t, to]
            if den.kind == "a":
                j = self.idx(den.idx[0], env)
                if self.var == "L" and den.layer.off == 0:
                    return P.A[P.x, t, j] - P.Y[P.x, j]
                if den.layer.off < self.top:          # layer t+1 exists
                    k = sp.Dummy("k", integer=True)
                    return sp.Sum(self.weight(t + 1, j, k) * P.D[P.x, t + 1, k], (k, 1, P.n(t + 1)))
            raise _NotARule
        if not num.idx or num.layer is None:
            raise _NotARule
        m, u = self.idx(num.idx[0], env), self.lay(num.layer)
        if num.kind == "a" and den.kind == "z" and u == t:
            j = self.idx(den.idx[0], env)
            return sp.KroneckerDelta(m, j) * P.FP[P.x, t, j]
        if num.kind == "z" and den.kind in ("a", "z") and u == t + 1:
            j = self.idx(den.idx[0], env)
            w = self.weight(t + 1, j, m)
            return w if den.kind == "a" else w * P.FP[P.x, t, j]
        if num.kind == "z" and den.kind == "w" and u == t:
            frm, to = self.pair(den.idx, env)
            return P.A[P.x, t - 1, frm] * sp.KroneckerDelta(to, m)
        if num.kind == "z" and den.kind == "b" and u == t:
            return sp.KroneckerDelta(self.idx(den.idx[0], env), m)
        raise _NotARule

    def normalize(self, expr):
        """Every Δ below the top layer rewritten by BP2 (Δ^L by BP1), until one is left."""
        from ..engine import prove as P
        top = self.layer + self.top
        for _ in range(4):
            low = [d for d in expr.atoms(sp.Indexed) if d.base == P.D and d.indices[1] != top]
            if not low:
                break
            subs = {}
            for d in low:
                s, t, j = d.indices
                if not (t - top).is_number or t - top >= 0:
                    raise _NotARule
                k = sp.Dummy("k", integer=True)
                subs[d] = sp.Sum(self.weight(t + 1, j, k) * P.D[s, t + 1, k], (k, 1, P.n(t + 1))) \
                    * P.FP[s, t, j]
            expr = expr.xreplace(subs)
        if self.var == "L":
            expr = expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base == P.D,
                                lambda e: (P.A[e.indices[0], P.L, e.indices[2]]
                                           - P.Y[e.indices[0], e.indices[2]])
                                * P.FP[e.indices[0], P.L, e.indices[2]])
        return expr

    def range_of(self, name, sides):
        """The layer whose neurons index `name` runs over, read where it appears."""
        from ..engine import prove as P
        found = set()
        for q, pos in _uses(name, sides):
            if q.kind == "y":
                found.add(P.L)
            elif q.kind == "w":
                t = self.lay(q.layer)
                found.add(t - 1 if (pos == 0) == (self.convention == "from-to") else t)
            else:
                found.add(self.lay(q.layer))
        if len(found) != 1:
            raise _NotARule
        return found.pop()
