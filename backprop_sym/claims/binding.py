"""A document's own names for the model's quantities, learnt from its definitions.

Authors name the model's quantities their own way (u and h, or net and o, for z and a; ω for
the weights; E, J, L or 𝓛 for the cost; t for the target). A derivation defines them before
it uses them, and `learn` reads those definitions structurally:

  forward pass    X = W Y + B, X_j = \\sum_i W_{ij} Y_i (+ B_j)   X -> z, W -> w, Y -> a, B -> b
                  (the weight is the factor with two neuron indices, or the capital one)
  activation      Y = F(X), X the pre-activation, F a function     Y -> a
  cost            S = \\frac12 … (T - Y)^2 or \\|T - Y\\|^2, Y the activation   S -> C, T -> y
                  (only with the ½, or 1/(2N): the one cost the engine has; without it
                  S is left unread, and the binding says so)
  error signal    D = ±\\partial S/\\partial X, S the cost, X the pre-activation   D -> δ,
                  with the sign written (δ_j = -∂E/∂net_j reads each later δ_j as -Δ_j)
  usage           L or \\mathcal{L} differentiated (∂L/∂…) in a document that defines no
                  cost reads as the cost; L in a script (a^{[L]}, \\sum_{l=1}^{L}) stays
                  the depth

A binding is itself a reading: a symbol a document binds two ways is ambiguous, and the
claims that use it are not read (they are never refuted). `Binding.apply` rewrites a row
token by token, in one pass (so u -> z and z -> a swap correctly), before `notation` reads
it; `Binding.found` is what `check` reports ("reads: net -> z (line 3)").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .markup import read_through
from .relations import RELATION
from .rewrite import Mapped, group_end

_WORD_WRAP = re.compile(r"\\(?:mathrm|text|textit|mathit|operatorname|textrm|mathsf)\s*"
                        r"\{\s*([a-zA-Z]{2,})\s*\}")
_HAT = re.compile(r"\\(?:hat|widehat)\s*\{?\s*(?:\\(?:mathbf|bm|boldsymbol)\s*)?\{?\s*([a-zA-Z])"
                  r"\s*\}?\s*\}?")
_CAL = re.compile(r"\\(?:mathcal|mathscr|cal)\s*\{\s*([A-Z])\s*\}")
_BOLD = re.compile(r"\\(?:mathbf|bm|boldsymbol|vec|pmb)\s*\{\s*(\\?[a-zA-Z]+)\s*\}"
                   r"|\\(?:mathbf|bm|boldsymbol|vec|pmb)\s*(\\[a-zA-Z]+|[a-zA-Z])")
_NOISE = re.compile(r"\\left|\\right|\\cdot|\\,|\\;|\\quad|\\qquad|\\!|\\big[lr]?|\\Big[lr]?")
_GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa "
          "lambda mu nu xi pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta "
          "Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split()
_FUNCTIONS = {"\\sigma", "\\varphi", "\\phi", "f", "g", "\\psi", "\\tanh", "\\theta"}
_WEIGHTS = {"w", "W", "\\omega", "\\Omega", "\\theta", "\\Theta"}
# the model's own letters: a symbol already one of them needs no binding
_MODEL = {"z": "z", "Z": "z", "a": "a", "A": "a", "w": "w", "W": "w", "b": "b", "y": "y", "C": "C",
          "\\mathcal{C}": "C", "\\delta": "\\delta", "\\Delta": "\\delta"}
_COST_USAGE = ("L", "\\mathcal{L}")
# letters that keep their own meaning in a forward pass: the example count, the depth, a
# layer, the cost and the activation's name are never a layer's weights, inputs or output
_NOT_BOUND = {"N", "n", "L", "l", "C", "f", "\\sigma"}
_HALF = re.compile(r"\\[dt]?frac\s*(?:\{\s*1\s*\}\s*\{\s*2\s*(?:[NnMm]\s*)?\}|12)|(?<![\d.])1\s*/\s*2"
                   r"|(?<![\d.])0?\.5(?!\d)")


@dataclass
class Bound:
    symbol: str          # as the author writes it (normalised: net, \omega, \mathcal{L})
    role: str            # the model's letter: z a w b y C \delta
    line: int
    latex: str
    sign: int = 1        # the error signal written with a minus: -1
    source: str = "definition"
    text: str = ""       # a whole quantity it stands for (ŷ = a^{[L]}): written in its place


@dataclass
class Binding:
    bound: dict[str, Bound] = field(default_factory=dict)
    ambiguous: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # -> why, line, latex

    @property
    def found(self) -> tuple:
        """(what, value, line, latex) for the report's `read_from_document`."""
        out = [("notation", f"{b.symbol} → {_shown(b)}"
                 + ("" if b.source == "definition" else f" ({b.source})"), b.line, b.latex)
               for b in sorted(self.bound.values(), key=lambda b: b.line)]
        out += [("notation", f"{s} not read: {why}; the claims that use it are not read",
                 line, latex) for s, (why, line, latex) in self.ambiguous.items()]
        return tuple(out)

    def __bool__(self) -> bool:
        return bool(self.bound or self.ambiguous)

    def apply(self, m: Mapped | str) -> Mapped:
        """The row with each bound symbol rewritten into the model's letter, in one pass."""
        if isinstance(m, str):
            m = Mapped.of(m)
        if not self:
            return m
        m = m.sub(_WORD_WRAP, lambda g: g.group(1) if g.group(1) in self._symbols() else None)
        m = m.sub(_CAL, lambda g: f"\\mathcal{{{g.group(1)}}}")
        m = m.sub(_HAT, lambda g: f"\\hat{{{g.group(1)}}}")
        symbols = sorted(self._symbols(), key=len, reverse=True)
        if not symbols:
            return m
        alternation = "|".join(re.escape(s) for s in symbols)
        pattern = re.compile(rf"(?<![\\a-zA-Z])(?:{alternation})(?![a-zA-Z])")
        scripts = _script_spans(m.text)
        edits: list[tuple[int, int, str]] = []
        for g in pattern.finditer(m.text):
            sym = g.group()
            if edits and g.start() < edits[-1][1]:
                continue                     # inside a cost's arguments, dropped with them
            if sym in self.ambiguous:
                edits.append((g.start(), g.end(), f"\\unbound{{{_plain(sym)}}}"))
                continue
            b = self.bound[sym]
            if b.role == "C" and b.source != "definition" and \
                    not re.search(r"\\partial\s*$", m.text[:g.start()]):
                continue                     # read as the cost only where differentiated
            if b.role == "C" and any(lo <= g.start() < hi for lo, hi in scripts):
                continue                     # L in a^{[L]}, \sum_{l=1}^{L}: the depth
            if b.role == "C" and sym == "J" and re.match(r"\s*(?:\\left\s*)?\(", m.text[g.end():]):
                continue                     # J(W,b;x,y): notation reads it with its arguments
            if b.role == "C" and sym != "J":     # E(w), \mathcal{L}(\hat y, y): the cost
                args = re.match(r"\s*(?:\\left\s*)?\([^()]*(?:\\right\s*)?\)", m.text[g.end():])
                if args and not RELATION.search(args.group()):
                    edits.append((g.start(), g.end() + args.end(), "C"))
                    continue
            if b.sign < 0:
                end = _scripts_end(m.text, g.end())
                edits.append((g.start(), end, f"(-{b.role}{m.text[g.end():end]})"))
                continue
            edits.append((g.start(), g.end(), b.text or b.role))
        edits.sort(key=lambda e: (e[0], e[1]))
        return m.edit(edits) if edits else m

    def _symbols(self) -> set[str]:
        return {s for s, b in self.bound.items() if b.role != s or b.sign < 0} | set(self.ambiguous)

    def bind(self, symbol: str, role: str, line: int, latex: str, sign: int = 1,
             source: str = "definition", text: str = "") -> None:
        if symbol in self.ambiguous:
            return
        if _MODEL.get(symbol) == role and sign > 0:
            return                           # the model's own letter, as the model reads it
        old = self.bound.get(symbol)
        if old is not None and (old.role, old.sign, old.text) != (role, sign, text):
            del self.bound[symbol]
            self.ambiguous[symbol] = (f"bound two ways, {_shown(old)} (line {old.line}) and "
                                      f"{_shown(Bound(symbol, role, line, latex, sign))} "
                                      f"(line {line})", line, latex)
            return
        if old is None:
            self.bound[symbol] = Bound(symbol, role, line, latex, sign, source, text)

    def redefined(self, symbol: str, why: str, line: int, latex: str) -> None:
        """A bound symbol defined again another way: ambiguous (its claims are not read)."""
        old = self.bound.pop(symbol, None)
        if old is not None:
            self.ambiguous[symbol] = (f"bound two ways, {_shown(old)} (line {old.line}) and "
                                      f"{why} (line {line})", line, latex)


