"""`prove --timeout` (issue 18): a rule that loops, exits or raises ends the proof with
"unknown" (exit 3) and one clear line, never a hang or a traceback; a normal proof is
unaffected by the default limit."""
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from backprop_sym.cli import main
from backprop_sym.engine import prove as P

RULES = '''
def loop(q, s, l, j):
    while True:
        pass

def leave(q, s, l, j):
    raise SystemExit(4)

def boom(q, s, l, j):
    raise RuntimeError("boom")

def hidden(q, s, l, j):
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) * q.fprime(s, l, j)
'''


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(RULES)
    return path


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "backprop_sym", "prove", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout,
                          cwd=Path(__file__).parent)


def test_a_looping_rule_stops_at_the_timeout_with_unknown(rules):
    t0 = time.monotonic()
    r = run("--timeout", "2", "--rule", f"hidden_delta={rules}:loop")
    took = time.monotonic() - t0
    assert r.returncode == 3, r.stdout + r.stderr
    assert took < 15, took
    assert "the proof did not finish within 2 s" in r.stdout
    assert "Traceback" not in r.stderr and "proved:" not in r.stdout


def test_the_timeout_in_json_validates(rules):
    import jsonschema
    from referencing import Registry, Resource

    from backprop_sym.schemas import schema, schemas
    registry = Registry().with_resources((u, Resource.from_contents(s))
                                         for u, s in schemas().items())
    res = CliRunner().invoke(main, ["prove", "--json", "--timeout", "1", "--rule",
                                    f"hidden_delta={rules}:loop"])
    assert res.exit_code == 3, res.output
    doc = json.loads(res.output)
    assert doc["status"] == "unknown" and "did not finish within 1 s" in doc["reason"]
    jsonschema.Draft202012Validator(schema("prove"), registry=registry).validate(doc)


@pytest.mark.parametrize("name,says", [("leave", "SystemExit"), ("boom", "RuntimeError: boom")])
def test_a_rule_that_raises_or_exits_is_unknown_with_a_clear_line(rules, name, says):
    res = CliRunner().invoke(main, ["prove", "--timeout", "60", "--rule",
                                    f"hidden_delta={rules}:{name}"])
    assert res.exit_code == 3, res.output
    assert says in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_a_bad_timeout_is_a_usage_error(value):
    res = CliRunner().invoke(main, ["prove", "--timeout", value])
    assert res.exit_code == 2 and "--timeout" in res.output


def test_the_default_is_stated_in_the_help():
    res = CliRunner().invoke(main, ["prove", "--help"])
    assert res.exit_code == 0 and "--timeout" in res.output and "120" in res.output


def test_prove_within_returns_the_proof_or_unknown(rules):
    import importlib.util
    spec = importlib.util.spec_from_file_location("mine_rules", rules)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    ok = P.prove_within("f", "from-to", {"hidden_delta": mod.hidden}, 120, cross_shapes=None)
    assert ok.status == "proved" and ok.reason is None
    stuck = P.prove_within("f", "from-to", {"hidden_delta": mod.loop}, 1, cross_shapes=None)
    assert stuck.status == "unknown" and stuck.steps == [] and "within 1 s" in stuck.reason
    assert not stuck
