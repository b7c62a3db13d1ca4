"""The notations authors use, rewritten into the one the grammar reads.

Each rewrite keeps the meaning its authors give it, and nothing else: a form it cannot
place (a per-layer activation whose layer is not its argument's) is left as written, so
that the reader refuses it. Read (see docs/check.md, "Checking a derivation"):

  layer marks      z^{(l)}, w^{[l]}, A^{[l-1]T}          -> z^{(l)}, w^{(l)}, a^{(l-1)T}
  capitals, bold   W^l, Z^{[l]}, A^{[l]}, \\mathbf{W}, \\bm{z}, \\boldsymbol\\delta
  transposes       w^{l+1^T}, w^{(l+1)^{T}}, ^{\\mathsf T}, ^\\mathsf{T}, ^{\\rm T}
  derivatives      \\pdv{C}{w}, \\frac{\\partial}{\\partial z}[ C ], \\nabla_a C (-> ∂C/∂a^L)
  activations      \\varphi, \\phi, g (as functions), \\dot\\varphi, \\sigma^{(l)}(z^{(l)}_j),
                   g^{[l]}(z^{[l]}), \\exp{…}
  costs            \\|y - a^L\\|^2, {\\cal C}, C(x; w, b), J(W,b;x,y) (one example),
                   J(W,b) (the average), y(x), a^L(x)
  sum limits       \\sum_{k=1}^{M_{l-1}} (an author's name for the width of a layer)
"""
from __future__ import annotations

import re

from .markup import read_through
from .relations import RELATION
from .rewrite import Mapped, argument, group_end

_S = r"\s*"
_LAYER = r"(?:\{\s*[\(\[]?\s*(?P<L1>[a-zA-Z](?:\s*[+\-]\s*\d+)?|\d+)\s*[\)\]]?\s*\}" \
         r"|(?P<L2>[a-zA-Z0-9]))"
_ACT = re.compile(r"(?P<fn>\\sigma|\\varphi|\\phi|(?<![\\a-zA-Z])[fg])\s*(?:\^" + _LAYER +
                  r"|_\s*(?:\{\s*(?P<L3>[a-zA-Z](?:\s*[+\-]\s*\d+)?|\d+)\s*\}|(?P<L4>[a-zA-Z0-9])))"
                  r"\s*(?P<prime>'|\^\s*\{?\s*\\prime\s*\}?)?\s*(?=\(|\\left\s*\()")


def _same_layer(a: str, b: str) -> bool:
    return re.sub(r"\s", "", a) == re.sub(r"\s", "", b)


def _per_layer(m: Mapped) -> Mapped:
    """sigma^{(l)}(z^{(l)}_j) -> sigma(z^{(l)}_j): the mark dropped where it is the layer
    of the argument (so one generic f per layer reads as it is meant); left otherwise."""
    def repl(g: re.Match):
        layer = next(x for x in (g.group("L1"), g.group("L2"), g.group("L3"), g.group("L4"))
                     if x is not None)
        rest = m.text[g.end():]
        arg = re.match(r"(?:\\left)?\s*\(\s*(?:\\(?:mathbf|bm|boldsymbol)\s*\{?\s*)?[zZ]\}?\s*"
                       r"(?:_\s*(?:\{[^{}]*\}|\w)\s*)?\^\s*(?:\{\s*[\(\[]?\s*([^{}\)\]]*?)\s*"
                       r"[\)\]]?\s*\}|(\w))", rest)
        if not arg or not _same_layer(arg.group(1) or arg.group(2), layer):
            return None
        fn = "\\sigma" if g.group("fn") in ("\\sigma", "\\varphi", "\\phi") else "f"
        return fn + ("'" if g.group("prime") else "")
    return m.sub(_ACT, repl)


def _pdv(m: Mapped) -> Mapped:
    """\\pdv{A}{B} -> \\frac{\\partial A}{\\partial B}."""
    edits, i = [], 0
    while (hit := re.compile(r"\\pdv(?![a-zA-Z*\[])").search(m.text, i)) is not None:
        a = argument(m.text, hit.end())
        b = argument(m.text, a[1]) if a else None
        if a is None or b is None:
            break
        edits.append((hit.start(), b[1], f"\\frac{{\\partial {a[0]}}}{{\\partial {b[0]}}}"))
        i = b[1]
    return m.edit(edits) if edits else m


_OPERATOR = re.compile(r"\\[dt]?frac\s*\{\s*\\partial\s*\}\s*\{")
_OPEN = {"(": ")", "[": "]", "\\{": "\\}"}


