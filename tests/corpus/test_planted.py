"""The library of deliberately wrong or broken notes: each gives its exact verdict and message."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from symbolic.checker import check_file
from symbolic import Verdict

PLANTED = Path(__file__).resolve().parents[1] / "planted"

# file -> (label, verdict, text the message must start with, text the hint must contain)
EXPECTED = {
    "sign_flip": ("1", Verdict.REFUTED, "false at I=2, J=3, K=4, j=1, k=1;", None),
    "dropped_tanh_derivative": ("3", Verdict.REFUTED, "false at I=2, J=3, K=4, j=1;", None),
    "wrong_summation_index": ("3", Verdict.REFUTED, "false at I=2, J=3, K=4, j=1, k=1;", None),
    "missing_half": ("h", Verdict.REFUTED, "false at I=2, J=3, K=4, k=1;", None),
    "softmax_diagonal": ("d", Verdict.REFUTED, "false at I=2, J=3, K=4, k=1;", None),
    "ce_without_sum_to_one": ("2", Verdict.REFUTED, "false at I=2, J=3, K=4, k=1;", None),
    "log_base": ("10", Verdict.REFUTED, "false at I=2, J=3, K=4, k=1;", None),
    "wrong_chain_step": ("c", Verdict.REFUTED,
                         r"step 2 of 3 (\sum_k \frac{\partial L}{\partial a_k} \frac{\partial a_k}"
                         r"{\partial b_j} = \sum_k (o_k - t_k) w_{jk}) is refuted: false at", None),
    "swapped_indices": ("1", Verdict.ERROR, "h_{k}: no tensor h with indices of shape (K)",
                        "h is declared as h (J)"),
    "transposed_weight": ("3", Verdict.ERROR, "w_{kj}: no tensor w with indices of shape (K×J)",
                          "are the indices of w_{kj} swapped?"),
    "unknown_symbol": ("1", Verdict.ERROR, "unknown symbol q_{k}", "symbols of this context"),
    "glued_index": ("g", Verdict.ERROR, "a needs its indices here: it is a (K)",
                    "'ak' is not a symbol here; did you mean a_k?"),
    "unbalanced_braces": ("1", Verdict.ERROR, "unbalanced '}': nothing to close",
                          "remove it or add the matching '{'"),
    "index_mismatch": ("m", Verdict.ERROR, "index mismatch: k, k' only on the left, j only on the right",
                       "same free indices"),
    "undeclared_index": ("1", Verdict.ERROR, "index letter q has no range in this context",
                         "declare it under indices"),
    # layer superscripts (z^l_j, w^{l+1}_{kj}, W^{(2)}_{kj}); every claim of the note is refuted
    # (tests/model/test_layers.py checks the others)
    "layer_superscripts": ("swapped", Verdict.REFUTED, "false at N=2, j=1;", None),
    # one wrong derivative per elementary function added with the function table
    "gelu_derivative_phi_only": ("gelu", Verdict.REFUTED,
                                 "false at J=2, j=1; z[1]=-7/4: left = -0.110926151083, right = 0.0400591568638", None),
    "swish_derivative_sigmoid_only": ("swish", Verdict.REFUTED,
                                      "false at J=2, j=1; z[1]=-7/4: left = -0.072678946045, right = 0.148047198032", None),
    "softplus_derivative_sigmoid_prime": ("softplus", Verdict.REFUTED,
                                          "false at J=2, j=1; z[1]=-7/4: left = 0.148047198032, right = 0.126129225187", None),
    # markup: \sum_{k \neq i}, cases, sinh/cosh/sech, \Rightarrow, J(\theta) (the other claims of the
    # note are checked in tests/latex/test_markup_sums.py)
    "markup_notations": ("ne", Verdict.REFUTED, "false at K=2, i=1; y[1]=1, y[2]=0, o[1]=-7/4, o[2]=1/4: "
                         "left = -0.880797077978, right = 0.880797077978", None),
    "softsign_derivative_as_tanh": ("softsign", Verdict.REFUTED,
                                    # |z| in softsign' makes it piecewise: the region is named
                                    "false at J=2, j=1, where z_{1} > 0; z[1]=2: left = 0.111111111111, "
                                    "right = 0.555555555556", None),
    # batch norm: the mean and variance put N in a square root; the right input gradient is proved
    # for every N (tests/calculus/test_sum_atoms.py checks it and the other two slips)
    "batchnorm_backward": ("variance_sign", Verdict.REFUTED, "false at N=2, D=3, i=1, j=1;", None),
    # a sum over part of a range, \sum_{m=\max(0, i-W+2)}^{\min(i, L-W)}: one term short (the note
    # counts from 0, origin: 0, and so does its counterexample: i=2 is the third entry, w[0] the first)
    "bounded_sum_off_by_one": ("lower", Verdict.REFUTED, "false at L=6, W=3, L - W + 1=4, i=2; w[0]=", None),
}


def claim(name: str, label: str):
    report = check_file(PLANTED / f"{name}.md")
    found = [c for c in report.claims if c.label == label]
    assert len(found) == 1, [(c.label, c.verdict, c.message) for c in report.claims]
    return found[0]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_planted_error_is_caught_with_its_message(name):
    label, verdict, message, hint = EXPECTED[name]
    result = claim(name, label)
    assert result.verdict == verdict, result.message
    assert result.message.startswith(message), result.message
    if hint is not None:
        assert hint in (result.hint or ""), result.hint
    assert not result.passes


def test_library_covers_every_planted_note():
    files = {p.stem for p in PLANTED.glob("*.md")}
    assert files == set(EXPECTED) | {"relu_model", "notation_twins", "index_dialects", "matrix_notation",
                                    "recurrent", "multi_equation", "max_pooling"}
    assert len(files) >= 12


def test_refutations_carry_a_counterexample_with_both_values():
    for name, (label, verdict, _m, _h) in EXPECTED.items():
        if verdict != Verdict.REFUTED:
            continue
        result = claim(name, label)
        failing = [s for s in result.steps if s.verdict == Verdict.REFUTED]
        cex = failing[0].counterexample
        assert cex is not None and cex.sizes and cex.leaves
        assert float(cex.lhs) != pytest.approx(float(cex.rhs), rel=1e-6)


def test_sign_flip_counterexample_values_are_negatives():
    cex = claim("sign_flip", "1").steps[0].counterexample
    assert float(cex.lhs) == pytest.approx(-float(cex.rhs))


def test_natural_log_gradient_holds_where_base_ten_is_refuted():
    assert claim("log_base", "e").verdict == Verdict.PROVED
    assert claim("log_base", "10").verdict == Verdict.REFUTED


def test_chain_names_first_failing_step_and_checks_the_rest():
    result = claim("wrong_chain_step", "c")
    assert [s.verdict for s in result.steps] == [Verdict.PROVED, Verdict.REFUTED, Verdict.REFUTED]


def test_relu_model_is_checked_region_by_region():
    report = check_file(PLANTED / "relu_model.md")
    right, mask, side = report.claims
    assert right.verdict == Verdict.PROVED
    assert (mask.verdict, side.verdict) == (Verdict.REFUTED, Verdict.REFUTED)
    assert ", where z_{1} < 0;" in mask.message  # the dropped mask matters only where z < 0
    assert ", where z_{1} > 0;" in side.message or ", where z_{1} < 0;" in side.message
    # the diagnosis says where each holds: the dropped mask exactly where the unit is active,
    # the mask on the wrong side of 0 on no region at all
    assert "holds only where z_{j} > 0" in mask.diagnosis
    assert not any("holds only where" in note for note in side.diagnosis)


def test_error_positions_point_into_the_file():
    result = claim("unbalanced_braces", "1")
    line = (PLANTED / "unbalanced_braces.md").read_text().splitlines()[result.line - 1]
    assert line[result.column - 1] == "}"


@pytest.mark.parametrize("name, correct", [
    ("gelu_derivative_phi_only", r"+ \Phi\left(z_{j}\right)"),
    ("swish_derivative_sigmoid_only", r"\left(1 - \sigma\left(z_{j}\right)\right) s_{j} + \sigma\left(z_{j}\right)"),
    ("softplus_derivative_sigmoid_prime", r"= \sigma\left(z_{j}\right)"),
    ("softsign_derivative_as_tanh", r"\frac{1}{\left(\left|z_{j}\right| + 1\right)^{2}}"),
])
def test_wrong_activation_derivative_gets_the_right_one(name, correct):
    label = EXPECTED[name][0]
    assert correct in (claim(name, label).correct or "")


@functools.lru_cache(maxsize=1)
def _twins_report():
    """notation_twins.md checked once: its tests only read the report."""
    return check_file(PLANTED / "notation_twins.md")


def twin(label: str):
    found = [c for c in _twins_report().claims if c.label == label]
    assert len(found) == 1, [(c.label, c.verdict, c.message) for c in _twins_report().claims]
    return found[0]


TWINS = ["sign_flip", "dropped_tanh_derivative", "wrong_summation_index", "ce_without_sum_to_one",
         "missing_half", "softmax_diagonal", "log_base", "wrong_chain_step", "gelu_derivative_phi_only",
         "swish_derivative_sigmoid_only", "softplus_derivative_sigmoid_prime", "softsign_derivative_as_tanh"]

# (twin's label, planted file, its label): a second notation for a slip, or a claim of relu_model
RENAMED_TWINS = [("softmax_diagonal_shorthand", "softmax_diagonal", "d"),
                 ("log_base_implied", "log_base", "10"),
                 ("gelu_prime", "gelu_derivative_phi_only", "gelu"),
                 ("softplus_prime", "softplus_derivative_sigmoid_prime", "softplus"),
                 ("softsign_prime", "softsign_derivative_as_tanh", "softsign"),
                 ("relu_mask", "relu_model", "mask"),
                 ("relu_side_cases", "relu_model", "side"),
                 ("relu_side_prime", "relu_model", "side")]


@pytest.mark.parametrize("twin_label, name, label",
                         [(name, name, EXPECTED[name][0]) for name in TWINS] + RENAMED_TWINS)
def test_a_twin_in_the_new_notations_is_refuted_with_the_same_diagnosis(twin_label, name, label):
    """tests/planted/notation_twins.md writes the planted slips with layer superscripts,
    primes, shorthand, cases, \\Rightarrow and a batch mean; each is refuted, and says what its
    original says (where it holds instead, or that the chain's ends agree)."""
    twin_claim = twin(twin_label)
    original = claim(name, label)
    assert twin_claim.verdict == original.verdict == Verdict.REFUTED
    # a nearby model with another hidden layer is about the original's model, not the slip
    # (ce_without_sum_to_one's twin has no hidden layer)
    said = [line for line in original.diagnosis
            if line.startswith(("holds", "the chain's")) and "hidden layer" not in line]
    assert [line for line in twin_claim.diagnosis if line in said] == said
    assert twin_claim.correct is not None


def test_the_batch_mean_twin_names_the_size_in_its_correct_formula():
    batch_mean = twin("missing_half")
    assert batch_mean.correct == r"\frac{\partial L}{\partial o_{nk}} = \frac{o_{nk} - t_{nk}}{N}"
    assert twin("dropped_sigma_prime").verdict == Verdict.REFUTED


@pytest.mark.parametrize("twin_label, name", [("swish_block_prime", "swish_derivative_sigmoid_only"),
                                              ("softplus_leibniz", "softplus_derivative_sigmoid_prime")])
def test_a_twin_without_a_model_quantity_is_refuted_with_the_same_values(twin_label, name):
    """swish'(x) of a block function and \\frac{d}{dx} of an explicit expression differentiate no
    quantity of the model: refuted at the original's point, with its two values."""
    twin_claim = twin(twin_label)
    original = claim(name, EXPECTED[name][0])
    assert twin_claim.verdict == Verdict.REFUTED
    assert twin_claim.message.split(": ", 1)[1] == original.message.split(": ", 1)[1]


def test_the_chain_twin_fails_at_its_middle_step():
    assert [s.verdict for s in twin("wrong_chain_step").steps] == \
        [Verdict.PROVED, Verdict.REFUTED, Verdict.REFUTED]


def test_the_premise_of_the_implied_twin_holds_so_the_slip_is_refuted():
    assert twin("log_base_premise").verdict == Verdict.PROVED


def test_the_diagonal_jacobian_in_cases_fails_only_off_the_diagonal():
    rows = [c for c in _twins_report().claims if c.label == "softmax_jacobian_cases"]
    assert [c.verdict for c in rows] == [Verdict.PROVED, Verdict.REFUTED]


def test_swapped_indices_and_a_transposed_weight_in_matrix_notation_are_refuted():
    """The index-notation originals are errors (no such tensor); with a square weight the matrix
    twins are well-formed: the swapped gradient holds in the other layout, the weight missing its
    transpose gets the right formula with it."""
    assert claim("swapped_indices", "1").verdict == claim("transposed_weight", "3").verdict == Verdict.ERROR
    swapped = twin("swapped_indices_matrix")
    assert swapped.verdict == Verdict.REFUTED
    assert "holds in the other layout convention (transposed)" in swapped.diagnosis
    untransposed = twin("transposed_weight_matrix")
    assert untransposed.verdict == Verdict.REFUTED
    assert r"(\mathbf{W}^{(2)})^\top" in (untransposed.correct or "")
    assert twin("transposed_weight_right").verdict == Verdict.PROVED
