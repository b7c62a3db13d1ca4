"""The proof of the general theorem in the report, read as a proof (issue 22).

Each test reads the rendered .tex (or `prove --json`) and checks a sentence against the
data: a failed chain is never a proof and is never followed by "hold"; what is refuted
is the rule supplied to the run, stated with its left-hand side; the conclusion follows
the chain, and the cross-validation is a separate check; each step is tagged with what
establishes it; each rule is derived by a printed chain-rule computation whose tags are
steps the engine says the rule uses; Theorem 2 refers to Theorem 1's proof.
"""
from __future__ import annotations

import functools
import json
import re

import pytest

from backprop_sym.engine import prove as P
from backprop_sym.engine.network import Shape
from backprop_sym.engine.vocabulary import RULE_KINDS
from backprop_sym.report.render import make_report
from support import cli, dropped_mean, hidden_no_fprime, missing_transpose, no_fprime


def hidden_reordered(q, s, l, j):          # the correct rule, written in another order
    return q.fprime(s, l, j) * sum(q.delta(s, l + 1, k) * q.W(l + 1, j, k)
                                   for k in q.neurons(l + 1))


# rule kind, wrong rule, what the formula stated as refuted must contain / must lack
WRONG = {
    "hidden_no_fprime": ("hidden_delta", hidden_no_fprime, r"\Delta^{l}_{j} =", "f'"),
    "missing_transpose": ("hidden_delta", missing_transpose, "w^{l + 1}_{kj}", "w^{l + 1}_{jk}"),
    "output_no_fprime": ("output_delta", no_fprime, r"\Delta^{L}_{j} =", "f'"),
    "dropped_mean": ("weight_grad", dropped_mean, r"\frac{\partial \mathcal{C}}{\partial w^{l}_{ij}} =",
                     "}{N}"),
}


@functools.lru_cache(maxsize=None)
def report(widths="2,2,2", convention="from-to", only=None, rule=None):
    overrides = None
    if rule == "reordered":
        overrides = {"hidden_delta": hidden_reordered}
    elif rule is not None:
        kind, fn, _, _ = WRONG[rule]
        overrides = {kind: fn}
    return make_report(Shape.make(widths, "f", convention=convention), only=only,
                       rules_override=overrides)


def section(tex: str, number: int) -> str:
    start = tex.index(rf"\section{{Theorem {number}")
    end = tex.find(r"\section{", start + 10)
    return tex[start:end if end > 0 else None]


def chain(tex: str, number: int = 1) -> str:
    """From the end of the theorem's statement to its proposition: the proof, if any."""
    sec = section(tex, number)
    return sec[sec.index(r"\end{theorem}"):sec.index(r"\begin{proposition}")]


def proposition(tex: str, number: int = 1) -> str:
    sec = section(tex, number)
    return sec[sec.index(r"\begin{proposition}"):sec.index(r"\end{proposition}")]


def page_one(tex: str) -> str:
    start = tex.index("Result:")
    return tex[start:tex.index(r"\section", start)]


def proofs(text: str) -> list[str]:
    return re.findall(r"\\begin\{proof\}(.*?)\\end\{proof\}", text, re.S)


# ---------------------------------------------------------------- a failed chain

@pytest.mark.parametrize("name", list(WRONG))
def test_a_failed_chain_is_no_proof_and_nothing_holds_after_it(name):
    rep = report(only="nonlinear", rule=name)
    ch = chain(rep.tex)
    assert "refuted" in ch
    # no QED box: the failed chain is in no proof environment
    assert not any("refuted" in p or "unknown" in p or "does not establish" in p
                   for p in proofs(rep.tex)), name
    assert r"\begin{proof}" not in ch
    # and no sentence after it says that the rules hold
    assert not re.search(r"rules\s+(therefore\s+)?hold", ch), name
    assert "every differentiable activation" not in section(rep.tex, 1)
    # why it fails is typeset: its mathematics as mathematics, never a raw ^ or _
    assert r"\textasciicircum" not in ch and r"\_" not in re.sub(r"\\texttt\{[^}]*\}", "", ch)


