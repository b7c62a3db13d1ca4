"""Each kind of value the commands take is validated once, by its click ParamType, with
the same one-line message in every command."""
import pytest
from click.testing import CliRunner

from backprop_sym.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("value", ["0", "-1", "inf", "nan"])
@pytest.mark.parametrize("command", [["verify", "--widths", "2,2"], ["check", "--claim", "a = b"],
                                     ["grade", "."],
                                     ["report", "--widths", "2,2", "--out", "r.tex"]])
def test_timeout_is_one_type_in_every_command(command, value, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run(*command, "--timeout", value)
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "backprop-sym: error: --timeout must be a positive, finite number of seconds")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("args, message", [
    (["verify", "--timeout", "soon"], "--timeout 'soon': expected a number of seconds"),
    (["verify", "--samples", "0"], "--samples must be at least 1, got 0"),
    (["verify", "--depth", "2", "--width", "0"], "--width must be at least 1, got 0"),
    (["verify", "--jobs", "x"], "--jobs 'x': expected a whole number"),
    (["grade", ".", "--samples", "0"], "--samples must be at least 1, got 0"),
    (["grade", ".", "--widths", "2"], "at least two"),
    (["grade", ".", "--activation", "relu9"], "unknown activation 'relu9'"),
    (["check", "--claim", "a = b", "--shapes", "2,x"], "--shapes: widths '2,x' is not a list"),
    (["check", "--claim", "a = b", "--shapes", ";"], "--shapes needs at least one list"),
    (["check", "--claim", "a = b", "--samples", "1,0"], "every example count must be at least 1"),
    (["prove", "--rule", "hidden_delta"], "KIND=MODULE:FUNCTION"),
])
def test_bad_values_are_one_line_usage_errors(args, message):
    r = run(*args)
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], r.output


def test_activation_completion_offers_the_last_item_of_a_list():
    from backprop_sym.cli.types import Activations
    names = [c.value for c in Activations().shell_complete(None, None, "f,sig")]
    assert names == ["f,sigmoid"]
