"""Macros as TeX reads them: expansion by tokens, every kind of definition (\\def, \\gdef,
\\edef, \\xdef, \\let, \\newcommand with an optional argument, \\DeclareMathOperator, in a
Markdown `$$` block, of a primitive), definitions from outside (--macros FILE), an undefined
macro named, and a macro that never ends stopped with its name. Every reading that proves
has a must-not-prove case beside it."""
from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from backprop_sym.claims import check as C
from backprop_sym.claims import documents
from backprop_sym.claims.macros import definitions, read_given
from backprop_sym.claims.rewrite import Mapped
from backprop_sym.claims.tex import ExpansionError, Macro, expand
from backprop_sym.engine.vocabulary import Status

TO_FROM = dict(convention="to-from")


def cli(*args):
    from backprop_sym.cli import main
    return CliRunner().invoke(main, [str(a) for a in args])


def statuses(text: str, kind: str = documents.LATEX, **options) -> list[tuple[int, str, str]]:
    claims = C.check_text(text, kind, **{**TO_FROM, **options})
    return [(c["line"], c["status"], c["reason"]) for c in claims]


def tex_doc(defs: str, *equations: str) -> str:
    return defs + "\n" + "".join(f"\\begin{{equation}}\n{e}\n\\end{{equation}}\n"
                                 for e in equations)


# ------------------------------------------------------------ expansion by tokens

@pytest.mark.parametrize("macros, written, read", [
    # a control word followed by a letter after substitution stays a separate token
    ({"pfrac": Macro("pfrac", 2, r"\frac{\partial#1}{\partial#2}")},
     r"\pfrac{C}{z}", r"\frac{\partial C}{\partial z}"),
    # an argument ending in a control word, the body going on with a letter
    ({"x": Macro("x", 1, r"#1b")}, r"\x{\alpha}", r"\alpha b"),
    # a macro expanding to a letter after a control word
    ({"y": Macro("y", 0, "y")}, r"\alpha\y", r"\alpha y"),
    # a macro ending in a control word before a letter
    ({"s": Macro("s", 0, r"\sigma")}, r"\s z", r"\sigma z"),
    ({"s": Macro("s", 0, r"\sigma")}, r"\s{}z", r"\sigma{}z"),
    # nested macros, expanded again
    ({"d": Macro("d", 1, r"\partial#1"), "p": Macro("p", 2, r"\frac{\d{#1}}{\d{#2}}")},
     r"\p{C}{b}", r"\frac{\partial C}{\partial b}"),
    # an optional argument with its default, and given
    ({"g": Macro("g", 2, r"\frac{\partial #1}{\partial #2}", default="C")},
     r"\g{z} + \g[E]{w}", r"\frac{\partial C}{\partial z} + \frac{\partial E}{\partial w}"),
    # ## is a #, a control symbol is no control word
    ({"h": Macro("h", 1, r"\,#1")}, r"\h{x}", r"\,x"),
])
def test_expansion_is_by_tokens(macros, written, read):
    assert expand(Mapped.of(written), macros).text == read


def test_expansion_keeps_the_map_to_the_text_as_written():
    m = expand(Mapped.of(r"a + \pfrac{C}{z} = b"),
               {"pfrac": Macro("pfrac", 2, r"\frac{\partial#1}{\partial#2}")})
    assert m.text.endswith(" = b") and m.at(len(m.text) - 1) == len(r"a + \pfrac{C}{z} = b") - 1
    assert m.at(m.text.index(r"\frac")) == 4


@pytest.mark.parametrize("defs, use, name", [
    (r"\def\a{\a x}", r"\a", "a"),                       # calls itself
    (r"\def\a{\b}\def\b{\a}", r"\a", "a"),               # through another
    (r"\def\a{\a\a}", r"\a", "a"),                       # grows
    (r"\newcommand{\r}[1]{\r{#1#1}}", r"\r{x}", "r"),    # grows through its argument
])
def test_a_macro_that_never_ends_is_named_and_stops(defs, use, name):
    t0 = time.perf_counter()
    with pytest.raises(ExpansionError, match=rf"\\{name}\b"):
        expand(Mapped.of(use), definitions(defs).macros)
    assert time.perf_counter() - t0 < 2


def test_a_macro_missing_its_argument_says_so():
    with pytest.raises(ExpansionError, match=r"\\p takes 2 argument"):
        expand(Mapped.of(r"\p{C}"), {"p": Macro("p", 2, "#1#2")})


# ------------------------------------------------------------ every kind of definition

