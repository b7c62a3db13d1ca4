"""What is not printed is not read, and what is printed is (issue 18, class 4): TeX's rules
for %, \\verb, \\iffalse and comment environments; markdown-it's tokens for Markdown's code
and HTML comments; the HTML tokenizer's rules for comments in a page."""
import pytest

from backprop_sym.claims import check as C
from backprop_sym.claims.masking import mask
from backprop_sym.engine.vocabulary import Status

FALSE = r"\Delta^L_j = a^L_j - y_j"          # false for a generic f; true for linear f
TRUE = r"\Delta^L_j = (a^L_j - y_j) f'(z^L_j)"


def statuses(text, kind):
    return [c["status"] for c in C.check_text(text, kind)]


def linear_hidden(text, kind):
    """The false claim after `text` is refuted: nothing in `text` declared f linear."""
    out = statuses(text + f"\n\\[ {FALSE} \\]\n", kind)
    return out[-1] == Status.REFUTED and Status.PROVED not in out


# ---------------------------------------------------------------- LaTeX

@pytest.mark.parametrize("verb", [r"\verb|%|", r"\verb+%+", r"\verb*!%!", r'\verb"50%"',
                                  r"\verb |%|", r"\lstinline|%|", r"\verb/%/ and \verb|x|"])
def test_a_percent_in_verb_is_no_comment(verb):
    text = f"Comments start with {verb}: \\[ {FALSE} \\]\n"
    assert statuses(text, "latex") == [Status.REFUTED], text


def test_an_escaped_percent_is_no_comment_but_after_a_line_break_it_is():
    assert statuses(f"50\\% of it: \\[ {FALSE} \\]\n", "latex") == [Status.REFUTED]
    hidden = "\\begin{align}\nC &= C \\\\% &= 2C\n\\end{align}\n"
    assert statuses(hidden, "latex") == [Status.PROVED]


@pytest.mark.parametrize("hidden", [
    "\\iffalse\n\\[ f(z) = z \\]\n\\fi",
    "\\iffalse \\ifx\\a\\b x \\fi\n\\[ f(z) = z \\]\n\\fi",                     # nested
    "\\iffalse \\ifnum 1=1 \\ifdim 1pt=1pt \\fi\\fi \\[ f(z) = z \\] \\fi",
    "\\iffalse % \\fi\n\\[ f(z) = z \\]\n\\fi",                              # a comment's \fi
    "\\iftrue shown \\else \\[ f(z) = z \\] \\fi",
    "\\newif\\ifanswers\n\\answersfalse\n\\ifanswers \\[ f(z) = z \\] \\fi",
    "\\begin{comment}\n\\[ f(z) = z \\]\n\\end{comment}",
    "\\excludecomment{solution}\n\\begin{solution}\n\\[ f(z) = z \\]\n\\end{solution}",
    "\\begin{verbatim}\n\\[ f(z) = z \\]\n\\end{verbatim}",
    "\\begin{lstlisting}\n\\[ f(z) = z \\]\n\\end{lstlisting}",
    "\\begin{minted}{latex}\n\\[ f(z) = z \\]\n\\end{minted}",
    "\\verb|\\[ f(z) = z \\]|",
])
def test_a_definition_that_is_not_printed_is_not_read(hidden):
    assert linear_hidden(hidden, "latex"), hidden


@pytest.mark.parametrize("shown", [
    "\\iffalse not this \\else \\[ f(z) = z \\] \\fi",
    "\\iftrue \\[ f(z) = z \\] \\else no \\fi",
    "\\newif\\ifanswers\n\\answerstrue\n\\ifanswers \\[ f(z) = z \\] \\fi",
    "\\includecomment{solution}\n\\begin{solution}\n\\[ f(z) = z \\]\n\\end{solution}",
    "\\iffalse a \\iff b \\fi \\[ f(z) = z \\]",               # \iff is no conditional
])
def test_a_definition_that_is_printed_is_read(shown):
    out = statuses(shown + f"\n\\[ {FALSE} \\]\n", "latex")
    assert out[-1] == Status.PROVED, (shown, out)       # f linear, as the document says


