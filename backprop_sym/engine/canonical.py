"""Canonical form for exact comparison: atoms for activation subtrees, then expansion.

Every activation subtree around an explicit z^l_j(s) (f(z), SymPy's or SymEngine's form
of f'(z), e^{-z}, ...) is replaced by an atom symbol that equals it, the probes are set
to 0, and the result is expanded as a (Laurent) polynomial. Both steps preserve value,
so a difference that reduces to exactly 0 here is exactly 0: a proof. A difference that
does not reduce is not a refutation; that needs a witness (see `witness`).

Two ways to the same canonical form:
  `poly(expr)`   (SymPy) one memoised pass over the expression DAG straight into a sparse
                 Laurent polynomial over QQ (sympy.polys rings): subtrees become atoms by
                 dictionary look-up, so the explicit expressions under the atoms are never
                 walked, and nothing is expanded twice. It raises `Unsupported` for a
                 node outside + * ^integer and atoms; the caller then uses `reduce`.
  `reduce(expr)` (any backend) replace subtrees, zero the probes, expand, in the backend.

Atoms come in two sets (see `Canonical`): `opaque` ones first, which keep the
polynomials as small as those of a generic f for every activation, then the full set
with every relation between atoms written out.
"""
from __future__ import annotations

from sympy import QQ
from sympy.polys.orderings import lex
from sympy.polys.rings import PolyRing

from .errors import Unsupported
from .network import Expressions

# `Unsupported` (errors.py) is what the polynomial pass raises for a node it does not
# take (a transcendental function left over, a negative power of a sum, ...).
__all__ = ["Canonical", "Unsupported"]


