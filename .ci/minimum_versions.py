"""Print the declared minimum of every dependency (core, test and fast extras) as a pin,
one per line, so that CI can install exactly the lower bounds pyproject.toml promises."""
import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads(Path(__file__).resolve().parent.parent.joinpath("pyproject.toml")
                        .read_text(encoding="utf-8"))["project"]
extras = sys.argv[1:] or ["test", "fast"]
requirements = list(project["dependencies"])
for extra in extras:
    requirements += project["optional-dependencies"][extra]
pins = {}
for req in requirements:
    m = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+(?:\[[A-Za-z0-9_,.\-]+\])?)\s*>=\s*([^,;\s]+)"
                     r"\s*(;.*)?", req)
    if not m:
        sys.exit(f"minimum_versions: cannot read a lower bound from {req!r}")
    marker = f" ;{m.group(3)[1:]}" if m.group(3) else ""
    pins[m.group(1).lower()] = f"{m.group(2)}{marker}"
print("\n".join(f"{name}=={version}" for name, version in sorted(pins.items())))
