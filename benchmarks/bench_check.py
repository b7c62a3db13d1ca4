"""Time `backprop-sym check` on documents: by default every file in derivations/ (target:
under 2 s each with symengine); or the files and folders given, with the check options
after `--` (target: under 3 s each), e.g.

    python benchmarks/bench_check.py                       # derivations/, 2 s each
    python benchmarks/bench_check.py notes/ -- --convention to-from

Each file is checked once to warm the disk cache, then timed (wall time of the whole
command, Python's start-up included, and the `seconds` the check itself reports)."""
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = {".md", ".tex", ".ipynb", ".html", ".htm", ".markdown", ".txt"}


def documents(args: list[str]) -> list[Path]:
    out: list[Path] = []
    for arg in args:
        p = Path(arg)
        out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in SUFFIXES) \
            if p.is_dir() else [p]
    return out


def main(argv: list[str]) -> int:
    given, options = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv \
        else (argv, [])
    files = documents(given) if given else sorted(
        p for p in (ROOT / "derivations").rglob("*") if p.is_file())
    limit = 3.0 if given else 2.0
    slow = 0
    for path in files:
        cmd = [sys.executable, "-m", "backprop_sym", "check", str(path), "--backend",
               "symengine", "--json", *options]
        subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)      # warm
        t0 = time.perf_counter()
        run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        seconds = time.perf_counter() - t0
        slow += seconds >= limit
        doc = json.loads(run.stdout) if run.stdout.strip().startswith("{") else {}
        print(f"{seconds:6.2f} s wall ({doc.get('seconds', float('nan')):5.2f} s checking)  "
              f"exit {run.returncode}  {path.name}: {doc.get('status', '?')}")
    print(f"{len(files)} file(s), {slow} at or over {limit:g} s")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
