"""A convention neither given nor read is open (issue 18, class 5): a claim whose verdict
depends on it is unknown, naming both; the same verdict under both stands."""
from __future__ import annotations

import json

import pytest

from backprop_sym.claims.check import check_file, check_text, document, make_options
from backprop_sym.engine.vocabulary import Status
from backprop_sym.schemas import schema, schemas

HIDDEN = r"\delta^l = (W^{l+1}\delta^{l+1}) \odot f'(z^l)"       # from-to right, to-from wrong
HIDDEN_J = r"\Delta^l_j = \sum_k w^{l+1}_{kj} \Delta^{l+1}_k f'(z^l_j)"   # to-from right
OUTPUT = r"\delta^L = (a^L - y) \odot f'(z^L)"
Z_FROM_TO = r"z^l = (W^l)^T a^{l-1} + b^l"
Z_TO_FROM = r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j"


def tex(*eqs):
    body = "\n".join(f"Some words.\n\\begin{{equation}}\n{e}\n\\end{{equation}}" for e in eqs)
    return f"\\documentclass{{article}}\n\\begin{{document}}\n{body}\n\\end{{document}}\n"


def md(*eqs):
    return "\n\n".join(f"Some words.\n\n$$\n{e}\n$$" for e in eqs) + "\n"


def ipynb(*eqs):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": f"Some words.\n\n$$\n{e}\n$$"}
             for e in eqs]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


KINDS = {"tex": tex, "md": md, "ipynb": ipynb}


def run(tmp_path, ext, *eqs, **options):
    path = tmp_path / f"hw.{ext}"
    path.write_text(KINDS[ext](*eqs), encoding="utf-8")
    return check_file(path, **options)


def by_latex(claims, needle):
    (c,) = [c for c in claims if needle in c["latex"]]
    return c


@pytest.mark.parametrize("ext", KINDS)
@pytest.mark.parametrize("claim,holds,fails", [(HIDDEN, "from-to", "to-from"),
                                               (HIDDEN_J, "to-from", "from-to")])
def test_a_verdict_that_depends_on_the_open_convention_is_unknown_naming_both(
        tmp_path, ext, claim, holds, fails):
    claims = run(tmp_path, ext, OUTPUT, claim)
    c = by_latex(claims, "l+1")
    assert c["status"] == Status.UNKNOWN, c
    assert f"holds under {holds}" in c["reason"] and f"fails under {fails}" in c["reason"], c
    assert c["witness"] is None
    assert c["conventions"] == {holds: "proved", fails: "refuted"}
    assert claims.notes["convention_open"] is True


@pytest.mark.parametrize("ext", KINDS)
def test_the_convention_given_or_read_decides(tmp_path, ext):
    c = by_latex(run(tmp_path, ext, OUTPUT, HIDDEN, convention="from-to"), "l+1")
    assert c["status"] == Status.PROVED and "conventions" not in c, c
    c = by_latex(run(tmp_path, ext, OUTPUT, HIDDEN, convention="to-from"), "l+1")
    assert c["status"] == Status.REFUTED, c
    claims = run(tmp_path, ext, Z_FROM_TO, OUTPUT, HIDDEN)
    c = by_latex(claims, "l+1")
    assert c["status"] == Status.PROVED and "conventions" not in c, c
    assert not claims.notes["convention_open"]
    c = by_latex(run(tmp_path, ext, Z_TO_FROM, OUTPUT, HIDDEN_J), "l+1")
    assert c["status"] == Status.PROVED, c


def test_the_same_verdict_under_both_stands():
    text = md(OUTPUT, r"\frac{\partial C}{\partial w^l_{jk}} = \frac{\partial C}{\partial w^l_{jk}}",
              r"\frac{\partial C}{\partial b^l_j} = 2 \Delta^l_j + 0 w^l_{11}")
    claims = check_text(text)
    assert [c["status"] for c in claims] == [Status.PROVED, Status.PROVED, Status.REFUTED]
    assert "conventions" not in claims[0]                 # no weight: checked once
    assert claims[1]["conventions"] == {"from-to": "proved", "to-from": "proved"}
    assert claims[2]["conventions"] == {"from-to": "refuted", "to-from": "refuted"}
    assert claims[2]["witness"]


def test_the_json_records_the_open_convention_and_validates(tmp_path):
    import jsonschema
    from referencing import Registry, Resource
    registry = Registry().with_resources(
        (uri, Resource.from_contents(s)) for uri, s in schemas().items())
    claims = run(tmp_path, "md", OUTPUT, HIDDEN)
    doc = document(tmp_path / "hw.md", claims, make_options())
    assert doc["convention_open"] is True
    doc = json.loads(json.dumps(doc, default=str))
    jsonschema.Draft202012Validator(schema("check"), registry=registry).validate(doc)
