"""`check` keeps every claim within a budget of its own (claim_timeout, --claim-timeout;
a default one too) and the run within its timeout: a claim that runs out is unknown and
says so, the claims after it are checked, and the claims not reached say so."""
import json
import signal
import time

import pytest

from backprop_sym.claims import check as C
from backprop_sym.engine.arguments import CLAIM_SECONDS
from backprop_sym.engine.errors import UsageError
from backprop_sym.engine.vocabulary import Status
from support import DERIVATIONS, cli

# claims that take far longer than any normal one (each measured over 30 s without a limit)
HEAVY = [
    r"\Delta^{40}_1 = \frac{\partial C}{\partial z^{40}_1} + 0 \cdot 16",          # layer 40
    r"\Delta^{3}_1 = \sum_k w^{4}_{1k} \Delta^{4}_k f'(z^{3}_1) + 0 \cdot 16",      # widths > 16
]
WIDE = (r"\frac{\partial C}{\partial w^1_{jk}} = a^0_j \Delta^1_k", [(30, 30, 30, 30)])
LIGHT = r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j)"
BUDGET = 3.0
SLACK = 6.0          # seconds past the budget a stopped claim may take (fork, the watch, load)


def doc(*claims):
    return "\n\n".join(f"$$ {c} $$" for c in claims) + "\n"


@pytest.mark.parametrize("latex", HEAVY)
def test_a_heavy_claim_is_unknown_within_its_budget(latex):
    t0 = time.monotonic()
    [c] = C.check_claim(latex, claim_timeout=BUDGET)
    assert time.monotonic() - t0 < BUDGET + SLACK
    assert c["status"] == Status.UNKNOWN
    assert f"ran out of its {BUDGET:g} s budget per claim" in c["reason"]


def test_a_claim_at_a_huge_width_given_is_unknown_within_its_budget():
    latex, shapes = WIDE
    t0 = time.monotonic()
    [c] = C.check_claim(latex, shapes=shapes, claim_timeout=BUDGET)
    assert time.monotonic() - t0 < BUDGET + SLACK
    assert c["status"] == Status.UNKNOWN and "budget per claim" in c["reason"]


def test_the_claims_after_a_heavy_one_are_checked():
    t0 = time.monotonic()
    claims = C.check_text(doc(LIGHT, HEAVY[0], LIGHT, HEAVY[1], LIGHT), claim_timeout=BUDGET)
    assert time.monotonic() - t0 < 2 * (BUDGET + SLACK) + 5
    assert [c["status"] for c in claims] == [Status.PROVED, Status.UNKNOWN, Status.PROVED,
                                             Status.UNKNOWN, Status.PROVED]


def test_the_cli_option_and_its_default():
    r = cli("check", "--claim", HEAVY[0], "--claim-timeout", "2", "--json")
    assert r.exit_code == 3, r.output
    [c] = json.loads(r.output)["claims"]
    assert "ran out of its 2 s budget" in c["reason"]
    help_text = cli("check", "--help").output
    assert "--claim-timeout" in help_text and f"{CLAIM_SECONDS:g}" in help_text
    assert 5 <= CLAIM_SECONDS <= 60


@pytest.mark.parametrize("value", ["0", "-1", "inf", "nan", "x"])
def test_the_cli_refuses_a_bad_claim_timeout(value):
    r = cli("check", "--claim", LIGHT, "--claim-timeout", value)
    assert r.exit_code == 2 and "--claim-timeout" in r.output


# ---------------------------------------------------------------- a worker that ignores the alarm

def _stuck_on(marker):
    """An `evaluate` that, for a claim whose form mentions `marker`, runs on with SIGALRM
    blocked, as a SymEngine call does; the others are evaluated as usual."""
    real = C.evaluate

    def evaluate(form, ctx, opts, seed=0):
        if marker in repr(form.lhs) + repr(form.rhs):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            while True:
                time.sleep(0.01)
        return real(form, ctx, opts, seed=seed)
    return evaluate


