"""Forms of the same LaTeX that authors write: each reads exactly as its plain spelling.

``{{\\partial C}}`` is ``{\\partial C}``; ``\\hat y`` is ``\\hat{y}``; ``{\\color{red}{x}}`` is ``x``;
``w^la_k`` is ``w^l a_k`` (a one-token superscript); ``\\frac{\\partial{}}{\\partial x}`` is the
operator; ``\\log{exp(u)}`` calls exp; ``g'(x)`` inside a fraction's braces is a derivative;
``\\text{for all}\\; w \\neq o`` is a condition.
"""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text
from symbolic.errors import LatexError, Span
from symbolic.latex.parse import parse_latex
from symbolic.notes.conditions import CONDITION_FORMS

SPAN = Span("n.md", 1, 1)


def same(written: str, plain: str) -> bool:
    a, b = parse_latex(written, SPAN), parse_latex(plain, SPAN)
    return a.expr == b.expr and [(d.of and d.of.expr, d.wrt.expr) for d in a.derivatives.values()] == \
        [(d.of and d.of.expr, d.wrt.expr) for d in b.derivatives.values()]


@pytest.mark.parametrize("written, plain", [
    (r"\frac{{\partial C}}{{\partial z_j}}", r"\frac{\partial C}{\partial z_j}"),
    (r"x^{{{2}}} + {{a}}", r"x^{2} + a"),
    (r"\hat y_o + \hat\theta", r"\hat{y}_o + \hat{\theta}"),
    (r"-y_i(1-p_i)+{\color{red}{p_i}} + \textcolor{blue}{y_k}", r"-y_i(1-p_i)+p_i + y_k"),
    (r"\sum_kw_{jk}^la_k^{(l-1)}", r"\sum_k w^{l}_{jk} a^{(l-1)}_k"),
    (r"\frac{\partial{}}{\partial{v_{c}}} x_c", r"\frac{\partial}{\partial v_c} x_c"),
    (r"\log{exp(u)}", r"\log(\exp(u))"),
    (r"\frac{g'(x)}{h(x)}", r"\frac{ g'(x)}{h(x)}"),
])
def test_a_written_form_reads_as_its_plain_spelling(written, plain):
    assert same(written, plain)


def test_braces_that_hold_two_groups_are_kept():
    assert parse_latex(r"{{a}{b}}", SPAN).expr == parse_latex(r"a b", SPAN).expr
    assert parse_latex(r"\frac{{a}{b}}{c}", SPAN).expr == parse_latex(r"\frac{a b}{c}", SPAN).expr


def test_a_prime_inside_a_subscript_group_is_still_an_index_prime():
    assert "k_{p}" in str(parse_latex(r"o_{k'}", SPAN).expr)


def test_a_word_with_a_prime_is_a_derivative_never_dropped():
    with pytest.raises(LatexError):
        parse_latex(r"ab'(x)", SPAN)  # a product or a function ab? neither is guessed
    record = check_text("```derivation\nindices: {}\ndefine: |\n  s = x^2\n```\n\n$$swish'(x) = 2 x$$\n",
                        "n.md").claims[-1]
    assert record.verdict == Verdict.ERROR and "swish'" in record.message


@pytest.mark.parametrize("condition", [r"\text{for all}\; w \neq o", r"\text {for every} i = j",
                                       r"\text{for each } k \ne i"])
def test_for_all_introduces_a_condition(condition):
    assert any(pattern.search(condition) for pattern, _spaced in CONDITION_FORMS)
