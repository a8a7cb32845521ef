"""The block's ``matrices:`` key: names for matrix notation where one letter names two arrays.

``w_{ij}`` (I×J) and ``w_{jk}`` (J×K) share the letter w; ``matrices: {W_1: 'w_{ij}', …}`` names
them apart. The names read as those arrays with their shapes and orientation, a wrong key is an
error at its entry, and ``w`` alone stays an error naming both arrays.
"""

from __future__ import annotations

import pytest
import yaml

from symbolic import Verdict
from symbolic.checker import check_text

KEY = "matrices: {W_1: 'w_{ij}', W_2: 'w_{jk}', b_1: b_j, b_2: b_k}"
BLOCK = r"""```derivation
indices: {i: I, j: %s, k: %s}
define: |
  z_j = \sum_i w_{ij} x_i + b_j
  h_j = \tanh(z_j)
  o_k = \sum_j w_{jk} h_j + b_k
  L = \frac{1}{2} \sum_k (o_k - t_k)^2
%s
```
"""
SQUARE = "matrices: {W_1: 'w_{ij}', W_2: 'w_{jk}'}"  # with J = K, b_j and b_k are one vector b


def claims(text: str, key: str = KEY, sizes: tuple[str, str] = ("J", "K")) -> dict:
    report = check_text(BLOCK % (*sizes, key) + text)
    return {c.label or c.line: c for c in report.claims}


def one(claim: str, key: str = KEY, sizes: tuple[str, str] = ("J", "K")):
    return claims(f"$${claim} \\tag{{c}}$$\n", key, sizes)["c"]


@pytest.mark.parametrize("claim", [
    r"\frac{\partial L}{\partial W_2} = h (o - t)^\top",
    r"\frac{\partial L}{\partial b_2} = o - t",
    r"\frac{\partial L}{\partial b_1} = (W_2 (o - t)) \odot (1 - h \odot h)",
    r"\frac{\partial L}{\partial W_1} = x ((W_2 (o - t)) \odot (1 - h \odot h))^\top",
    r"\frac{\partial L}{\partial \mathbf{W}_{1}} = \mathbf{x} ((\mathbf{W}_2 (o - t)) \odot (1 - h \odot h))^\top",
    r"\nabla_{W_2} L = h (o - t)^\top",
])
def test_the_names_read_as_their_arrays(claim):
    assert one(claim).verdict == Verdict.PROVED, one(claim)


def test_a_name_keeps_its_arrays_orientation():
    """W_1 is I×J as w_{ij} has i first: W_1 x is a shape error, W_1^T x reads (a J-vector)."""
    wrong = one(r"\frac{\partial L}{\partial h} = W_1 x")
    assert wrong.verdict == Verdict.ERROR and "shape mismatch in a product: I×J times I×1" in wrong.message
    transposed = one(r"\frac{\partial L}{\partial W_2} = (o - t) h^\top")
    assert transposed.verdict == Verdict.ERROR
    assert "the two sides have different shapes: J×K on the left, K×J on the right" in transposed.message


def test_a_wrong_claim_with_a_name_is_refuted_with_the_layout_diagnosis():
    """With J = K, W_2 is square: its gradient written transposed is refuted, and the diagnosis
    says it holds in the other layout convention; in numerator layout the same claim is proved."""
    wrong = one(r"\frac{\partial L}{\partial W_2} = (o - t) h^\top", SQUARE, ("J", "J"))
    assert wrong.verdict == Verdict.REFUTED
    assert "holds in the other layout convention (transposed)" in wrong.diagnosis
    numerator = one(r"\frac{\partial L}{\partial W_2} = (o - t) h^\top", SQUARE + "\nlayout: numerator", ("J", "J"))
    assert numerator.verdict == Verdict.PROVED
    assert one(r"\frac{\partial L}{\partial W_2} = h (o - t)^\top", SQUARE, ("J", "J")).verdict == Verdict.PROVED


