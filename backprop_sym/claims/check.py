"""What a claim means, and its verdict against direct differentiation.

A claim `LHS = RHS` (from `parse`) is a statement about every valid instance of its free
indices: the layer letters (l; L is the last layer) range over the layers where every
quantity they mention exists, the neuron indices over the width of the layer they index,
read off where they appear (a summation index too, unless the sum gives its bounds). An
instance is evaluated at each shape with the verification engine (`verify.Engine`): z, a,
f'(z) and Δ come from its canonical atom forms, Δ and every ∂ by direct differentiation of
the per-example cost C = ½‖a^L − y‖². The shapes, and the example counts for a claim that
speaks of the examples (𝒞, the average cost; N; Σ_x), are chosen against the claim
(`scope`); every verdict states the scope it was reached at.

Verdicts, one per claim:
  proved      every instance at every shape of its scope: lhs − rhs expands to exactly 0;
  refuted     an instance where a witness (exact values; a concrete f) separates the sides;
  ill-formed  it cannot mean anything: a free index on one side only, a summation index
              absent from its summand, an index out of its layer's range (an index that
              ranges over two different widths, a weight that does not exist), a product
              of mismatched shapes, an undefined layer; or it could not be read;
  skipped     not a claim about these quantities (prose, \\dots, an inequality, an
              activation declaration such as f(z) = z, which applies from its line on; a
              declaration that cannot be used makes the claims after it unknown until the
              next usable one);
  unknown     none of these (no witness found).
A claim that is not proved gets a hint when a common repair makes every instance prove:
a transposed weight, f for f' (or f' for f), a neighbouring layer, swapped indices, a
flipped sign, a missing factor f'(z), the other index convention.

The parts: `form` (the structure of a claim), `evaluate` (its value at every
instance; verdicts), `hints` (repairs), `activation` (statements about the
activation alone). This module checks documents claim by claim, summarizes the results
(their text forms are the faces': `cli.check`), and re-exports the names of the parts.
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import replace

from ..engine import activations, runner
from ..engine.vocabulary import Status

from . import budget, documents, entry, notation
from .activation import (about_activation_only, is_activation_statement,
                          check_activation_statement, dummy_x, declared_activation,
                          declared_by_derivative, derivative_statement)
from .evaluate import BUDGET, Options, evaluate
from .form import analyze
from .general import SCOPE as GENERAL, every_width
from .hints import hints
from .conditions import split_condition
from .columns import UnreadSide
from .conventions import combine as combine_conventions
from .errors import IllFormed, ParseError, Skip, UnsupportedNotation, Unusable
from .parse import parse
from .prescan import NOT_EQUALITIES, PROSE
from .printing import show
from .relations import has_relation, masked

# the names of the parts, importable from here as before
from .evaluate import DEFAULT_SHAPES, EXAMPLE_COUNTS, LAYER_RANGE, Outcome  # noqa: F401
from .instance import Context, Evaluator, direct_diff  # noqa: F401
from .form import EXAMPLES, Form  # noqa: F401
from .hints import repairs  # noqa: F401

from .summary import (NOT_READ, CLAIM_STATUSES, Claim, Claims, counts, document,  # noqa: F401
                      empty_reason, overall, union_scope, unread_lines)
from .conventions import combinations, default_reading, einstein, read_document


# ---------------------------------------------------------------- documents

def _claim(line, latex, parsed, status, reason, hint=None, wit=None, scope=None) -> dict:
    """A checked claim; `scope` ({shapes, samples}) says where a verdict was reached."""
    return {"line": line, "latex": latex, "parsed": parsed, "status": status, "reason": reason,
            "hint": hint, "witness": wit, "scope": scope}


# "not read" is not "not a claim": an equation the reader could not read may be false, so
# it is unknown (and the document with it, `summary.overall`); prose, an inequality, text
# without '=' is none


def _unread(line, latex, parsed, reason) -> dict:
    """An equation the reader could not read: unknown, `unread`, and says why."""
    return {**_claim(line, latex, parsed, Status.UNKNOWN, NOT_READ + reason), "unread": True}


def not_a_claim(text: str) -> bool:
    """Is the text no claim at all (so skipped when not read): no relation in it, prose
    (\\text), or a relation other than equality (≤, \\approx, \\to)? An equation with
    notation the reader does not know (\\hat, \\dots, f'') is a claim not read."""
    plain = masked(text)
    if not has_relation(plain) or re.search(r"[<>≤≥≈≠∝]", plain):
        return True
    commands = set(re.findall(r"\\([a-zA-Z]+)", plain))
    return bool(commands & (set(PROSE) | set(NOT_EQUALITIES) - {"in"}))


def _not_read_or_none(line, latex, parsed, reason, text) -> dict:
    """Skipped when `text` is not a claim; otherwise a claim not read (unknown)."""
    if not_a_claim(text):
        return _claim(line, latex, parsed, Status.SKIPPED, reason)
    return _unread(line, latex, parsed, reason)


class Checker:
    """Checks the equations of one document in order (an activation declaration applies
    from its line on)."""

    def __init__(self, opts: Options, ctx: Context | None = None):
        self.opts = opts
        self.ctx = ctx or Context(opts.backend)
        self.declared: tuple[str, int] | None = None
        self.unusable: str | None = None     # why the activation is unknown (a failed declaration)
        self.reading = None         # conventions.Reading: the document's own conventions
        self.source = None          # the row's text as typed (`check_row`)

    def check_row(self, text: str, line: int, locate, prev_side=None,
                  source=None) -> tuple[list[dict], object]:
        """The claims of one equation (or align row), each equation on its own line, and its last
        side. `locate(pos)` -> (line, column) of a position in `text`; `prev_side`: the last side
        (node, latex) of the previous row for a row starting with `=` (`UnreadSide`: not read);
        `source(start, end)` -> the file's text of a span of `text`, as the user typed it (each
        claim's `latex`; default: the span of `text`)."""
        self.source = source
        try:
            segments, condition = split_condition(text)
        except ParseError as err:
            ln, col = locate(err.pos)
            e = f"could not read it: line {ln}, column {col}: {err.message}"
            return [_claim(line, " ".join(text.split())[:200], None, Status.ILL_FORMED, e)], UnreadSide(line)
        out = []
        for k, (s0, s1) in enumerate(segments):
            cond = condition if k == len(segments) - 1 else None
            at, col = locate(s0 + len(text[s0:s1]) - len(text[s0:s1].lstrip()))
            own = line if k == 0 else at
            claims, prev_side = self._segment(text[s0:s1], s0, own, locate, prev_side, cond)
            for c in claims:            # where the equation starts in the file (1: unknown)
                c.setdefault("column", col if at == own else 1)
            out += claims
        return out, prev_side

    def _typed(self, start: int, end: int, fallback: str) -> str:
        """The file's text of text[start:end] as typed (comments, `&` and spacing dropped)."""
        if self.source is None or end <= start:
            return fallback
        typed = re.sub(r"(?<!\\)%[^\n]*|(?<!\\)&", " ", self.source(start, end))
        return _tidy(typed) or fallback

    def _segment(self, body, offset, line, locate, prev_side, condition):
        lead = len(body) - len(body.lstrip())
        written = self._typed(offset + lead, offset + len(body.rstrip()), _tidy(body))
        try:
            rel = parse(body, before=prev_side[0] if isinstance(prev_side, tuple) else None)
        except UnsupportedNotation as err:
            return [_not_read_or_none(line, written, None, err.reason, body)], UnreadSide(line)
        except ParseError as err:
            ln, col = locate(offset + err.pos)
            why = f"could not read it: line {ln}, column {col}: {err.message}"
            return [_claim(line, written, None, Status.ILL_FORMED, why)], UnreadSide(line)   # no bridging
        sides = [(s.node, self._typed(offset + s.start, offset + s.end,
                                      " ".join(body[s.start:s.end].split()))) if s else None
                 for s in rel.sides]
        out = []
        if sides[0] is None:
            if prev_side is None or isinstance(prev_side, UnreadSide):
                out.append(_unread(line, written if len(sides) == 2 else f"= {sides[1][1]}", None,
                                   f"continues an unread row (line {prev_side.line})"
                                   ": its left-hand side could not be read, so this step is not "
                                   "checked") if prev_side else _claim(line, written, None,
                                  Status.ILL_FORMED, "starts with '=' but there is no previous "
                                  "line to continue"))
                sides = sides[1:]
            else:
                sides[0] = prev_side
        for (lnode, ltext), (rnode, rtext) in zip(sides, sides[1:]):
            latex = f"{ltext} = {rtext}" if len(sides) > 2 or rel.sides[0] is None else written
            out.append(self.check_claim(lnode, rnode, line, latex, condition))
        return out, sides[-1]

    def check_claim(self, lhs, rhs, line: int, latex: str, condition=None) -> dict:
        """The verdict of lhs = rhs; `condition` (a parse.Condition) narrows its instances.
        Under the readings the document leaves open (summation, cost, convention) a claim
        whose symbols they touch is checked under each (`readings.combine`)."""
        axes = (self.reading or default_reading()).open_at(lhs, rhs, line)
        if axes:
            return self._under_each(axes, lhs, rhs, line, latex, condition)
        return self._check_claim(lhs, rhs, line, latex, condition)

    def _under_each(self, axes, lhs, rhs, line, latex, condition) -> dict:
        """The claim checked under each combination of open readings, the verdicts combined."""
        kept, reading, found = self.opts, self.reading or default_reading(), {}
        alone = len(axes) == 1 and axes[0][0].axis == "convention"
        try:
            for combo in combinations(axes):
                given = {a.axis: a.value for a in combo}
                self.opts = replace(kept, convention=str(given.get("convention", kept.convention)))
                found[combo[0].value if alone else combo] = self._check_claim(
                    lhs, rhs, line, latex, condition, given.get("summation"),
                    given.get("cost"), reading)
        finally:
            self.opts = kept
        return combine_conventions(found)

    def _check_claim(self, lhs, rhs, line: int, latex: str, condition=None, summed=None,
                     average=None, reading=None) -> dict:
        reading = (reading or self.reading or default_reading()).at(line)
        if average is not None:
            reading = replace(reading, average=average)
        if summed or (summed is None and reading.einstein):
            lhs, rhs, _ = einstein(lhs, rhs)
        lhs, rhs = reading(lhs), reading(rhs)
        parsed = show((lhs, rhs))
        if self.opts.deadline is not None and time.monotonic() > self.opts.deadline:
            return _claim(line, latex, parsed, Status.UNKNOWN, BUDGET)
        note = f" (where {condition.text})" if condition else ""
        opts = self.opts
        if self.declared:
            opts = replace(opts, activation=self.declared[0])
            note += f" [f = {self.declared[0]}, as declared on line {self.declared[1]}]"
        if about_activation_only(lhs, rhs):
            lhs, rhs = dummy_x(lhs), dummy_x(rhs)
        if is_activation_statement(lhs, rhs):
            if condition:
                return _claim(line, latex, parsed, Status.ILL_FORMED, "a condition on a statement about the "
                              f"activation ({condition.text}) is not read")
            try:
                return self._activation(lhs, rhs, line, latex, parsed, opts, note)
            except IllFormed as err:
                return _claim(line, latex, parsed, Status.ILL_FORMED, str(err))
        try:
            form = analyze(lhs, rhs)
        except Skip as err:                 # an equation in a form the checker does not read
            return _unread(line, latex, parsed, str(err))
        except IllFormed as err:
            return _claim(line, latex, parsed, Status.ILL_FORMED, str(err))
        if condition:
            unused = sorted(condition.letters() - set(form.free) - set(form.layers))
            if unused:
                return _claim(line, latex, parsed, Status.ILL_FORMED,
                              f"the condition '{condition.text}' names {', '.join(unused)}, "
                              f"which the claim does not use as a layer or an index")
            on_widths = [c for c in condition.comparisons if _narrows_widths(c, form.free)]
            if on_widths:
                return _claim(line, latex, parsed, Status.ILL_FORMED,
                              f"the condition '{condition.text}' restricts the widths n_l, "
                              "which is not read: the networks a claim is checked at are "
                              "chosen against the claim, and a condition on their widths "
                              "could exclude every one that refutes it")
            form.where = condition
        if self.unusable:
            return _claim(line, latex, parsed, Status.UNKNOWN, self.unusable)
        out = evaluate(form, self.ctx, opts, seed=_seed(parsed))
        hint = None
        if out.status in (Status.REFUTED, Status.ILL_FORMED):
            found = hints(lhs, rhs, self.ctx, opts)
            hint = "; ".join(found) if found else None
        scope = out.scope.json() if out.scope else None
        reason = out.reason
        if out.status == Status.PROVED and not (scope or {}).get("limits") and \
                every_width(form, opts.activation, opts.convention):
            scope = {**(scope or {}), "every_shape": True}
            reason = f"{reason}; and for {GENERAL}"
        return _claim(line, latex, parsed, out.status, reason + note, hint, out.witness, scope)

    def _activation(self, lhs, rhs, line, latex, parsed, opts, note) -> dict:
        """A statement about the activation alone: a declaration, or checked by itself."""
        try:
            name = declared_activation(lhs, rhs)
        except IllFormed as err:                # ill-formed, and no activation either
            self.declared = None
            self.unusable = (f"the activation declared on line {line} ({latex}) is "
                             f"ill-formed: {err}; claims are not checked until a declaration "
                             "the checker can use")
            return _claim(line, latex, parsed, Status.ILL_FORMED, str(err))
        except Unusable as err:
            why = str(err)
            self.declared = None
            self.unusable = (f"the activation declared on line {line} ({latex}) cannot be "
                             f"used: {why}; claims are not checked until a declaration "
                             "the checker can use")
            return _claim(line, latex, parsed, Status.SKIPPED,
                          f"declares an activation that cannot be used: {why}; the claims "
                          f"after it are unknown until a declaration the checker can use")
        generic = activations.get(opts.activation).is_generic
        if name is None and generic and not self.unusable and derivative_statement(lhs, rhs):
            # σ' = σ(1 − σ) declares the sigmoid; never after a declaration that could not
            # be used (the f' of an f the document set otherwise declares nothing)
            name = declared_by_derivative(lhs, rhs)
            if name is None and lhs.name == "σ":
                return _wrong_derivative_of_sigma(lhs, rhs, line, latex, parsed)
        if name:
            self.declared, self.unusable = (name, line), None
            act = activations.get(name)
            return _claim(line, latex, parsed, Status.SKIPPED,
                          f"declares the activation: {name} ({act.formula}); the claims "
                          f"from line {line} on are checked with it")
        if self.unusable:
            return _claim(line, latex, parsed, Status.UNKNOWN, self.unusable)
        try:
            status, reason, wit = check_activation_statement(lhs, rhs, opts.activation)
        except Skip as err:
            return _claim(line, latex, parsed, Status.SKIPPED, str(err))
        except IllFormed as err:
            return _claim(line, latex, parsed, Status.ILL_FORMED, str(err))
        return _claim(line, latex, parsed, status, reason + note, None, wit)


