"""The diagnosis of a refuted piecewise claim says on which sign regions it does hold.

"holds only where z_{j} > 0" is said only when the regions a step holds on are exactly
those of one conjunction of argument signs at every instance it was checked at; in the
claim's free indices when every instance agrees, else at the counterexample's entry (and
sizes), else not at all. A claim wrong on every region, or right on a union of regions
that no conjunction describes, gets no such line.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from symbolic import Verdict, check_text
from symbolic.api import load
from symbolic.checker import check_file
from symbolic.engine.region_diagnosis import holding_condition

PLANTED = Path(__file__).resolve().parents[1] / "planted"

RELU_LAYER = r"""```derivation
indices: {i: I, j: J}
define: |
  z_j = \sum_i w_{ji} x_i + b_j
  h_j = \max(0, z_j)
  L = \frac{1}{2} \sum_j (h_j - t_j)^2
```

"""
PRODUCT = r"""```derivation
indices: {j: J}
define: |
  h_j = \max(0, a_j) \max(0, c_j)
  L = \sum_j h_j
```

"""
ABSOLUTE = r"""```derivation
indices: {i: I, j: J}
define: |
  z_j = \sum_i w_{ji} x_i + b_j
  L = \sum_j |z_j|
```

"""
THREE = r"""```derivation
define: |
  y = \max(a, b, c)
  z = \min(a, b, c)
  L = y + 2 z
```