@pytest.mark.parametrize("defs", [
    r"\def\pd#1#2{\frac{\partial#1}{\partial#2}}",
    r"\gdef\pd#1#2{\frac{\partial#1}{\partial#2}}",
    r"\edef\pd#1#2{\frac{\partial#1}{\partial#2}}",
    r"\xdef\pd#1#2{\frac{\partial#1}{\partial#2}}",
    r"\newcommand{\pd}[2]{\frac{\partial#1}{\partial#2}}",
    r"\newcommand\pd[2]{\frac{\partial#1}{\partial#2}}",
    r"\renewcommand*{\pd}[2]{\frac{\partial#1}{\partial#2}}",
    r"\providecommand{\pd}[2]{\frac{\partial#1}{\partial#2}}",
    r"\newcommand{\pd}[3][]{\frac{\partial#2#1}{\partial#3}}",   # an empty optional
    r"\def\dd{\partial}\let\ddd\dd\newcommand{\pd}[2]{\frac{\ddd#1}{\ddd#2}}",
    r"\def\par#1#2{\frac{\partial#1}{\partial#2}}\let\pd=\par",   # a primitive redefined
])
def test_every_definition_expands_and_proves_and_a_wrong_use_does_not(defs):
    right = r"\pd{C}{w^l_{jk}} = a^{l-1}_k \Delta^l_j"
    swapped = r"\pd{C}{w^l_{jk}} = a^{l-1}_j \Delta^l_k"        # indices swapped
    (_, ok, _), (_, wrong, why) = statuses(tex_doc(defs, right, swapped))
    assert ok == Status.PROVED
    assert wrong == Status.REFUTED, why


def test_an_optional_argument_given_overrides_its_default():
    defs = r"\newcommand{\pd}[2][C]{\frac{\partial#1}{\partial#2}}"
    got = statuses(tex_doc(defs, r"\pd[C]{b^l_j} = \Delta^l_j", r"\pd{b^l_j} = \Delta^l_j",
                           r"\pd[z^l_j]{b^l_j} = \Delta^l_j"))
    assert [s for _, s, _ in got] == [Status.PROVED, Status.PROVED, Status.REFUTED]


def test_gdef_of_a_primitive_in_a_markdown_dollar_block():
    text = ("$$\n\\gdef\\par#1#2{\\frac{\\partial #1}{\\partial #2}}\n$$\n\nText.\n\n"
            "$$\n\\par{C}{b^l_j} = \\delta^l_j\n$$\n\n$$\n\\par{C}{b^l_j} = a^{l-1}_j\n$$\n")
    got = statuses(text, documents.MARKDOWN)
    assert [(ln, s) for ln, s, _ in got] == [(8, Status.PROVED), (12, Status.REFUTED)]


def test_a_macro_expanding_to_a_wrong_rule_is_refuted():
    defs = r"\newcommand{\back}[1]{\sum_k w^{#1+1}_{kj} \Delta^{#1+1}_k}"   # f' missing
    got = statuses(tex_doc(defs, r"\Delta^l_j = \back{l} \sigma'(z^l_j)",
                           r"\Delta^l_j = \back{l}"))
    assert [s for _, s, _ in got] == [Status.PROVED, Status.REFUTED]


def test_a_definition_holds_from_where_it_is_made():
    text = (r"\newcommand{\q}{a^{l-1}_k}" "\n\\begin{equation}\n"
            r"\frac{\partial C}{\partial w^l_{jk}} = \q \Delta^l_j" "\n\\end{equation}\n"
            r"\renewcommand{\q}{a^{l-1}_j}" "\n\\begin{equation}\n"
            r"\frac{\partial C}{\partial w^l_{jk}} = \q \Delta^l_j" "\n\\end{equation}\n")
    got = statuses(text)
    assert got[0][1] == Status.PROVED and got[1][1] in (Status.REFUTED, Status.ILL_FORMED)


def test_providecommand_keeps_an_earlier_definition():
    defs = r"\newcommand{\q}{a^{l-1}_k}\providecommand{\q}{a^{l-1}_j}"
    got = statuses(tex_doc(defs, r"\frac{\partial C}{\partial w^l_{jk}} = \q \Delta^l_j"))
    assert got[0][1] == Status.PROVED


def test_edef_expands_its_body_where_it_is_defined():
    read = definitions(r"\def\a{x}\edef\b{\a y}\def\a{z}")
    assert read.macros["b"].body == "x y" or read.macros["b"].body == "xy"


