"""Reverse-mode differentiation over an explicit expression's DAG. Never uses a rule
of the network.

`gradients(expr, variables, ...)` takes ∂expr/∂v for every v at once: one walk of the
expression graph, each shared node once, its adjoint (∂expr/∂node) the sum over its
parents of the parent's adjoint times the parent's partial derivative by it (the sum,
product, integer-power and chain rules; nothing about layers, Δ or closed forms). A
one-argument function node g(u) takes its local derivative from the backend itself,
`B.diff(g(u), p)` for a symbol p that enters u as a plain summand (the probe ε^l_j of
z^l_j), which is g'(u) in the backend's own form. Any other node makes the walk give up
(`None`), and the caller differentiates with `B.diff` per variable.

The adjoints are shared: ∂C/∂w^l_{kj} is a^{l-1}_k times the same node as ∂C/∂ε^l_j,
so a check that compares them needs no expansion (the backend cancels equal terms).
"""
from __future__ import annotations

from typing import Any


def _kind(e) -> str:
    if e.is_Symbol:
        return "symbol"
    if e.is_Number:
        return "number"
    if e.is_Add:
        return "add"
    if e.is_Mul:
        return "mul"
    if e.is_Pow and e.args[1].is_Number:
        return "pow"
    if getattr(e, "is_Function", False) and len(e.args) == 1:
        return "function"
    return "other"


def _order(expr, stop=None) -> list:
    """The distinct nodes of `expr`, every node before the nodes it contains; below a
    node for which `stop(node)` holds, nothing."""
    seen: set = set()
    post: list = []
    stack: list = [(expr, False)]
    while stack:
        node, done = stack.pop()
        if done:
            post.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        if not (node.is_Symbol or node.is_Number or (stop and stop(node))):
            for a in node.args:
                if a not in seen:
                    stack.append((a, False))
    post.reverse()
    return post


def gradients(B, expr, variables, handles: dict) -> dict | None:
    """{v: ∂expr/∂v} for the symbols `variables`, or None when `expr` has a node this walk
    does not differentiate. `handles` maps the argument u of each function node g(u) to a
    symbol entering u as a plain summand (its probe), by which `B.diff` gives g'(u)."""
    order = _order(expr)
    one = B.Integer(1)
    parts: dict[Any, list] = {expr: [one]}
    wanted = set(variables)
    out: dict = {}
    for node in order:
        terms = parts.pop(node, None)
        if not terms:
            continue
        adj = terms[0] if len(terms) == 1 else _sum(terms)
        kind = _kind(node)
        if kind == "symbol":
            if node in wanted:
                out[node] = adj
            continue
        if kind == "number":
            continue
        if kind == "add":
            for a in node.args:
                if not a.is_Number:
                    parts.setdefault(a, []).append(adj)
        elif kind == "mul":
            args = node.args
            for i, a in enumerate(args):
                if a.is_Number:
                    continue
                rest = [b for k, b in enumerate(args) if k != i]
                parts.setdefault(a, []).append(_mul([adj, *rest]))
        elif kind == "pow":
            base, k = node.args
            parts.setdefault(base, []).append(_mul([adj, k, base ** (k - 1)]))
        elif kind == "function":
            u = node.args[0]
            p = handles.get(u)
            if p is None:
                return None
            parts.setdefault(u, []).append(_mul([adj, B.diff(node, p)]))
        else:
            return None
    zero = B.zero
    return {v: out.get(v, zero) for v in variables}


def _sum(terms):
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def _mul(factors):
    total = factors[0]
    for f in factors[1:]:
        total = total * f
    return total
