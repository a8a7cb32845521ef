"""A ReLU network compiles, trains on digits and passes finite differences away from kinks."""

from __future__ import annotations

import re
from pathlib import Path

from symbolic.cli import main

RELU = str(Path(__file__).resolve().parents[2] / "docs" / "examples" / "relu_network.md")


def test_relu_network_trains_on_digits(capsys):
    assert main(["train", RELU, "--epochs", "5"]) == 0
    out = capsys.readouterr().out
    accuracy = float(re.search(r"test accuracy ([\d.]+)%", out).group(1))
    assert accuracy > 90
    assert "these formulas are the gradient of L" in out


def test_relu_gradients_agree_with_finite_differences(capsys):
    """The proved claims pass, the planted wrong masks fail, as the note expects."""
    assert main(["gradcheck", RELU]) == 0
    out = capsys.readouterr().out
    assert "2 fail finite differences (all as expected)" in out
    assert "numeric and symbolic verdicts agree" in out
