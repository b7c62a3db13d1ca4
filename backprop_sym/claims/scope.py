"""Where a claim is checked: the shapes and example counts, chosen against the claim.

A claim is checked at finitely many networks, so a claim that depends on the shape could hold
at all of them by chance (an empty sum Σ_{k=5}^{n_l}, a term that exists only at one depth,
a factor (N−2)(N−3)). The scope is therefore chosen against each claim:

- depths: the least depth at which the claim has an instance, and the two above it (every
  layer letter then takes the first, an inner and the last position), and 3 and 4 when the
  claim has instances there;
- widths: at each depth a small shape (2,3,4,2 and 3,2,2,3,4 at depths 3 and 4, as before;
  2,3,4,2,3,... at others), and at the two least depths large ones whose widths all exceed
  the largest constant the claim contains (numbers, after folding products of numbers; sum
  limits; neuron indices; powers), with adjacent widths different and n_0 != n_L (large
  shapes are not taken deeper: with a linear f a depth-4 network of widths 3..5 alone
  takes seconds). How many large shapes is read from the claim's structure (`degrees`):
  each side is a polynomial in the sizes (a width n_l, a sum over the neurons of a layer)
  of some degree d, and one that vanishes at d + 1 distinct values of a size is 0, so
  d + 1 large shapes are taken, each width taking a new value in each (a factor
  (n_l-1-1)(n_l-1-1-1) is degree 2 however its constants are written);
- example counts N (for a claim about 𝒞, N or Σ_x): 1, 2, 3 and values above the largest
  constant (at least 4; 2 and 3 count when they are above it), d + 1 of them for a claim
  of degree d in N (N, Σ_x; a quotient by a polynomial in N, such as 1/N, counts with the
  degree of the polynomial it is cleared to).

A claim that is not polynomial in a size (1/(n_l-2), f(n_l), Σ_k 1/k; a quotient by a
product of sizes such as 1/N is cleared, and counts with its degree) is
checked at these sizes and a few more, and its scope says plainly that it does not
extend to every size (`Scope.limits`): such a claim is never proved for every width.
An explicit list of shapes or of example counts replaces the chosen one. Whatever was
used is stated with the verdict (`Scope.text`): a proof holds at exactly these networks.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .form import EXAMPLES
from .tree import Add, At, Const, Div, Mul, Neg, Num, Pow, Q, Sum, Var, Visitor, Width, walk

DEFAULT_SHAPES = ((2, 3, 4, 2), (3, 2, 2, 3, 4))  # depths 3 and 4, n_0 = n_L and not, one square layer
BASE_SAMPLES = (1, 2, 3)
MAX_CONSTANT = 16                                 # larger: unknown unless shapes are given
MAX_DEPTH = 40                                    # the search for the least depth stops here
MAX_DEGREE = 5                 # more large shapes than 6 (or example counts beyond d+1): not taken
WIDTHS, EXAMPLE_COUNT = "n", "N"                 # the sizes a claim can be polynomial in
_SIZE_NAMES = {WIDTHS: ("the widths", "width"), EXAMPLE_COUNT: ("N", "N")}


@dataclass(frozen=True)
class Scope:
    shapes: tuple[tuple[int, ...], ...]
    samples: tuple[int, ...]       # the example counts; (1,) for a claim about one example
    examples: bool = False         # the claim speaks of the examples (𝒞, N, Σ_x)
    limits: str | None = None      # why the sizes checked do not stand for every size

    def text(self) -> str:
        return text(self.json())

    def json(self) -> dict:
        """{shapes, samples, [limits]}; samples is None for a claim about one example;
        limits (when present) says why a proof at these sizes is not one for every size."""
        out: dict = {"shapes": [list(s) for s in self.shapes],
               "samples": list(self.samples) if self.examples else None}
        if self.limits:
            out["limits"] = self.limits
        return out


def text(scope: dict) -> str:
    """'widths 2,3,4,2; 3,2,2,3,4 (N = 1,2,3,4)' from a scope's JSON, and its limits."""
    out = "widths " + "; ".join(",".join(map(str, s)) for s in scope["shapes"])
    if scope.get("samples"):
        out += f" (N = {','.join(map(str, scope['samples']))})"
    if scope.get("limits"):
        out += f"; {scope['limits']}"
    return out


