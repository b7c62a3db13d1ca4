"""What a course takes from the report: the algorithm box, the figure of the error signals
flowing backwards, the four rules in both conventions, and a worked example in exact
numbers. Every formula is printed by SymPy or taken from the theorems' own displays;
every number is computed here, exactly.
"""
from __future__ import annotations

from dataclasses import replace

import sympy

from ..engine import activations
from ..engine.network import Shape
from ..engine.vocabulary import KINDS, rule_kind
from . import numeric
from .formulas import Lines, tex
from .latex import Tex
from .abbreviations import Abbreviations, SymbolicQuantities
from .notation import Notation, in_notation
from .statements import general_rules, vector_rules
from .theorem import NONLINEAR

S = sympy.Symbol
CONVENTIONS = ("from-to", "to-from")
EXAMPLE_LAYER = 1            # the weight of the example's gradient: layer 1, indices 1, 1


def textbook_context(shape: Shape, results: dict, overrides=None, tikz_: dict | None = None) -> dict:
    """The context of templates/textbook.tex.j2 and summary.tex.j2."""
    linear = NONLINEAR not in results
    n = Notation(replace(shape, activations=(numeric.identity_name(),) * shape.L) if linear
                 else shape)
    return {"algorithm": algorithm(n, linear),
            "flow": flow(shape, n, tikz_) if tikz_ else None,
            "example": example(shape, linear, overrides),
            "summary": summary(shape, linear)}


def algorithm(n: Notation, linear: bool) -> dict:
    """The steps of backpropagation in vectors, in the convention and notation of `n`."""
    v = vector_rules(n, linear)
    l, L = S("l"), S("L")
    f = n.fname
    return {
        "D": v["D"], "f": f, "linear": linear,
        "input": Tex(f"{tex(S('a^0'))} = {tex(S('x'))}"),
        "up": Tex(rf"{tex(l)} = 1, \dots, {tex(L)}"),
        "down": Tex(rf"{tex(l)} = {tex(L - 1)}, \dots, 1"),
        "z": Tex(f"{tex(S('z^l'))} = {v['z']}"),
        "a": Tex(f"{tex(S('a^l'))} = {f}({tex(S('z^l'))})"),
        "output": v["inline"]["output_delta"], "hidden": v["inline"]["hidden_delta"],
        "weights": v["inline"]["weight_grad"], "biases": v["inline"]["bias_grad"],
        "step": Tex(f"{tex(S('w^l'))} \\leftarrow {tex(S('w^l'))} - \\eta\\, "
                    r"\frac{\partial \mathcal{C}}{\partial w^{l}}"),
    }


def flow(shape: Shape, n: Notation, drawing: dict) -> dict:
    """The network's drawing with each neuron labelled by its error signal, and arrows
    from layer L back to layer 1: Δ^l passes through the weights of layer l to layer l - 1."""
    D = n.D
    nodes = []
    for nd in drawing["nodes"]:
        l, j = (int(p) for p in nd["name"][1:].split("x"))
        label = nd["label"] if l == 0 else tex(S(f"{D}^{l}_{j}"))
        nodes.append({**nd, "label": label})
    top = max(nd["y"] for nd in nodes) + 0.95
    xs = sorted({nd["x"] for nd in nodes})
    arrows = [{"x1": round(xs[l] - 0.4, 3), "x2": round(xs[l - 1] + 0.4, 3), "y": round(top, 3),
               "label": tex(S(f"{D}^{l}")), "via": tex(S(f"w^{l}"))}
              for l in range(shape.L, 1, -1)]
    cost_x = round(xs[-1] + 2.3, 3)
    aL, y = S("a^L"), S("y")
    roman = {k: rule_kind(k).roman for k in KINDS}
    caption = Tex(
        f"The error signals flow backwards through the network of Section~\\ref{{sec:network}}. "
        f"The output layer's ${tex(S(f'{D}^L'))}$ comes from the error ${tex(aL - y)}$ of the "
        f"output (rule~{roman['output_delta']}); each ${tex(S(f'{D}^l'))}$ then passes back "
        f"through the weights ${tex(S('w^l'))}$ to give ${tex(S(f'{D}^{{l-1}}'))}$ "
        f"(rule~{roman['hidden_delta']}), down to layer~1. "
        f"The gradients pair ${tex(S(f'{D}^l'))}$ with the activations "
        f"${tex(S('a^{l-1}'))}$ of the layer before (rules~{roman['weight_grad']} "
        f"and~{roman['bias_grad']}).")
    return {"nodes": nodes, "dots": drawing["dots"], "edges": drawing["edges"],
            "arrows": arrows, "captions": drawing["captions"], "top": round(top, 3),
            "cost": {"x": cost_x, "y": 0.0, "label": tex(S("C_x")),
                     "error": tex(aL - y), "into": round(xs[-1] + 0.65, 3)},
            "caption": caption}


def summary(shape: Shape, linear: bool) -> list:
    """The four rules in each convention, index form and vector form."""
    out = []
    for conv in CONVENTIONS:
        # the notation of a convention (σ in Nielsen's) does not depend on f
        act = numeric.identity_name() if linear else activations.GENERIC
        n = Notation(Shape.make("1,1", act, convention=conv))
        general, vector = general_rules(n, linear), vector_rules(n, linear)
        out.append({
            "convention": conv, "nielsen": conv == "to-from",
            "weight": tex(n.w("l", "k", "j")), "D": vector["D"], "f": n.fname,
            "index": tagged({k: general[k]["rows"] for k in general}),
            "vector": tagged({k: [vector["rows"][k]] for k in general}),
            "shape_w": vector["shape_w"],
            "z": Tex(f"z^{{l}} = {vector['z']}"),
        })
    return out


