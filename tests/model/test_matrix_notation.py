"""Matrix and vector notation: shapes, the translation to index expressions, layouts, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbolic import Verdict
from symbolic.checker import check_file, check_text
from symbolic.errors import NotationError, Span
from symbolic.latex.matrix_parse import Name, Product, Transpose, parse_matrix
from tests.models import TANH_TWO_LAYER

PLANTED = Path(__file__).resolve().parents[1] / "planted" / "matrix_notation.md"
SPAN = Span("<test>", 1, 1)

# one hidden layer: W is J×I, V is K×J (read off the index-notation definitions)
NETWORK = "\n" + TANH_TWO_LAYER.replace("\n```\n", "\n%s\n```\n")  # %s: extra block keys


def verdicts(claims: str, block_extra: str = "") -> dict[str, object]:
    report = check_text(NETWORK % block_extra + claims)
    return {c.label: c for c in report.claims}


def one(claim: str, block_extra: str = ""):
    return verdicts(f"$$ {claim} \\tag{{c}}$$\n", block_extra)["c"]


# -- the grammar -----------------------------------------------------------------------------

def test_products_keep_their_order():
    outer, inner = parse_matrix(r"\delta h^T", SPAN), parse_matrix(r"h^T \delta", SPAN)
    assert isinstance(outer, Product) and isinstance(inner, Product)
    assert [type(f).__name__ for _, f in outer.groups[0]] == ["Name", "Transpose"]
    assert [type(f).__name__ for _, f in inner.groups[0]] == ["Transpose", "Name"]


@pytest.mark.parametrize("written", [r"W^T", r"W^\top", r"W^{\top}", r"W^{\intercal}", r"W^{T}"])
def test_every_transpose_spelling(written):
    node = parse_matrix(written, SPAN)
    assert isinstance(node, Transpose) and isinstance(node.arg, Name) and node.arg.base == "W"


def test_bold_and_plain_letters_are_one_name():
    assert parse_matrix(r"\mathbf{W}", SPAN).base == parse_matrix(r"\boldsymbol{W}", SPAN).base == "W"
    assert parse_matrix(r"\vec{x}", SPAN).base == "x"
    assert parse_matrix(r"\hat{\mathbf p}", SPAN).base == "hat{p}"
    bold_product = parse_matrix(r"\mathbf{AX}", SPAN)  # bold letters side by side: a product
    assert [f.base for _, f in bold_product.groups[0]] == ["A", "X"]


@pytest.mark.parametrize("written, column, message", [
    (r"W * x", 3, "'*' between matrices is ambiguous"),
    (r"W \times x", 3, "'times' between matrices is ambiguous"),
    (r"x''", 3, "two primes on a matrix or vector"),
    (r"W_{ji} x", 2, "an entry (a name with indices) inside a matrix expression"),
    (r"|x|^2", 1, "a single bar"),
    (r"(W x)^{-1}", 6, "the superscript ^{-1} on an expression"),
])
def test_what_is_not_read_is_an_error_at_its_column(written, column, message):
    with pytest.raises(NotationError) as caught:
        parse_matrix(written, SPAN)
    assert caught.value.message.startswith(message)
    assert caught.value.span.column == column


# -- translation and verdicts -----------------------------------------------------------------

def test_outer_product_gradient_is_proved_and_its_transpose_is_not_read_as_equal():
    found = verdicts(r"""
$$\frac{\partial L}{\partial \mathbf{V}} = (\mathbf{o} - \mathbf{t}) \mathbf{h}^\top \tag{right}$$

$$\frac{\partial L}{\partial \mathbf{V}} = \mathbf{h} (\mathbf{o} - \mathbf{t})^\top \tag{flipped}$$
""")
    assert found["right"].verdict == Verdict.PROVED
    assert found["flipped"].verdict == Verdict.ERROR  # K×J against J×K: never verified
    assert found["flipped"].message.startswith("the two sides have different shapes: K×J on the left, "
                                               "J×K on the right")


def test_sides_of_different_shapes_are_an_error_naming_both_shapes():
    found = verdicts(r"""
$$\frac{\partial L}{\partial \mathbf{V}} = \mathbf{h}^\top \tag{row}$$