def _shown(b: Bound) -> str:
    name = {"z": "z (pre-activation)", "a": "a (activation)", "w": "w (weight)",
            "b": "b (bias)", "y": "y (target)", "C": "C (cost)",
            "\\delta": "δ = ∂C/∂z (error signal)"}[b.role]
    if b.sign < 0:
        name = "−δ (error signal, δ = −∂C/∂z)"
    if b.text:
        name = f"{b.text.strip()} (the output)"
    return name


def _plain(sym: str) -> str:
    return re.sub(r"[\\{}]", "", sym)


def _script_spans(text: str) -> list[tuple[int, int]]:
    """The spans of every superscript and subscript argument."""
    spans = []
    for g in re.finditer(r"[\^_]\s*", text):
        i = g.end()
        if i >= len(text):
            continue
        if text[i] == "{":
            end = group_end(text, i)
            if end is not None:
                spans.append((i, end))
        elif text[i] == "\\":
            c = re.match(r"\\[a-zA-Z]+", text[i:])
            spans.append((i, i + (c.end() if c else 2)))
        else:
            spans.append((i, i + 1))
    return spans


def _scripts_end(text: str, i: int) -> int:
    """Where the scripts (^…, _…, primes) after text[:i] end."""
    while True:
        g = re.match(r"\s*[\^_]\s*", text[i:])
        if g is None:
            return i
        j = i + g.end()
        if j < len(text) and text[j] == "{":
            end = group_end(text, j)
            if end is None:
                return i
            i = end
        elif j < len(text) and text[j] == "\\":
            c = re.match(r"\\[a-zA-Z]+", text[j:])
            i = j + (c.end() if c else 1)
        elif j < len(text):
            i = j + 1
        else:
            return i


