"""The report's readings of the rules meet the engine's `Quantities` interface, its witnesses
are read as `Witness` objects, and its numbers come from the engine's one forward pass."""
from __future__ import annotations

import sympy

from backprop_sym.engine import activations
from backprop_sym.engine.backends import get_backend
from backprop_sym.engine.network import Expressions, Shape
from backprop_sym.engine.rules import Quantities
from backprop_sym.engine.witness import record
from backprop_sym.report import numeric, textbook
from backprop_sym.report.abbreviations import Abbreviations, SymbolicQuantities
from backprop_sym.report.notation import Notation
from backprop_sym.report.witness_tex import witness_context
from backprop_sym.report.worked import worked_instance


def weight_grad_by_examples(q, l, i, j):
    """The registered weight gradient, summed over q.examples() by hand."""
    return sum(q.a(s, l - 1, i) * q.delta(s, l, j) for s in q.examples()) / len(
        list(q.examples()))


def test_every_reading_is_a_quantities():
    shape = Shape.make("2,2,2", "f", samples=2)
    net = numeric.example_network(numeric.example_shape(shape, False), False)
    n = Notation(shape)
    assert isinstance(net.by_rules(), Quantities)
    assert isinstance(SymbolicQuantities(shape, n, None, Abbreviations(shape, n)), Quantities)
    assert list(net.by_rules().examples()) == [1, 2]


def test_a_rule_using_examples_is_read_by_the_report():
    shape = Shape.make("2,2,2", "f", samples=2)
    ex = textbook.example(shape, False, {"weight_grad": weight_grad_by_examples})
    assert ex["error"] is None and ex["equal"]
    worked = worked_instance(shape, Notation(shape), {"weight_grad": weight_grad_by_examples})
    assert worked["error"] is None and worked["zero"]


def test_the_concrete_forward_pass_is_the_engines():
    shape = numeric.example_shape(Shape.make("2,3,2", "f"), False)
    net = numeric.example_network(shape, False)
    z, a = net.forward()
    f = numeric.EXAMPLE_F
    # layer 1 by hand, from the stored values
    ex = Expressions(shape, get_backend("sympy"))
    for j in (1, 2, 3):
        want = sum(net.value(ex.x[1, k]) * net.value(ex.w[1, k, j]) for k in (1, 2)) \
            + net.value(ex.b[1, j])
        assert z[1, 1, j] == want and a[1, 1, j] == f(want)
    assert a[1, 0, 1] == net.value(ex.x[1, 1])
    # Δ at the output: (a - y) f'(z), the probe's derivative
    d = net.deltas()
    t = numeric.T
    for j in (1, 2):
        want = (a[1, 2, j] - net.value(ex.y[1, j])) * sympy.diff(f(t), t).subs(t, z[1, 2, j])
        assert d[1, 2, j] == want


def test_a_witness_reads_the_same_as_an_object_and_as_its_document():
    from fractions import Fraction
    shape = Shape.make("1,1", "f")
    chosen = {"x_1": Fraction(1), "y_1": Fraction(0), "w^1_11": Fraction(2), "b^1_1": Fraction(0)}
    wit = record(chosen, ("3", "4"), True, (Fraction(0), Fraction(1), Fraction(1)))
    as_object, as_json = witness_context(wit, shape), witness_context(wit.to_json(), shape)
    assert as_object == as_json
    assert as_object["sides"] == "rule" and as_object["forward"]
    claim = witness_context({**wit.to_json(), "instance": "l = 1", "shape": [1, 1]}, shape)
    assert claim["sides"] == "claim" and claim["forward"] == []


def test_report_code_names_no_activation():
    """Activation facts come from the registry: no module of the report spells a
    registered activation's name as a string."""
    import pathlib
    import re
    root = pathlib.Path(textbook.__file__).parent
    identity = numeric.identity_name()
    names = [n for n in activations.names() if n not in (activations.GENERIC, identity)]
    for path in root.glob("*.py"):
        if path.name == "claim_tex.py":
            continue
        text = path.read_text()
        for name in names:
            assert not re.search(rf"[\"']{name}[\"']", text), (path.name, name)
        # "linear" also names Theorem 2; as an activation it is compared, looked up or repeated
        q = rf"[\"']{identity}[\"']"
        for pattern in (rf"[=!]= {q}", rf"{q} [=!]=", rf"get\({q}", rf"\({q},\)"):
            assert not re.search(pattern, text), (path.name, pattern)
