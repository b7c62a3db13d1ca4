"""No command writes over one of its own input files, with or without --force, however the
path is spelled (relative, absolute, `a/../`, a symlink, a hard link): a usage error (exit
2) naming both paths, before any work, and the input's bytes unchanged."""
import os
import sys

import pytest

from support import DERIVATIONS, cli

NOTES = (DERIVATIONS / "mistakes.md").read_text(encoding="utf-8")
SUBMISSION = "def backward(weights, biases, x, y):\n    raise RuntimeError('never run')\n"


def spellings(tmp_path, name):
    """Ways of naming tmp_path/name (which exists) as an output, each a callable that
    returns the path to give (creating a link where needed)."""
    target = tmp_path / name
    sub = tmp_path / "sub"
    sub.mkdir(exist_ok=True)

    def symlink():
        link = tmp_path / ("link-" + name)
        link.symlink_to(target)
        return str(link)

    def hardlink():
        link = tmp_path / ("hard-" + name)
        os.link(target, link)
        return str(link)

    return {"relative": lambda: name, "absolute": lambda: str(target),
            "dotdot": lambda: os.path.join("sub", "..", name), "symlink": symlink,
            "hardlink": hardlink}


KINDS = ["relative", "absolute", "dotdot", "symlink", "hardlink"]


@pytest.mark.skipif(sys.platform == "win32", reason="links")
@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("how", KINDS)
@pytest.mark.parametrize("ext", [".pdf", ".tex"])
def test_report_never_writes_over_its_claims_file(tmp_path, monkeypatch, how, force, ext):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.tex").write_text(NOTES, encoding="utf-8")
    claims = spellings(tmp_path, "notes.tex")[how]()       # the input, as named
    out = os.path.join(os.path.dirname(claims), "notes" + ext)
    before = (tmp_path / "notes.tex").read_bytes()
    r = cli("report", "--widths", "2,2", "--claims", claims, "--out", out,
            *(["--force"] if force else []))
    assert r.exit_code == 2, r.output
    assert "never writes over its own input" in r.output and "--claims" in r.output
    assert "choose another" in r.output
    assert (tmp_path / "notes.tex").read_bytes() == before


@pytest.mark.skipif(sys.platform == "win32", reason="links")
@pytest.mark.parametrize("how", ["symlink", "hardlink"])
def test_report_refuses_an_out_that_is_a_link_to_the_claims(tmp_path, monkeypatch, how):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    link = spellings(tmp_path, "notes.md")[how]()        # link-notes.md / hard-notes.md
    tex = os.path.splitext(link)[0] + ".tex"
    os.rename(link, tex)                                 # the .tex written is the input
    before = (tmp_path / "notes.md").read_bytes()
    r = cli("report", "--widths", "2,2", "--claims", "notes.md", "--out",
            os.path.splitext(tex)[0] + ".pdf", "--force")
    assert r.exit_code == 2, r.output
    assert "never writes over its own input" in r.output
    assert (tmp_path / "notes.md").read_bytes() == before


def test_report_with_another_out_still_works(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    r = cli("report", "--widths", "2,2", "--claims", "notes.md", "--out", "report.tex")
    assert r.exit_code in (0, 1, 3), r.output
    assert (tmp_path / "report.tex").exists()
    assert (tmp_path / "notes.md").read_text(encoding="utf-8") == NOTES


@pytest.mark.skipif(sys.platform == "win32", reason="links")
@pytest.mark.parametrize("how", KINDS)
@pytest.mark.parametrize("folder", [False, True])
def test_grade_never_writes_its_csv_over_a_submission(tmp_path, monkeypatch, how, folder):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "student.py").write_text(SUBMISSION, encoding="utf-8")
    csv = spellings(tmp_path, "student.py")[how]()
    before = (tmp_path / "student.py").read_bytes()
    r = cli("grade", "." if folder else "student.py", "--csv", csv)
    assert r.exit_code == 2, r.output
    assert "never writes over its own input" in r.output and "--csv" in r.output
    assert (tmp_path / "student.py").read_bytes() == before
