"""Pages and seconds of `backprop-sym report` (checks, rendering and the PDF build), and
whether 8,8,8,8,8 keeps the budget: under 20 pages and under 20 s.

    python benchmarks/bench_report.py
    python benchmarks/bench_report.py --cost [--old /work/main]
    python benchmarks/bench_report.py --phases

`--cost`: wall seconds, CPU seconds of the whole process tree (user + system: what a
busy machine's load does not change much) and peak RSS (the largest process of the run's tree, from
getrusage(RUSAGE_CHILDREN) of a fresh parent per command) of `report --depth 5 --width 8`
and of `verify --depth 5 --width 8` with a linear and a generic f, for this checkout and,
with `--old DIR`, side by side for the code in DIR (run with PYTHONPATH=DIR); each row
also prints the estimate the command warns with. `--phases`: where a report's time goes
(checks, symbolic proof, worked instance, collapse, the rest of rendering, the PDF build),
in this process, next to the estimate's parts (`engine.estimate.report_seconds`).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
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


# ---------------------------------------------------------------- --cost

COST_COMMANDS = [
    ("report --depth 5 --width 8", ["report", "--depth", "5", "--width", "8", "--activation", "f",
                                     "--force", "--out"]),
    ("verify --depth 5 --width 8 --activation linear",
     ["verify", "--depth", "5", "--width", "8", "--activation", "linear"]),
    ("verify --depth 5 --width 8 --activation f",
     ["verify", "--depth", "5", "--width", "8", "--activation", "f"]),
]
BUDGET_COST = {"seconds": 20.0, "MB": 500.0}      # report --depth 5 --width 8

# a fresh parent per command, so that RUSAGE_CHILDREN holds that command's tree only
MEASURE = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": time.perf_counter() - t, "MB": r.ru_maxrss / 1024,
                  "cpu": r.ru_utime + r.ru_stime,
                  "code": p.returncode, "out": p.stdout.strip().splitlines()[-1:],
                  "warning": [l for l in p.stderr.splitlines() if "may take" in l]}))
"""


def measure(args: list[str], code_dir: str | None, cwd: str) -> dict:
    """One command in a fresh parent; `code_dir`: the package imported from there (run
    from `cwd`, never from a checkout, since `-m` puts the current directory first)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if code_dir:
        env["PYTHONPATH"] = code_dir
    cmd = [sys.executable, "-c", MEASURE, sys.executable, "-m", "backprop_sym", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True, cwd=cwd)
    return json.loads(done.stdout)


def cost(old: str | None) -> None:
    import platform
    print(f"# {platform.machine()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start")
    print("| command | code | seconds | CPU s | peak MB | verdict | estimate warned |\n"
          "|---|---|---|---|---|---|---|")
    runs = [("old", os.path.abspath(old)), ("new", None)] if old else [("new", None)]
    report_new = None
    with tempfile.TemporaryDirectory() as tmp:
        for label, args in COST_COMMANDS:
            for name, where in runs:
                full = [*args, str(Path(tmp) / "r.pdf")] if args[0] == "report" else args
                m = measure(full, where, tmp)
                warned = m["warning"][0].split("take about ")[-1].split(" with")[0] \
                    if m["warning"] else "-"
                verdict = m["out"][0].split(": ", 1)[-1].split(" (")[0] if m["out"] \
                    else f"exit {m['code']}"
                print(f"| {label} | {name} | {m['seconds']:.1f} | {m['cpu']:.1f} | {m['MB']:.0f} "
                      f"| {verdict} "
                      f"| {warned} |", flush=True)
                if args[0] == "report" and name == "new":
                    report_new = m
    if report_new is not None:
        ok = report_new["seconds"] < BUDGET_COST["seconds"] and \
            report_new["MB"] < BUDGET_COST["MB"]
        print(f"\nreport --depth 5 --width 8 within < {BUDGET_COST['seconds']:g} s and "
              f"< {BUDGET_COST['MB']:g} MB: {'yes' if ok else 'NO'}")
        # wall time at a high load says little: the CPU seconds of the whole tree bound
        # what an idle machine takes (less, with the second core)
        fits = report_new["cpu"] < BUDGET_COST["seconds"] and \
            report_new["MB"] < BUDGET_COST["MB"]
        print(f"its CPU seconds ({report_new['cpu']:.1f}) and peak MB within the budget "
              f"(an idle machine's wall time is at most about its CPU time; load average "
              f"{os.getloadavg()[0]:.1f} now): {'yes' if fits else 'NO'}")


# ---------------------------------------------------------------- --phases

PHASE_SHAPES = [[2, 3, 2], [2] * 6, [8] * 5, [8] * 6]


def phases() -> None:
    from backprop_sym.engine.estimate import report_seconds
    from backprop_sym.engine.network import Shape
    from backprop_sym.report import latex, render, theorem
    spent: dict = defaultdict(float)

    def timed(module, name, part):
        fn = getattr(module, name)

        def wrapped(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[part] += time.perf_counter() - t
        setattr(module, name, wrapped)
    timed(render, "verify", "checks")
    timed(theorem, "proof_for", "proof")
    timed(theorem, "worked_instance", "worked")
    timed(theorem, "collapse", "collapse")
    print("| shape | part | measured s | estimated s |\n|---|---|---|---|")
    for widths in PHASE_SHAPES:
        spent.clear()
        shape = Shape.make(widths, "f")
        t = time.perf_counter()
        rep = render.make_report(shape, backend="symengine", jobs=os.cpu_count())
        spent["render"] = time.perf_counter() - t - sum(spent.values())
        t = time.perf_counter()
        latex.build_pdf(rep.tex, source_name="phases.tex")
        spent["tex"] = time.perf_counter() - t
        est = report_seconds(render.theorem_shapes(shape), "symengine", os.cpu_count())
        for part in ("checks", "proof", "worked", "collapse", "render", "tex"):
            print(f"| {','.join(map(str, widths))} | {part} | {spent[part]:.2f} | "
                  f"{est[part]:.2f} |", flush=True)


if __name__ == "__main__":
    if "--cost" in sys.argv:
        at = sys.argv.index("--old") if "--old" in sys.argv else None
        cost(sys.argv[at + 1] if at is not None else None)
    elif "--phases" in sys.argv:
        phases()
    else:
        main()