def _tidy(text: str) -> str:
    """An equation as shown: spacing joined, trailing punctuation and spaces dropped."""
    return re.sub(r"(?:\\(?:q?quad|[,;: ])|[\s,;.])+$", "", " ".join(text.split()))


def _wrong_derivative_of_sigma(lhs, rhs, line, latex, parsed) -> dict:
    """σ'(z) = <expression in σ(z)> that no registered activation satisfies: declares
    nothing, and is checked for σ the sigmoid (refuted with the point where it fails)."""
    status, reason, wit = check_activation_statement(lhs, rhs, "sigmoid")
    why = (f"{reason}: not the derivative of the sigmoid σ, nor of another activation the "
           "checker knows, so it declares nothing")
    return _claim(line, latex, parsed, status, why, None, wit)


def _narrows_widths(comparison, free) -> bool:
    """Does a comparison of a condition restrict the network's widths (n_0 = 2, n_l < 3)
    rather than the claim's neuron indices (j \\le n_L)?"""
    a, _, b = comparison
    terms = (a, b)
    names_width = any(t[0] == "n" for t in terms)
    names_index = any(t[0] == "v" and t[1] in free for t in terms)
    return names_width and not names_index


def _seed(text: str) -> int:
    h = 0
    for ch in text:
        h = (h * 131 + ord(ch)) % (2 ** 61 - 1)
    return h


