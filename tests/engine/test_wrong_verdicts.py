"""Regression tests for false claims that were once verified or proved (reproducers V1–V5).

Each note is the hand-reduced reproducer; every assertion names the verdict a
false claim must get (refuted at its step, or a located error) and the one a
true claim must keep.
"""

from __future__ import annotations

import pytest

from symbolic import Verdict, api
from tests.models import LOGISTIC_REGRESSION

LOGISTIC = LOGISTIC_REGRESSION


def claims(body: str, block: str = LOGISTIC) -> dict:
    report = api.check_text(block + "\n" + body, "note.md")
    return {c.label: c for c in report.claims}


# -- V1: a chain that ends in a number is checked, not skipped as a substitution ---------------
@pytest.mark.parametrize("tail", ["0", "42", r"\frac{1}{2}"])
def test_a_true_step_then_a_wrong_number_is_refuted_at_that_step(tail):
    claim = claims(rf"$$\nabla b = p - y = {tail} \tag{{c}}$$")["c"]
    assert claim.verdict == Verdict.REFUTED
    assert [s.verdict for s in claim.steps] == [Verdict.PROVED, Verdict.REFUTED]
    assert claim.message.startswith(f"step 2 of 2 (p - y = {tail}) is refuted: false at I=")


def test_a_side_that_folds_to_a_number_when_parsed_is_still_checked():
    claim = claims(r"$$\frac{\partial L}{\partial w_i} = (p - y) x_i = (p - p) x_i \tag{pp}$$")["pp"]
    assert claim.verdict == Verdict.REFUTED
    assert claim.steps[1].kind == "identity" and claim.steps[1].verdict == Verdict.REFUTED


def test_a_chain_with_a_substitution_is_never_verified_as_a_whole():
    claim = claims(r"$$\nabla b = p - y = 0.57 - 1 = -0.43 \tag{s}$$")["s"]
    assert [s.kind for s in claim.steps] == ["identity", "substitution", "arithmetic"]
    assert claim.verdict == Verdict.UNDECIDED
    assert "step 2 substitutes numbers and is not checked" in claim.message


def test_wrong_arithmetic_after_a_substitution_is_still_refuted():
    claim = claims(r"$$\nabla b = p - y = 0.57 - 1 = -0.53 \tag{s}$$")["s"]
    assert claim.verdict == Verdict.REFUTED and claim.steps[2].verdict == Verdict.REFUTED


# -- V2, V3: the parser's stand-ins can never be an author's symbol -------------------------------
def test_an_authors_psi_in_the_model_is_not_a_sigmoid_call():
    block = LOGISTIC.replace(r"p = \sigma(a)", r"p = \sigma(a) \Psi")
    found = claims(r"""
$$\frac{\partial p}{\partial a} = 2 p (1 - \sigma(a)) \tag{wrong}$$

$$\frac{\partial p}{\partial a} = p (1 - \sigma(a)) \tag{right}$$

$$\frac{\partial L}{\partial \Psi} = \sigma(a) \frac{\partial L}{\partial p} \tag{dpsi}$$
""", block)
    assert found["wrong"].verdict == Verdict.REFUTED
    assert found["right"].verdict.holds
    assert found["dpsi"].verdict.holds


@pytest.mark.parametrize("name", [r"\Xi_{0}", r"\Psi_{0}", r"\Omega"])
def test_an_authors_greek_capital_in_a_claim_is_an_unknown_symbol(name):
    claim = claims(rf"$$\frac{{\partial L}}{{\partial b}} + {name} = 2 (p - y) \tag{{x}}$$")["x"]
    assert claim.verdict == Verdict.ERROR
    assert claim.message.startswith("unknown symbol")


def test_an_authors_omega_as_an_upper_bound_is_not_the_whole_range():
    claim = claims(r"$$\sum_{i=1}^{\Omega} w_i x_i + b = a \tag{o}$$")["o"]
    assert claim.verdict == Verdict.ERROR
    assert "runs from 1 to" in claim.message


# -- V4: a factor after a thin space is a factor, not a label ------------------------------------
@pytest.mark.parametrize("written", [r"(p - y)\,(2)", r"(p - y)\;(2)", r"(p - y)\:(2)",
                                     r"(p - y) \cdot\, (2)", r"(p - y)\,(y)"])
def test_a_factor_after_thin_space_is_a_factor(written):
    (claim,) = api.check_text(LOGISTIC + f"\n$$\\nabla b = {written}$$\n", "n.md").claims
    assert claim.label is None
    assert claim.verdict == Verdict.REFUTED


@pytest.mark.parametrize("leader", [r"\quad", r"\qquad", r"\ ", r"\quad\,", r"\ldots"])
def test_a_label_after_quad_space_or_dots_is_still_a_label(leader):
    (claim,) = api.check_text(LOGISTIC + f"\n$$\\nabla b = p - y {leader}(2)$$\n", "n.md").claims
    assert claim.label == "2" and claim.verdict.holds


# -- V5: claims about sizes need as many sizes as their degree -----------------------------------
SIZES = r"""```derivation
indices: {k: K}
define: |
  L = \sum_k t_k x_k
```
"""


def test_a_polynomial_in_the_size_that_vanishes_at_two_sizes_is_refuted():
    found = claims(r"""
$$\sum_k \sum_{k'} 1 - 5 \sum_k 1 + 6 = 0 \tag{k23}$$

$$\frac{\partial L}{\partial x_k} \left(\sum_{k'} 1 - 2\right) \left(\sum_{k'} 1 - 3\right) = 0 \tag{k23b}$$

$$\sum_k \sum_{k'} x_k x_{k'} - 5 \sum_k x_k \sum_{k'} x_{k'} + 6 \sum_k x_k \sum_{k'} x_{k'} = 2 \sum_k x_k \sum_{k'} x_{k'} \tag{true}$$
""", SIZES)
    assert found["k23"].verdict == Verdict.REFUTED
    assert found["k23b"].verdict == Verdict.REFUTED
    assert "K=4" in found["k23"].message
    assert found["true"].verdict.holds


def test_two_sizes_that_move_together_cannot_hide_a_difference():
    block = r"""```derivation
indices: {j: J, k: K}
define: |
  L = \sum_j \sum_k u_j v_k
```
"""
    # K - J + 1 vanishes at both default assignments (J, K) = (2, 3) and (3, 4)
    claim = claims(r"$$\left(\sum_k 1 - \sum_j 1 + 1\right) L = 0 \tag{kj}$$", block)["kj"]
    assert claim.verdict == Verdict.REFUTED


def test_a_size_inside_a_function_is_never_verified_at_a_few_sizes():
    claim = claims(r"$$e^{\sum_k 1} = e^{\sum_k 1} \tag{e}$$", SIZES)["e"]
    assert claim.verdict == Verdict.PROVED
    claim = claims(r"$$e^{\sum_k 1} (\sum_k 1 - 2) (\sum_k 1 - 3) = 0 \tag{e}$$", SIZES)["e"]
    assert claim.verdict in (Verdict.REFUTED, Verdict.UNDECIDED)
