"""An activation the block calls without defining it (z_j = h(a_j)) is an arbitrary function.

A claim proved with it holds for every differentiable h: h(u), h'(u) and h''(u) are
independent atoms to the exact engine. Refutations evaluate one fixed smooth h.
"""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text

BISHOP = r"""```derivation
indices: {i: I, j: J, k: K}
define: |
  a_j = \sum_i w_{ji} x_i
  z_j = h(a_j)
  y_k = \sum_j v_{kj} z_j
  E = \frac{1}{2} \sum_k (y_k - t_k)^2
loss: E
```

$$\delta_k = y_k - t_k$$

"""


@pytest.mark.parametrize("claim, verdict", [
    (r"\frac{\partial E}{\partial a_j} = h'(a_j) \sum_k v_{kj} \delta_k", Verdict.PROVED),
    (r"\frac{\partial E}{\partial w_{ji}} = h'(a_j) x_i \sum_k v_{kj} \delta_k", Verdict.PROVED),
    (r"\frac{\partial z_j}{\partial a_j} = h'(a_j)", Verdict.PROVED),
    (r"\frac{\partial E}{\partial a_j} = \sum_k v_{kj} \delta_k", Verdict.REFUTED),  # h' dropped
    (r"\frac{\partial E}{\partial a_j} = (1 - z_j^2) \sum_k v_{kj} \delta_k", Verdict.REFUTED),  # tanh's
    (r"\frac{\partial E}{\partial w_{ji}} = h(a_j) x_i \sum_k v_{kj} \delta_k", Verdict.REFUTED),
])
def test_claims_with_an_arbitrary_activation(claim, verdict):
    report = check_text(BISHOP + f"$${claim}$$\n", "n.md")
    assert report.claims[-1].verdict == verdict, report.claims[-1].message


def test_the_correct_formula_is_written_with_h_prime():
    report = check_text(BISHOP + r"$$\frac{\partial E}{\partial a_j} = \sum_k v_{kj} \delta_k$$" + "\n", "n.md")
    assert report.claims[-1].correct == r"\frac{\partial E}{\partial a_{j}} = h'\left(a_{j}\right) \sum_{k} v_{kj} \delta_{k}"


def test_a_function_the_block_does_not_use_is_still_unknown():
    report = check_text(BISHOP + r"$$g'(a_j) = 1$$" + "\n", "n.md")
    assert report.claims[-1].verdict == Verdict.ERROR
    assert "g' is the derivative of a function gradproof does not know" in report.claims[-1].message


def test_a_quantity_of_the_model_is_not_an_arbitrary_function():
    text = BISHOP.replace("z_j = h(a_j)", "z_j = E(a_j)")
    assert check_text(text, "n.md").claims[0].verdict == Verdict.ERROR


def test_a_refutation_says_which_h_its_values_use():
    report = check_text(BISHOP + r"$$\frac{\partial E}{\partial a_j} = \sum_k v_{kj} \delta_k$$" + "\n", "n.md")
    assert "the values take h as sin(u)/2 + u³/9 + u/3" in report.claims[-1].message


def test_training_a_network_with_an_arbitrary_activation_says_why_not(tmp_path, capsys):
    from symbolic.cli import main

    note = tmp_path / "bishop.md"
    note.write_text(BISHOP.replace("loss: E", "loss: E\ninput: x\ntarget: t"), encoding="utf-8")
    assert main(["train", str(note)]) == 2
    err = capsys.readouterr().err.strip()
    assert "h is an arbitrary function" in err and "\n" not in err


def test_only_f_g_and_h_are_arbitrary_functions():
    """x(b) is far more often a product: a call of an unknown x stays an error."""
    text = BISHOP.replace("z_j = h(a_j)", "z_j = x(a_j)")
    block = check_text(text, "n.md").claims[0]
    assert block.verdict == Verdict.ERROR and "unknown function x" in block.message


def test_h_of_an_expression_is_ambiguous_and_an_error_at_its_place():
    """h(a_j + b) would be read as h times (a_j + b): a product the author may not mean."""
    text = BISHOP.replace("z_j = h(a_j)", "z_j = h(a_j + c)")
    block = check_text(text, "n.md").claims[0]
    assert block.verdict == Verdict.ERROR and block.message.startswith("'h(…)' with an expression inside")
    assert (block.line, block.column) == (5, 9)


def test_a_letter_used_as_a_function_and_as_a_value_is_an_error():
    text = BISHOP.replace("E = \\frac{1}{2}", "E = h \\frac{1}{2}")
    block = check_text(text, "n.md").claims[0]
    assert block.verdict == Verdict.ERROR and "called as a function" in block.message
