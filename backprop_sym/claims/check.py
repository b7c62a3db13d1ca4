"""What a claim means, and its verdict against direct differentiation.

A claim `LHS = RHS` (from `parse`) is a statement about every valid instance of its free
indices: the layer letters (l; L is the last layer) range over the layers where every
quantity they mention exists, the neuron indices over the width of the layer they index,
read off where they appear (a summation index too, unless the sum gives its bounds). An
instance is evaluated at each shape with the verification engine (`verify.Engine`): z, a,
f'(z) and Δ come from its canonical atom forms, Δ and every ∂ by direct differentiation of
the per-example cost C = ½‖a^L − y‖². A claim that speaks of the examples (𝒞, the average
cost; N; Σ_x) is evaluated with N = 2 and with N = 3 examples.

Verdicts, one per claim:
  proved      every instance at every shape: lhs − rhs expands to exactly 0;
  refuted     an instance where a witness (exact values; a concrete f) separates the sides;
  ill-formed  it cannot mean anything: a free index on one side only, a summation index
              absent from its summand, an index out of its layer's range (an index that
              ranges over two different widths, a weight that does not exist), a product
              of mismatched shapes, an undefined layer; or it could not be read;
  skipped     not a claim about these quantities (prose, \\dots, an inequality, an
              activation declaration such as f(z) = z, which applies from its line on);
  unknown     none of these (no witness found).
A claim that is not proved gets a hint when a common repair makes every instance prove:
a transposed weight, f for f' (or f' for f), a neighbouring layer, swapped indices, a
flipped sign, a missing factor f'(z), the other index convention.

The parts: `form` (the structure of a claim), `evaluate` (its value at every
instance; verdicts), `hints` (repairs), `activation` (statements about the
activation alone). This module checks documents claim by claim, summarizes and formats the
results, and re-exports the names of the parts.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..engine import activations

from . import documents
from .activation import (_about_activation_only, _activation_statement,
                          _check_activation_statement, _dummy_x, declared_activation)
from .evaluate import (DEFAULT_SHAPES, ILL, PROVED, REFUTED, SKIPPED, UNKNOWN, Context,
                       Options, _shape_text, evaluate)
from .form import IllFormed, Skip, analyze
from .hints import hints
from .parse import ParseError, Unsupported, parse, show, split_condition

# the names of the parts, importable from here as before
from .evaluate import (EXAMPLE_COUNTS, LAYER_RANGE, Evaluator, Outcome,  # noqa: F401
                       direct_diff)
from .form import EXAMPLES, Form  # noqa: F401
from .hints import repairs  # noqa: F401

SCHEMA_VERSION = 1


# ---------------------------------------------------------------- documents

def _claim(line, latex, parsed, status, reason, hint=None, wit=None) -> dict:
    return {"line": line, "latex": latex, "parsed": parsed, "status": status, "reason": reason,
            "hint": hint, "witness": wit}


class Checker:
    """Checks the equations of one document in order (an activation declaration applies
    from its line on)."""

    def __init__(self, opts: Options, ctx: Context | None = None):
        self.opts = opts
        self.ctx = ctx or Context(opts.backend)
        self.declared: tuple[str, int] | None = None
        self.reading = None         # conventions.Reading: the document's own conventions

    def check_row(self, text: str, line: int, locate, prev_side=None) -> tuple[list[dict], object]:
        """The claims of one equation (or align row). `locate(pos)` -> (line, column) of a
        position in `text`; `prev_side` is the last side of the previous row, as
        (node, latex), for a row that starts with `=`. Returns (claims, last side)."""
        try:
            segments, condition = split_condition(text)
        except ParseError as err:
            ln, col = locate(err.pos)
            return [_claim(line, " ".join(text.split())[:200], None, ILL,
                           f"could not read it: line {ln}, column {col}: {err.message}")], None
        out = []
        for k, (s0, s1) in enumerate(segments):
            cond = condition if k == len(segments) - 1 else None
            claims, prev_side = self._segment(text[s0:s1], s0, line, locate, prev_side, cond)
            out += claims
        return out, prev_side

    def _segment(self, body, offset, line, locate, prev_side, condition):
        written = " ".join(body.split()).rstrip(",;. ")
        try:
            rel = parse(body)
        except Unsupported as err:
            return [_claim(line, written, None, SKIPPED, err.reason)], prev_side
        except ParseError as err:
            ln, col = locate(offset + err.pos)
            return [_claim(line, written, None, ILL,
                           f"could not read it: line {ln}, column {col}: {err.message}")], \
                prev_side             # a chain of &= rows goes on past it
        sides = [(s.node, " ".join(body[s.start:s.end].split())) if s else None
                 for s in rel.sides]
        if sides[0] is None:
            if prev_side is None:
                return [_claim(line, written, None, ILL,
                               "starts with '=' but there is no previous line to continue")], None
            sides[0] = prev_side
        out = []
        for (lnode, ltext), (rnode, rtext) in zip(sides, sides[1:]):
            latex = f"{ltext} = {rtext}" if len(sides) > 2 or rel.sides[0] is None else written
            out.append(self.check_claim(lnode, rnode, line, latex, condition))
        return out, sides[-1]

    def check_claim(self, lhs, rhs, line: int, latex: str, condition=None) -> dict:
        """The verdict of lhs = rhs; `condition` (a parse.Condition) narrows its instances."""
        if self.reading is not None:
            lhs, rhs = self.reading(lhs), self.reading(rhs)
        parsed = show((lhs, rhs))
        note = f" (where {condition.text})" if condition else ""
        opts = self.opts
        if self.declared:
            opts = replace(opts, activation=self.declared[0])
            note += f" [f = {self.declared[0]}, as declared on line {self.declared[1]}]"
        if _about_activation_only(lhs, rhs):
            lhs, rhs = _dummy_x(lhs), _dummy_x(rhs)
        if _activation_statement(lhs, rhs):
            if condition:
                return _claim(line, latex, parsed, ILL, "a condition on a statement about the "
                              f"activation ({condition.text}) is not read")
            try:
                return self._activation(lhs, rhs, line, latex, parsed, opts, note)
            except IllFormed as err:
                return _claim(line, latex, parsed, ILL, str(err))
        try:
            form = analyze(lhs, rhs)
        except Skip as err:
            return _claim(line, latex, parsed, SKIPPED, str(err))
        except IllFormed as err:
            return _claim(line, latex, parsed, ILL, str(err))
        if condition:
            unused = sorted(condition.letters() - set(form.free) - set(form.layers))
            if unused:
                return _claim(line, latex, parsed, ILL,
                              f"the condition '{condition.text}' names {', '.join(unused)}, "
                              f"which the claim does not use as a layer or an index")
            form.where = condition
        out = evaluate(form, self.ctx, opts, seed=_seed(parsed))
        hint = None
        if out.status in (REFUTED, ILL):
            found = hints(lhs, rhs, self.ctx, opts)
            hint = "; ".join(found) if found else None
        return _claim(line, latex, parsed, out.status, out.reason + note, hint, out.witness)

    def _activation(self, lhs, rhs, line, latex, parsed, opts, note) -> dict:
        """A statement about the activation alone: a declaration, or checked by itself."""
        name = declared_activation(lhs, rhs)
        if name == "?":
            return _claim(line, latex, parsed, SKIPPED,
                          "declares an activation the checker does not know "
                          f"(known: {', '.join(activations.names())})")
        if name:
            self.declared = (name, line)
            act = activations.get(name)
            return _claim(line, latex, parsed, SKIPPED,
                          f"declares the activation: {name} ({act.formula}); the claims "
                          f"from line {line} on are checked with it")
        try:
            status, reason, wit = _check_activation_statement(lhs, rhs, opts.activation)
        except Skip as err:
            return _claim(line, latex, parsed, SKIPPED, str(err))
        except IllFormed as err:
            return _claim(line, latex, parsed, ILL, str(err))
        return _claim(line, latex, parsed, status, reason + note, None, wit)


def _seed(text: str) -> int:
    h = 0
    for ch in text:
        h = (h * 131 + ord(ch)) % (2 ** 61 - 1)
    return h


def _options(shapes=None, activation="f", convention="from-to", backend=None) -> Options:
    shapes = tuple(tuple(s) for s in (shapes or DEFAULT_SHAPES))
    return Options(shapes, activation, convention, backend)


class Claims(list):
    """The claims of a document, and what was found but not checked: `notes` (display
    environments not read, inline math only, conventions read from the document)."""
    notes: dict

    def __init__(self, items=(), notes=None):
        super().__init__(items)
        self.notes = notes or {}


_READING = ("weight_layer", "index_base", "cost")


def check_text(text: str, kind: str = documents.MARKDOWN, **options) -> list[dict]:
    """Every claim of every display equation of a Markdown, LaTeX, HTML or notebook text,
    in order. Options: shapes (widths tuples), activation, convention (None: read from
    the document, else from-to), backend; weight_layer, index_base, cost (None: read from
    the document)."""
    from . import notation
    from .conventions import infer
    given = {k: options.pop(k, None) for k in _READING}
    convention = options.pop("convention", None)
    checker = Checker(_options(convention=convention or "from-to", **options))
    cells = None
    if kind == documents.NOTEBOOK:
        text, cells = documents.notebook_markdown(text)
    out, prev = Claims(), None
    last_display = None
    rows = documents.rows(text, kind)
    checker.reading = _reading(checker, rows, text, given, convention)
    out.notes["conventions"] = [
        {"what": w, "value": v, "line": ln, "latex": t} for w, v, ln, t in checker.reading.found]
    out.notes["inline"] = documents.inline_math(text, kind)
    out.notes["convention"] = checker.opts.convention
    for row in rows:
        if row.error:
            out.append(_claim(row.line, "", None, ILL, f"line {row.line}: {row.error}"))
            continue
        if row.unread:
            out.append(_claim(row.line, f"\\begin{{{row.unread}}}", None, SKIPPED,
                              f"a display environment the checker does not read: "
                              f"{row.unread} (define it with \\newenvironment around "
                              f"equation in the file, or use equation or align)"))
            continue
        if row.display != last_display:
            prev, last_display = None, row.display
        if row.skip:
            out.append(_claim(row.line, " ".join(row.text.split())[:200], None, SKIPPED,
                              row.skip))
            continue
        origin = row.origin or range(len(row.text))
        normal = notation.normalize(documents.Mapped(row.text, list(origin)))
        locate = (lambda m: lambda pos: documents.locate(text, row.start + m.at(pos)))(normal)
        claims, prev = checker.check_row(normal.text, row.line, locate, prev)
        end = row.end if row.end is not None else row.start + len(row.text)
        written = " ".join(re.sub(r"(?<!\\)&|\\\\\s*$", " ", text[row.start:end]).split())
        for c in claims:
            if c["latex"] == " ".join(normal.text.split()):
                c["latex"] = written
        out += claims
    if cells is not None:
        for c in out:
            c["cell"], c["line"] = documents.cell_of(c["line"], cells)
    return out


def _garbled(text: str) -> bool:
    """Text given as a claim that cannot be an equation: its brackets do not balance."""
    return any(text.count(a) != text.count(b) for a, b in ("{}", "()", "[]"))


def _reading(checker: Checker, rows, text, given: dict, convention):
    """The document's conventions, read from its definitions; options override."""
    from . import notation
    from .conventions import Reading, infer, proves
    claims = []
    for row in rows:
        if row.error or row.unread or row.skip:
            continue
        normal = notation.normalize(row.text)
        try:
            segments, _ = split_condition(normal.text)
            for a, b in segments:
                rel = parse(normal.text[a:b])
                for lhs, rhs in rel.claims():
                    claims.append((row.line, " ".join(text[row.start:row.start + len(row.text)]
                                                      .split()), lhs, rhs))
        except (ParseError, Unsupported):
            continue
    reading = infer(claims, lambda lhs, rhs, c: proves(lhs, rhs, c, checker.ctx, checker.opts)) \
        if claims else Reading()
    found = [f for f in reading.found
             if not (f[0] == "convention" and convention)
             and not (f[0] == "weight layer" and given["weight_layer"] is not None)
             and not (f[0] == "index base" and given["index_base"] is not None)
             and not (f[0] == "cost" and given["cost"] is not None)]
    if convention is None:
        checker.opts = replace(checker.opts, convention=reading.convention)
    if given["weight_layer"] is not None:
        reading.offset = int(given["weight_layer"])
    if given["index_base"] is not None:
        reading.base = int(given["index_base"])
    if given["cost"] is not None:
        reading.average = given["cost"] == "average"
    reading.found = tuple(found)
    return reading


