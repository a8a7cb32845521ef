"""Superscripts that are not powers are names or errors at their place, never a silent power."""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text

BLOCK = r"""```derivation
indices: {j: J, k: K}
define: |
  a_k = \sum_j w_{jk} h_j
  o_k = \sigma(a_k)
  L = \frac{1}{2} \sum_k (o_k - t_k)^2
```
"""


@pytest.mark.parametrize("claim, construct", [
    (r"\nabla h_j = \sum_k w^T_{jk} (o_k - t_k) o_k (1 - o_k)", "'^T' is a transpose"),
    (r"\nabla h_j = \sum_k w^{\top}_{jk} (o_k - t_k) o_k (1 - o_k)", r"'^{\top}' is a transpose"),
    (r"\nabla h_j = \sum_k w^{(2)}_{jk} (o_k - t_k) o_k (1 - o_k)",
     "w^{(2)}_{jk}: the model has w (J×K) but no quantity named w^{(2)}"),
    (r"\nabla h_j = \sum_k w^{[2]}_{jk} (o_k - t_k) o_k (1 - o_k)",
     "w^{[2]}_{jk}: the model has w (J×K) but no quantity named w^{[2]}"),
    (r"o_k^L = o_k", "o^{L}_{k}: the model has o (K) but no quantity named o^{L}; a superscript such "
                     "as L is a layer or a label, never a power"),
])
def test_a_superscript_that_is_not_a_power_is_a_located_error(claim, construct):
    (record,) = check_text(BLOCK + f"\n$${claim}$$\n", "n.md").claims
    assert record.verdict == Verdict.ERROR
    assert construct in record.message


def test_a_bracketed_superscript_in_the_model_is_a_name_never_a_square():
    block = BLOCK.replace(r"a_k = \sum_j w_{jk} h_j", r"a_k = \sum_j W^{(2)}_{jk} h_j")
    records = check_text(block + "\n$$\\nabla h_j = \\sum_k W^{(2)}_{jk} (o_k - t_k) o_k (1 - o_k)$$\n"
                                 "\n$$\\nabla h_j = \\sum_k W_{jk}^2 (o_k - t_k) o_k (1 - o_k)$$\n", "n.md").claims
    assert records[0].verdict.holds, records[0].message
    assert records[1].verdict == Verdict.ERROR
    assert records[1].message.startswith("W^{2}_{jk} is ambiguous: a power, or a layer of W^{(2)}?")


@pytest.mark.parametrize("claim", [r"\nabla a_k = (o_k - t_k) o_k (1 - o_k)^{1}",
                                   r"\frac{\partial L}{\partial a_k} = e^{(\log o_k)} (o_k - t_k) (1 - o_k)"])
def test_powers_and_exponentials_still_read(claim):
    (record,) = check_text(BLOCK + f"\n$${claim}$$\n", "n.md").claims
    assert record.verdict.holds


@pytest.mark.parametrize("claim", [
    r"\nabla a_k = \sigma(a_k)' (o_k - t_k)",
    r"\nabla a_k = o'_k (o_k - t_k)",
    r"\nabla a_k = o_k' (o_k - t_k)",
    r"\nabla a_k = (o_k)' (o_k - t_k)",
])
def test_a_prime_that_means_a_derivative_is_a_located_error_never_dropped(claim):
    (record,) = check_text(BLOCK + f"\n$${claim}$$\n", "n.md").claims
    assert record.verdict == Verdict.ERROR
    assert "means a derivative, which is not read yet" in record.message
    assert record.column == 3 + claim.index("'")


def test_primed_indices_inside_subscripts_still_read():
    (record,) = check_text(BLOCK + "\n$$\\sum_{k'} o_{k'} (o_{k'} - t_{k'}) = \\sum_k o_k (o_k - t_k)$$\n",
                           "n.md").claims
    assert record.verdict.holds
