"""Sums over part of a range: ``\\sum_{m=\\max(0, i-W+1)}^{\\min(i, L-W)}``, ``\\sum_{m=1}^{i}``, read
as the whole range times the indicator of the bounds, only where the bounds provably stay in
the index's range; and a sum's upper limit ``^{T}`` is never called a transpose."""

from __future__ import annotations

import pytest
import sympy

from symbolic import Verdict, check_text
from symbolic.errors import Span
from symbolic.latex.text import check_superscripts
from symbolic.model.bounded_sums import InRange

# the running sum y_i = x_1 + … + x_i
PREFIX = r"""```derivation
indices: {i: N, m: N}
define: |
  y_i = \sum_{m=1}^{i} x_m
  L = \sum_i a_i y_i
```

"""

# the input gradient of a valid correlation, counted from 0: layer l has L units, the output L - W + 1
CONV = r"""```derivation
indices: {i: L, m: L - W + 1, n: W}
origin: 0
define: |
  z_m = \sum_n w_n a_{m+n} + b
  C = \sum_m g_m z_m
outside: {w: 0}
```

"""


def checked(block: str, claim: str):
    return check_text(block + f"$${claim} \\tag{{c}}$$\n", "n.md").claims[-1]


@pytest.mark.parametrize("claim, verdict", [
    # x_m reaches every y_i with i ≥ m
    (r"\frac{\partial L}{\partial x_m} = \sum_{i=m+1}^{N} a_i", Verdict.REFUTED),  # drops a_m
    (r"\frac{\partial L}{\partial x_m} = \sum_{i=1}^{m} a_i", Verdict.REFUTED),  # the wrong side
    (r"y_i = \sum_{m=\max(1, i-1)}^{\min(i, N)} x_m", Verdict.REFUTED),  # a window of two
    (r"y_i = \sum_{m=2}^{i} x_m", Verdict.REFUTED),  # x_1 dropped
])
def test_wrong_bounded_sums_are_refuted(claim, verdict):
    result = checked(PREFIX, claim)
    assert result.verdict == verdict, result.message


@pytest.mark.parametrize("claim", [
    r"\frac{\partial L}{\partial x_m} = \sum_{i=m}^{N} a_i",
    r"y_i = \sum_{m=1}^{\min(i, N)} x_m",
    r"y_i = x_i + \sum_{m=1}^{i-1} x_m",  # empty at i = 1
])
def test_true_bounded_sums_are_never_refuted(claim):
    # exact at the checked sizes; not "verified", since a bound's value is not a polynomial of
    # the sizes, which a finite number of checked sizes would settle
    result = checked(PREFIX, claim)
    assert result.verdict == Verdict.UNDECIDED, result.message
    assert "exact at the checked sizes" in result.message


def test_convolution_input_gradient_with_max_and_min_bounds():
    right = checked(CONV, r"\frac{\partial C}{\partial a_i} = "
                          r"\sum_{m=\max(i-W+1,0)}^{\min(i, L-W)} g_m w_{i-m}")
    assert right.verdict == Verdict.UNDECIDED and "exact at the checked sizes" in right.message
    short = checked(CONV, r"\frac{\partial C}{\partial a_i} = "
                          r"\sum_{m=\max(i-W+2,0)}^{\min(i, L-W)} g_m w_{i-m}")
    assert short.verdict == Verdict.REFUTED, short.message
    flipped = checked(CONV, r"\frac{\partial C}{\partial a_i} = "
                            r"\sum_{m=\max(i-W+1,0)}^{\min(i, L-W)} g_m w_{m-i+W-1}")
    assert flipped.verdict == Verdict.REFUTED, flipped.message


@pytest.mark.parametrize("claim, message", [
    (r"y_i = \sum_{m=1}^{i+1} x_m", "the sum over m runs from 1 to i + 1, which can leave the range of m (1..N)"),
    (r"y_i = \sum_{m=\max(0, i-1)}^{i} x_m", "which can leave the range of m"),  # 0 is before the first
    (r"y_i = \sum_{m=1}^{\min(i, K)} x_m", "names K, which is neither an index letter nor a size"),
    (r"y_i = \sum_{m=1}^{i N} x_m", "is not index arithmetic"),
    (r"y_i = \sum_{m=1}^{m} x_m", "a bound of the sum over m names m itself"),
    (r"y_i = \sum_{m=i} x_m", "the sum over m from i has no upper bound"),
    # bounds of sizes and numbers only: a partial sum more likely a slip than meant
    (r"y_i = \sum_{m=1}^{i} x_m + \sum_{m=2}^{N} x_m", "not over all of 1..N"),
])
def test_bounds_that_may_leave_the_range_or_are_not_index_arithmetic_are_located_errors(claim, message):
    result = checked(PREFIX, claim)
    assert result.verdict == Verdict.ERROR
    assert message in result.message, result.message
    assert result.line and result.column


def test_the_indicator_evaluates_only_on_numbers():
    m, lo, hi = sympy.symbols("m lo hi", integer=True)
    assert InRange(sympy.Integer(2), sympy.Integer(1), sympy.Integer(3)) == 1
    assert InRange(sympy.Integer(0), sympy.Max(1, -5), sympy.Integer(3)) == 0
    assert InRange(sympy.Integer(4), sympy.Integer(5), sympy.Integer(3)) == 0  # an empty range
    assert isinstance(InRange(m, lo, hi), InRange)


@pytest.mark.parametrize("text", [r"\sum_{k=1}^{T} x_k", r"\sum_{k=1}^T x_k",
                                  r"\sum\limits_{k=1}^{T} x_k", r"\prod_{k=1}^{T} x_k",
                                  r"\sum^{T}_{k=1} x_k"])
def test_a_sums_upper_limit_is_not_a_transpose(text):
    check_superscripts(text, Span("n.md", 1, 1))


def test_a_transpose_after_a_sum_is_still_named():
    with pytest.raises(Exception, match=r"'\^T' is a transpose"):
        check_superscripts(r"\sum_{k=1}^{T} W^T x", Span("n.md", 1, 1))


def test_a_sum_to_a_size_named_t_parses():
    # the grammar reads ^{T} alone as a transpose token; a sum over T steps is common
    block = "```derivation\nindices: {t: T}\ndefine: |\n  L = \\sum_t a_t x_t\n```\n\n"
    assert checked(block, r"\frac{\partial L}{\partial a_t} = x_t").verdict == Verdict.PROVED
    for upper in ("{T}", "T"):
        result = checked(block, rf"L = \sum_{{t=1}}^{upper} x_t a_t")
        assert result.verdict in (Verdict.PROVED, Verdict.VERIFIED), result.message
        wrong = checked(block, rf"L = \sum_{{t=1}}^{upper} x_t")
        assert wrong.verdict == Verdict.REFUTED, wrong.message