def make_options(shapes=None, activation="f", convention="from-to", backend=None, samples=None,
                 timeout=None, scalar=False) -> Options:
    """The Options of a check from the command's arguments (timeout: seconds from now)."""
    shapes = tuple(tuple(s) for s in shapes) if shapes else None
    samples = tuple(samples) if samples else None
    deadline = None if timeout is None else time.monotonic() + timeout
    return Options(shapes, activation, convention, backend, samples, deadline, scalar)




_READING = ("weight_layer", "index_base", "cost")


def check_text(text: str, kind: str = documents.MARKDOWN, progress=None, **options) -> Claims:
    """Every claim of every display equation of a Markdown, LaTeX, HTML or notebook text,
    in order. Options: shapes (widths tuples; default: chosen per claim), samples (example
    counts for claims about N; default: chosen per claim), activation, convention (None:
    read from the document, else from-to), backend, timeout (seconds of wall clock; the
    claims not finished by then are unknown), claim_timeout (seconds per claim, default
    `budget.DEFAULT_CLAIM_SECONDS`; None: none); weight_layer, index_base, cost (None: read
    from the document). `progress`, if given, is called with the claims of each row as
    they are done."""
    limits = entry.arguments(options, kind)
    given = {k: options.pop(k, None) for k in _READING}
    convention = options.pop("convention", None)
    cells = None
    if kind == documents.NOTEBOOK:
        text, cells = documents.notebook_markdown(text)
    rows = documents.rows(text, kind)
    depth = notation.scalar_depth(" ".join(r.text for r in rows if not r.error))
    if depth is not None and not options.get("shapes"):
        options["shapes"] = [(1,) * (depth + 1)]       # one neuron per layer, as written
    first = Checker(make_options(convention=convention or "from-to", scalar=depth is not None,
                             **options))
    reading, first.opts = read_document(rows, text, given, convention, first.ctx, first.opts)
    found = _run(text, rows, first.opts, progress, reading, first.ctx, limits)
    if cells is not None:
        for c in found:
            c["cell"], c["line"] = documents.cell_of(c["line"], cells)
    return Claims(found, {
        "conventions": [{"what": w, "value": v, "line": ln, "latex": t}
                        for w, v, ln, t in reading.found],
        "inline": documents.inline_math(text, kind),
        "convention": first.opts.convention, "convention_open": bool(reading.open)})


