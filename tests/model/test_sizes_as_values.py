"""A size used as a value (1/N, 1/2m): the number of values of its range, exactly."""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text

BATCH = r"""```derivation
indices: {n: N, i: I}
define: |
  z_n = \sum_i w_i x_{ni} + b
  L = \frac{1}{2N} \sum_n (z_n - y_n)^2
loss: L
```

"""


@pytest.mark.parametrize("claim, verdict", [
    (r"\frac{\partial L}{\partial w_i} = \frac{1}{N} \sum_n (z_n - y_n) x_{ni}", Verdict.PROVED),
    (r"\frac{\partial L}{\partial b} = \frac{1}{N} \sum_{n=1}^{N} (z_n - y_n)", Verdict.PROVED),
    (r"\frac{\partial L}{\partial w_i} = \sum_n (z_n - y_n) x_{ni}", Verdict.REFUTED),  # 1/N dropped
    (r"\frac{\partial L}{\partial b} = \frac{2}{N} \sum_n (z_n - y_n)", Verdict.REFUTED),  # 2 kept
    (r"\frac{\partial L}{\partial b} = \frac{1}{I} \sum_n (z_n - y_n)", Verdict.REFUTED),  # wrong size
])
def test_batch_mean_gradients(claim, verdict):
    [result] = check_text(BATCH + f"$${claim}$$\n", "n.md").claims
    assert result.verdict == verdict, result.message


def test_the_refutation_is_at_a_concrete_batch_size():
    [result] = check_text(BATCH + r"$$\frac{\partial L}{\partial b} = \sum_n (z_n - y_n)$$" + "\n",
                          "n.md").claims
    assert result.message.startswith("false at N=2, I=3")