def test_a_display_after_a_closed_false_branch_is_read():
    text = (f"\\iffalse \\[ C = 2C \\] \\fi \\[ {FALSE} \\]\n"
            "\\begin{comment}\nx\n\\end{comment}\n\\[ C = 3C \\]\n")
    assert statuses(text, "latex") == [Status.REFUTED, Status.REFUTED]


def test_masking_keeps_every_offset():
    for kind, text in [("latex", "a \\verb|%| b % c\n\\iffalse x \\fi d"),
                       ("markdown", "`<!--` a `-->` <!-- b -->\n```\nc\n```\n"),
                       ("html", "<p>a<!-->b &amp; <pre>c</pre></p>")]:
        out = mask(text, kind)
        assert len(out) == len(text) and [i for i, ch in enumerate(out) if ch == "\n"] == \
            [i for i, ch in enumerate(text) if ch == "\n"]


# ---------------------------------------------------------------- Markdown

@pytest.mark.parametrize("before, after", [
    ("`<!--`", "`-->`"),                    # opened in one code span, closed in another
    ("``<!--``", "``-->``"),
    ("<!-->", "<!-- b -->"),                # a complete, empty comment
    ("<!--->", "<!-- b -->"),
    ("x <!--> y", "<!-- b -->"),
    ("```\n<!--\n```\n", ""),               # a comment start inside a fenced block
    ("    <!--\n", ""),                     # inside indented code
    ("<!-- a -->", "<!-- b -->"),
])
def test_a_display_that_markdown_shows_is_read(before, after):
    text = f"{before}\n\n$${FALSE}$$\n\n{after}\n"
    assert statuses(text, "markdown") == [Status.REFUTED], text


@pytest.mark.parametrize("hidden", [
    "<!--\n$$f(z) = z$$\n-->",
    "<!-- $$f(z) = z$$ -->",
    "<!-- `-->` is code here? no: the comment ends there --> ok",
    "<div>\n<!-- never closed here\n\n$$f(z) = z$$\n\n<p>-->",    # closed by later raw HTML
    "```\n$$f(z) = z$$\n```",
    "`$$f(z) = z$$`",
    "<pre>\n$$f(z) = z$$\n</pre>",
])
def test_a_markdown_definition_that_is_not_shown_is_not_read(hidden):
    text = f"{hidden}\n\n$${FALSE}$$\n"
    out = statuses(text, "markdown")
    assert out and out[-1] == Status.REFUTED and Status.PROVED not in out, (text, out)


def test_percent_is_text_in_markdown_but_a_comment_inside_its_math():
    assert statuses(f"100% sure:\n\n$${FALSE}$$\n", "markdown") == [Status.REFUTED]
    shown = "$$\\Delta^L_j = (a^L_j - y_j) % f'(z^L_j)\n$$\n"      # MathJax shows (a - y)
    assert statuses(shown, "markdown") == [Status.REFUTED]
    kept = "$$\\Delta^L_j = (a^L_j - y_j) f'(z^L_j) % the output layer\n$$\n"
    assert statuses(kept, "markdown") == [Status.PROVED]


# ---------------------------------------------------------------- HTML

@pytest.mark.parametrize("before", ["<!-->", "<!--->", "<!-- a --!>", "<script>var s = '<!--';</script>",
                                    "<!-- a -->"])
def test_a_display_that_a_browser_shows_is_read(before):
    text = f"<html><body><p>{before}</p><p>\\[ {FALSE} \\]</p><!-- b --></body></html>\n"
    assert statuses(text, "html") == [Status.REFUTED], text


@pytest.mark.parametrize("hidden", ["<!-- \\[ f(z) = z \\] -->", "<!--\n\\[ f(z) = z \\]\n-->",
                                    "<pre>\\[ f(z) = z \\]</pre>", "<code>\\[ f(z) = z \\]</code>"])
def test_an_html_definition_that_is_not_shown_is_not_read(hidden):
    text = f"<html><body>{hidden}<p>\\[ {FALSE} \\]</p></body></html>\n"
    assert statuses(text, "html")[-1] == Status.REFUTED, text


def test_mathjax_display_scripts_are_still_read():
    text = f'<script type="math/tex; mode=display">{TRUE}</script>\n'
    assert statuses(text, "html") == [Status.PROVED]