def tagged(rows: dict) -> Tex:
    """One align* of the four rules, each tagged with its number and Nielsen's name."""
    out = []
    for kind, lines in rows.items():
        first, *rest = lines
        label = rule_kind(kind)
        out.append(first + rf" \tag*{{{label.roman}, {label.nielsen}}}")
        out.extend(rest)
    return Tex("\\begin{align*}\n" + " \\\\\n".join(out) + "\n\\end{align*}")


def example(shape: Shape, linear: bool, overrides=None) -> dict:
    """A concrete network in exact numbers: its values, z, a and Δ (from the rules)
    layer by layer, one gradient from the rule and the same from the direct derivative."""
    ex_shape = numeric.example_shape(shape, linear)
    net = numeric.example_network(ex_shape, linear)
    n = Notation(ex_shape)
    z, a = net.forward()
    by_rules, direct = net.by_rules(overrides), net.deltas()
    try:
        rule_deltas = {key: by_rules.delta(*key) for key in z}
        error = None
    except (IndexError, KeyError, TypeError, ValueError) as err:
        rule_deltas, error = {}, str(err)
    rows = []
    for (s, l, j) in sorted(z):
        x = f"(x^{{({s})}})" if ex_shape.samples > 1 else ""
        rows.append({"z": tex(S(f"z^{{{l}}}_{{{j}}}{x}")), "zv": tex(z[s, l, j]),
                     "a": tex(S(f"a^{{{l}}}_{{{j}}}{x}")), "av": tex(a[s, l, j]),
                     "d": tex(n.delta(l, j, x)),
                     "dv": tex(rule_deltas[s, l, j]) if rule_deltas else Tex(r"\text{--}"),
                     "direct": tex(direct[s, l, j]),
                     "differs": rule_deltas.get((s, l, j)) != direct[s, l, j]})
    values = [{"name": tex(S(k)), "value": tex(v)} for k, v in net.values.items()]
    weight = n.ex.W(EXAMPLE_LAYER, 1, 1)
    names = Abbreviations(ex_shape, n)
    q = SymbolicQuantities(ex_shape, n, overrides, names, deltas_as_symbols=True)
    rule_value = None
    if error is None:
        try:
            rule_value = by_rules.weight_grad(EXAMPLE_LAYER, 1, 1)
        except (IndexError, KeyError, TypeError, ValueError) as err:
            error = str(err)
    direct_value = net.direct_gradient(str(weight))
    lhs = tex(sympy.Derivative(S("calC"), weight, evaluate=False))
    form = Lines().eq(lhs, in_notation(q.rule("weight_grad")(q, EXAMPLE_LAYER, 1, 1), n),
                      rule_value if rule_value is not None else Tex(r"\text{--}"))
    generic = all(activations.get(x).is_generic for x in shape.activations)
    t = S("t")
    concrete = next((f for f in net.acts[1:] if f is not numeric.IDENTITY), numeric.IDENTITY)
    f_tex = Tex(f"{tex(sympy.Function('f')(t))} = {tex(concrete(t))}")
    # a linear network's example is Theorem 1's: the identity replaced by a concrete f
    replaces_identity = not linear and all(activations.get(x).identity
                                           for x in shape.activations)
    return {
        "widths": ", ".join(map(str, ex_shape.widths)),
        "own": ex_shape.widths == shape.widths and not replaces_identity,
        "replaces_identity": replaces_identity,
        "widths_differ": ex_shape.widths != shape.widths,
        "N": ex_shape.samples, "linear": linear, "generic": generic,
        "irrational": [{"l": l, "name": a} for l, a in enumerate(shape.activations, 1)
                       if not linear and not activations.get(a).exact],
        "layers": example_layers(shape, linear, net),
        "depth": ex_shape.L, "network_depth": shape.L,
        "f": f_tex, "fprime": Tex(f"f'(t) = {tex(sympy.diff(concrete(t), t))}"),
        "values": values, "columns": 4 if len(values) > 15 else 3, "rows": rows, "error": error,
        "deltas_agree": bool(rule_deltas) and all(rule_deltas[k] == direct[k] for k in direct),
        "weight": tex(weight), "rule": form.display(),
        "direct": Lines().eq(lhs, direct_value).display(),
        "equal": rule_value is not None and rule_value == direct_value,
        "numbers": {"shape": ex_shape, "values": net.values, "f": concrete,
                    "rule": rule_value, "direct": direct_value, "weight": str(weight),
                    "deltas": rule_deltas, "direct_deltas": direct},
    }


def example_layers(shape: Shape, linear: bool, net: numeric.Concrete) -> list[dict]:
    """Each layer of the example: the layer of this network it stands for, that layer's
    activation (as the theorem checks it) and what the example does with it: keeps the
    identity ("identity"), makes the undefined f concrete ("instance"), or puts the
    concrete f in place of an activation that would give irrational numbers ("replaced")."""
    t = S("t")
    out = []
    for l, (source, name) in enumerate(numeric.example_sources(shape, linear), 1):
        act = activations.get(name)
        kind = "identity" if act.identity else "instance" if act.is_generic else "replaced"
        out.append({"l": l, "source": source, "name": name, "kind": kind,
                    "output": l == len(net.acts) - 1,
                    "f": Tex(f"{tex(sympy.Function('f')(t))} = {tex(net.acts[l](t))}")})
    return out