$$\frac{\partial L}{\partial \mathbf{V}} = \mathbf{o} - \mathbf{t} \tag{column}$$
""")
    assert found["row"].verdict == Verdict.ERROR  # K×J against 1×J: one side's indices ⊂ the other's
    assert found["row"].message.startswith("the two sides have different shapes: K×J on the left, 1×J")
    assert found["column"].verdict == Verdict.ERROR
    assert "K×J on the left, K×1 on the right" in found["column"].message


def test_hidden_error_with_hadamard_product():
    claim = (r"\nabla_{\mathbf z} L = (\mathbf{V}^\top (\mathbf{o} - \mathbf{t})) \odot "
             r"(1 - \mathbf{h} \odot \mathbf{h})")
    assert one(claim).verdict.holds
    wrong = claim.replace(r"1 - \mathbf{h} \odot \mathbf{h}", r"1 - \mathbf{h}")
    assert one(wrong).verdict == Verdict.REFUTED


def test_numerator_layout_is_the_transpose():
    numerator = r"\frac{\partial L}{\partial \mathbf{V}} = \mathbf{h} (\mathbf{o} - \mathbf{t})^\top"
    assert one(numerator, "layout: numerator").verdict == Verdict.PROVED
    assert one(numerator).verdict == Verdict.ERROR
    jacobian = r"\frac{\partial \mathbf{z}}{\partial \mathbf{x}} = \mathbf{W}"
    assert one(jacobian, "layout: numerator").verdict.holds
    assert one(jacobian.replace(r"\mathbf{W}", r"\mathbf{W}^T")).verdict.holds  # denominator


def test_unknown_layout_is_an_error():
    report = check_text(NETWORK % "layout: sideways" + "$$\\nabla_{\\mathbf z} L = 0 \\tag{c}$$\n")
    assert any("unknown layout 'sideways'" in c.message for c in report.claims), report.claims


def test_a_product_beside_hadamard_needs_parentheses():
    claim = one(r"\nabla_{\mathbf z} L = \mathbf{V}^\top (\mathbf{o} - \mathbf{t}) \odot (1 - \mathbf{h} \odot \mathbf{h})")
    assert claim.verdict == Verdict.ERROR
    assert "a matrix product next to \\odot without parentheses" in claim.message


def test_shape_mismatch_in_a_sum_names_both_shapes():
    claim = one(r"\nabla_{\mathbf z} L = \mathbf{o} - \mathbf{h}")
    assert claim.verdict == Verdict.ERROR
    assert claim.message.startswith("shape mismatch in a sum: K×1 and J×1")


def test_index_notation_still_refuses_a_transpose():
    claim = one(r"\frac{\partial L}{\partial h_j} = \sum_k V^T_{jk} (o_k - t_k)")
    assert claim.verdict == Verdict.ERROR
    assert "transpose" in claim.message


def test_a_size_is_a_value_only_inside_a_fraction():
    claim = one(r"\nabla_{\mathbf z} L = K \mathbf{h}")
    assert claim.verdict == Verdict.ERROR and claim.message.startswith("unknown symbol K")


# -- shapes declared in the block --------------------------------------------------------------

@pytest.mark.parametrize("declaration", [
    "shapes: {A: P×N, u: N}", r"shapes: {A: P \times N, u: N}", "shapes: {A: P x N, u: N}",
])
def test_shapes_key_declares_leaves(declaration):
    text = f"""
```derivation
indices: {{n: N}}
{declaration}
define: |
  f = \\sum_n u_n^2
loss: f
```

$$\\frac{{\\partial (u^T A^T A u)}}{{\\partial u}} = 2 A^T A u \\tag{{q}}$$

