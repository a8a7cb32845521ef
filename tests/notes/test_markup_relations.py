"""Markup between and around equations: \\Rightarrow, "if … then", := and \\equiv, cases, labels
written ",(1)", several equations on the lines of one display, and a display that starts with '='."""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text
from symbolic.errors import NotesError
from symbolic.notes import ChainSource, Problem, parse_note
from tests.models import SOFTMAX_ONE_HOT

SOFTMAX = SOFTMAX_ONE_HOT
SIGMOID = r"""```derivation
indices: {}
define: |
  y = \frac{1}{1+e^{-x}}
```
"""
HOLDS = (Verdict.PROVED, Verdict.VERIFIED)


def chains(text: str) -> list[ChainSource]:
    return [item for item in parse_note(text).items if isinstance(item, ChainSource)]


def problems(text: str) -> list[NotesError]:
    return [item.error for item in parse_note(text).items if isinstance(item, Problem)]


def records(block: str, displays: str):
    return check_text(block + "\n" + displays + "\n", "n.md").claims


# --- implications -----------------------------------------------------------------------------

@pytest.mark.parametrize("arrow", [r"\Rightarrow", r"\implies", r"\iff", r"\Longrightarrow"])
def test_each_side_of_an_implication_is_a_claim_of_its_own(arrow):
    found = chains(f"$$y = \\frac{{1}}{{1+e^{{-x}}}} {arrow} \\frac{{dy}}{{dx}} = y(1-y) \\tag{{1}}$$")
    assert [[t.text for t in c.terms] for c in found] == [
        ["y", r"\frac{1}{1+e^{-x}}"], [r"\frac{dy}{dx}", "y(1-y)"]]
    assert [c.label for c in found] == ["1", "1"]


def test_an_implication_with_a_false_side_is_refuted_there():
    found = records(SIGMOID, r"$$y = \frac{1}{1+e^{-x}} \Rightarrow \frac{dy}{dx} = y(1+y) \tag{1}$$")
    assert [c.verdict for c in found][0] in HOLDS and found[1].verdict == Verdict.REFUTED


def test_a_display_that_starts_with_an_arrow_is_the_equation_after_it():
    (chain,) = chains(r"$$\Rightarrow \frac{dy}{dx} = y(1-y) \tag{2}$$")
    assert [t.text for t in chain.terms] == [r"\frac{dy}{dx}", "y(1-y)"] and chain.label == "2"
    assert (chain.span.line, chain.span.column) == (1, 15)


def test_if_then_written_in_the_math():
    found = records(SIGMOID, r"$$if\;y=\frac{1}{1+e^{-x}},\;\mathrm{then}\;\frac{\partial{y}}{\partial{x}}=y(1-y) \tag{y1}$$")
    assert [c.label for c in found] == ["y1", "y1"]
    assert all(c.verdict in HOLDS for c in found)
    assert [c.column for c in found] == [7, 45]


def test_an_arrow_inside_a_term_is_a_located_error():
    (claim,) = records(SIGMOID, r"$$\frac{dy}{dx} = \left(y \Rightarrow y\right) \tag{1}$$")
    assert claim.verdict == Verdict.ERROR and claim.message.startswith(r"'\Rightarrow' relates two equations")


# --- definitions ------------------------------------------------------------------------------

@pytest.mark.parametrize("sign", [":=", r"\equiv", r"\coloneqq", r"\triangleq"])
def test_a_definition_sign_defines_a_new_name(sign):
    found = records(SOFTMAX, f"$$\\delta_i {sign} p_i - y_i$$\n\n"
                             r"$$\frac{\partial L}{\partial o_i} = \delta_i \tag{1}$$")
    assert found[0].verdict == Verdict.DEFINITION
    assert found[1].label == "1" and found[1].verdict in HOLDS


def test_a_definition_sign_on_a_known_name_is_an_error_not_a_claim():
    (claim,) = records(SOFTMAX, r"$$L := 0 \tag{1}$$")
    assert claim.verdict == Verdict.ERROR
    assert claim.message == "'L' is defined with := or \\equiv but already has a meaning here"


def test_a_definition_then_a_claim():
    found = records(SOFTMAX, r"$$\delta_i \equiv \frac{\partial L}{\partial o_i} = p_i - y_i \tag{5}$$")
    assert [(c.label, c.verdict) for c in found][0] == (None, Verdict.DEFINITION)
    assert found[1].label == "5" and found[1].verdict in HOLDS


def test_a_definition_sign_in_the_middle_of_a_chain_is_a_located_problem():
    (problem,) = problems(SOFTMAX + "\n$$a = b := c$$\n")
    assert problem.message.startswith("':=' defines a name, and here it is not between one name")
    assert (problem.span.line, problem.span.column) == (10, 9)


# --- cases ------------------------------------------------------------------------------------

