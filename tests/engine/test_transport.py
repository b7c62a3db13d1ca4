"""What a backward returned travels as plain JSON and is decoded under a whitelist:
anything else is an error for the code, never a verdict; a well-formed recording replays
to the expression it records."""
import json
import pickle
import textwrap

import pytest
import sympy

from backprop_sym.engine import implementation as I
from backprop_sym.engine import transport
from backprop_sym.engine.sym import SymContext, running

pytest.importorskip("numpy")

ZEROS = """
import numpy as np
def backward(weights, biases, x, y):
    return [np.zeros(w.shape) for w in weights], [np.zeros(b.shape) for b in biases]
"""
CALLS = I.plan((2, 3, 2), "sigmoid", "to-from", 2)


def recording():
    ns: dict = {}
    exec(textwrap.dedent(ZEROS), ns)
    return json.loads(I.record(ns["backward"], CALLS))


def mutated(change):
    doc = recording()
    change(doc)
    return json.dumps(doc).encode()


def first_nodes(doc):
    return doc["calls"][0]["nodes"]


BAD = {
    "garbage": b"\x00garbage",
    "a pickled row": pickle.dumps({"status": "proved"}),
    "two documents": I.record(lambda *a: None, CALLS) * 2,
    "a forged row": json.dumps({"file": "x.py", "status": "proved"}).encode(),
    "NaN": b'{"calls": NaN}',
    "too few calls": mutated(lambda d: d["calls"].pop()),
    "an unknown operation": mutated(lambda d: first_nodes(d).append(["eval", "1"])),
    "a forward reference": mutated(lambda d: first_nodes(d).append(["add", 10 ** 6, 0])),
    "a huge integer": mutated(lambda d: first_nodes(d).append(["int", "9" * 5000])),
    "an index out of range": mutated(lambda d: first_nodes(d).append(["sym", "w", 1, 9, 1])),
    "an unknown symbol": mutated(lambda d: first_nodes(d).append(["sym", "secret", 1, 1])),
    "f in a sigmoid network": mutated(lambda d: first_nodes(d).append(["f", 0])),
    "a huge power": mutated(lambda d: first_nodes(d).extend([["int", "100000"],
                                                             ["pow", 0, len(first_nodes(d))]])),
    "an extra field": mutated(lambda d: d["calls"][0].update(verdict="proved")),
    "too many entries": mutated(lambda d: d["calls"][0]["layers"][0]["nodes"].append(0)),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_anything_but_a_recording_is_an_error(name):
    result = I.judge(BAD[name], CALLS, hints=False)
    assert result.status == "error", (name, result.summary())
    assert "not an expression of the inputs" in result.failure_text


def test_too_many_bytes_is_an_error(monkeypatch):
    monkeypatch.setattr(transport, "MAX_BYTES", 1000)
    result = I.judge(I.record(lambda *a: None, CALLS) + b" " * 2000, CALLS, hints=False)
    assert result.status == "error" and "bytes" in result.failure_text


def test_zeros_are_refuted_and_a_replay_is_the_recorded_expression():
    assert I.judge(json.dumps(recording()).encode(), CALLS, hints=False).status == "refuted"
    shape = I._shape(CALLS[0])
    ctx = SymContext(shape, "sympy")
    nodes = [["sym", "w", 1, 2, 3], ["sym", "x", 2, 1], ["mul", 0, 1], ["rat", "3", "4"],
             ["add", 2, 3], ["int", "2"], ["pow", 4, 5], ["float", (0.125).hex()],
             ["div", 6, 7]]
    with running(ctx):
        got = transport.replay(nodes, ctx, generic=False)[-1].e
    # built by hand: w[1, k=2, j=3] is named w^1_32 in the to-from convention
    w, x = sympy.Symbol("w^1_32"), sympy.Symbol("x^(2)_1")
    want = (w * x + sympy.Rational(3, 4)) ** 2 * 8
    assert sympy.expand(ctx.B.to_sympy(got) - want) == 0
