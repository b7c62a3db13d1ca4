"""The plain-SymPy baseline and backprop-sym on the same shapes, in one run.

    python benchmarks/bench.py                 # the table of the README, and speed.png
    python benchmarks/bench.py --quick         # small shapes only, a minute or so

The baseline is what a user writes by hand: the explicit network with a nested generic
f, and for every weight and bias p, `sympy.expand(sympy.diff(C, p) - rule)` with the
rule built from the same explicit expressions (f' as `f(t).diff(t).subs(t, z)`). It
checks the parameters only (the tool also checks every Δ). It is skipped above
--baseline-max seconds of estimated run time, with a note.

The tool runs as a user runs it: `python -m backprop_sym verify --json` in a fresh
process (default --jobs). "tool s" is the time the JSON reports (from the start of
`verify` to its result: building, differentiating, comparing; the baseline's time is
measured the same way, both without importing Python packages), "wall s" the whole
command with Python's start-up, "peak MiB" the command's peak resident memory. Each
tool time is the best of --repeat runs (other work on the machine makes single runs
noisy); the baseline runs once.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import sympy

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from backprop_sym.engine.backends import symengine_available  # noqa: E402
from backprop_sym.engine.estimate import checks, estimate_seconds, expanded_terms  # noqa: E402
from backprop_sym.engine.network import Shape  # noqa: E402

# ---------------------------------------------------------------- the baseline


def baseline(widths) -> tuple[int, int]:
    """Plain SymPy, generic f: (parameters proved, parameters checked)."""
    n, L = widths, len(widths) - 1
    f, t = sympy.Function("f"), sympy.Symbol("t")

    def fp(u):
        return f(t).diff(t).subs(t, u)

    x = [sympy.Symbol(f"x_{k}") for k in range(1, n[0] + 1)]
    y = [sympy.Symbol(f"y_{j}") for j in range(1, n[L] + 1)]
    W = {l: [[sympy.Symbol(f"w^{l}_{k}{j}") for j in range(1, n[l] + 1)]
             for k in range(1, n[l - 1] + 1)] for l in range(1, L + 1)}
    b = {l: [sympy.Symbol(f"b^{l}_{j}") for j in range(1, n[l] + 1)] for l in range(1, L + 1)}
    a, z = {0: x}, {}
    for l in range(1, L + 1):
        z[l] = [sum(a[l - 1][k] * W[l][k][j] for k in range(n[l - 1])) + b[l][j]
                for j in range(n[l])]
        a[l] = [f(u) for u in z[l]]
    C = sympy.Rational(1, 2) * sum((a[L][j] - y[j]) ** 2 for j in range(n[L]))
    d = {L: [(a[L][j] - y[j]) * fp(z[L][j]) for j in range(n[L])]}
    for l in range(L - 1, 0, -1):
        d[l] = [sum(W[l + 1][j][k] * d[l + 1][k] for k in range(n[l + 1])) * fp(z[l][j])
                for j in range(n[l])]
    proved = total = 0
    for l in range(1, L + 1):
        for k in range(n[l - 1]):
            for j in range(n[l]):
                proved += sympy.expand(sympy.diff(C, W[l][k][j]) - a[l - 1][k] * d[l][j]) == 0
                total += 1
        for j in range(n[l]):
            proved += sympy.expand(sympy.diff(C, b[l][j]) - d[l][j]) == 0
            total += 1
    return proved, total


def baseline_estimate(shape: Shape) -> float:
    """Measured here: 4 s at 3,3,3,3, 26 s at 3,3,3,3,3, 205 s at 3,3,3,3,3,3 — about
    the 1.5th power of the number of expanded terms."""
    return 26.0 * (expanded_terms(shape) / 8190) ** 1.5


# ---------------------------------------------------------------- the tool

def tool(widths: str, activation: str, backend: str) -> dict:
    """One `verify --json` in a fresh process: engine seconds, wall seconds, peak MiB."""
    cmd = [sys.executable, "-m", "backprop_sym", "verify", "--widths", widths,
           "--activation", activation, "--backend", backend, "--json"]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    doc = json.loads(out)
    return {"seconds": doc["seconds"], "wall": wall, "status": doc["status"],
            "counts": doc["counts"], "mib": usage.ru_maxrss / 1024}


def best_of(n: int, *args) -> dict:
    runs = [tool(*args) for _ in range(n)]
    best = min(runs, key=lambda r: r["seconds"])
    best["mib"] = max(r["mib"] for r in runs)
    return best


# ---------------------------------------------------------------- the run

DEPTH = ["3,3,3", "3,3,3,3", "3,3,3,3,3", "3,3,3,3,3,3", "3,3,3,3,3,3,3"]
WIDTH = ["2,2,2,2,2", "3,3,3,3,3", "4,4,4,4,4", "5,5,5,5,5", "6,6,6,6,6", "8,8,8,8,8"]
ACTS = ["f", "linear", "sigmoid", "tanh", "softplus"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small shapes only")
    ap.add_argument("--baseline-max", type=float, default=240.0, metavar="SECONDS",
                    help="skip the baseline where it is estimated to take longer")
    ap.add_argument("--sympy-max", type=float, default=60.0, metavar="SECONDS",
                    help="skip the tool's SymPy backend where it is estimated to take longer")
    ap.add_argument("--repeat", type=int, default=3, help="tool runs per cell (best counts)")
    ap.add_argument("--plot", default=str(HERE / "speed.png"), help="PNG to write ('' for none)")
    args = ap.parse_args(argv)

    depth, width = (DEPTH[:3], WIDTH[:3]) if args.quick else (DEPTH, WIDTH)
    rows = [(w, "f") for w in dict.fromkeys(depth + width + ["3,3,3,3"])]
    rows.sort(key=lambda r: expanded_terms(Shape.make(r[0])))
    rows += [("4,4,4,4", a) for a in ACTS]
    backends = ["symengine", "sympy"] if symengine_available() else ["sympy"]

    print(f"# backprop-sym benchmark: {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, SymPy "
          f"{sympy.__version__}" + (f", SymEngine {__import__('symengine').__version__}"
                                    if "symengine" in backends else ", no SymEngine"))
    print(f"# command: python benchmarks/bench.py{' --quick' if args.quick else ''}")
    head = ["shape", "activation", "checks", "baseline s"] + \
        [f"tool s ({b})" for b in backends] + ["ratio", "wall s", "peak MiB", "verdict"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    results, notes = [], []
    for widths, act in rows:
        shape = Shape.make(widths, act)
        base = None
        if act == "f":
            if baseline_estimate(shape) <= args.baseline_max:
                t0 = time.perf_counter()
                proved, total = baseline(shape.widths)
                base = time.perf_counter() - t0
                assert proved == total, f"baseline did not prove {widths}"
            else:
                notes.append(f"{widths}: baseline skipped, estimated "
                             f"{baseline_estimate(shape) / 60:.0f} min")
        cells = {}
        for b in backends:
            if b == "sympy" and estimate_seconds(shape, "sympy") > args.sympy_max:
                notes.append(f"{widths} {act}: SymPy backend skipped, estimated "
                             f"{estimate_seconds(shape, 'sympy'):.0f} s")
                continue
            cells[b] = best_of(args.repeat, widths, act, b)
        first = cells[backends[0]]
        ratio = f"{base / first['seconds']:.0f}x" if base and first["seconds"] else "-"
        statuses = {c["status"] for c in cells.values()}
        line = [widths, act, str(checks(shape)), f"{base:.2f}" if base else "-"] + \
            [f"{cells[b]['seconds']:.3f}" if b in cells else "-" for b in backends] + \
            [ratio, f"{first['wall']:.2f}", f"{first['mib']:.0f}", "/".join(sorted(statuses))]
        print("| " + " | ".join(line) + " |", flush=True)
        results.append((shape, act, base, cells))
    if len(backends) == 2:
        ratios = [(s, base / c["sympy"]["seconds"]) for s, a, base, c in results
                  if base and "sympy" in c]
        for s, r in ratios:
            notes.append(f"{','.join(map(str, s.widths))}: SymPy backend {r:.0f}x the baseline")
    notes.append("tool s: time inside verify (as the baseline's); wall s adds starting Python "
                 "and importing SymPy/SymEngine, about 0.6-0.8 s of it; ratio = baseline s / "
                 f"tool s ({backends[0]})")
    for n in notes:
        print(f"- {n}")
    if args.plot:
        plot(results, backends, args.plot)
        print(f"- plot: {os.path.relpath(args.plot, ROOT)}")
    return 0


def plot(results, backends, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("- no plot: matplotlib is not installed (pip install 'backprop-sym[bench]')")
        return
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    series = [("depth L (width 3)", lambda s: len(set(s.widths)) == 1 and s.widths[0] == 3,
               lambda s: s.L),
              ("width n (L = 4)", lambda s: len(set(s.widths)) == 1 and s.L == 4,
               lambda s: s.widths[0])]
    for ax, (label, keep, xval) in zip(axes, series):
        pts = sorted((xval(s), base, cells) for s, act, base, cells in results
                     if act == "f" and keep(s))
        xs = [p[0] for p in pts]
        ax.plot([x for x, b, _ in pts if b], [b for _, b, _ in pts if b], "o-",
                label="plain SymPy (expand(diff(C, p) - rule))", color="grey")
        for b, style in zip(backends, ("s-", "^-")):
            ax.plot([x for x, _, c in pts if b in c], [c[b]["seconds"] for _, _, c in pts
                                                       if b in c], style,
                    label=f"backprop-sym, {b}")
        ax.set_yscale("log")
        ax.set_xlabel(label)
        ax.set_xticks(xs)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("seconds (all rules, generic f, N = 1)")
    axes[0].legend(fontsize=8)
    fig.suptitle("Exact proof of the four backprop rules: time against depth and width")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    sys.exit(main())