CASES = (r"$$\frac{\partial p_i}{\partial o_k} = \begin{cases} p_k (1 - p_k) & \text{if }\; i=k \\"
         r" - p_k p_i & \text{if }\; i\neq k \end{cases} \tag{s4}$$")


def test_each_case_is_a_claim_with_its_condition():
    found = chains(CASES)
    assert [(c.terms[-1].text, c.condition, c.label) for c in found] == [
        ("p_k (1 - p_k)", "i = k", "s4"), ("- p_k p_i", r"i \neq k", "s4")]
    assert (found[1].condition_span.line, found[1].condition_span.column) == (1, CASES.index("\\text{if }\\; i\\neq") + 1)


def test_cases_are_checked_under_their_conditions():
    found = records(SOFTMAX.replace("i: K, k: K", "i: K, k: K"), CASES)
    assert [c.verdict in HOLDS for c in found] == [True, True]
    wrong = records(SOFTMAX, CASES.replace("- p_k p_i", "p_k p_i"))
    assert [c.verdict for c in wrong][1] == Verdict.REFUTED and wrong[0].verdict in HOLDS


def test_otherwise_is_the_negation_of_the_other_case():
    found = chains(r"$$f = \begin{cases} a & i = k \\ b & \text{otherwise} \end{cases}$$")
    assert [c.condition for c in found] == ["i = k", r"i \neq k"]


def test_otherwise_after_a_conjunction_is_a_located_problem():
    (problem,) = problems(r"$$f = \begin{cases} a & i = k, j = l \\ b & \text{otherwise} \end{cases}$$")
    assert problem.message.startswith("'otherwise' is read only when every other case has a single comparison")
    assert (problem.span.line, problem.span.column) == (1, 41)  # the row of the otherwise


@pytest.mark.parametrize("display", [
    r"$$f = \begin{cases} a & x > 0 \\ b & x \le 0 \end{cases}$$",   # conditions on values
    r"$$f = \begin{cases} a \\ b & i = k \end{cases}$$",              # a row without its condition
    r"$$f = 2 \begin{cases} a & i = k \\ b & i \neq k \end{cases}$$",  # not the whole side
])
def test_other_cases_stay_in_the_term_for_the_latex_stage(display):
    (chain,) = chains(display)
    assert r"\begin{cases}" in chain.terms[-1].text and chain.condition is None
    assert problems(display) == []


# --- labels and lines -------------------------------------------------------------------------

@pytest.mark.parametrize("display, label, last", [
    ("$$dz=da*g(z),(1)$$", "1", "da*g(z)"),
    # after a full stop (2) names the claim, but the '.' stays: the parse says it is not read
    ("$$dw=dz.a.(2)$$", "2", "dz.a.(2)"),
    ("$$a = b.(1)$$", "1", "b.(1)"),
    ("$$x = 0.(3)$$", None, "0.(3)"),
    (r"$$x = \left. y \right.(3)$$", None, r"\left. y \right.(3)"),
])
def test_a_label_after_a_comma_or_a_full_stop(display, label, last):
    (chain,) = chains(display)
    assert chain.label == label and chain.terms[-1].text == last


@pytest.mark.parametrize("display, message, column", [
    ("$$y = x.(2)$$", "'.(2)' at the end: a full stop before a label is not read", 8),
    ("$$y = y.x$$", "the '.' in 'y.x' is not read (it is not a decimal point)", 8),
])
def test_a_full_stop_in_a_term_is_a_located_error(display, message, column):
    (claim,) = records(SIGMOID, display)
    assert claim.verdict == Verdict.ERROR and claim.message.startswith(message), claim.message
    assert (claim.line, claim.column) == (7, column)


def test_a_label_command_is_not_part_of_the_claim():
    (chain,) = chains(r"$$a = b \label{eq:ab} \tag{3}$$")
    assert [t.text for t in chain.terms] == ["a", "b"] and chain.label == "3"


def test_each_line_of_a_plain_display_is_an_equation_with_the_one_tag():
    found = chains("$$\n\\frac{\\partial p_j}{\\partial o_i} = p_i (1-p_i), \\quad i = j \\\\\n"
                   "\\frac{\\partial p_j}{\\partial o_i} = - p_i p_j, \\quad i \\ne j\n\\tag{d1}$$")
    assert [(c.terms[1].text, c.condition, c.label) for c in found] == [
        ("p_i (1-p_i)", "i = j", "d1"), ("- p_i p_j", r"i \neq j", "d1")]


@pytest.mark.parametrize("display", [
    "$$a = b + c \\\\ + d$$",           # the second line goes on with an operator
    "$$a = b \\\\ c$$",                 # the second line has no '='
    "$$a = b \\\\ - c = d$$",
])
def test_lines_that_go_on_stay_one_chain(display):
    assert len(chains(display)) == 1


def test_a_display_starting_with_equals_goes_on_from_a_display_of_one_expression():
    found = records(SIGMOID, "$$\\frac{dy}{dx}$$\n\nso\n\n$$= y(1-y) \\tag{c}$$")
    (claim,) = [c for c in found if c.label == "c"]
    assert claim.verdict in HOLDS