# ---------------------------------------------------------------- reading the definitions

_SYM = (r"\\mathcal\{[A-Z]\}|\\hat\{[a-zA-Z]\}|\\(?:" + "|".join(_GREEK) + r")(?![a-zA-Z])|[a-zA-Z]")
_SCRIPT = r"(?:\s*(?:[\^_]\s*(?:\{(?:[^{}]|\{[^{}]*\})*\}|\\[a-zA-Z]+|[a-zA-Z0-9])|'))*"


@dataclass
class _Atom:
    base: str
    scripts: str


def _clean(text: str, words: set[str]) -> str:
    text = read_through(Mapped.of(text)).text
    text = _WORD_WRAP.sub(lambda g: g.group(1), text)
    text = _CAL.sub(lambda g: f"\\mathcal{{{g.group(1)}}}", text)
    text = _HAT.sub(lambda g: f"\\hat{{{g.group(1)}}}", text)
    text = _BOLD.sub(lambda g: g.group(1) or g.group(2), text)
    text = _NOISE.sub(" ", text)
    return text


def _atom_at(text: str, i: int, words: set[str]) -> tuple[_Atom, int] | None:
    text_i = text[i:]
    for w in sorted(words, key=len, reverse=True):
        if text_i.startswith(w) and not re.match(r"[a-zA-Z]", text_i[len(w):len(w) + 1]):
            s = re.compile(_SCRIPT).match(text_i, len(w))
            if s is not None:
                return _Atom(w, s.group().strip()), i + s.end()
    g = re.match(rf"({_SYM})({_SCRIPT})", text_i)
    if g is None:
        return None
    return _Atom(g.group(1), g.group(2).strip()), i + g.end()


