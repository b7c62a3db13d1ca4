"""Text with mathematics in it, as LaTeX: the reasons, hints and claim sources of a report.

The engine and the claim reader write their messages as plain text in which formulas are
written in the project's plain notation: `w^{l+1}_{kj}`, `f'(z^L_j)`, `∂a^l_j/∂z^l_j`,
`Δ^{l+1}_k`, `n_l`, `l=1`, `1..L`, and, quoted from a claim's source, `\\dots` or
`z,\\quad f'(z) = 1`. `prose` splits such a message into words and formulas: a formula
(a run of formula-like words and the operators and numbers between them) is set in math
mode when `math_ok` accepts it as TeX math that compiles, anything else is escaped text,
so no formula is ever printed half-escaped. `source_math` is a claim's LaTeX source in
math mode when it is such TeX math (None otherwise, for the caller to print it verbatim).

`math_ok` accepts only a safe subset of TeX math: letters, digits, ASCII operators and
delimiters, balanced braces and \\left/\\right, the commands of `COMMANDS` (with their
arguments), and no double super- or subscript.
"""
from __future__ import annotations

import re

from .latex import Tex, escape

# ---------------------------------------------------------------- TeX math we accept

_GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa "
          "lambda mu nu xi pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta "
          "Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split()
_SYMBOLS = ("partial nabla sum prod dots ldots cdots vdots ddots quad qquad cdot odot circ "
            "times otimes oplus le leq ge geq ne neq to mapsto equiv approx sim in notin "
            "leftarrow rightarrow Leftarrow Rightarrow iff implies "
            "infty prime top intercal ell exp log ln tanh sinh cosh sin cos max min lim mid "
            "colon langle rangle lVert rVert vert Vert bigl bigr Bigl Bigr big Big biggl biggr "
            "displaystyle textstyle limits nolimits forall exists cdotp ast star pm mp div "
            "setminus cup cap subset subseteq emptyset lfloor rfloor lceil rceil allowbreak").split()
NO_ARGUMENT = frozenset(_GREEK + _SYMBOLS)
ONE_ARGUMENT = frozenset("mathcal mathrm mathbf mathit mathsf mathtt mathbb boldsymbol "
                         "operatorname hat bar tilde vec dot ddot overline underline widehat "
                         "widetilde sqrt".split())
TWO_ARGUMENTS = frozenset("frac dfrac tfrac binom".split())
TEXT_ARGUMENT = frozenset("text textrm textit mbox".split())
COMMANDS = NO_ARGUMENT | ONE_ARGUMENT | TWO_ARGUMENTS | TEXT_ARGUMENT | {"left", "right"}
SPACES = frozenset(",;:! {}|")            # \, \; \: \! \<space> \{ \} \|
PLAIN = re.compile(r"[A-Za-z0-9 +\-=/()\[\]<>|,.;:!'*]")
TEXT_BODY = re.compile(r"[A-Za-z0-9 ,.;:()'\-]*")
DELIMITERS = frozenset("()[]|./")

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|.", re.S)


class _Bad(Exception):
    pass


def math_ok(source: str) -> bool:
    """Is `source` TeX math (in $...$) made only of what this module knows compiles?"""
    tokens = [t for t in _TOKEN.findall(source)]
    try:
        end = _sequence(tokens, 0, closing=None)
    except (_Bad, IndexError):
        return False
    return end == len(tokens)


