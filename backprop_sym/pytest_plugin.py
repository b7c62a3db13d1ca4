"""The pytest plugin (entry point `pytest11`): derivations as tests, readable assertions.

Files matched by the ini option `backprop_derivations` (globs relative to the rootdir) or
`--backprop-derivations GLOB` are collected; each claim is one item, `notes.md::line 13`
(`line 13[2]` for the second claim of a line). proved passes; refuted, ill-formed and
unknown fail with the verdict, witness and hint; skipped is skipped. An equation the reader
could not read is unknown, so it fails, unless its line is marked as not a claim
(`% backprop-sym: skip`, as for `check`) or the ini option `backprop_unread = skip` skips
every such equation. A file with nothing checkable fails (as `check` exits 5 on it), and a
glob that matches no file is a usage error. The file is read as `backprop-sym check` reads
it (`claims.check_file`): the ini options `backprop_convention` and `backprop_activation`
mirror its options, and the convention, when not given, is read from the document.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .engine.vocabulary import Status
from .testing import explain, explain_claim


def pytest_addoption(parser):
    group = parser.getgroup("backprop-sym", "backprop-sym derivations")
    group.addoption("--backprop-derivations", action="append", default=[], metavar="GLOB",
                    help="Check the display equations of the files matching GLOB (relative "
                         "to the rootdir), one test per claim.")
    parser.addini("backprop_derivations", type="args", default=[],
                  help="Globs of derivation files (relative to the rootdir) to check.")
    parser.addini("backprop_convention", default="",
                  help="Index convention of the derivations: from-to or to-from (default: "
                       "read from each document, as backprop-sym check does, else from-to).")
    parser.addini("backprop_unread", default="fail",
                  help="An equation the checker cannot read: fail (default) or skip. A single "
                       "line is skipped with a comment '% backprop-sym: skip' on it.")
    parser.addini("backprop_activation", default="f",
                  help="Activation f of the derivations (f, linear, sigmoid, tanh, softplus).")


UNREAD = ("fail", "skip")       # what an equation the checker cannot read does


def _globs(config) -> list[str]:
    return list(config.getini("backprop_derivations")) + \
        list(config.getoption("backprop_derivations") or [])


def _matched(config) -> set[Path]:
    root = Path(config.rootpath)
    return {p.resolve() for g in _globs(config) for p in root.glob(g) if p.is_file()}


def pytest_configure(config):
    from .engine import activations
    from .engine.network import CONVENTIONS
    convention = config.getini("backprop_convention")
    if convention and convention not in CONVENTIONS:
        raise pytest.UsageError(f"backprop_convention = {convention!r}; expected one of: "
                                f"{', '.join(CONVENTIONS)}")
    unread = config.getini("backprop_unread")
    if unread not in UNREAD:
        raise pytest.UsageError(f"backprop_unread = {unread!r}; expected one of: "
                                f"{', '.join(UNREAD)}")
    try:
        activations.get(config.getini("backprop_activation"))
    except activations.ActivationError as err:
        raise pytest.UsageError(f"backprop_activation: {err}") from None
    root = Path(config.rootpath)
    for pattern in _globs(config):
        if not any(p.is_file() for p in root.glob(pattern)):
            raise pytest.UsageError(f"backprop_derivations: the glob {pattern!r} matches no "
                                    f"file under {root}; expected derivation files (.md, "
                                    f".tex, .html, .ipynb) relative to the rootdir")
    config._backprop_seen = set()


def pytest_collect_file(file_path, parent):
    config = parent.config
    if not _globs(config) or file_path.resolve() not in _matched(config):
        return None
    config._backprop_seen.add(file_path.resolve())
    return DerivationFile.from_parent(parent, path=file_path)


def pytest_collection_modifyitems(session, config, items):
    """Derivations outside the directories pytest walked (its testpaths), unless the
    command line named what to run."""
    if not _globs(config) or config.args_source == pytest.Config.ArgsSource.ARGS:
        return
    for path in sorted(_matched(config) - config._backprop_seen):
        collector = DerivationFile.from_parent(session, path=path)
        items.extend(collector.collect())


class DerivationFile(pytest.File):
    def collect(self):
        from .claims import check_file
        from .claims.check import empty_reason, overall
        config = self.config
        try:
            convention = config.getini("backprop_convention") or None   # None: as written
            claims = check_file(self.path, convention=convention,
                                activation=config.getini("backprop_activation"))
        except (OSError, UnicodeDecodeError) as err:
            raise self.CollectError(f"cannot read {self.path}: {err}") from None
        if overall(claims) == Status.EMPTY:         # `check` exits 5 on it: so fail
            yield NothingChecked.from_parent(
                self, name="nothing checkable",
                why=f"nothing checkable in {self.path}: {empty_reason(claims)}")
        per_line: dict = {}
        for claim in claims:
            per_line[claim["line"]] = per_line.get(claim["line"], 0) + 1
            k = per_line[claim["line"]]
            name = f"line {claim['line']}" + (f"[{k}]" if k > 1 else "")
            item = ClaimItem.from_parent(self, name=name, claim=claim)
            unread = claim.get("unread") and config.getini("backprop_unread") == "skip"
            if claim["status"] == Status.SKIPPED or unread:
                reason = claim.get("reason") or "not a claim about the network"
                item.add_marker(pytest.mark.skip(reason=f"line {claim['line']}: {reason}"))
            yield item


class NothingChecked(pytest.Item):
    """A derivation file in which nothing could be checked: a failing item that says why."""

    def __init__(self, *, why: str, **kw):
        super().__init__(**kw)
        self.why = why

    def runtest(self):
        raise ClaimFailure(self.why)

    def repr_failure(self, excinfo):
        return self.why

    def reportinfo(self):
        return self.path, 0, self.name


class ClaimFailure(AssertionError):
    """A claim that is not proved: its verdict, witness and hint."""


class ClaimItem(pytest.Item):
    def __init__(self, *, claim: dict, **kw):
        super().__init__(**kw)
        self.claim = claim

    def runtest(self):
        if self.claim["status"] == Status.PROVED:
            return
        raise ClaimFailure("\n".join(explain_claim(self.claim)))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ClaimFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.claim["line"] - 1, self.name


def pytest_assertrepr_compare(config, op, left, right):
    """`assert result == "proved"` (or `result.status == ...`-like comparisons with a
    result object on one side) explains the first instance that is not proved."""
    for side in (left, right):
        try:
            lines = explain(side)
        except TypeError:
            continue
        if lines:
            return [f"{type(side).__name__} {op} {right if side is left else left!r}", *lines]
    return None
