"""The four rules for every shape: a chain of steps with symbolic depth and widths.

A generic layer l with symbolic widths n_{l-1}, n_l, n_{l+1}, n_L and N examples is
written with SymPy's `IndexedBase` and `Sum` (symbolic upper bounds). Each step is a
`Step`: its statement, how it is established (`steps.ESTABLISHED`: "checked by SymPy with
symbolic sizes": SymPy derives it and the difference with the statement is exactly 0;
"checked by inspecting the definitions": read off which quantities each definition reads;
or "cited": a lemma or proof principle, named and not checked), the
assumptions it uses (every range condition SymPy's Kronecker-delta sums produce is
resolved only by an assumption listed there), and its trusted base.

  (a) ∂C_x/∂a^L_j = a^L_j - y_j          (b) ∂a^l_i/∂z^l_j = δ_ij f'(z^l_j)
  (c) ∂z^{l+1}_k/∂a^l_j = w^{l+1}_{jk}    (d) ∂z^l_m/∂w^l_{ij} = a^{l-1}_i δ_jm, ∂z^l_m/∂b^l_j = δ_jm
  (e) C_x depends on z^l only through z^{l+1} (read off the layer definitions)
  (f) the chain rule (cited)              (g) induction on l from L down (cited); the average

The rules themselves (those of `rules.py`, or a user's own, same signature as
`verify`'s `rules_override`) are read by tracing: the rule is called with `SymbolicQ`,
whose quantities are indexed symbols and whose `neurons(l)` yields one symbolic index k;
the sum it was iterated for is restored as Σ_{k=1}^{n_l} over the closed form. A rule is
then compared with what the steps give; a rule that disagrees is named at the first step
it contradicts and refuted only with a witness of the explicit network (`verify` with the
rule at a concrete shape). Every proof of a rule is cross-checked the same way.

This module assembles the proof (`prove`, `Proof`; `prove_within`: the same in a worker
of `runner`, unknown when it does not finish by a time limit); the parts live in `symbolic` (the
generic layer), `tracing` (reading a rule), `steps` (the chain (a)-(g)), `rule_steps`
(the four rules as steps, with ids BP1-BP4 in Nielsen's numbering) and `crosscheck`
(the explicit network). Their public names are importable from here too.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import sympy as sp  # noqa: F401  (P.sp: callers build statements with it)

from ..schemas import VERSION as SCHEMA_VERSION
from . import activations, rules
from .crosscheck import (AGREE, CROSS_SHAPES, DISAGREE, OWN_RULE_SHAPES, WITNESS_SHAPES,
                         cross_validate, find_witness, settle)
from .errors import UsageError
from .network import CONVENTIONS
from .rule_steps import KIND_STEP, check_rule, rule_steps
from .steps import (CHECKED, ESTABLISHED, INSPECTED, LEMMA, SYMPY_BASE, Step, average_step,
                    chain_rule_step, dependency_step, how, local_steps)
from .symbolic import (A, B, D, FP, N, SYMPY, W, Y, Z, Definitions, L, Undecided, i, in_range,
                       is_zero, j, k, k0, k1, l, m, n, resolve, statements, tex, weight, x, x0,
                       x1)
from .tracing import SymbolicQ, Unreadable, trace
from .vocabulary import Status, worst

SCOPE = "for every L ≥ 1 and all widths n_0, …, n_L"

__all__ = [
    "A", "AGREE", "B", "CHECKED", "CROSS_SHAPES", "D", "DISAGREE", "Definitions", "ESTABLISHED",
    "FP", "INSPECTED", "KIND_STEP", "L", "LEMMA", "N", "OWN_RULE_SHAPES", "Proof",
    "SCOPE", "SYMPY", "SYMPY_BASE", "Step", "SymbolicQ", "Undecided", "Unreadable",
    "W", "WITNESS_SHAPES", "Y", "Z", "average_step", "chain_proved", "chain_rule_step",
    "cross_validate", "dependency_step", "find_witness", "how", "i", "in_range",
    "is_zero", "j", "k", "k0", "k1", "l", "local_steps", "m", "n", "prove",
    "prove_closed_form", "prove_within", "resolve", "rule_steps", "settle", "statements", "tex", "trace",
    "weight", "x", "x0", "x1"]


@dataclass
class Proof:
    activation: str
    convention: str
    steps: list
    cross_checks: list
    seconds: float = 0.0
    scope: str = SCOPE
    reason: str | None = None      # why there is no proof at all (a time limit, ...)

    @property
    def status(self) -> Status:
        status = worst((s.status for s in self.steps), empty=Status.UNKNOWN)
        # a disagreement with the explicit network is a bug in one of the two: no proof
        agree = all(c["status"] == AGREE for c in self.cross_checks)
        return Status.UNKNOWN if status is Status.PROVED and not agree else status

    def __bool__(self) -> bool:
        """True only when the chain and the rules are proved for every shape."""
        return self.status == Status.PROVED

    def to_json(self) -> dict:
        return {"schema_version": SCHEMA_VERSION, "activation": self.activation,
                "convention": self.convention, "scope": self.scope, "status": self.status,
                "seconds": round(self.seconds, 4),
                "steps": [s.to_json() for s in self.steps], "cross_checks": self.cross_checks,
                "reason": self.reason}


# ---------------------------------------------------------------- the whole proof

def prove(activation: str = "f", convention: str = "from-to", rules_override: dict | None = None,
          cross_shapes=CROSS_SHAPES) -> Proof:
    """The chain (a)-(g) and the four rules, for every depth and width; see the module."""
    t0 = time.perf_counter()
    if convention not in CONVENTIONS:
        raise UsageError(f"unknown convention {convention!r}; expected one of: "
                         f"{', '.join(CONVENTIONS)}")
    activations.get(activation)
    for kind in rules_override or {}:
        if kind not in rules.KINDS:
            raise UsageError(f"unknown rule {kind!r}; expected one of: {', '.join(rules.KINDS)}")
    defs = Definitions(activation, convention)
    steps = list(local_steps(defs).values())
    steps += [dependency_step(defs), chain_rule_step(), average_step()]
    rs = rule_steps(defs, rules_override)
    settle(rs, activation, convention, rules_override)
    cross = cross_validate(activation, convention, cross_shapes) if cross_shapes else []
    return Proof(activation, convention, steps + rs, cross, time.perf_counter() - t0)


def _prove_worker(send, activation, convention, rules_override, cross_shapes):
    """In a worker of `runner.run`: the proof, or what stopped it, sent as one message."""
    try:
        send.send(("proof", prove(activation, convention, rules_override, cross_shapes)))
    except UsageError as err:
        send.send(("usage", str(err)))
    except Exception as err:
        send.send(("error", f"{type(err).__name__}: {err}"))
    except BaseException as err:            # SystemExit, KeyboardInterrupt raised by a rule
        send.send(("stopped", f"{type(err).__name__}({err})"))
        raise


def prove_within(activation: str = "f", convention: str = "from-to",
                 rules_override: dict | None = None, timeout: float | None = None,
                 cross_shapes=CROSS_SHAPES) -> Proof:
    """`prove` in a forked worker (`runner.run`) stopped after `timeout` seconds: then, or
    when the worker ends without a proof (a rule that exits), an UNKNOWN `Proof` with no
    steps and its `reason`. A usage error is raised here; any other error in the proof is
    a RuntimeError. Where there is no fork, `prove` runs in this process, unbounded."""
    from . import runner
    ctx = runner.fork_context()
    if ctx is None:
        return prove(activation, convention, rules_override, cross_shapes)
    t0 = time.perf_counter()
    got: list = []

    def receive(message):
        got.append(message)
        return True

    deadline = None if timeout is None else time.monotonic() + timeout
    ended = runner.run(_prove_worker, [(activation, convention, rules_override, cross_shapes)],
                       receive, deadline=deadline, ctx=ctx)
    seconds = time.perf_counter() - t0
    if got and got[0][0] == "proof":
        return got[0][1]
    if got and got[0][0] == "usage":
        raise UsageError(got[0][1])
    if got and got[0][0] == "error":
        raise RuntimeError(f"the proof failed: {got[0][1]}")
    if got:
        why = f"the proof stopped: {got[0][1]} was raised (by a rule?)"
    elif ended.timed_out:
        why = f"the proof did not finish within {timeout:g} s"
    else:
        why = (f"the proof ended without a result (its process exited with code "
               f"{ended.exitcodes[0] if ended.exitcodes else None})")
    return Proof(activation, convention, [], [], seconds, reason=why)


def chain_proved(activation: str, convention: str) -> bool:
    """Are steps (a)-(e), which every rule's proof uses, proved for this activation?"""
    defs = Definitions(activation, convention)
    steps = list(local_steps(defs).values()) + [dependency_step(defs)]
    return all(s.status == Status.PROVED for s in steps)


def prove_closed_form(kind: str, fn: Callable, activation: str = "f",
                      convention: str = "from-to") -> Step:
    """One closed form of rule `kind` (a rule's signature) against the chain, for every
    depth and width: PROVED, or the step where it breaks (REFUTED names it, with no
    witness: find one at a concrete network), or UNKNOWN."""
    s = Step(KIND_STEP[kind], kind, "", CHECKED)
    try:
        check_rule(s, kind, Definitions(activation, convention), fn)
    except (Unreadable, Undecided) as err:
        s.status, s.reason = Status.UNKNOWN, str(err)
    return s
