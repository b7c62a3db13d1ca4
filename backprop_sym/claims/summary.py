"""The result of checking a document: its claims (`Claim`, `Claims`), the verdict of the
whole (`overall`: a claim not read is never proved), and its JSON document (`document`)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..engine.vocabulary import Status, worst
from ..engine.vocabulary import counts as count_statuses
from ..engine.witness import Witness
from ..engine.witness import text as witness_text
from ..schemas import VERSION as SCHEMA_VERSION

NOT_READ = "not read: "         # the reason of an equation the reader could not read


class Claim(Mapping):
    """One checked claim: a read-only mapping of its JSON fields (line, latex, parsed,
    status, reason, hint, witness, scope; cell in a notebook), also read as attributes.
    True only when proved. `to_json()` gives the plain dict."""

    def __init__(self, fields: Mapping):
        self._fields = dict(fields)

    def __getitem__(self, key):
        return self._fields[key]

    def __iter__(self):
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __bool__(self) -> bool:
        return self._fields["status"] == Status.PROVED

    def __repr__(self) -> str:
        return f"Claim({self._fields!r})"

    line = property(lambda self: int(self["line"]))
    latex = property(lambda self: str(self["latex"]))
    parsed = property(lambda self: self["parsed"])
    status = property(lambda self: str(self["status"]))
    reason = property(lambda self: self["reason"])
    hint = property(lambda self: self["hint"])
    # the JSON field, read back as the engine's Witness (a reason alone stays as written)
    witness = property(lambda self: Witness.from_json(self["witness"]) or self["witness"])
    scope = property(lambda self: self["scope"])

    def to_json(self) -> dict:
        fields = dict(self._fields)
        if fields.get("witness") is not None and hasattr(fields["witness"], "to_json"):
            fields["witness"] = fields["witness"].to_json()
        return fields


class Claims(Sequence):
    """The claims of a document, in order, and what was found but not checked: `notes`
    (display environments not read, inline math only, conventions read from the document).
    True only when every claim checked is proved and at least one was (exit status 0);
    `len()` counts them. `to_json()` gives the list of plain dicts."""

    def __init__(self, items=(), notes=None):
        self._items = [c if isinstance(c, Claim) else Claim(c) for c in items]
        self.notes: dict = notes or {}

    def __getitem__(self, i):
        return self._items[i]

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return overall(self) == Status.PROVED

    def __repr__(self) -> str:
        return f"<Claims {overall(self)}: {counts(self)}>"

    @property
    def status(self) -> str:
        return overall(self)

    @property
    def counts(self) -> dict:
        return counts(self)

    def to_json(self) -> list:
        return [c.to_json() for c in self._items]

    def _repr_markdown_(self) -> str:
        """In a notebook: the claims as a table, the equations typeset ($…$)."""
        return table(self, html=False)

    def _repr_html_(self) -> str:
        """In a notebook: the claims as an HTML table, the equations typeset (\\(…\\))."""
        return table(self, html=True)


def table(claims: Sequence[Mapping], html: bool) -> str:
    """The claims as a table (place, verdict, the equation as written, why, witness or
    hint), with the summary line; Markdown or HTML, the equations in math delimiters."""
    import html as h

    def cell(text: str) -> str:
        text = " ".join(str(text).split())
        return h.escape(text) if html else text.replace("|", "\\|")

    def math(latex: str) -> str:
        latex = " ".join(latex.split())
        return f"\\({h.escape(latex)}\\)" if html else "$" + latex.replace("|", "\\vert ") + "$"

    rows = []
    for c in claims:
        where = f"cell {c['cell']}, line {c['line']}" if c.get("cell") else f"line {c['line']}"
        more = c.get("hint") or ""
        w = c.get("witness")
        if w:
            w = w.to_json() if hasattr(w, "to_json") else w
            more = f"witness: {witness_text(w)}" + (f"; hint: {more}" if more else "")
        rows.append((where, str(c["status"]), math(c["latex"]) if c["latex"] else "",
                     cell(c.get("reason") or ""), cell(more)))
    n = counts(claims)
    lines = unread_lines(claims)
    summary = (f"{overall(claims)}: {len(claims)} claim(s): " +
               ", ".join(f"{v} {k}" for k, v in n.items()) +
               (f"; {len(lines)} line(s) not read: {', '.join(map(str, lines))}" if lines else ""))
    head = ("where", "verdict", "equation", "why", "witness / hint")
    if html:
        th = "".join(f"<th>{x}</th>" for x in head)
        body = "".join("<tr>" + "".join(f"<td>{x}</td>" for x in r) + "</tr>" for r in rows)
        return (f"<p><b>{h.escape(summary)}</b></p><table><thead><tr>{th}</tr></thead>"
                f"<tbody>{body}</tbody></table>")
    out = [f"**{summary}**", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


# ---------------------------------------------------------------- summary and output

# the statuses a claim can have, in the order `counts` lists them
CLAIM_STATUSES = (Status.PROVED, Status.REFUTED, Status.ILL_FORMED, Status.UNKNOWN,
                  Status.SKIPPED)

def overall(claims: Sequence[Mapping]) -> Status:
    """The status of a document: the worst of its claims' (vocabulary.worst; a claim not
    read is unknown, so it is never proved); Status.EMPTY when none was read and checked."""
    if all(c["status"] == Status.SKIPPED or c.get("unread") for c in claims):
        return Status.EMPTY
    return worst(c["status"] for c in claims)


def unread_lines(claims: Sequence[Mapping]) -> list[int]:
    """The lines of the claims not read (each once, in order)."""
    return list(dict.fromkeys(c["line"] for c in claims if c.get("unread")))


def empty_reason(claims: Sequence[Mapping]) -> str:
    """Why nothing was checked, in a few words."""
    notes = getattr(claims, "notes", {})
    unread = [c["latex"][len("\\begin{"):-1] for c in claims
              if c.get("unread") and c["parsed"] is None and
              c["reason"].startswith(NOT_READ + "a display environment the checker does not read")]
    if unread:
        names = ", ".join(dict.fromkeys(unread))
        return f"{len(unread)} display environment(s) not read: {names}"
    lines = unread_lines(claims)
    if lines:
        return (f"{sum(bool(c.get('unread')) for c in claims)} equation(s) not read (line(s) "
                f"{', '.join(map(str, lines))}) and none checked")
    if len(claims):
        return f"every one of the {len(claims)} equation(s) was skipped"
    if notes.get("inline"):
        return f"only inline math found ({notes['inline']} formula(s)); display equations " \
               f"($$ … $$, \\[ … \\], equation, align) are the claims checked"
    return "no display equation found"


def counts(claims: Sequence[Mapping]) -> dict:
    """{status: how many claims have it}, for the statuses a claim can have."""
    return count_statuses((c["status"] for c in claims), CLAIM_STATUSES)


def union_scope(claims: Sequence[Mapping]) -> dict:
    """Every shape and example count any claim was checked at, in order of first use."""
    shapes, samples = [], []
    for c in claims:
        sc = c.get("scope") or {}
        shapes += [s for s in sc.get("shapes", []) if s not in shapes]
        samples += [n for n in sc.get("samples") or [] if n not in samples]
    return {"shapes": shapes, "samples": sorted(samples) or None}


def document(file, claims: Sequence[Mapping], opts,
             seconds: float | None = None) -> dict:
    """The JSON document of a check. `shapes`/`samples`: as given (None: chosen per claim);
    `scope`: every shape and example count used, over all claims."""
    doc: dict[str, Any] = {
           "schema_version": SCHEMA_VERSION, "file": None if file is None else str(file),
           "status": overall(claims), "counts": counts(claims),
           "shapes": [list(s) for s in opts.shapes] if opts.shapes else None,
           "samples": list(opts.samples) if opts.samples else None,
           "scope": union_scope(claims), "activation": opts.activation,
           "convention": opts.convention, "claims": [dict(c) for c in claims]}
    if seconds is not None:
        doc["seconds"] = round(seconds, 3)
    notes = getattr(claims, "notes", {})
    if notes.get("conventions"):
        doc["read_from_document"] = notes["conventions"]
    if notes.get("convention_open"):
        doc["convention_open"] = True          # weight claims checked under both
    if doc["status"] == Status.EMPTY:
        doc["empty_reason"] = empty_reason(claims)
    lines = unread_lines(claims)
    if lines:           # equations not read: the document is not proved while they stay
        doc["unread"] = {"count": sum(bool(c.get("unread")) for c in claims), "lines": lines}
    return doc
