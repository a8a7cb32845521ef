"""Superscripts that are part of a name (W^{(2)}, \\sigma^2), examples (x^{(i)}), and the few
places where a superscript is a power."""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text

BISHOP = r"""```derivation
indices: {i: I, j: J, k: K}
define: |
  a_j = \sum_i W^{(1)}_{ji} x_i
  z_j = \tanh(a_j)
  y_k = \sum_j W^{(2)}_{kj} z_j
  E = \frac{1}{2} \sum_k (y_k - t_k)^2
loss: E
```
"""

NORM = r"""```derivation
indices: {i: N, j: D}
define: |
  \mu_j = \frac{1}{2} \sum_i x_{ij}
  \sigma^2_j = \frac{1}{2} \sum_i (x_{ij} - \mu_j)^2
  \hat{x}_{ij} = \frac{x_{ij} - \mu_j}{\sqrt{\sigma^2_j + \epsilon}}
  y_{ij} = \gamma_j \hat{x}_{ij} + \beta_j
  L = \sum_i \sum_j c_{ij} y_{ij}
```
"""

EXAMPLES = r"""```derivation
indices: {i: M, j: P}
define: |
  z^{(i)} = \sum_j \theta_j x^{(i)}_j
  h^{(i)} = \sigma(z^{(i)})
  E = -\sum_i \left( y^{(i)} \log h^{(i)} + (1 - y^{(i)}) \log(1 - h^{(i)}) \right)
loss: E
```
"""


def verdict(block: str, claim: str):
    (found,) = [c for c in check_text(block + f"\n$${claim} \\tag{{c}}$$\n", "n.md").claims if c.label == "c"]
    return found


@pytest.mark.parametrize("block, claim, holds", [
    (BISHOP, r"\frac{\partial E}{\partial W^{(2)}_{kj}} = (y_k - t_k) z_j", True),
    (BISHOP, r"\frac{\partial E}{\partial W^{(1)}_{ji}} = (1 - z_j^2) \sum_k W^{(2)}_{kj} (y_k - t_k) x_i", True),
    # were W^{(2)} read as a square of some W, this would not be refuted
    (BISHOP, r"\frac{\partial E}{\partial W^{(2)}_{kj}} = 2 W^{(2)}_{kj} (y_k - t_k) z_j", False),
    (NORM, r"\frac{\partial \hat{x}_{ij}}{\partial \sigma^2_j} = (x_{ij} - \mu_j) \cdot \left(-\frac{1}{2}\right)"
           r"(\sigma^2_j + \epsilon)^{-3/2}", True),
    (NORM, r"\frac{\partial \hat{x}_{ij}}{\partial \sigma^2_j} = -\frac{1}{2} (x_{ij} - \mu_j)"
           r"(\sigma^2_j + \epsilon)^{-1/2}", False),
    (NORM, r"\frac{\partial L}{\partial \sigma^2_j} = -\frac{1}{2} \sum_i c_{ij} \gamma_j (x_{ij} - \mu_j)"
           r"(\sigma^2_j + \epsilon)^{-3/2}", True),
    (NORM, r"\frac{\partial L}{\partial \beta_j} = \sum_i c_{ij}", True),
    (EXAMPLES, r"\frac{\partial E}{\partial \theta_j} = \sum_{i=1}^{M} (h^{(i)} - y^{(i)}) x^{(i)}_j", True),
    (EXAMPLES, r"\frac{\partial E}{\partial \theta_j} = \sum_i (h_i - y_i) x_{ij}", True),
    (EXAMPLES, r"\frac{\partial E}{\partial \theta_j} = \sum_i (y^{(i)} - h^{(i)}) x^{(i)}_j", False),
    (EXAMPLES, r"\frac{\partial E}{\partial \theta_j} = \sum_i (h^{[i]} - y^{[i]}) x_j^{[i]}", True),
])
def test_superscripted_names_are_read_as_the_block_declares_them(block, claim, holds):
    found = verdict(block, claim)
    assert found.verdict == (Verdict.REFUTED if not holds else found.verdict), found.message
    assert found.verdict.holds == holds, found.message


