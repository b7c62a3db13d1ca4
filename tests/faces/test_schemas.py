"""Every --json document validates against the schema shipped in backprop_sym/schemas, and
the schemas are strict enough to reject a document that is not of their shape."""
import copy
import json
import textwrap

import jsonschema
import pytest
from click.testing import CliRunner
from referencing import Registry, Resource

from backprop_sym import Network, verify
from backprop_sym.cli import main
from backprop_sym.schemas import NAMES, VERSION, schema, schemas
from support import DERIVATIONS

REGISTRY = Registry().with_resources(
    (uri, Resource.from_contents(s)) for uri, s in schemas().items())


def validate(doc: dict, name: str) -> None:
    jsonschema.Draft202012Validator(schema(name), registry=REGISTRY).validate(doc)


def cli(*args) -> tuple[int, dict]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, json.loads(r.stdout)


def missing_fprime(q, s, l, j):
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))


RULES = textwrap.dedent("""
    def hidden(q, s, l, j):
        return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))
""")

GOOD = textwrap.dedent("""
    def backward(weights, biases, x, y):
        a = [x]
        for w, b in zip(weights, biases):
            a.append(w @ a[-1] + b)
        d = a[-1] - y
        gw, gb = [None] * len(weights), [None] * len(weights)
        for l in reversed(range(len(weights))):
            gw[l] = d @ a[l].T / x.shape[1]
            gb[l] = d.sum(axis=1, keepdims=True) / x.shape[1]
            if l:
                d = weights[l].T @ d
        return gw, gb
""")


def test_every_schema_is_a_valid_draft_2020_12_schema():
    for name in (*NAMES, "common"):
        jsonschema.Draft202012Validator.check_schema(schema(name))
    for name in NAMES:
        assert schema(name)["properties"]["schema_version"] == {"const": VERSION}
    with pytest.raises(ValueError, match="expected one of"):
        schema("nope")


@pytest.mark.parametrize("args", [
    ("--widths", "2,3,2"),
    ("--widths", "2,2,2", "--activation", "sigmoid", "--samples", "2", "--convention", "to-from"),
])
def test_verify(args):
    code, doc = cli("verify", *args, "--json")
    assert code == 0
    validate(doc, "verify")


def test_verify_refuted_with_witnesses():
    for act in ("f", "tanh"):
        doc = verify(Network([2, 3, 2], act), rules_override={"hidden_delta": missing_fprime})
        assert doc.status == "refuted"
        validate(doc.to_json(), "verify")


@pytest.mark.parametrize("name", ["backprop.md", "mistakes.md"])
@pytest.mark.slow
def test_check(name):
    code, doc = cli("check", str(DERIVATIONS / name), "--json")
    assert code in (0, 1)
    validate(doc, "check")


def test_check_claim_and_empty(tmp_path):
    validate(cli("check", "--claim", r"\Delta^L_j = a^L_j - y_j", "--json")[1], "check")
    (tmp_path / "prose.md").write_text("No display maths here.\n")
    code, doc = cli("check", str(tmp_path / "prose.md"), "--json")
    assert code == 5 and doc["status"] == "empty"
    validate(doc, "check")


def test_prove(tmp_path):
    validate(cli("prove", "--json")[1], "prove")
    (tmp_path / "mine.py").write_text(RULES)
    code, doc = cli("prove", "--rule", f"hidden_delta={tmp_path / 'mine.py'}:hidden", "--json")
    assert code == 1 and doc["status"] == "refuted"
    validate(doc, "prove")


def test_grade(tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "sign.py").write_text(GOOD.replace("d = a[-1] - y", "d = y - a[-1]"))
    code, doc = cli("grade", str(tmp_path), "--widths", "2,3,2", "--activation", "linear",
                    "--convention", "to-from",
                    "--json")
    assert code == 1 and doc["counts"] == {"proved": 1, "refuted": 1, "error": 0, "unknown": 0}
    validate(doc, "grade")


@pytest.mark.slow
def test_report(tmp_path):
    code, doc = cli("report", "--widths", "2,2", "--out", str(tmp_path / "r.tex"),
                    "--claims", str(DERIVATIONS / "mistakes.md"), "--json")
    assert code == 1
    validate(doc, "report")


def test_the_schemas_reject_what_is_not_of_their_shape():
    doc = verify(Network([2, 3, 2]), rules_override={"hidden_delta": missing_fprime}).to_json()
    validate(doc, "verify")
    wit = next(c["witness"] for c in doc["checks"] if c["witness"])
    broken = []
    for change in (lambda d: d.pop("counts"),
                   lambda d: d.update(status="sort of"),
                   lambda d: d["checks"][0].update(extra=1),
                   lambda d: d["network"].update(widths=[2]),
                   lambda d: next(c for c in d["checks"] if c["witness"])["witness"].pop("left"),
                   lambda d: next(c for c in d["checks"] if c["witness"])["witness"]
                   .update(f="f(t) = t**2")):
        bad = copy.deepcopy(doc)
        change(bad)
        broken.append(bad)
    for bad in broken:
        with pytest.raises(jsonschema.ValidationError):
            validate(bad, "verify")
    assert wit["values"] and wit["left"] != wit["right"]
