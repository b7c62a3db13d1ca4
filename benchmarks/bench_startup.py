"""How long `backprop-sym --help` and usage errors take to answer (target: under 0.2 s),
beside `python -c pass` in the same run. Median of several runs, in a fresh process each.
Run: python benchmarks/bench_startup.py"""
import statistics
import subprocess
import sys
import time

RUNS = 7
CASES = [
    ("python -c pass", [sys.executable, "-c", "pass"]),
    ("backprop-sym --help", [sys.executable, "-m", "backprop_sym", "--help"]),
    ("backprop-sym verify --help", [sys.executable, "-m", "backprop_sym", "verify", "--help"]),
    ("backprop-sym check --help", [sys.executable, "-m", "backprop_sym", "check", "--help"]),
    ("verify --widths 2,x (usage error)",
     [sys.executable, "-m", "backprop_sym", "verify", "--widths", "2,x"]),
    ("check --claim x --shapes 2,y (usage error)",
     [sys.executable, "-m", "backprop_sym", "check", "--claim", "x", "--shapes", "2,y"]),
    ("report --out /no/such/dir/r.pdf (usage error)",
     [sys.executable, "-m", "backprop_sym", "report", "--widths", "2,2", "--out",
      "/no/such/dir/r.pdf"]),
    ("verify --widths 2,2 (real work, for scale)",
     [sys.executable, "-m", "backprop_sym", "verify", "--widths", "2,2"]),
]


def median_seconds(cmd) -> float:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    slow = 0
    base = None
    for label, cmd in CASES:
        t = median_seconds(cmd)
        base = t if base is None else base
        target = "" if "real work" in label or label.startswith("python") else \
            ("  ok" if t < 0.2 else "  over 0.2 s")
        slow += target == "  over 0.2 s"
        print(f"{t:6.3f} s  ({t / base:4.1f}x python -c pass)  {label}{target}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