def _atoms(expr: str, words: set[str]) -> list[_Atom] | None:
    """The quantities of a product written with no operator but juxtaposition, or None."""
    out, i = [], 0
    expr = re.sub(r"\\sum\s*(?:_\s*(?:\{(?:[^{}]|\{[^{}]*\})*\}|\\[a-zA-Z]+|\w))?"
                  r"\s*(?:\^\s*(?:\{(?:[^{}]|\{[^{}]*\})*\}|\\[a-zA-Z]+|\w))?", " ", expr)
    while i < len(expr):
        if expr[i] in " ()[]{}":
            i += 1
            continue
        got = _atom_at(expr, i, words)
        if got is None:
            return None
        out.append(got[0])
        i = got[1]
    return out


def _lhs_symbol(lhs: str, words: set[str]) -> tuple[_Atom, str] | None:
    """The one symbol a definition's left side names (its arguments, C(W,b), dropped)."""
    lhs = lhs.strip()
    word = re.fullmatch(r"([a-z]{2,5})(" + _SCRIPT + r")", lhs)
    if word:
        return _Atom(word.group(1), word.group(2).strip()), word.group(1)
    g = re.fullmatch(rf"({_SYM})({_SCRIPT})\s*(?:\([^()]*\))?", lhs)
    if g is None:
        return None
    return _Atom(g.group(1), g.group(2).strip()), g.group(1)


def _top_terms(expr: str) -> list[tuple[str, str]]:
    """(sign, term) split at the + and - outside brackets."""
    terms, depth, cur, sign = [], 0, "", "+"
    for k, ch in enumerate(expr):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and ch in "+-" and (cur.strip() or ch == "+") \
                and not (k and expr[k - 1] in "^_"):
            terms.append((sign, cur))
            cur, sign = "", ch
            continue
        cur += ch
    terms.append((sign, cur))
    return [(s, t) for s, t in terms if t.strip()]


def _role(binding: Binding, sym: str) -> str | None:
    b = binding.bound.get(sym)
    if b is not None:
        return b.role
    return _MODEL.get(sym)


def _free_role(binding: Binding, sym: str) -> str | None:
    """The role of a symbol being defined: the model's letter is free for another role
    once the document names that role with another symbol (a = W x + b, z = σ(a))."""
    if sym in binding.bound:
        return binding.bound[sym].role
    role = _MODEL.get(sym)
    if role is not None and any(b.role == role for b in binding.bound.values()):
        return None
    return role


def learn(rows) -> Binding:
    """The binding a document's definitions fix. `rows`: (line, text) of each display row."""
    rows = list(rows)
    words = {w for _, t in rows for w in re.findall(
        r"(?:(?<![\\a-zA-Z])([a-z]{2,5})(?=\s*[\^_])|"
        r"\\(?:mathrm|text|operatorname|mathit)\s*\{\s*([a-zA-Z]{2,})\s*\})", t) for w in w if w}
    words -= {"ln", "log", "exp", "tanh", "max", "min", "sin", "cos", "sum", "frac", "partial"}
    binding = Binding()
    defs = []
    for line, text in rows:
        clean = _clean(text, words)
        parts = [p for p in re.split(r"(?<![<>!\\])=|:=|\\equiv|\\coloneqq", clean) if p.strip()]
        if len(parts) < 2 or RELATION.search(parts[0]) and "=" not in parts[0]:
            continue
        named = _lhs_symbol(parts[0], words)
        if named is not None:
            defs.append((line, text.strip(), named[0], parts[1].strip()))
    for _ in range(2):                  # the forward pass first, then what it names
        for line, latex, lhs, rhs in defs:
            _forward(binding, line, latex, lhs, rhs, words)
            _activation(binding, line, latex, lhs, rhs, words)
            _output(binding, line, latex, lhs, rhs, words)
    for line, latex, lhs, rhs in defs:
        _cost(binding, line, latex, lhs, rhs, words)
    for line, latex, lhs, rhs in defs:
        _error_signal(binding, line, latex, lhs, rhs, words)
    if not any(b.role == "C" for b in binding.bound.values()):
        for line, text in rows:
            clean = _clean(text, words)
            for sym in _COST_USAGE:
                if re.search(r"\\partial\s*" + re.escape(sym) + r"(?![a-zA-Z])", clean) and \
                        not any(lhs.base == sym for _, _, lhs, _ in defs):
                    binding.bind(sym, "C", line, text.strip(), source="differentiated, so the cost")
    return binding