def check_file(path, **options) -> Claims:
    """check_text of a file; Markdown, LaTeX, HTML or a notebook by its extension."""
    return check_text(documents.read(path), documents.kind_of(path), **options)


def check_claim(latex: str, progress=None, **options) -> Claims:
    """The claims of one equation given as text (A = B = C gives two). Text that is no
    claim at all is ill-formed here: it was given to be checked."""
    limits = entry.arguments(options)
    for k in _READING:
        options.pop(k, None)
    options["convention"] = options.get("convention") or "from-to"
    row = documents.Row(1, 0, latex, 0, "claim")
    claims = _run(latex, [row], make_options(**options), progress, limits=limits)
    for c in claims:
        if c["status"] == Status.SKIPPED and c["parsed"] is None and _garbled(latex):
            c["status"], c["reason"] = Status.ILL_FORMED, f"not an equation: {c['reason']}"
    return Claims(claims)


def _garbled(text: str) -> bool:
    """Text given as a claim that cannot be an equation: its brackets do not balance."""
    return any(text.count(a) != text.count(b) for a, b in ("{}", "()", "[]"))


def _checked_rows(text: str, rows, opts: Options, reading=None, ctx=None, limits=None,
                  send=None, start: int = 0, state=None, lost: int | None = None):
    """(row number, its claims, the state after it) for each row from `start` on, checked
    in order by one Checker (within `limits`, `budget`); each row is first rewritten into
    the notation the grammar reads (`notation`), with a map back. `state` is what a
    previous worker sent after its last row; `lost`, the row it was stopped in."""
    checker = _Budgeted(opts, ctx, limits or budget.Budget(), send)
    checker.reading = reading
    prev, last_display = None, None
    if state is not None:
        checker.declared, checker.unusable, prev, last_display = state
    if lost is not None:            # its last side is not known: nothing continues it
        prev, last_display, lost = None, rows[lost].display, rows[lost].line
    for n, row in enumerate(rows):
        if n < start:
            continue
        checker.row = n
        if row.error or row.unread:     # a row continuing it continues an unread row
            prev, last_display = UnreadSide(row.line), row.display
        if row.error:
            yield n, [_claim(row.line, "", None, Status.ILL_FORMED,
                             f"line {row.line}: {row.error}")], \
                (checker.declared, checker.unusable, prev, last_display)
            continue
        if row.unread:
            yield n, _marked([_unread(row.line, f"\\begin{{{row.unread}}}", None,
                             f"a display environment the checker does not read: "
                             f"{row.unread} (define it with \\newenvironment around "
                             f"equation in the file, or use equation or align)")], text, row), \
                (checker.declared, checker.unusable, prev, last_display)
            continue
        if row.display != last_display:
            prev, last_display, lost = None, row.display, None
        if row.skip:            # a numeric example (a matrix written out) is no claim
            shown = " ".join(row.text.split())[:200]
            claims = [_claim(row.line, shown, None, Status.SKIPPED, row.skip)
                      if row.skip.startswith("a matrix or array written out") else
                      _not_read_or_none(row.line, shown, None, row.skip, row.text)]
            prev = UnreadSide(row.line)
        elif lost is not None and row.continues:
            claims = [_claim(row.line, " ".join(row.text.split())[:200], None, Status.UNKNOWN,
                             f"continues the equation of line {lost}, which ran out of its "
                             "time budget")]
        else:
            lost = None
            origin = row.origin or range(len(row.text))
            written = documents.Mapped(row.text, list(origin))
            if reading is not None:                 # the document's own names (`binding`)
                written = reading.binding.apply(written)
            normal = notation.normalize(written, opts.scalar)
            locate = (lambda m, start: lambda pos: documents.locate(text, start + m.at(pos)))(
                normal, row.start)
            source = _source(text, row, normal)
            claims, prev = checker.check_row(normal.text, row.line, locate, prev, source)
            claims = _as_written(claims, text, row, normal.text)
        yield n, _marked(claims, text, row), (checker.declared, checker.unusable, prev, last_display)


