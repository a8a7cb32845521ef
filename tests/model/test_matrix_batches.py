"""Vectorised backward passes over a batch (a deep learning course's notation): `dZ`, `dW`, `db`
in matrix claims, the block's arbitrary activation `g'^{[l]}(Z^{[l]})`, `*` as the block's
`star:` says, Ng's `cost:` convention (dW is ∂J/∂W, J = L/m), sums along a batch axis, and
sides of different shapes."""

from __future__ import annotations

import pytest

from symbolic import Verdict
from symbolic.checker import check_text
from symbolic.errors import NotationError, Span
from symbolic.latex.matrix_parse import parse_matrix
from symbolic.latex.matrix_tree import Call, Ones, Operator, Product, Transpose
from symbolic.latex.shorthand import expand_shorthand

SPAN = Span("<test>", 1, 1)

# Ng's L-layer network over m examples (columns), all layers n wide, any activation g
BATCH = r"""
```derivation
indices: {j: n, k: n, i: m}
layers: {l: L}
shorthand: d
%s
define: |
  Z^{[l]}_{ji} = \sum_k W^{[l]}_{jk} A^{[l-1]}_{ki} + b^{[l]}_j
  A^{[l]}_{ji} = g(Z^{[l]}_{ji})
  L = \sum_i \sum_j Y_{ji} A^{[L]}_{ji}
  J = \frac{1}{m} L
```
"""
NG = "star: by shape\ncost: {J: m}"


def verdicts(claims: dict[str, str], keys: str = NG) -> dict[str, object]:
    text = BATCH % keys + "".join(f"\n$${claim} \\tag{{{label}}}$$\n" for label, claim in claims.items())
    return {c.label: c for c in check_text(text).claims}


def test_ng_vectorised_backward_pass_holds_and_its_slips_are_refuted():
    found = verdicts({
        "dz": r"dZ^{[l]} = dA^{[l]} * g'^{[l]}(Z^{[l]})",
        "dw": r"dW^{[l]} = 1/m * dZ^{[l]} * A^{[l-1]^T}",
        "db": r"db^{[l]} = \frac{1}{m} \operatorname{sum}(dZ^{[l]}, axis=1)",
        "da": r"dA^{[l-1]} = W^{[l]^T} * dZ^{[l]}",
        "no_mean": r"dW^{[l]} = dZ^{[l]} * A^{[l-1]^T}",  # the 1/m dropped
        "no_transpose": r"dA^{[l-1]} = W^{[l]} * dZ^{[l]}",
        "no_prime": r"dZ^{[l]} = dA^{[l]} \odot g^{[l]}(Z^{[l]})",
    })
    for label in ("dz", "dw", "db", "da"):
        assert found[label].verdict.holds, (label, found[label].message)
    for label in ("no_mean", "no_transpose", "no_prime"):
        assert found[label].verdict == Verdict.REFUTED, label


def test_without_the_cost_convention_dw_is_the_summed_loss_gradient():
    found = verdicts({"mean": r"dW^{[l]} = 1/m * dZ^{[l]} * A^{[l-1]^T}",
                      "sum": r"dW^{[l]} = dZ^{[l]} * A^{[l-1]^T}"}, "star: by shape")
    assert found["mean"].verdict == Verdict.REFUTED
    assert found["sum"].verdict.holds


@pytest.mark.parametrize("claim, message", [
    (r"db^{[l]} = \frac{1}{m} \operatorname{sum}(dZ^{[l]}, axis=0)", "the two sides have different shapes: n×1"),
    (r"db^{[l]} = 1/m * np.sum(dZ^{[l]}, axis=0, keepdims=True)", "the two sides have different shapes: n×1"),
    (r"db^{[l]} = 1/m * np.sum(dZ^{[l]}, axis=0)", "np.sum(X, axis=0) without keepdims=True is a flat vector"),
    (r"db^{[l]} = 1/m * np.sum(dZ^{[l]}, axis=1, keep.dims=True)", "np.sum's argument here is not keepdims"),
    (r"db^{[l]} = 1/m * np.mean(dZ^{[l]}, axis=1)", "the '.' in 'np.mean"),
    (r"dZ^{[l]} = dA^{[l]} * g'^{[l-1]}(Z^{[l]})", "g^{[l-1]}, the activation of layer [l-1], is read only"),
    (r"dZ^{[l]} = dA^{[l]} * f'(Z^{[l]})", "f is no function of this block"),
    (r"dW^{[l]} = dZ^{[l]} * A^{[l-1]}",  # the transpose left out: n×m ⊙ n×m, no gradient of W
     "the two sides have different shapes: n×n on the left, n×m on the right"),
])
def test_what_the_batch_notation_does_not_mean_is_an_error(claim, message):
    found = verdicts({"c": claim})["c"]
    assert found.verdict == Verdict.ERROR
    assert found.message.startswith(message) or message in found.message, found.message