def _sequence(tokens: list[str], i: int, closing: str | None) -> int:
    """Check atoms from tokens[i] up to `closing` ('}' or None for the end); return the
    index after it. Raises _Bad on anything not accepted."""
    sup = sub = prime = False         # scripts of the current atom
    lefts = 0
    while i < len(tokens):
        t = tokens[i]
        if t == "}":
            if closing != "}" or lefts:
                raise _Bad
            return i + 1
        if t in ("^", "_"):
            if t == "^":
                if sup and not prime:
                    raise _Bad
                sup, prime = True, False
            else:
                if sub:
                    raise _Bad
                sub = True
            i = _argument(tokens, i + 1)
            continue
        if t == "'":
            if sup and not prime:
                raise _Bad
            sup = prime = True
            i += 1
            continue
        sup = sub = prime = False
        if t == "{":
            i = _sequence(tokens, i + 1, "}")
            continue
        if t.startswith("\\"):
            name = t[1:]
            if name in ("left", "right"):
                lefts += 1 if name == "left" else -1
                if lefts < 0:
                    raise _Bad
                d = tokens[i + 1]
                if not (d in DELIMITERS or d in (r"\{", r"\}", r"\|", r"\langle", r"\rangle")):
                    raise _Bad
                i += 2
                continue
            if len(name) == 1 and name in SPACES:
                i += 1
                continue
            if name in NO_ARGUMENT:
                i += 1
            elif name in ONE_ARGUMENT:
                i = _argument(tokens, i + 1)
            elif name in TWO_ARGUMENTS:
                i = _argument(tokens, _argument(tokens, i + 1))
            elif name in TEXT_ARGUMENT:
                if tokens[i + 1] != "{":
                    raise _Bad
                j = tokens.index("}", i + 2)
                if not TEXT_BODY.fullmatch("".join(tokens[i + 2:j])):
                    raise _Bad
                i = j + 1
            else:
                raise _Bad
            continue
        if not PLAIN.fullmatch(t):
            raise _Bad
        i += 1
    if closing is not None or lefts:
        raise _Bad
    return i


def _argument(tokens: list[str], i: int) -> int:
    """One argument (a group, a letter or digit, or a command without arguments) at i."""
    t = tokens[i]
    if t == "{":
        return _sequence(tokens, i + 1, "}")
    if t.startswith("\\") and t[1:] in NO_ARGUMENT:
        return i + 1
    if re.fullmatch(r"[A-Za-z0-9*]", t):
        return i + 1
    raise _Bad


# ---------------------------------------------------------------- plain notation -> TeX

UNICODE = {"Δ": r"\Delta", "δ": r"\delta", "∂": r"\partial", "σ": r"\sigma", "⊙": r"\odot",
           "′": "'", "−": "-", "·": r"\cdot", "≤": r"\le", "≥": r"\ge", "≠": r"\ne",
           "→": r"\to", "∑": r"\sum", "×": r"\times", "𝒞": r"\mathcal{C}", "ε": r"\varepsilon",
           "∞": r"\infty", "…": r"\dots"}


def to_tex(formula: str) -> str:
    """A formula in the plain notation -> TeX (Unicode letters and operators as commands,
    `1..L` as `1, \\dots, L`)."""
    out = re.sub(r"(?<=[\w}])\.\.(?=[\w\\])", r", \\dots, ", formula)
    for ch, cmd in UNICODE.items():
        out = out.replace(ch, cmd + (" " if cmd[-1].isalpha() else ""))
    return re.sub(r" +", " ", out).strip()


def source_math(source: str) -> Tex | None:
    """A claim's LaTeX source as inline math (`$...$`, with a break allowed after each
    comma outside braces) when `math_ok` accepts it, else None. Alignment marks `&` are
    dropped; anything else the module does not know makes it None."""
    src = " ".join(str(source).replace("&", " ").split())
    if not src or not math_ok(src):
        return None
    depth, out = 0, []
    for t in _TOKEN.findall(src):
        out.append(t)
        depth += {"{": 1, "}": -1, r"\left": 1, r"\right": -1}.get(t, 0)
        if t == "," and depth == 0:
            out.append(r"\allowbreak ")
    return Tex("$" + "".join(out) + "$")


# ---------------------------------------------------------------- words and formulas

