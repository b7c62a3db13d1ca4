"""Rule labels in a report: one numbering everywhere (Nielsen's: BP3 is ∂C/∂b, BP4 is ∂C/∂w),
in the proof chain and on the summary page alike, all taken from the vocabulary."""
from __future__ import annotations

import re

import pytest

from backprop_sym.engine.network import Shape
from backprop_sym.report import render

# the quantity each of Nielsen's labels belongs to: its rule kind and the parameter of ∂C/∂p
NIELSEN = {"BP1": ("output_delta", None), "BP2": ("hidden_delta", None),
           "BP3": ("bias_grad", "b"), "BP4": ("weight_grad", "w")}


@pytest.fixture(scope="module")
def source() -> str:
    return render.make_report(Shape.make("2,2", "f"), date="2000-01-01").tex


def chain_items(tex: str) -> list[tuple[str, str, str]]:
    """(label, the rule named on the item's line, the item's text up to the next item)."""
    out = []
    parts = re.split(r"(?=\\item\[)", tex)
    for part in parts:
        m = re.match(r"\\item\[\((BP\d)\)\][^\n]*\\texttt\{(\w+)\\_(\w+)\}", part)
        if m:
            out.append((m.group(1), f"{m.group(2)}_{m.group(3)}",
                        part.split(r"\end{align*}")[0]))
    return out


def test_the_chain_labels_each_rule_by_nielsens_number(source):
    items = chain_items(source)
    assert {label for label, _, _ in items} == set(NIELSEN)
    for label, rule, text in items:
        kind, param = NIELSEN[label]
        assert rule == kind, (label, rule)
        if param:
            assert rf"\partial {param}^{{l}}" in text, (label, text)


def test_the_summary_tags_each_rule_by_nielsens_number(source):
    tagged = [line for line in source.splitlines() if re.search(r"\\tag\*\{[^}]*BP\d", line)]
    assert len(tagged) == 16                 # 4 rules, index and vector form, 2 conventions
    for line in tagged:
        label = re.search(r"BP\d", line).group(0)
        _, param = NIELSEN[label]
        if param:
            assert rf"\partial {param}^{{l}}" in line, line
            other = "w" if param == "b" else "b"
            assert rf"\partial {other}^{{l}}" not in line, line


def test_every_bp3_and_bp4_is_next_to_its_quantity(source):
    """Wherever BP3 or BP4 occurs, the parameter of ∂C/∂p nearest after the label (the
    chain's statement) or before it (a summary row's tag) is b for BP3 and w for BP4."""
    found = 0
    for m in re.finditer(r"BP([34])", source):
        found += 1
        want = "b" if m.group(1) == "3" else "w"
        line_start = source.rfind("\n", 0, m.start()) + 1
        line = source[line_start:source.find("\n", m.end())]
        if r"\tag*" in line:
            near = re.findall(r"\\partial ([bw])\^", line)
        else:
            after = source[m.end():m.end() + 400]
            near = re.findall(r"\\partial ([bw])\^", after)[:1]
        assert near and set(near) == {want}, (m.group(0), line)
    assert found >= 2 + 8                    # Theorem 2's proof refers to Theorem 1's chain


def test_roman_numbers_follow_the_vocabulary(source):
    """(iii) is the weight gradient and (iv) the bias gradient, in the chain and the tags."""
    for label, roman in (("weight", "iii"), ("bias", "iv")):
        assert re.search(rf"Rule \({roman}\), \\texttt\{{{label}\\_grad\}}", source)
    for line in source.splitlines():
        if r"\tag*{(iii)" in line:
            assert r"\partial w^{l}" in line
        if r"\tag*{(iv)" in line:
            assert r"\partial b^{l}" in line


def test_the_theorems_number_their_rules_as_the_proof_cites_them(source):
    """The theorem's items carry the numbers (i)-(iv) the proof and the summary use (LaTeX's
    own 1.-4. did not match them)."""
    items = re.findall(r"\\item\[(\(\w+\))\] \(\\texttt\{(\w+)\\_(\w+)\}\)", source)
    assert items[:4] == [("(i)", "output", "delta"), ("(ii)", "hidden", "delta"),
                         ("(iii)", "weight", "grad"), ("(iv)", "bias", "grad")]