def test_star_is_read_only_where_the_block_declares_it():
    found = verdicts({"c": r"dZ^{[l]} = dA^{[l]} * g'^{[l]}(Z^{[l]})"}, "")["c"]
    assert found.verdict == Verdict.ERROR
    hadamard = verdicts({"dz": r"dZ^{[l]} = dA^{[l]} * g'^{[l]}(Z^{[l]})",
                         "dw": r"dW^{[l]} = dZ^{[l]} * A^{[l-1]^T}"}, "star: hadamard")
    assert hadamard["dz"].verdict.holds
    assert hadamard["dw"].verdict == Verdict.ERROR  # n×m ⊙ m×n
    assert "element-wise product ('*'): n×m and m×n" in hadamard["dw"].message


def test_star_by_shape_refuses_square_arrays():
    found = verdicts({"c": r"dZ^{[l]} = W^{[l]} * W^{[l]} * dZ^{[l]}"})["c"]
    assert found.verdict == Verdict.ERROR
    assert "may be the element-wise or the matrix product" in found.message


def test_the_activations_primes_and_layers_are_read_in_every_order():
    for written in (r"g'^{[l]}(Z)", r"g^{[l]'}(Z)", r"g^{[l]}'(Z)"):
        node = parse_matrix(written, SPAN)
        assert isinstance(node, Call) and (node.function, node.order, node.layer) == ("g", 1, "[l]")
    assert not isinstance(parse_matrix(r"g (x)", SPAN), Call)  # a name before (…): not a call
    summed = parse_matrix(r"\operatorname{sum}(dZ, axis=1)", SPAN)
    assert isinstance(summed, Operator) and summed.word == "sum axis=1"


def test_np_sum_is_the_sum_along_its_axis():
    for written in (r"np.sum(dZ, axis=1)", r"np.sum(dZ, axis = 1, keepdims = True)"):
        summed = parse_matrix(written, SPAN, star="by shape")
        assert isinstance(summed, Operator) and summed.word == "sum axis=1"
    assert parse_matrix(r"np.sum(dZ, axis=0, keepdims=True)", SPAN).word == "sum axis=0"
    for written, column in ((r"1/m * np.sum(dZ, axis=2)", 23), (r"1/m * np.sum(dZ, axis=0)", 7),
                            (r"1/m * np.sum(dZ, axis=1, keepdims=Yes)", 35)):
        with pytest.raises(NotationError) as caught:
            parse_matrix(written, SPAN, star="by shape")
        assert caught.value.span.column == column, (written, caught.value.message)


def test_np_sum_claims_are_checked_with_their_mean():
    found = verdicts({"mean": r"db^{[l]} = \frac{1}{m} np.sum(dZ^{[l]}, axis = 1, keepdims = True)",
                      "dropped": r"db^{[l]} = np.sum(dZ^{[l]}, axis = 1, keepdims = True)"},
                     )
    assert found["mean"].verdict.holds
    assert found["dropped"].verdict == Verdict.REFUTED
    assert "holds with the right side multiplied by 1/m" in found["dropped"].diagnosis


def test_shorthand_of_a_generic_layer_and_of_the_cost():
    names = ["Z^{[1]}", "Z^{[2]}", "W^{[2]}"]
    text = expand_shorthand(r"dZ^{[l]} + dW^{[l]}", "d", "L", names, {"W": "J"}).text
    assert text == r"\frac{\partial L}{\partial Z^{[l]}} + \frac{\partial J}{\partial W^{[l]}}"
    assert expand_shorthand(r"dQ^{[l]}", "d", "L", names).text == r"dQ^{[l]}"
    transposed = expand_shorthand(r"A * dZ^{[l]T}", "d", "L", names).text
    assert transposed == r"A * \left(\frac{\partial L}{\partial Z^{[l]}}\right)^T"


def test_cost_must_name_a_scalar_and_a_size():
    found = check_text(BATCH % "cost: {Z: m}" + "\n$$dZ^{[l]} = dZ^{[l]} \\tag{c}$$\n").claims
    assert any("cost:" in (c.message or "") for c in found)


@pytest.mark.parametrize("written", [r"dZ \mathbf{1}", r"\mathbf{1}^T x", r"\boldsymbol{1}", r"\bm{1}"])
def test_the_ones_vector_is_never_the_number_one(written):
    tree = parse_matrix(written, SPAN)
    leaves = [tree] if not isinstance(tree, Product) else [f for _, f in tree.groups[0]]
    assert any(isinstance(n, Ones) or isinstance(n, Transpose) and isinstance(n.arg, Ones) for n in leaves)


def test_a_row_sum_with_the_ones_vector_is_the_bias_gradient_and_drops_of_it_are_refuted():
    found = verdicts({"ones": r"db^{[l]} = \frac{1}{m} dZ^{[l]} \mathbf{1}",
                      "sum": r"db^{[l]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[l](i)}",
                      "no_mean": r"db^{[l]} = dZ^{[l]} \mathbf{1}",
                      "no_ones": r"db^{[l]} = \frac{1}{m} dZ^{[l]}"})
    assert found["ones"].verdict.holds and found["sum"].verdict.holds
    assert found["no_mean"].verdict == Verdict.REFUTED
    assert "holds with the right side multiplied by 1/m" in found["no_mean"].diagnosis
    assert found["no_ones"].verdict == Verdict.ERROR  # n×m against n×1, never the matrix itself
    assert found["no_ones"].message.startswith("the two sides have different shapes")
