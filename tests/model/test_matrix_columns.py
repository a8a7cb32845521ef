r"""Sums over the columns of a batch and transposes written with a prime, in matrix notation: the
vector of ones (`dZ \mathbf{1}`, `\mathbf{1}^T x`, `\mathbf{1} - y`), sums over the examples
(`\sum_{i=1}^{m} dZ^{[l](i)}`), `X'` on a matrix leaf or under `prime: transpose`, a leaf before
parentheses (`V (o - t)`) and `\nabla E(W)`."""

from __future__ import annotations

import pytest

from symbolic import Verdict
from symbolic.checker import check_text
from symbolic.errors import NotationError, Span
from symbolic.latex.matrix_parse import parse_matrix
from symbolic.latex.matrix_tree import Derivative, ExampleSum, Ones, Transpose

SPAN = Span("<test>", 1, 1)

# logistic regression over M examples: X is M×N (a leaf), p and y are vectors of length M
LOGISTIC = r"""
```derivation
indices: {i: M, j: N}
%s
define: |
  p_i = \sigma(\sum_j X_{ij} w_j)
  L = -\sum_i (y_i \log p_i + (1 - y_i) \log(1 - p_i))
```
"""

# Ng's L-layer network over m examples (columns), all layers n wide
BATCH = r"""
```derivation
indices: {j: n, k: n, i: m}
layers: {l: L}
shorthand: d
cost: {J: m}
define: |
  Z^{[l]}_{ji} = \sum_k W^{[l]}_{jk} A^{[l-1]}_{ki} + b^{[l]}_j
  A^{[l]}_{ji} = g(Z^{[l]}_{ji})
  L = \sum_i \sum_j Y_{ji} A^{[L]}_{ji}
  J = \frac{1}{m} L
```
"""


def found(block: str, claims: dict[str, str]) -> dict[str, object]:
    text = block + "".join(f"\n$${claim} \\tag{{{label}}}$$\n" for label, claim in claims.items())
    return {c.label: c for c in check_text(text).claims}


def logistic(claims: dict[str, str], keys: str = "") -> dict[str, object]:
    return found(LOGISTIC % keys, claims)


# -- the grammar -----------------------------------------------------------------------------

def test_the_grammar_reads_ones_example_sums_primes_and_a_gradient_by_the_argument():
    assert isinstance(parse_matrix(r"\mathbf{1}", SPAN), Ones)
    summed = parse_matrix(r"\sum_{i=1}^{m} dZ^{[l](i)}", SPAN)
    assert isinstance(summed, ExampleSum) and (summed.letter, summed.upper) == ("i", "m")
    primed = parse_matrix(r"X'", SPAN)
    assert isinstance(primed, Transpose) and primed.by_prime
    assert not parse_matrix(r"X^T", SPAN).by_prime
    nabla = parse_matrix(r"\nabla E(W)", SPAN)
    assert isinstance(nabla, Derivative) and nabla.wrt.base == "W"
    assert parse_matrix(r"\hat{\beta}", SPAN).base == r"hat{\beta}"  # the model's name of β̂


@pytest.mark.parametrize("written, column, message", [
    (r"\sum_k W x", 1, "a sum over k in a matrix expression with no column (k) in it"),
    (r"\sum_{k \neq i} x^{(k)}", 7, r"the sum over 'k \neq i' is not read"),
    (r"\mathbf{2} x", 1, r"\mathbf{2}, the vector of 2s, is not read"),
])
def test_sums_that_are_not_over_examples_are_errors_at_their_column(written, column, message):
    with pytest.raises(NotationError) as caught:
        parse_matrix(written, SPAN)
    assert caught.value.message.startswith(message)
    assert caught.value.span.column == column


# -- the vector of ones ------------------------------------------------------------------------

