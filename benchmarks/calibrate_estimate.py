"""Estimated against measured run time of `verify`, over wide, deep and square shapes.

    python benchmarks/calibrate_estimate.py               # symengine, one process, ~2 min
    python benchmarks/calibrate_estimate.py --backend sympy --quick
    python benchmarks/calibrate_estimate.py --fit         # also least-squares COST terms

Each shape is verified once in this process with jobs=1 (the estimate's own unit; the
parallel estimate divides it). "ratio" is measured / estimated: the estimate is meant to
within a factor of about 2. With --fit, the three cost coefficients of
`engine/estimate.py` (per check, per check and cost node, per expanded term) are fitted
to the measurements (least squares on the relative error, no negative coefficient).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_sym.engine.backends import default_backend_name  # noqa: E402
from backprop_sym.engine.estimate import (checks, cost_nodes, estimate_seconds,  # noqa: E402
                                          expanded_terms)
from backprop_sym.engine.network import Shape  # noqa: E402
from backprop_sym.engine.verify import verify  # noqa: E402

SHAPES = [  # (widths, activation): wide and shallow, deep and narrow, square, mixed
    ("20,20", "f"), ("40,40", "f"), ("60,60", "f"), ("80,80", "f"), ("10,80", "f"),
    ("20,20,20", "f"), ("30,30,30", "f"), ("10,10,10,10", "f"),
    ("3,3,3,3,3,3,3", "f"), ("4,4,4,4,4,4", "f"), ("6,6,6,6,6", "f"), ("8,8,8,8,8", "f"),
    ("5,5,5,5", "sigmoid"), ("5,5,5,5", "tanh"), ("20,20", "softplus"),
]
QUICK = [("20,20", "f"), ("40,40", "f"), ("20,20,20", "f"), ("4,4,4,4,4,4", "f"),
         ("6,6,6,6,6", "f"), ("5,5,5,5", "tanh")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default=default_backend_name())
    ap.add_argument("--quick", action="store_true", help="a handful of small shapes")
    ap.add_argument("--fit", action="store_true", help="fit the cost coefficients")
    ap.add_argument("--max", type=float, default=40.0, metavar="SECONDS",
                    help="skip shapes estimated above this (default 40)")
    args = ap.parse_args()
    rows = []
    print("| shape | activation | checks | estimated s | measured s | ratio |")
    print("|---|---|---|---|---|---|")
    for widths, act in QUICK if args.quick else SHAPES:
        shape = Shape.make(widths, act)
        est = estimate_seconds(shape, args.backend, jobs=1)
        if est > args.max:
            print(f"| {widths} | {act} | {checks(shape)} | {est:.1f} | skipped | |")
            continue
        t0 = time.perf_counter()
        result = verify(shape, backend=args.backend, jobs=1)
        took = time.perf_counter() - t0
        assert result.status == "proved", result.summary()
        rows.append((shape, took))
        print(f"| {widths} | {act} | {checks(shape)} | {est:.2f} | {took:.2f} | "
              f"{took / est:.2f} |", flush=True)
    if args.fit:
        fit(rows)


def fit(rows) -> None:
    """Least squares on the relative error (each row divided by its time); a coefficient
    that comes out negative is dropped and the rest refitted."""
    import numpy as np
    from backprop_sym.engine.estimate import activation_factor
    X = []
    for shape, took in rows:
        factor = activation_factor(shape)
        X.append([checks(shape) / took, checks(shape) * cost_nodes(shape) / took,
                  expanded_terms(shape) * factor / took])
    X, y, keep = np.array(X), np.ones(len(rows)), [0, 1, 2]
    while True:
        coef = np.linalg.lstsq(X[:, keep], y, rcond=None)[0]
        if (coef >= 0).all():
            break
        keep.pop(int(np.argmin(coef)))
    full = [0.0] * 3
    for k, c in zip(keep, coef):
        full[k] = float(c)
    print("fitted (per check, per check and cost node, per expanded term):",
          ", ".join(f"{c:.3g}" for c in full))


if __name__ == "__main__":
    main()
