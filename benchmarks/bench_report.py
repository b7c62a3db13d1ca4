"""Pages and seconds of `backprop-sym report` (checks, rendering and the PDF build), and
whether 8,8,8,8,8 keeps the budget: under 20 pages and under 20 s.

    python benchmarks/bench_report.py
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHAPES = [["--widths", "2,3,2"], ["--depth", "5", "--width", "2"], ["--widths", "8,8,8,8,8"]]
BUDGET = {"pages": 20, "seconds": 20.0}        # for the last shape, 8,8,8,8,8


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(next(l.split()[-1] for l in info.splitlines() if l.startswith("Pages:")))


def main() -> None:
    print("| shape | pages | seconds |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for k, args in enumerate(SHAPES):
            out = Path(tmp) / f"r{k}.pdf"
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "backprop_sym", "report", *args, "--activation",
                            "f", "--out", str(out)], check=False, capture_output=True)
            seconds = time.perf_counter() - t0
            n = pages(out)
            print(f"| {' '.join(args)} | {n} | {seconds:.1f} |")
        within = n < BUDGET["pages"] and seconds < BUDGET["seconds"]
        print(f"\n8,8,8,8,8 within the budget (< {BUDGET['pages']} pages, "
              f"< {BUDGET['seconds']:g} s): {'yes' if within else 'NO'}")


if __name__ == "__main__":
    main()
