"""Index arithmetic in subscripts: x_{i+m-1}, h_{t-1,k}, x_{2i+m}, derived sizes (I - M + 1),
and what an entry outside its range is (``outside:`` 0 or initial) — else a located error."""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text
from symbolic.errors import NotationError
from symbolic.model.offsets import affine, settle_sizes, split_offset_subscript

VALID = r"""```derivation
indices: {i: I - M + 1, m: M}
define: |
  y_i = \sum_m w_m x_{i+m-1}
  L = \sum_i g_i y_i
```

"""

SAME = r"""```derivation
indices: {i: I, m: M}
define: |
  y_i = \sum_m w_m x_{i+m-2}
  L = \sum_i g_i y_i
outside: {x: 0, g: 0}
```

"""

CONVOLUTION = r"""```derivation
indices: {i: I - M + 1, m: M}
define: |
  y_i = \sum_m w_m x_{i-m+M}
  L = \sum_i g_i y_i
```

"""


def claims(text: str):
    return check_text(text, "n.md").claims


def one(text: str):
    [claim] = claims(text)
    return claim


@pytest.mark.parametrize("name, tokens", [
    ("x_{i+m}", ["@i+m"]), ("h_{t-1,k}", ["@t-1", "k"]), ("x_{2i + m - 1}", ["@2i+m-1"]),
    ("a_{i+m,j+n}", ["@i+m", "@j+n"]), ("w_{m,n}", None), ("w_{jk}", None), ("h_{t}", None),
    ("h_{0,k}", None), ("delta_{t+1}", ["@t+1"]),
])
def test_subscripts_with_arithmetic_split_by_position(name, tokens):
    assert split_offset_subscript(name) == tokens


def test_a_named_stride_or_glued_positions_are_errors_not_products():
    for name in ("x_{si+m}", "h_{t-1k}", "x_{i*m}"):
        with pytest.raises(NotationError, match="cannot read the index"):
            split_offset_subscript(name)
    assert affine("2i+m-1") == (-1, {"i": 2, "m": 1})


def test_valid_correlation_output_range_is_declared_and_input_range_inferred():
    [grad_w, grad_y] = claims(VALID + r"""
$$\frac{\partial L}{\partial w_m} = \sum_i g_i x_{i+m-1} \tag{1}$$

$$\frac{\partial L}{\partial y_i} = g_i \tag{2}$$
""")
    assert grad_w.verdict == Verdict.VERIFIED, grad_w.message  # verified, never "proved"
    assert "I - M + 1=" in grad_w.steps[0].message
    sizes = grad_w.steps[0].message
    assert "I=6, M=3, I - M + 1=4" in sizes  # the output range follows I and M
    assert grad_y.verdict == Verdict.VERIFIED


@pytest.mark.parametrize("claim, verdict", [
    (r"\frac{\partial L}{\partial x_p} = \sum_m g_{p-m+1} w_m", Verdict.REFUTED),  # g not padded
    (r"\frac{\partial L}{\partial w_m} = \sum_i g_i x_{i+m}", Verdict.REFUTED),  # off by one
    (r"\frac{\partial L}{\partial w_m} = \sum_i g_i x_{i+m-1} + 0 w_m", Verdict.VERIFIED),
])
def test_claims_about_a_valid_correlation(claim, verdict):
    text = VALID.replace("indices: {", "indices: {p: I, ").replace("outside", "outside")
    if "g_{p-m+1}" in claim:
        result = one(text + f"$${claim}$$\n")
        assert result.verdict == Verdict.ERROR and "g_{p-m+1} can reach" in result.message
        return
    if "x_{i+m}" in claim:  # x_{I-M+1+M} = x_{I+1}: outside x, an error at the mention
        result = one(text + f"$${claim}$$\n")
        assert result.verdict == Verdict.ERROR and "past the last entry of x" in result.message
        return
    assert one(text + f"$${claim}$$\n").verdict == verdict