def _forward(binding, line, latex, lhs, rhs, words) -> None:
    terms = _top_terms(rhs)
    if not 1 <= len(terms) <= 2 or any(s != "+" for s, _ in terms):
        return
    parsed = [_atoms(t, words) for _, t in terms]
    if any(p is None for p in parsed):
        return
    products = [p for p in parsed if p and len(p) == 2]
    singles = [p for p in parsed if p and len(p) == 1]
    if len(products) != 1 or len(products) + len(singles) != len(parsed):
        return
    p, q = products[0]
    if _CALL.fullmatch(rhs) or {p.base, q.base} & _FUNCTIONS - _WEIGHTS:
        return                               # a function applied, not a product

    def two_indices(a: _Atom) -> bool:
        sub = re.search(r"_\s*(\{[^{}]*\}|\w)", a.scripts)
        return sub is not None and len(re.sub(r"[\s{},]", "", sub.group(1))) >= 2 \
            and not re.search(r"[+\-]", sub.group(1))

    def weight_like(a: _Atom) -> bool:
        return two_indices(a) or a.base in _WEIGHTS or a.base[:1].isupper() \
            or a.base.startswith("\\" + "Omega")

    wp, wq = weight_like(p), weight_like(q)
    if wp == wq:
        if p.base in _WEIGHTS and q.base not in _WEIGHTS:
            wp, wq = True, False
        elif q.base in _WEIGHTS and p.base not in _WEIGHTS:
            wp, wq = False, True
        else:
            return
    weight, prev = (p, q) if wp else (q, p)
    if lhs.base in (weight.base, prev.base):
        return
    if lhs.base in _FUNCTIONS or {lhs.base, weight.base, prev.base} & _NOT_BOUND:
        return                               # f(z) = N z: a function, not a layer
    if not (singles or weight.base in _WEIGHTS or two_indices(weight)):
        return                               # a product with no bias, weight letter or w_{jk}
    if {_role(binding, x.base) for x in (lhs, prev)} & {"\\delta", "C"}:
        return                               # δ^l = W^{l+1} δ^{l+1}: a recursion, no forward pass
    binding.bind(lhs.base, "z", line, latex)
    binding.bind(weight.base if weight.base not in ("W",) else "W", "w", line, latex)
    if prev.base not in ("x", "X"):
        binding.bind(prev.base, "a", line, latex)
    if singles:
        binding.bind(singles[0][0].base, "b", line, latex)


_CALL = re.compile(rf"\s*(?P<fn>{_SYM}|[a-zA-Z]+)\s*(?:[\^_]\s*(?:\{{[^{{}}]*\}}|\w))*"
                   r"\s*\(\s*(?P<arg>.*)\)\s*")


def _activation(binding, line, latex, lhs, rhs, words) -> None:
    g = _CALL.fullmatch(rhs)
    if g is None or g.group("fn") not in _FUNCTIONS:
        return
    arg = _atoms(g.group("arg"), words)
    if not arg or len(arg) != 1 or _role(binding, arg[0].base) != "z":
        return
    if _free_role(binding, lhs.base) in ("z", "w", "b", "C", "y") or lhs.base.startswith("\\hat"):
        return                               # ŷ = σ(z^{[L]}): one activation (`_output`)
    binding.bind(lhs.base, "a", line, latex)


