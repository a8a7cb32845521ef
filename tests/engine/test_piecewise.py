"""Piecewise functions: ReLU, the step, |u|, max/min and indicators, checked region by region.

Each claim is decided on every sign region of the piecewise arguments at the concrete sizes;
a counterexample names its region; a step that holds says it holds except at the kinks.
"""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text
from symbolic.errors import LatexError, Span
from symbolic.latex.parse import parse_latex

RELU_LAYER = r"""```derivation
indices: {i: I, j: J}
define: |
  z_j = \sum_i w_{ji} x_i + b_j
  h_j = FORM
  L = \frac{1}{2} \sum_j (h_j - t_j)^2
loss: L
```

"""
MASKED = r"$$\frac{\partial L}{\partial z_j} = (h_j - t_j) \mathbb{1}[z_j > 0] \tag{c}$$"
UNMASKED = r"$$\frac{\partial L}{\partial z_j} = h_j - t_j \tag{c}$$"


def verdict(text: str):
    [claim] = [c for c in check_text(text, "n.md").claims]
    return claim


@pytest.mark.parametrize("form", [r"\max(0, z_j)", r"\max(z_j, 0)", r"\operatorname{ReLU}(z_j)",
                                  r"\mathrm{relu}(z_j)", r"\text{ReLU}(z_j)", r"(z_j)_+",
                                  r"\left(z_j\right)_{+}"])
def test_relu_spellings_read_as_relu(form):
    model = RELU_LAYER.replace("FORM", form)
    right = verdict(model + MASKED)
    assert right.verdict == Verdict.PROVED
    assert "not at their kinks" in right.steps[0].message
    wrong = verdict(model + UNMASKED)
    assert wrong.verdict == Verdict.REFUTED
    assert ", where z_{1} < 0;" in wrong.message  # the mask matters only where z < 0


@pytest.mark.parametrize("indicator", [r"\mathbb{1}[z_j > 0]", r"\mathbb{1}\{z_j > 0\}", r"1_{z_j > 0}",
                                       r"\mathbf{1}_{z_j \geq 0}", r"[z_j > 0]",
                                       r"\mathbb{1}\left[z_j > 0\right]", r"\operatorname{step}(z_j)",
                                       r"\mathbb{1}[h_j > 0]"])
def test_indicator_spellings_are_the_step(indicator):
    claim = MASKED.replace(r"\mathbb{1}[z_j > 0]", indicator)
    assert verdict(RELU_LAYER.replace("FORM", r"\max(0, z_j)") + claim).verdict.holds


def test_relu_derivative_on_the_wrong_side_is_refuted_with_its_region():
    claim = MASKED.replace(">", "<")
    result = verdict(RELU_LAYER.replace("FORM", r"\max(0, z_j)") + claim)
    assert result.verdict == Verdict.REFUTED
    assert ", where z_{1} > 0;" in result.message


def test_a_step_true_only_region_by_region_is_verified_with_the_kink_note():
    """(z - t) 1[z > 0] = (relu(z) - t) 1[z > 0] on both regions, though not as atoms."""
    claim = r"$$\frac{\partial L}{\partial z_j} = (z_j - t_j) \mathbb{1}[z_j > 0] \tag{c}$$"
    result = verdict(RELU_LAYER.replace("FORM", r"\max(0, z_j)") + claim)
    assert result.verdict.holds
    assert "holds on every sign region of the piecewise functions" in result.steps[0].message


@pytest.mark.parametrize("form, derivative, holds", [
    (r"\left|z_j\right|", r"(h_j - t_j) (\mathbb{1}[z_j > 0] - \mathbb{1}[z_j < 0])", True),
    (r"|z_j|", r"(h_j - t_j)", False),
    (r"\min(0, z_j)", r"(h_j - t_j) \mathbb{1}[z_j < 0]", True),
    (r"\min(0, z_j)", r"(h_j - t_j) \mathbb{1}[z_j > 0]", False),
    (r"\max(0.01 z_j, z_j)", r"(h_j - t_j) (\mathbb{1}[z_j > 0] + 0.01 \mathbb{1}[z_j < 0])", True),
    (r"\max(0.01 z_j, z_j)", r"(h_j - t_j) \mathbb{1}[z_j > 0]", False),
])
def test_abs_min_and_leaky_relu(form, derivative, holds):
    claim = rf"$$\frac{{\partial L}}{{\partial z_j}} = {derivative} \tag{{c}}$$"
    result = verdict(RELU_LAYER.replace("FORM", form) + claim)
    assert result.verdict.holds is holds, result.message


HINGE = r"""```derivation
indices: {i: I}
define: |
  s = \sum_i w_i x_i
  L = \max(0, 1 - y s)
loss: L
```

"""


def test_hinge_loss_gradient_and_its_planted_twins():
    right = verdict(HINGE + r"$$\frac{\partial L}{\partial w_i} = -y x_i \mathbb{1}[y s < 1] \tag{c}$$")
    assert right.verdict.holds
    for wrong in (r"-y x_i \mathbb{1}[y s > 1]", r"-y x_i"):
        result = verdict(HINGE + rf"$$\frac{{\partial L}}{{\partial w_i}} = {wrong} \tag{{c}}$$")
        assert result.verdict == Verdict.REFUTED
        assert "where s y - 1 > 0" in result.message