def test_a_message_sets_its_mathematics_as_mathematics_and_names_as_text():
    from backprop_sym.report.chain import own_notation
    from backprop_sym.report.prose import prose
    nt = lambda s: own_notation(s, sigma=True, to_from=True)
    got = prose("fails at step (b): ∂a^l_j/∂z^l_j = f'(z^l_j) is not the factor; "
                "KeyError: 'hidden_delta'.", nt)
    maths = " ".join(re.findall(r"\$([^$]*)\$", got))
    assert r"\partial a^l_j/\partial z^l_j" in maths and r"\sigma'(z^l_j)" in maths, got
    assert r"'hidden\_delta'" in got and "hidden" not in maths


@pytest.mark.parametrize("name", list(WRONG))
def test_what_is_refuted_is_the_supplied_rule_with_its_left_hand_side(name):
    kind, _, has, lacks = WRONG[name]
    rep = report(only="nonlinear", rule=name)
    one, ch, prop = page_one(rep.tex), chain(rep.tex), proposition(rep.tex)
    item = RULE_KINDS[kind].roman
    # page one: the formula called refuted is the supplied one, with its left-hand side
    m = re.search(r"the rule supplied to this run for \\texttt\{" + re.escape(kind.replace("_", r"\_"))
                  + r"\}, \$(.*?)\$, which is refuted", one, re.S)
    assert m, one
    assert has in m.group(1) and lacks not in m.group(1), m.group(1)
    assert f"replaced rule {item} of Theorem~1, which this run did not check" in one
    # the list of page one names the supplied rule, not the theorem's (when this network
    # has failures: Σ_x without 1/N is right at N = 1)
    failed = rep.results["nonlinear"].status != "proved"
    assert failed or name == "dropped_mean"
    tt = re.escape(kind.replace("_", r"\_"))
    assert not failed or re.search(r"the rule supplied to this run for \\texttt\{" + tt
                                   + r"\} in place of rule " + re.escape(item), one)
    # the chain states it and says it, not the theorem's rule, is refuted
    assert "The supplied rule is" in ch
    assert f"not\nrule {item} of Theorem" in ch or f"not rule {item} of Theorem" in ch
    # the proposition says the supplied rule was checked, and the failures are its
    assert "supplied to this run" in prop and f"in place of rule {item}" in prop
    assert ("Every instance not proved is one of a supplied rule" in prop) == failed


def test_a_correct_supplied_rule_is_still_proved():
    rep = report(only="nonlinear", rule="reordered")
    assert rep.status == "proved"
    ch = chain(rep.tex)
    body = proofs(ch)
    assert len(body) == 1 and "hold for every depth and width" in body[0]
    assert "supplied to this run" in body[0]
    assert "every differentiable activation" in ch


# ---------------------------------------------------------------- the conclusion

def test_the_conclusion_cites_the_chain_and_cross_validation_comes_after():
    tex = report().tex
    for number in (1, 2):
        ch = chain(tex, number)
        body = proofs(ch)
        assert len(body) == 1
        assert "hold for every depth and width" in body[0]
        assert re.search(r"by the computations of the four rules from steps \(a\)--\(g\)", body[0])
        # the five shapes are not part of the argument: they come after the proof
        assert "Cross-validation" not in body[0]
        assert ch.index(r"\end{proof}") < ch.index("Cross-validation")
        assert re.search(r"Cross-validation\}?, a separate check", ch)


# ---------------------------------------------------------------- the marks

