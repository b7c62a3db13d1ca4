"""Review of issue 20 (adversarial): findings that must stay fixed.

- `==` / `!=` on entries compared identities (no comparison recorded), so code wrong
  exactly where a value equals a constant (`np.where(z == 0, 0, s)`) was "proved".
- two students whose names make the same feedback file name ("a b", "a_b") shared one
  file: the first student's feedback was lost.
- in a flat folder, each submission's folder (shared by every student) was first on
  sys.path: one student's scipy.py was imported by another's `import scipy`.
- a file that never ran counted "0/0 entries"; the note for "fails in either layout"
  said "as reported" where a refutation was reported, and hid the first layout's error.
"""
import json
import textwrap
from pathlib import Path

import pytest

from backprop_sym import grade as G
from support import GOOD_BACKWARD as GOOD, cli_process, to_from_backward


def _backward(hook):
    scope: dict = {}
    exec(to_from_backward(hook), scope)
    return scope["backward"]


@pytest.mark.parametrize("hook", [
    "s = np.where(z == 0, 0.0, s)",          # wrong at z = 0: sigma'(0) = 1/4, not 0
    "s[s == 0.25] = 0",
    "s = s * (s != 0.25)",
    "s = s if not any(v == 0.25 for v in s.ravel()) else s * 0",
])
def test_equality_on_entries_is_a_comparison_never_proved(hook):
    from backprop_sym.engine.implementation import check_implementation
    r = check_implementation(_backward(hook), (2, 3, 2), "sigmoid", "to-from", 2)
    assert r.status != "proved", r.summary()
    assert any("compares entries" in n for n in r.notes), r.summary()


def test_correct_code_without_comparisons_is_still_proved():
    from backprop_sym.engine.implementation import check_implementation
    r = check_implementation(_backward("pass"), (2, 3, 2), "sigmoid", "to-from", 2)
    assert r.status == "proved", r.summary()


def test_feedback_files_never_collide(tmp_path):
    items = [("a b", Path("s/a b/hw.py")), ("a_b", Path("s/a_b/hw.py")),
             ("Alice", Path("s/Alice/hw.py")), ("alice", Path("s/alice/hw.py"))]
    paths = G.feedback_paths(items, tmp_path)
    names = [p.name.casefold() for p in paths.values()]
    assert len(set(names)) == len(items), paths
    assert all(p.parent == tmp_path for p in paths.values())


@pytest.mark.slow
def test_a_classmates_file_is_not_importable(tmp_path):
    """Flat folder: bob's scipy.py must not stand in for scipy in carol's submission."""
    (tmp_path / "scipy.py").write_text("special = None\n")
    (tmp_path / "carol.py").write_text("import scipy\n" + textwrap.dedent(GOOD))
    alone = tmp_path / "own"
    alone.mkdir()                                   # one student's own folder: importable
    (alone / "helper.py").write_text(textwrap.dedent(GOOD).replace("def backward", "def g"))
    (alone / "hw.py").write_text("from helper import g as backward\n")
    out = cli_process("grade", tmp_path, "--convention", "to-from", "--json",
                      "--timeout", "30")
    rows = {r["student"]: r for r in json.loads(out.stdout)["submissions"]}
    try:
        import scipy  # noqa: F401
    except ImportError:
        assert rows["carol"]["status"] == "error", rows["carol"]
        assert "scipy" in rows["carol"]["detail"]
    assert rows["own"]["status"] == "proved", rows["own"]
    assert rows["scipy"]["entries"] == 17            # 0 of the 17 entries, not 0/0


def test_either_layout_note_names_both_errors():
    from backprop_sym.engine.implementation import check_implementation

    def backward(weights, biases, x, y):             # square only: fails in both layouts
        if weights[0].shape[0] != weights[0].shape[1]:
            raise ValueError("only square layers, please")
        return [w * 0 for w in weights], [b * 0 for b in biases]
    r = check_implementation(backward, (2, 3, 2), "sigmoid", "from-to", 2)
    note = next(n for n in r.notes if "either layout" in n)
    assert "as reported" not in note and note.count("ValueError: only square layers") == 2, note


def test_long_names_make_feedback_files_a_disk_takes(tmp_path):
    """A 200-character folder and a 60-character file stem: the feedback file name fits
    in 255 bytes (it ended the whole run with exit 2, after grading, with no output)."""
    long, stem = "s" * 200, "é" * 60
    items = [(long, Path(f"x/{long}/{stem}.py")), (long, Path(f"x/{long}/{stem}2.py"))]
    paths = G.feedback_paths(items, tmp_path)
    assert len(set(paths.values())) == 2
    for p in paths.values():
        assert len(p.name.encode("utf-8")) <= 255
        p.write_text("ok")


def test_an_entry_compared_with_itself_is_no_branch():
    """With == a comparison, `a == a` (always true) must not send correct code to points,
    where the interval of a non-rational value never decides it (an error)."""
    from backprop_sym.engine import transport
    tape = transport.Tape()
    z = transport.symbols(tape, "x", 2, 2, lambda r, c: (c, r))
    assert (z == z).all() and not (z != z).any() and not tape.branched
    with pytest.raises(transport.Branching):
        bool(z[0, 0] == z[0, 1])


@pytest.mark.slow
def test_odd_files_are_that_students_error_not_the_runs(tmp_path):
    """A cell source of numbers, JSON nested 100000 deep, Python nested 200000 deep: each
    was an internal error of the whole run (exit 2, no student graded)."""
    (tmp_path / "a.ipynb").write_text('{"cells":[{"cell_type":"code","source":[1,2]}]}')
    (tmp_path / "j.ipynb").write_text("[" * 100000 + "]" * 100000)
    (tmp_path / "r.py").write_text("x" + ".a" * 200000 + "\n")
    (tmp_path / "bom.ipynb").write_bytes(b"\xef\xbb\xbf" + json.dumps(
        {"cells": [{"cell_type": "code", "source": textwrap.dedent(GOOD)}]}).encode())
    (tmp_path / "ok.py").write_text(textwrap.dedent(GOOD))
    out = cli_process("grade", tmp_path, "--convention", "to-from", "--json",
                      "--timeout", "30")
    assert out.returncode == 1 and "internal error" not in out.stderr, out.stderr
    rows = {r["student"]: r["status"] for r in json.loads(out.stdout)["submissions"]}
    assert rows == {"a": "error", "j": "error", "r": "error", "bom": "proved",
                    "ok": "proved"}, rows


def test_a_csv_in_a_missing_folder_is_a_usage_error_before_grading(tmp_path):
    """It was an internal error (exit 70) after every file had been graded."""
    (tmp_path / "a.py").write_text(textwrap.dedent(GOOD))
    out = cli_process("grade", tmp_path / "a.py", "--csv", tmp_path / "nodir" / "g.csv")
    assert out.returncode == 2 and "does not exist" in out.stderr, out.stderr
    assert "internal error" not in out.stderr