# a line the user marks as not a claim: skipped whatever it holds (documented in docs/check.md)
# in a comment only (% not escaped, or <!-- -->): prose or \text that mentions it marks nothing
MARKER = re.compile(r"(?:(?<!\\)%|<!--)[^\n]*?backprop-sym\s*:\s*skip\b")


def _marked(claims: list[dict], text: str, row) -> list[dict]:
    """The claims of a row whose lines carry the marker `backprop-sym: skip` (in a comment:
    `% backprop-sym: skip`, `<!-- backprop-sym: skip -->`) are skipped, as not claims."""
    if row.start < 0 or not claims:
        return claims
    end = row.end if row.end is not None else row.start + len(row.text)
    first = text.rfind("\n", 0, row.start) + 1
    last = text.find("\n", end)
    if not MARKER.search(text[first:len(text) if last < 0 else last]):
        return claims
    kept = ("line", "column", "cell")
    return [{**_claim(c["line"], c["latex"], c["parsed"], Status.SKIPPED,
                      "marked as not a claim (backprop-sym: skip)"),
             **{k: c[k] for k in kept if k in c}, "marked": True} for c in claims]


def _source(text: str, row, normal):
    """(start, end) of the rewritten row `normal` -> the file's text of that span: from where
    its first character was typed to where the character after it was (a span ending in a
    macro's expansion ends after the macro's call)."""
    last = row.end if row.end is not None else row.start + len(row.text)

    def source(a: int, b: int) -> str:
        start = row.start + normal.at(a)
        end = last if b >= len(normal.text) else row.start + normal.at(b)
        if end <= start:
            end = row.start + normal.at(b - 1) + 1
        return text[start:end]
    return source


