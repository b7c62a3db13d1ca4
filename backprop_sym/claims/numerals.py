"""Numbers side by side, read as TeX prints them, and the factor of a product they sit in.

`1 2`, `{1}{2}` and `1\\,000` print as one number; digits beside digits any other way, or
beside a fraction of numbers, are refused with the reason (`numbers`). `Item` is one factor
of a product as parse.py builds it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from .errors import ParseError
from .tree import Div, Node, Num


@dataclass
class Item:
    """One factor of a product, with the operator before it ("" for juxtaposition) and
    where its unit stands in the text."""
    op: str
    node: Node
    start: int
    end: int

    def text(self, text: str) -> str:
        return text[self.start:self.end].strip()


_NUMERAL = re.compile(r"(?:[0-9.{}\s]|\\[,!])*[0-9](?:[0-9.{}\s]|\\[,!])*")
_THIN = re.compile(r"(?:\s|\\[,!])*")          # what TeX prints as no gap, or a thin one


def numbers(items: list, text: str) -> list:
    """Numbers side by side read as TeX prints them: `1 2`, `{1}{2}`, `1\\,000` are one
    number; digits beside digits any other way (`1\\;2`, `1 2^2`) or beside a fraction
    of numbers (`1\\frac12`, a mixed number or a product?) are refused."""
    out: list = []
    for item in items:
        prev = out[-1] if out and isinstance(out[-1], Item) else None
        if not isinstance(item, Item) or prev is None or item.op:
            out.append(item)
            continue
        a, b = prev.text(text), item.text(text)
        a_num = isinstance(prev.node, Num) and _NUMERAL.fullmatch(a)
        b_digit = re.match(r"[{\s]*[0-9]", b)
        if a_num and isinstance(item.node, Num) and _NUMERAL.fullmatch(b):
            gap = text[prev.end:item.start]
            if not _THIN.fullmatch(gap):
                raise ParseError(f"two numbers with a space between ('{a}{gap}{b}'): TeX prints "
                                 f"neither one number nor a product; write {a}{b} or "
                                 f"{a} \\cdot {b}", item.start)
            digits = re.sub(r"[^0-9.]", "", text[prev.start:item.end])
            if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", digits):
                raise ParseError(f"'{text[prev.start:item.end].strip()}' is not a number",
                                 prev.start)
            out[-1] = Item(prev.op, Num(Fraction(digits)), prev.start, item.end)
        elif a_num and b_digit:
            raise ParseError(f"a number right after a number ('{a} {b}' prints as one number "
                             f"{a}{b}); write the number whole, or {a} \\cdot {b}", item.start)
        elif (a_num and _numeric_fraction(item.node)) or (_numeric_fraction(prev.node)
                                                          and b_digit):
            raise ParseError(f"a number beside a fraction of numbers ('{a} {b}') reads as a "
                             f"mixed number or as a product; write + or \\cdot between them",
                             item.start)
        else:
            out.append(item)
    return out


def _numeric_fraction(node: Node) -> bool:
    return isinstance(node, Div) and isinstance(node.a, Num) and isinstance(node.b, Num)
