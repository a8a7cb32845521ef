"""Sizes as values inside functions: no number of checked sizes settles such a step, so it is
proved for every size, refuted at a size, or left undecided — never verified from a few sizes."""

from __future__ import annotations

from symbolic import Verdict, api
from symbolic.engine.size_degree import size_degrees
from symbolic.errors import Span
from symbolic.latex.parse import parse_latex
from symbolic.model.index_notation import Resolver

LAYER_NORM = r"""```derivation
indices: {i: D, j: D, k: D}
define: |
  \mu = \frac{1}{D}\sum_{i=1}^{D} x_i
  \sigma^2 = \frac{1}{D}\sum_{i=1}^{D}(x_i - \mu)^2
  \hat{x}_i = \frac{x_i - \mu}{\sqrt{\sigma^2 + \varepsilon}}
  y_i = \gamma_i \hat{x}_i + \beta_i
  L = \sum_i g_i y_i
```
"""


def claims(body: str) -> dict:
    report = api.check_text(LAYER_NORM + "\n" + body, "note.md")
    return {c.label: c for c in report.claims}


def test_a_mean_under_a_square_root_has_no_size_degree(tmp_path):
    note = tmp_path / "layer_norm.md"
    note.write_text(LAYER_NORM)
    context = api.load(note).contexts[0]
    span = Span("t", 1, 1)

    def expr(text):
        return Resolver(context.network, "claim", span, text).resolve(parse_latex(text, span))

    assert size_degrees(context.network, expr(r"\hat{x}_k"), expr("0")) is None
    assert size_degrees(context.network, expr(r"\sum_k x_k"), expr(r"D \mu")) == {"D": 1}


def test_the_layer_norm_mean_gradient_is_proved_for_every_size():
    found = claims(r"""
$$\frac{\partial L}{\partial \mu} = \frac{-1}{\sqrt{\sigma^2+\varepsilon}} \sum_j \gamma_j g_j \tag{right}$$

$$\frac{\partial L}{\partial \mu} = \frac{-1}{D \sqrt{\sigma^2+\varepsilon}} \sum_j \gamma_j g_j \tag{wrong}$$
""")
    assert found["right"].verdict == Verdict.PROVED
    assert found["right"].message.startswith("proved for every size; exact at D=2; D=3")
    assert found["wrong"].verdict == Verdict.REFUTED


def test_a_step_that_vanishes_only_at_the_checked_sizes_is_not_proved():
    """(D - 2)(D - 3) times a square root of the variance: zero at D = 2 and D = 3, the sizes
    a step with a size inside a function is checked at, and at no other D."""
    claim = claims(r"$$\sqrt{\sigma^2 + \varepsilon} \left(\sum_k 1 - 2\right)"
                   r"\left(\sum_k 1 - 3\right) = 0 \tag{z}$$")["z"]
    assert claim.verdict in (Verdict.UNDECIDED, Verdict.REFUTED), claim.message
    assert not claim.verdict.holds
