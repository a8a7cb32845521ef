"""The plain-term reader builds exactly the tree latex2sympy2's grammar builds, or declines.

Generated terms (the fragment and its near misses, spaced at random) and hand-picked ones
are read both ways; wherever the reader answers, the grammar must accept the text and
return the same expression: same classes, same argument order, same symbol names and
assumptions (compared by ``srepr`` in the stored order and by structural equality).
"""

from __future__ import annotations

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbolic.latex import grammar, plain_terms


def same_tree(text: str) -> None:
    mine = plain_terms.read(text)
    if mine is None:
        return
    theirs = grammar.parse_uncached(text)  # raises if the grammar rejects what the reader accepted
    assert sympy.srepr(mine, order="none") == sympy.srepr(theirs, order="none"), text
    assert mine == theirs, text


ACCEPTED = [
    " B ", "{B}", "B C", "-B C", "B - 2", "-2", "B - -C", "+B", r"\frac{1}{2}", r"\frac{1}{N} (B - C)",
    "B^2", "B^{C + 1}", "(B - C)^2", "B_k", "B_{12}", "k_{p}", r"B \cdot C D", r"\sum_{k=1}^{A} B C + F",
    r"\frac{1}{2} \sum_{j=1}^{A} (B - C)^2", r"\sum_{k_{p}=1}^{A} e^{C}", r"\ln C", r"\ln(1 - C) B",
    r"\ln B C", r"\ln B \cdot C", r"\ln B \ln C", r"\max(0, B)", r"\min(B, C, 1)", r"e^{B}", "e^B",
    r"-\frac{C}{F} {F} (1 - F) + \sum_{k_{p}=1}^{A} {B} \frac{G}{H} H F", "2 B", "2 (B + 1)",
    r"B - (C + F)", r"B + (C + F)", r"(B C) (F G)", r"\frac{e^{B}}{\sum_{k=1}^{A} e^{C}}",
    r"\mu_i", r"\theta_{12}^2", r"B^\mu", r"\sqrt{B} C", r"\exp B C", r"\exp(B) C", r"\tanh(B)",
    r"\tanh B \tanh C", r"\frac{1}{N \sqrt{M + \epsilon}} (N B - \sum_{k=1}^{A} F)",
]