def _operator(m: Mapped) -> Mapped:
    """\\frac{\\partial}{\\partial X}\\left[ Y \\right] (or ( Y ), [ Y ]) ->
    \\frac{\\partial (Y)}{\\partial X}."""
    edits, i = [], 0
    while (hit := _OPERATOR.search(m.text, i)) is not None:
        den_end = group_end(m.text, hit.end() - 1)
        if den_end is None:
            break
        den = m.text[hit.end():den_end - 1]
        rest = m.text[den_end:]
        op = re.match(r"\s*(\\left\s*|\\[bB]igg?l?\s*)?(\(|\[)", rest)
        if not op:
            i = den_end
            continue
        close = _OPEN[op.group(2)]
        j, depth = den_end + op.end(), 1
        while j < len(m.text) and depth:
            ch = m.text[j]
            depth += ch == op.group(2)
            depth -= ch == close
            j += 1
        if depth:
            break
        inner_end = j - 1
        inner = m.text[den_end + op.end():inner_end]
        inner = re.sub(r"\\right\s*$|\\[bB]igg?r?\s*$", "", inner.rstrip())
        edits.append((hit.start(), j, f"\\frac{{\\partial ({inner})}}{{{den}}}"))
        i = j
    return m.edit(edits) if edits else m


_REWRITES: list[tuple[re.Pattern[str], str | None]] = [(re.compile(p), r) for p, r in [
    (r"\{\s*\\cal\s*C\s*\}|\\cal\s*C(?![a-zA-Z])|\\mathscr\s*\{\s*C\s*\}", r"\\mathcal{C}"),
    # bold and arrows: the letter itself
    (r"\\(?:mathbf|bm|boldsymbol|vec|pmb|mathbfit|bf)\s*\{\s*(\\?[a-zA-Z]+)\s*\}", r"\1"),
    (r"\\(?:mathbf|bm|boldsymbol|vec|pmb)\s*(\\[a-zA-Z]+|[a-zA-Z])", r"\1"),
    (r"\{\s*\\bf\s+([a-zA-Z])\s*\}", r"\1"),
    # a transpose in any font: T
    (r"\\(?:mathsf|mathrm|textsf|textrm|text|mathtt|rm|sf)\s*\{\s*T\s*\}"
     r"|\{\s*\\(?:rm|sf)\s+T\s*\}|\\(?:mathsf|mathrm|rm|sf)\s+T(?![a-zA-Z])", "T"),
    # w^{l+1^T}, w^{(l+1)^{T}}: the transpose inside the layer's superscript
    (r"\^\s*\{([^{}]*?)\s*\^\s*(?:\{\s*(?:T|\\top|\\intercal)\s*\}|T|\\top|\\intercal)\s*\}",
     r"^{\1\\,T}"),
    (r"\^\s*\{\s*\[([^\[\]{}]*)\]", r"^{(\1)"),                  # ^{[l]} -> ^{(l)}
    (r"(?<![\\a-zA-Z])([WZA])(?=\s*[\^_])", None),                # W^l -> w^l
    (r"\\dot\s*\{?\s*\\(?:varphi|phi|sigma)\s*\}?", r"\\sigma'"),
    (r"\\(?:varphi|phi)(?=\s*(?:'|\^\s*\{?\s*\\prime|\(|\\left\s*\())", r"\\sigma"),
    (r"(?<![\\a-zA-Z])g(?=\s*(?:'|\^\s*\{?\s*\\prime|\(|\\left\s*\())", "f"),
    (r"\\exp\s*\{", r"\\exp{"),
    # norms squared: (v)^T (v)
    (r"(?:\\left\s*)?(?:\\\||\\lVert|\\Vert|\|\|)(?P<v>[^|]+?)(?:\\right\s*)?"
     r"(?:\\\||\\rVert|\\Vert|\|\|)\s*(?:_\s*2\s*)?\^\s*\{?\s*2\s*\}?", r"(\g<v>)^T(\g<v>)"),
    # cost arguments
    (r"(?<![\\a-zA-Z])J\s*(?:\\left\s*)?\(\s*[Ww]\s*,\s*b\s*;\s*x\s*,\s*y\s*(?:\\right\s*)?\)",
     "C"),
    (r"(?<![\\a-zA-Z])J\s*(?:\\left\s*)?\(\s*[Ww]\s*,\s*b\s*(?:\\right\s*)?\)", r"\\mathcal{C}"),
    (r"(?<![\\a-zA-Z])(C|\\mathcal\{C\})\s*(?:\\left\s*)?\((?=[^()]*[,;])\s*[a-zA-Z\\{}]+"
     r"(?:\s*[,;]\s*[a-zA-Z\\{}]+)*\s*(?:\\right\s*)?\)", r"\1"),
    (r"((?:[\^_]\s*(?:\{[^{}]*\}|[a-zA-Z0-9]))|(?<![\\a-zA-Z])y)\s*\(\s*x\s*\)", r"\1"),
    # an author's name for the width of a layer, as a sum's upper limit
    (r"(\\sum\s*_\s*(?:\{[^{}]*\}|\w)\s*\^\s*)\{\s*(?:M|s|S|N|d|m|h)\s*_\s*(\{[^{}]*\}|\w)\s*\}",
     r"\1{n_\2}"),
    (r"(\\sum\s*_\s*(?:\{[^{}]*\}|\w)\s*\^\s*)(?:M|s|S|d|h)\s*_\s*(\{[^{}]*\}|\w)",
     r"\1{n_\2}"),
]]
_NABLA = re.compile(r"\\nabla\s*_\s*(?:\{\s*a\s*(?:\^\s*(?:\{\s*\(?\s*L\s*\)?\s*\}|L))?\s*\}|a)"
                    r"\s*(C|\\mathcal\s*\{\s*C\s*\})")