def test_same_convolution_with_zero_padding():
    [grad_x, grad_w, wrong] = claims(SAME + r"""
$$\frac{\partial L}{\partial x_{i}} = \sum_m g_{i-m+2} w_m \tag{1}$$

$$\frac{\partial L}{\partial w_{m}} = \sum_i g_{i} x_{i+m-2} \tag{2}$$

$$\frac{\partial L}{\partial w_{m}} = \sum_i g_{i} x_{i+m-1} \tag{3}$$
""")
    assert grad_x.verdict == Verdict.VERIFIED, grad_x.message
    assert grad_w.verdict == Verdict.VERIFIED, grad_w.message
    assert wrong.verdict == Verdict.REFUTED


def test_an_entry_that_can_leave_its_range_is_a_located_error():
    found = claims(SAME.replace("outside: {x: 0, g: 0}\n", "") +
                   r"$$\frac{\partial L}{\partial w_m} = 0 \tag{1}$$" + "\n")
    assert all(c.verdict == Verdict.ERROR for c in found)
    assert any("x_{i+m-2}" in c.message and "the range of x is not known" in c.message and c.line == 4
               for c in found)
    text = SAME.replace("outside: {x: 0, g: 0}", "outside: {x: 0}")
    result = one(text + r"$$\frac{\partial L}{\partial x_{i}} = \sum_m g_{i-m+2} w_m \tag{1}$$" + "\n")
    assert result.verdict == Verdict.ERROR
    assert "g_{i-m+2} can reach before the first entry of g (I)" in result.message
    assert "outside: {g: 0}" in (result.hint or "")  # the hint names the declaration
    assert result.line == 9 and result.column > 30


def test_left_side_with_an_offset_is_an_error():
    text = VALID.replace(r"y_i = \sum_m w_m x_{i+m-1}", r"y_{i+1} = \sum_m w_m x_{i+m-1}")
    assert any("plain index letters" in c.message for c in claims(text))


def test_kernel_flipped_is_diagnosed():
    result = one(VALID + r"$$\frac{\partial L}{\partial w_m} = \sum_i g_i x_{i-m+M} \tag{1}$$" + "\n")
    assert result.verdict == Verdict.REFUTED
    assert "holds for convolution, not correlation (kernel flipped)" in result.diagnosis
    result = one(CONVOLUTION + r"$$\frac{\partial L}{\partial w_m} = \sum_i g_i x_{i+m-1} \tag{1}$$" + "\n")
    assert result.verdict == Verdict.REFUTED
    assert "holds for correlation, not convolution (kernel flipped)" in result.diagnosis
    right = one(CONVOLUTION + r"$$\frac{\partial L}{\partial w_m} = \sum_i g_i x_{i-m+M} \tag{1}$$" + "\n")
    assert right.verdict == Verdict.VERIFIED


def test_integer_stride():
    text = r"""```derivation
indices: {i: I, m: M, p: P}
define: |
  y_i = \sum_m w_m x_{2i+m-2}
  L = \sum_i g_i y_i
outside: {x: 0}
```

$$\frac{\partial L}{\partial w_m} = \sum_i g_i x_{2i+m-2} \tag{1}$$

$$\frac{\partial L}{\partial w_m} = \sum_i g_i x_{i+m-1} \tag{2}$$
"""
    stride, no_stride = claims(text)
    assert stride.verdict == Verdict.VERIFIED, stride.message
    assert no_stride.verdict == Verdict.REFUTED


def test_derived_sizes_follow_their_sizes():
    assert settle_sizes({"I": 2, "M": 3, "I - M + 1": 4}) == {"I": 6, "M": 3, "I - M + 1": 4}
    reference = {"I": 6, "M": 3, "I - M + 1": 4}
    assert settle_sizes({"I": 7, "M": 3, "I - M + 1": 4}, reference)["I - M + 1"] == 5
    assert settle_sizes({"I": 6, "M": 3, "I - M + 1": 5}, reference)["I"] == 7


