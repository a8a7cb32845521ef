"""Recurrence over time: h_{t,j} = tanh(Σ_k W_{jk} h_{t-1,k} + …), an initial state h_0, a loss
summed over time, checked unrolled at T = 3 and T = 4; BPTT claims with recursive errors, and
truncated BPTT refuted with its diagnosis."""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text
from symbolic.model.recurrence import step_back
from tests.models import RNN


BPTT = [
    # the recursive error: the loss at t, plus what flows back from t + 1 (ε_{T+1} = 0)
    (r"\epsilon_{t,j} = h_{t,j} - y_{t,j} + \sum_k W_{kj} (1 - h_{t+1,k}^2) \epsilon_{t+1,k}", Verdict.VERIFIED),
    (r"\frac{\partial L}{\partial W_{jk}} = \sum_t \epsilon_{t,j} (1 - h_{t,j}^2) h_{t-1,k}", Verdict.VERIFIED),
    (r"\frac{\partial L}{\partial U_{ji}} = \sum_t \epsilon_{t,j} (1 - h_{t,j}^2) x_{t,i}", Verdict.VERIFIED),
    (r"\frac{\partial L}{\partial b_j} = \sum_t \epsilon_{t,j} (1 - h_{t,j}^2)", Verdict.VERIFIED),
    # the initial state is a leaf: its gradient is what flows back from the first step
    (r"\frac{\partial L}{\partial h_{0,k}} = \sum_j W_{jk} (1 - h_{1,j}^2) \epsilon_{1,j}", Verdict.VERIFIED),
    (r"\frac{\partial h_{t,j}}{\partial h_{t-1,k}} = (1 - h_{t,j}^2) W_{jk}", Verdict.VERIFIED),
    # wrong: the recursion forward in time, W not transposed
    (r"\epsilon_{t,j} = h_{t,j} - y_{t,j} + \sum_k W_{jk} (1 - h_{t+1,k}^2) \epsilon_{t+1,k}", Verdict.REFUTED),
    (r"\epsilon_{t,j} = h_{t,j} - y_{t,j} + \sum_k W_{kj} (1 - h_{t-1,k}^2) \epsilon_{t-1,k}", Verdict.REFUTED),
]


def checked(claim: str):
    results = check_text(RNN + f"$${claim} \\tag{{c}}$$\n", "n.md").claims
    return results[-1]


@pytest.mark.parametrize("claim, verdict", BPTT)
def test_bptt_claims(claim, verdict):
    result = checked(claim)
    assert result.verdict == verdict, result.message


def test_unrolled_at_three_and_four_steps():
    result = checked(BPTT[1][0])
    sizes = result.steps[0].message
    assert "T=3" in sizes and "T=4" in sizes, sizes
    assert result.verdict == Verdict.VERIFIED  # never "proved": the index algebra has no time


def test_truncated_bptt_is_refuted_with_its_diagnosis():
    result = checked(r"\frac{\partial L}{\partial W_{jk}} = \sum_t (h_{t,j} - y_{t,j}) (1 - h_{t,j}^2) h_{t-1,k}")
    assert result.verdict == Verdict.REFUTED
    assert "holds if the dependence through h_{t-1} is cut (truncated backpropagation through time)" \
        in result.diagnosis
    right = checked(BPTT[1][0])
    assert not right.diagnosis


def test_the_recurrence_needs_its_initial_state_declared():
    text = RNN.replace("outside: {h: initial, epsilon: 0}\n", "")
    results = check_text(text, "n.md").claims
    assert any("h_{t-1,k} can reach before the first entry of h" in r.message and r.line == 4
               for r in results)


def test_a_zero_initial_state():
    text = RNN.replace("outside: {h: initial, epsilon: 0}", "outside: {h: 0, epsilon: 0}")
    zero = check_text(text + r"$$\frac{\partial L}{\partial W_{jk}} = \sum_{t} \epsilon_{t,j} (1 - h_{t,j}^2) h_{t-1,k} \tag{c}$$" + "\n",
                      "n.md").claims[-1]
    assert zero.verdict == Verdict.VERIFIED, zero.message
    initial = checked(r"\frac{\partial L}{\partial W_{jk}} = \sum_{t} \epsilon_{t,j} (1 - h_{t,j}^2) h_{t,k}")
    assert initial.verdict == Verdict.REFUTED


def test_reading_ahead_is_a_cycle_not_a_recurrence():
    text = RNN.replace(r"h_{t-1,k}", r"h_{t+1,k}").replace("h: initial", "h: 0")
    results = check_text(text, "n.md").claims
    assert any("definition cycle" in r.message for r in results)


def test_the_last_step_by_its_size():
    text = RNN.replace(r"L = \frac{1}{2} \sum_t \sum_j (h_{t,j} - y_{t,j})^2", r"L = \sum_j v_j h_{T,j}")
    result = check_text(text + r"$$\frac{\partial L}{\partial b_j} = \sum_t \epsilon_{t,j} (1 - h_{t,j}^2) \tag{c}$$" + "\n"
                        + r"$$\epsilon_{T,j} = v_j \tag{d}$$" + "\n", "n.md").claims
    assert [r.verdict for r in result[-2:]] == [Verdict.VERIFIED, Verdict.VERIFIED], result[-1].message