class _Fold(Visitor):
    """The value of a subtree made of numbers only, else None."""

    def generic_visit(self, node):
        return None

    def visit_Num(self, node):
        return node.value

    def visit_Neg(self, node):
        v = self.visit(node.x)
        return None if v is None else -v

    def visit_Add(self, node):
        vals = [self.visit(t) for t in node.terms]
        known = [v for v in vals if v is not None]
        return None if len(known) != len(vals) else sum(known, Fraction(0))

    def visit_Mul(self, node):
        a, b = self.visit(node.a), self.visit(node.b)
        return None if a is None or b is None else a * b

    def visit_Div(self, node):
        a, b = self.visit(node.a), self.visit(node.b)
        return None if a is None or b is None or b == 0 else a / b

    def visit_Pow(self, node):
        v = self.visit(node.base)
        return None if v is None or (v == 0 and node.n < 0) else v ** node.n


_FOLD = _Fold()


def _fold(node) -> Fraction | None:
    """The value of a subtree made of numbers only, else None."""
    return _FOLD.visit(node)


def largest_constant(*sides) -> int:
    """The largest constant a claim contains: numbers (and products of numbers folded),
    numerators and denominators, sum limits, neuron indices and their offsets, powers."""
    out = 0
    for side in sides:
        for n in walk(side):
            v = _fold(n)
            if v is not None:
                out = max(out, abs(v.numerator), abs(v.denominator))
            if isinstance(n, Sum):
                out = max(out, abs(n.lo))
            elif isinstance(n, Pow):
                out = max(out, abs(n.n))
            elif isinstance(n, (Q, At)):
                out = max([out] + [abs(i.off) for i in (n.idx or ())])
    return out


# ---------------------------------------------------------------- degrees in the sizes

class _Degrees(Visitor):
    """A subtree as a rational function of the sizes: for each size (WIDTHS: every n_l and
    the count of a sum over neurons; EXAMPLE_COUNT: N and the count of Σ_x), bounds
    (p, q) on the degrees of its numerator and denominator, or None when it is not one
    (f(n_l), a sum of 1/k over k). Quantities (z, a, w, Δ, f'(z), ...) are opaque: degree 0."""

    def __init__(self):
        self.bound: dict[str, str] = {}         # a summation index -> the size it counts

    def _zero(self):
        return {WIDTHS: (0, 0), EXAMPLE_COUNT: (0, 0)}

    def generic_visit(self, node):               # Num, Q, Kron, Deriv: no size
        return self._zero()

    def visit_Width(self, node):
        return {WIDTHS: (1, 0), EXAMPLE_COUNT: (0, 0)}

    def visit_Const(self, node):                 # N
        return {WIDTHS: (0, 0), EXAMPLE_COUNT: (1, 0)}

    def visit_Var(self, node):                   # a summation index used as a value
        out = self._zero()
        if node.name in self.bound:
            out[self.bound[node.name]] = (1, 0)
        return out

    def visit_Neg(self, node):
        return self.visit(node.x)

    visit_Tr = visit_At = visit_Neg

    def visit_Add(self, node):
        parts = [self.visit(t) for t in node.terms]
        out = {}
        for key in (WIDTHS, EXAMPLE_COUNT):
            ds = [d[key] for d in parts]
            if None in ds:
                out[key] = None
                continue
            den = sum(q for _, q in ds)                      # over the common denominator
            out[key] = (max(p + den - q for p, q in ds), den)
        return out

    def visit_Mul(self, node):
        return _combine(self.visit(node.a), self.visit(node.b), lambda a, b: (a[0] + b[0], a[1] + b[1]))

    visit_Had = visit_Mul

    def visit_Div(self, node):
        a, b = self.visit(node.a), self.visit(node.b)
        if not _monomial(node.b):                # 1/(n_l - 2): not defined at every size
            b = {key: d if d == (0, 0) else None for key, d in b.items()}
        return _combine(a, b, lambda a, b: (a[0] + b[1], a[1] + b[0]))

    def visit_Pow(self, node):
        base, k = self.visit(node.base), node.n
        return {key: None if d is None else (k * d[0], k * d[1]) if k >= 0 else
                (-k * d[1], -k * d[0]) for key, d in base.items()}

    def visit_Call(self, node):                  # f(·), exp, log of a size: not polynomial
        arg = self.visit(node.arg)
        return {key: d if d == (0, 0) else None for key, d in arg.items()}

    visit_Func = visit_Call

    def visit_Sum(self, node):
        key = EXAMPLE_COUNT if node.var == EXAMPLES else WIDTHS
        counted = not isinstance(node.hi, Num)        # to a width, or over the N examples
        self.bound[node.var] = key
        try:
            body = self.visit(node.body)
        finally:
            self.bound.pop(node.var, None)
        if not counted or body[key] is None:
            return body
        p, q = body[key]
        if q and any(isinstance(n, Var) and n.name == node.var for n in walk(node.body)):
            return {**body, key: None}           # Σ_k 1/k: no polynomial in n
        return {**body, key: (p + 1, q)}


