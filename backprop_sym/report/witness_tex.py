"""A witness as the report shows it: its values as table rows, its numbers printed
exactly (long ones breakable), and, for an exact witness of a rule check, the forward
pass and the error signals at those values."""
from __future__ import annotations

from collections.abc import Mapping

import sympy

from ..engine import activations
from ..engine.backends import get_backend
from ..engine.network import Expressions, Shape
from ..engine.witness import Witness
from . import numeric
from .formulas import tex
from .latex import Tex, escape
from .notation import Notation
from .prose import prose

S = sympy.Symbol


LONG_NUMBER = 24              # digits from which a number is printed breakable


def digits(text: str) -> str:
    """Digits in groups of five, with a break allowed between groups."""
    return r"\allowbreak\,".join(text[i:i + 5] for i in range(0, len(text), 5))


def number_tex(v) -> Tex:
    """A number from a witness: exact rationals printed by SymPy (long ones as p/q with
    breaks between groups of digits, and a decimal value), decimals as digits."""
    import re
    v = str(v).strip()
    if re.fullmatch(r"-?\d+(/\d+)?", v):
        q = sympy.Rational(v)
        if len(v) <= LONG_NUMBER:
            return tex(q)
        sign = "-" if q < 0 else ""
        body = digits(str(abs(q.p))) + ("" if q.q == 1 else r"\allowbreak/" + digits(str(q.q)))
        approx = sympy.Float(q, 6)
        return Tex(rf"{sign}{body} \approx {tex(approx)}")
    if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", v):
        return Tex(digits(v) if len(v) > LONG_NUMBER else v)
    return Tex(r"\text{%s}" % escape(v))


def as_witness(w) -> Witness | None:
    """A `Witness`, or one given as its JSON document (a claim's, which adds the shape and
    instance it was found at), as a `Witness`; None for a finding without values."""
    return Witness.from_json(w)


def witness_context(w, shape: Shape | None = None) -> dict | None:
    """A witness (a `Witness`, or a claim's as its JSON document) as table rows: every
    value, the concrete f, both sides' numbers, and (for an exact witness of the network's
    own check) z and a layer by layer."""
    if not w:
        return None
    wit = as_witness(w)
    if wit is None:
        note = w.get("reason", str(w)) if isinstance(w, Mapping) else str(w)
        return {"note": prose(note), "values": [], "f": None, "direct": None,
                "rule": None, "exact": True, "sides": "rule", "forward": []}
    values = []
    for name, v in wit.nonzero.items():
        try:
            sym = tex(S(name))
        except Exception:           # a name the printer does not cover: shown as text
            sym = Tex(r"\text{%s}" % escape(name))
        values.append({"name": sym, "value": number_tex(v)})
    f, coeffs = None, None
    if wit.f:
        t = S("t")
        c0, c1, c2 = (sympy.Rational(c) for c in wit.f["coefficients"])
        f = Tex(f"{tex(sympy.Function('f')(t))} = {tex(c2 * t ** 2 + c1 * t + c0)}")
        coeffs = (c2, c1, c0)
    # a claim's witness names the instance it was found at; a rule's is its own check
    claim = isinstance(w, Mapping) and "instance" in w
    return {"note": None, "values": values, "f": f,
            "others_zero": len(wit.values) - len(wit.nonzero),
            "zero_groups": zero_groups(wit),
            "columns": 3 if len(values) > 12 else 2,
            "direct": number_tex(wit.left), "rule": number_tex(wit.right),
            "exact": wit.exact, "sides": "claim" if claim else "rule",
            "forward": [] if claim or shape is None else forward_pass(shape, wit, coeffs)}


# what a witness's value names: the letter a value's name starts with, in the order shown
GROUPS = (("x", "input", "inputs"), ("y", "target", "targets"), ("w", "weight", "weights"),
          ("b", "bias", "biases"))


def group_of(name: str) -> str:
    """The kind of quantity a witness value names (x_1, x^(2)_1, y_1, w^1_12, b^2_1), by its
    letter; "other" for a name of none of these kinds."""
    head = name.split("^", 1)[0].split("_", 1)[0]
    return head if head in {g[0] for g in GROUPS} else "other"


def zero_groups(wit: Witness) -> list[dict]:
    """The values of a witness that are 0, counted by kind (inputs, targets, weights,
    biases, others), each kind present once, in that order: {n, word}."""
    counted: dict[str, int] = {}
    for name in wit.values:
        if name not in wit.nonzero:
            counted[group_of(name)] = counted.get(group_of(name), 0) + 1
    words = {k: (one, many) for k, one, many in GROUPS} | {"other": ("other value",
                                                                      "other values")}
    return [{"n": counted[k], "word": words[k][counted[k] != 1]}
            for k in (*(g[0] for g in GROUPS), "other") if k in counted]


MAX_FORWARD_ROWS = 24        # neurons shown in a witness's forward pass


def forward_pass(shape: Shape, w: Witness, coeffs, n: Notation | None = None) -> list:
    """z^l_j, a^l_j and Δ^l_j at an exact witness, layer by layer (rational arithmetic;
    Δ as the derivative of the example's cost, independent of every rule), for generic
    and linear layers; [] where that is not exact or too long to show."""
    acts = [activations.get(a) for a in shape.activations]
    if not w.exact or sum(shape.widths[1:]) * shape.samples > MAX_FORWARD_ROWS:
        return []
    if any(not a.exact for a in acts):
        return []
    if any(a.is_generic for a in acts) and coeffs is None:
        return []
    ex = Expressions(shape, get_backend("sympy"))
    names = [str(v) for v in (*ex.x.values(), *ex.y.values(), *ex.w.values(), *ex.b.values())]
    if any(name not in w.values for name in names):
        return []
    f = numeric.quadratic(*coeffs) if coeffs is not None else None
    net = numeric.Concrete(shape, {k: sympy.Rational(w.values[k]) for k in names},
                           [None] + [f if a.is_generic else numeric.IDENTITY for a in acts])
    z, a = net.forward()
    deltas = net.deltas()
    n = n or Notation(shape)
    rows = []
    for (s_, l, j) in sorted(z):
        x = f"(x^{{({s_})}})" if shape.samples > 1 else ""
        rows.append({"z": tex(S(f"z^{{{l}}}_{{{j}}}{x}")), "zv": tex(z[s_, l, j]),
                     "a": tex(S(f"a^{{{l}}}_{{{j}}}{x}")), "av": tex(a[s_, l, j]),
                     "d": tex(n.delta(l, j, x)), "dv": tex(deltas[s_, l, j])})
    return rows