def test_the_ones_vector_takes_its_length_from_a_product_or_a_sum():
    result = logistic({
        "cost": r"L = -\mathbf{y}^T \log(\mathbf{p}) - (\mathbf{1} - \mathbf{y})^T \log(\mathbf{1} - \mathbf{p})",
        "row": r"\nabla_{\mathbf w} L = ((\mathbf{p} - \mathbf{y})^T \mathbf{X}) \odot \mathbf{1}^T",
        "count": r"L = \mathbf{1}^T \mathbf{y}",
    })
    assert result["cost"].verdict == Verdict.PROVED
    assert result["row"].verdict == Verdict.ERROR  # a row against the gradient's column
    assert result["row"].message.startswith("the two sides have different shapes: N×1 on the left, 1×N")
    assert result["count"].verdict == Verdict.REFUTED


@pytest.mark.parametrize("claim, message", [
    (r"\nabla_{\mathbf w} L = \mathbf{1}", r"the length of the vector of ones \mathbf{1} is not determined"),
    (r"\nabla_{\mathbf w} L = \mathbf{1} \mathbf{p}^T \mathbf{X}",
     r"the length of the vector of ones \mathbf{1} is not determined"),
    (r"\nabla_{\mathbf w} L = \mathbf{X}^T \mathbf{1}^T", "shape mismatch in a product: N×M times the row of ones"),
    (r"\nabla_{\mathbf w} L = \mathbf{X}^T \mathbf{X} + \mathbf{1}", "the vector of ones (a column) beside a N×N"),
    (r"\nabla_{\mathbf w} L = \log(\mathbf{1})", r"the length of the vector of ones \mathbf{1}"),
])
def test_a_ones_vector_of_unknown_length_is_an_error_never_a_guess(claim, message):
    result = logistic({"c": claim})["c"]
    assert result.verdict == Verdict.ERROR
    assert result.message.startswith(message), result.message


# -- sums over the examples --------------------------------------------------------------------

def test_a_sum_over_the_examples_picks_columns_of_a_batch_matrix():
    result = found(BATCH, {
        "sum": r"db^{[l]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[l](i)}",
        "bare": r"db^{[l]} = \frac{1}{m} \sum_i dZ^{[l](i)}",
        "product": r"db^{[l]} = \frac{1}{m} \sum_{i=1}^{m} dA^{[l](i)} \odot g'^{[l]}(Z^{[l](i)})",
        "no_mean": r"db^{[l]} = \sum_{i=1}^{m} dZ^{[l](i)}",
    })
    assert all(result[k].verdict.holds for k in ("sum", "bare", "product")), result
    assert result["no_mean"].verdict == Verdict.REFUTED


@pytest.mark.parametrize("claim, message", [
    (r"db^{[l]} = \frac{1}{m} \sum_{i=1}^{n} dZ^{[l](i)}", "the sum runs to n, but i runs over m"),
    (r"db^{[l]} = \frac{1}{m} dZ^{[l](i)}", "Z^{[l](i)} picks example i, which is read only inside a sum"),
    (r"db^{[l]} = \sum_{k} dZ^{[l](k)}", "Z^{[l](k)} picks column k of a n×m array, which has no n columns"),
])
def test_what_a_sum_over_examples_cannot_mean_is_an_error(claim, message):
    result = found(BATCH, {"c": claim})["c"]
    assert result.verdict == Verdict.ERROR
    assert result.message.startswith(message), result.message


def test_a_sum_over_an_index_stays_index_notation():
    result = logistic({"c": r"\frac{\partial L}{\partial w_j} = \sum_i X_{ij} (p_i - y_i)"})["c"]
    assert result.verdict.holds


# -- a prime as a transpose ---------------------------------------------------------------------

def test_a_prime_on_a_matrix_leaf_is_its_transpose_and_elsewhere_needs_the_block():
    claims = {"leaf": r"\nabla_{\mathbf w} L = X'(p - y)", "vector": r"\nabla_{\mathbf w} L = ((p - y)' X)'",
              "wrong": r"\nabla_{\mathbf w} L = X'(y - p)"}
    plain = logistic(claims)
    assert plain["leaf"].verdict.holds and plain["wrong"].verdict == Verdict.REFUTED
    assert plain["vector"].verdict == Verdict.ERROR
    assert "read as a transpose only on a matrix the model does not define" in plain["vector"].message
    assert "prime: transpose" in plain["vector"].hint
    declared = logistic(claims, "prime: transpose")
    assert declared["leaf"].verdict.holds and declared["vector"].verdict.holds