def test_a_claim_stuck_in_a_call_that_ignores_signals_is_stopped(monkeypatch):
    monkeypatch.setattr(C, "evaluate", _stuck_on("37"))
    text = ("$$ f(z) = \\tanh(z) $$\n\n"
            "\\begin{align} \\Delta^L_j &= (a^L_j - y_j) f'(z^L_j) + 0 \\cdot b^{37}_1 \\\\\n"
            "&= (a^L_j - y_j) f'(z^L_j) \\end{align}\n\n"
            + doc(LIGHT, LIGHT + " + 1"))
    t0 = time.monotonic()
    claims = C.check_text(text, claim_timeout=3.0)
    assert time.monotonic() - t0 < 3.0 + SLACK + 2
    status = [c["status"] for c in claims]
    assert status == [Status.SKIPPED, Status.UNKNOWN, Status.UNKNOWN, Status.PROVED,
                      Status.REFUTED], "\n".join(c["reason"] for c in claims)
    assert "ran out of its 3 s budget per claim" in claims[1]["reason"]
    assert "continues the equation of line 3" in claims[2]["reason"]
    # the declaration made before the stopped worker still holds after it
    assert "[f = tanh" in claims[3]["reason"]


# ---------------------------------------------------------------- the whole run

def test_the_claims_not_reached_in_the_run_say_so():
    t0 = time.monotonic()
    claims = C.check_text(doc(HEAVY[0], LIGHT, LIGHT), timeout=2.0)
    assert time.monotonic() - t0 < 2.0 + SLACK
    assert [c["status"] for c in claims] == [Status.UNKNOWN] * 3
    assert "the run's 2 s timeout ran out" in claims[0]["reason"]
    assert all("not reached within the run's 2 s timeout" in c["reason"] for c in claims[1:])


@pytest.mark.parametrize("name", ["mistakes.md", "backprop.md", "backprop-to-from.tex"])
def test_a_normal_document_is_unchanged_by_the_budget(name):
    def verdicts(**kw):
        return [(c["line"], c["status"], c["reason"])
                for c in C.check_file(DERIVATIONS / name, **kw)]
    assert verdicts() == verdicts(claim_timeout=None)


# ---------------------------------------------------------------- the API's arguments

BAD_SECONDS = [float("nan"), float("inf"), -1, 0, True, "5", [1]]


@pytest.mark.parametrize("value", BAD_SECONDS)
@pytest.mark.parametrize("name", ["timeout", "claim_timeout"])
@pytest.mark.parametrize("entry", ["claim", "text", "file"])
def test_a_bad_time_budget_is_a_usage_error_naming_it(entry, name, value):
    call = {"claim": lambda **kw: C.check_claim(LIGHT, **kw),
            "text": lambda **kw: C.check_text(doc(LIGHT), **kw),
            "file": lambda **kw: C.check_file(DERIVATIONS / "mistakes.md", **kw)}[entry]
    with pytest.raises(UsageError, match=f"{name} = .*positive, finite number of seconds"):
        call(**{name: value})


def test_a_good_time_budget_is_taken():
    assert C.check_claim(LIGHT, timeout=30, claim_timeout=10)[0]["status"] == Status.PROVED
    assert C.check_claim(LIGHT, timeout=None, claim_timeout=None)[0]["status"] == Status.PROVED


@pytest.mark.parametrize("kind", ["tex", "md", "", None, "LATEX"])
def test_an_unknown_kind_is_refused_naming_the_kinds(kind):
    with pytest.raises(UsageError, match="kind = .*markdown, latex, html, notebook"):
        C.check_text(doc(LIGHT), kind)


@pytest.mark.parametrize("samples", [[0], [1, -2], [True], [1.5], 3, "12", []])
def test_bad_example_counts_are_refused(samples):
    with pytest.raises(UsageError, match="samples"):
        C.check_claim(r"\frac{\partial \mathcal{C}}{\partial b^L_j} = "
                      r"\frac{1}{N}\sum_x \Delta^{x,L}_j", samples=samples)


@pytest.mark.parametrize("shapes", [[(0, 2)], [(2,)], [(2, True)], (2, 3), "2,3"])
def test_bad_shapes_are_refused(shapes):
    with pytest.raises(UsageError, match="shapes"):
        C.check_claim(LIGHT, shapes=shapes)