_NORM2 = re.compile(r"(?:\\\||\|\||\\[lr]?Vert)(?P<in>[^|]*?)(?:\\\||\|\||\\[lr]?Vert)\s*(?:_\s*2\s*)?"
                    r"\^\s*\{?\s*2")


def _squared(rhs: str) -> list[str]:
    """What is squared in rhs: (…)^2, [(…)]^2, \\|…\\|^2."""
    out = [g.group("in") for g in _NORM2.finditer(rhs)]
    for g in re.finditer(r"[)\]]\s*\^\s*\{?\s*2(?![0-9])", rhs):
        depth, k = 0, g.start()
        while k >= 0:
            depth += rhs[k] in ")]"
            depth -= rhs[k] in "(["
            if depth == 0:
                out.append(rhs[k + 1:g.start()])
                break
            k -= 1
    return out


def _cost(binding, line, latex, lhs, rhs, words) -> None:
    if _role(binding, lhs.base) in ("z", "a", "w", "b", "y", "\\delta"):
        return
    for inner in _squared(rhs):
        terms = _top_terms(inner)
        if len(terms) != 2 or terms[1][0] != "-":
            continue
        first, second = _atoms(terms[0][1], words), _atoms(terms[1][1], words)
        if not first or not second or len(first) != 1 or len(second) != 1:
            continue
        one, two = first[0], second[0]
        roles = (_role(binding, one.base), _role(binding, two.base))
        if roles.count("a") != 1:
            continue
        target = two if roles[0] == "a" else one
        if _role(binding, target.base) not in (None, "y"):
            continue
        if not _HALF.search(rhs):
            old = binding.bound.get(lhs.base)
            if old is not None and old.role == "C":
                binding.redefined(lhs.base, "a squared error without the ½", line, latex)
            if lhs.base not in ("C", "\\mathcal{C}") and lhs.base not in binding.bound:
                binding.ambiguous[lhs.base] = ("defined as a squared error without the ½, a "
                                               "cost the checker does not have", line, latex)
            return
        binding.bind(lhs.base, "C", line, latex)
        binding.bind(target.base, "y", line, latex)
        return


_DERIV = re.compile(r"(?P<sign>[+-]?)\s*\\[dt]?frac\s*\{\s*\\partial\s*(?P<num>[^{}]*?)\s*\}"
                    r"\s*\{\s*\\partial\s*(?P<den>(?:[^{}]|\{[^{}]*\})*?)\s*\}\s*")


def _error_signal(binding, line, latex, lhs, rhs, words) -> None:
    g = _DERIV.fullmatch(rhs)
    if g is None:
        return
    num, den = _atoms(g.group("num"), words), _atoms(g.group("den"), words)
    if not num or not den or len(num) != 1 or len(den) != 1:
        return
    if _role(binding, num[0].base) != "C" or _role(binding, den[0].base) != "z":
        return
    if _role(binding, lhs.base) in ("z", "a", "w", "b", "y", "C"):
        return
    sign = -1 if g.group("sign") == "-" else 1
    old = binding.bound.get(lhs.base)
    if old is not None and old.role == "\\delta" and old.sign != sign:
        binding.redefined(lhs.base, "the error signal with the other sign", line, latex)
        return
    if lhs.base not in ("\\delta", "\\Delta") or sign < 0:
        binding.bind(lhs.base, "\\delta", line, latex, sign)


def _output(binding, line, latex, lhs, rhs, words) -> None:
    """ŷ = a^{[L]}, ŷ = σ(z^{[L]}): a name without scripts for a whole activation."""
    if lhs.scripts or not lhs.base.startswith("\\hat"):
        return
    g = _CALL.fullmatch(rhs)
    inner = g.group("arg") if g is not None and g.group("fn") in _FUNCTIONS else rhs
    atoms = _atoms(inner, words)
    if not atoms or len(atoms) != 1 or "^" not in atoms[0].scripts:
        return
    want = "z" if inner is not rhs else "a"
    if _role(binding, atoms[0].base) != want:
        return
    binding.bind(lhs.base, "a", line, latex, text="a" + atoms[0].scripts + " ")