def test_the_shared_letter_stays_an_error_naming_both_arrays():
    with_key = one(r"\frac{\partial L}{\partial w} = h (o - t)^\top")
    assert with_key.verdict == Verdict.ERROR and (with_key.line, with_key.column) == (10, 30)
    assert with_key.message == "w could mean any of w (I×J), w (J×K)"
    assert with_key.hint == "write the block's name for one of them: W_1 for w_{ij}, W_2 for w_{jk}"
    without = one(r"\frac{\partial L}{\partial w} = h (o - t)^\top", key="")
    assert without.verdict == Verdict.ERROR and without.message == "w could mean any of w (I×J), w (J×K)"
    assert without.hint.endswith(KEY)


def test_the_suggested_key_is_ready_to_paste():
    """The hint's key is valid YAML and, pasted into the block, makes the names read."""
    hint = one(r"\frac{\partial L}{\partial w} = h (o - t)^\top", key="").hint
    suggested = hint[hint.index("matrices:"):]
    assert yaml.safe_load(suggested) == {"matrices": {"W_1": "w_{ij}", "W_2": "w_{jk}", "b_1": "b_j", "b_2": "b_k"}}
    assert one(r"\frac{\partial L}{\partial W_2} = h (o - t)^\top", key=suggested).verdict == Verdict.PROVED


def test_without_the_key_a_name_is_unknown():
    claim = one(r"\frac{\partial L}{\partial W_2} = h (o - t)^\top", key="")
    assert claim.verdict == Verdict.ERROR and "W_{2}" in claim.message


@pytest.mark.parametrize("key, line, column, message", [
    ("matrices: {W_1: 'w_{ij}', W_2: 'w_{kj}'}", 8, 27, "matrices: w_{kj} is w (K×J), but the model has w (I×J), w (J×K)"),
    ("matrices:\n  W_1: w_{ij}\n  W_2: w_{kj}", 10, 3, "matrices: w_{kj} is w (K×J), but the model has w (I×J), w (J×K)"),
    ("matrices:\n  W_1: v_{ij}", 9, 3, "matrices: v_{ij} is v (I×J), but the model has no array of that name"),
    ("matrices:\n  W_1: w_{iq}", 9, 3, "matrices: the index q of w_{iq} has no range"),
    ("matrices:\n  W_1: w", 9, 3, "matrices: 'w' is not an array written with its index letters"),
    ("matrices:\n  W_1: w_{jj}", 9, 3, "matrices: w_{jj} repeats an index letter"),
    ("matrices:\n  W_1: w_{ij}\n  V: w_{ij}", 10, 3, "matrices: w_{ij} (w (I×J)) is named twice, W_1 and V"),
    ("matrices:\n  W_1: w_{ij}\n  W_{1}: w_{jk}", 10, 3, "matrices: the name W_{1} is given twice"),
    ("matrices:\n  W_1: w_{ij}\n  W_1: w_{jk}", 10, 3, "matrices: the name W_1 is given twice"),
    ("matrices:\n  h: w_{ij}", 9, 3, "matrices: h is already a name of the model"),
    ("matrices:\n  W + 1: w_{ij}", 9, 3, "matrices: 'W + 1' is not a name"),
    ("matrices:\n  W_1: [u, v]", 9, 8, "matrices: W_1 must name one array, such as w_{ij}"),
    ("matrices: [W_1, W_2]", 8, 11, "matrices must map new names to arrays of the model"),
])
def test_a_wrong_key_is_an_error_at_its_entry(key, line, column, message):
    errors = [c for c in claims("$$L = L$$\n", key).values() if c.verdict == Verdict.ERROR]
    assert [(c.line, c.column, c.message) for c in errors][:1] == [(line, column, message)]


def test_a_name_index_notation_reads_is_refused():
    """With J = K, b_j and b_k are one vector b, and b_1 its first entry: never a matrix name."""
    found = claims("$$L = L$$\n", sizes=("J", "J"))
    assert [(c.line, c.column, c.message) for c in found.values()][0] == \
        (8, 42, "matrices: b_1 already reads in index notation, as an entry of b (J)")
