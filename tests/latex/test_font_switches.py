"""Plain TeX's font switches read as their LaTeX commands: {\\cal C} is \\mathcal{C}."""

from __future__ import annotations

from symbolic import Verdict, check_text

BLOCK = r"""```derivation
indices: {k: K}
define: |
  {\cal C} = \frac{1}{2} \sum_k (a_k - t_k)^2
loss: \mathcal{C}
```

"""


def test_a_cal_loss_is_the_mathcal_name():
    text = BLOCK + r"$$\frac{\partial {\cal C}}{\partial a_k} = a_k - t_k$$" + "\n"
    assert [c.verdict for c in check_text(text, "n.md").claims] == [Verdict.PROVED]
    text = BLOCK + r"$$\frac{\partial \mathcal{C}}{\partial a_k} = t_k - a_k$$" + "\n"
    assert [c.verdict for c in check_text(text, "n.md").claims] == [Verdict.REFUTED]
