"""Time `backprop-sym prove` (the whole command: starting Python, the symbolic chain, the
witness search for wrong rules and the cross-validation at five shapes).

    python benchmarks/bench_prove.py            # best of 3 runs each; fails if any > 10 s
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

LIMIT = 10.0
WRONG_RULE = '''
def hidden(q, s, l, j):
    return sum(q.W(l + 1, k, j) * q.delta(s, l + 1, k) for k in q.neurons(l + 1)) * q.fprime(s, l, j)
'''


def command() -> list[str]:
    exe = os.path.join(os.path.dirname(sys.executable), "backprop-sym")
    return [exe] if os.path.exists(exe) else [sys.executable, "-m", "backprop_sym"]


def run(args: list[str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    rc = subprocess.run(command() + ["prove", *args], capture_output=True).returncode
    return time.perf_counter() - t0, rc


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rule = os.path.join(tmp, "wrong.py")
        with open(rule, "w") as fh:
            fh.write(WRONG_RULE)
        cases = [["--activation", a, "--convention", c]
                 for a in ("f", "linear") for c in ("from-to", "to-from")]
        cases += [["--activation", a] for a in ("sigmoid", "tanh", "softplus")]
        cases += [["--rule", f"hidden_delta={rule}:hidden"]]
        print("| command | exit | best wall s |\n|---|---|---|")
        worst = 0.0
        for args in cases:
            times, rc = [], None
            for _ in range(opts.runs):
                t, rc = run(args)
                times.append(t)
            shown = " ".join(a if not a.startswith("hidden_delta=") else "hidden_delta=wrong.py:hidden"
                             for a in args)
            print(f"| prove {shown} | {rc} | {min(times):.2f} |")
            worst = max(worst, min(times))
    print(f"\nslowest: {worst:.2f} s (limit {LIMIT:.0f} s)")
    return 0 if worst < LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
