"""Markup inside a term: sums that exclude one value, empty limits, hyperbolic functions written
every way, function words without a backslash, a loss written as a function of its parameters,
and the located errors for what is still not read (norms, partial sums)."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbolic import Verdict, check_text
from symbolic.checker import check_file
from symbolic.errors import LatexError, Span
from symbolic.latex.parse import parse_latex
from tests.models import SOFTMAX_ONE_HOT

SOFTMAX = SOFTMAX_ONE_HOT

TANH = r"""```derivation
indices: {}
define: |
  h = \tanh(z)
```
"""

COST = r"""```derivation
indices: {i: M, j: N}
define: |
  h_i = \sum_j \theta_j x_{ij}
  J = \frac{1}{3} \sum_i \frac{1}{2} (h_i - y_i)^2
loss: J
```
"""

PLANTED = Path(__file__).resolve().parents[1] / "planted" / "markup_notations.md"


HOLDS = "holds"  # proved or verified


def verdicts(block: str, display: str) -> list:
    return [HOLDS if c.verdict in (Verdict.PROVED, Verdict.VERIFIED) else c.verdict
            for c in check_text(block + f"\n$${display} \\tag{{x}}$$\n", "n.md").claims if c.label == "x"]


def error(block: str, display: str):
    (claim,) = [c for c in check_text(block + f"\n$${display} \\tag{{x}}$$\n", "n.md").claims
                if c.label == "x"]
    assert claim.verdict == Verdict.ERROR, claim.message
    return claim


# --- sums -------------------------------------------------------------------------------------

@pytest.mark.parametrize("display, verdict", [
    (r"\frac{\partial L}{\partial o_i} = -y_i (1 - p_i) + \sum_{k \neq i} y_k p_i", HOLDS),
    (r"\frac{\partial L}{\partial o_i} = -y_i (1 - p_i) + \sum_{k \ne i} y_k p_i", HOLDS),
    (r"\frac{\partial L}{\partial o_i} = -y_i (1 - p_i) + \sum_{k\not= i} y_k p_i", HOLDS),
    (r"\frac{\partial L}{\partial o_i} = -y_i (1 - p_i) + \sum_{k \neq i}^{K} y_k p_i", HOLDS),
    (r"\frac{\partial L}{\partial o_i} = -y_i (1 - p_i) + \sum_{k=1, k \neq i}^{K} y_k p_i", HOLDS),
    (r"\frac{\partial L}{\partial o_i} = -y_i (1 - p_i) - \sum_{k \neq i} y_k \frac{1}{p_k} (-p_k p_i)",
     HOLDS),
    # a body that starts with a sign: the sign is the body's, as in a plain sum
    (r"\frac{\partial L}{\partial o_i} = -y_i (1 - p_i) - \sum_{k \neq i} -y_k p_i", HOLDS),
    (r"\frac{\partial L}{\partial o_i} = -y_i (1 - p_i) + \sum_{k \neq i} -y_k p_i", Verdict.REFUTED),
    # the diagonal term's sign flipped; and the excluded term counted (a plain sum)
    (r"\frac{\partial L}{\partial o_i} = y_i (1 - p_i) + \sum_{k \neq i} y_k p_i", Verdict.REFUTED),
    (r"\frac{\partial L}{\partial o_i} = -y_i (1 - p_i) + \sum_{k} y_k p_i", Verdict.REFUTED),
    (r"\frac{\partial L}{\partial o_i} = \sum_{k}^{ } y_k (p_i - \delta_{ik})", HOLDS),
    (r"\frac{\partial L}{\partial o_i} = \sum_k^{} y_k (p_i - \delta_{ik})", HOLDS),
    (r"\frac{\partial L}{\partial o_i} = \sum_{k=1}^{K} y_k (p_i - \delta_{ik})", HOLDS),
    (r"\frac{\partial L}{\partial o_i} = \sum_k^K y_k (p_i - \delta_{ik})", HOLDS),
])
def test_sums_as_people_write_them(display, verdict):
    assert verdicts(SOFTMAX, display) == [verdict]


def test_an_excluding_sum_is_the_whole_sum_times_one_minus_delta():
    raw = parse_latex(r"\sum_{k \neq i} y_k", Span("n.md", 1, 1))
    assert str(raw.expr) == "Sum(y_{k}*(1 - KroneckerDelta(i, k)), (k, 1, \x00all))"


@pytest.mark.parametrize("term, message, column", [
    (r"a_i + \sum_{k \neq i}", r"the body of '\sum_{k \neq i}' is missing", 7),
    (r"\sum_{k \neq k} y_k", r"'\sum_{k \neq k}' excludes the letter it sums over", 1),
    (r"a_i + \sum_{k \neq i, j} y_k", r"'\sum_{k \neq i, j}' sums over part of a range", 7),
    (r"\sum_{k=2, k \ne i}^{K} y_k", r"'\sum_{k=2, k \ne i}' sums over part of a range", 1),
    (r"\sum_{j=1, k \ne i}^{K} y_k", r"'\sum_{j=1, k \ne i}' starts one letter and excludes", 1),
    (r"\sum_{k \in S} y_k", r"'\sum_{k \in S}' sums over part of a range", 1),
    (r"2 \|Ax - b\|^2", r"'\|' is a norm, which is not read yet", 3),
    (r"\left\lVert x \right\rVert", r"'\left\lVert' is a norm, which is not read yet", 1),
    (r"(a \Rightarrow b)", r"'\Rightarrow' relates two equations", 4),
    (r"\sech^2 z w", r"'\sech' needs its argument in parentheses here", 1),
])
def test_markup_not_read_is_a_located_error_naming_it(term, message, column):
    with pytest.raises(LatexError) as caught:
        parse_latex(term, Span("n.md", 4, 1))
    assert caught.value.message.startswith(message), caught.value.message
    assert (caught.value.span.line, caught.value.span.column) == (4, column)
    assert "\x00" not in caught.value.message and "\x00" not in (caught.value.hint or "")


def test_a_partial_sum_in_a_claim_is_an_error_at_its_column():
    display = r"\frac{\partial L}{\partial o_i} = \sum_{k \neq i, j} y_k p_i"
    claim = error(SOFTMAX, display)
    column = len("$$") + display.index(r"\sum") + 1
    assert "sums over part of a range" in claim.message and (claim.line, claim.column) == (10, column)
    assert r"\sum_{k \neq i}" in claim.hint


# --- functions --------------------------------------------------------------------------------

@pytest.mark.parametrize("display, verdict", [
    (r"\frac{dh}{dz} = \frac{1}{\cosh^{2}(z)}", HOLDS),
    (r"\frac{dh}{dz} = \frac{\cosh^2(z) - \sinh^2(z)}{\cosh^2(z)}", HOLDS),
    (r"\frac{dh}{dz} = \operatorname{sech}^{2} z", HOLDS),
    (r"\frac{dh}{dz} = \text{sech}^2(z)", HOLDS),
    (r"\frac{dh}{dz} = \mathrm{sech}^2(z)", HOLDS),
    (r"\frac{dh}{dz} = \sech^2(z)", HOLDS),
    (r"h = \frac{\sinh z}{\cosh z}", HOLDS),
    (r"\frac{d}{dz} tanh(z) = 1 - \tanh^2(z)", HOLDS),
    (r"\frac{d}{dz} \cosh(z) = \sinh(z)", HOLDS),
    (r"\frac{d}{dz} exp(z) = e^{z}", HOLDS),
    (r"\frac{d}{dz} ln(1 + exp(z)) = \frac{e^{z}}{1 + e^{z}}", HOLDS),
    (r"\frac{d}{dz} \operatorname{sech}(z) = -\operatorname{sech}(z) \tanh(z)", HOLDS),
    # the quotient rule with the sign of sinh' slipped, and sech for sech^2
    (r"\frac{dh}{dz} = \frac{\cosh^2(z) + \sinh^2(z)}{\cosh^2(z)}", Verdict.REFUTED),
    (r"\frac{dh}{dz} = \operatorname{sech}(z)", Verdict.REFUTED),
    (r"\frac{d}{dz} \cosh(z) = -\sinh(z)", Verdict.REFUTED),
])
def test_hyperbolic_functions(display, verdict):
    assert verdicts(TANH, display) == [verdict]


@pytest.mark.parametrize("display, verdict", [
    (r"\frac{\partial J(\theta)}{\partial \theta_j} = \frac{1}{3} \sum_i (h_i - y_i) x_{ij}", HOLDS),
    (r"\frac{\partial J(\theta, x)}{\partial \theta_j} = \frac{1}{3} \sum_i (h_i - y_i) x_{ij}",
     HOLDS),
    (r"\nabla_{\theta_j} J(\theta) = \frac{1}{3} \sum_i (h_i - y_i) x_{ij}", HOLDS),
    # the 1/m dropped
    (r"\frac{\partial J(\theta)}{\partial \theta_j} = \sum_i (h_i - y_i) x_{ij}", Verdict.REFUTED),
])
def test_a_loss_written_as_a_function_of_its_parameters_is_that_loss(display, verdict):
    assert verdicts(COST, display) == [verdict]


@pytest.mark.parametrize("display", [
    r"\frac{\partial J(z)}{\partial \theta_j} = 0",           # z is not a name J depends on
    r"\frac{\partial h(\theta)}{\partial \theta_j} = 0",      # h has indices: not a scalar
    r"\frac{\partial K(\theta)}{\partial \theta_j} = 0",      # no quantity K
])
def test_any_other_call_stays_an_unknown_function(display):
    claim = error(COST, display)
    assert claim.message.startswith("unknown function"), claim.message


def test_a_call_of_an_expression_is_an_error():
    claim = error(COST, r"\frac{\partial J(\theta + 1)}{\partial \theta_j} = 0")
    assert claim.message == "theta needs its indices here: it is theta (N)"


def test_the_unknown_function_hint_names_the_arguments_that_would_be_read():
    claim = error(COST, r"\frac{\partial J(z)}{\partial \theta_j} = 0")
    assert "J(…) is read as the model's J only when its arguments are names J depends on" in claim.hint
    assert r"\theta" in claim.hint


# --- the planted twins ------------------------------------------------------------------------

def test_every_planted_markup_slip_is_refuted():
    report = check_file(PLANTED)
    by_label: dict[str, list[Verdict]] = {}
    for claim in report.claims:
        by_label.setdefault(claim.label, []).append(claim.verdict)
    assert by_label == {
        "ne": [Verdict.REFUTED],
        "cases": [Verdict.PROVED, Verdict.REFUTED],   # the diagonal case holds, the other does not
        "cosh": [Verdict.REFUTED],
        "sech": [Verdict.PROVED, Verdict.REFUTED],    # h = tanh(z) holds; dh/dz = sech(z) does not
        "J": [Verdict.REFUTED],
    }


LOGISTIC = r"""```derivation
indices: {}
define: |
  \hat{y} = \sigma(z)
  l = -(y \log \hat{y} + (1 - y) \log(1 - \hat{y}))
loss: l
```
"""


@pytest.mark.parametrize("display, verdict", [
    (r"\frac{\partial l(\hat{y}, y)}{\partial z} = \hat{y} - y", HOLDS),
    (r"\frac{\partial l(\hat{y}, y)}{\partial z} = y - \hat{y}", Verdict.REFUTED),
])
def test_a_loss_of_decorated_names(display, verdict):
    assert verdicts(LOGISTIC, display) == [verdict]
