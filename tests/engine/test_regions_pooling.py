"""Max pooling: the max over a window index (``\\max_{m} x_{2i+m-2}``), over several arguments
(``\\max(a, b, c)``), its masks (``\\mathbb{1}[x_k = y_i]``, ``\\mathbb{1}[k = \\arg\\max_m …]``),
checked region by region — each region is which entry of a window is its max."""

from __future__ import annotations

from pathlib import Path

import mpmath
import pytest

from symbolic import Verdict, check_text
from symbolic.checker import check_file
from symbolic.errors import LatexError, Span
from symbolic.latex.brackets import read_indicators
from symbolic.latex.window_max import read_window_maxima
from symbolic.model.function_table import IsZero
from symbolic.model.functions import FUNCTIONS

PLANTED = Path(__file__).resolve().parents[1] / "planted"

STRIDE_ONE = r"""```derivation
indices: {i: I - M + 1, m: M, k: I}
define: |
  y_i = \max_{m} x_{i+m-1}
  L = \sum_i g_i y_i
```

"""

THREE = r"""```derivation
define: |
  y = \max(a, b, c)
  z = \min(a, b, c)
  L = y + 2 z
```

"""

GLOBAL = r"""```derivation
indices: {m: M, k: M}
define: |
  y = \max_{m} x_m
  z = \min_{m} x_m
  L = y - 3 z
```

"""


def claims(text: str):
    return check_text(text, "n.md").claims


def one(text: str):
    [claim] = claims(text)
    return claim


@pytest.mark.parametrize("mask", [r"\mathbb{1}[x_k = y_i]", r"\mathbb{1}[x_k = \max_{m} x_{i+m-1}]",
                                  r"\mathbb{1}[k = \arg\max_{m} x_{i+m-1}]", r"1_{x_k = y_i}",
                                  r"\mathbb{1}[y_i = x_k]"])
def test_the_mask_of_a_window_max_is_verified_on_every_region(mask):
    claim = one(STRIDE_ONE + rf"$$\frac{{\partial L}}{{\partial x_k}} = \sum_i g_i {mask} \tag{{1}}$$")
    assert claim.verdict == Verdict.VERIFIED, claim.message
    assert "for a max, where two of its entries tie" in claim.steps[0].message


def test_the_gradient_routed_to_every_entry_or_averaged_is_refuted_with_its_region():
    every, averaged = claims(STRIDE_ONE + r"""
$$\frac{\partial L}{\partial x_k} = \sum_{i} \sum_m g_i \delta_{k,i+m-1} \tag{every}$$

$$\frac{\partial L}{\partial x_k} = \frac{1}{M} \sum_{i} \sum_m g_i \delta_{k,i+m-1} \tag{mean}$$
""")
    assert every.verdict == averaged.verdict == Verdict.REFUTED
    assert "where x_{1} < x_{3};" in every.message  # x_1 is not its window's max: no gradient
    assert "where x_{1} > x_{2}, x_{1} > x_{3};" in averaged.message  # x_1 is: all of it


def test_max_and_min_of_three_arguments():
    right, sides, wrong = claims(THREE + r"""
$$\frac{\partial L}{\partial a} = \mathbb{1}[a = y] + 2 \mathbb{1}[a = z] \tag{1}$$

$$\frac{\partial L}{\partial b} = \mathbb{1}[b > a] \mathbb{1}[b > c] + 2 \mathbb{1}[b < a] \mathbb{1}[b < c] \tag{2}$$

$$\frac{\partial L}{\partial c} = \mathbb{1}[c > a] + 2 \mathbb{1}[c < b] \tag{3}$$
""")
    assert right.verdict == sides.verdict == Verdict.VERIFIED, (right.message, sides.message)
    assert wrong.verdict == Verdict.REFUTED
    assert "ReLU" not in wrong.message.split(":")[0]  # the region is said as comparisons