def check_file(path, **options) -> list[dict]:
    """check_text of a file; Markdown, LaTeX, HTML or a notebook by its extension."""
    return check_text(documents.read(path), documents.kind_of(path), **options)


def check_claim(latex: str, **options) -> list[dict]:
    """The claims of one equation given as text (A = B = C gives two). Text that is no
    claim at all is ill-formed here: it was given to be checked."""
    from . import notation
    for k in _READING:
        options.pop(k, None)
    options["convention"] = options.get("convention") or "from-to"
    checker = Checker(_options(**options))
    normal = notation.normalize(latex)
    claims, _ = checker.check_row(normal.text, 1,
                                  lambda pos: documents.locate(latex, normal.at(pos)))
    for c in claims:
        if c["latex"] == " ".join(normal.text.split()):
            c["latex"] = " ".join(latex.split())
        if c["status"] == SKIPPED and c["parsed"] is None and _garbled(normal.text):
            c["status"], c["reason"] = ILL, f"not an equation: {c['reason']}"
    return claims


# ---------------------------------------------------------------- summary and output

EMPTY = "empty"         # nothing was checked: no claim, or every one skipped
ORDER = (REFUTED, ILL, UNKNOWN, PROVED)
EXIT = {PROVED: 0, REFUTED: 1, ILL: 1, UNKNOWN: 3, EMPTY: 5}


