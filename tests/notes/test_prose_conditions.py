"""Conditions stated in the prose right before a display, and displays that are not chains."""

from __future__ import annotations

import pytest

from symbolic import api
from symbolic.verdicts import Verdict

SOFTMAX = r"""```derivation
indices: {i: C, j: C, k: C}
define: |
  p_j = \frac{e^{a_j}}{\sum_k e^{a_k}}
```
"""


def claims(body: str) -> dict:
    return {c.label: c for c in api.check_text(SOFTMAX + body, "n.md").claims}


@pytest.mark.parametrize("prose", [r"If $i = j$,", r"For \(i=j\):", r"In the case $i = j$, we have",
                                   r"when $i=j$ then"])
def test_a_condition_in_the_prose_before_a_display_applies_to_it(prose):
    found = claims(f"\n{prose}\n\n$$\\frac{{\\partial p_j}}{{\\partial a_i}} = p_j (1 - p_j) \\tag{{d}}$$\n")
    assert found["d"].verdict.holds
    assert found["d"].condition == "i = j"
    assert "as the text before the display says" in found["d"].message


def test_without_the_prose_condition_the_same_display_is_refuted():
    found = claims("\nThe diagonal:\n\n$$\\frac{\\partial p_j}{\\partial a_i} = p_j (1 - p_j) \\tag{d}$$\n")
    assert found["d"].verdict == Verdict.REFUTED


def test_a_condition_earlier_in_the_paragraph_does_not_apply():
    found = claims("\nIf $i = j$, the two are equal. Otherwise:\n\n"
                   "$$\\frac{\\partial p_j}{\\partial a_i} = p_j (1 - p_j) \\tag{d}$$\n")
    assert found["d"].verdict == Verdict.REFUTED


def test_a_case_analysis_continues_each_case_from_the_same_term():
    found = claims(r"""
$$\frac{\partial p_j}{\partial a_i} = \frac{\partial}{\partial a_i} \frac{e^{a_j}}{\sum_k e^{a_k}} \tag{c}$$

If $i = j$,

$$= p_j - p_j^2 = p_j (1 - p_j) \tag{same}$$

and if $i \neq j$,

$$= -p_j p_i \tag{other}$$
""")
    assert found["same"].verdict.holds and found["same"].condition == "i = j"
    assert found["other"].verdict.holds and found["other"].condition == r"i \neq j"
    # the second case starts from the chain before the cases, not from p_j (1 - p_j)
    assert found["other"].steps[0].lhs.startswith(r"\frac{\partial}{\partial a_i}")


def test_a_wrong_case_is_still_refuted():
    found = claims(r"""
$$\frac{\partial p_j}{\partial a_i} = \frac{\partial}{\partial a_i} \frac{e^{a_j}}{\sum_k e^{a_k}} \tag{c}$$

If $i \neq j$,

$$= p_j p_i \tag{other}$$
""")
    assert found["other"].verdict == Verdict.REFUTED


def test_a_labelled_display_without_equals_is_a_located_error():
    found = claims("\n$$p_j (\\delta_{ij} - p_i) \\tag{x}$$\n")
    assert found["x"].verdict == Verdict.ERROR
    assert found["x"].message.startswith("this display has a label but no '='")


def test_a_continuation_with_nothing_before_it_is_a_located_error():
    found = claims("\n$$= p_j (\\delta_{ij} - p_i) \\tag{x}$$\n")
    assert found["x"].verdict == Verdict.ERROR
    assert "no chain before it" in found["x"].message


HINGE = r"""```derivation
indices: {j: C, d: D}
fixed: {i: N, y_i: C}
define: |
  s_j = \sum_d w_{jd} x_{id}
  L_i = \sum_{j \neq y_i} \max(0, s_j - s_{y_i} + \Delta)
```

For the other rows where $j \neq y_i$, the gradient is:

$$\nabla_{w_j} L_i = \mathbb{1}(s_j - s_{y_i} + \Delta > 0) x_i \tag{row}$$
"""


def test_a_prose_condition_may_compare_with_a_fixed_member_written_as_a_name():
    """CS231n's hinge loss: 'for the other rows where j ≠ y_i, the gradient is …' — y_i is the fixed
    label (fixed: {y_i: C}); the same display without the prose is refuted at j = y_i."""
    found = {c.label: c for c in api.check_text(HINGE, "n.md").claims}
    assert found["row"].verdict.holds, found["row"].message
    assert found["row"].condition == r"j \neq y_i"
    wrong = HINGE.replace("For the other rows where $j \\neq y_i$, the gradient is:", "The gradient:")
    assert {c.label: c for c in api.check_text(wrong, "n.md").claims}["row"].verdict == Verdict.REFUTED
    flipped = HINGE.replace(r"\mathbb{1}(s_j", r"-\mathbb{1}(s_j")
    assert {c.label: c for c in api.check_text(flipped, "n.md").claims}["row"].verdict == Verdict.REFUTED


def test_a_name_in_a_condition_that_is_no_fixed_member_is_an_error():
    text = SOFTMAX + "\nIf $i = y_k$,\n\n$$\\frac{\\partial p_j}{\\partial a_i} = p_j (1 - p_j) \\tag{d}$$\n"
    found = {c.label: c for c in api.check_text(text, "n.md").claims}
    assert found["d"].verdict == Verdict.ERROR
    assert "y_k is not an index letter" in found["d"].message
