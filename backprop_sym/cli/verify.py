"""`backprop-sym verify`: prove the four rules for one network, instance by instance."""
from __future__ import annotations

import sys

import click

from .base import finish
from .options import (backend_from_options, cost_options, engine_options, network_options,
                      shape_from_options, warn_if_long, with_cost)


@click.command(short_help="Prove the four backprop rules for one network.")
@network_options
@cost_options
@engine_options
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document on stdout and nothing else.")
def verify(widths, depth, width, inputs, outputs, activation, samples, convention,
           cost, reduction, l2, backend, jobs, timeout, as_json):
    """Prove the four backprop rules for one network, instance by instance.

    Every instance of output_delta, hidden_delta, weight_grad and bias_grad is checked:
    the direct derivative minus the rule's closed form must reduce to exactly 0
    (proved); otherwise a witness is sought (refuted); otherwise it is unknown.

    \b
    Examples:
      backprop-sym verify --widths 2,3,2 --activation sigmoid
      backprop-sym verify --depth 3 --width 4                 # L=3, every width 4
      backprop-sym verify --depth 3 --width 4 --inputs 2 --outputs 1
      backprop-sym verify --widths 3,2,4,2 --activation tanh,linear,f --samples 3 --json
      backprop-sym verify --widths 2,2 --activation linear --convention to-from
      backprop-sym verify --widths 2,3,2 --activation sigmoid --cost cross-entropy
      backprop-sym verify --widths 2,3,2 --cost squared --reduction sum --l2

    Exit status: 0 all proved, 1 something refuted, 3 something unknown, 2 usage error.
    """
    shape = shape_from_options(widths, depth, width, inputs, outputs, activation, samples,
                               convention)
    shape = with_cost(shape, cost, reduction, l2)
    backend_name = backend_from_options(backend, jobs)
    from .. import display
    from ..engine.verify import plan
    from ..engine.verify import verify as run

    checks = len(plan(shape))
    warn_if_long([shape], checks, backend_name, timeout, jobs)
    with display.progress(checks, enabled=not as_json and sys.stderr.isatty()) as tick:
        result = run(shape, backend=backend_name, jobs=jobs, timeout=timeout, progress=tick)
    if as_json:
        import json
        doc = result.to_json()
        doc["rules"] = display.checked_rules(result)
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        display.print_result(result)
    finish(result.status)
