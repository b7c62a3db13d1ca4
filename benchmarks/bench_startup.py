"""Time the answers that need no proof: `--help`, `verify --help` and a usage error
(target: under 0.2 s each), beside `python -c pass`, as the median of several runs.
Run: python benchmarks/bench_startup.py [RUNS]"""
import statistics
import subprocess
import sys
import time

TARGET_SECONDS = 0.2
CASES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "backprop-sym --help": [sys.executable, "-m", "backprop_sym", "--help"],
    "backprop-sym verify --help": [sys.executable, "-m", "backprop_sym", "verify", "--help"],
    "backprop-sym verify --widths 2,x": [sys.executable, "-m", "backprop_sym", "verify",
                                         "--widths", "2,x"],
}


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(command, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    slow = 0
    for name, command in CASES.items():
        seconds = median_seconds(command, runs)
        over = name != "python -c pass" and seconds >= TARGET_SECONDS
        slow += over
        print(f"{seconds:6.3f} s  {name}{'  (over ' + str(TARGET_SECONDS) + ' s)' if over else ''}")
    print(f"median of {runs} runs each")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
