"""`prove --rule` with a wrong rule shows the witness's numbers in its text output (it
printed `direct None ≠ rule None`: it read witness keys the witness never has)."""
import re
import textwrap

from click.testing import CliRunner

from backprop_sym.cli import main

MISSING_FPRIME = textwrap.dedent("""
    def hidden(q, s, l, j):
        return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))
""")


def test_prove_text_shows_the_witness_values(tmp_path):
    (tmp_path / "mine.py").write_text(MISSING_FPRIME)
    r = CliRunner().invoke(main, ["prove", "--rule", f"hidden_delta={tmp_path / 'mine.py'}:hidden"])
    assert r.exit_code == 1, r.output
    line = next(x for x in r.stdout.splitlines() if x.strip().startswith("witness:"))
    assert "None" not in line
    assert re.search(r"direct=-?[0-9]", line) and re.search(r"rule=-?[0-9]", line), line
    assert re.search(r" at \S+=-?[0-9]", line), line      # the values where they differ
