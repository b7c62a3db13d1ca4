"""The kinds of value the commands take, each validated once, at the boundary
(`click.ParamType.convert`): widths, a list of widths, activations, a count, seconds,
example counts, a convention and a rule of the user's own. A bad value is a one-line
usage error naming the option (`Fail`, exit 2)."""
from __future__ import annotations

import re
from collections.abc import Callable

import click

from ..engine import activations, arguments
from ..engine.backends import BackendError
from ..engine.errors import UsageError
from ..engine.network import CONVENTIONS, ShapeError
from .base import Fail

# what the library raises for input that is not what was expected (the named classes are
# UsageErrors once the engine re-bases them; listed so that either way they exit 2)
USAGE_ERRORS = (UsageError, ShapeError, activations.ActivationError, BackendError)

CONVENTION = click.Choice(CONVENTIONS)


def option_name(param, default: str) -> str:
    return param.opts[0] if param is not None and param.opts else default


class Widths(click.ParamType):
    """'2,3,2' -> (2, 3, 2): the widths of every layer, inputs first."""
    name = "widths"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        from ..engine.network import parse_widths
        try:
            return parse_widths(value)
        except ShapeError as err:
            raise Fail(str(err)) from None


class ShapeList(click.ParamType):
    """'2,3,4,2;3,2,2,3' -> ((2, 3, 4, 2), (3, 2, 2, 3)): widths lists separated by ';' or
    blanks."""
    name = "shapes"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        from ..engine.network import parse_widths
        out = []
        for part in re.split(r"[;\s]+", value.strip()):
            if part:
                try:
                    out.append(parse_widths(part))
                except ShapeError as err:
                    raise Fail(f"{option_name(param, '--shapes')}: {err}") from None
        if not out:
            raise Fail(f"{option_name(param, '--shapes')} needs at least one list of widths, "
                       f"e.g. 2,3,4,2")
        return tuple(out)


class Activations(click.ParamType):
    """One registered activation name, or (`several`) one per layer, comma-separated; the
    text is kept (the shape matches the count to the layers)."""
    name = "activation"

    def __init__(self, several: bool = True):
        self.several = several

    def convert(self, value, param, ctx):
        names = value.split(",") if self.several else [value]
        try:
            for name in names:
                activations.get(name.strip())
        except activations.ActivationError as err:
            raise Fail(str(err)) from None
        return value

    def shell_complete(self, ctx, param, incomplete: str) -> list:
        """The registered names; in a comma-separated list, the last item."""
        from click.shell_completion import CompletionItem
        head, _, last = incomplete.rpartition(",") if self.several else ("", "", incomplete)
        prefix = head + "," if head else ""
        return [CompletionItem(prefix + name) for name in activations.names()
                if name.startswith(last)]


class Count(click.ParamType):
    """A whole number, at least 1."""
    name = "integer"

    def convert(self, value, param, ctx):
        name = option_name(param, "the count")
        try:
            n = value if isinstance(value, int) else int(value)
        except ValueError:
            raise Fail(f"{name} {value!r}: expected a whole number") from None
        try:
            return arguments.count(n, name)
        except UsageError:
            raise Fail(f"{name} must be at least 1, got {n}") from None


class Seconds(click.ParamType):
    """A time budget: a positive, finite number of seconds."""
    name = "seconds"

    def convert(self, value, param, ctx):
        name = option_name(param, "--timeout")
        try:
            seconds = value if isinstance(value, float) else float(value)
        except ValueError:
            raise Fail(f"{name} {value!r}: expected a number of seconds") from None
        try:                        # the API's rule (engine.arguments), worded for an option
            return arguments.seconds(seconds, name, optional=False)
        except UsageError:
            raise Fail(f"{name} must be a positive, finite number of seconds, "
                       f"got {seconds}") from None


class SampleCounts(click.ParamType):
    """'1,2,3' -> (1, 2, 3): example counts, each at least 1, sorted, no repeats."""
    name = "counts"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        name = option_name(param, "--samples")
        try:
            out = tuple(int(p) for p in value.split(","))
        except ValueError:
            raise Fail(f"{name} {value!r}: expected a list of example counts such as "
                       f"1,2,3") from None
        if any(n < 1 for n in out):
            raise Fail(f"{name} {value!r}: every example count must be at least 1")
        return tuple(sorted(set(out)))


class Rule(click.ParamType):
    """'KIND=MODULE:FUNC' or 'KIND=FILE.py:FUNC' -> (kind, the function), loaded (its
    module is executed) when the option is read."""
    name = "rule"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            return load_rule(value)
        except ValueError as err:
            raise Fail(str(err)) from None


def load_rule(spec: str) -> tuple[str, Callable]:
    """'KIND=module:function' or 'KIND=path/file.py:function' -> (kind, the callable)."""
    import importlib
    import importlib.util
    import os

    from ..engine.vocabulary import KINDS
    kind, eq, target = spec.partition("=")
    kind = kind.strip()
    if not eq or kind not in KINDS:
        raise UsageError(f"--rule {spec!r}: expected KIND=MODULE:FUNCTION or "
                         f"KIND=FILE.py:FUNCTION with KIND one of {', '.join(KINDS)}")
    where, colon, name = target.rpartition(":")
    if not colon or not where or not name:
        raise UsageError(f"--rule {spec!r}: expected {kind}=MODULE:FUNCTION or "
                         f"{kind}=FILE.py:FUNCTION")
    try:
        if where.endswith(".py"):
            if not os.path.isfile(where):
                raise UsageError(f"--rule {spec!r}: no file {where}")
            loaded = importlib.util.spec_from_file_location(f"_backprop_sym_rule_{kind}", where)
            if loaded is None or loaded.loader is None:
                raise ImportError("not a Python module")
            module = importlib.util.module_from_spec(loaded)
            loaded.loader.exec_module(module)
        else:
            module = importlib.import_module(where)
    except UsageError:
        raise
    except Exception as err:
        raise UsageError(f"--rule {spec!r}: cannot load {where}: {type(err).__name__}: "
                         f"{err}") from None
    fn = getattr(module, name, None)
    if not callable(fn):
        raise UsageError(f"--rule {spec!r}: {where} has no function {name!r}")
    return kind, fn
