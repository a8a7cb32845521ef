"""Diagnosis of refuted claims, index-notation derive, and worked numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbolic import Verdict, api
from symbolic.checker import check_file
from symbolic.cli import main
from symbolic.calculus.derive import canonical_entry, derive
from symbolic.latex.parse import parse_latex
from symbolic.errors import Span
from symbolic.model.index_notation import Grad, Resolver
from symbolic.engine.verify import check_identity

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "derivations" / "backprop_seed.md"
CROSS_ENTROPY = ROOT / "derivations" / "backprop_cross_entropy.md"
NUMBERS = ROOT / "derivations" / "seed_worked_numbers.md"
PLANTED = Path(__file__).resolve().parents[1] / "planted"


def by_label(path, label):
    report = check_file(path)
    return next(c for c in report.claims if c.label == label)


def test_seed_equation_1_gets_the_squared_error_formula_and_the_models_where_it_holds():
    claim = by_label(SEED, "1")
    assert claim.correct == (r"\frac{\partial L}{\partial w_{jk}} = h_{j} \sum_{k'} "
                             r"\left(1_{kk'} - o_{k}\right) \left(o_{k'} - t_{k'}\right) o_{k'}")
    assert "holds for cross-entropy loss with Σ_k t_k = 1 (so for one-hot t)" in claim.diagnosis
    assert "holds for an identity output" in claim.diagnosis


@pytest.mark.parametrize("label", ["2", "3", "4"])
def test_seed_equations_2_to_4_hold_for_cross_entropy(label):
    claim = by_label(SEED, label)
    assert "holds for cross-entropy loss with Σ_k t_k = 1 (so for one-hot t)" in claim.diagnosis
    assert claim.correct is not None


def test_seed_jacobian_steps_without_condition_hold_only_when_i_equals_j():
    claim = by_label(SEED, "J1")
    assert claim.diagnosis[:2] == ["step 2 holds only when i = j", "step 5 holds only when i = j"]


def test_dropped_tanh_derivative_shows_the_factor():
    claim = by_label(PLANTED / "dropped_tanh_derivative.md", "3")
    assert claim.correct == (r"\frac{\partial L}{\partial b_{j}} = \left(1 - h_{j}^{2}\right) "
                             r"\sum_{k} \left(o_{k} - t_{k}\right) w_{jk}")


def test_softmax_jacobian_as_diagonal_gets_the_full_jacobian():
    claim = by_label(PLANTED / "softmax_diagonal.md", "d")
    assert claim.correct == (r"\frac{\partial L}{\partial a_{k}} = \sum_{k'} \left(1_{kk'} - o_{k}\right)"
                             r" \left(o_{k'} - t_{k'}\right) o_{k'}")
    assert "holds for cross-entropy loss with Σ_k t_k = 1 (so for one-hot t)" not in claim.diagnosis


def test_cross_entropy_gradient_without_sum_to_one_names_the_assumption():
    claim = by_label(PLANTED / "ce_without_sum_to_one.md", "2")
    assert claim.diagnosis[0] == "holds if Σ_k t_k = 1 (so for one-hot t)"
    assert claim.correct == r"\frac{\partial L}{\partial b_{k}} = o_{k} \sum_{k'} t_{k'} - t_{k}"


def test_mse_gradient_with_a_softmax_output_holds_for_an_identity_output():
    claim = by_label(SEED, "2")  # ∇b_k = o_k - t_k under squared error and softmax
    assert claim.verdict == Verdict.REFUTED
    assert "holds for an identity output" in claim.diagnosis
    assert claim.correct == (r"\frac{\partial L}{\partial b_{k}} = \sum_{k'} \left(1_{kk'} - o_{k}\right)"
                             r" \left(o_{k'} - t_{k'}\right) o_{k'}")


def test_diagonal_softmax_jacobian_is_the_sigmoid_one():
    claim = by_label(PLANTED / "softmax_diagonal.md", "d")
    assert claim.verdict == Verdict.REFUTED
    assert "holds for a sigmoid output" in claim.diagnosis


def test_swapped_indices_that_parse_are_diagnosed(tmp_path):
    note = (PLANTED / "sign_flip.md").read_text().replace(
        r"$$\nabla w_{jk} = h_j (t_k - o_k) \tag{1}$$",
        "```derivation\nindices: {i: K, j: K}\ndefine: |\n  o_j = \\frac{e^{a_j}}{\\sum_i e^{a_i}}\n```\n\n"
        r"$$\frac{\partial o_j}{\partial a_i} = o_i (1_{ij} - o_i) \tag{s}$$")
    path = tmp_path / "swap.md"
    path.write_text(note)
    claim = by_label(path, "s")
    assert claim.verdict == Verdict.REFUTED
    assert claim.correct == r"\frac{\partial o_{j}}{\partial a_{i}} = \left(1_{ij} - o_{i}\right) o_{j}"
    assert "holds only when i = j" in claim.diagnosis


def test_chain_with_a_wrong_middle_step_reports_equal_ends():
    claim = by_label(PLANTED / "wrong_chain_step.md", "c")
    assert "the chain's two ends are equal although a step in between is wrong" in claim.diagnosis


@pytest.mark.parametrize("label, verdict, message", [
    ("n1", Verdict.VERIFIED, "0.4788 rounds to 0.479"),
    ("n2", Verdict.VERIFIED, "0.49521 rounds to 0.495"),
    ("n3", Verdict.VERIFIED, "-0.4788 rounds to -0.479, written -0.478"),
    ("n4", Verdict.VERIFIED, "0.4478 rounds to 0.448, written 0.447"),
    ("n6", Verdict.VERIFIED, "exact"),
])
def test_worked_numbers(label, verdict, message):
    claim = by_label(NUMBERS, label)
    assert claim.verdict == verdict
    assert claim.steps[0].message == message
    assert claim.warnings == ([message] if "written" in message else [])


def test_case_3_as_printed_is_refuted_and_the_missing_bracket_is_found():
    claim = by_label(NUMBERS, "n5")
    assert claim.verdict == Verdict.REFUTED
    assert claim.steps[0].message == (
        "the exact value is 0.1089384 (rounds to 0.1089), written 0.0084; with brackets moved, "
        "0.5 · ((0.57 - 0) · 0.5 + (0.43 - 1) · 0.4) · (1 + 0.84) · (1 - 0.84) = 0.0083904 "
        "gives the written value (a bracket is missing or misplaced)")


def test_formula_to_numbers_is_an_unchecked_substitution(tmp_path):
    text = (PLANTED / "sign_flip.md").read_text().replace(
        r"$$\nabla w_{jk} = h_j (t_k - o_k) \tag{1}$$",
        r"$$\nabla w_{jk} = h_j(o_k - t_k) = 0.84 \times (0.57 - 0) = 0.479 \tag{s}$$")
    path = tmp_path / "subst.md"
    path.write_text(text)
    claim = by_label(path, "s")
    assert [s.kind for s in claim.steps] == ["identity", "substitution", "arithmetic"]
    assert claim.steps[1].verdict == Verdict.SKIPPED
    # an unchecked step lends no verdict to the chain: it is not verified as a whole
    assert claim.verdict == Verdict.UNDECIDED
    assert claim.message == ("steps 1 and 3 hold; step 2 substitutes numbers and is not checked, "
                             "so the chain does not hold as a whole")


def _parse(context, text):
    span = Span("test", 1, 1)
    return Resolver(context.network, "claim", span, text).resolve(parse_latex(text, span))


@pytest.mark.parametrize("path", [SEED, CROSS_ENTROPY], ids=lambda p: p.stem)
def test_derive_round_trip_every_parameter_and_intermediate(path):
    document = api.load(path)
    checked = 0
    for context in document.contexts:
        network = context.network
        for tensor in network.tensors.values():
            if tensor in (network.loss, network.target, network.input) or tensor.name == "delta":
                continue
            wrt = canonical_entry(network, tensor)
            derived = derive(context, wrt)
            assert derived.verdict == Verdict.VERIFIED, (tensor, derived.latex)
            # parsed back from its own LaTeX, as an author would write it
            lhs = _parse(context, rf"\frac{{\partial {derived.of_latex}}}{{\partial {derived.wrt_latex}}}")
            rhs = _parse(context, derived.latex)
            assert isinstance(lhs, Grad)
            outcome = check_identity(network, context.assumptions, lhs, rhs)
            assert outcome.verdict == Verdict.VERIFIED, derived.latex
            checked += 1
    assert checked >= 7


def test_derive_command_prints_latex_and_text(capsys):
    assert main(["derive", str(CROSS_ENTROPY), "--wrt", "w_{ij}"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (r"\frac{\partial L}{\partial w_{ij}} = \left(1 - h_{j}^{2}\right) x_{i} "
                      r"\sum_{k} \left(o_{k} - t_{k}\right) w_{jk}")
    assert out[1] == "∂L/∂w_{ij} = (1 - h_{j}**2)*x_{i}*sum_{k} ((o_{k} - t_{k})*w_{jk})"


def test_derive_of_an_intermediate(capsys):
    assert main(["derive", str(SEED), "--block", "2", "--of", "o_j", "--wrt", "a_i",
                 "--format", "latex"]) == 0
    assert capsys.readouterr().out.strip() == (
        r"\frac{\partial o_{j}}{\partial a_{i}} = \left(1_{ij} - o_{i}\right) o_{j}")


def test_derive_bad_variable_is_a_located_error(capsys):
    assert main(["derive", str(SEED), "--wrt", "w_{qq}"]) == 2
    assert "index letter q has no range" in capsys.readouterr().err
