"""Text rewritten with a map back to where each character came from.

A rewrite (a macro expanded, a notation put into the form the grammar reads) changes the
length of the text; `Mapped.origin[i]` is the offset, in the text as written, of character
i of the rewritten text, so that an error found in the rewritten text is reported where
the author wrote it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Mapped:
    text: str
    origin: list[int]

    @classmethod
    def of(cls, text: str) -> "Mapped":
        return cls(text, list(range(len(text))))

    def at(self, pos: int) -> int:
        """The offset in the written text of position pos of this one."""
        if not self.origin:
            return 0
        return self.origin[min(max(pos, 0), len(self.origin) - 1)] + max(0, pos - len(self.origin) + 1)

    def edit(self, edits: list[tuple[int, int, str]]) -> "Mapped":
        """Replace each span (start, end) by its text; spans in order, not overlapping.
        The characters of a replacement map to the start of the span they replace."""
        out, origin, at = [], [], 0
        for s, e, new in edits:
            out.append(self.text[at:s])
            origin += self.origin[at:s]
            out.append(new)
            o = self.origin[s] if s < len(self.origin) else (self.origin[-1] + 1 if self.origin else 0)
            origin += [o] * len(new)
            at = e
        out.append(self.text[at:])
        origin += self.origin[at:]
        return Mapped("".join(out), origin)

    def sub(self, pattern: re.Pattern | str, repl) -> "Mapped":
        """re.sub with the map kept; repl is a string template or a function of the match
        (returning None to keep the match as it is)."""
        pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
        edits = []
        for m in pattern.finditer(self.text):
            new = repl(m) if callable(repl) else m.expand(repl)
            if new is not None and new != m.group(0):
                edits.append((m.start(), m.end(), new))
        return self.edit(edits) if edits else self


def matched(pattern: str, text: str) -> re.Match[str]:
    """re.match of pattern at the start of text; AttributeError when it does not match."""
    m = re.match(pattern, text)
    if m is None:
        raise AttributeError(f"no match of {pattern!r}")
    return m


def group_end(text: str, i: int) -> int | None:
    """text[i] is '{': the offset just past its matching '}', or None."""
    depth = 0
    j = i
    while j < len(text):
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return None


def argument(text: str, i: int) -> tuple[str, int] | None:
    """The TeX argument starting at text[i] (after spaces): a braced group (without its
    braces), a command, or one character; with the offset after it."""
    while i < len(text) and text[i] in " \t\n":
        i += 1
    if i >= len(text):
        return None
    if text[i] == "{":
        end = group_end(text, i)
        return None if end is None else (text[i + 1:end - 1], end)
    if text[i] == "\\":
        m = matched(r"\\(?:[a-zA-Z]+|.)", text[i:])
        return m.group(0), i + m.end()
    if text[i] in "}":
        return None
    return text[i], i + 1
