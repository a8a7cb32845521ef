"""``shorthand: \\delta`` reads \\delta h^t_i, \\delta c^{t-1} as the loss's gradient by that name."""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text
from symbolic.latex.shorthand import expand_shorthand

CELL = r"""```derivation
indices: {i: D, k: D}
define: |
  f^t_i = \sigma(\sum_k U_{ik} h^{t-1}_k)
  o^t_i = \sigma(\sum_k V_{ik} h^{t-1}_k)
  c^t_i = f^t_i c^{t-1}_i + x^t_i
  h^t_i = o^t_i \tanh(c^t_i)
  E = \sum_k g_k h^t_k
loss: E
shorthand: %s
```

"""


def verdicts(*claims: str, prefix: str = r"\delta"):
    text = CELL % prefix + "\n".join(f"$${c}$$\n" for c in claims)
    return [c.verdict for c in check_text(text, "n.md").claims]


@pytest.mark.parametrize("claim", [
    r"\delta o^t = \delta h^t \odot \tanh(c^t)",
    r"\frac{\partial E}{\partial c^t_i} = \delta h^t_i \cdot o^t_i \cdot (1-\tanh^2(c^t_i))",
    r"\delta c^{t-1} = \delta c^t \odot f^t",
    r"\delta f^t_i = \delta c^t_i c^{t-1}_i",
    r"\frac{\partial h^t_i}{\partial o^t_k} = \delta_{ik} \tanh(c^t_i)",  # Kronecker's delta stays
])
def test_a_cell_backward_pass_with_delta_holds(claim):
    assert verdicts(claim) == [Verdict.PROVED]


@pytest.mark.parametrize("claim", [
    r"\delta c^{t-1} = \delta c^t \odot o^t",  # the forget gate replaced by the output gate
    r"\delta o^t = \delta h^t \odot c^t",  # the tanh dropped
    r"\delta c^t_i = \delta h^t_i o^t_i",  # the tanh's derivative dropped
])
def test_wrong_delta_claims_are_refuted(claim):
    assert verdicts(claim) == [Verdict.REFUTED]


def test_capital_delta_is_read_the_same_way():
    assert verdicts(r"\Delta c^{t-1} = \Delta c^t \odot f^t", prefix=r"\Delta") == [Verdict.PROVED]


def test_delta_is_a_gradient_only_when_the_block_says_so():
    assert verdicts(r"\delta o^t = \delta h^t \odot \tanh(c^t)", prefix="d") == [Verdict.ERROR]


def test_only_a_whole_command_before_a_models_name_is_shorthand():
    expanded = expand_shorthand(r"\deltah_i + \delta_{ik} + \delta q_i + \delta h_i", r"\delta", "E", ["h"])
    assert expanded.text == r"\deltah_i + \delta_{ik} + \delta q_i + \frac{\partial E}{\partial h_i}"


@pytest.mark.parametrize("prefix", [r"\nabla", r"\partial", "d_"])
def test_other_commands_are_not_a_shorthand(prefix):
    report = check_text(CELL % prefix + "$$\\delta o^t = 0$$\n", "n.md")
    assert {c.verdict for c in report.claims} == {Verdict.ERROR}
    block = report.claims[0]
    assert "shorthand must be" in block.message and block.line == 10  # at the key
