"""Where a claim is checked: the shapes and example counts, chosen against the claim.

A claim is checked at finitely many networks, so a claim that depends on the shape could hold
at all of them by chance (an empty sum Σ_{k=5}^{n_l}, a term that exists only at one depth,
a factor (N−2)(N−3)). The scope is therefore chosen against each claim:

- depths: the least depth at which the claim has an instance, and the two above it (every
  layer letter then takes the first, an inner and the last position), and 3 and 4 when the
  claim has instances there;
- widths: at each depth a small shape (2,3,4,2 and 3,2,2,3,4 at depths 3 and 4, as before;
  2,3,4,2,3,... at others), and at the two least depths a large one whose widths all exceed
  the largest constant the claim contains (numbers, after folding products of numbers; sum
  limits; neuron indices; powers), with adjacent widths different and n_0 != n_L (large
  shapes are not taken deeper: with a linear f a depth-4 network of widths 3..5 alone
  takes seconds);
- example counts N (for a claim about 𝒞, N or Σ_x): 1, 2, 3 and one more than the largest
  constant (at least 4).

An explicit list of shapes or of example counts replaces the chosen one. Whatever was
used is stated with the verdict (`Scope.text`): a proof holds at exactly these networks.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .tree import At, Pow, Q, Sum, Visitor, walk

DEFAULT_SHAPES = ((2, 3, 4, 2), (3, 2, 2, 3, 4))  # depths 3 and 4, n_0 = n_L and not, one square layer
BASE_SAMPLES = (1, 2, 3)
MAX_CONSTANT = 16                                 # larger: unknown unless shapes are given
MAX_DEPTH = 40                                    # the search for the least depth stops here


@dataclass(frozen=True)
class Scope:
    shapes: tuple[tuple[int, ...], ...]
    samples: tuple[int, ...]       # the example counts; (1,) for a claim about one example
    examples: bool = False         # the claim speaks of the examples (𝒞, N, Σ_x)

    def text(self) -> str:
        return text(self.json())

    def json(self) -> dict:
        """{shapes, samples}; samples is None for a claim about one example."""
        return {"shapes": [list(s) for s in self.shapes],
                "samples": list(self.samples) if self.examples else None}


def text(scope: dict) -> str:
    """'widths 2,3,4,2; 3,2,2,3,4 (N = 1,2,3,4)' from a scope's JSON."""
    out = "widths " + "; ".join(",".join(map(str, s)) for s in scope["shapes"])
    if scope.get("samples"):
        out += f" (N = {','.join(map(str, scope['samples']))})"
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


def _small(depth: int) -> tuple[int, ...]:
    for s in DEFAULT_SHAPES:
        if len(s) == depth + 1:
            return s
    return tuple((2, 3, 4)[i % 3] for i in range(depth + 1))


def _large(depth: int, c: int) -> tuple[int, ...]:
    """Widths above c, adjacent ones different, n_0 != n_L."""
    out = [c + (1, 3, 2)[i % 3] for i in range(depth + 1)]
    if out[-1] == out[0]:
        out[-1] = next(w for w in (c + 2, c + 3) if w != out[-2] and w != out[0])
    return tuple(out)


def choose(form, has_instance, shapes=None, samples=None) -> Scope:
    """The scope of an analysed claim. `has_instance(L)`: does the claim have an instance at
    depth L (every layer it names exists)? `shapes`/`samples` given replace the chosen ones."""
    c = max(largest_constant(form.lhs, form.rhs), 2)
    if samples is None:
        samples = tuple(sorted(set(BASE_SAMPLES) | {max(c, 3) + 1}))
    if not form.examples:
        samples = (1,)
    if shapes is None:
        least = next((d for d in range(1, MAX_DEPTH + 1) if has_instance(d)), None)
        if least is None:
            shapes = DEFAULT_SHAPES              # no instance anywhere: said so at these
        else:
            depths = sorted({least, least + 1, least + 2} | {d for d in (3, 4) if d >= least})
            shapes = tuple(s for d in depths
                           for s in (_small(d),) + ((_large(d, c),) if d <= least + 1 else ()))
    return Scope(tuple(tuple(s) for s in shapes), tuple(samples), form.examples)
