"""The all-sizes proof with sums and sizes as values: means, variances, layer and batch norm.

True layer-norm and batch-norm gradients are proved for every size; the same formulas with a
dropped 1/D, a forgotten mean path or a flipped variance sign are never proved, and the
checker refutes them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from symbolic import Verdict, api
from symbolic.calculus.generic import normal_form, proved
from symbolic.calculus.sum_atoms import written_out, zero_difference
from symbolic.checker import check_file, check_text
from symbolic.errors import Span
from symbolic.latex.parse import parse_latex
from symbolic.model.index_notation import Resolver

ROOT = Path(__file__).resolve().parents[2]

LAYER_NORM = r"""```derivation
indices: {i: D, j: D, k: D}
define: |
  \mu = \frac{1}{D}\sum_{i=1}^{D} x_i
  \sigma^2 = \frac{1}{D}\sum_{i=1}^{D}(x_i - \mu)^2
  \hat{x}_i = \frac{x_i - \mu}{\sqrt{\sigma^2 + \varepsilon}}
  y_i = \gamma_i \hat{x}_i + \beta_i
  L = \sum_i g_i y_i
shorthand: d
```
"""

# the layer-norm input gradient and three slips in it (g_i = ∂L/∂y_i)
DX = r"\frac{\partial L}{\partial x_i}"
RIGHT = (r"\frac{1}{D \sqrt{\sigma^2 + \varepsilon}} \left( D\, g_i \gamma_i - \sum_j g_j \gamma_j"
         r" - \hat{x}_i \sum_j g_j \gamma_j \hat{x}_j \right)")
DROPPED_D = (r"\frac{1}{\sqrt{\sigma^2 + \varepsilon}} \left( D\, g_i \gamma_i - \sum_j g_j \gamma_j"
             r" - \hat{x}_i \sum_j g_j \gamma_j \hat{x}_j \right)")
NO_MEAN = (r"\frac{1}{D \sqrt{\sigma^2 + \varepsilon}} \left( D\, g_i \gamma_i"
           r" - \hat{x}_i \sum_j g_j \gamma_j \hat{x}_j \right)")
VARIANCE_SIGN = (r"\frac{1}{D \sqrt{\sigma^2 + \varepsilon}} \left( D\, g_i \gamma_i - \sum_j g_j \gamma_j"
                 r" + \hat{x}_i \sum_j g_j \gamma_j \hat{x}_j \right)")


@pytest.fixture(scope="module")
def layer_norm(tmp_path_factory):
    note = tmp_path_factory.mktemp("notes") / "layer_norm.md"
    note.write_text(LAYER_NORM)
    return api.load(note).contexts[0]


def expr(context, text):
    span = Span("t", 1, 1)
    return Resolver(context.network, "claim", span, text).resolve(parse_latex(text, span))


def holds(context, lhs, rhs) -> bool:
    return proved(context, expr(context, lhs), expr(context, rhs))


@pytest.mark.parametrize("lhs, rhs", [
    (r"\frac{\partial \mu}{\partial x_k}", r"\frac{1}{D}"),
    (r"\frac{\partial \sigma^2}{\partial x_k}", r"\frac{2}{D}(x_k - \mu)"),
    (r"\sum_k (x_k - \mu)", "0"),
    (r"\sum_k (x_k - \mu)^2", r"D \sigma^2"),
    (r"\sum_k \hat{x}_k", "0"),
    (r"\frac{1}{D} \sum_k 1", "1"),
    (r"\frac{\partial L}{\partial \mu}", r"\frac{-1}{\sqrt{\sigma^2+\varepsilon}} \sum_j \gamma_j g_j"),
    (r"\frac{\partial \sigma^2}{\partial \mu}", "0"),
])
def test_mean_and_variance_identities_are_proved_for_every_size(layer_norm, lhs, rhs):
    assert holds(layer_norm, lhs, rhs)


@pytest.mark.parametrize("lhs, rhs", [
    (r"\frac{\partial \mu}{\partial x_k}", "1"),                                # 1/D dropped
    (r"\frac{\partial \sigma^2}{\partial x_k}", r"2 (x_k - \mu)"),              # 1/D dropped
    (r"\frac{\partial \sigma^2}{\partial x_k}", r"\frac{2}{D} x_k"),            # mean forgotten
    (r"\sum_k (x_k - \mu)^2", r"\sigma^2"),
    (r"\sum_k (x_k - \mu)", "1"),
    (r"\frac{\partial L}{\partial \mu}", r"\frac{1}{\sqrt{\sigma^2+\varepsilon}} \sum_j \gamma_j g_j"),
])
def test_wrong_mean_and_variance_identities_are_not_proved(layer_norm, lhs, rhs):
    assert not holds(layer_norm, lhs, rhs)


def test_the_layer_norm_input_gradient_is_proved_and_its_slips_are_not(layer_norm):
    assert holds(layer_norm, DX, RIGHT)
    for wrong in (DROPPED_D, NO_MEAN, VARIANCE_SIGN):
        assert not holds(layer_norm, DX, wrong)


def test_the_checker_proves_the_gradient_and_refutes_each_slip():
    note = LAYER_NORM + "".join(f"\n$$ {DX} = {rhs} \\tag{{{label}}}$$\n" for label, rhs in (
        ("right", RIGHT), ("dropped", DROPPED_D), ("mean", NO_MEAN), ("sign", VARIANCE_SIGN)))
    found = {c.label: c for c in check_text(note, "layer_norm.md").claims}
    assert found["right"].verdict == Verdict.PROVED
    assert found["right"].message.startswith("proved for every size")
    for label in ("dropped", "mean", "sign"):
        assert found[label].verdict == Verdict.REFUTED, found[label].message
        assert found[label].message.startswith("false at D="), found[label].message


def test_the_index_normal_form_alone_does_not_line_the_sides_up(layer_norm):
    """What the sum atoms add: (2/D) Σ_j (x_j - μ) is zero only once μ is written out and
    Σ_j 1 counted."""
    lhs = expr(layer_norm, r"\frac{2}{D} \sum_j (x_j - \mu)")
    assert normal_form(layer_norm, lhs, []) != 0
    assert zero_difference(layer_norm.network, lhs, expr(layer_norm, "0"), [])


def test_definitions_are_written_out_without_capturing_indices(layer_norm):
    out = written_out(layer_norm.network, expr(layer_norm, r"\hat{x}_k \mu"))
    assert not out.has(*[t for t in out.free_symbols if str(t) in ("mu", "hat{x}", "sigma^{2}")])
    # the mean's own bound index is renamed; the free k stays the entry's index
    assert {str(s) for s in out.free_symbols if s.is_integer and str(s) in "ijk"} == {"k"}


def test_a_size_inside_a_function_that_matters_is_not_proved(layer_norm):
    assert not holds(layer_norm, r"e^{\sum_k 1} \left(\sum_k 1 - 2\right)", "0")
    assert holds(layer_norm, r"e^{\sum_k 1} \left(\sum_k 1 - 2\right)", r"e^{D} (D - 2)")


def test_a_power_sum_identity_true_only_for_small_sizes_is_not_proved(layer_norm):
    """e_3 of x_1..x_D written with power sums vanishes for D ≤ 2, not for every D."""
    p1, p2, p3 = (rf"\sum_k x_k^{n}" if n > 1 else r"\sum_k x_k" for n in (1, 2, 3))
    e3 = rf"\left( ({p1})^3 - 3 ({p1}) ({p2}) + 2 ({p3}) \right)"
    assert not holds(layer_norm, e3, "0")


BATCH_NORM = ROOT / "tests" / "planted" / "batchnorm_backward.md"


def test_the_planted_batch_norm_gradient_is_proved_and_each_slip_refuted():
    found = {c.label: c for c in check_file(BATCH_NORM).claims}
    assert found["right"].verdict == Verdict.PROVED
    assert "proved for every size" in found["right"].message
    for label in ("dropped_n", "no_mean", "variance_sign"):
        assert found[label].verdict == Verdict.REFUTED, found[label].message


def test_writing_a_definition_out_never_captures_an_index(tmp_path):
    """h_k = tanh(Σ_k' w_{kk'} x_{k'}): the definition's own summed k must not meet the entry's k."""
    note = tmp_path / "capture.md"
    note.write_text("```derivation\nindices: {i: N, k: N}\ndefine: |\n"
                    "  h_i = \\tanh\\left(\\sum_k w_{ik} x_k\\right)\n  L = \\sum_i h_i\n```\n")
    context = api.load(note).contexts[0]
    left = expr(context, r"\sum_k h_k")
    right = expr(context, r"\sum_k \tanh\left(\sum_i w_{ki} x_i\right)")
    captured = expr(context, r"\sum_k \tanh\left(\sum_k w_{kk} x_k\right)")
    assert zero_difference(context.network, left, right, [])
    assert not zero_difference(context.network, left, captured, [])