OPERATORS = frozenset("= + - − · ⊙ / < > ≤ ≥ ≠ → × \\to \\cdot \\odot".split())
NUMBER = re.compile(r"\d+(,\d+)*")
WORDS_OK = re.compile(r"\\[A-Za-z]+|exp|log|tanh|ln|sin|cos|max|min|\{[^{}]*\}")
MATHCHAR = re.compile(r"[\^_∂Δδσ⊙′≤≥≠→∑𝒞…]|\\[A-Za-z]")
ENGLISH = frozenset({"a", "A", "I"})


def _formula_like(core: str) -> bool:
    if not core:
        return False
    bare = WORDS_OK.sub(" ", core)
    if re.search(r"[A-Za-z]{2}", bare):           # an English word, or a name like hidden_delta
        return False
    if MATHCHAR.search(core):
        return True
    if re.fullmatch(r"[A-Za-z]", core):
        return core not in ENGLISH
    if re.match(r"[A-Za-z]'+(\(|$)", core) or re.fullmatch(r"[A-Za-z]\(.*\)", core):
        return True                               # f', f'(z), f(z)
    part = r"(?:[A-Za-z]'*|\d+)"
    if re.fullmatch(rf"{part}(?:[+\-=<>/]{part})+", core) and re.search("[A-Za-z]", core):
        return True                               # l+1, l=1, j-1, 1/N
    return bool(re.fullmatch(r"\w+\.\.\w+", core))     # 1..L


def _split_word(word: str) -> tuple[str, str, str]:
    """(leading brackets, the word, trailing punctuation): a bracket counts only when the
    word does not close or open it itself."""
    lead = ""
    while word[:1] in ("(", "[") and _unbalanced(word, word[0]):
        lead, word = lead + word[0], word[1:]
    trail = ""
    while word and word[-1] in ".,;:)]":
        ch = word[-1]
        if ch in ")]" and not _unbalanced(word, ch):
            break
        if ch == "." and word.endswith(".."):
            break
        trail, word = ch + trail, word[:-1]
    return lead, word, trail


def _unbalanced(word: str, ch: str) -> bool:
    opening, closing = {"(": ("(", ")"), ")": ("(", ")"), "[": ("[", "]"), "]": ("[", "]")}[ch]
    return word.count(opening) != word.count(closing)


def prose(text, notation=None) -> Tex:
    """Plain text with formulas in it -> LaTeX: each formula in math mode (when `math_ok`
    accepts its TeX), every other character escaped. `notation`, when given, rewrites each
    formula's TeX into the document's own notation (a report's convention, its f)."""
    pieces = re.findall(r"\S+|\s+", str(text))
    words = []                       # (lead, core, trail, kind) with kind M, O, N or T
    for p in pieces:
        if p.isspace():
            continue
        lead, core, trail = _split_word(p)
        kind = ("O" if core in OPERATORS else "N" if NUMBER.fullmatch(core) else
                "M" if _formula_like(core) else "T")
        words.append((lead, core, trail, kind))
    out: list[str] = []
    i = 0
    while i < len(words):
        lead, core, trail, kind = words[i]
        if kind in ("M", "N") and not trail:
            j = i                   # extend the run over math words and operator-number pairs
            while True:
                if words[j][2]:
                    break
                nxt = words[j + 1] if j + 1 < len(words) else None
                if nxt and not nxt[0] and nxt[3] in ("M", "N"):
                    j += 1
                    continue
                after = words[j + 2] if j + 2 < len(words) else None
                if (nxt and nxt[3] == "O" and not nxt[0] and not nxt[2] and after
                        and not after[0] and after[3] in ("M", "N")):
                    j += 2
                    continue
                break
        else:
            j = i
        run = words[i:j + 1]
        formula = " ".join(w[1] for w in run)
        math = to_tex(formula) if notation is None else str(notation(to_tex(formula)))
        if any(w[3] == "M" for w in run) and math_ok(math):
            out.append(escape(lead) + "$" + math + "$" + escape(run[-1][2]))
        else:
            out.append(" ".join(escape(w[0] + w[1] + w[2]) for w in run))
        i = j + 1
    return Tex(" ".join(out))