MLP = r"""```derivation
indices: {i: I, j: J, k: K}
define: |
  z_j = \sum_i w_{ij} x_i + b_j
  h_j = \max(0, z_j)
  a_k = \sum_j w_{jk} h_j + b_k
  o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}
  L = -\sum_k t_k \log o_k
assume: [one-hot t]
```

"""


def test_relu_mlp_backward_pass():
    right = r"$$\frac{\partial L}{\partial w_{ij}} = x_i \mathbb{1}[z_j > 0] \sum_k w_{jk} (o_k - t_k) \tag{c}$$"
    assert verdict(MLP + right).verdict == Verdict.PROVED
    missing_mask = r"$$\frac{\partial L}{\partial w_{ij}} = x_i \sum_k w_{jk} (o_k - t_k) \tag{c}$$"
    result = verdict(MLP + missing_mask)
    assert result.verdict == Verdict.REFUTED and "where z_{1} < 0" in result.message


@pytest.mark.parametrize("text, expected", [
    (r"(z_j)_+", "Max(0, z_{j})"),
    (r"(1 - y z)_{+}", "Max(0, -y*z + 1)"),
    (r"\mathbb{1}[y z < 1]", "step"),
])
def test_positive_parts_and_indicators_are_rewritten_before_parsing(text, expected):
    import symbolic.model.functions  # noqa: F401  (registers \operatorname{step} as a call)
    assert expected in str(parse_latex(text, Span("n.md", 1, 1)).expr)


@pytest.mark.parametrize("text, column", [(r"(W x)_i", 7), (r"a + [b c]_{k}", 11)])
def test_a_subscript_on_a_bracketed_expression_is_a_located_error_not_dropped(text, column):
    with pytest.raises(LatexError) as caught:
        parse_latex(text, Span("n.md", 3, 1))
    assert "on the bracketed expression before it is not read" in caught.value.message
    assert (caught.value.span.line, caught.value.span.column) == (3, column)


def test_an_indicator_of_two_comparisons_is_an_error():
    with pytest.raises(LatexError, match="more than one comparison"):
        parse_latex(r"\mathbb{1}[0 < z < 1]", Span("n.md", 1, 1))


@pytest.mark.parametrize("form", [r"\operatorname{sign}(z_j) z_j", r"\operatorname{sgn}(z_j) z_j"])
def test_sign_times_its_argument_is_the_absolute_value(form):
    model = RELU_LAYER.replace("FORM", form)
    right = r"$$\frac{\partial L}{\partial z_j} = (h_j - t_j) \operatorname{sign}(z_j) \tag{c}$$"
    assert verdict(model + right).verdict.holds
    assert verdict(model + UNMASKED).verdict == Verdict.REFUTED


def test_floor_is_still_refused_at_its_place():
    first = check_text(RELU_LAYER.replace("FORM", r"\lfloor z_j \rfloor"), "n.md").claims[0]
    assert first.verdict == Verdict.ERROR and first.line == 5


@pytest.mark.parametrize("cases, derivative, holds", [
    (r"\begin{cases} z_j & \text{if } z_j > 0 \\ 0 & \text{otherwise} \end{cases}",
     r"(h_j - t_j) \mathbb{1}[z_j > 0]", True),
    (r"\begin{cases} z_j & z_j \geq 0 \\ 0.01 z_j & z_j < 0 \end{cases}",
     r"(h_j - t_j) (\mathbb{1}[z_j > 0] + 0.01 \mathbb{1}[z_j < 0])", True),
    (r"\begin{cases} z_j & z_j \geq 0 \\ 0.01 z_j & z_j < 0 \end{cases}",
     r"(h_j - t_j) \mathbb{1}[z_j > 0]", False),
])
def test_a_model_defined_by_cases(cases, derivative, holds):
    claim = rf"$$\frac{{\partial L}}{{\partial z_j}} = {derivative} \tag{{c}}$$"
    assert verdict(RELU_LAYER.replace("FORM", cases) + claim).verdict.holds is holds


@pytest.mark.parametrize("cases, message", [
    (r"\begin{cases} z & z > 1 \\ 0 & z < 0 \end{cases}", "do not end with 'otherwise'"),
    (r"\begin{cases} 1 & i = j \\ 0 & \text{otherwise} \end{cases}", "the condition 'i = j'"),
    (r"\begin{cases} 0 & \text{otherwise} \\ z & z > 0 \end{cases}", "must be the last row"),
])
def test_cases_that_are_not_read_are_errors(cases, message):
    with pytest.raises(LatexError, match=message):
        parse_latex(cases, Span("n.md", 1, 1))


def test_a_region_of_a_nested_relu_is_named_by_the_call_never_by_a_stand_in():
    note = r"""```derivation
indices: {}
names: [w_1, w_2]
define: |
  R = \text{ReLU}(w_1 \cdot \text{ReLU}(w_2 x))
  C = \frac{1}{2}(y - R)^2
loss: C
```

$$\text{ReLU}(w_1\cdot\text{ReLU}(w_2x))=w_1w_2x \tag{s}$$
"""
    claim = check_text(note, "note.md").claims[0]
    assert claim.verdict == Verdict.REFUTED
    assert "ReLU(w_2 x)" in claim.message and "relu0" not in claim.message, claim.message