def test_prove_json_tags_each_step_with_what_establishes_it():
    res = cli("prove", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    by_id = {s["id"]: s for s in doc["steps"]}
    assert by_id["e"]["established"] == P.INSPECTED          # read off the definitions
    assert by_id["f"]["established"] == P.LEMMA              # the chain rule
    assert by_id["g"]["established"] == P.LEMMA              # the induction
    for s in doc["steps"]:
        assert s["established"] in P.ESTABLISHED
        if s["established"] == P.CHECKED:                     # SymPy derived something
            assert s["derived"] is not None, s["id"]
    assert "symbolic n" not in res.output


def test_the_report_marks_each_step_as_the_engine_establishes_it():
    tex = report().tex
    ch = chain(tex, 1)
    marks = dict(re.findall(r"\\item\[\((\w+)\)\][^\n]*\n\\hfill\\textsf\{\[([^\]]*)\]\}", ch))
    proof = P.prove("f", "from-to")
    assert {s.id for s in proof.steps} == set(marks)
    for s in proof.steps:
        assert marks[s.id] == P.how(s), s.id
    assert marks["e"] != P.CHECKED and not marks["g"].startswith(P.CHECKED)
    assert "symbolic n" not in tex
    one = page_one(tex)
    assert P.INSPECTED in one and "symbolic n" not in one


# ---------------------------------------------------------------- the computations

@pytest.mark.parametrize("convention, weight, other", [("from-to", "w^{l+1}_{jk}", "w^{l+1}_{kj}"),
                                                       ("to-from", "w^{l+1}_{kj}", "w^{l+1}_{jk}")])
def test_each_rule_is_derived_by_a_tagged_chain_rule_computation(convention, weight, other):
    tex = report(convention=convention, only="nonlinear").tex
    ch = chain(tex, 1)
    items = re.split(r"\\item\[", ch)
    proof = P.prove("f", convention)
    uses = {s.id: set(s.uses) for s in proof.steps if s.id.startswith("BP")}
    found = {}
    for it in items:
        m = re.match(r"\((BP\d)\)\] Rule \((\w+)\), \\texttt\{(\w+)\\_(\w+)\}", it)
        if not m:
            continue
        label, kind = m.group(1), f"{m.group(3)}_{m.group(4)}"
        found[label] = kind
        block = it[it.index(r"\begin{align*}"):it.index(r"\end{align*}")]
        tags = re.findall(r"\\text\{by (.*?)\}", block)
        assert tags, label
        cited = set(re.findall(r"\((\w)\)", " ".join(tags)))
        assert cited and cited <= uses[label], (label, cited, uses[label])
        assert block.count("&=") >= 2                          # a computation, not a statement
    # Nielsen's numbering, as in the summary: BP3 is the bias, BP4 the weight
    assert found == {"BP1": "output_delta", "BP2": "hidden_delta", "BP3": "bias_grad",
                     "BP4": "weight_grad"}
    summary = tex[tex.index(r"\section{Summary"):]
    assert re.search(r"\\partial b\^\{l\}_\{j\}\}.*\\tag\*\{\(iv\), BP3\}", summary)
    assert re.search(r"\\partial w\^\{l\}_\{\w+\}\}.*\\tag\*\{\(iii\), BP4\}", summary)
    # the hidden rule's computation ends with the weight of the convention (NOTATION.md)
    hidden = ch[ch.index("(BP2)"):]
    hidden = hidden[:hidden.index(r"\end{align*}")]
    last = hidden.split(r"\\")[-1]
    assert weight in last and other not in last and "'(z^{l}_{j})" in last
    assert r"\frac{\partial C_{x}}{\partial z^{l+1}_{k}}" in hidden      # Nielsen's (40)


# ---------------------------------------------------------------- Theorem 2

def test_theorem_2_refers_to_theorem_1_and_prints_only_what_differs():
    tex = report().tex
    one, two = chain(tex, 1), chain(tex, 2)
    assert "Output derivative of the cost" in one
    assert "Output derivative of the cost" not in two           # not repeated word for word
    assert r"\ref{thm:nonlinear}" in proofs(two)[0]
    assert len(two) < len(one) / 2
    # what differs: step (b) with f' = 1, and rules (i), (ii) without f'
    assert r"\frac{\partial a^{l}_{j}}{\partial z^{l}_{j}} = 1" in two
    assert "f'(z" not in two


def test_theorem_2_alone_prints_its_whole_chain():
    two = chain(report(only="linear").tex, 1)
    assert "Output derivative of the cost" in two and r"\ref{thm:nonlinear}" not in two
