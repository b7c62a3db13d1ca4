"""The command line: exit codes, JSON, usage errors."""
import json
import subprocess
import sys

import pytest

from support import cli


def test_verify_proves_and_exits_0():
    r = cli("verify", "--widths", "2,3,2", "--activation", "sigmoid", "--jobs", "1")
    assert r.exit_code == 0, r.output
    assert "22/22 proved" in r.output


def test_json_is_one_document_with_the_schema():
    r = cli("verify", "--widths", "3,2,4,2", "--activation", "tanh,linear,f", "--samples", "3",
            "--json", "--jobs", "1")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["schema_version"] == 2
    assert doc["network"] == {"widths": [3, 2, 4, 2], "activations": ["tanh", "linear", "f"],
                              "samples": 3, "convention": "from-to", "cost": "half-squared",
                              "reduction": "mean", "l2": False}
    assert doc["status"] == "proved"
    assert doc["counts"] == {"proved": len(doc["checks"]), "refuted": 0, "unknown": 0}
    rules = {c["rule"] for c in doc["checks"]}
    assert rules == {"output_delta", "hidden_delta", "weight_grad", "bias_grad"}
    first = doc["checks"][0]
    assert set(first) >= {"rule", "layer", "index", "sample", "status", "seconds", "witness"}
    w = [c for c in doc["checks"] if c["rule"] == "weight_grad"]
    assert w[0]["index"] == [1, 1] and w[0]["sample"] is None


def test_depth_width_inputs_outputs():
    r = cli("verify", "--depth", "3", "--width", "2", "--inputs", "3", "--outputs", "1",
            "--json", "--jobs", "1")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["network"]["widths"] == [3, 2, 2, 1]


@pytest.mark.parametrize("args,needle", [
    (["--widths", "2,,3"], "empty entry"),
    (["--widths", "0,2"], "at least one neuron"),
    (["--widths", "2"], "at least two"),
    (["--widths", "a,b"], "not a list of integers"),
    (["--samples", "0"], "--samples"),
    (["--activation", "nope"], "unknown activation 'nope'"),
    (["--widths", "2,2,2", "--activation", "f,f,f"], "3 activations given for 2 layers"),
    (["--depth", "2", "--widths", "2,2"], "cannot be combined"),
    (["--depth", "0"], "--depth must be at least 1"),
    (["--jobs", "0"], "--jobs"),
])
def test_usage_errors_are_one_line_and_exit_2(args, needle):
    r = cli("verify", *args)
    assert r.exit_code == 2
    assert needle in r.output
    assert "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_refuted_exits_1_and_unknown_exits_3(monkeypatch):
    from backprop_sym.engine import rules
    ok = rules.RULES["output_delta", "from-to"]
    monkeypatch.setitem(rules.RULES, ("output_delta", "from-to"),
                        rules.Rule(ok.kind, ok.convention, ok.statement, ok.text,
                                   lambda q, s, j: q.a(s, q.L, j) - q.y(s, j)))
    r = cli("verify", "--widths", "2,2", "--jobs", "1")
    assert r.exit_code == 1
    assert "refuted" in r.output and "direct=" in r.output
    monkeypatch.setitem(rules.RULES, ("output_delta", "from-to"), ok)
    r = cli("verify", "--widths", "2,2", "--timeout", "1e-9", "--jobs", "1", "--backend", "sympy")
    assert r.exit_code == 3


def test_python_dash_m_runs_the_cli():
    p = subprocess.run([sys.executable, "-m", "backprop_sym", "verify", "--widths", "2,2",
                        "--activation", "linear", "--json"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["status"] == "proved"


def test_help_teaches_with_examples():
    r = cli("verify", "--help")
    assert r.exit_code == 0
    for word in ("--widths", "--depth", "--activation", "--samples", "--convention",
                 "Examples", "Exit status"):
        assert word in r.output
