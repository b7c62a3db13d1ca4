"""Review of issue 22: (BP1), (BP3) and (BP4) use step (e) at l = L (z^L only through
a^L; w^L, b^L only through z^L), so (e)'s assumptions must not exclude l = L."""
from backprop_sym.engine.steps import Definitions, dependency_step


def test_dependency_step_covers_the_output_layer():
    e = dependency_step(Definitions("f", "from-to"))
    text = " ".join(e.assumptions)
    assert r"l \ne L" not in text
    assert r"1 \le l \le L-1 \text{ (so" not in text
