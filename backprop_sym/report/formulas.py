"""SymPy expressions -> LaTeX as a mathematician writes it, broken to fit the page.

`Printer` is SymPy's LatexPrinter with the project's notation: symbol names such as
`w^1_23`, `x^(2)_1`, `Delta^{l+1}_k` print as w^{1}_{23}, x^{(2)}_{1}, \\Delta^{l+1}_{k};
SymPy's form of f'(u), `Subs(Derivative(f(xi), xi), xi, u)`, prints as f'(u); derivatives
are partial; a rational coefficient stands in front (\\frac{1}{2} \\sum ...).

`Lines` lays out display equations: a sum too long for one line is broken between its
terms (and a product between its factors), using an estimate of the printed width, so
that no display runs into the margin.
"""
from __future__ import annotations

import re

import sympy
from sympy.printing.latex import LatexPrinter, translate

from .latex import Tex

# the widths below are in "em-ish" units: about one italic letter of 11pt math
LINE = 71.0          # usable width of a display line (A4, 2.3 cm margins, 11pt), with a margin

NAMES = {"calC": r"\mathcal{C}", "calD": r"\mathcal{D}"}


class Printer(LatexPrinter):
    """The project's LaTeX printer. `keep_order=True` prints sums in construction order
    (for formulas built with evaluate=False); `slash=True` writes ∂C/∂w inline."""

    _default_settings = {**LatexPrinter._default_settings, "keep_order": False,
                         "slash": False}

    def __init__(self, settings=None):
        settings = dict(settings or {})
        if settings.get("keep_order"):
            settings.setdefault("order", "none")
        super().__init__(settings)

    # ---- names
    def _print_Symbol(self, expr, style="plain"):
        out = symbol_latex(expr.name)
        return out if out is not None else super()._print_Symbol(expr, style)

    # ---- f and f'
    def _call(self, name, args) -> str:
        """name(args), with parentheses that grow only around tall arguments."""
        inner = ", ".join(self._print(a) for a in args)
        if any(tall in inner for tall in (r"\frac", r"\sum", r"\left", r"\prod")):
            return rf"{name}\left({inner}\right)"
        return rf"{name}({inner})"

    def _print_Function(self, expr, exp=None):
        from sympy.core.function import AppliedUndef
        if isinstance(expr, AppliedUndef):
            name = symbol_latex(expr.func.__name__) or expr.func.__name__
            tex = self._call(name, expr.args)
            return rf"{tex}^{{{exp}}}" if exp else tex
        return super()._print_Function(expr, exp)

    def _print_Subs(self, expr):
        fn = fprime_point(expr)
        if fn is not None:
            name, point = fn
            return self._call(name + "'", [point])
        return super()._print_Subs(expr)

    def _print_Derivative(self, expr):
        from sympy.core.function import AppliedUndef
        inner = expr.expr
        vars_ = [v for v, n in expr.variable_count for _ in range(n)]
        if isinstance(inner, AppliedUndef) and len(inner.args) == 1 and vars_ == [inner.args[0]]:
            name = symbol_latex(inner.func.__name__) or inner.func.__name__
            return self._call(name + "'", inner.args)
        num = r"\partial " + self._print(inner) if inner.is_Symbol else r"\partial"
        den = " ".join(r"\partial " + self._print(v) for v in vars_)
        tex = rf"{num}/{den}" if self._settings["slash"] else rf"\frac{{{num}}}{{{den}}}"
        if not inner.is_Symbol:
            tex += rf"\left({self._print(inner)}\right)"
        return tex

    # ---- Σ_x over the data set: Sum(e, (x, calD, calD)), see `over_examples`
    def _print_Sum(self, expr):
        out = super()._print_Sum(expr)
        return out.replace(r"\sum_{x=\mathcal{D}}^{\mathcal{D}}", r"\sum_{x}")

    # ---- ½ Σ ..., not Σ/2; (1/N) Σ ..., not Σ/N
    def _print_Mul(self, expr):
        inv = [a for a in expr.args if a.is_Pow and a.exp == -1 and a.base.is_Symbol]
        if inv and any(a.has(sympy.Sum) for a in expr.args):
            rest = [a for a in expr.args if a is not inv[0]]
            body = self._print(sympy.Mul(*rest, evaluate=False) if len(rest) > 1 else rest[0])
            return rf"\frac{{1}}{{{self._print(inv[0].base)}}} {body}"
        if self._settings["order"] != "none" and any(_is_delta(a) for a in expr.args):
            c, r = expr.as_coeff_Mul()
            if c < 0:
                return "- " + self._print(-expr)
            facs = ordered_factors(r) if isinstance(r, sympy.Mul) else [r]
            body = _printer(self._settings, keep_order=True)._print_Mul(
                sympy.Mul(*facs, evaluate=False)) if len(facs) > 1 else self._print(r)
            return body if c == 1 else f"{self._print(c)} {body}"
        coeff, rest = expr.as_coeff_Mul()
        if coeff.is_Rational and not coeff.is_Integer and rest != 1 and not expr.is_Number:
            sign = "- " if coeff < 0 else ""
            c = abs(coeff)
            body = self._print(rest)
            if rest.is_Add:
                body = rf"\left({body}\right)"
            return rf"{sign}\frac{{{c.p}}}{{{c.q}}} {body}"
        return super()._print_Mul(expr)