def test_declare_math_operator():
    defs = r"\DeclareMathOperator{\ex}{exp}\DeclareMathOperator{\sgm}{sgm}"
    got = statuses(tex_doc(defs, r"\Delta^l_j = \ex(z^l_j)", r"\Delta^L_j = \sgm(z^L_j)"))
    assert got[1][1] == Status.UNKNOWN and r"\sgm" in got[1][2] and "sgm" in got[1][2]
    assert got[0][1] != Status.PROVED              # exp(z) is no Δ: read, never proved


# ------------------------------------------------------------ undefined macros, --macros

def test_an_undefined_macro_is_named_with_how_to_supply_it():
    got = statuses(tex_doc("", r"\pfrac{C}{b^l_j} = \Delta^l_j"))
    (_, status, why), = got
    assert status == Status.UNKNOWN
    assert r"\pfrac" in why and "--macros FILE" in why


def test_a_known_command_is_not_called_undefined():
    got = statuses(tex_doc("", r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j",
                           r"\mathbf{\delta}^l = \boldsymbol{x}",
                           r"\pdv{C}{b^l_j} = \Delta^l_j"))       # the physics package's
    assert got[0][1] == Status.PROVED and got[2][1] == Status.PROVED
    assert "--macros" not in got[1][2]


def test_a_macro_that_never_ends_skips_its_row_only():
    text = tex_doc(r"\def\loop{\loop x}",
                   r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j \\ \loop = \Delta^l_j")
    text = text.replace("equation", "align")
    t0 = time.perf_counter()
    got = statuses(text)
    assert time.perf_counter() - t0 < 30
    assert [s for _, s, _ in got] == [Status.PROVED, Status.UNKNOWN]
    assert r"\loop" in got[1][2] and "without end" in got[1][2]


def test_definitions_given_from_outside(tmp_path):
    sty = tmp_path / "defs.sty"
    sty.write_text("% defs\n\\newcommand{\\pfrac}[2]{\\frac{\\partial#1}{\\partial#2}}\n")
    given = read_given([sty])
    text = tex_doc("", r"\pfrac{C}{w^l_{jk}} = a^{l-1}_k \Delta^l_j",
                   r"\pfrac{C}{w^l_{jk}} = a^{l-1}_j \Delta^l_k")
    with documents.given_macros(given):
        got = statuses(text)
    assert [s for _, s, _ in got] == [Status.PROVED, Status.REFUTED]
    assert [s for _, s, _ in statuses(text)] == [Status.UNKNOWN, Status.UNKNOWN]  # not kept


def test_the_document_redefines_a_given_macro(tmp_path):
    sty = tmp_path / "defs.sty"
    sty.write_text("\\newcommand{\\q}{a^{l-1}_j}\n")
    text = tex_doc(r"\renewcommand{\q}{a^{l-1}_k}",
                   r"\frac{\partial C}{\partial w^l_{jk}} = \q \Delta^l_j")
    with documents.given_macros(read_given([sty])):
        assert statuses(text)[0][1] == Status.PROVED


def test_cli_macros_option(tmp_path):
    sty = tmp_path / "defs.sty"
    sty.write_text("\\newcommand{\\pfrac}[2]{\\frac{\\partial#1}{\\partial#2}}\n")
    doc = tmp_path / "d.tex"
    doc.write_text(tex_doc("", r"\pfrac{C}{b^l_j} = \Delta^l_j"))
    r = cli("check", doc, "--convention", "to-from", "--macros", sty)
    assert r.exit_code == 0 and "proved" in r.output
    r = cli("check", doc, "--convention", "to-from")
    assert r.exit_code != 0 and "--macros FILE" in r.output
    r = cli("check", "--claim", r"\pfrac{C}{b^l_k} = \Delta^l_j", "--macros", sty)
    assert r.exit_code == 1 and "ill-formed" in r.output


@pytest.mark.parametrize("content, says", [
    (None, "cannot read the macros file"),
    ("% only a comment\n\\newcommand\n", "defines no macro"),
    (b"\xff\xfe\x00", "cannot read the macros file"),
])
def test_cli_bad_macros_file_is_a_usage_error(tmp_path, content, says):
    sty = tmp_path / "defs.sty"
    if isinstance(content, bytes):
        sty.write_bytes(content)
    elif content is not None:
        sty.write_text(content)
    doc = tmp_path / "d.tex"
    doc.write_text(tex_doc("", r"\frac{\partial C}{\partial b^l_j} = \Delta^l_j"))
    r = cli("check", doc, "--macros", sty)
    assert r.exit_code == 2 and says in r.output and "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
