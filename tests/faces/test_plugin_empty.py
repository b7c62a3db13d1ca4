"""The pytest plugin fails loudly where `check` exits 5: a derivation with nothing
checkable fails with the reason; a configured glob that matches no file is a usage error."""
import numpy  # noqa: F401  (imported once: pytester's in-process runs cannot reimport it)
import pytest

pytest_plugins = ["pytester"]

NOTHING = {
    "prose": "# Notes\n\nOnly prose here, and inline math $a = b$.\n",
    "skipped": "# Notes\n\n$$ \\dots $$\n\n$$ a < b $$\n",
    "empty": "\n",
}


@pytest.mark.parametrize("name", sorted(NOTHING))
def test_a_derivation_with_nothing_checkable_fails(pytester, name):
    pytester.makefile(".md", notes=NOTHING[name])
    pytester.makeini("[pytest]\nbackprop_derivations = notes.md\n")
    result = pytester.runpytest("-q")
    assert result.ret == 1, result.stdout.str()
    result.stdout.fnmatch_lines(["*nothing checkable in *notes.md*"])


@pytest.mark.parametrize("where", ["ini", "option"])
@pytest.mark.parametrize("pattern", ["nosuch.md", "docs/*.md", "**/*.tex"])
def test_a_glob_that_matches_no_file_is_a_usage_error(pytester, where, pattern):
    pytester.makefile(".md", notes="$$ a^L_j = f(z^L_j) $$\n")
    pytester.makepyfile(test_x="def test_ok():\n    pass\n")
    if where == "ini":
        pytester.makeini(f"[pytest]\nbackprop_derivations = {pattern}\n")
        result = pytester.runpytest("-q")
    else:
        result = pytester.runpytest("-q", "--backprop-derivations", pattern)
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str()
    assert f"the glob '{pattern}' matches no file" in result.stderr.str() + result.stdout.str()


def test_a_checkable_derivation_still_collects_its_claims(pytester):
    pytester.makefile(".md", notes="$$ \\Delta^L_j = (a^L_j - y_j) f'(z^L_j) $$\n\n"
                                   "$$ \\dots $$\n")
    pytester.makeini("[pytest]\nbackprop_derivations = notes.md\n")
    pytester.runpytest("-q").assert_outcomes(passed=1, skipped=1)
