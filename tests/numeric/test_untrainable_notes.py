"""Every example note trains, or ``gradproof train`` says in one line why it cannot."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbolic.cli import main
from tests.models import LOGISTIC_REGRESSION

ROOT = Path(__file__).resolve().parents[2]
NOTES = sorted([*ROOT.glob("docs/examples/*.md"), *ROOT.glob("derivations/*.md")])

# The notes that cannot be trained, and the reason train gives.
UNTRAINABLE = {
    "activation_functions.md": "no loss: the model defines g, p, q, s but no scalar L",
    "softmax_jacobian.md": "no loss: the model defines o but no scalar L",
    "seed_worked_numbers.md": "no model: the note has no derivation block",
}

TRAINABLE = {"logistic_regression.md", "two_layer_sigmoid.md", "backprop_cross_entropy.md", "backprop_seed.md",
             "backprop_seed_corrected.md", "two_hidden_layers.md"}

LOGISTIC_BLOCK = LOGISTIC_REGRESSION


def test_the_notes_are_found():
    names = {note.name for note in NOTES}
    assert set(UNTRAINABLE) | TRAINABLE <= names


@pytest.mark.parametrize("note", NOTES, ids=lambda note: note.name)
def test_every_note_trains_or_says_why_not(note, capsys):
    """A note that is added later must train too, or fail with a reason (never an internal error)."""
    code = main(["train", str(note), "--epochs", "1", "--hidden", "8"])  # on the data set that fits the model
    captured = capsys.readouterr()
    if code == 0:
        assert note.name not in UNTRAINABLE and "after 1 epochs" in captured.out
        return
    assert note.name not in TRAINABLE, captured.err
    assert code == 2 and captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith(f"error: {note}") and " (hint: " in captured.err
    assert "internal error" not in captured.err
    if note.name in UNTRAINABLE:
        assert captured.err.startswith(f"error: {note}: {UNTRAINABLE[note.name]}")


def untrainable_message(tmp_path: Path, text: str, capsys) -> str:
    note = tmp_path / "note.md"
    note.write_text(text, encoding="utf-8")
    assert main(["train", str(note)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {note}: ")
    return err[len(f"error: {note}: "):].strip()


def with_keys(block: str, keys: str) -> str:
    """The block with more YAML keys before its closing fence."""
    return block.replace("```\n", keys + "```\n", 1)


@pytest.mark.parametrize("text,message", [
    (LOGISTIC_BLOCK,
     "no target: no leaf of the model is named t (its leaves: b, w, x, y) (hint: name the targets t, or say which "
     "leaf they are with target: NAME in the block (e.g. target: y))"),
    (with_keys(LOGISTIC_BLOCK, "input: v\ntarget: y\n"),
     "no input: no leaf of the model is named x (its leaves: b, w, x, y) (hint: name the data input x, or say "
     "which leaf it is with input: NAME in the block)"),
    ("```derivation\nindices: {k: K}\ndefine: |\n  L = \\frac{1}{2} \\sum_k (x_k - t_k)^2\n```\n",
     "the loss has no parameters: L depends only on the data (x, t) (hint: add weights or biases"),
    ("```derivation\nindices: {i: I, j: J, k: K}\ndefine: |\n  h_j = \\sum_i w_{ij} x_i\n  a_k = b_k\n"
     "  L = -\\sum_k t_k \\log \\sigma(a_k)\n```\n",
     "the loss L does not depend on the input x (hint: compute L from the input through the model's definitions)"),
    ("```derivation\nindices: {i: I}\ndefine: |\n  a = \\sum_i w_i x_i + c\n  c = a\n  L = a t\n```\n",
     "no model: the note has an error at line 4: definition cycle: a → c → a"),
], ids=["target", "input", "parameters", "input unused", "broken block"])
def test_each_reason_is_named(tmp_path, capsys, text, message):
    assert untrainable_message(tmp_path, text, capsys).startswith(message)


def test_several_untrainable_blocks_are_each_named(tmp_path, capsys):
    second = with_keys(LOGISTIC_BLOCK.replace("x_i + b", "z_i + b"), "target: y\n")
    message = untrainable_message(tmp_path, LOGISTIC_BLOCK + "\n" + second, capsys)
    assert message.startswith("no block can be trained: block 1 (line 2): no target: no leaf of the model is named t")
    assert "; block 2 (line 10): no input: no leaf of the model is named x (its leaves: b, w, z, y)" in message
