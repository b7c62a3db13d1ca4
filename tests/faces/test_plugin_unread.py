"""The pytest plugin reads a document as `check` does: an equation not read fails unless
its line is marked (`% backprop-sym: skip`) or `backprop_unread = skip`; the convention,
when the ini file does not give it, is read from the document."""
import json

import numpy  # noqa: F401  (imported once: pytester's in-process runs cannot reimport it)

from support import cli

pytest_plugins = ["pytester"]

NOTES = r"""# Homework

$$
\delta^L_j = (a^L_j - y_j) f'(z^L_j)
$$

$$
\delta^L_j = (\hat y_j + y_j)\sigma(z^L_j)
$$
"""

# Nielsen's notes: z defined to-from, so the recursion with w_{kj} is right, read so
NIELSEN = r"""# Nielsen

$$
z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j
$$

$$
\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k f'(z^l_j)
$$

$$
\delta^l_j = \sum_k w^{l+1}_{jk} \delta^{l+1}_k f'(z^l_j)
$$
"""


def _project(pytester, text, ini_extra=""):
    pytester.makefile(".md", notes=text)
    pytester.makeini(f"[pytest]\nbackprop_derivations = notes.md\n{ini_extra}")


def test_an_unread_equation_fails(pytester):
    _project(pytester, NOTES)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1, failed=1)
    assert "not read: uses \\hat" in result.stdout.str()


def test_a_marked_line_is_skipped(pytester):
    _project(pytester, NOTES.replace(r"\sigma(z^L_j)", r"\sigma(z^L_j) % backprop-sym: skip"))
    pytester.runpytest("-v").assert_outcomes(passed=1, skipped=1)


def test_the_ini_option_skips_every_unread_equation(pytester):
    _project(pytester, NOTES, "backprop_unread = skip\n")
    pytester.runpytest("-v").assert_outcomes(passed=1, skipped=1)
    _project(pytester, NOTES, "backprop_unread = maybe\n")
    result = pytester.runpytest("-q")
    assert result.ret == 4 and "backprop_unread" in result.stderr.str()


def test_the_plugin_agrees_with_check(pytester, tmp_path):
    _project(pytester, NIELSEN)
    result = pytester.runpytest("-v")
    path = tmp_path / "notes.md"
    path.write_text(NIELSEN)
    doc = json.loads(cli("check", str(path), "--json").output)
    verdicts = [c["status"] for c in doc["claims"]]
    assert verdicts == ["proved", "proved", "refuted"]
    result.assert_outcomes(passed=2, failed=1)