def normalize(m: Mapped | str, scalar: bool = False) -> Mapped:
    """The text with every notation above rewritten, and its map to the text as written;
    `scalar`: the document is a chain of one neuron per layer (see `scalar_depth`)."""
    if isinstance(m, str):
        m = Mapped.of(m)
    m = read_through(m)
    if scalar:
        m = _scalar(m)
    m = _ng_batch(m)
    m = _per_layer(m)
    for pattern, repl in _REWRITES:
        if repl is None:
            m = m.sub(pattern, lambda g: g.group(1).lower())
        else:
            m = m.sub(pattern, repl)
    m = m.sub(_NABLA, lambda g: f"\\frac{{\\partial {g.group(1)}}}{{\\partial a^L}}")
    m = _pdv(m)
    m = _operator(m)
    m = _diagonal(m)
    m = _greek_indices(m)
    return _index_names(m)


_GREEK_INDEX = r"\\(?:mu|nu|kappa|alpha|beta|gamma|iota|xi)(?![a-zA-Z])"


def _greek_indices(m: Mapped) -> Mapped:
    """Greek letters used as index names (w^l_{j\\mu}, \\sum_\\mu): fresh Latin letters the
    equation does not use, the same letter for the same name; a Greek letter anywhere
    else in the equation (a quantity, a rate) leaves the equation as written."""
    text = m.text
    spots = []
    for sub in re.finditer(r"_\s*", text):
        at = sub.end()
        if text.startswith("{", at):
            end = group_end(text, at)
            if end is None:
                continue
            spots += [(g.start(), g.end()) for g in re.finditer(_GREEK_INDEX, text[:end])
                      if g.start() >= at]
        else:
            g = re.match(_GREEK_INDEX, text[at:])
            if g:
                spots.append((at, at + g.end()))
    if not spots:
        return m
    spots = sorted(set(spots))
    everywhere = [(g.start(), g.end()) for g in re.finditer(_GREEK_INDEX, text)]
    if any(s not in spots for s in everywhere):
        return m
    used = set(re.sub(r"\\[a-zA-Z]+", " ", text))
    free = [c for c in _FRESH if c not in used]
    names: dict[str, str] = {}
    edits = []
    for lo, hi in spots:
        key = text[lo:hi]
        if key not in names:
            if not free:
                return m
            names[key] = free.pop(0)
        edits.append((lo, hi, names[key] + " "))
    return m.edit(edits)


# ---------------------------------------------------------------- index names, Σ'

_NAMED_INDEX = re.compile(r"(?P<name>[a-mo-zA-Z](?:'+|\^\s*\{?\s*\\prime\s*\}?"
                          r"|_\s*(?:\{\s*\d+\s*\}|\d)))")
_FRESH = "pqruvhijkmotc"      # no quantity, activation, layer or example letter


