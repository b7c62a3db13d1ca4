"""The claim checker's witnesses are the engine's one Witness type, so every refuted claim's
JSON has the witness the schema describes (an activation statement's lacked nonzero and f)."""
import jsonschema
from referencing import Registry, Resource

from backprop_sym.claims.check import Options, check_claim, document
from backprop_sym.engine.witness import Witness
from backprop_sym.schemas import schema, schemas

REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(s)) for name, s in schemas().items())


def test_a_refuted_activation_statement_has_a_witness_the_schema_accepts():
    claims = check_claim(r"\sigma'(x) = \sigma(x)^2", activation="sigmoid")
    (c,) = claims
    assert c.status == "refuted"
    w = c.to_json()["witness"]
    assert set(w) == {"values", "nonzero", "left", "right", "exact", "f"}
    assert w["values"] == {"x": "1/3"} and w["nonzero"] == {"x": "1/3"}
    doc = document(None, claims, Options(activation="sigmoid"))
    jsonschema.Draft202012Validator(schema("check"), registry=REGISTRY).validate(doc)


def test_an_exact_activation_witness():
    (c,) = check_claim(r"f'(x) = x", activation="linear")
    assert c.status == "refuted"
    assert c.witness.exact is True and c.witness.f is None


def test_the_activation_statement_witness_is_a_witness():
    from backprop_sym.claims.activation import check_activation_statement, dummy_x
    from backprop_sym.claims.parse import parse
    (lhs, rhs), = parse(r"\sigma'(x) = \sigma(x)^2").claims()
    status, _, wit = check_activation_statement(dummy_x(lhs), dummy_x(rhs), "sigmoid")
    assert status == "refuted"
    assert Witness(**wit).text() == "left=0.24318216100477072757490186404978, right=" \
        "0.33938804545754394929149274991145 at x=1/3"


def test_a_claims_witness_is_the_engines_with_its_shape_and_instance():
    (c,) = check_claim(r"\Delta^L_j = (a^L_j - y_j)")
    w = c.to_json()["witness"]
    assert c.status == "refuted" and w["shape"] and w["instance"]
    core = {k: v for k, v in w.items() if k not in ("shape", "instance")}
    assert Witness(**core).to_json() == core
