"""The network of the report: each layer's activation in words and in LaTeX, the TikZ
drawing's positions and labels, and the weighted inputs z^l_j written out (`explicit`)."""
from __future__ import annotations

import sympy

from ..engine.network import weight_indices
from ..engine import activations
from ..engine.backends import get_backend
from ..engine.network import Shape
from .formulas import Lines, fits, terms, tex
from .latex import Tex
from .notation import Notation

S = sympy.Symbol

# how much of the explicit network is printed before it is elided
MAX_EXPLICIT_ROWS = 60       # display rows for all z^l_j written out in x, w, b
MAX_NEURONS_SHOWN = 4        # neurons per layer in explicit displays (else 1, 2, ..., n)


def act_tex(name: str) -> Tex:
    """The registry's LaTeX name of an activation."""
    return Tex(activations.get(name).tex)


def act_formula(name: str) -> Tex:
    """The registry's statement of an activation and its derivative."""
    return Tex(activations.get(name).formula)


def activation_words(shape: Shape) -> str:
    """'f (an arbitrary differentiable function) in every layer', or one per layer."""
    def word(a):
        return (f"{a} (an arbitrary differentiable function)" if activations.get(a).is_generic
                else f"{a} (the identity)" if activations.get(a).identity else a)
    acts = shape.activations
    if len(set(acts)) == 1:
        return f"{word(acts[0])} in every layer"
    return ", ".join(f"{a} in layer {l}" for l, a in enumerate(acts, 1))


def network_context(shape: Shape, n: Notation) -> dict:
    layers = [{"l": 0, "width": shape.widths[0], "role": "input", "act": None,
               "act_name": "", "symbols": tex(S("x_k"))}]
    for l in range(1, shape.L + 1):
        layers.append({"l": l, "width": shape.widths[l],
                       "role": "output" if l == shape.L else "hidden",
                       "act": act_tex(shape.activations[l - 1]),
                       "act_name": shape.activations[l - 1], "symbols": tex(S(f"a^{l}_j"))})
    return {
        "widths": ", ".join(map(str, shape.widths)),
        "activations": activation_words(shape),
        "L": shape.L, "N": shape.samples, "convention": shape.convention,
        "layers": layers,
        "describe": shape.describe(),
        "params": sum(shape.widths[l - 1] * shape.widths[l] + shape.widths[l]
                      for l in range(1, shape.L + 1)),
        "weight_rule": tex(n.w("l", "k", "j")),
        "to_from": shape.convention == "to-from",
    }


def shown(width_: int) -> list:
    """Neuron indices drawn/printed for a layer of this width (None marks an ellipsis)."""
    if width_ <= MAX_NEURONS_SHOWN + 1:
        return list(range(1, width_ + 1))
    return [1, 2, None, width_]


def tikz(shape: Shape, n: Notation) -> dict:
    """Positions and labels for the TikZ drawing (cm); the template only draws them."""
    L = shape.L
    dx = min(3.4, 13.0 / L)
    dy = 1.25
    nodes: list[dict] = []
    dots: list[dict] = []
    edges: list[dict] = []
    captions: list[dict] = []
    ids = {}
    for l in range(L + 1):
        js = shown(shape.widths[l])
        top = (len(js) - 1) / 2 * dy
        for i, j in enumerate(js):
            x, y = round(l * dx, 3), round(top - i * dy, 3)
            if j is None:
                dots.append({"x": x, "y": y})
                continue
            name = f"n{l}x{j}"
            ids[l, j] = name
            label = tex(S(f"x_{j}")) if l == 0 else tex(S(f"a^{l}_{j}"))
            nodes.append({"name": name, "x": x, "y": y, "label": label,
                          "kind": "input" if l == 0 else "output" if l == L else "hidden"})
        caption = "input" if l == 0 else f"layer {l}"
        captions.append({"x": round(l * dx, 3), "text": caption,
                         "act": None if l == 0 else act_tex(shape.activations[l - 1])})
    low = min(nd["y"] for nd in nodes + dots) - 1.0
    for c in captions:
        c["y"] = round(low, 3)
    for l in range(1, L + 1):
        ks = [k for k in shown(shape.widths[l - 1]) if k]
        js = [j for j in shown(shape.widths[l]) if j]
        labelled = (ks[-1], js[0])
        for k in ks:
            for j in js:
                lab = tex(n.ex.W(l, *weight_indices(n.conv, k, j)))
                edges.append({"src": ids[l - 1, k], "dst": ids[l, j],
                              "label": lab if (k, j) == labelled else None})
    return {"nodes": nodes, "dots": dots, "edges": edges, "captions": captions,
            "max_shown": MAX_NEURONS_SHOWN + 1}


def explicit(shape: Shape, n: Notation) -> dict:
    """z^l_j in terms of a^{l-1}, and written out in x, w, b while that fits."""
    ex = n.ex
    layers, rows_total, full_ok = [], 0, True
    for l in range(1, shape.L + 1):
        js = shown(shape.widths[l])
        act = activations.get(shape.activations[l - 1])
        prev = [S(f"x_{k}") if l == 1 else S(f"a^{l - 1}_{k}")
                for k in range(1, shape.widths[l - 1] + 1)]
        recursive = Lines()
        for j in (j for j in js if j):
            zj = sum((p * ex.w[l, k, j] for k, p in enumerate(prev, 1)), sympy.Integer(0)) \
                + ex.b[l, j]
            recursive.eq(tex(S(f"z^{l}_{j}")), zj)
        full = Lines()
        if full_ok:
            for j in (j for j in js if j):
                e = ex.z[1, l, j]
                full.eq(tex(S(f"z^{l}_{j}")), e)
            full_ok = (l == 1 or all(fits(ex.z[1, l, j]) for j in js if j)) and \
                rows_total + len(full) <= MAX_EXPLICIT_ROWS
        rows_total += len(full) if full_ok else 0
        zsym = S(f"z^{l}_j")
        a_row = Lines().eq(tex(S(f"a^{l}_j")), tex(act.value(get_backend("sympy"), zsym)))
        big = ex.z[1, l, 1]
        layers.append({
            "l": l, "recursive": recursive.display(), "omitted": None in js,
            "full": full.display() if full_ok and l > 1 else None,
            "elided": not full_ok,
            "terms": len(terms(big)),
            "symbols": sum(1 for _ in sympy.preorder_traversal(big) if isinstance(_, sympy.Symbol)),
            "a": a_row.display(), "width": shape.widths[l],
            "z1": tex(S(f"z^{l}_1")),
        })
    first_elided = next((d["l"] for d in layers if d["elided"]), None)
    return {"layers": layers, "first_elided": first_elided,
            "samples": shape.samples, "x1": tex(S("x^(1)"))}