def test_a_max_over_the_whole_range_and_a_min():
    right, wrong, argmax = claims(GLOBAL + r"""
$$\frac{\partial L}{\partial x_k} = \mathbb{1}[x_k = y] - 3 \mathbb{1}[x_k = z] \tag{1}$$

$$\frac{\partial L}{\partial x_k} = 1 - 3 \tag{2}$$

$$\frac{\partial L}{\partial x_k} = \mathbb{1}[k = \arg\max_m x_m] - 3 \mathbb{1}[x_k = z] \tag{3}$$
""")
    assert right.verdict == argmax.verdict == Verdict.VERIFIED, (right.message, argmax.message)
    assert wrong.verdict == Verdict.REFUTED


def test_a_mask_that_picks_the_wrong_entry_is_refuted():
    claim = one(GLOBAL + r"$$\frac{\partial y}{\partial x_k} = \mathbb{1}[x_k = z] \tag{1}$$")
    assert claim.verdict == Verdict.REFUTED  # the min's mask for the max


def test_two_dimensional_window_without_the_mask_is_refuted():
    note = r"""```derivation
indices: {i: I - M + 1, j: J - N + 1, m: M, n: N, p: I, q: J}
define: |
  y_{i,j} = \max_{m,n} a_{i+m-1,j+n-1}
  L = \sum_i \sum_j g_{i,j} y_{i,j}
```

$$\frac{\partial L}{\partial a_{p,q}} = \sum_i \sum_j \sum_m \sum_n g_{i,j} \delta_{p,i+m-1} \delta_{q,j+n-1} \tag{1}$$
"""
    assert one(note).verdict == Verdict.REFUTED


def test_an_equality_of_index_letters_in_an_indicator_is_a_kronecker_delta():
    note = r"""```derivation
indices: {i: I, k: I}
define: |
  y_i = x_i^2
```

$$\frac{\partial y_i}{\partial x_k} = 2 x_i \mathbb{1}[k = i] \tag{1}$$
"""
    assert one(note).verdict.holds


def test_the_planted_max_pooling_slips():
    right, every, averaged = check_file(PLANTED / "max_pooling.md").claims
    assert right.verdict == Verdict.VERIFIED, right.message
    assert (every.verdict, averaged.verdict) == (Verdict.REFUTED, Verdict.REFUTED)
    assert ", where x_{1} < x_{3};" in every.message
    assert ", where x_{1} > x_{2}, x_{1} > x_{3};" in averaged.message


# -- reading ------------------------------------------------------------------------------------

def lent(kind: str) -> str:
    return "Q" if kind.endswith("max") else "R"


@pytest.mark.parametrize("text, expected", [
    (r"\max_{m} x_{2i+m}", r"\sum_{m} Q  x_{2i+m}"),
    (r"\max_m x_m", r"\sum_{m} Q  x_m"),
    (r"\max_{m,n} a_{m,n}", r"\sum_{m} Q \sum_{n} Q  a_{m,n}"),
    (r"\max\limits_{m=1}^{M} x_m", r"\sum_{m=1}^{M} Q  x_m"),
    (r"\min_{m} x_m", r"\sum_{m} R  x_m"),
    (r"\max(a, b)", r"\max(a, b)"),
])
def test_a_max_over_indices_is_a_marked_sum(text, expected):
    assert read_window_maxima(text, Span("n.md", 1, 1), lent) == expected


@pytest.mark.parametrize("text, construct", [
    (r"y + \max_{m \in W_i} x_m", r"'m \in W_i'"), (r"\max_{(m,n)} a_{m,n}", "'(m,n)'"),
    (r"\arg\max_m x_m", r"'\arg\max'"), (r"\operatorname{argmax}_m x_m", "argmax"),
])
def test_what_is_not_a_window_is_a_located_error(text, construct):
    with pytest.raises(LatexError) as caught:
        read_window_maxima(text, Span("n.md", 3, 1), lent, text)
    assert construct in caught.value.message
    assert caught.value.span.line == 3


def test_a_max_over_a_set_is_located_at_its_place_in_a_claim():
    [claim] = claims(STRIDE_ONE + r"$$\frac{\partial L}{\partial x_k} = \sum_i g_i \mathbb{1}[x_k = \max_{m \in W} x_{m}] \tag{1}$$")
    assert claim.verdict == Verdict.ERROR
    assert r"the \max over 'm \in W' is not read" in claim.message
    assert claim.column == 1 + len(r"$$\frac{\partial L}{\partial x_k} = \sum_i g_i \mathbb{1}[x_k = ")


