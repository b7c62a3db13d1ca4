"""The forward pass, written once.

    a^0_k = x_k,   z^l_j = Σ_k a^{l-1}_k w^l(k→j) + b^l_j,   a^l_j = f_l(z^l_j)

It is generic in the kind of number: SymPy or SymEngine expressions, Fractions, exact or
interval arithmetic, NumPy scalars. The caller says how to read a weight (physically,
from neuron k of layer l-1 to neuron j of layer l, whatever the index convention), a bias
and the activation of a layer; every module that needs z or a asks this one.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def forward(widths: Sequence[int], inputs: Sequence[Any],
            weight: Callable[[int, int, int], Any], bias: Callable[[int, int], Any],
            activate: Callable[[int, Any], Any], zero: Any = 0
            ) -> tuple[dict[tuple[int, int], Any], dict[tuple[int, int], Any]]:
    """(z, a) of one example, keyed (layer, neuron) with 1-based neurons; a[0, k] = x_k.

    `weight(l, k, j)` is the weight from neuron k of layer l-1 to neuron j of layer l;
    `bias(l, j)` is b^l_j (a caller adds a probe there); `activate(l, z)` is f_l(z).
    Each sum starts from `zero`, so that a backend's own zero keeps the expression's type.
    """
    if len(inputs) != widths[0]:
        raise ValueError(f"the input has {len(inputs)} entries; the network expects "
                         f"{widths[0]}")
    z: dict[tuple[int, int], Any] = {}
    a: dict[tuple[int, int], Any] = {(0, k): v for k, v in enumerate(inputs, 1)}
    for l in range(1, len(widths)):
        for j in range(1, widths[l] + 1):
            z[l, j] = sum((a[l - 1, k] * weight(l, k, j) for k in range(1, widths[l - 1] + 1)),
                          zero) + bias(l, j)
            a[l, j] = activate(l, z[l, j])
    return z, a
