"""``\\mathbb{1}[z > 0]`` in matrix notation: the unit step of every entry (ReLU's derivative)."""

from __future__ import annotations

import pytest

from symbolic import Verdict
from symbolic.checker import check_text
from symbolic.errors import NotationError, Span
from symbolic.latex.matrix_parse import Call, Name, Neg, parse_matrix

RELU = r"""```derivation
indices: {i: I, j: J, k: K}
define: |
  z_j = \sum_i W_{ji} x_i
  h_j = \max(0, z_j)
  o_k = \sum_j V_{kj} h_j
  L = \frac{1}{2} \sum_k (o_k - t_k)^2
```
"""
SPAN = Span("<test>", 1, 1)


def one(claim: str):
    return check_text(RELU + f"$${claim} \\tag{{c}}$$\n").claims[0]


def test_the_indicator_parses_as_the_step_of_every_entry():
    above, below = parse_matrix(r"\mathbb{1}[z > 0]", SPAN), parse_matrix(r"\mathbb{1}[z < 0]", SPAN)
    assert isinstance(above, Call) and above.function == r"\operatorname{step}" and isinstance(above.arg, Name)
    assert isinstance(below, Call) and isinstance(below.arg, Neg)


@pytest.mark.parametrize("claim, verdict", [
    (r"\nabla_z L = (V^\top (o - t)) \odot \mathbb{1}[z > 0]", Verdict.PROVED),
    (r"\nabla_z L = V^\top (o - t)", Verdict.REFUTED),  # the mask dropped
    (r"\nabla_z L = (V^\top (o - t)) \odot \mathbb{1}[z < 0]", Verdict.REFUTED),  # the wrong side of 0
])
def test_relu_gradients_in_matrix_notation(claim, verdict):
    assert one(claim).verdict == verdict, one(claim)


@pytest.mark.parametrize("written, message", [
    (r"\mathbb{1}", r"\mathbb{1} without a condition in brackets"),
    (r"\mathbb{1}[z > 1]", r"the condition of \mathbb{1}[…] is read only against 0"),
    (r"\mathbb{1}[z = 0]", r"the condition of \mathbb{1}[…] is read only as > 0 or < 0"),
    (r"\mathbb{R}[z > 0]", r"\mathbb{R} is not read in matrix notation"),
])
def test_other_indicators_are_located_errors(written, message):
    with pytest.raises(NotationError) as raised:
        parse_matrix(written + r" \odot z", SPAN)
    assert raised.value.message == message