def _as_written(claims: list[dict], text: str, row, normal: str) -> list[dict]:
    """A claim that is its whole row shows the row as the file has it."""
    end = row.end if row.end is not None else row.start + len(row.text)
    written = " ".join(re.sub(r"(?<!\\)&|\\\\\s*$", " ", text[row.start:end]).split())
    for c in claims:
        if c["latex"] == " ".join(normal.split()):
            c["latex"] = written
    return claims


def _run(text: str, rows, opts: Options, progress, reading=None, ctx=None,
         limits: budget.Budget | None = None) -> list[dict]:
    """Check the rows in this process when there is no time limit; otherwise in a worker
    process, each claim within its budget and the run within its deadline (`budget`): a
    claim that runs out of its budget, and every row not reached, is unknown and says so."""
    rows = list(rows)
    limits = limits or budget.Budget(deadline=opts.deadline)
    fork = runner.fork_context() if limits.limited else None
    done: dict[int, list[dict]] = {}

    def receive(n, claims) -> None:
        done[n] = claims
        if progress:
            progress(claims)

    why: dict[int, str] = {}
    if fork is None:                # no limit, or no fork: the alarm only (main thread)
        with runner.alarm_handler(limits.limited and runner.can_signal()):
            for n, claims, _ in _checked_rows(text, rows, opts, reading, ctx, limits):
                receive(n, claims)
    else:
        def args(start, state, lost):
            return (text, rows, opts, reading, ctx, limits, start, state, lost)
        why = budget.run_rows(_worker, args, len(rows), limits, receive, fork)
    out = []
    for n, row in enumerate(rows):
        out += done[n] if n in done else [_claim(row.line, " ".join(text[row.start:row.start + len(
            row.text)].split()), None, Status.UNKNOWN, why.get(n) or limits.not_reached())]
    return out