def overall(claims: list[dict]) -> str:
    for status in ORDER[:-1]:
        if any(c["status"] == status for c in claims):
            return status
    return PROVED if any(c["status"] == PROVED for c in claims) else EMPTY


def empty_reason(claims: list[dict]) -> str:
    """Why nothing was checked, in a few words."""
    notes = getattr(claims, "notes", {})
    unread = [c["latex"][len("\\begin{"):-1] for c in claims
              if c["status"] == SKIPPED and c["parsed"] is None and
              c["reason"].startswith("a display environment the checker does not read")]
    if unread:
        names = ", ".join(dict.fromkeys(unread))
        return f"{len(unread)} display environment(s) not read: {names}"
    if claims:
        return f"every one of the {len(claims)} equation(s) was skipped"
    if notes.get("inline"):
        return f"only inline math found ({notes['inline']} formula(s)); display equations " \
               f"($$ … $$, \\[ … \\], equation, align) are the claims checked"
    return "no display equation found"


def counts(claims: list[dict]) -> dict:
    return {s: sum(c["status"] == s for c in claims) for s in (PROVED, REFUTED, ILL, UNKNOWN,
                                                             SKIPPED)}


def document(file, claims: list[dict], opts: Options, seconds: float | None = None) -> dict:
    """The JSON document of a check."""
    doc = {"schema_version": SCHEMA_VERSION, "file": None if file is None else str(file),
           "status": overall(claims), "counts": counts(claims),
           "shapes": [list(s) for s in opts.shapes], "activation": opts.activation,
           "convention": opts.convention, "claims": claims}
    if seconds is not None:
        doc["seconds"] = round(seconds, 3)
    notes = getattr(claims, "notes", {})
    if notes.get("conventions"):
        doc["read_from_document"] = notes["conventions"]
    if doc["status"] == EMPTY:
        doc["empty_reason"] = empty_reason(claims)
    return doc


