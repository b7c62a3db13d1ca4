"""Readings guessed for a whole document are open readings with local evidence (issue 19,
class P): the cost is the average from the line of the latest definition of C that makes
it one, a later use of C for one example leaves both readings open from its line, and a
claim whose verdict differs between them is unknown naming both with their lines, never
refuted. A z-definition that proves under neither convention does not end the search."""
from __future__ import annotations

import pytest

from backprop_sym.claims.check import check_text
from backprop_sym.claims.readings import CostEvent, CostTimeline, combine
from backprop_sym.engine.vocabulary import Status

AVERAGE = r"C = \frac{1}{2N}\sum_x \sum_j (a^L_j - y_j)^2"
ONE = r"C = \frac{1}{2}\sum_j (a^L_j - y_j)^2"
BIAS = r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j"                       # one example
BIAS_AVG = r"\frac{\partial C}{\partial b^l_j} = \frac{1}{N}\sum_x \Delta^l_j"  # the average
BIAS_BAD = r"\frac{\partial C}{\partial b^l_j} = 2\Delta^l_j"                  # neither
OUT = r"\frac{\partial C}{\partial a^L_j} = a^L_j - y_j"                        # one example


def doc(*parts):
    """Prose lines as given, equations (containing '=') as $$ blocks; returns the text
    and the line of each equation."""
    lines, at = [], []
    for p in parts:
        if "=" in p:
            lines += ["", "$$", p, "$$", ""]
            at.append(len(lines) - 2)
        else:
            lines.append(p)
    return "\n".join(lines) + "\n", at


def verdicts(*parts, **options):
    text, at = doc(*parts)
    out = check_text(text, convention="from-to", **options)
    by_line = {c["line"]: c for c in out}
    return [by_line[n] for n in at], at


DELTA = r"\delta^l_j = \frac{\partial C}{\partial z^l_j}"


def test_a_later_use_for_one_example_opens_both_readings():
    claims, at = verdicts("The cost is averaged.", AVERAGE, DELTA, BIAS, OUT, BIAS_BAD, BIAS_AVG)
    bias, out, bad, avg = claims[-4:]
    for c in (bias, out):
        assert c["status"] == Status.UNKNOWN, c                 # never refuted
        assert f"holds if C is one example's cost, as line {at[1]} uses it" in c["reason"], c
        assert f"fails for the average defined on line {at[0]}" in c["reason"], c
        assert c["witness"] is None
    assert bad["status"] == Status.REFUTED, bad                 # false under both
    assert avg["status"] == Status.UNKNOWN, avg                 # true only for the average


@pytest.mark.parametrize("prose", [
    "From here on we fix a single training example and write C for its cost.",
    "As usual we drop the x and write C for C_x.",
    "In this section the loss is that of one training example.",
])
def test_prose_saying_c_is_one_examples_cost_decides_from_its_line(prose):
    claims, at = verdicts("The cost is averaged.", AVERAGE, BIAS_AVG, prose, BIAS, OUT, BIAS_BAD,
                          BIAS_AVG)
    assert [c["status"] for c in claims] == [Status.PROVED, Status.PROVED, Status.PROVED,
                                             Status.PROVED, Status.REFUTED, Status.REFUTED]


@pytest.mark.parametrize("prose", [
    "We use a network with a single input.",                       # not about the cost
    "The cost here is not for a single training example but the average.",
])
def test_prose_that_does_not_say_so_decides_nothing(prose):
    claims, _ = verdicts("The cost is averaged.", AVERAGE, prose, BIAS, BIAS_AVG)
    assert [c["status"] for c in claims] == [Status.PROVED, Status.REFUTED, Status.PROVED]


def test_without_evidence_the_documents_average_decides():
    claims, _ = verdicts("The cost is averaged.", AVERAGE, BIAS_AVG, BIAS, BIAS_BAD)
    assert [c["status"] for c in claims] == [Status.PROVED, Status.PROVED, Status.REFUTED,
                                             Status.REFUTED]
    assert "readings" not in claims[1]


def test_the_latest_definition_decides_from_its_line():
    claims, _ = verdicts(BIAS, BIAS_AVG, AVERAGE, BIAS_AVG, ONE, BIAS, OUT, BIAS_AVG)
    assert [c["status"] for c in claims] == [
        Status.PROVED,                      # before any definition: one example
        Status.REFUTED,                     # ... so the average's formula is wrong there
        Status.PROVED, Status.PROVED,       # the average, from its line
        Status.PROVED, Status.PROVED, Status.PROVED,   # one example again
        Status.REFUTED]                     # the average is no longer what C is