def _worker(send, text, rows, opts, reading, ctx, limits, start, state, lost):
    """A worker's rows from `start` on (`budget.run_rows` says what it sends)."""
    send.send(("pid", os.getpid()))
    try:
        for n, claims, after in _checked_rows(text, rows, opts, reading, ctx, limits, send,
                                              start, state, lost):
            send.send(("row", n, claims, after))
    except Exception as err:        # raised again in the parent, as it would be here
        try:
            send.send(("error", err))
        except Exception:           # not picklable
            send.send(("error", RuntimeError(f"{type(err).__name__}: {err}")))


class _Budgeted(Checker):
    """A Checker whose every claim runs within its budget: the deadline its evaluation
    reads and an alarm (`runner.Timeout`); a claim stopped by either is unknown."""

    def __init__(self, opts: Options, ctx, limits: budget.Budget, send=None):
        super().__init__(opts, ctx)
        self.limits, self.send, self.row = limits, send, 0

    def check_claim(self, lhs, rhs, line: int, latex: str, condition=None) -> dict:
        if not self.limits.limited:
            return super().check_claim(lhs, rhs, line, latex, condition)
        if self.send is not None:
            self.send.send(("claim", self.row))
        now = time.monotonic()
        deadline, own = self.limits.claim_deadline(now)
        if deadline is not None and not own and now >= deadline:
            return _claim(line, latex, None, Status.UNKNOWN, self.limits.not_reached())
        whole = self.opts
        self.opts = replace(whole, deadline=deadline)
        try:
            with runner.alarm(deadline):
                claim = super().check_claim(lhs, rhs, line, latex, condition)
        except runner.Timeout:
            claim = _claim(line, latex, None, Status.UNKNOWN,
                           self.limits.over_claim() if own else self.limits.run_out())
        finally:
            self.opts = whole
        if claim["status"] == Status.UNKNOWN and claim["reason"]:
            claim["reason"] = self.limits.explain(claim["reason"], own)
        return claim