def _index_names(m: Mapped) -> Mapped:
    """Primed and subscripted index names (j', k'', i_1) inside subscripts, read as fresh
    letters the equation does not use (shown so in `read as`); the same name is the same
    letter throughout the equation."""
    text = m.text
    spans = []
    for sub in re.finditer(r"_\s*\{", text):
        end = group_end(text, sub.end() - 1)
        if end is not None:
            spans.append((sub.end(), end - 1))
    names: dict[str, str] = {}
    edits = []
    used = set(re.sub(r"\\[a-zA-Z]+", " ", text))
    masked = re.sub(r"\\(?!prime\b)[a-zA-Z]+", lambda g: " " * len(g.group()), text)
    free = [c for c in _FRESH if c not in used]
    for lo, hi in spans:
        if any(lo > a and hi <= b for a, b in spans if (a, b) != (lo, hi)):
            continue                                  # inside an outer subscript: done there
        for g in _NAMED_INDEX.finditer(masked, lo, hi):
            key = re.sub(r"[\s{}]", "", g.group("name")).replace("^\\prime", "'")
            if key not in names:
                if not free:
                    return m                          # no letter left: leave it as written
                names[key] = free.pop(0)
            edits.append((g.start(), g.end(), names[key]))
    edits.sort()
    return m.edit(edits) if edits else m


_DIAG = re.compile(r"\\Sigma\s*(?:'|\^\s*\{?\s*\\prime\s*\}?)\s*(?=\(|\\left\s*\()")


def _product_end(text: str, i: int) -> int:
    """Where the product starting at text[i] ends: a + or - or = or & or \\\\ at depth 0,
    a bracket closing an outer group, or the end."""
    depth, j = 0, i
    while j < len(text):
        if text.startswith("\\left", j) or text[j] in "({[":
            depth += 1
            j += 5 if text.startswith("\\left", j) else 1
            continue
        if text.startswith("\\right", j) or text[j] in ")}]":
            if depth == 0:
                return j
            depth -= 1
            j += 6 if text.startswith("\\right", j) else 1
            continue
        if depth == 0 and (text[j] in "+-=&," or text.startswith("\\\\", j)
                           or re.match(r"\\(?:quad|qquad|text|le|ge|ne)\b", text[j:])):
            return j
        j += 2 if text[j] == "\\" and j + 1 < len(text) and not text[j + 1].isalpha() else 1
    return j


def _diagonal(m: Mapped) -> Mapped:
    """Σ'(z^l) v, the diagonal matrix of f'(z^l) times a vector (Nielsen), as
    σ'(z^l) ⊙ (v); a Σ' with nothing after it is left as written."""
    for _ in range(8):
        g = _DIAG.search(m.text)
        if g is None:
            return m
        text = m.text
        at = g.end()
        if text.startswith("\\left", at):
            close = text.find("\\right", at)
            if close < 0:
                return m
            close = text.find(")", close) + 1
        else:
            depth, close = 0, at
            while close < len(text):
                depth += {"(": 1, ")": -1}.get(text[close], 0)
                close += 1
                if depth == 0:
                    break
        end = _product_end(text, close)
        if not text[close:end].strip():
            return m
        m = m.edit([(g.start(), g.end(), "\\sigma'"),
                    (close, close, " \\odot \\left( "), (end, end, " \\right) ")])
    return m


# ---------------------------------------------------------------- Andrew Ng's batch notation

_NG_D = re.compile(r"(?<![\\a-zA-Z])d(?P<q>[ZAWb])\s*\^\s*(?P<sup>\{(?:[^{}]|\{[^{}]*\})*\})")
_PRIME_FIRST = re.compile(r"(?P<fn>\\sigma|\\varphi|\\phi|(?<![\\a-zA-Z])[fg])\s*"
                          r"(?P<prime>'|\^\s*\{?\s*\\prime\s*\}?)\s*\^\s*(?P<sup>\{[^{}]*\}|\S)")

_PRIME_LEADING = re.compile(r"(?P<fn>\\sigma|\\varphi|\\phi|(?<![\\a-zA-Z])[fg])\s*\^\s*"
                            r"\{\s*(?:\\prime|')\s*(?P<layer>[\[\(][^{}]*?[\]\)])\s*\}")

_PRIME_INSIDE = re.compile(r"(?P<fn>\\sigma|\\varphi|\\phi|(?<![\\a-zA-Z])[fg])\s*\^\s*"
                           r"\{(?P<layer>[^{}]*?[^{}\s])\s*(?:\\prime|')\s*\}")