def _is_delta(e) -> bool:
    base = e.base if e.is_Pow else e
    return base.is_Symbol and base.name.lower().startswith("delta")


def ordered_factors(expr) -> list:
    """The factors of a product in the printer's order, except that error signals Δ come
    after the other symbols (a^{l-1}_i Δ^l_j, w^{l+1}_{jk} Δ^{l+1}_k f'(z^l_j))."""
    facs = list(expr.as_ordered_factors())
    deltas = [f for f in facs if _is_delta(f)]
    if not deltas:
        return facs
    rest = [f for f in facs if not _is_delta(f)]
    at = max((i + 1 for i, f in enumerate(rest) if f.is_Number or f.is_Symbol or
              (f.is_Pow and f.base.is_Symbol)), default=0)
    return rest[:at] + deltas + rest[at:]


def _printer(settings, **more):
    key = tuple(sorted({**{k: v for k, v in settings.items() if k in ("slash",)}, **more}.items()))
    if key not in _PRINTERS:
        _PRINTERS[key] = Printer(dict(key))
    return _PRINTERS[key]


_PART = r"(\{(?:[^{}]|\{[^{}]*\})*\}|\([^()]*\)|[A-Za-z0-9,+\-]+)"
_NAME = re.compile(rf"^(?P<base>[A-Za-z]+)(?P<scripts>(?:[\^_]{_PART})*)(?P<arg>\(.*\))?$")


def symbol_latex(name: str) -> str | None:
    """'w^1_23' -> 'w^{1}_{23}', 'x^(2)_1' -> 'x^{(2)}_{1}', 'a^{l-1}_k' -> 'a^{l-1}_{k}',
    'z^L_j(x)' -> 'z^{L}_{j}(x)'; None for names this notation does not cover."""
    if name in NAMES:
        return NAMES[name]
    m = _NAME.match(name)
    if not m:
        return None
    base, scripts, arg = m.group("base"), m.group("scripts"), m.group("arg")
    base = NAMES.get(base) or (translate(base) if len(base) > 1 else base)
    sup = sub = None
    for mark, part in re.findall(rf"([\^_]){_PART}", scripts):
        if part.startswith("{"):
            part = part[1:-1]
        if mark == "^":
            sup = part
        else:
            sub = part
    out = base
    if sup is not None:
        out += "^{%s}" % sup
    if sub is not None:
        out += "_{%s}" % sub
    if arg:
        out += arg
    return out


def fprime_point(expr):
    """(name, u) when expr is SymPy's f'(u): Subs(Derivative(f(xi), xi), xi, u)."""
    from sympy.core.function import AppliedUndef
    if not isinstance(expr, sympy.Subs) or len(expr.variables) != 1:
        return None
    d, xi = expr.expr, expr.variables[0]
    if (isinstance(d, sympy.Derivative) and isinstance(d.expr, AppliedUndef)
            and d.expr.args == (xi,) and d.variable_count == ((xi, 1),)):
        return symbol_latex(d.expr.func.__name__) or d.expr.func.__name__, expr.point[0]
    return None


def over_examples(expr):
    """Σ_x expr, the sum over the examples x of the data set (printed \\sum_{x})."""
    D = sympy.Symbol("calD")
    return sympy.Sum(expr, (sympy.Symbol("x"), D, D))


def fprime(f, u):
    """SymPy's own form of f'(u) for an undefined f (what diff produces)."""
    xi = sympy.Dummy("xi")
    return sympy.Subs(sympy.Derivative(f(xi), xi), xi, u)


_PRINTERS: dict = {}


def tex(expr, **settings) -> Tex:
    """LaTeX of a SymPy expression (or a number) in the project's notation."""
    key = tuple(sorted(settings.items()))
    if key not in _PRINTERS:
        _PRINTERS[key] = Printer(settings)
    return Tex(_PRINTERS[key].doprint(sympy.sympify(expr)))


def terms(expr, **settings) -> list:
    """The terms of a sum in the order the printer writes them (one item otherwise)."""
    if isinstance(expr, sympy.Add):
        p = Printer(settings)
        return list(p._as_ordered_terms(expr, order=p._settings["order"]))
    return [expr]


# ---------------------------------------------------------------- width estimate