def witness_text(w: dict | None) -> str:
    if not w:
        return ""
    vals = ", ".join(f"{k}={v}" for k, v in w.get("values", {}).items())
    f = f"{w['f']}; " if "f" in w else ""
    return f"{f}left={w['left']}, right={w['right']} at {vals}"


STYLE = {PROVED: "green", REFUTED: "red", ILL: "red", UNKNOWN: "yellow", SKIPPED: "blue",
         EMPTY: "yellow"}


def format_text(doc: dict, color: bool = False) -> str:
    """The terminal report: every equation with its line, as written, as read, the verdict,
    the reason, the witness and the hint; then a summary line."""
    def paint(text, status):
        if not color:
            return text
        import click
        return click.style(text, fg=STYLE.get(status), bold=status in (REFUTED, ILL))

    shapes = " and ".join(_shape_text(s) for s in doc["shapes"])
    lines = [f"backprop-sym check {doc['file'] or '--claim'}: shapes {shapes}, activation "
             f"{doc['activation']}, {doc['convention']}", ""]
    for f in doc.get("read_from_document", []):
        lines.append(f"read from line {f['line']}: {f['what']} {f['value']} ({f['latex']})")
    if doc.get("read_from_document"):
        lines.append("")
    for c in doc["claims"]:
        where = f"cell {c['cell']}, line {c['line']}" if c.get("cell") else f"line {c['line']}"
        lines.append(f"{where}: " + paint(c["status"], c["status"]))
        lines.append(f"  written: {c['latex']}")
        if c["parsed"]:
            lines.append(f"  read as: {c['parsed']}")
        lines.append(f"  why:     {c['reason']}")
        if c["witness"]:
            lines.append(f"  witness: {witness_text(c['witness'])}")
        if c["hint"]:
            lines.append("  hint:    " + paint(c["hint"], PROVED))
        lines.append("")
    n = doc["counts"]
    total = len(doc["claims"])
    summary = (f"{doc['status']}: {total} claim(s): {n[PROVED]} proved, {n[REFUTED]} refuted, "
               f"{n[ILL]} ill-formed, {n[UNKNOWN]} unknown, {n[SKIPPED]} skipped")
    if "seconds" in doc:
        summary += f" ({doc['seconds']:.1f} s)"
    if doc["status"] == EMPTY:
        summary += f"; nothing was checked: {doc.get('empty_reason', 'no claim')}"
    lines.append(paint(summary, doc["status"]))
    return "\n".join(lines)
