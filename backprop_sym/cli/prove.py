"""`backprop-sym prove`: the four rules for every depth and width, and the chain of steps
as text."""
from __future__ import annotations

import json

import click

from ..engine import activations
from ..engine.vocabulary import Status
from ..engine.errors import UsageError
from .base import Fail, finish
from .types import CONVENTION, Activations, Rule, Seconds

# a plain `prove` takes about 2 s, one with rules of your own a few more: a limit that a
# normal proof never reaches, and that stops a rule that loops
DEFAULT_TIMEOUT = 120.0

MARK = {Status.PROVED: "proved", Status.CITED: "cited", Status.REFUTED: "REFUTED",
        Status.UNKNOWN: "unknown"}


@click.command(short_help="Prove the four rules for every depth and width.")
@click.option("--activation", type=Activations(several=False), default="f", show_default=True,
              metavar="NAME",
              help=f"The activation of every layer. Known: {', '.join(activations.names())}.")
@click.option("--convention", type=CONVENTION, default="from-to",
              show_default=True,
              help="from-to: w^l_{kj} goes from neuron k to neuron j; to-from: Nielsen's w^l_{jk}.")
@click.option("--rule", "rule_specs", type=Rule(), multiple=True, metavar="KIND=MODULE:FUNC",
              help="A rule of your own (same signature as verify's rules_override), e.g. "
                   "hidden_delta=my_rules.py:hidden; KIND is output_delta, hidden_delta, "
                   "weight_grad or bias_grad. Repeatable.")
@click.option("--timeout", type=Seconds(), default=DEFAULT_TIMEOUT, metavar="SECONDS",
              show_default=True,
              help="Stop the proof after this many seconds and answer unknown (exit 3). A "
                   "plain prove takes about 2 s; the default stops a rule that loops.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document on stdout and nothing else.")
def prove(activation, convention, rule_specs, timeout, as_json):
    """Prove the four backprop rules for every depth L ≥ 1 and all widths n_0..n_L.

    A chain of steps with symbolic widths: (a)-(d) the local derivatives, derived by
    SymPy from the layer definitions; (e) the dependency graph, checked by inspecting
    the definitions; (f) the chain rule (cited); (g) induction on l (cited) and the
    average over N. Each line says how its step is established. Each rule is checked
    against the steps; a wrong rule is refuted at the step it breaks, with a witness
    from the explicit network. As a separate check, the steps are cross-validated
    against the explicit network at five shapes.

    \b
    Examples:
      backprop-sym prove
      backprop-sym prove --activation linear --convention to-from --json
      backprop-sym prove --rule hidden_delta=my_rules.py:hidden

    The proof runs in a process of its own, stopped after --timeout seconds (then the
    answer is unknown). A rule that branches on a symbolic index or layer (if j == 5,
    l < L, ...) has no closed form for every shape: it is unknown here, and verify
    checks it at given shapes.

    Exit status: 0 proved, 1 refuted, 3 unknown, 2 usage error.
    """
    from ..engine import prove as P

    try:
        proof = P.prove_within(activation, convention, dict(rule_specs), timeout)
    except UsageError as err:
        raise Fail(str(err)) from None
    if as_json:
        click.echo(json.dumps(proof.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_text(proof))
    finish(proof.status)


def format_text(proof) -> str:
    """The chain, one step a line, with its status and how it is established."""
    from ..display import witness_text
    from ..engine.prove import AGREE, how
    lines = [f"backprop-sym prove: activation {proof.activation}, {proof.convention}, "
             f"{proof.scope}"]
    if proof.reason:
        lines.append(f"  {proof.reason}")
    for s in proof.steps:
        label = f"({s.id})"
        lines.append(f"  {label:<6}{s.title:<40} {MARK[Status(s.status)]:<8} {how(s)}")
        if s.assumptions:
            lines.append(f"        assumptions: {'; '.join(s.assumptions)}")
        if s.reason:
            lines.append(f"        {s.reason}")
        if s.witness and s.witness.get("explicit"):
            w = s.witness["explicit"]
            c = w["check"]
            lines.append(f"        witness: widths {','.join(map(str, w['widths']))}, "
                         f"N={w['samples']}: verify refutes {c['rule']} at layer {c['layer']}, "
                         f"index {c['index']}: {witness_text(c['witness']) or c.get('reason')}")
            at = s.witness.get("at_instance")
            if at:
                lines.append(f"        there, step ({s.witness['step']}) gives "
                             f"{at['step_gives']}; the rule gives {at['rule_gives']}")
    agree = sum(c["status"] == AGREE for c in proof.cross_checks)
    if proof.cross_checks:
        shapes = "; ".join(",".join(map(str, c["widths"])) for c in proof.cross_checks)
        lines.append(f"  cross-validation against the explicit network: "
                     f"{agree}/{len(proof.cross_checks)} shapes agree ({shapes})")
    lines.append(f"{proof.status}: the four rules {proof.scope} ({proof.seconds:.2f} s)"
                 if proof.status == Status.PROVED else f"{proof.status} ({proof.seconds:.2f} s)")
    return "\n".join(lines)