_CMD = re.compile(r"\\([A-Za-z]+|.)")
_ZERO = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "displaystyle",
         "mathcal", "mathrm", "mathbf", "operatorname", "text", "substack", "limits"}
_SPACE = {",": 0.2, ";": 0.3, ":": 0.25, "!": -0.2, " ": 0.3, "quad": 1.0, "qquad": 2.0}


def width(src: str) -> float:
    """A rough printed width of LaTeX math `src`, in letters of display math."""
    return _width(src, 0, 1.0)[0]


def _group(src: str, i: int) -> tuple[str, int]:
    """The argument starting at src[i] (a {group} or one token) and the index after it."""
    while i < len(src) and src[i] == " ":
        i += 1
    if i >= len(src):
        return "", i
    if src[i] == "{":
        depth, j = 0, i
        while j < len(src):
            if src[j] == "{":
                depth += 1
            elif src[j] == "}":
                depth -= 1
                if depth == 0:
                    return src[i + 1:j], j + 1
            j += 1
        return src[i + 1:], len(src)
    if src[i] == "\\" and (m := _CMD.match(src, i)) is not None:
        return m.group(0), m.end()
    return src[i], i + 1


def _width(src: str, i: int, scale: float) -> tuple[float, int]:
    w = 0.0
    while i < len(src):
        ch = src[i]
        if ch == "\\" and (m := _CMD.match(src, i)) is not None:
            name, i = m.group(1), m.end()
            if name == "frac":
                a, i = _group(src, i)
                b, i = _group(src, i)
                w += max(width(a), width(b)) * scale + 0.4
            elif name in ("sum", "prod"):
                w += 1.6 * scale
            elif name in ("operatorname", "text", "mathrm"):
                a, i = _group(src, i)
                w += len(a) * scale * 0.9
            elif name in _SPACE:
                w += _SPACE[name]
            elif name in ("cdot", "times", "le", "ge", "to", "mapsto"):
                w += 1.6 * scale
            elif name in _ZERO:
                pass
            elif name in ("{", "}", "|"):
                w += 0.5 * scale
            else:
                w += 1.0 * scale
        elif ch in "^_":
            a, i = _group(src, i + 1)
            w += _width(a, 0, scale * 0.72)[0]
        elif ch in "{}":
            i += 1
        elif ch == " ":
            i += 1
        elif ch in "+-=<>":
            w += 1.8 * scale
            i += 1
        elif ch in "().,;[]|'":
            w += 0.45 * scale
            i += 1
        else:
            w += 1.0 * scale
            i += 1
    return w, i


# ---------------------------------------------------------------- display layout

