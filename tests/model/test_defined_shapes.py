"""A name the block defines, used elsewhere in the block with another shape, is an error.

Tensors are names plus ranges, so ``h_k`` next to ``h_j = \\tanh(z_j)`` would otherwise be a
second, unrelated leaf h (K), and claims would be checked against a model nobody wrote. In a
generic-layer network (``layers:``) the same slip disconnected the layers and made false
claims come out proved (0 = 0).
"""

from __future__ import annotations

from symbolic import Verdict, check_text

FLAT = r"""```derivation
indices: {i: I, j: J, k: K}
define: |
  z_j = \sum_i w_{ij} x_i
  h_j = \tanh(z_j)
  a_k = \sum_j w_{jk} h_k
  L = \frac{1}{2} \sum_k (a_k - t_k)^2
```

$$\frac{\partial L}{\partial a_k} = a_k - t_k$$
"""

LAYERED = r"""```derivation
indices: {j: J, k: K}
layers: {l: L}
define: |
  z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j
  a^l_j = \sigma(z^l_j)
  C = \frac{1}{2} \sum_j (a^L_j - y_j)^2
loss: C
```

$$\frac{\partial C}{\partial w^l_{jk}} = a^{l}_k \frac{\partial C}{\partial z^l_j}$$
"""


def test_a_defined_name_with_another_shape_is_an_error_at_its_line():
    block, claim = check_text(FLAT, "n.md").claims
    assert block.verdict == Verdict.ERROR and block.line == 6
    assert block.message.startswith("h is used with the shape (K) here, but it is defined as h (J)")
    assert claim.verdict == Verdict.ERROR


def test_layers_of_different_widths_are_an_error_not_a_vacuous_proof():
    block, claim = check_text(LAYERED, "n.md").claims
    assert block.verdict == Verdict.ERROR
    assert "the layers of a generic network share their width" in block.hint
    assert claim.verdict != Verdict.PROVED


def test_one_width_checks_the_claim():
    text = LAYERED.replace("indices: {j: J, k: K}", "indices: {j: J, k: J}")
    [claim] = check_text(text, "n.md").claims
    assert claim.verdict == Verdict.REFUTED  # a^{l-1}_k, not a^l_k


def test_a_derivative_without_a_path_is_said_when_a_claim_holds_as_zero():
    text = (r"""```derivation
indices: {j: J, k: K}
define: |
  a_k = \sum_j w_{jk} h_j
  L = \frac{1}{2} \sum_k (a_k - t_k)^2
```

$$\frac{\partial a_k}{\partial t_k} = 0$$

$$\frac{\partial L}{\partial w_{jk}} = h_j (a_k - t_k)$$
""")
    vacuous, fine = check_text(text, "n.md").claims
    assert vacuous.verdict.holds
    assert vacuous.warnings == ["a does not depend on t in this model: that derivative is 0"]
    assert fine.warnings == []


def test_the_derivative_of_an_expression_written_out_needs_no_path_check():
    text = (r"""```derivation
indices: {k: K}
define: |
  o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}
```

$$\frac{d}{d a_i} \frac{e^{a_j}}{\sum_k e^{a_k}} = o_j (1_{ij} - o_i)$$
""").replace("indices: {k: K}", "indices: {i: K, j: K, k: K}")
    [claim] = check_text(text, "n.md").claims
    assert claim.verdict.holds and claim.warnings == []
