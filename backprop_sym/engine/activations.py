"""The registry of activations: each one's value f(t), its stated derivative f'(t), and
how its subexpressions become atoms for exact comparison.

An entry is one registered `Activation`. `atoms(B, u, tag)` names the subtrees that a
layer's activation puts around its explicit input u (for example f(u) and SymPy's
`Subs(Derivative(f(xi), xi), xi, u)` form of f'(u)) and gives each a replacement in terms
of fresh atom symbols, so that after differentiation both sides of a rule become
(Laurent) polynomials in those atoms. Replacing a subtree by a symbol that equals it is
a substitution, so a difference that expands to 0 in the atoms is 0 for the originals.
`numeric` gives the atoms' values at a number z, for witnesses; `roles` says what the
atoms stand for, for code that builds expressions in them (a user's backward pass).

Everything about an activation is in its one `register(Activation(...))`: its value and
derivative, its atoms, its numeric form, its TeX name, its NumPy form, what it costs
the estimate and whether its atoms hold exponentials. Adding one is that call.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import UsageError

GENERIC = "f"


class ActivationError(UsageError):
    """An unknown activation name."""


@dataclass(frozen=True)
class Atoms:
    """The atoms of one layer's activation around one z.

    `roles` names what some atoms stand for (each optional): "f" and "fprime" f(z) and
    f'(z) of the generic f; "tanh" tanh z; "exp" and "exp_neg" e^{z} and e^{-z} written in
    the atoms; "log" {expression in the atoms: the atom that is its logarithm}."""

    replace: dict          # subtree -> replacement (backend expressions)
    numeric: dict          # atom symbol -> function(z, num) -> number
    roles: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Activation:
    name: str
    formula: str           # LaTeX of f(z) and f'(z), for help and reports
    value: Callable        # (B, u) -> f(u)
    derivative: Callable   # (B, u) -> f'(u), as the registry states it
    atoms: Callable        # (B, u, probe, tag) -> Atoms
    forward: Callable      # (z, num) -> f(z) numerically
    is_generic: bool = False
    tex: str = "f"         # the name of f in LaTeX, for reports
    identity: bool = False # f(z) = z: the network is affine
    numpy: Callable | None = None   # np -> (f, f') on object arrays, as students write
                                    # them (None: the generic f, given to the code)
    cost: float = 2.0      # the estimate's factor over a generic f (see `estimate`)
    uses_exp: bool = False # its atoms stand for e^{±z}, which SymEngine may merge
    rational: bool = False # piecewise linear: rational at rational z (ReLU)
    kink: bool = False     # not differentiable at z = 0: no witness there

    @property
    def exact(self) -> bool:
        """True when a forward pass at rational values stays rational (no e^z, tanh, log)."""
        return self.is_generic or self.identity or self.rational


REGISTRY: dict[str, Activation] = {}


def register(act: Activation) -> Activation:
    REGISTRY[act.name] = act
    return act


def unregister(name: str) -> None:
    """Remove a registered activation (tests that register their own)."""
    REGISTRY.pop(name, None)


@contextlib.contextmanager
def registered(act: Activation):
    """`act` registered inside the block, and removed (or the one it replaced put back)
    afterwards."""
    before = REGISTRY.get(act.name)
    register(act)
    try:
        yield act
    finally:
        if before is None:
            unregister(act.name)
        else:
            register(before)


def get(name: str) -> Activation:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ActivationError(
            f"unknown activation {name!r}; expected one of: {', '.join(REGISTRY)}") from None


def names() -> list[str]:
    return list(REGISTRY)


# ---------------------------------------------------------------- generic f

def _f(B):
    return B.Function("f")


def _generic_atoms(B, u, probe, tag):
    F, D = B.Atom(f"F{tag}"), B.Atom(f"D{tag}")
    fu = _f(B)(u)
    # The derivative of f(u) with respect to the probe inside u is exactly the
    # backend's own form of f'(u): Subs(Derivative(f(xi), xi), xi, u).
    dfu = B.diff(fu, probe)
    return Atoms({fu: F, dfu: D},
                 {F: lambda z, num: num.f(z), D: lambda z, num: num.fprime(z)},
                 {"f": F, "fprime": D})


def _stated_by_the_backend(B, u):
    """The generic f states no f'(u): `derivative` builds the backend's own form."""
    raise TypeError("the generic f has no stated derivative; use activations.derivative")


register(Activation(
    name=GENERIC,
    formula=r"f \text{ (any differentiable function, left undefined)}",
    value=lambda B, u: _f(B)(u),
    derivative=_stated_by_the_backend,
    atoms=_generic_atoms,
    forward=lambda z, num: num.f(z),
    is_generic=True,
    cost=1.0,
))


# ---------------------------------------------------------------- linear

register(Activation(
    name="linear",
    formula=r"f(z) = z,\quad f'(z) = 1",
    value=lambda B, u: u,
    derivative=lambda B, u: B.Integer(1),
    atoms=lambda B, u, probe, tag: Atoms({}, {}),
    forward=lambda z, num: z,
    tex=r"\mathrm{id}",
    identity=True,
    numpy=lambda np: (lambda z: z, lambda z: z * 0 + 1),
    cost=1.0,
))


# ---------------------------------------------------------------- sigmoid

def _sigmoid_atoms(B, u, probe, tag):
    P = B.Atom(f"P{tag}")                       # P = 1 + e^{-u}
    e = B.exp(-u)
    return Atoms({1 + e: P, e: P - 1},
                 {P: lambda z, num: 1 + num.exp(-z)},
                 {"exp_neg": P - 1, "exp": (P - 1) ** -1})


def _sigmoid_numpy(np):
    f = lambda z: 1 / (1 + np.exp(-z))
    return f, lambda z: f(z) * (1 - f(z))


register(Activation(
    name="sigmoid",
    formula=r"\sigma(z) = \frac{1}{1+e^{-z}},\quad \sigma'(z) = \sigma(z)\,(1-\sigma(z))",
    value=lambda B, u: 1 / (1 + B.exp(-u)),
    derivative=lambda B, u: (1 / (1 + B.exp(-u))) * (1 - 1 / (1 + B.exp(-u))),
    atoms=_sigmoid_atoms,
    forward=lambda z, num: 1 / (1 + num.exp(-z)),
    tex=r"\sigma",
    numpy=_sigmoid_numpy,
    cost=2.0,
    uses_exp=True,
))


# ---------------------------------------------------------------- tanh

def _tanh_atoms(B, u, probe, tag):
    T = B.Atom(f"T{tag}")
    return Atoms({B.tanh(u): T}, {T: lambda z, num: num.tanh(z)}, {"tanh": T})


register(Activation(
    name="tanh",
    formula=r"\tanh(z),\quad \tanh'(z) = 1 - \tanh^2(z)",
    value=lambda B, u: B.tanh(u),
    derivative=lambda B, u: 1 - B.tanh(u) ** 2,
    atoms=_tanh_atoms,
    forward=lambda z, num: num.tanh(z),
    tex=r"\tanh",
    numpy=lambda np: (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    cost=1.2,
))


# ---------------------------------------------------------------- softplus

def _softplus_atoms(B, u, probe, tag):
    S, Q = B.Atom(f"S{tag}"), B.Atom(f"Q{tag}")    # S = log Q, Q = 1 + e^{u}
    e = B.exp(u)
    return Atoms({B.log(1 + e): S, 1 + e: Q, e: Q - 1},
                 {S: lambda z, num: num.log(1 + num.exp(z)),
                  Q: lambda z, num: 1 + num.exp(z)},
                 {"exp": Q - 1, "exp_neg": (Q - 1) ** -1, "log": {Q: S}})


register(Activation(
    name="softplus",
    formula=r"\operatorname{softplus}(z) = \log(1+e^{z}),\quad "
            r"\operatorname{softplus}'(z) = \frac{e^{z}}{1+e^{z}}",
    value=lambda B, u: B.log(1 + B.exp(u)),
    derivative=lambda B, u: B.exp(u) / (1 + B.exp(u)),
    atoms=_softplus_atoms,
    forward=lambda z, num: num.log(1 + num.exp(z)),
    tex=r"\operatorname{softplus}",
    numpy=lambda np: (lambda z: np.log1p(np.exp(z)), lambda z: 1 / (1 + np.exp(-z))),
    cost=2.0,
    uses_exp=True,
))


# ---------------------------------------------------------------- ReLU, leaky ReLU
#
# f(z) = z·(α + (1 - α) H(z)) with H the unit step (α = 0: ReLU, max(0, z); α = 1/100:
# leaky ReLU), H an undefined function `step` to the backends, so that both differentiate
# it by the chain rule. Atoms: H(z) -> an atom whose value is 1 for z > 0 and 0 for z < 0,
# and H'(z) -> 0, its derivative wherever z != 0. So f'(z) = α + (1 - α) H(z): 1 for z > 0,
# α for z < 0. At z = 0 (where f is not differentiable) the step is taken as 0, so
# f'(0) = α (0 for ReLU), as NumPy's np.where(z > 0, 1, α) has it; the proofs hold wherever
# every z^l_j != 0, and witnesses are never taken where some z of such a layer is 0.

LEAK = (1, 100)            # α of the leaky ReLU


def _step(B):
    return B.Function("step")


def _sign_of(z):
    """1 for z > 0, 0 for z < 0 (exact or interval); NotEvaluable at 0 or straddling it."""
    from .arithmetic import NotEvaluable
    lo, hi = (z.a, z.b) if hasattr(z, "_mpi_") else (z, z)
    if lo > 0:
        return 1
    if hi < 0:
        return 0
    raise NotEvaluable("a ReLU input at 0, where f is not differentiable")


def _piecewise(alpha):
    a = alpha

    def value(B, u):
        return u * (B.Rational(*a) + (1 - B.Rational(*a)) * _step(B)(u))

    def derivative(B, u):
        return B.Rational(*a) + (1 - B.Rational(*a)) * _step(B)(u)

    def atoms(B, u, probe, tag):
        H = B.Atom(f"H{tag}")
        h = _step(B)(u)
        dh = B.diff(h, probe)           # the backend's form of H'(u): 0 where u != 0
        return Atoms({h: H, dh: B.zero},
                     {H: lambda z, num: num.const(_sign_of(z), 1)}, {"step": H})

    def forward(z, num):
        return z * (num.const(1, 1) if _sign_of(z) else num.const(*a))

    def numpy(np):
        k = a[0] / a[1]
        return (lambda z: np.where(z > 0, z, z * k), lambda z: np.where(z > 0, 1.0, k))
    return value, derivative, atoms, forward, numpy


for _name, _alpha, _tex, _formula in (
        ("relu", (0, 1), r"\operatorname{ReLU}",
         r"\operatorname{ReLU}(z) = \max(0, z),\quad \operatorname{ReLU}'(z) = H(z) "
         r"\ (1 \text{ for } z > 0,\ 0 \text{ for } z < 0;\ 0 \text{ at } z = 0)"),
        ("leaky-relu", LEAK, r"\operatorname{LReLU}",
         r"\operatorname{LReLU}(z) = \max(z/100, z),\quad \operatorname{LReLU}'(z) = "
         r"1 \text{ for } z > 0,\ 1/100 \text{ for } z < 0 \ (1/100 \text{ at } z = 0)")):
    _pv, _pd, _pa, _pf, _pn = _piecewise(_alpha)
    register(Activation(name=_name, formula=_formula, value=_pv, derivative=_pd, atoms=_pa,
                        forward=_pf, tex=_tex, numpy=_pn, cost=1.5, rational=True, kink=True))


def generic_derivative(B, u, probe):
    """f'(u) for the generic f, in the backend's own canonical form."""
    return B.diff(_f(B)(u), probe)


def derivative(act: Activation, B, u, probe) -> Any:
    """The registry's f'(u); for generic f the backend's form, built through `probe`."""
    if act.is_generic:
        return generic_derivative(B, u, probe)
    return act.derivative(B, u)


def parse_list(spec, layers: int) -> tuple[str, ...]:
    """'f' or 'tanh,linear,f' (one per layer) -> a name for every layer 1..L."""
    if isinstance(spec, str):
        parts = [p.strip() for p in spec.split(",")]
    else:
        parts = [str(p).strip() for p in spec]
    if any(not p for p in parts):
        raise ActivationError(
            f"activation list {spec!r} has an empty entry; expected names such as 'f' or "
            f"'tanh,linear,f'")
    for p in parts:
        get(p)
    if len(parts) == 1:
        return tuple(parts * layers)
    if len(parts) != layers:
        raise ActivationError(
            f"{len(parts)} activations given for {layers} layers; expected one name for all "
            f"layers or exactly {layers}, comma-separated")
    return tuple(parts)