def test_a_prime_on_a_defined_matrix_may_be_a_derivative_and_is_an_error():
    result = found(BATCH, {"c": r"dA^{[l-1]} = (W^{[l]})' dZ^{[l]}", "d": r"dA^{[l-1]} = A^{[l]}' dZ^{[l]}"})
    assert result["c"].verdict.holds  # W^{[l]} is a leaf of every layer
    assert result["d"].verdict == Verdict.ERROR and "prime" in result["d"].message


def test_an_unknown_prime_setting_is_a_block_error():
    result = logistic({"c": r"\nabla_{\mathbf w} L = X'(p - y)"}, "prime: derivative")
    assert any("unknown prime 'derivative'" in (c.message or "") for c in result.values())


# -- names before parentheses and the gradient by an argument ------------------------------------

def test_a_gradient_of_the_models_scalar_by_its_written_argument():
    result = logistic({"c": r"\nabla L(w) = X^T (p - y)", "t": r"\nabla L(w) = X (p - y)"})
    assert result["c"].verdict.holds
    assert result["t"].verdict == Verdict.ERROR and "shape mismatch in a product: M×N times M×1" in result["t"].message


# -- labels of a batch that sum to one ------------------------------------------------------------

SOFTMAX_ROWS = r"""
```derivation
indices: {n: N, j: D, c: C, k: C}
define: |
  F_{nc} = \sum_j X_{nj} W_{jc}
  P_{nc} = \frac{e^{F_{nc}}}{\sum_k e^{F_{nk}}}
  L = -\sum_n \sum_c Y_{nc} \log P_{nc}
%s
```
"""


@pytest.mark.parametrize("assume, verdict", [
    (r"assume: ['\sum_c Y_{nc} = 1']", Verdict.VERIFIED),  # each row of labels sums to 1
    (r"assume: ['\sum_n Y_{nc} = 1']", Verdict.REFUTED),  # each column: not what the claim needs
    ("", Verdict.REFUTED),
])
def test_a_matrix_of_labels_sums_to_one_along_the_axis_the_block_names(assume, verdict):
    result = found(SOFTMAX_ROWS % assume, {"c": r"\nabla_W L = X^\top (P - Y)"})["c"]
    assert result.verdict == verdict, result.message


def test_a_matrix_of_labels_cannot_be_declared_one_hot_yet():
    result = found(SOFTMAX_ROWS % "assume: [one-hot Y]", {"c": r"\nabla_W L = X^\top (P - Y)"})
    assert any("Y is not a vector leaf of the model" in (c.message or "") for c in result.values())


SOFTMAX_COLUMNS = r"""
```derivation
indices: {a: M, b: N, k: K, c: K}
names: ['E_{in}']
define: |
  S_{kb} = \frac{e^{\sum_a W_{ak} X_{ab}}}{\sum_c e^{\sum_a W_{ac} X_{ab}}}
  E_{in} = -\sum_b \sum_k Y_{kb} \log S_{kb}
loss: E_{in}
assume: ['\sum_k Y_{kb} = 1']
```
"""


def test_a_subscripted_scalar_its_gradient_by_its_argument_and_a_defined_matrix_written_as_a_call():
    result = found(SOFTMAX_COLUMNS, {
        "call": r"\nabla E_{in}(W) = X(S(X) - Y)^T",  # S(X): S is made from X, and S X is no product
        "sub": r"\nabla_W E_{in} = X(S - Y)^T",
        "space": r"\nabla_W E_{in} = X \space (S - Y)^T",
        "order": r"\nabla E_{in}(W) = (S(X) - Y) X^T",
        "entry": r"\nabla_W E_{in} = X(S_{kb} - Y)^T",
    })
    assert all(result[k].verdict.holds for k in ("call", "sub", "space")), result
    assert result["order"].verdict == Verdict.ERROR
    assert result["order"].message.startswith("the two sides have different shapes: M×K on the left, K×M")
    assert result["entry"].verdict == Verdict.ERROR  # an entry in a matrix term: index notation's error
