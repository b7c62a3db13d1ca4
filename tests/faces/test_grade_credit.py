"""Partial credit means the same thing for every student: `entries` is the number of
gradient entries at the graded widths (17 at 2,3,2) whatever call failed; an entry counts
as proved when every judged call at those widths proved it and no call at the other
widths failed in its layer's gradient."""
import csv
import json

import pytest

from backprop_sym import grade as G
from backprop_sym.engine.implementation import check_implementation
from support import GOOD_BACKWARD as GOOD, cli_process, to_from_backward

# at widths 2,3,2 (to-from): w^1 3x2 = 6, w^2 2x3 = 6, b^1 3, b^2 2 entries
FULL = {"w^1": [6, 6], "w^2": [6, 6], "b^1": [3, 3], "b^2": [2, 2]}
CASES = {   # source: (failing call, layers as [proved, entries])
    "right": (GOOD, None, FULL),
    # wrong only at N = 3 (call 3, other widths), in every layer's sigma'
    "only at N=3": (to_from_backward("s = s * 2 if s.shape[1] == 3 else s"), "call 3",
                    {"w^1": [0, 6], "w^2": [0, 6], "b^1": [0, 3], "b^2": [0, 2]}),
    # wrong only at N = 3, in the first layer's weights
    "w^1 only at N=3": (GOOD.replace("    return gw, gb",
                                     "    if x.shape[1] == 3:\n        gw[0] = 2 * gw[0]\n"
                                     "    return gw, gb"), "call 3",
                        {**FULL, "w^1": [0, 6]}),
    # the hidden sigma' missing: layer 1 wrong in call 1
    "hidden sigma'": (GOOD.replace("d = (weights[l].T @ d) * a[l] * (1 - a[l])",
                                   "d = weights[l].T @ d"), "call 1",
                      {**FULL, "w^1": [0, 6], "b^1": [0, 3]}),
    # right the first time only (state kept between calls): call 2, every entry
    "first call only": ("calls = []\n" + GOOD.replace("    return gw, gb",
                        "    calls.append(1)\n    if len(calls) > 1:\n"
                        "        gb = [2 * g for g in gb]\n    return gw, gb"), "call 2",
                        {**FULL, "b^1": [0, 3], "b^2": [0, 2]}),
    # wrong on float64 arrays only, in the output biases
    "float64 only": (GOOD.replace("    return gw, gb",
                                  "    if x.dtype == np.float64:\n        gb[1] = gb[1] + 1\n"
                                  "    return gw, gb"), "call 5", {**FULL, "b^2": [0, 2]}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_score_is_on_the_graded_widths_entries(name):
    source, where, layers = CASES[name]
    scope: dict = {}
    exec(source, scope)
    r = check_implementation(scope["backward"], (2, 3, 2), "sigmoid", "to-from", 2)
    assert (r.failed_call or "").startswith(where or ""), r.summary()
    assert r.status == ("proved" if where is None else "refuted"), r.summary()
    got = G.score(r)
    assert got["layers"] == layers, (name, got, r.summary())
    assert got["entries"] == 17 and got["proved"] == sum(p for p, _ in layers.values())


def test_every_row_has_the_same_denominator(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for name, (source, _, _) in CASES.items():
        (subs / (name.replace(" ", "_").replace("'", "").replace("=", "") + ".py")) \
            .write_text(source)
    (subs / "syntax.py").write_text("def backward(:\n")
    (subs / "raises.py").write_text("def backward(w, b, x, y):\n    raise ValueError('no')\n")
    # at 3,2,2 there are 14 entries; the other widths (2,3,2, call 3) have 17
    out = cli_process("grade", subs, "--widths", "3,2,2", "--convention", "to-from",
                      "--json", "--csv", tmp_path / "g.csv", "--timeout", "30")
    rows = json.loads(out.stdout)["submissions"]
    assert {r["entries"] for r in rows} == {14}, [(r["student"], r["entries"]) for r in rows]
    with open(tmp_path / "g.csv", encoding="utf-8-sig", newline="") as fh:
        assert {c["entries"] for c in csv.DictReader(fh)} == {"14"}
    by = {r["student"]: r for r in rows}
    assert by["only_at_N3"]["proved"] == 0 and by["w^1_only_at_N3"]["proved"] == 8
    assert by["right"]["proved"] == 14 and by["raises"]["proved"] == 0
