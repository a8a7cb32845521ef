"""Presentation markup around mathematics is read through: \\boxed, \\underbrace, \\overbrace."""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text
from symbolic.notes.math_block import unwrap_decorations

SOFTMAX = r"""```derivation
indices: {i: C, j: C, k: C}
define: |
  p_j = \frac{e^{a_j}}{\sum_k e^{a_k}}
```
"""


def test_unwrapping_keeps_every_offset():
    text = r"\boxed{a = b} + \underbrace{c}_{\text{note}}"
    out = unwrap_decorations(text)
    assert len(out) == len(text)
    assert out.split() == ["a", "=", "b", "+", "c"]
    assert out.index("c") == text.index("{c}") + 1


@pytest.mark.parametrize("display, verdict", [
    (r"\boxed{\frac{\partial p_j}{\partial a_i} = p_j (\delta_{ij} - p_i)}", Verdict.PROVED),
    (r"\boxed{\frac{\partial p_j}{\partial a_i} = p_j \delta_{ij}}", Verdict.REFUTED),
    (r"\frac{\partial p_j}{\partial a_i} = \underbrace{p_j}_{\text{softmax}} (\delta_{ij} - p_i)",
     Verdict.PROVED),
    (r"\frac{\partial p_j}{\partial a_i} = p_j (\delta_{ij} - \overbrace{p_i}^{= 1/C})", Verdict.PROVED),
])
def test_a_boxed_or_braced_claim_is_checked_as_written_inside(display, verdict):
    (claim,) = check_text(SOFTMAX + f"\n$${display} \\tag{{x}}$$\n", "n.md").claims
    assert claim.label == "x" and claim.verdict == verdict


def test_the_note_under_a_brace_is_not_part_of_the_claim():
    (claim,) = check_text(SOFTMAX + "\n$$\\frac{\\partial p_j}{\\partial a_i} = "
                          "\\underbrace{p_j (\\delta_{ij} - p_i)}_{= 0 \\text{ never}} \\tag{x}$$\n",
                          "n.md").claims
    assert claim.verdict == Verdict.PROVED and len(claim.steps) == 1