@pytest.mark.parametrize("mask, message", [
    (r"\mathbb{1}[i = \arg\max_{m} x_{i+m-1}]", "neither an index of m's range"),
    (r"\arg\max_{m} x_{i+m-1}", r"'\arg\max' is not read here"),
])
def test_an_arg_max_that_cannot_be_read_is_an_error(mask, message):
    claim = one(STRIDE_ONE + rf"$$\frac{{\partial L}}{{\partial x_k}} = \sum_i g_i {mask} \tag{{1}}$$")
    assert claim.verdict == Verdict.ERROR
    assert message in claim.message


@pytest.mark.parametrize("text, expected", [
    (r"\mathbb{1}[x_k = y_i]", r"\operatorname{iszero}((x_k) - (y_i))"),
    (r"\mathbb{1}[a = b]", r"\operatorname{iszero}((a) - (b))"),
    (r"[k = i]", r"[k = i]"),  # a Kronecker delta, read later
    (r"\mathbb{1}[k = i + m - 1]", r"\mathbb{1}[k = i + m - 1]"),
    (r"[x_k = y_i]", r"\operatorname{iszero}((x_k) - (y_i))"),
])
def test_indicators_of_an_equality(text, expected):
    assert read_indicators(text, Span("n.md", 1, 1)) == expected


def test_the_equality_mask_is_one_only_where_its_argument_vanishes():
    row = FUNCTIONS["iszero"]
    with mpmath.workdps(50):
        assert row.evaluate(mpmath.mpf(0)) == 1
        assert row.evaluate(mpmath.mpf("1e-40")) == 1  # rounding of two equal sides
        assert row.evaluate(mpmath.mpf("1e-10")) == 0
    assert row.piecewise(IsZero(1), True) == row.piecewise(IsZero(1), False) == 0
    assert row.at_zero == 1


def test_cases_on_an_equality_of_values_are_the_mask():
    note = GLOBAL + r"""$$\frac{\partial y}{\partial x_k} = \begin{cases} 1 & \text{if } x_k = y \\ 0 & \text{otherwise} \end{cases} \tag{1}$$

$$\frac{\partial y}{\partial x_k} = \begin{cases} 0 & \text{if } x_k = y \\ 1 & \text{otherwise} \end{cases} \tag{2}$$
"""
    right, swapped = claims(note)
    assert right.verdict == Verdict.VERIFIED, right.message
    assert swapped.verdict == Verdict.REFUTED


def test_the_max_of_a_vector_written_with_dots():
    note = r"""```derivation
indices: {i: n}
define: |
  y = \max_{i} x_i
```

$$y = \max(x_1, x_2, \cdots, x_n) \tag{1}$$

$$\frac{\partial y}{\partial x_i} = \mathbb{1}[x_i = \max(x_1, \ldots, x_n)] \tag{2}$$

$$y = \max(x_1, x_2, \cdots, x_m) \tag{3}$$
"""
    whole, mask, unknown = claims(note)
    assert whole.verdict == mask.verdict == Verdict.VERIFIED, (whole.message, mask.message)
    assert unknown.verdict == Verdict.ERROR and "no index ranges over m" in unknown.message


def test_average_pooling_with_a_stride():
    note = r"""```derivation
indices: {i: I, m: M, k: I + I + M - 2}
define: |
  y_i = \frac{1}{M} \sum_{m} x_{2i+m-2}
  L = \sum_i g_i y_i
```

$$\frac{\partial L}{\partial x_k} = \frac{1}{M} \sum_i \sum_m g_i \delta_{k,2i+m-2} \tag{avg}$$

$$\frac{\partial L}{\partial x_k} = \sum_i g_i \mathbb{1}[x_k = y_i] \tag{max-mask}$$
"""
    average, mask = claims(note)
    assert average.verdict == Verdict.VERIFIED, average.message
    assert mask.verdict == Verdict.REFUTED  # the mask of a max is not the gradient of a mean
