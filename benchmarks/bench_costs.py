"""Time `backprop-sym verify --widths 4,4,4,4 --cost NAME` for every registered cost, side by
side with `half-squared` in one run (issue 21: each within 2x of today's time).

    python benchmarks/bench_costs.py                    # best of 3 each, generic f
    python benchmarks/bench_costs.py --activation sigmoid --runs 5

Each run is the whole command in a process of its own (starting Python included), the
runs of all costs interleaved so that a change in the machine's load touches them alike.
Exit status 1 when a cost is over 2x the half-squared time or not proved.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

LIMIT = 2.0


def command() -> list[str]:
    exe = os.path.join(os.path.dirname(sys.executable), "backprop-sym")
    return [exe] if os.path.exists(exe) else [sys.executable, "-m", "backprop_sym"]


def run(args: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(command() + ["verify", *args, "--json"], capture_output=True,
                         text=True)
    seconds = time.perf_counter() - t0
    try:
        status = json.loads(out.stdout)["status"]
    except (ValueError, KeyError):
        status = f"exit {out.returncode}"
    return seconds, status


def main() -> int:
    from backprop_sym.engine import costs
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--widths", default="4,4,4,4")
    ap.add_argument("--activation", default="f")
    ap.add_argument("--jobs", default="1")
    opts = ap.parse_args()
    names = costs.names()
    times: dict[str, list[float]] = {n: [] for n in names}
    status: dict[str, str] = {}
    for _ in range(opts.runs):
        for name in names:
            t, status[name] = run(["--widths", opts.widths, "--activation", opts.activation,
                                   "--jobs", opts.jobs, "--cost", name])
            times[name].append(t)
    base = min(times[costs.DEFAULT])
    print(f"verify --widths {opts.widths} --activation {opts.activation} --jobs {opts.jobs}"
          f" (best of {opts.runs}, wall seconds)\n")
    print("| cost | status | best s | ratio to half-squared |\n|---|---|---|---|")
    ok = True
    for name in names:
        best = min(times[name])
        ratio = best / base
        ok &= ratio <= LIMIT and status[name] == "proved"
        print(f"| {name} | {status[name]} | {best:.2f} | {ratio:.2f} |")
    print(f"\nlimit: {LIMIT:.0f}x the half-squared time")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
