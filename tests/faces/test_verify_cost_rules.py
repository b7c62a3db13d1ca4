"""verify states the rules it checked under the chosen cost, reduction and L2 (text and
JSON), never the half-squared rule for every cost."""
import json

import jsonschema
import pytest
from click.testing import CliRunner
from referencing import Registry, Resource

from backprop_sym.cli import main
from backprop_sym.schemas import schema, schemas


def run(*args):
    r = CliRunner().invoke(main, ["verify", "--widths", "2,2,1", "--activation", "sigmoid",
                                  "--jobs", "1", *args])
    assert r.exit_code == 0, r.output
    return r.output


def lines(output: str) -> dict[str, str]:
    """The rule lines printed above the table: kind -> text."""
    out = {}
    for line in output.splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2 and parts[0] in ("output_delta", "hidden_delta", "weight_grad",
                                            "bias_grad") and "=" in parts[1]:
            out.setdefault(parts[0], parts[1])
    return out


CROSS = "(a^L_j - y_j) / (a^L_j (1 - a^L_j))"


def test_half_squared_default_states_a_minus_y():
    r = lines(run())
    assert r["output_delta"].startswith("Δ^L_j = (a^L_j - y_j) f'(z^L_j)")
    assert CROSS not in r["output_delta"]
    assert "(1/N)" in r["weight_grad"] and "λ" not in r["weight_grad"]


def test_cross_entropy_states_its_output_rule():
    r = lines(run("--cost", "cross-entropy"))
    assert CROSS in r["output_delta"]
    assert not r["output_delta"].startswith("Δ^L_j = (a^L_j - y_j) f'")
    # the rest of the chain does not change with the cost
    assert r["hidden_delta"] == lines(run())["hidden_delta"]


def test_squared_states_the_factor_two():
    r = lines(run("--cost", "squared"))
    assert "2 (a^L_j - y_j)" in r["output_delta"]


@pytest.mark.parametrize("reduction, term", [("mean", "+ (λ/N) w^l_{ij}"),
                                             ("sum", "+ λ w^l_{ij}")])
def test_l2_shows_the_lambda_term_in_the_weight_rule_only(reduction, term):
    r = lines(run("--l2", "--reduction", reduction))
    assert r["weight_grad"].endswith(term)
    assert "λ" not in r["bias_grad"] and "λ" not in r["output_delta"]


def test_sum_drops_one_over_n():
    r = lines(run("--reduction", "sum"))
    assert "(1/N)" not in r["weight_grad"] and "(1/N)" not in r["bias_grad"]
    assert "Σ_x" in r["weight_grad"]


def test_to_from_convention_names_delta_lowercase():
    r = lines(run("--cost", "cross-entropy", "--convention", "to-from"))
    assert r["output_delta"].startswith("δ^L_j") and CROSS in r["output_delta"]


def test_json_states_the_rules_checked_and_validates():
    doc = json.loads(run("--cost", "cross-entropy", "--l2", "--reduction", "sum", "--json"))
    assert CROSS in doc["rules"]["output_delta"]
    assert doc["rules"]["weight_grad"].endswith("+ λ w^l_{ij}")
    assert "(1/N)" not in doc["rules"]["bias_grad"]
    assert set(doc["rules"]) == {c["rule"] for c in doc["checks"]}
    registry = Registry().with_resources(
        (uri, Resource.from_contents(s)) for uri, s in schemas().items())
    jsonschema.Draft202012Validator(schema("verify"), registry=registry).validate(doc)