def test_input_gradient_of_a_valid_correlation_layer():
    note = r"""```derivation
indices: {i: I - M + 1, m: M, p: I}
define: |
  z_i = \sum_m w_m x_{i+m-1} + b
  y_i = \tanh(z_i)
  L = \frac{1}{2} \sum_i (y_i - t_i)^2
outside: {y: 0, t: 0}
```

$$\frac{\partial L}{\partial x_p} = \sum_m (y_{p-m+1} - t_{p-m+1}) (1 - y_{p-m+1}^2) w_m \tag{1}$$

$$\frac{\partial L}{\partial x_p} = \sum_m (y_{p+m-M} - t_{p+m-M}) (1 - y_{p+m-M}^2) w_m \tag{2}$$

$$\frac{\partial L}{\partial b} = \sum_i (y_i - t_i) (1 - y_i^2) \tag{3}$$
"""
    right, flipped, bias = claims(note)
    assert right.verdict == Verdict.VERIFIED, right.message
    assert flipped.verdict == Verdict.REFUTED
    assert "holds for convolution, not correlation (kernel flipped)" in flipped.diagnosis
    assert bias.verdict == Verdict.VERIFIED


def test_two_dimensional_correlation_over_a_kernel():
    note = r"""```derivation
indices: {i: I - M + 1, j: J - N + 1, m: M, n: N}
define: |
  y_{i,j} = \sum_m \sum_n w_{m,n} x_{i+m-1,j+n-1} + b
  L = \sum_i \sum_j g_{i,j} y_{i,j}
```

$$\frac{\partial L}{\partial w_{m,n}} = \sum_i \sum_j g_{i,j} x_{i+m-1,j+n-1} \tag{1}$$

$$\frac{\partial L}{\partial w_{m,n}} = \sum_i \sum_j g_{i,j} x_{i-m+M,j-n+N} \tag{2}$$

$$\frac{\partial L}{\partial b} = \sum_i \sum_j g_{i,j} \tag{3}$$
"""
    right, flipped, bias = claims(note)
    assert right.verdict == Verdict.VERIFIED, right.message
    assert flipped.verdict == Verdict.REFUTED
    assert "holds for convolution, not correlation (kernel flipped)" in flipped.diagnosis
    assert bias.verdict == Verdict.VERIFIED, bias.message


# -- indices counted from 0 (origin: 0) ----------------------------------------------------
FROM_ZERO = r"""```derivation
indices: {i: I - M + 1, m: M}
origin: 0
define: |
  y_i = \sum_m w_m x_{i+m}
  L = \sum_i g_i y_i
```

"""


@pytest.mark.parametrize("claim, verdict", [
    (r"\frac{\partial L}{\partial w_m} = \sum_{i=0}^{I-M} g_i x_{i+m}", Verdict.VERIFIED),
    (r"\frac{\partial L}{\partial w_m} = \sum_i g_i x_{i+m}", Verdict.VERIFIED),
    (r"y_i = \sum_{m=0}^{M-1} w_m x_{i+m}", Verdict.VERIFIED),
    (r"\frac{\partial L}{\partial x_0} = g_0 w_0", Verdict.VERIFIED),  # x_0 is the first entry
    (r"\frac{\partial L}{\partial x_0} = g_1 w_1", Verdict.REFUTED),
    (r"\frac{\partial L}{\partial w_m} = \sum_i g_i x_{i+m-1}", Verdict.ERROR),  # x_{-1}: no entry
])
def test_indices_counted_from_zero(claim, verdict):
    result = check_text(FROM_ZERO + f"$${claim} \\tag{{c}}$$\n", "n.md").claims[-1]
    assert result.verdict == verdict, result.message


def test_from_zero_a_sum_from_one_is_partial_and_a_size_as_an_index_is_past_the_end():
    partial = check_text(FROM_ZERO + r"$$y_i = \sum_{m=1}^{M} w_m x_{i+m} \tag{c}$$" + "\n", "n.md").claims[-1]
    assert partial.verdict == Verdict.ERROR and "not over all of 0..M - 1" in partial.message
    from_one = check_text(FROM_ZERO + r"$$y_i = \sum_{m=1} w_m x_{i+m} \tag{c}$$" + "\n", "n.md").claims[-1]
    assert from_one.verdict == Verdict.ERROR  # a written lower bound 1 is never the whole range
    past = check_text(FROM_ZERO + r"$$\frac{\partial L}{\partial g_{M}} = 0 \tag{c}$$" + "\n", "n.md").claims[-1]
    assert past.verdict == Verdict.ERROR, past.message


def test_the_origin_is_zero_or_one():
    bad = check_text(FROM_ZERO.replace("origin: 0", "origin: 2"), "n.md").claims
    assert any("origin: 2 is neither 0 nor 1" in r.message for r in bad)
