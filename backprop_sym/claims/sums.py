"""What a sum's written limits mean, read off its summand when the author leaves them open.

Two readings, both local to the one sum (never a binding for the document):

* a bare letter as the upper limit, `\\sum_{i=1}^n` or `\\sum_{j=1}^m`: the width of the
  layer the index runs over, as a bare `\\sum_i` already is (`limit_layer`). The letter means
  different widths in different sums of one document, so the summand decides, every time.
* a `\\sum` with no index: the one index letter of the summand that is free nowhere else in
  the claim (`bare_sums`). None, or several, is an error that names them.

Both raise ParseError (the claim is ill-formed, with the reason) where the summand does not
settle the reading. `parse.py` calls them while it builds the tree.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from .errors import ParseError
from .printing import show_layer
from .tree import At, Kron, Lay, Node, Q, Sum, Var, Width, children, map_children, walk

BARE = "?"          # the variable of a \sum written without an index, until it is read


# ---------------------------------------------------------------- \sum_{i=1}^n

def limit_layer(var: str, letter: str, body: Node, pos: int) -> Lay | None:
    """`\\sum_{var=1}^{letter} body`: the letter read as the width `var` runs over. The
    layer, when the summand's quantities name it (z, a, b, Δ, x); None when only a weight
    (whose index position depends on the convention) or y does: the checker then reads the
    width where the index is used, as for a bare \\sum_var. Raises ParseError when the
    summand uses var as no neuron index, as a layer, names the letter itself, or indexes
    neurons of two different layers with it."""
    written = f"\\sum_{{{var}=1}}^{letter}"
    used, layers = False, set()
    for node in walk(body):
        if isinstance(node, Q):
            if node.layer is not None and node.layer.var == letter:
                raise _limit_error(written, f"{letter} is also a layer in the summand", pos)
            if node.layer is not None and node.layer.var == var:
                raise _limit_error(written, f"{var} is a layer in the summand, not a neuron "
                                   f"index", pos)
            if node.idx and any(i.var == var for i in node.idx):
                used = True
                if node.kind in ("z", "a", "b", "Δ") and node.layer is not None:
                    layers.add(node.layer)
                elif node.kind == "x":
                    layers.add(Lay(None, 0))
        elif isinstance(node, (At, Kron)) and any(i.var == var for i in node.idx):
            used = used or isinstance(node, At)
        elif isinstance(node, Var) and node.name in (var, letter):
            raise _limit_error(written, f"{node.name} stands as a value in the summand", pos)
        elif isinstance(node, Width) and letter in (node.layer.var,):
            raise _limit_error(written, f"{letter} is also a layer in the summand", pos)
    if not used:
        raise _limit_error(written, f"{var} indexes no neuron of a layer in the summand", pos)
    if len(layers) > 1:
        names = " and ".join(sorted(show_layer(lay) for lay in layers))
        raise _limit_error(written, f"{var} indexes neurons of layers {names}, two widths",
                           pos)
    return layers.pop() if layers else None


def _limit_error(written: str, why: str, pos: int) -> ParseError:
    return ParseError(f"the upper limit of {written} is read as the width of the layer its "
                      f"index runs over, but {why}; write the width as n_{{layer}}", pos)


# ---------------------------------------------------------------- \sum with no index

def bare_sums(nodes: list[Node | None], before: Node | None = None) -> list[Node | None]:
    """The sides of one claim with each `\\sum` written without an index read as the sum
    over the one index letter of its summand that is free nowhere else in the claim
    (`before`: the side a continued row is equated with, part of the claim). A letter read
    as a width (`limit_layer`) must stand for nothing else in the claim."""
    sums = [n for side in nodes if side is not None for n in walk(side) if isinstance(n, Sum)]
    if not any(s.var.startswith(BARE) or s.hi_name for s in sums):
        return nodes
    everywhere: Counter[str] = Counter()
    for side in [*nodes, before]:
        if side is not None:
            everywhere += free(side)
    for s in sums:
        if s.hi_name and everywhere[s.hi_name]:
            raise ParseError(f"the upper limit of \\sum_{{{s.var}=1}}^{s.hi_name} is read as "
                             f"the width of the layer its index runs over, but {s.hi_name} "
                             f"also stands for something else in the claim; write the width "
                             f"as n_{{layer}}", 0)
    return [None if side is None else _resolve(side, everywhere) for side in nodes]


def _resolve(node: Node, everywhere: Counter[str]) -> Node:
    node = map_children(node, lambda c: _resolve(c, everywhere))
    if not (isinstance(node, Sum) and node.var.startswith(BARE)):
        return node
    pos = int(node.var[len(BARE):])
    inside = free(node.body)
    layers = {n.layer.var for n in walk(node.body) if isinstance(n, Q) and n.layer is not None}
    indices = sorted({i.var for n in walk(node.body) if isinstance(n, (Q, At, Kron)) and n.idx
                      for i in n.idx if i.var is not None} & set(inside))
    only = [v for v in indices if v not in layers and everywhere[v] == inside[v]]
    if len(only) != 1:
        found = ("its summand has no neuron index" if not indices else
                 f"{', '.join(indices)} also appear(s) elsewhere in the claim" if not only else
                 f"{' and '.join(only)} {'both' if len(only) == 2 else 'all'} appear only in it")
        raise ParseError(f"\\sum without its index is read as the sum over the one index of "
                         f"its summand that appears nowhere else in the claim, but {found}; "
                         f"write the index: \\sum_k", pos)
    return replace(node, var=only[0])


def free(node: Node) -> Counter[str]:
    """How often each letter stands free (not bound by a sum inside `node`) in `node`."""
    out: Counter[str] = Counter()
    if isinstance(node, Sum):
        inner = Counter(free(node.body))
        inner.pop(node.var, None)
        out += inner
        if node.hi is not None:
            out += free(node.hi)
        return out
    if isinstance(node, Q):
        out.update(v for v in [node.layer and node.layer.var,
                               *(i.var for i in node.idx or ())] if v)
    elif isinstance(node, (At, Kron)):
        out.update(i.var for i in node.idx if i.var)
    elif isinstance(node, Var):
        out[node.name] += 1
    elif isinstance(node, Width) and node.layer.var:
        out[node.layer.var] += 1
    for c in children(node):
        out += free(c)
    return out
