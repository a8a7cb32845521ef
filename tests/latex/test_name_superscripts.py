"""The LaTeX stage carries a superscript written on a name into the symbol, never into a power."""

from __future__ import annotations

import pytest

from symbolic.errors import LatexError, Span
from symbolic.latex.parse import parse_latex
from symbolic.latex.text import name_superscripts
from symbolic.model.index_notation import split_symbol


def only_symbol(text: str):
    expr = parse_latex(text, Span("n.md", 1, 1)).expr
    assert expr.is_Symbol, expr
    return split_symbol(expr.name)


@pytest.mark.parametrize("text, base, sup, tokens, written", [
    (r"z^l_j", "z", "l", ["j"], "z^{l}_{j}"),
    (r"z_j^l", "z", "l", ["j"], "z^{l}_{j}"),
    (r"z^{(l)}_j", "z", "(l)", ["j"], "z^{(l)}_{j}"),
    (r"a^{[l]}", "a", "[l]", [], "a^{[l]}"),
    (r"w^{l + 1}_{kj}", "w", "l+1", ["k", "j"], "w^{l+1}_{kj}"),
    (r"a^{l-1}_k", "a", "l-1", ["k"], "a^{l-1}_{k}"),
    (r"\delta^L", "delta", "L", [], r"\delta^{L}"),
    (r"W^{(2)}_{kj}", "W", "(2)", ["k", "j"], "W^{(2)}_{kj}"),
    (r"b^{(1)}_j", "b", "(1)", ["j"], "b^{(1)}_{j}"),
    (r"x_j^{(i)}", "x", "(i)", ["j"], "x^{(i)}_{j}"),
    (r"\sigma^2_j", "sigma", "2", ["j"], r"\sigma^{2}_{j}"),
    (r"\sigma^2", "sigma", "2", [], r"\sigma^{2}"),
    (r"x_i^2", "x", "2", ["i"], "x^{2}_{i}"),
    (r"z^{\ell}_j", "z", r"\ell", ["j"], r"z^{\ell}_{j}"),
    (r"W^1_{ji}", "W", "1", ["j", "i"], "W^{1}_{ji}"),  # not W to the power of a delta 1_{ji}
])
def test_a_superscript_on_a_name_is_carried_into_the_symbol(text, base, sup, tokens, written):
    mention = only_symbol(text)
    assert (mention.base, mention.sup, mention.tokens, mention.written) == (base, sup, tokens, written)
    assert mention.name == f"{base}^{{{sup}}}"


@pytest.mark.parametrize("text", [
    r"e^{a_k}", r"(x_i - \mu)^2", r"x^{-1}", r"b_k^{1/3}", r"\sigma^2(x)", r"p^{x_i}",
    r"\sum_i^m x_i", r"\sum_{k=1}^{K} x_k", r"W^T", r"x^\top", r"a^{[l-1]T}", r"\hat{y}^{(i)}",
])
def test_what_is_not_a_name_superscript_is_left_alone(text):
    assert name_superscripts(text) == []


def test_the_square_of_a_call_stays_a_power():
    expr = parse_latex(r"\sigma^2(z_j)", Span("n.md", 1, 1)).expr
    assert expr.is_Pow and expr.exp == 2


@pytest.mark.parametrize("text, message, column", [
    (r"W^T x", "'^T' is a transpose, not a power", 2),
    (r"a^{[l-1]T} w", "'^{[l-1]T}' is a superscript in brackets", 2),
    (r"\hat{y}^{(i)} - y_i", "'^{(i)}' is a superscript in brackets", 8),
    (r"1 + g^{[l]}(z^{[l]}_j)", "'g^{[l]}(…)' is a name with the superscript [l] followed by a parenthesis", 6),
    (r"g^l (z_j)", "'g^l(…)' is a name with the superscript l followed by a parenthesis", 2),
])
def test_superscripts_that_are_not_read_are_errors_at_their_place(text, message, column):
    with pytest.raises(LatexError) as caught:
        parse_latex(text, Span("n.md", 1, 1))
    assert caught.value.message.startswith(message), caught.value.message
    assert caught.value.span.column == column


def test_a_product_after_a_subscripted_layer_name_is_a_product():
    expr = parse_latex(r"a^l_j (1 - a^l_j)", Span("n.md", 1, 1)).expr
    assert expr.is_Mul


def test_the_parser_never_sees_the_carried_marks():
    # after a letter, d\sigma^2 or x\sigma^2 would not be lent a stand-in letter
    for text in (r"x\sigma^2_j", r"2\sigma^2", r"a\delta^{l+1}_k"):
        expr = parse_latex(text, Span("n.md", 1, 1)).expr
        names = [s.name for s in expr.free_symbols]
        assert all("\x01" not in n or n.count("\x01") == 1 and "_{" in n for n in names), names
        assert any("\x01" in n for n in names), names


def test_an_author_cannot_write_the_marks_of_a_carried_superscript():
    with pytest.raises(LatexError) as caught:
        parse_latex("x_{i\x012}", Span("n.md", 1, 1))
    assert caught.value.message == "control character U+0001 in the math"
    assert caught.value.span.column == 5