DECLINED = [
    "B (C)", "B_k (C)", "B^2 (C)", "BC", "rank", "B^T", "B^{T}", "d x", "E", "I", "e", r"\coth(B)",
    "0.5", r"\max(0,123)", "B = C", "B, C", r"\sum^{A}_{k=1} B", "B^2^3", r"\ln_2 B", r"\max(0, \ln B)",
    r"\frac12", "B_{k j}", "", "   ", "(" * 60 + "B" + ")" * 60, "-" * 60 + "B", r"\ln " * 400 + "B",
    r"B \times C",
    "B\u00a0C", "B\fC", "B \u2009", r"B_{\mu}", r"\sigma(B)", r"\pi", r"\sqrt[3]{B}", r"\hat{x}",
    r"\tanh^2 B", r"\max(0, \mu x)",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_common_terms_are_read_as_the_grammar_reads_them(text):
    assert plain_terms.read(text) is not None, text
    same_tree(text)


@pytest.mark.parametrize("text", DECLINED)
def test_terms_outside_the_fragment_are_left_to_the_grammar(text):
    assert plain_terms.read(text) is None


def test_a_letter_before_a_parenthesis_is_a_call_to_the_grammar():
    assert isinstance(grammar.parse_uncached("B (C)"), sympy.core.function.AppliedUndef)  # why it declines


def test_grammar_parse_uses_the_reader_and_still_reports_grammar_errors():
    assert grammar.parse(" B  -  C ") == grammar.parse_uncached(" B  -  C ")
    with pytest.raises(Exception):
        grammar.parse("B +")


LETTERS = "ABCFGHJKLMNOPQRSTUVWXYZabcfghjklmnopqrstuvwxyz"
GREEK = [r"\mu", r"\epsilon", r"\theta", r"\beta", r"\sigma", r"\Sigma", r"\pi", r"\hat{x}"]


@st.composite
def spaced(draw, *parts: str) -> str:
    gap = st.sampled_from(["", " ", "", " ", "  ", "\t", "\n", "\u00a0"])  # the lexer skips no \u00a0
    gaps = draw(st.lists(gap, min_size=len(parts) + 1, max_size=len(parts) + 1))
    return "".join(gap + part for gap, part in zip(gaps, parts)) + gaps[-1]


@st.composite
def atoms(draw) -> str:
    kind = draw(st.sampled_from(["letter", "letter", "number", "sub", "odd", "greek"]))
    if kind == "letter":
        return draw(st.sampled_from(LETTERS))
    if kind == "greek":
        return draw(st.sampled_from(GREEK)) + draw(st.sampled_from(["", "", "_i", "_{12}", "_{p}", "^2"]))
    if kind == "number":
        return draw(st.sampled_from(["0", "1", "2", "12"]))
    if kind == "sub":
        letter, sub = draw(st.sampled_from(LETTERS)), draw(st.sampled_from(["p", "1", "12", "kj", "k j", "e"]))
        return draw(st.sampled_from([f"{letter}_{{{sub}}}", f"{letter}_{sub[0]}"]))
    return draw(st.sampled_from(["d", "E", "I", "e", "T", "rank", "0.5", r"\pi", r"\tanh"]))


@st.composite
def terms(draw, depth: int = 3) -> str:
    if depth == 0 or draw(st.integers(0, 4)) == 0:
        return draw(atoms())
    a = draw(terms(depth - 1))
    kind = draw(st.sampled_from([
        "add", "sub", "neg", "pos", "mul", "cdot", "paren", "brace", "frac", "pow", "powatom", "sum",
        "ln", "lnparen", "exp", "max", "call", "sqrt", "function", "functionparen"]))
    if kind in ("add", "sub", "mul", "cdot", "frac", "pow", "max", "sum", "call"):
        b = draw(terms(depth - 1))
    op = {"add": "+", "sub": "-", "mul": "", "cdot": r"\cdot"}
    if kind in op:
        return draw(spaced(a, op[kind], b))
    if kind in ("neg", "pos"):
        return draw(spaced("-" if kind == "neg" else "+", a))
    if kind in ("paren", "brace"):
        return draw(spaced("(" if kind == "paren" else "{", a, ")" if kind == "paren" else "}"))
    if kind == "frac":
        return draw(spaced(r"\frac", "{", a, "}", "{", b, "}"))
    if kind == "pow":
        return draw(spaced(a, "^", "{", b, "}"))
    if kind == "powatom":
        return draw(spaced(a, "^", draw(st.sampled_from(["2", "C", "T", "12"]))))
    if kind == "sum":
        index = draw(st.sampled_from(["k", "j", "k_{p}", "i"]))
        end = draw(st.sampled_from(["A", "{A}", "{A + 1}", "N"]))
        return draw(spaced(r"\sum", "_", "{", index, "=", "1", "}", "^", end, b))
    if kind == "ln":
        return draw(spaced(r"\ln", a))
    if kind == "lnparen":
        return draw(spaced(r"\ln", "(", a, ")"))
    if kind == "exp":
        return draw(spaced("e", "^", "{", a, "}"))
    if kind == "sqrt":
        return draw(spaced(r"\sqrt", "{", a, "}"))
    if kind in ("function", "functionparen"):
        name = draw(st.sampled_from([r"\exp", r"\tanh", r"\sin", r"\cosh", r"\tanh^2", r"\log"]))
        return draw(spaced(name, a) if kind == "function" else spaced(name, "(", a, ")"))
    if kind == "max":
        return draw(spaced(draw(st.sampled_from([r"\max", r"\min"])), "(", a, ",", b, ")"))
    return draw(spaced(a, "(", b, ")"))  # call


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(terms())
def test_generated_terms_read_as_the_grammar_reads_them(text):
    same_tree(text)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(terms(depth=2), min_size=2, max_size=4), st.sampled_from([" ", "", " + ", " - "]))
def test_generated_products_and_sums_read_as_the_grammar_reads_them(parts, glue):
    same_tree(glue.join(parts))
