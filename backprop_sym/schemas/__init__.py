"""JSON Schemas (draft 2020-12) of every `--json` document: verify, check, grade, prove and
report, with the definitions they share (the network, the witness) in `common`.

    from backprop_sym.schemas import schema
    schema("verify")          # the schema of `backprop-sym verify --json`, as a dict

Each document's `$id` is its file name, so a validator resolves the `$ref`s between them
from `schemas()` (with jsonschema: a `referencing.Registry` of these).
"""
from __future__ import annotations

import json
from importlib.resources import files

VERSION = 2          # every document's schema_version
NAMES = ("verify", "check", "grade", "prove", "report")


def schema(name: str) -> dict:
    """The schema of `backprop-sym NAME --json` (or 'common')."""
    if name not in (*NAMES, "common"):
        raise ValueError(f"no schema {name!r}; expected one of {', '.join(NAMES)} or common")
    return json.loads(files(__name__).joinpath(f"{name}.schema.json").read_text("utf-8"))


def schemas() -> dict[str, dict]:
    """Every schema by its `$id`."""
    out = [schema(n) for n in (*NAMES, "common")]
    return {s["$id"]: s for s in out}