$$\\frac{{\\partial (u^T A^T A u)}}{{\\partial u}} = A^T A u \\tag{{w}}$$
"""
    found = {c.label: c for c in check_text(text).claims}
    assert found["q"].verdict.holds, found["q"].message
    assert found["w"].verdict == Verdict.REFUTED
    assert "holds with the right side multiplied by 2" in found["w"].diagnosis


def test_in_reals_lines_declare_shapes_and_must_agree_with_the_definitions():
    good = NETWORK.replace("define: |\n", "define: |\n  W \\in \\mathbb{R}^{J \\times I}\n") % ""
    claim = r"$$\frac{\partial L}{\partial \mathbf{W}} = ((\mathbf{V}^T (\mathbf{o} - \mathbf{t})) \odot (1 - \mathbf{h} \odot \mathbf{h})) \mathbf{x}^T \tag{w}$$"
    assert check_text(good + claim).claims[0].verdict.holds
    bad = NETWORK.replace("define: |\n", "define: |\n  W \\in \\mathbb{R}^{I \\times J}\n") % ""
    result = check_text(bad + claim).claims[0]
    assert result.verdict == Verdict.ERROR
    assert "W is declared I×J, but the definitions use it as W (J×I)" in result.message


# -- the planted library ------------------------------------------------------------------------

PLANTED_EXPECTED = {
    "outer": (Verdict.PROVED, None),
    "swapped": (Verdict.ERROR, "shape mismatch in a product: 1×J times K×1"),
    "middle": (Verdict.PROVED, None),
    "transpose": (Verdict.REFUTED, "holds in the other layout convention (transposed)"),
    "hadamard": (Verdict.VERIFIED, None),
    "product": (Verdict.ERROR, "shape mismatch in a product: J×1 times J×1"),
    "mean": (Verdict.VERIFIED, None),
    "dropped": (Verdict.REFUTED, "holds with the right side multiplied by 1/M"),
    "batch_mean": (Verdict.VERIFIED, None),
    "batch_dropped": (Verdict.REFUTED, "holds with the right side multiplied by 1/m"),
    "batch_swapped": (Verdict.REFUTED, "holds in the other layout convention (transposed)"),
    "prime": (Verdict.VERIFIED, None),
    "untransposed": (Verdict.ERROR, "shape mismatch in a product: M×N times M×1"),
    "ones_mean": (Verdict.PROVED, None),
    "ones_dropped": (Verdict.REFUTED, "holds with the right side multiplied by 1/m"),
    "columns_mean": (Verdict.PROVED, None),
    "columns_dropped": (Verdict.REFUTED, "holds with the right side multiplied by 1/m"),
    "softmax_batch": (Verdict.VERIFIED, None),
    "softmax_dropped": (Verdict.REFUTED, "holds with the right side multiplied by 1/N"),
    "softmax_untransposed": (Verdict.ERROR, "shape mismatch in a product: N×D times N×C"),
    "primed_defined": (Verdict.ERROR, "the prime in A^{[l-1]}' is read as a transpose only on a matrix "
                                      "the model does not define"),
}


def test_planted_matrix_errors_are_caught_with_their_diagnosis():
    found = {c.label: c for c in check_file(PLANTED).claims}
    assert set(found) == set(PLANTED_EXPECTED)
    for label, (verdict, said) in PLANTED_EXPECTED.items():
        claim = found[label]
        assert claim.verdict.holds == verdict.holds and (claim.verdict == verdict or verdict.holds), \
            (label, claim.verdict, claim.message)
        if said is not None:
            assert said in claim.message or said in claim.diagnosis, (label, claim.message, claim.diagnosis)
    assert "for an element-wise product write \\odot" in found["product"].hint


def test_a_name_before_parentheses_is_a_call_of_the_models_scalar_or_an_error():
    found = verdicts(r"""
$$L(\mathbf{o}) = \frac{1}{2} (\mathbf{o} - \mathbf{t})^T (\mathbf{o} - \mathbf{t}) \tag{call}$$

$$L(\mathbf{q}) = \frac{1}{2} (\mathbf{o} - \mathbf{t})^T (\mathbf{o} - \mathbf{t}) \tag{unknown}$$

$$\nabla_{\mathbf h} L = \mathbf{V}^T(\mathbf{o} - \mathbf{t}) \tag{product}$$

$$\nabla_{\mathbf h} L = \mathbf{V}^T \mathbf{V}(\mathbf{h}) - \mathbf{V}^T \mathbf{t} \tag{leaf}$$

$$\nabla_{\mathbf h} L = \mathbf{V}^T (\mathbf{V}(\mathbf{h} + \mathbf{h}) - \mathbf{t}) \tag{sum}$$

$$\nabla_{\mathbf h} L = \mathbf{V}^T (\mathbf{o}(\mathbf{h}) - \mathbf{t}) \tag{defined}$$

$$\nabla_{\mathbf h} L = \mathbf{V}^T (\mathbf{o}(\mathbf{t}) - \mathbf{t}) \tag{function}$$
""")
    assert found["call"].verdict.holds
    assert found["unknown"].verdict == Verdict.ERROR
    assert found["product"].verdict == Verdict.PROVED
    assert found["leaf"].verdict == Verdict.PROVED  # V is a leaf, no function: V(h) is V times h
    assert found["sum"].verdict == Verdict.REFUTED  # V(h + h) = 2 V h
    assert found["defined"].verdict == Verdict.PROVED  # o(h): o, written with a name it is made of
    assert found["function"].verdict == Verdict.ERROR  # o(t): o does not depend on t
    assert "reads as a product" in found["function"].message


SOFTMAX = r"""
```derivation
indices: {j: J, k: K}
define: |
  a_k = \sum_j V_{kj} h_j
  o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}
  L = -\sum_k t_k \log o_k
assume: [one-hot t]
```
"""


def test_softmax_diag_and_logsumexp_of_vectors():
    report = check_text(SOFTMAX + r"""
