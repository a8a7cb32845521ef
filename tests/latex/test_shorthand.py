"""``shorthand: d`` reads dy_i, d\\hat{x}_j, d\\sigma^2, dW as the loss's gradient by that name."""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text
from symbolic.latex.shorthand import expand_shorthand

LAYER_NORM = r"""```derivation
indices: {i: D, j: D}
define: |
  \mu = \frac{1}{D}\sum_{i=1}^{D} x_i
  \sigma^2 = \frac{1}{D}\sum_{i=1}^{D}(x_i - \mu)^2
  \hat{x}_i = \frac{x_i - \mu}{\sqrt{\sigma^2 + \varepsilon}}
  y_i = \gamma_i \hat{x}_i + \beta_i
  L = \sum_i g_i y_i
shorthand: d
```

"""


def verdicts(*claims: str):
    text = LAYER_NORM + "\n".join(f"$${c}$$\n" for c in claims)
    return [c.verdict for c in check_text(text, "n.md").claims]


@pytest.mark.parametrize("claim", [
    r"\frac{\partial L}{\partial \beta_i} = dy_i",
    r"\frac{\partial L}{\partial \gamma_i} = dy_i \cdot \hat{x}_i",
    r"d\hat{x}_i = dy_i \cdot \gamma_i",
    r"d\sigma^2 = \sum_{j=1}^{D} d\hat{x}_j (x_j - \mu) \left(-\tfrac{1}{2}(\sigma^2+\varepsilon)^{-3/2}\right)",
])
def test_backward_pass_in_shorthand_holds(claim):
    assert verdicts(claim) == [Verdict.PROVED]


@pytest.mark.parametrize("claim", [
    r"d\hat{x}_i = dy_i",  # the scale dropped
    r"d\beta_i = dy_i \hat{x}_i",  # beta's and gamma's gradients swapped
])
def test_wrong_shorthand_claims_are_refuted(claim):
    assert verdicts(claim) == [Verdict.REFUTED]


def test_a_claim_starting_with_shorthand_is_a_claim_not_a_new_name():
    """Without the shorthand, d\\mu = … would define a new name dmu and check nothing."""
    assert verdicts(r"d\mu = 0") == [Verdict.REFUTED]


def test_leibniz_d_is_never_shorthand():
    expanded = expand_shorthand(r"\frac{dL}{dy} + dL/dy + \mathrm{d}y + \frac{d}{dy} L", "d", "L", ["y", "L"])
    assert expanded.text == r"\frac{dL}{dy} + dL/dy + \mathrm{d}y + \frac{d}{dy} L"


def test_only_the_models_names_are_shorthand():
    assert expand_shorthand(r"dq_i + dy_i", "d", "L", ["y"]).text == r"dq_i + \frac{\partial L}{\partial y_i}"


def test_an_error_after_shorthand_is_at_the_authors_column():
    text = LAYER_NORM + "$$d\\hat{x}_i = dy_i + q_i$$\n"
    [claim] = check_text(text, "n.md").claims
    assert claim.verdict == Verdict.ERROR
    line = text.splitlines()[claim.line - 1]
    assert line[claim.column - 1:].startswith("dy_i + q_i")  # the term, as written


def test_without_the_key_d_is_not_read_as_shorthand():
    text = LAYER_NORM.replace("shorthand: d\n", "") + "$$\\frac{\\partial L}{\\partial \\beta_i} = dy_i$$\n"
    [claim] = check_text(text, "n.md").claims
    assert claim.verdict == Verdict.ERROR


def test_shorthand_clashing_with_a_model_name_is_an_error():
    text = LAYER_NORM.replace("L = \\sum_i g_i y_i", "L = \\sum_i g_i y_i + d")
    [claim] = check_text(text + "$$dy_i = g_i$$\n", "n.md").claims[:1]
    assert claim.verdict == Verdict.ERROR and "clashes" in claim.message
