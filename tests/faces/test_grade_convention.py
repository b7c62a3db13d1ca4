"""grade without --convention detects each submission's weight layout and says which it used
(in the text, the JSON rows, the CSV and the feedback); with --convention the layout is binding."""
import csv
import json

from tests.support import cli, to_from_backward

TO_FROM = to_from_backward()


def run(tmp_path, *options):
    sub = tmp_path / "sub"
    sub.mkdir(exist_ok=True)
    (sub / "alice.py").write_text(TO_FROM)
    return cli("grade", str(sub), "-N", "3", "--json", *options)


def test_without_convention_the_layout_is_detected_and_noted(tmp_path):
    r = run(tmp_path, "--csv", str(tmp_path / "g.csv"))
    row = json.loads(r.output)["submissions"][0]
    assert row["status"] == "proved", r.output
    assert any("to-from" in n for n in row["notes"]) and any("1/3" in n for n in row["notes"])
    with open(tmp_path / "g.csv", encoding="utf-8-sig", newline="") as fh:
        cells = next(csv.DictReader(fh))
    assert "to-from" in cells["notes"]


def test_a_given_convention_is_binding(tmp_path):
    wrong = json.loads(run(tmp_path, "--convention", "from-to").output)["submissions"][0]
    assert wrong["status"] == "error" and not any("to-from" in n for n in wrong["notes"])
    right = json.loads(run(tmp_path, "--convention", "to-from").output)["submissions"][0]
    assert right["status"] == "proved"
    assert not any("read as W" in n and "fails with" in n for n in right["notes"])
