"""Time `backprop-sym check` on every file in derivations/ (target: under 2 s each with
symengine). Run: python benchmarks/bench_check.py"""
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    files = sorted(p for p in (ROOT / "derivations").rglob("*") if p.is_file())
    slow = 0
    for path in files:
        t0 = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "backprop_sym", "check", str(path),
                              "--backend", "symengine", "--json"], capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        slow += seconds >= 2
        doc = json.loads(run.stdout) if run.stdout.strip().startswith("{") else {}
        print(f"{seconds:6.2f} s wall ({doc.get('seconds', float('nan')):5.2f} s checking)  "
              f"exit {run.returncode}  {path.relative_to(ROOT)}: {doc.get('status', '?')}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
