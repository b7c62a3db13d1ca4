"""The example report built from a deliberately wrong rule: hidden_delta without its factor
f'(z^l_j). The CLI takes no rule, so this script writes reports/wrong-rule.pdf through the
library (`make_report(..., rules_override=...)`).

    python benchmarks/wrong_rule_report.py [OUT.pdf]
"""
from __future__ import annotations

import sys
from pathlib import Path

from backprop_sym.engine.network import Shape
from backprop_sym.report import latex
from backprop_sym.report.render import make_report


def hidden_delta_without_fprime(q, s, l, j):
    """Δ^l_j = Σ_k w^{l+1}_{jk} Δ^{l+1}_k: the factor f'(z^l_j) is missing."""
    return sum(q.W(l + 1, j, k) * q.delta(s, l + 1, k) for k in q.neurons(l + 1))


def main(out: str = "reports/wrong-rule.pdf") -> int:
    shape = Shape.make("2,2,2", "f")
    command = ("python benchmarks/wrong_rule_report.py"
               + ("" if out == "reports/wrong-rule.pdf" else f" {out}"))
    rep = make_report(shape, only="nonlinear", rules_override={
        "hidden_delta": hidden_delta_without_fprime}, command=command,
        title="Backpropagation with a wrong rule for the hidden error signals")
    path = Path(out)
    path.with_suffix(".tex").write_text(rep.tex, encoding="utf-8")
    build = latex.build_pdf(rep.tex, source_name=str(path.with_suffix(".tex")))
    if not build.ok:
        print(build.error, file=sys.stderr)
        return 2
    path.write_bytes(build.pdf)
    print(f"wrote {path}: {rep.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
