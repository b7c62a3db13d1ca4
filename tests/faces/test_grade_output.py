"""grade's output: a CSV a spreadsheet opens right (BOM, one row per student, numeric
score columns), partial credit and the witness per row, --feedback DIR/<student>.md
(never over an existing file without --force), and --json alone on stdout."""
import csv
import json

import jsonschema
from referencing import Registry, Resource

from backprop_sym import grade as G
from backprop_sym.schemas import schema, schemas
from support import GOOD_BACKWARD as GOOD, cli_process

SIGN = GOOD.replace("(a[-1] - y)", "(y - a[-1])")
# the output error right, the hidden recursion without σ': layer 2 proved, layer 1 not
NO_HIDDEN_FPRIME = GOOD.replace("d = (weights[l].T @ d) * a[l] * (1 - a[l])",
                                "d = weights[l].T @ d")


def folder(tmp_path):
    subs = tmp_path / "subs"
    for student, text in (("Zoë", GOOD), ("bob", SIGN), ("=cmd", GOOD),
                          ("carl", NO_HIDDEN_FPRIME)):
        (subs / student).mkdir(parents=True)
        (subs / student / "hw3.py").write_text(text)
    return subs


def test_csv_json_and_feedback(tmp_path):
    subs = folder(tmp_path)
    out_csv, notes = tmp_path / "grades.csv", tmp_path / "feedback"
    out = cli_process("grade", subs, "--convention", "to-from", "--csv", out_csv,
                      "--feedback", notes, "--json")
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)                         # stdout is the JSON alone
    registry = Registry().with_resources(
        (uri, Resource.from_contents(s)) for uri, s in schemas().items())
    jsonschema.Draft202012Validator(schema("grade"), registry=registry).validate(doc)
    rows = {r["student"]: r for r in doc["submissions"]}
    assert (rows["Zoë"]["proved"], rows["Zoë"]["entries"]) == (17, 17)
    assert rows["Zoë"]["layers"] == {"w^1": [6, 6], "w^2": [6, 6], "b^1": [3, 3],
                                     "b^2": [2, 2]}
    assert rows["bob"]["status"] == "refuted" and rows["bob"]["proved"] < 17
    assert "direct=" in rows["bob"]["witness"] and "code=" in rows["bob"]["witness"]
    # partial credit: the output layer is right, the hidden one is not
    carl = rows["carl"]
    assert carl["status"] == "refuted" and carl["first"] == "∂C/∂w^1_11"
    assert carl["layers"]["w^2"] == [6, 6] and carl["layers"]["b^2"] == [2, 2]
    assert carl["layers"]["w^1"][0] < 6 and 8 <= carl["proved"] < 17

    raw = out_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                # UTF-8 with a BOM
    with open(out_csv, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == list(G.COLUMNS)
    by = {r["student"]: r for r in table}
    assert set(by) == {"Zoë", "bob", "'=cmd", "carl"}       # no formula, one row each
    assert by["Zoë"]["proved"] == "17" and by["Zoë"]["entries"] == "17"
    assert by["Zoë"]["percent"] == "100.0"
    assert by["carl"]["first"] == "∂C/∂w^1_11"
    assert float(by["carl"]["percent"]) == round(100 * carl["proved"] / 17, 1)

    text = (notes / "bob.md").read_text(encoding="utf-8")
    assert "refuted" in text and "direct=" in text and "sign" in text
    assert f"{rows['bob']['proved']}/17" in text
    assert "| ∂C/∂w^2 | 6/6 |" in (notes / "carl.md").read_text(encoding="utf-8")
    assert "17/17" in (notes / "Zoë.md").read_text(encoding="utf-8")
    assert (notes / "_cmd.md").exists()

    # an existing feedback file is refused without --force, and nothing is graded
    again = cli_process("grade", subs, "--convention", "to-from", "--feedback", notes)
    assert again.returncode == 2 and "--force" in again.stderr and again.stdout == ""
    forced = cli_process("grade", subs, "--convention", "to-from", "--feedback", notes,
                         "--force")
    assert forced.returncode == 1, forced.stderr
    assert "Zoë  17/17 entries proved" in forced.stdout


def test_the_text_output_shows_the_witness_and_the_score(tmp_path):
    (tmp_path / "bob.py").write_text(SIGN)
    out = cli_process("grade", tmp_path / "bob.py", "--convention", "to-from")
    assert out.returncode == 1
    assert "refuted  bob  0/17 entries proved" in out.stdout
    assert "witness: direct=" in out.stdout and "hint:" in out.stdout


def test_feedback_never_writes_over_a_submission(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.py").write_text(GOOD)
    (subs / "alice.md").write_text("the student's own notes")
    out = cli_process("grade", subs, "--convention", "to-from", "--feedback", subs)
    assert out.returncode == 2 and "--force" in out.stderr
    assert (subs / "alice.md").read_text() == "the student's own notes"
