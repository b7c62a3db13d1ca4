"""In a notebook the result of a check renders as a table with the mathematics typeset
(`_repr_markdown_`, `_repr_html_`), not a one-line summary."""
from backprop_sym.claims import check_text

DOC = ("$$\n\\Delta^L_j = (a^L_j - y_j) f'(z^L_j)\n$$\n\n"
       "$$\n\\Delta^L_j = (a^L_j - y_j) f(z^L_j) + [a^L_j < 1]\n$$\n\n"
       "$$\n\\Delta^L_j = (a^L_j - y_j) f(z^L_j)\n$$\n")


def test_markdown_table():
    md = check_text(DOC, convention="from-to")._repr_markdown_()
    lines = md.splitlines()
    assert lines[0].startswith("**refuted: 3 claim(s)")
    assert lines[2] == "| where | verdict | equation | why | witness / hint |"
    rows = [ln for ln in lines if ln.startswith("| line")]
    assert len(rows) == 3
    assert "| proved | $\\Delta^L_j = (a^L_j - y_j) f'(z^L_j)$ |" in rows[0]
    assert "| refuted |" in rows[2] and "witness: f(t) =" in rows[2]


def test_html_table_escapes_and_typesets():
    html = check_text(DOC, convention="from-to")._repr_html_()
    assert html.count("<tr>") == 4 and "<th>equation</th>" in html
    assert "\\(\\Delta^L_j = (a^L_j - y_j) f&#x27;(z^L_j)\\)" in html
    assert "<1]" not in html            # the text is escaped, not read as markup