def _ng_batch(m: Mapped) -> Mapped:
    """Andrew Ng's course notation, m examples in columns: dZ^{[l]} and dA^{[l]} are one
    example's ∂C/∂z^l and ∂C/∂a^l (a column of the matrix); dW^{[l]} and db^{[l]} the
    gradients of the average cost 𝒞, where a product of matrices of examples sums over
    them, so `\\frac{1}{m}` is 1/N of a sum over the examples, and
    `\\sum_{i=1}^{m} dZ^{[l](i)}` the same sum; Y is y, and * is ⊙. The prime of a
    per-layer activation may stand before or inside its layer mark (g'^{[l]}, g^{[l]\\prime},
    g^{\\prime[l]}).
    """
    m = m.sub(_PRIME_FIRST, lambda g: f"{g.group('fn')}^{g.group('sup')}'")
    m = m.sub(_PRIME_INSIDE, lambda g: f"{g.group('fn')}^{{{g.group('layer')}}}'")
    m = m.sub(_PRIME_LEADING, lambda g: f"{g.group('fn')}^{{{g.group('layer')}}}'")
    if not _NG_D.search(m.text):
        return m
    lhs = RELATION.split(m.text, maxsplit=1)[0]
    averaged = re.search(r"(?<![\\a-zA-Z])d[Wb]\s*\^", lhs) is not None

    def derivative(g: re.Match) -> str:
        q, sup = g.group("q"), re.sub(r"\(\s*[a-z]\s*\)", "", g.group("sup"))
        cost = "\\mathcal{C}" if q in "Wb" else "C"
        return f"\\frac{{\\partial {cost}}}{{\\partial {q}^{sup}}}"
    m = m.sub(_NG_D, derivative)
    m = m.sub(r"(?<![\\a-zA-Z])Y(?![a-zA-Z])", "y")
    m = m.sub(r"(?<![\\^_])\*", r"\\odot ")
    if averaged:
        m = m.sub(r"\\sum\s*_\s*\{\s*[a-z]\s*=\s*1\s*\}\s*\^\s*(?:\{\s*m\s*\}|m)", r"\\sum_x")
        m = m.sub(r"\\[dt]?frac\s*\{\s*1\s*\}\s*\{\s*m\s*\}(?!\s*\\sum)",
                  r"\\frac{1}{N} \\sum_x ")
        m = m.sub(r"\\[dt]?frac\s*\{\s*1\s*\}\s*\{\s*m\s*\}", r"\\frac{1}{N}")
    return m


# ---------------------------------------------------------------- one neuron per layer

_SCALAR_Q = re.compile(r"(?<![\\a-zA-Z])(?P<q>[zawb])\s*_\s*(?:\{\s*(?P<n1>\d)\s*\}|(?P<n2>\d))(?!\s*\^)")
_LAYERED_Q = re.compile(r"(?<![\\a-zA-Z])[zawbZAWB]\s*\^|\\(?:Delta|delta)\s*\^")
_SCALAR_ACT = re.compile(r"(?P<fn>\\sigma|\\varphi|\\phi|(?<![\\a-zA-Z])[fg])\s*_\s*(?:\{\s*(?P<n1>\d)\s*\}"
                         r"|(?P<n2>\d))\s*(?P<prime>'|\^\s*\{?\s*\\prime\s*\}?)?(?P<call>\s*(?:\(|\\left\s*\())?")


def scalar_depth(text: str) -> int | None:
    """The depth L of a document written as a chain of one neuron per layer, the layer a
    subscript (z_1 = w_1 x + b_1, a_2 = \\sigma(z_2), (a_2 - y) \\sigma_2' w_2 \\sigma_1' x):
    the deepest layer it names; None for a document that writes layers as superscripts."""
    if _LAYERED_Q.search(text):
        return None
    layers = [int(g.group("n1") or g.group("n2")) for g in _SCALAR_Q.finditer(text)]
    if len(layers) < 2 or max(layers) < 1:
        return None
    return max(layers)


def _scalar(m: Mapped) -> Mapped:
    """One neuron per layer, into the grammar's notation: z_l -> z^{l}_1, w_l -> w^{l}_{11},
    \\sigma_l' -> \\sigma'(z^{l}_1), \\sigma_l(z_l) -> \\sigma(z_l), x -> x_1, y -> y_1."""
    def act(g: re.Match) -> str:
        layer = g.group("n1") or g.group("n2")
        prime = "'" if g.group("prime") else ""
        if g.group("call"):
            return f"{g.group('fn')}{prime}{g.group('call')}"
        return f"{g.group('fn')}{prime}(z^{{{layer}}}_1)"
    m = m.sub(_SCALAR_ACT, act)

    def quantity(g: re.Match) -> str:
        layer = g.group("n1") or g.group("n2")
        return f"{g.group('q')}^{{{layer}}}_{{11}}" if g.group("q") == "w" else \
            f"{g.group('q')}^{{{layer}}}_1"
    m = m.sub(_SCALAR_Q, quantity)
    return m.sub(r"(?<![\\a-zA-Z_^{])([xy])(?![a-zA-Z_])", r"\1_1")