def test_an_option_overrides_the_documents_readings():
    claims, _ = verdicts(AVERAGE, "Now one training example.", BIAS, cost="example")
    assert claims[-1]["status"] == Status.PROVED
    claims, _ = verdicts(AVERAGE, "Now one training example.", BIAS, cost="average")
    assert claims[-1]["status"] == Status.REFUTED


def test_the_json_names_the_readings_and_validates(tmp_path):
    import json
    import jsonschema
    from referencing import Registry, Resource
    from backprop_sym.claims.check import check_file, document, make_options
    from backprop_sym.schemas import schema, schemas
    text, _ = doc(AVERAGE, DELTA, BIAS)
    path = tmp_path / "cost.md"
    path.write_text(text, encoding="utf-8")
    out = check_file(path, convention="from-to")
    assert set(out[-1]["readings"].values()) == {"proved", "refuted"}
    registry = Registry().with_resources(
        (uri, Resource.from_contents(s)) for uri, s in schemas().items())
    d = json.loads(json.dumps(document(path, out, make_options()), default=str))
    jsonschema.Draft202012Validator(schema("check"), registry=registry).validate(d)


# ------------------------------------------------------------------ the z-definition

def test_a_z_definition_that_proves_under_neither_convention_does_not_end_the_search():
    hidden = r"\Delta^l_j = \sum_k w^{l+1}_{kj} \Delta^{l+1}_k f'(z^l_j)"     # to-from
    text, at = doc(r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k",                    # no bias
                   r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j", hidden)
    out = check_text(text)
    by_line = {c["line"]: c for c in out}
    assert by_line[at[2]]["status"] == Status.PROVED, by_line[at[2]]
    found = {f["what"]: f for f in out.notes["conventions"]}
    assert found["convention"]["value"] == "to-from" and found["convention"]["line"] == at[1]


# ------------------------------------------------------------------ the pieces

def test_the_cost_timeline():
    t = CostTimeline((CostEvent(3, True, True, "avg"), CostEvent(9, False, False, "one"),
                      CostEvent(20, False, True, "def")))
    assert t.at(1) == (False, ())
    assert t.at(5) == (True, ())
    average, open_ = t.at(12)
    assert average and [a.value for a in open_] == [False, True]
    assert "line 9" in open_[0].says and "line 3" in open_[1].says
    assert t.at(25) == (False, ())


def _c(status):
    return {"status": status, "reason": str(status), "hint": None, "witness": "w", "scope": None}


@pytest.mark.parametrize("statuses,want", [
    ((Status.PROVED, Status.PROVED), Status.PROVED),
    ((Status.REFUTED, Status.REFUTED), Status.REFUTED),
    ((Status.PROVED, Status.REFUTED), Status.UNKNOWN),
    ((Status.PROVED, Status.ILL_FORMED), Status.UNKNOWN),
    ((Status.REFUTED, Status.ILL_FORMED), Status.ILL_FORMED),
    ((Status.REFUTED, Status.UNKNOWN), Status.UNKNOWN),
    ((Status.PROVED, Status.UNKNOWN), Status.UNKNOWN),
])
def test_combine_refutes_only_under_every_reading(statuses, want):
    from backprop_sym.claims.readings import summation_alternatives
    labels = [(a,) for a in summation_alternatives(["j"])]
    out = combine({k: _c(s) for k, s in zip(labels, statuses)})
    assert out["status"] == want
    if want not in (Status.REFUTED, Status.PROVED):
        assert out["witness"] is None


AVERAGE_DEFINED = "$$C = \\frac{1}{N}\\sum_x C_x$$\n\n"
ONE_EXAMPLES_GRADIENT = "\n\n$$\\frac{\\partial C}{\\partial b^l_j} = \\Delta^l_j$$\n"


@pytest.mark.parametrize("prose", [
    "where the cost of a single example is $C_x = \\frac12 \\sum_j (a^L_j - y_j)^2$.",
    "We never drop the x: $C$ is never the cost of a single example.",
    "The cost is not that of a single training example.",
    "Here $C_{x}$ is the loss of one example.",
])
def test_prose_about_c_x_or_denying_one_example_keeps_the_average(prose):
    """C stays the average: ∂C/∂b^l_j = Δ^l_j (one example's gradient) is false for it."""
    out = check_text(AVERAGE_DEFINED + prose + ONE_EXAMPLES_GRADIENT, "markdown")
    assert out[-1]["status"] == Status.REFUTED, out[-1]["reason"]


def test_prose_saying_c_is_one_examples_cost_still_decides():
    prose = "From here on we drop the x and write $C$ for the cost of a single example."
    out = check_text(AVERAGE_DEFINED + prose + ONE_EXAMPLES_GRADIENT, "markdown")
    assert out[-1]["status"] == Status.PROVED, out[-1]["reason"]
