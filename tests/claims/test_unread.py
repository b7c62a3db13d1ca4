"""Unread is not proved: an equation the reader could not read is unknown (and marks the
document unknown), while prose, inequalities and text without '=' stay "not a claim"."""
import json

import pytest

from backprop_sym.claims import check as C
from backprop_sym.engine.vocabulary import Status
from support import cli

PROVED = r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j)"

# equations the reader does not read: each would be false if read (the class, several members)
UNREAD = [
    r"\Delta^L_j = (\hat y_j + y_j) \sigma(z^L_j)",
    r"\Delta^L_j = (a^L_j + y_j) f''(z^L_j)",
    r"\Delta^L_j = a^L_j + \dots + y_j",
    r"\Delta^L_j = (\bar y_j - y_j) f'(z^L_j)",
    r"\Delta^L_j = \tilde y_j f'(z^L_j)",
    r"\frac{\partial C}{\partial b^l_j} = \sum_{x \in X} 2 \Delta^l_j",
]

# not claims: stay skipped and leave a proved document proved
NOT_CLAIMS = [r"a \le b", r"x \in \mathbb{R}^2", r"\text{by the chain rule}",
              r"\Delta^L \to \Delta^{L-1}"]


def _doc(*equations, marker=None) -> str:
    body = []
    for k, eq in enumerate(equations):
        tail = f" % {marker}" if marker and k else ""
        body += ["", "$$", eq + tail, "$$"]
    return "# notes\n" + "\n".join(body) + "\n"


@pytest.mark.parametrize("eq", UNREAD)
def test_an_unread_equation_makes_the_document_unknown(eq):
    claims = C.check_text(_doc(PROVED, eq), convention="from-to")
    assert [c["status"] for c in claims] == [Status.PROVED, Status.UNKNOWN]
    assert claims[1]["unread"] is True and claims[1]["reason"].startswith(C.NOT_READ)
    assert claims.status == Status.UNKNOWN and not claims
    doc = C.document("notes.md", claims, C.make_options())
    assert doc["unread"] == {"count": 1, "lines": [claims[1]["line"]]}


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_not_a_claim_is_skipped_and_the_document_stays_proved(text):
    claims = C.check_text(_doc(PROVED, text), convention="from-to")
    assert [c["status"] for c in claims] == [Status.PROVED, Status.SKIPPED]
    assert not claims[1].get("unread") and claims.status == Status.PROVED and claims


@pytest.mark.parametrize("eq", UNREAD[:3])
def test_the_marker_makes_a_line_not_a_claim(eq):
    claims = C.check_text(_doc(PROVED, eq, marker="backprop-sym: skip"), convention="from-to")
    assert [c["status"] for c in claims] == [Status.PROVED, Status.SKIPPED]
    assert claims[1]["marked"] and claims.status == Status.PROVED


def test_the_marker_skips_only_its_own_line():
    text = _doc(PROVED, UNREAD[0], marker="backprop-sym: skip") + "\n$$\n" + UNREAD[1] + "\n$$\n"
    claims = C.check_text(text, convention="from-to")
    assert [c["status"] for c in claims] == [Status.PROVED, Status.SKIPPED, Status.UNKNOWN]


def test_the_marker_in_latex_align_rows():
    tex = ("\\begin{align}\n" + PROVED + " \\\\\n"
           "\\delta = \\hat y + y \\\\ % backprop-sym: skip\n"
           "\\Delta^L_j = (a^L_j - y_j) f(z^L_j)\n\\end{align}\n")
    claims = C.check_text(tex, "latex", convention="from-to")
    assert [c["status"] for c in claims] == [Status.PROVED, Status.SKIPPED, Status.REFUTED]
    assert claims[1]["marked"]


def test_only_unread_equations_is_nothing_checked():
    claims = C.check_text(_doc(UNREAD[0], UNREAD[1]), convention="from-to")
    assert claims.status == Status.EMPTY
    assert "not read" in C.empty_reason(claims)


def test_cli_exit_and_summary(tmp_path):
    path = tmp_path / "hw.md"
    path.write_text(_doc(PROVED, UNREAD[0]))
    result = cli("check", str(path), "--convention", "from-to")
    assert result.exit_code == 3
    assert "1 equation(s) not read (line(s) 8)" in result.output
    assert "backprop-sym: skip" in result.output
    doc = json.loads(cli("check", str(path), "--convention", "from-to", "--json").output)
    assert doc["status"] == "unknown" and doc["unread"] == {"count": 1, "lines": [8]}
    path.write_text(_doc(PROVED, UNREAD[0], marker="backprop-sym: skip"))
    assert cli("check", str(path), "--convention", "from-to").exit_code == 0


def test_the_json_document_validates_with_the_new_fields(tmp_path):
    import jsonschema
    from referencing import Registry, Resource

    from backprop_sym.schemas import schema
    registry = Registry().with_resources(
        [(s["$id"], Resource.from_contents(s)) for s in (schema("common"), schema("check"))])
    path = tmp_path / "hw.md"
    path.write_text(_doc(PROVED, UNREAD[0], UNREAD[1], marker="backprop-sym: skip")
                    + "\n$$\n" + UNREAD[2] + "\n$$\n")
    doc = json.loads(cli("check", str(path), "--convention", "from-to", "--json").output)
    jsonschema.Draft202012Validator(schema("check"), registry=registry).validate(doc)
    assert doc["claims"][1]["marked"] and doc["claims"][3]["unread"] and doc["unread"]["count"] == 1
    assert all(c["column"] >= 1 for c in doc["claims"])


@pytest.mark.parametrize("mention", [r"$\text{backprop-sym: skip}$ marks a line",
                                     r"backprop-sym: skip (how lines are marked)",
                                     r"\% backprop-sym: skip"])
def test_the_marker_outside_a_comment_marks_nothing(mention):
    """Review R2: the marker anywhere on the line (prose, \\text, an escaped \\%) skipped a
    refuted claim and the document exited 0."""
    text = ("# notes\n\n$$\\frac{\\partial C}{\\partial b^l_j} = 2\\delta^l_j$$ " + mention
            + "\n\n$$\\frac{\\partial C}{\\partial b^l_j} = \\delta^l_j$$ <!-- backprop-sym: skip -->\n")
    claims = C.check_text(text, convention="from-to")
    assert claims[0]["status"] == Status.REFUTED, claims[0]
    assert claims[1]["status"] == Status.SKIPPED, claims[1]
