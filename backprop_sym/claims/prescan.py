"""Before a claim is parsed: is the text one the checker reads at all, and small enough?

`prescan` raises UnsupportedNotation for text that is not a claim the checker reads
(prose, \\dots, an inequality, a command it does not know, no relation at all);
`check_size` raises ParseError for an equation too long or nested too deep to read, and
`prescan` for a per-layer activation applied to another layer's z.
"""
from __future__ import annotations

import re

from .errors import ParseError, UnsupportedNotation
from .relations import has_relation, masked

DOTS = ("dots", "cdots", "ldots", "vdots", "ddots", "dotsc", "dotsb", "dotsm")
NOT_EQUALITIES = ("neq", "ne", "le", "leq", "ge", "geq", "approx", "propto", "sim", "simeq",
             "in", "to", "rightarrow", "Rightarrow", "implies", "iff", "leftarrow", "mapsto",
             "ll", "gg", "cong", "subset", "subseteq", "forall", "exists")
PROSE = ("text", "mbox", "textrm", "textit", "textbf", "hspace", "intertext")
KNOWN = {"Delta", "delta", "sum", "frac", "dfrac", "tfrac", "partial", "sigma", "prime", "top",
         "intercal", "odot", "circ", "cdot", "times", "mathcal", "exp", "log", "ln", "tanh",
         "ell", "quad", "qquad", "displaystyle", "textstyle",
         "limits", "nolimits", "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr",
         "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr"}
COMMAND = re.compile(r"\\([a-zA-Z]+)")

MAX_LENGTH = 3000      # characters in one equation
MAX_NESTING = 60       # brackets inside one another
MAX_DEPTH = 100        # levels of the tree read: brackets, fractions, sums, factors


def check_size(text: str) -> None:
    """ParseError for an equation longer than MAX_LENGTH characters or with brackets
    nested deeper than MAX_NESTING: the checker reads neither (it would run out of time,
    memory or stack)."""
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the equation is {len(text)} characters long; the checker reads at "
                         f"most {MAX_LENGTH} characters in one equation", MAX_LENGTH)
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise ParseError(f"brackets nested more than {MAX_NESTING} deep; the checker "
                                 f"reads at most {MAX_NESTING} levels", i)
        elif ch in ")]}":
            depth -= 1


def is_equation(text: str) -> bool:
    try:
        prescan(text)
    except UnsupportedNotation:
        return False
    return True


def prescan(text: str) -> None:
    """Raise UnsupportedNotation for text the checker does not read as a claim."""
    text = masked(text)                 # a relation is read whichever way it is spelled
    if "..." in text or "…" in text:
        raise UnsupportedNotation("a step with ..., not a claim about specific quantities", text.find("."))
    for m in COMMAND.finditer(text):
        name = m.group(1)
        if name in DOTS:
            raise UnsupportedNotation(f"a step with \\{name}, not a claim about specific quantities",
                              m.start())
        if name == "in":
            raise UnsupportedNotation("uses \\in (as in \\sum_{x \\in X}), which the checker does not "
                              "read: write \\sum_x for the sum over the examples", m.start())
        if name in NOT_EQUALITIES:
            raise UnsupportedNotation(f"not an equality (uses \\{name})", m.start())
        if name == "unbound":           # `binding`: a name the definitions leave open
            sym = re.match(r"\\unbound\{([^{}]*)\}", text[m.start():])
            shown = sym.group(1) if sym else "a symbol"
            raise UnsupportedNotation(f"uses {shown}, which the document's definitions bind two "
                                      "ways or to a cost the checker does not have (see the "
                                      "notation read from the document)", m.start())
        if name in PROSE:
            raise UnsupportedNotation(f"contains prose (\\{name})", m.start())
        if name not in KNOWN:
            named = re.match(r"\\operatorname\*?\s*\{[^{}]*\}", text[m.start():])
            shown = " ".join(named.group(0).split()) if named else f"\\{name}"
            raise UnsupportedNotation(f"uses {shown}, which the checker does not read", m.start())
    _per_layer_activation(text)
    euler = re.search(r"(?<![\\a-zA-Z])e\s*\(", text)
    if euler:
        raise UnsupportedNotation("e(…) is a function the document names (as in e(n) = y(n) - d(n)), "
                          "not Euler's number", euler.start())
    inequality = re.search(r"[<>≤≥≈≠∝]", text)
    if inequality:
        raise UnsupportedNotation(f"not an equality (uses {inequality.group(0)})", inequality.start())
    if not has_relation(text):
        raise UnsupportedNotation("no '=' in it: not a claim", 0)


# a per-layer activation left as written by `notation` (its layer mark is not its argument's)
_LAYER_ACT = re.compile(r"(?P<fn>\\sigma|\\varphi|\\phi|(?<![\\a-zA-Z])[fg])\s*\^\s*\{\s*[\(\[]?\s*"
                        r"(?P<layer>[a-zA-Z0-9+\- ]+?)\s*[\)\]]?\s*\}\s*'*\s*(?:\\left\s*)?\(\s*"
                        r"(?P<arg>[zZ]\s*(?:_\s*(?:\{[^{}]*\}|\w)\s*)?\^\s*\{\s*[\(\[]?\s*"
                        r"(?P<of>[a-zA-Z0-9+\- ]+?)\s*[\)\]]?\s*\})?")


def _per_layer_activation(text: str) -> None:
    """A per-layer activation g^{(l)} applied to z of another layer is ill-formed (ParseError);
    applied to anything but a z of a layer, it is not read (UnsupportedNotation)."""
    m = _LAYER_ACT.search(text)
    if m is None:
        return
    fn, layer = m.group("fn"), " ".join(m.group("layer").split())
    if m.group("of") is not None:
        raise ParseError(f"{fn}^{{({layer})}}, the activation of layer {layer}, is applied to "
                         f"z of layer {' '.join(m.group('of').split())}: a per-layer activation "
                         "takes the pre-activation of its own layer", m.start())
    raise UnsupportedNotation(f"a per-layer activation {fn}^{{({layer})}} applied to something "
                              f"other than z^{{({layer})}}, which the checker does not read",
                              m.start())