def test_a_display_starting_with_equals_after_an_unreadable_chain_is_checked_from_its_last_term():
    found = records(SIGMOID, "$$\\frac{dy}{dx} = \\|x\\| = y(1-y)$$\n\n$$= y - y^2 \\tag{c}$$")
    (claim,) = [c for c in found if c.label == "c"]
    assert claim.verdict in HOLDS


# --- what an implication may not do: check its conclusion outside its premise -------------------

JACOBIAN = r"""```derivation
indices: {i: K, j: K, k: K}
define: |
  p_j = \frac{e^{o_j}}{\sum_{k} e^{o_k}}
```
"""


@pytest.mark.parametrize("condition", ["i = j", r"\text{if } i = j", "(i = j)"])
def test_an_index_comparison_before_an_arrow_is_the_condition_of_what_follows(condition):
    found = records(JACOBIAN, f"$${condition} \\Rightarrow \\frac{{\\partial p_j}}{{\\partial o_i}} = p_i(1-p_i) \\tag{{a}}$$")
    assert [(c.verdict in HOLDS, c.condition) for c in found] == [(True, "i = j")]


def test_the_wrong_condition_before_an_arrow_refutes():
    (claim,) = records(JACOBIAN, r"$$i \neq j \implies \frac{\partial p_j}{\partial o_i} = p_i(1-p_i) \tag{b}$$")
    assert claim.verdict == Verdict.REFUTED


def test_a_conclusion_after_a_premise_that_does_not_hold_is_never_refuted():
    premise, conclusion = records(JACOBIAN, r"$$\sum_k p_k = 2 \Rightarrow \frac{\partial p_j}{\partial o_i} = p_i (1 - p_i) \tag{c}$$")
    assert premise.verdict == Verdict.UNDECIDED
    assert premise.message.startswith("a premise (the left side of an implication) that does not hold")
    assert conclusion.verdict == Verdict.UNDECIDED
    assert conclusion.message.startswith("false on its own, but it follows a premise that does not hold")


def test_a_conclusion_after_a_premise_that_holds_is_refuted_when_false():
    premise, conclusion = records(JACOBIAN, r"$$p_j = \frac{e^{o_j}}{\sum_{k} e^{o_k}} \Rightarrow "
                                            r"\frac{\partial p_j}{\partial o_i} = p_j (\delta_{ij} + p_i) \tag{d}$$")
    assert premise.verdict in HOLDS and conclusion.verdict == Verdict.REFUTED


def test_a_true_conclusion_holds_whatever_its_premise():
    premise, conclusion = records(JACOBIAN, r"$$\sum_k p_k = 2 \Rightarrow \frac{\partial p_j}{\partial o_i} = "
                                            r"p_j (\delta_{ij} - p_i) \tag{e}$$")
    assert premise.verdict == Verdict.UNDECIDED and conclusion.verdict in HOLDS


def test_a_condition_with_nothing_after_it_is_a_located_problem():
    (problem,) = problems(r"$$a = b \Rightarrow i = j$$")
    assert problem.message == "a condition with no equation after it" and problem.span.column == 21


def test_a_line_that_starts_with_spacing_then_an_operator_goes_on():
    assert len(chains("$$f = a + b \\\\ \\quad + c = d$$")) == 1


def test_a_comma_after_a_case_value_is_punctuation():
    found = chains(r"$$f = \begin{cases} a, & i = k \\ b, & i \neq k \end{cases}$$")
    assert [c.terms[-1].text for c in found] == ["a", "b"]


def test_a_display_that_starts_with_an_arrow_follows_the_chain_before_it():
    # the author assumes sum_k p_k = 2 (false in the model): what it implies is not refuted
    found = records(JACOBIAN, "$$\\sum_k p_k = 2$$\n\n$$\\Rightarrow \\frac{\\partial p_j}{\\partial o_i} = p_i (1 - p_i) \\tag{f}$$")
    assert [c.verdict for c in found] == [Verdict.REFUTED, Verdict.UNDECIDED]
    found = records(JACOBIAN, "$$\\sum_k p_k = 1$$\n\n$$\\Rightarrow \\frac{\\partial p_j}{\\partial o_i} = p_i (1 - p_i) \\tag{g}$$")
    assert found[0].verdict in HOLDS and found[1].verdict == Verdict.REFUTED


def test_an_arrow_line_of_an_alignment_follows_the_line_before():
    found = records(JACOBIAN, "$$\\begin{aligned} \\sum_k p_k &= 2 \\\\ \\Rightarrow \\frac{\\partial p_j}{\\partial o_i} "
                              "&= p_i (1 - p_i) \\end{aligned} \\tag{h}$$")
    assert [c.verdict for c in found] == [Verdict.REFUTED, Verdict.UNDECIDED]