$$\mathbf{o} = \operatorname{softmax}(\mathbf{a}) \tag{s}$$

$$\frac{\partial \mathbf{o}}{\partial \mathbf{a}} = \operatorname{diag}(\mathbf{o}) - \mathbf{o} \mathbf{o}^T \tag{j}$$

$$\frac{\partial \mathbf{o}}{\partial \mathbf{a}} = \operatorname{diag}(\mathbf{o}) \tag{w}$$

$$L = \operatorname{logsumexp}(\mathbf{a}) - \mathbf{t}^T \mathbf{a} \tag{l}$$

$$\operatorname{softmax}(\mathbf{V}) = \mathbf{o} \tag{m}$$
""")
    found = {c.label: c for c in report.claims}
    assert found["s"].verdict.holds and found["j"].verdict.holds and found["l"].verdict.holds
    assert found["w"].verdict == Verdict.REFUTED
    assert found["m"].verdict == Verdict.ERROR and "softmax of a K×J array" in found["m"].message


LAYERED = r"""
```derivation
indices: {j: N, k: N}
layers: {l: L}
define: |
  z^{[l]}_j = \sum_k W^{[l]}_{jk} a^{[l-1]}_k + b^{[l]}_j
  a^{[l]}_j = \sigma(z^{[l]}_j)
  C = \frac{1}{2} \sum_j (y_j - a^{[L]}_j)^2
loss: C
```
"""


def test_layer_superscripts_and_transposes_together():
    report = check_text(LAYERED + r"""