class Canonical:
    """Atoms and canonical forms for one network.

    With `opaque=False` every atom stands for one activation subtree and the relations
    between them are written out (e^{-z} = P - 1 for P = 1 + e^{-z}): a difference that
    is 0 as a function is 0 here. With `opaque=True` (the first form tried) such related
    subtrees get atoms of their own, and so do the linear layers' z^l_j and the direct
    derivative form of f'(z) when it is one node (tanh: 1 - tanh(z)^2): the polynomials
    keep one factor per layer instead of expanding the relations along every path. Every
    atom still equals its subtree, so 0 here is 0; a nonzero difference is rechecked
    with `opaque=False`.
    """

    def __init__(self, ex: Expressions, opaque: bool = False):
        if not ex.probe:
            raise ValueError("canonical forms need the expressions built with probes")
        self.ex, self.B, self.opaque = ex, ex.B, opaque
        B, L = ex.B, ex.shape.L
        self.replace: dict = {}
        self.numeric: dict = {}            # atom -> (key (s, l, j), value function)
        self.roles: dict = {}              # key (s, l, j) -> what its atoms stand for
        self.extra = 0                     # atoms that only the opaque form has
        for (s, l, j), u in ex.z.items():
            key, act, tag = (s, l, j), ex.acts[l], f"[{s},{l},{j}]"
            atoms = act.atoms(B, u, ex.probe[key], tag)
            self.replace.update(atoms.replace)
            self.roles[key] = dict(atoms.roles)
            for atom, fn in atoms.numeric.items():
                self.numeric[atom] = (key, fn)
            if not opaque:
                continue
            values = {a: fn for a, fn in atoms.numeric.items()}
            for n, (sub, rep) in enumerate(atoms.replace.items()):
                if rep not in atoms.numeric:          # a relation, e.g. e^{-z} = P - 1
                    self._opaque(B.Atom(f"R{n}{tag}"), sub, key, rep, values)
            if (act.identity or act.kink) and l < L:       # z itself is a factor of a
                self._opaque(B.Atom(f"Z{tag}"), u, key, None, {})
            d = B.diff(act.value(B, u), ex.probe[key])   # the direct form of f'(z)
            if d not in self.replace and (d.is_Add or d.is_Function):
                self._opaque(B.Atom(f"D{tag}"), d, key, d.xreplace(atoms.replace), values)
        self.zero_probes = {p: B.zero for p in ex.probe.values()}
        # one pass does both: a subtree is replaced whole, probes elsewhere become 0
        self._replace_and_zero = {**self.replace, **self.zero_probes}
        self._key_of_probe = {p: key for key, p in ex.probe.items()}
        self._has_exp = any(a.uses_exp for a in ex.acts[1:])
        self._E = B.exp(B.Integer(1))
        self._z_atomized: dict = {}
        self._splits: dict = {}
        self._ring: PolyRing | None = None
        self._memo: dict = {}

    def _opaque(self, atom, sub, key, value, values):
        """Give `sub` its own atom; its numeric value is `value` (in the atoms of
        `values`, probe set to 0), or z itself for value None."""
        self.replace[sub] = atom
        self.extra += 1
        if value is None:
            self.numeric[atom] = (key, _identity)
            return
        value = value.xreplace({self.ex.probe[key]: self.B.zero})
        to_sympy = self.B.to_sympy

        def fn(z, num):             # only witnesses need it: converted when first asked
            from .arithmetic import evaluate
            return evaluate(to_sympy(value), {to_sympy(a): f(z, num)
                                              for a, f in values.items()}, num)
        self.numeric[atom] = (key, fn)

    # ------------------------------------------------------------ backend expressions

    def atomize(self, expr):
        """Replace activation subtrees by atoms and set the probes to 0 (no expansion)."""
        if not self._has_exp:
            return expr.xreplace(self._replace_and_zero)
        expr = expr.xreplace(self.replace)
        merged = self._merged_exponentials(expr)
        return expr.xreplace({**merged, **self.zero_probes} if merged else self.zero_probes)

    def reduce(self, expr):
        """The canonical (expanded) form of `expr`, in the backend."""
        return self.B.expand(self.atomize(expr))

    def _merged_exponentials(self, expr) -> dict:
        """SymEngine writes e^{u}·e^{v} as e^{u+v} (and both libraries e^{u}^2 as e^{2u}).
        Split such a power, found in the atomized expression, back into the exponentials
        of whole z's, found through the probe each z carries, and map it to the product
        of their atoms; the split is checked to be exact (the rest expands to 0)."""
        out, known = {}, self._splits
        for p in _exponentials(expr, self._E):
            if p not in known:
                known[p] = self._split(p.args[-1], lambda e: self.B.expand(e) == 0,
                                       self._z_atom, lambda a, c: a ** c)
            if known[p] is not None:
                out[p] = known[p]
        return out

    def _z_atom(self, key):
        if key not in self._z_atomized:
            self._z_atomized[key] = self.ex.z[key].xreplace(self.replace)
        return self._z_atomized[key]

    def _split(self, arg, is_zero, z_of, power):
        """e^{arg} as a product of atom powers when arg = Σ c·z (integer c), else None."""
        probes = [(c, t) for c, t in _linear_terms(arg) if t in self.zero_probes]
        if not probes:
            return None
        prod, rest = None, arg
        for c, e in probes:
            key = self._key_of_probe[e]
            rest = rest - c * z_of(key)
            atom = self._exp_atom(self.ex.z[key], c, power)
            if atom is None:
                return None
            prod = atom if prod is None else prod * atom
        return prod if is_zero(rest) else None

    def _exp_atom(self, u, c, power):
        """e^{c·u} from the atom form of e^{u} or e^{-u}."""
        if self.B.exp(u) in self.replace:
            return power(self.replace[self.B.exp(u)], c)
        if self.B.exp(-u) in self.replace:
            return power(self.replace[self.B.exp(-u)], -c)
        return None

    # ------------------------------------------------------------ polynomials (SymPy)

    @property
    def ring(self) -> PolyRing:
        if self._ring is None:
            ex = self.ex
            gens = [*ex.x.values(), *ex.y.values(), *ex.w.values(), *ex.b.values(),
                    *ex.constants.values(), *self.numeric]
            self._ring = PolyRing(gens, QQ, lex)
            self._gen = dict(zip(gens, self._ring.gens))
        return self._ring

    def poly(self, expr):
        """The canonical form of a SymPy expression as a ring element (exact, QQ)."""
        ring, gen, memo = self.ring, self._gen, self._memo
        replace, zero_probes = self.replace, self.zero_probes

        def P(e):
            r = memo.get(e)
            if r is not None:
                return r
            if e in replace:
                r = P(replace[e])
            elif e.is_Symbol:
                if e in zero_probes:
                    r = ring.zero
                elif e in gen:
                    r = gen[e]
                else:
                    raise Unsupported(f"unknown symbol {e}")
            elif e.is_Rational:
                r = ring.ground_new(QQ(int(e.p), int(e.q)))
            elif e.is_Add:
                r = ring.zero
                for a in e.args:
                    r = r + P(a)
            elif e.is_Mul:
                r = ring.one
                for a in e.args:
                    r = r * P(a)
                    if not r:
                        break
            elif e.is_Pow and e.exp.is_Integer:
                r = _power(P(e.base), int(e.exp), ring)
            elif self._has_exp and _is_exp(e, self._E):
                r = self._split(e.args[-1], lambda x: not P(x), lambda key: self.ex.z[key],
                                lambda a, c: _power(P(a), c, ring))
                if r is None:
                    raise Unsupported(f"an exponential that is no product of atoms: {e}")
            else:
                raise Unsupported(f"cannot take {type(e).__name__} as a polynomial")
            memo[e] = r
            return r

        return P(expr)

    def poly_to_sympy(self, p):
        return p.as_expr()