"""


def refuted(text: str):
    [claim] = check_text(text, "n.md").claims
    assert claim.verdict == Verdict.REFUTED
    return claim


def regions_said(claim) -> list[str]:
    return [note for note in claim.diagnosis if "holds only where" in note]


@pytest.mark.parametrize("model, claim, said", [
    # the ReLU mask dropped: right exactly where the unit is active
    (RELU_LAYER, r"\frac{\partial L}{\partial z_j} = h_j - t_j", "holds only where z_{j} > 0"),
    # no gradient at all: right exactly where the unit is off
    (RELU_LAYER, r"\frac{\partial L}{\partial z_j} = 0", "holds only where z_{j} < 0"),
    # a conjunction: ∂/∂a_j of ReLU(a_j) ReLU(c_j) is c_j only where both are positive
    (PRODUCT, r"\frac{\partial L}{\partial a_j} = c_j", "holds only where a_{j} > 0, c_{j} > 0"),
    # |z|' = sign(z): +1 and -1 each hold on one side
    (ABSOLUTE, r"\frac{\partial L}{\partial b_j} = 1", "holds only where z_{j} > 0"),
    (ABSOLUTE, r"\frac{\partial L}{\partial b_j} = -1", "holds only where z_{j} < 0"),
    # a max's regions are which entry wins: 1 is ∂L/∂a where a is the max, 2 where the min
    (THREE, r"\frac{\partial L}{\partial a} = 1", "holds only where a > b, a > c"),
    (THREE, r"\frac{\partial L}{\partial a} = 2", "holds only where a < b, c > a"),
])
def test_the_regions_a_claim_holds_on_are_named(model, claim, said):
    result = refuted(model + f"$${claim} \\tag{{c}}$$")
    assert regions_said(result) == [said]


def test_a_condition_true_at_one_index_value_only_is_said_there():
    # (h_j - t_j) δ_{j1}: at j = 1 the mask is missing (right where z_1 > 0), at j = 2 the
    # gradient is missing (right where z_2 < 0): no condition in j, one at j = 1
    result = refuted(RELU_LAYER + r"$$\frac{\partial L}{\partial z_j} = (h_j - t_j) \delta_{j1} \tag{c}$$")
    assert regions_said(result) == ["holds only where z_{1} > 0 (at j = 1)"]


@pytest.mark.parametrize("model, claim", [
    # the mask on the wrong side of 0: wrong where z > 0 and where z < 0
    (RELU_LAYER, r"\frac{\partial L}{\partial z_j} = (h_j - t_j) \mathbb{1}[z_j < 0]"),
    # twice the gradient: wrong where z > 0, and where z < 0 wherever t_j ≠ 0
    (RELU_LAYER, r"\frac{\partial L}{\partial z_j} = 2 (h_j - t_j)"),
    # a is never both the max and the min
    (THREE, r"\frac{\partial L}{\partial a} = 3"),
    # 0 holds where a is in the middle: b > a > c or c > a > b, no one conjunction
    (THREE, r"\frac{\partial L}{\partial a} = 0"),
])
def test_no_region_line_when_no_conjunction_of_signs_is_where_it_holds(model, claim):
    result = refuted(model + f"$${claim} \\tag{{c}}$$")
    assert regions_said(result) == []


def test_a_later_step_of_a_chain_is_named():
    result = refuted(RELU_LAYER + r"$$\frac{\partial L}{\partial b_j} = \frac{\partial L}{\partial z_j} "
                                  r"= h_j - t_j \tag{c}$$")
    assert [s.verdict for s in result.steps] == [Verdict.PROVED, Verdict.REFUTED]
    assert regions_said(result) == ["step 2 holds only where z_{j} > 0"]


def test_relu_model_mask_dropped_and_on_the_wrong_side():
    right, mask, side = check_file(PLANTED / "relu_model.md").claims
    assert right.diagnosis == []
    assert regions_said(mask) == ["holds only where z_{j} > 0"]
    assert regions_said(side) == []


def test_max_pooling_routed_to_every_entry_holds_where_the_entry_is_its_windows_max():
    report = check_file(PLANTED / "max_pooling.md")
    claims = {c.label: c for c in report.claims}
    # at k = 1 (in the first window only) it is right where x_1 wins that window; at k = 3 it
    # needs x_3 to win both windows and at the larger sizes the window is longer, so the
    # condition is said at the counterexample's k and sizes only
    assert regions_said(claims["every-entry"]) == [
        "holds only where x_{1} > x_{2}, x_{1} > x_{3} (at k = 1, for I=2, M=3, I + I + M - 2=5)"]
    assert regions_said(claims["averaged"]) == []  # 1/M of the gradient is right on no region


def _relu_steps(tmp_path):
    """A true claim and the same claim with the mask dropped, parsed, and the second's step."""
    note = tmp_path / "relu.md"
    note.write_text(RELU_LAYER + r"$$\frac{\partial L}{\partial z_j} = (h_j - t_j) \mathbb{1}[z_j > 0] \tag{right}$$"
                    "\n\n" + r"$$\frac{\partial L}{\partial z_j} = h_j - t_j \tag{mask}$$" + "\n")
    document = load(note)
    right, mask = document.chains
    assert (right.result.verdict, mask.result.verdict) == (Verdict.PROVED, Verdict.REFUTED)
    return right, mask, mask.result.steps[0]


def test_nothing_is_said_of_a_step_that_holds_on_every_region(tmp_path):
    right, mask, step = _relu_steps(tmp_path)
    network, assumptions = right.context.network, right.context.assumptions
    deadline = time.monotonic() + 30
    assert holding_condition(network, assumptions, *mask.terms, step, deadline) == "z_{j} > 0"
    # at the same counterexample's instance, a step that holds on every region: nothing to say
    assert holding_condition(network, assumptions, *right.terms, step, deadline) is None


def test_nothing_is_said_without_a_region_or_past_the_deadline(tmp_path):
    _right, mask, step = _relu_steps(tmp_path)
    network, assumptions = mask.context.network, mask.context.assumptions
    assert holding_condition(network, assumptions, *mask.terms, step, time.monotonic() + 30) == "z_{j} > 0"
    no_region = dataclasses.replace(step, counterexample=dataclasses.replace(step.counterexample, region=None))
    assert holding_condition(network, assumptions, *mask.terms, no_region, time.monotonic() + 30) is None
    assert holding_condition(network, assumptions, *mask.terms, step, time.monotonic() - 1) is None