def test_step_back_reads_only_whole_steps():
    import sympy
    t, m = sympy.Symbol("t", integer=True), sympy.Symbol("m", integer=True)
    assert step_back(t - 1) == (t, 1) and step_back(t - 2) == (t, 2)
    assert step_back(t + 1) is None and step_back(t - m) is None and step_back(t) is None
    size = sympy.Symbol("T", integer=True, positive=True)
    assert step_back(size - 1) is None  # h_{T,j}: the last step, not an earlier one


def test_planted_recurrent_slips_are_refuted_with_their_diagnoses():
    from pathlib import Path

    from symbolic.checker import check_file
    report = check_file(Path(__file__).resolve().parents[1] / "planted" / "recurrent.md")
    found = {c.label: c for c in report.claims}
    assert {label: c.verdict for label, c in found.items()} == {
        "dropped": Verdict.REFUTED, "dropped-b": Verdict.REFUTED, "flipped": Verdict.REFUTED}
    cut = "holds if the dependence through h_{t-1} is cut (truncated backpropagation through time)"
    assert cut in found["dropped"].diagnosis and cut in found["dropped-b"].diagnosis
    assert "holds for correlation, not convolution (kernel flipped)" in found["flipped"].diagnosis
    assert all(c.passes for c in found.values())  # each is expected refuted in its block


SUPERSCRIPTS = r"""```derivation
indices: {t: T, i: H, j: H, k: D}
define: |
  a^{(t)}_i = b_i + \sum_j W_{ij} h^{(t-1)}_j + \sum_k U_{ik} x^{(t)}_k
  h^{(t)}_i = \tanh(a^{(t)}_i)
  L = \frac{1}{2} \sum_t \sum_i (h^{(t)}_i - y^{(t)}_i)^2
outside: {h: initial}
```

$$\frac{\partial L}{\partial b_i} = \sum_t \frac{\partial L}{\partial a^{(t)}_i} \tag{1}$$

$$\frac{\partial L}{\partial W_{ij}} = \sum_t \frac{\partial L}{\partial a^{(t)}_i} h^{(t-1)}_j \tag{2}$$

$$\frac{\partial L}{\partial W_{ij}} = \sum_t \frac{\partial L}{\partial a^{(t)}_i} h^{(t)}_j \tag{3}$$
"""


def test_time_as_a_bracketed_superscript():
    one, two, three = check_text(SUPERSCRIPTS, "n.md").claims
    assert (one.verdict, two.verdict, three.verdict) == (Verdict.VERIFIED, Verdict.VERIFIED,
                                                          Verdict.REFUTED), two.message


def test_lstm_cell_with_gate_names_as_superscripts():
    text = r"""```derivation
indices: {t: T, j: H, k: H}
define: |
  f_{t,j} = \sigma(\sum_k W^{f}_{jk} h_{t-1,k} + b^{f}_j)
  i_{t,j} = \sigma(\sum_k W^{i}_{jk} h_{t-1,k} + b^{i}_j)
  g_{t,j} = \tanh(\sum_k W^{g}_{jk} h_{t-1,k} + b^{g}_j)
  o_{t,j} = \sigma(\sum_k W^{o}_{jk} h_{t-1,k} + b^{o}_j)
  c_{t,j} = f_{t,j} c_{t-1,j} + i_{t,j} g_{t,j}
  h_{t,j} = o_{t,j} \tanh(c_{t,j})
  L = \sum_j v_j h_{T,j}
outside: {h: initial, c: initial}
```

$$\frac{\partial c_{t,j}}{\partial f_{t,j}} = c_{t-1,j} \tag{forget}$$

$$\frac{\partial h_{t,j}}{\partial c_{t,j}} = o_{t,j} (1 - \tanh^2(c_{t,j})) \tag{cell}$$

$$\frac{\partial L}{\partial b^{o}_j} = v_j \tanh(c_{T,j}) o_{T,j} (1 - o_{T,j}) \tag{last}$$

$$\frac{\partial c_{t,j}}{\partial c_{t-1,j}} = f_{t,j} \tag{carousel}$$
"""
    forget, cell, last, carousel = check_text(text, "n.md").claims
    assert forget.verdict == cell.verdict == Verdict.VERIFIED, forget.message
    # the output gate's bias reaches L through every step: the last step alone is not the gradient
    assert last.verdict == Verdict.REFUTED
    assert "holds if the dependence through" in " ".join(last.diagnosis)
    # the "constant error carousel" is the direct path only: c_{t-1} also reaches c_t through
    # h_{t-1} and the gates
    assert carousel.verdict == Verdict.REFUTED
    assert "holds if the dependence through h_{t-1}, c_{t-1} is cut (truncated backpropagation " \
        "through time)" in carousel.diagnosis


def test_an_index_letter_only_inside_arithmetic_is_still_free():
    text = RNN.replace("outside: {h: initial, epsilon: 0}", "outside: {h: initial, x: 0, epsilon: 0}")
    result = check_text(text + r"$$\frac{\partial L}{\partial x_{t+1,i}} = 0 \tag{c}$$" + "\n", "n.md").claims[-1]
    assert result.verdict == Verdict.REFUTED, result.message  # checked at every t, never an internal error
    bad = RNN.replace(r"+ b_j", r"+ b_j + h_{k-1,j}")  # k only inside the arithmetic
    assert any("index k is free on the right side of z" in r.message
               for r in check_text(bad, "n.md").claims)