def rational_zero(expr) -> bool:
    """Whether a rational function of the atoms (a SymPy expression) is exactly 0: put over
    one denominator (`together`, value-preserving) with its numerator expanded to 0. It
    is then 0 wherever its denominators are nonzero: for a cost that divides by the
    outputs (cross-entropy: a and 1 - a), wherever the cost is defined. Never a float."""
    import sympy
    numerator, _ = sympy.fraction(sympy.together(expr))
    return sympy.expand(numerator) == 0


def _identity(z, num):
    return z


def _power(p, k: int, ring):
    """p**k; negative k only for a monomial (a Laurent monomial)."""
    if k >= 0:
        r = ring.one
        for _ in range(k):
            r = r * p
        return r
    if len(p) != 1:
        raise Unsupported("a negative power of a sum")
    (m, c), = p.items()
    return ring({tuple(k * e for e in m): c ** k})


def _is_exp(e, E) -> bool:
    """e^{...}: SymPy's `exp` node, or SymEngine's Pow(E, ...)."""
    return e.is_Pow and e.args[0] == E or type(e).__name__ == "exp"


def _exponentials(expr, E) -> list:
    """Every e^{...} node of an (atomized) expression, each node visited once. In
    SymEngine, where e^{x} is Pow(E, x), only subtrees that contain E are entered."""
    sympy_tree = type(expr).__module__.startswith("sympy")
    enter = (lambda a: True) if sympy_tree else (lambda a: _has(a, E))
    seen, out, stack = set(), [], [expr] if enter(expr) else []
    while stack:
        e = stack.pop()
        if e in seen:
            continue
        seen.add(e)
        if _is_exp(e, E):
            out.append(e)
        stack.extend(a for a in e.args if enter(a))
    return out


def _has(e, E) -> bool:
    """SymEngine's `has`, which before 0.15 takes only symbols (not E)."""
    try:
        return e.has(E)
    except TypeError:
        return E in e.atoms(type(E))


def _linear_terms(arg, c=1):
    """arg as a list of (integer coefficient, term), looking through c·(a + b)."""
    if arg.is_Add:
        return [pair for t in arg.args for pair in _linear_terms(t, c)]
    if arg.is_Mul and len(arg.args) == 2 and arg.args[0].is_Integer:
        return _linear_terms(arg.args[1], c * int(arg.args[0]))
    return [(c, arg)]