def _monomial(node) -> bool:
    """A product of sizes and numbers (N, 2 n_l, N^2): a quotient by it is defined at every
    size, and clearing it keeps a polynomial."""
    if isinstance(node, (Width, Const, Num)):
        return True
    if isinstance(node, (Mul, Div)):
        return _monomial(node.a) and _monomial(node.b)
    if isinstance(node, Pow):
        return _monomial(node.base)
    return isinstance(node, Neg) and _monomial(node.x)


def _combine(a: dict, b: dict, fn) -> dict:
    return {key: None if a[key] is None or b[key] is None else fn(a[key], b[key]) for key in a}


def degrees(lhs, rhs) -> dict[str, int | None]:
    """{size: the degree of lhs − rhs, cleared of denominators, as a polynomial in it}, or
    None for a size it is not polynomial (nor rational) in. A claim of degree d in a size
    that holds at d + 1 distinct values of it (above every constant, where the sums and
    indices are all there) holds at every value."""
    d = _Degrees().visit(Add((lhs, Neg(rhs))))
    return {key: None if v is None else v[0] for key, v in d.items()}


def _small(depth: int) -> tuple[int, ...]:
    for s in DEFAULT_SHAPES:
        if len(s) == depth + 1:
            return s
    return tuple((2, 3, 4)[i % 3] for i in range(depth + 1))


def _large(depth: int, c: int, count: int = 1) -> tuple[tuple[int, ...], ...]:
    """`count` shapes of widths above c, adjacent ones different, n_0 != n_L, in which every
    width takes a new value each time (and the differences between neighbours change)."""
    out: list[tuple[int, ...]] = []
    used: list[set[int]] = [set() for _ in range(depth + 1)]
    for t in range(count):
        row: list[int] = []
        for i in range(depth + 1):
            w = c + (1, 3, 2)[i % 3] + t * (1 + i % 2)
            while w in used[i] or (row and w == row[-1]) or (i == depth and i and w == row[0]):
                w += 1
            row.append(w)
            used[i].add(w)
        out.append(tuple(row))
    return tuple(out)


def _limits(deg: dict) -> str | None:
    """Why the sizes checked do not stand for every size, if they do not."""
    out = []
    for key, d in deg.items():
        what, one = _SIZE_NAMES[key]
        if d is None:
            out.append(f"not polynomial in {what}, so not every {one}")
        elif d > MAX_DEGREE:
            out.append(f"of degree {d} in {what}, checked at {MAX_DEGREE + 1} values only, "
                       f"so not every {one}")
    return "; ".join(out) or None


def _count(d: int | None) -> int:
    """How many values of a size (above every constant) a claim of degree d needs."""
    return MAX_DEGREE + 1 if d is None or d > MAX_DEGREE else d + 1


def choose(form, has_instance, shapes=None, samples=None) -> Scope:
    """The scope of an analysed claim. `has_instance(L)`: does the claim have an instance at
    depth L (every layer it names exists)? `shapes`/`samples` given replace the chosen ones
    (and the claim is then stated at those only, whatever its degree)."""
    c = max(largest_constant(form.lhs, form.rhs), 2)
    deg = degrees(form.lhs, form.rhs)
    if not form.examples:
        deg[EXAMPLE_COUNT] = 0
    limits = None
    if samples is None:
        first = max(c, 3) + 1
        above = [n for n in BASE_SAMPLES if n > c]
        extra = max(_count(deg[EXAMPLE_COUNT]) - len(above), 1)
        samples = tuple(sorted(set(BASE_SAMPLES) | set(range(first, first + extra))))
        limits = _limits({EXAMPLE_COUNT: deg[EXAMPLE_COUNT]}) if form.examples else None
    if not form.examples:
        samples = (1,)
    if shapes is None:
        least = next((d for d in range(1, MAX_DEPTH + 1) if has_instance(d)), None)
        if least is None:
            shapes = DEFAULT_SHAPES              # no instance anywhere: said so at these
        else:
            depths = sorted({least, least + 1, least + 2} | {d for d in (3, 4) if d >= least})
            count = 1 if deg[WIDTHS] == 0 else _count(deg[WIDTHS])
            shapes = tuple(s for d in depths
                           for s in (_small(d),) + (_large(d, c, count) if d <= least + 1
                                                    else ()))
            limits = "; ".join(x for x in (_limits({WIDTHS: deg[WIDTHS]}), limits) if x) or None
    return Scope(tuple(tuple(s) for s in shapes), tuple(samples), form.examples, limits)
