"""Statements about the activation alone: f(z) = z, σ'(x) = σ(x)(1 − σ(x)), ...

A statement with a variable and no network quantity is about the activation: `f(z) = <an
expression in z>` declares a registered activation (`declared_activation`; one it cannot
use raises `Unusable`), and so does the document's statement of f' in terms of f when one
registered activation alone satisfies it (`declared_by_derivative`); any other is
checked in SymPy for the current activation (`check_activation_statement`), refuted at a
rational point when the difference does not simplify to 0. A bare x in such a statement is
its variable, not the input vector (`dummy_x`).
"""
from __future__ import annotations

from fractions import Fraction

import sympy

from ..engine import activations, arithmetic, witness
from ..engine.backends import get_backend
from ..engine.vocabulary import Status
from .errors import IllFormed, Skip, Unusable
from .printing import show
from .tree import At, Call, Deriv, Func, Had, Q, Sum, Tr, Var, Visitor, Width, map_children, walk




def is_activation_statement(lhs, rhs) -> bool:
    nodes = list(walk(lhs)) + list(walk(rhs))
    return (any(isinstance(n, Var) for n in nodes)
            and not any(isinstance(n, (Q, Width, Deriv, Sum, At, Tr, Had)) for n in nodes))


def dummy_x(node):
    """A bare x in a statement about the activation alone (σ(x) = 1/(1+e^{-x})) is its
    variable, not the input vector."""
    if isinstance(node, Q) and node.kind == "x" and node.idx is None:
        return Var("x")
    return map_children(node, dummy_x)


def about_activation_only(lhs, rhs) -> bool:
    nodes = list(walk(lhs)) + list(walk(rhs))
    return (any(isinstance(n, (Call, Func)) for n in nodes)
            and all(n.kind == "x" and n.idx is None for n in nodes if isinstance(n, Q))
            and not any(isinstance(n, (Width, Deriv, Sum, At, Tr, Had)) for n in nodes))


class _InSympy(Visitor):
    """An activation statement in SymPy, with `act` for f (None: f stays f)."""

    def __init__(self, act, S):
        self.act, self.S = act, S

    def nonzero(self, node, what: str):
        """The value of a denominator (or a log's argument); IllFormed when it is 0."""
        v = self.visit(node)
        if v.has(sympy.zoo, sympy.nan) or sympy.expand(v) == 0:
            raise IllFormed(f"{what}: {show(node)} is 0")
        return v

    def generic_visit(self, node):
        raise Skip(f"{show(node)} in a statement about the activation")

    def visit_Var(self, node):
        return sympy.Symbol(node.name)

    def visit_Num(self, node):
        return sympy.Rational(node.value.numerator, node.value.denominator)

    def visit_Const(self, node):
        raise IllFormed("N, the number of examples, has no meaning in a statement about the "
                        "activation alone")

    def visit_Add(self, node):
        return sympy.Add(*[self.visit(t) for t in node.terms])

    def visit_Neg(self, node):
        return -self.visit(node.x)

    def visit_Mul(self, node):
        return self.visit(node.a) * self.visit(node.b)

    def visit_Div(self, node):
        return self.visit(node.a) / self.nonzero(node.b, "division by zero")

    def visit_Pow(self, node):
        base = self.visit(node.base) if node.n >= 0 else \
            self.nonzero(node.base, "division by zero")
        return base ** node.n

    def visit_Func(self, node):
        arg = self.visit(node.arg) if node.name != "log" else \
            self.nonzero(node.arg, "the log of 0")
        return {"exp": sympy.exp, "log": sympy.log, "tanh": sympy.tanh}[node.name](arg)

    def visit_Call(self, node):
        u = self.visit(node.arg)
        if self.act is None:
            f = sympy.Function("f")
            return f(u) if node.order == 0 else sympy.Derivative(f(u), u)
        return self.act.value(self.S, u) if node.order == 0 else \
            activations.derivative(self.act, self.S, u, None)


def _sym(node, act, S):
    """An activation statement in SymPy, with `act` for f (None: f stays f)."""
    return _InSympy(act, S).visit(node)


