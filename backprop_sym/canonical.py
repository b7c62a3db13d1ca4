"""Canonical form for exact comparison: atoms for activation subtrees, then expansion.

Every activation subtree around an explicit z^l_j(s) (f(z), SymPy's or SymEngine's form
of f'(z), e^{-z}, ...) is replaced by an atom symbol that equals it, the probes are set
to 0, and the result is expanded as a (Laurent) polynomial. Both steps preserve value,
so a difference that reduces to exactly 0 here is exactly 0: a proof. A difference that
does not reduce is not a refutation; that needs a witness (see `witness`).
"""
from __future__ import annotations

from .network import Expressions


class Canonical:
    def __init__(self, ex: Expressions):
        if not ex.probe:
            raise ValueError("canonical forms need the expressions built with probes")
        self.ex, self.B = ex, ex.B
        self.replace: dict = {}
        self.numeric: dict = {}            # atom -> (key (s, l, j), value function)
        for (s, l, j), u in ex.z.items():
            atoms = ex.acts[l].atoms(ex.B, u, ex.probe[s, l, j], f"[{s},{l},{j}]")
            self.replace.update(atoms.replace)
            for atom, fn in atoms.numeric.items():
                self.numeric[atom] = ((s, l, j), fn)
        self.zero_probes = {p: self.B.zero for p in ex.probe.values()}
        self._key_of_probe = {p: key for key, p in ex.probe.items()}

    def atomize(self, expr):
        """Replace activation subtrees by atoms and set the probes to 0 (no expansion)."""
        merged = self._merged_exponentials(expr)
        expr = expr.xreplace({**self.replace, **merged} if merged else self.replace)
        return expr.xreplace(self.zero_probes)

    def _merged_exponentials(self, expr) -> dict:
        """SymEngine writes e^{u}·e^{v} as e^{u+v}. Split such a power back into the
        exponentials of whole z's, found through the probe each z carries, and map it to
        the product of their atoms; the split is checked to be exact."""
        out = {}
        exp_type = type(self.B.exp(self.B.Symbol("t")))
        for p in expr.atoms(exp_type):
            if p in self.replace or not p.args:
                continue
            arg = p.args[-1]
            probes = [(c, t) for c, t in _linear_terms(arg) if t in self.zero_probes]
            if not probes:
                continue
            prod, rest = self.B.Integer(1), arg
            for c, e in probes:
                u = self.ex.z[self._key_of_probe[e]]
                rest = rest - c * u
                atom = self._exp_atom(u, c)
                if atom is None:
                    break
                prod = prod * atom
            else:
                if self.B.expand(rest) == 0:
                    out[p] = prod
        return out

    def _exp_atom(self, u, c):
        """e^{c·u} in atoms, for an integer c, when e^{u} or e^{-u} is an atom form."""
        if self.B.exp(u) in self.replace:
            return self.replace[self.B.exp(u)] ** c
        if self.B.exp(-u) in self.replace:
            return self.replace[self.B.exp(-u)] ** (-c)
        return None

    def reduce(self, expr):
        """The canonical (expanded) form of `expr`."""
        return self.B.expand(self.atomize(expr))


def _linear_terms(arg, c=1):
    """arg as a list of (integer coefficient, term), looking through c·(a + b)."""
    if arg.is_Add:
        return [pair for t in arg.args for pair in _linear_terms(t, c)]
    if arg.is_Mul and len(arg.args) == 2 and arg.args[0].is_Integer:
        return _linear_terms(arg.args[1], c * int(arg.args[0]))
    return [(c, arg)]
