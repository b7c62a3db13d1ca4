"""`report --claims FILE --json` where FILE has no checkable claim exited 70 (a KeyError:
statuses were mapped to exit codes by hand); it ends with a documented code and a
document that validates."""
import json

import jsonschema
from click.testing import CliRunner
from referencing import Registry, Resource

from backprop_sym.cli import main
from backprop_sym.schemas import schema, schemas

REGISTRY = Registry().with_resources(
    (uri, Resource.from_contents(s)) for uri, s in schemas().items())


def test_report_with_no_checkable_claim_exits_0_with_valid_json(tmp_path):
    prose = tmp_path / "prose.md"
    prose.write_text("Only prose here, no display equation.\n")
    r = CliRunner().invoke(main, ["report", "--widths", "2,2", "--only", "linear", "--jobs", "1",
                                  "--claims", str(prose), "--json",
                                  "--out", str(tmp_path / "r.tex")])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    jsonschema.Draft202012Validator(schema("report"), registry=REGISTRY).validate(doc)
    assert doc["status"] == "proved" and doc["claims"]["status"] == "empty"


def test_report_text_and_json_end_alike_without_claims_to_check(tmp_path):
    prose = tmp_path / "prose.md"
    prose.write_text("Only prose here.\n")
    r = CliRunner().invoke(main, ["report", "--widths", "2,2", "--only", "linear", "--jobs", "1",
                                  "--claims", str(prose), "--out", str(tmp_path / "t.tex")])
    assert r.exit_code == 0, r.output
    assert "claims from" in r.stdout and "empty" in r.stdout