@pytest.mark.parametrize("block, claim, message", [
    (BISHOP, r"\frac{\partial E}{\partial W^{(3)}_{kj}} = 0", "unknown symbol W^{(3)}_{kj}"),
    (BISHOP, r"\frac{\partial E}{\partial W^2_{kj}} = 0",
     "W^{2}_{kj} is ambiguous: a power, or a layer of W^{(1)}, W^{(2)}?"),
    (NORM, r"\frac{\partial L}{\partial \beta_j} = \sigma_j \sigma_j", "unknown symbol sigma_{j}"),
    (NORM, r"\frac{\partial L}{\partial \beta_j} = \mu^{(2)}_j",
     r"\mu^{(2)}_{j}: the model has mu (D) but no quantity named mu^{(2)}"),
    (NORM, r"\frac{\partial L}{\partial \beta_j} = x^i_j", "x^{i}_{j}: the superscript i is an index letter"),
    (EXAMPLES, r"\frac{\partial E}{\partial \theta_j} = g^{(i)}(z^{(i)})",
     "'g^{(i)}(…)' is a name with the superscript (i) followed by a parenthesis"),
])
def test_a_superscript_that_means_nothing_here_is_a_located_error(block, claim, message):
    found = verdict(block, claim)
    assert found.verdict == Verdict.ERROR
    assert found.message.startswith(message), found.message


def test_the_error_is_at_the_superscripted_name():
    found = verdict(EXAMPLES, r"\frac{\partial E}{\partial \theta_j} = g^{(i)}(z^{(i)})")
    line = (EXAMPLES + "\n$$").count("\n") + 1
    assert (found.line, found.column) == (line, 3 + len(r"\frac{\partial E}{\partial \theta_j} = g"))


def test_a_define_line_cannot_use_a_label_beside_the_plain_name():
    block = BISHOP.replace(r"y_k = \sum_j W^{(2)}_{kj} z_j", r"y_k = \sum_j W^{(2)}_{kj} z_j + \sum_j y^{(2)}_{kj} z_j")
    first = check_text(block, "n.md").claims[0]
    assert first.verdict == Verdict.ERROR


def test_powers_of_plain_names_still_read():
    assert verdict(BISHOP, r"\frac{\partial E}{\partial a_j} = (1 - z_j^2) \sum_k W^{(2)}_{kj} (y_k - t_k)").verdict.holds
    assert verdict(BISHOP, r"\frac{\partial E}{\partial a_j} = (1 - z_j z_j) \sum_k W^{(2)}_{kj} (y_k - t_k)").verdict.holds
    wrong = verdict(BISHOP, r"\frac{\partial E}{\partial a_j} = (1 - z_j^3) \sum_k W^{(2)}_{kj} (y_k - t_k)")
    assert wrong.verdict == Verdict.REFUTED


def test_reports_print_a_superscripted_name_as_written():
    found = verdict(BISHOP, r"\frac{\partial E}{\partial W^{(2)}_{kj}} = (y_k - t_k) a_j")
    assert found.verdict == Verdict.REFUTED
    assert "W^{(1)}[1,1]=" in found.message  # the counterexample's leaves
    assert found.correct == r"\frac{\partial E}{\partial W^{(2)}_{kj}} = \left(y_{k} - t_{k}\right) z_{j}"


def test_a_power_on_the_left_of_a_claim_never_defines_a_new_name():
    claims = check_text(BISHOP + "\n$$z_j^2 = 2 z_j \\tag{p}$$\n\n$$\\frac{\\partial E}{\\partial a_j} = "
                        "(1 - z_j^2) \\sum_k W^{(2)}_{kj} (y_k - t_k) \\tag{q}$$\n", "n.md").claims
    found = {c.label: c for c in claims}
    assert found["p"].verdict == Verdict.ERROR
    assert found["p"].message.startswith("z^{2}_{j} is ambiguous: the power of z (J), or a new name?")
    assert found["q"].verdict.holds, found["q"].message


def test_a_claim_may_define_a_new_superscripted_name():
    claims = check_text(NORM + "\n$$s^2_j = \\sigma^2_j + \\epsilon \\tag{d}$$\n\n"
                        "$$\\hat{x}_{ij} = (x_{ij} - \\mu_j) (s^2_j)^{-1/2} \\tag{u}$$\n", "n.md").claims
    found = {c.label: c for c in claims}
    assert found["d"].verdict == Verdict.DEFINITION
    assert found["u"].verdict != Verdict.REFUTED and found["u"].verdict != Verdict.ERROR, found["u"].message


def test_bare_numbered_weights_are_ambiguous_never_two_squares():
    block = BISHOP.replace("W^{(1)}", "W^1").replace("W^{(2)}", "W^2")
    first = check_text(block + "\n$$\\frac{\\partial E}{\\partial z_j} = \\sum_k W^2_{kj} (y_k - t_k)$$\n",
                       "n.md").claims[0]
    assert first.verdict == Verdict.ERROR
    assert first.message.startswith("W^{1}_{ji} is ambiguous: the block writes W with several numbers")


def test_an_example_superscript_never_makes_a_kronecker_delta():
    found = verdict(EXAMPLES, r"\frac{\partial E}{\partial \theta_j} = \sum_i \delta^{(i)}_j")
    assert found.verdict == Verdict.ERROR
    assert found.message.startswith("unknown symbol"), found.message