class Lines:
    """The rows of one `align*` display, each row within LINE.

    A right-hand side is cut into pieces with break points between the terms of a sum
    and between the factors of a product, at every depth (a parenthesised sum inside a
    product gets \bigl( \bigr) so that it may span lines). Rows are filled greedily;
    when a row is full it is broken at its shallowest break point.

    >>> d = Lines(); d.eq(tex(sympy.Symbol('z^1_1')), sympy.Symbol('x_1') + 1); str(d)
    'z^{1}_{1} &= x_{1} + 1'
    """

    def __init__(self, line: float = LINE):
        self.rows: list[str] = []
        self.line = line

    def eq(self, lhs, *rhs, rel: str = "=", **settings) -> "Lines":
        """lhs = rhs[0] = rhs[1] ..., each right-hand side broken to fit."""
        lhs = str(lhs)
        lw = width(lhs) + 2.5
        for k, r in enumerate(rhs):
            self._side(lhs if k == 0 else "", rel, r, lw, settings)
        return self

    def _side(self, lhs: str, rel: str, rhs, lw: float, settings):
        items = ([Text(str(rhs))] if isinstance(rhs, (str, Tex))
                 else _items(sympy.sympify(rhs), settings, 0))
        # align* puts every row's right side after the widest left side
        room = max(self.line - lw, 30.0)
        rows = fill(items, room, room - 1.5)
        for n, r in enumerate(rows):
            self.rows.append(rf"{lhs} &{rel} {r}" if n == 0 else rf"&\quad {r}")

    def __str__(self) -> str:
        return " \\\\\n".join(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def display(self) -> Tex:
        """The rows in an align* environment."""
        return Tex("\\begin{align*}\n" + str(self) + "\n\\end{align*}")


class Text:
    """A piece of a row that is never broken, with its printed width."""

    def __init__(self, text: str):
        self.text, self.w = text, width(text)


class Break:
    """A place a row may end: `inline` is written when it does not, `lead` starts the
    next row when it does; `depth` ranks the place (2d between the terms of a sum nested
    d parentheses deep, 2d+1 between factors): rows end at the lowest rank they have."""

    def __init__(self, inline: str, lead: str, depth: int):
        self.inline, self.lead, self.depth = inline, lead, depth
        self.w = width(inline)


_OPEN = [r"\bigl(", r"\Bigl(", r"\biggl(", r"\Biggl("]
_CLOSE = [r"\bigr)", r"\Bigr)", r"\biggr)", r"\Biggr)"]


def _items(expr, settings, depth) -> list:
    """Text and break points for `expr`, breakable at sums and products at any depth."""
    if isinstance(expr, sympy.Add):
        out = []
        for n, t in enumerate(terms(expr, **settings)):
            neg = t.could_extract_minus_sign()
            body = _items(-t if neg else t, settings, depth)
            if n == 0:
                out += ([Text("-")] if neg else []) + body
            else:
                sign = "-" if neg else "+"
                out += [Break(f" {sign} ", f"{sign} ", 2 * depth)] + body
        return out
    if isinstance(expr, sympy.Mul) and _has_denominator(expr):
        whole = str(tex(expr, **settings))
        if width(whole) <= 0.5 * LINE:
            return [Text(whole)]
        # too wide for one piece: 1/(denominator), then the numerator's factors
        den = sympy.Mul(*[a.base ** (-a.exp) for a in expr.args
                          if a.is_Pow and a.exp.is_negative])
        num = sympy.Mul(*[a for a in expr.args if not (a.is_Pow and a.exp.is_negative)])
        out = [Text(r"\frac{1}{%s}" % tex(den, **settings))]
        if num != 1:
            out.append(Break(" ", r"\cdot ", 2 * depth + 1))
            if isinstance(num, sympy.Add):
                level = min(_nesting(num), len(_OPEN) - 1)
                out += [Text(_OPEN[level])] + _items(num, settings, depth + 1) + \
                       [Text(_CLOSE[level])]
            else:
                out += _items(num, settings, depth)
        return out
    if isinstance(expr, sympy.Mul):
        coeff, rest = expr.as_coeff_Mul()
        out = []
        if coeff != 1:
            out.append(Text(str(tex(coeff, **settings))))
        factors = ordered_factors(rest) if isinstance(rest, sympy.Mul) else [rest]
        for n, f in enumerate(factors):
            if n or out:
                out.append(Break(" ", r"\cdot ", 2 * depth + 1))
            if isinstance(f, sympy.Add):
                level = min(_nesting(f), len(_OPEN) - 1)
                out += [Text(_OPEN[level])] + _items(f, settings, depth + 1) + \
                       [Text(_CLOSE[level])]
            else:
                out += _items(f, settings, depth)
        return out
    return [Text(str(tex(expr, **settings)))]


def _has_denominator(expr) -> bool:
    """A product SymPy prints as a fraction: kept whole."""
    return any(a.is_Pow and a.exp.is_negative for a in expr.args)


def _nesting(expr) -> int:
    """How many parenthesised sums sit inside `expr` (for the size of its parentheses)."""
    if isinstance(expr, sympy.Add):
        return max((_nesting(t) for t in expr.args), default=0)
    if isinstance(expr, sympy.Mul):
        return max((1 + _nesting(f) if isinstance(f, sympy.Add) else _nesting(f)
                    for f in expr.args), default=0)
    return 0


def fill(items: list, first: float, room: float) -> list[str]:
    """Greedy rows: the first within `first`, the others within `room`."""
    rows: list[list] = [[]]
    w = 0.0
    for it in items:
        limit = first if len(rows) == 1 else room - 1.0
        if isinstance(it, Text) and w + it.w > limit and any(isinstance(x, Break) for x in rows[-1]):
            # end the row at its shallowest break point (the last of those, to fill it)
            row = rows[-1]
            cands = [i for i, x in enumerate(row) if isinstance(x, Break) and i > 0]
            if cands:
                full = [i for i in cands if _row_w(row[:i]) > 0.4 * limit] or cands
                best = min(row[i].depth for i in full)
                cut = [i for i in full if row[i].depth == best][-1]
                rows[-1], rest = row[:cut], row[cut:]
                rows.append(rest)
                w = _row_w(rest, lead=True)
        rows[-1].append(it)
        w += it.w
    return [_render(r, lead=n > 0) for n, r in enumerate(rows) if r]


def _row_w(row, lead=False) -> float:
    w = 0.0
    for n, x in enumerate(row):
        if isinstance(x, Break):
            w += width(x.lead) if (lead and n == 0) else x.w
        else:
            w += x.w
    return w


def _render(row, lead) -> str:
    return "".join(x.lead if (isinstance(x, Break) and lead and n == 0) else
                   x.inline if isinstance(x, Break) else x.text
                   for n, x in enumerate(row)).strip()


def fits(expr, line: float = LINE - 20, **settings) -> bool:
    """Does every term of `expr` fit on one display line?"""
    return all(width(str(tex(-t if t.could_extract_minus_sign() else t, **settings))) <= line
               for t in terms(expr, **settings))