$$\frac{\partial C}{\partial W^{[L]}} = ((a^{[L]} - y) \odot \sigma'(z^{[L]})) a^{[L-1]T} \tag{w}$$

$$\nabla_{a^{[L-1]}} C = W^{[L]^T} ((a^{[L]} - y) \odot \sigma'(z^{[L]})) \tag{a}$$

$$\nabla_{a^{[L-1]}} C = \Sigma'(z^{[L-1]}) W^{[L]T} \Sigma'(z^{[L]}) (a^{[L]} - y) \tag{s}$$

$$\nabla_{z^{[L-1]}} C = \Sigma'(z^{[L-1]}) W^{[L]T} \Sigma'(z^{[L]}) (a^{[L]} - y) \tag{z}$$
""")
    found = {c.label: c for c in report.claims}
    assert found["w"].verdict.holds and found["a"].verdict.holds and found["z"].verdict.holds
    assert found["s"].verdict == Verdict.REFUTED  # Σ'(z^{[L-1]}) belongs to ∂C/∂z, not ∂C/∂a


def test_upright_d_old_bold_and_norm_spellings():
    text = r"""
```derivation
shapes: {A: N×N, X: N×N, B: N×N}
```

$$\frac{d}{d\mathbf{X}}\text{Tr}(\mathbf{AX}) = {\bf A}^T \tag{d}$$

$$\nabla_{{\bf X}} \lVert \mathbf{A}\mathbf{X} \rVert^2 = 2 A^T A X \tag{n}$$

$$\nabla_{{\bf X}} \|\mathbf{A}\mathbf{X}\|_2^2 = A^T A X \tag{h}$$
"""
    found = {c.label: c for c in check_text(text).claims}
    assert found["d"].verdict == Verdict.PROVED
    assert found["n"].verdict.holds
    assert found["h"].verdict == Verdict.REFUTED
    assert "holds with the right side multiplied by 2" in found["h"].diagnosis


def test_a_matrix_reading_belongs_to_its_own_claim():
    """The shape of a term read in matrix notation is remembered while its claim is checked, and
    forgotten after: the same expression read in index notation by a later claim (another note,
    another block) is no matrix reading. A registry shared by every claim of the process made
    index claims errors ("the two sides have different shapes") or lose their correct formula,
    depending on which notes had been checked before them."""
    from symbolic.model.matrix_settings import claim_shapes, read_in_matrices
    from tests.model.test_context import context_of

    context = context_of(TANH_TWO_LAYER.split("\n", 1)[1].rsplit("```", 1)[0])
    with claim_shapes():
        lhs = context.read(r"\frac{\partial L}{\partial \mathbf{h}}", SPAN)
        assert read_in_matrices(lhs)  # inside its claim: a matrix reading, with its shape
    assert not read_in_matrices(lhs)
    assert one(r"\frac{\partial L}{\partial \mathbf{h}} = \mathbf{V}^\top (\mathbf{o} - \mathbf{t})").verdict \
        == Verdict.PROVED
    assert not read_in_matrices(lhs)  # checking a note leaves no reading behind
    index = context.read(r"\frac{\partial L}{\partial h_j}", SPAN)
    assert index == lhs and not read_in_matrices(index)


# -- a power written on an element-wise function ----------------------------------------------

def test_a_power_on_a_function_is_the_power_of_each_entry():
    node = parse_matrix(r"\tanh^2(\mathbf{z})", SPAN)
    assert type(node).__name__ == "Call" and node.function == "tanh" and node.power == 2
    assert parse_matrix(r"\sigma^{3}(z)", SPAN).power == 3
    assert parse_matrix(r"\tanh(z)", SPAN).power == 1
    assert isinstance(parse_matrix(r"\sigma^2", SPAN), Name)  # no parenthesis: a name (a variance)


@pytest.mark.parametrize("written, column, message", [
    (r"\tanh^{-1}(x)", 6, r"the superscript ^{-1} on \tanh is not read"),  # an inverse, not a power
    (r"\sigma^{-1}(x)", 7, r"the superscript ^{-1} on \sigma is not read"),
    (r"\tanh^0(x)", 6, r"the superscript ^{0} on \tanh is not read"),
    (r"\tanh^{n}(x)", 6, r"the superscript ^{n} on \tanh is not read"),
])
def test_a_function_superscript_that_is_no_positive_power_is_an_error(written, column, message):
    with pytest.raises(NotationError) as caught:
        parse_matrix(written, SPAN)
    assert caught.value.message == message
    assert caught.value.span.column == column


def test_tanh_squared_of_a_vector_right_and_wrong():
    right = r"\nabla_{\mathbf z} L = (\mathbf{V}^\top (\mathbf{o} - \mathbf{t})) \odot (1 - \tanh^2(\mathbf{z}))"
    assert one(right).verdict == Verdict.PROVED
    assert one(right.replace(r"\tanh^2(\mathbf{z})", r"\tanh^{2}(\mathbf{z})")).verdict == Verdict.PROVED
    wrong = one(right.replace(r"\tanh^2(\mathbf{z})", r"\tanh^2(\mathbf{h})"))  # tanh once too often
    assert wrong.verdict == Verdict.REFUTED and wrong.steps[0].counterexample is not None
    cubed = one(right.replace(r"\tanh^2", r"\tanh^3"))
    assert cubed.verdict == Verdict.REFUTED
    inverse = one(right.replace(r"\tanh^2", r"\tanh^{-1}"))
    assert inverse.verdict == Verdict.ERROR and r"^{-1} on \tanh" in inverse.message


def test_sigma_squared_of_a_vector_is_a_power_and_beside_a_variance_an_error():
    report = check_text(LAYERED + r"""
$$\nabla_{z^{[L]}} C = (a^{[L]} - y) \odot (\sigma(z^{[L]}) - \sigma^2(z^{[L]})) \tag{right}$$

$$\nabla_{z^{[L]}} C = (a^{[L]} - y) \odot (\sigma(z^{[L]}) - \sigma(\sigma(z^{[L]}))) \tag{nested}$$
""")
    found = {c.label: c for c in report.claims}
    assert found["right"].verdict.holds
    assert found["nested"].verdict == Verdict.REFUTED  # σ² is never σ∘σ
    variance = check_text(r"""
```derivation
indices: {j: N}
define: |
  \sigma^2 = \frac{1}{N} \sum_j x_j^2
  y_j = \sigma^2 x_j
```

$$\mathbf{y} = \sigma^2(\mathbf{x}) \tag{a}$$

$$\mathbf{y} = \sigma^2 \cdot (\mathbf{x}) \tag{b}$$
""")
    found = {c.label: c for c in variance.claims}
    assert found["a"].verdict == Verdict.ERROR
    assert found["a"].message.startswith(r"\sigma^2(…) may be the power of a call or the block's \sigma^2")
    assert found["b"].verdict == Verdict.PROVED
