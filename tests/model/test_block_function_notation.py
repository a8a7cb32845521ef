"""Notation around the functions a block defines and the names it uses.

- ``swish'(x)``: the derivative of a block function at its own parameter;
- ``p(o|c)``: a conditional probability the block defines, ``p(w|c) = \\hat{y}_w``;
- ``\\theta x^{(i)}``: the inner product a block function is built on;
- ``beta``: a Greek letter spelled out where the block uses it;
- ``\\partial \\sigma``: a function's name as the quantity it computes;
- ``\\Delta_x``: a name the block declares for the gradient by x.
"""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text
from symbolic.model.spelled_greek import spelled_greek, write_greek

HOLDS = (Verdict.PROVED, Verdict.VERIFIED)

SWISH = r"""```derivation
indices: {}
define: |
  swish(x) = x \sigma(\beta x)
  s = swish(x)
```

"""

LOGREG = r"""```derivation
indices: {i: m, j: N}
define: |
  h_\theta(x) = \sigma(\sum_j \theta_j x_j)
  J = -\frac{1}{m} \sum_{i=1}^{m} \left[ y^{(i)} \log h_\theta(x^{(i)}) + (1 - y^{(i)}) \log(1 - h_\theta(x^{(i)})) \right]
loss: J
```

"""

NIELSEN = r"""```derivation
indices: {j: J}
define: |
  z = \sum_j w_j x_j + b
  a = \sigma(z)
  C = -y \ln a - (1-y) \ln (1-a)
loss: C
target: y
```

"""

LEAST_SQUARES = r"""```derivation
indices: {i: M, j: N}
define: |
  r_i = \sum_j A_{ij} x_j - b_i
  f = \sum_i r_i^2
loss: f
gradients: {\Delta_x: x}
layout: numerator
```

"""


def last(block: str, display: str):
    record = check_text(block + f"$${display}$$\n", "n.md").claims[-1]
    return record.verdict, record.message


@pytest.mark.parametrize("block, display, expected", [
    (SWISH, r"swish'(x) = \sigma(\beta x) + \beta x \sigma(\beta x)(1 - \sigma(\beta x))", HOLDS),
    (SWISH, r"swish'(x) = swish(x) + \sigma(\beta x)(1 - swish(x))", (Verdict.REFUTED,)),  # β = 1 only
    (SWISH, r"swish'(x) = sigmoid(beta*x) + beta*x*sigmoid(beta*x)*(1 - sigmoid(beta*x))", HOLDS),
    (SWISH, r"swish'(x) = sigmoid(beta*x)", (Verdict.REFUTED,)),
    (SWISH, r"swish''(x) = 0", (Verdict.ERROR,)),  # a second derivative is not read
    (SWISH, r"swish'(2 x) = 0", (Verdict.ERROR,)),  # nor the derivative at another argument
    (LOGREG, r"\log h_{\theta}(x^{(i)}) = -\log(1 + e^{-\theta x^{(i)}})", HOLDS),
    (LOGREG, r"\log h_{\theta}(x^{(i)}) = -\log(1 + e^{-\theta^T x^{(i)}})", HOLDS),
    (LOGREG, r"\log h_{\theta}(x^{(i)}) = -\log(1 + e^{\theta x^{(i)}})", (Verdict.REFUTED,)),
    (LOGREG, r"\log h_{\theta}(x^{(i)}) = -\log(1 + e^{-\theta_j x^{(i)}})", (Verdict.ERROR,)),
    (NIELSEN, r"\frac{\partial C}{\partial w_j} = \frac{a - y}{a(1-a)} \frac{\partial \sigma}{\partial w_j}", HOLDS),
    (NIELSEN, r"\frac{\partial \sigma}{\partial w_j} = \sigma'(z) x_j", HOLDS),
    (NIELSEN, r"\frac{\partial \sigma}{\partial w_j} = \sigma(z) x_j", (Verdict.REFUTED,)),
    (NIELSEN, r"\frac{\partial \sigma}{\partial w_j} + \sigma(b) = x_j", (Verdict.ERROR,)),  # σ of what?
    (LEAST_SQUARES, r"\Delta_x = 2(Ax-b)^TA", HOLDS),
    (LEAST_SQUARES, r"\Delta_{x} = (Ax-b)^TA", (Verdict.REFUTED,)),  # the 2 dropped
])
def test_the_notation_is_read_as_meant(block, display, expected):
    found, message = last(block, display)
    assert found in expected, message


def test_a_function_name_over_several_arguments_is_an_error_naming_them():
    block = NIELSEN.replace("  C = ", "  q = \\sigma(b)\n  C = q + ")
    found, message = last(block, r"\frac{\partial \sigma}{\partial w_j} = x_j")
    assert found == Verdict.ERROR and "\\sigma(b)" in message and "\\sigma(z)" in message


def test_a_spelled_greek_letter_is_read_only_where_its_letters_name_nothing():
    assert spelled_greek([r"s = x \sigma(\beta x)"]) == {"beta"}
    assert spelled_greek([r"s = a \sigma(\beta x)"]) == set()  # a, a letter of 'beta', is a symbol
    assert spelled_greek([r"s = x \sigma(\beta x) + \mu m"]) == {"beta"}  # m is a symbol: mu is m u
    assert write_greek(r"beta*x + \text{beta} x + \operatorname{beta} + betax", frozenset({"beta"})) == \
        r"\beta*x + \beta  x + \operatorname{beta} + betax"


def test_a_conditional_probability_the_block_does_not_define_is_an_error():
    found, message = last(NIELSEN, r"\log p(y|x) = a")
    assert found == Verdict.ERROR and "p(y|x) is a conditional probability" in message