def declared_activation(lhs, rhs) -> str | None:
    """The registered activation that `f(z) = <expression in z>` declares; None if the
    statement is no declaration; Unusable (with the reason) if it declares something else."""
    if not (isinstance(lhs, Call) and lhs.order == 0 and isinstance(lhs.arg, Var)):
        return None
    if any(isinstance(n, Call) for n in walk(rhs)):
        return None
    S = get_backend("sympy")
    z = sympy.Symbol(lhs.arg.name)
    try:
        value = _sym(rhs, None, S)
    except Skip as err:
        raise Unusable(str(err)) from None
    for name in activations.names():
        act = activations.get(name)
        if act.is_generic:
            continue
        if sympy.simplify(act.value(S, z) - value) == 0:
            return name
    raise Unusable(f"{show(rhs)} is not an activation the checker knows (known: "
                   f"{', '.join(n for n in activations.names() if not activations.get(n).is_generic)})")


def derivative_statement(lhs, rhs) -> bool:
    """Is it the document's statement of f' in terms of f: `f'(z) = <f(z) and z>` (σ'(z) =
    σ(z)(1 − σ(z)))?"""
    if not (isinstance(lhs, Call) and lhs.order == 1 and isinstance(lhs.arg, Var)):
        return False
    calls = [n for n in walk(rhs) if isinstance(n, Call)]
    return bool(calls) and all(n.order == 0 and n.name == lhs.name and n.arg == lhs.arg
                               for n in calls)


def declared_by_derivative(lhs, rhs) -> str | None:
    """The one registered activation whose derivative `f'(z) = <expression in f(z), z>`
    states (σ'(z) = σ(z)(1 − σ(z)) declares the sigmoid); None when the statement is none
    such, or holds for no registered activation, or for several (nothing is declared)."""
    if not derivative_statement(lhs, rhs):
        return None
    S = get_backend("sympy")
    found = []
    for name in activations.names():
        act = activations.get(name)
        if act.is_generic:
            continue
        try:
            diff = _sym(lhs, act, S) - _sym(rhs, act, S)
        except (Skip, IllFormed):
            return None
        if sympy.simplify(diff) == 0:
            found.append(name)
    return found[0] if len(found) == 1 else None


def check_activation_statement(lhs, rhs, act_name: str) -> tuple[str, str, dict | None]:
    """The verdict on a statement about the activation alone, and its witness
    (`Witness.to_json()`) when refuted."""
    named = activations.get(act_name)
    if named.is_generic and any(isinstance(n, Call) for side in (lhs, rhs) for n in walk(side)):
        return Status.SKIPPED, "a statement about f alone, and f is generic here", None
    act = None if named.is_generic else named
    S = get_backend("sympy")
    left, right = _sym(lhs, act, S), _sym(rhs, act, S)
    diff = sympy.simplify(left - right)
    if diff == 0:
        return Status.PROVED, ("holds exactly" + (f" for the activation {act_name}" if act else "")), None
    for t in (Fraction(1, 3), Fraction(-2), Fraction(5, 7)):
        vals = {s: sympy.Rational(t.numerator, t.denominator) for s in diff.free_symbols}
        found = _differ(left, right, vals)
        if found:
            at = ", ".join(f"{k}={v}" for k, v in vals.items())
            return (Status.REFUTED, "false" + (f" for the activation {act_name}" if act else "") +
                    f" at {at}", witness.record({str(s): v for s, v in vals.items()}, found[:2],
                                                exact=found[2]).to_json())
    return Status.UNKNOWN, "the difference does not simplify to 0 and no witness was found", None


def _differ(left, right, vals) -> tuple[str, str, bool] | None:
    """Both sides at `vals` (left, right, exact), if they provably differ there: exactly
    when both are rational, else by 60-digit interval arithmetic whose enclosures do not
    overlap."""
    lv, rv = left.xreplace(vals), right.xreplace(vals)
    if lv.is_Rational and rv.is_Rational:
        return (str(lv), str(rv), True) if lv != rv else None
    num = arithmetic.Interval((Fraction(0), Fraction(0), Fraction(0)))
    try:
        a, b = arithmetic.evaluate(lv, {}, num), arithmetic.evaluate(rv, {}, num)
    except (arithmetic.NotEvaluable, ZeroDivisionError, ValueError):
        return None
    if not num.differs(a, b):
        return None
    return num.show(a), num.show(b), False
