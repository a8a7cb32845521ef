"""gradproof train / gradcheck through the real command line (main(argv) -> int)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from symbolic.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEED = str(ROOT / "derivations" / "backprop_seed.md")
CROSS_ENTROPY = str(ROOT / "derivations" / "backprop_cross_entropy.md")


def test_gradcheck_fails_the_seed_claims_against_squared_error_as_their_notes_expect(capsys):
    assert main(["gradcheck", SEED]) == 0  # (1)-(4) carry expect: refuted, as check honours
    out = capsys.readouterr().out
    for label in "1234":
        line = next(line for line in out.splitlines() if f"claim ({label})" in line)
        assert line.lstrip().startswith("FAIL") and "worst entry" in line and "symbolic: refuted" in line
        assert line.endswith("[expected refuted: ok]")
    assert out.count("  pass  ") == 4  # the derived formulas
    assert "fail finite differences (all as expected); numeric and symbolic verdicts agree" in out


def test_gradcheck_fails_wrong_claims_that_no_expectation_covers(tmp_path, capsys):
    text = Path(SEED).read_text(encoding="utf-8").replace("% expect: refuted", "")
    text = re.sub(r"expect: \{[^}]*\}\n", "", text)
    note = tmp_path / "seed.md"
    note.write_text(text, encoding="utf-8")
    assert main(["gradcheck", str(note)]) == 1
    assert "not as expected" in capsys.readouterr().out


def test_gradcheck_passes_the_same_claims_under_cross_entropy(capsys):
    assert main(["gradcheck", CROSS_ENTROPY]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out and out.count("  pass  ") == 8
    assert "full check" in out


def test_gradcheck_directional_mode_on_the_digits_network(capsys):
    assert main(["gradcheck", SEED, "--mode", "directional", "--hidden", "64"]) == 0  # failures expected
    out = capsys.readouterr().out
    assert "4810 parameters, directional check" in out
    assert "(every entry differenced)" in out


def test_gradcheck_of_float32_gradients_uses_the_float32_tolerance(capsys):
    assert main(["gradcheck", CROSS_ENTROPY, "--dtype", "float32", "--data", "iris", "--hidden", "5"]) == 0
    out = capsys.readouterr().out
    assert "gradients in float32 (atol 0.0001, rtol 0.001)" in out and "FAIL" not in out
    errors = [float(line.split("‖ = ")[1].split()[0]) for line in out.splitlines() if "‖ = " in line]
    assert len(errors) == 8 and max(errors) > 1e-9  # float32 rounding shows: float64 gives ~1e-11


def test_train_cross_entropy_reports_formulas_and_descent(capsys, tmp_path):
    plot = tmp_path / "loss.png"
    assert main(["train", CROSS_ENTROPY, "--epochs", "3", "--plot", str(plot)]) == 0
    captured = capsys.readouterr()
    assert "claim (1), proved" in captured.out
    assert "these formulas are the gradient of L" in captured.out
    assert "epoch 3/3" in captured.err
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_train_with_refuted_claims_shows_they_do_not_descend_squared_error(capsys):
    assert main(["train", SEED, "--use-claims", "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "claim (1), refuted: used because of --use-claims" in out
    assert "they are not the gradient of L, so training does not descend L" in out


def test_train_without_claims_that_hold_uses_derived_formulas(capsys):
    assert main(["train", SEED, "--epochs", "1", "--data", "iris", "--hidden", "8"]) == 0
    out = capsys.readouterr().out
    assert out.count("derived (verified): no claim for it holds") == 4


@pytest.mark.parametrize("argv,message", [
    (["train", CROSS_ENTROPY, "--data", "mnist"], "error: unknown data set 'mnist'"),
    (["train", CROSS_ENTROPY, "--lr", "1e4", "--momentum", "0", "--epochs", "2"], "try a smaller --lr"),
    (["train", CROSS_ENTROPY, "--dtype", "float16"], "unknown dtype"),
    (["gradcheck", CROSS_ENTROPY, "--mode", "sideways"], "unknown check mode"),
    (["train", CROSS_ENTROPY, "--seed", "-1"], "--seed must not be negative"),
    (["gradcheck", CROSS_ENTROPY, "--seed", "-1"], "--seed must not be negative"),
    (["train", CROSS_ENTROPY, "--batch", "0"], "--batch and --lr must be positive"),
    (["train", CROSS_ENTROPY, "--block", "4"], "derivation block 4 is not a trainable model"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert message in err[-1]


def test_a_file_without_a_trainable_model_is_exit_2(capsys, tmp_path):
    note = tmp_path / "jacobian.md"
    note.write_text("```derivation\nindices: {i: K, j: K, k: K}\ndefine: |\n"
                    "  o_j = \\frac{e^{a_j}}{\\sum_k e^{a_k}}\n  L = -\\sum_k t_k \\log o_k\n```\n")
    assert main(["gradcheck", str(note)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {note}: no input: no leaf of the model is named x (its leaves: a, t) (hint: ")
    assert err.count("\n") == 1


def test_defaults_reach_95_percent_on_digits_within_30_seconds(capsys):
    started = time.perf_counter()
    assert main(["train", CROSS_ENTROPY]) == 0
    seconds = time.perf_counter() - started
    out = capsys.readouterr().out
    accuracy = float(out.split("test accuracy ")[1].split("%")[0])
    assert accuracy >= 95.0 and seconds <= 30
