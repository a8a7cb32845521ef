"""Networks written for a generic layer l (``layers: {l: L}``): unrolled, checked at l = 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbolic import Verdict, check_text
from symbolic.checker import check_file

PLANTED = Path(__file__).resolve().parents[1] / "planted" / "layer_superscripts.md"

NIELSEN = r"""```derivation
indices: {j: N, k: N}
layers: {l: L}
define: |
  z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j
  a^l_j = \sigma(z^l_j)
  C = \frac{1}{2} \sum_j (y_j - a^L_j)^2
loss: C
```

$$\delta^l_j \equiv \frac{\partial C}{\partial z^l_j}. \tag{29}$$
"""


def claims(text: str) -> dict:
    return {c.label: c for c in check_text(text, "n.md").claims if c.label}


@pytest.mark.parametrize("claim", [
    r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma(z^l_j)(1 - \sigma(z^l_j))",  # Nielsen (45)
    r"\delta^l_j = \frac{\partial C}{\partial z^l_j} = \sum_k \frac{\partial C}{\partial z^{l+1}_k} "
    r"\frac{\partial z^{l+1}_k}{\partial z^l_j} = \sum_k \frac{\partial z^{l+1}_k}{\partial z^l_j} \delta^{l+1}_k",
    r"\frac{\partial z^{l+1}_k}{\partial z^l_j} = w^{l+1}_{kj} a^l_j (1 - a^l_j)",  # (44)
    r"\frac{\partial C}{\partial b^l_j} = \delta^l_j",  # BP3
    r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j",  # BP4
    r"\delta^L_j = (a^L_j - y_j) \sigma(z^L_j) (1 - \sigma(z^L_j))",  # (30) in index notation
    r"\delta^{l-1}_j = \sum_k w^l_{kj} \delta^l_k a^{l-1}_j (1 - a^{l-1}_j)",
    r"\frac{\partial C}{\partial w^{(1)}_{jk}} = a^{(0)}_k \delta^{(1)}_j",  # concrete layers
    r"\frac{\partial C}{\partial b^{l+2}_j} = \delta^L_j",
    r"\frac{\partial C}{\partial b^{[l]}_j} = \delta^{(l)}_j",  # bracketed generic labels
    r"\frac{\partial C}{\partial w^{[l+1]}_{jk}} = a^{(l)}_k \delta^{[l+1]}_j",
])
def test_textbook_backpropagation_in_layer_superscripts_holds(claim):
    found = claims(NIELSEN + f"\n$${claim} \\tag{{c}}$$\n")["c"]
    assert found.verdict.holds, found.message


def test_every_planted_wrong_claim_in_layer_notation_is_refuted():
    report = check_file(PLANTED)
    labelled = {c.label: c for c in report.claims if c.label}
    assert set(labelled) == {"swapped", "dropped", "layer", "activation", "input", "preactivation"}
    for label, claim in labelled.items():
        assert claim.verdict == Verdict.REFUTED, (label, claim.message)
        assert claim.steps[0].counterexample is not None


def test_the_correct_formula_is_printed_with_layer_superscripts():
    found = claims(NIELSEN + "\n$$\\frac{\\partial C}{\\partial w^l_{jk}} = a^l_k \\delta^l_j \\tag{c}$$\n")["c"]
    assert found.verdict == Verdict.REFUTED
    assert found.correct.startswith(r"\frac{\partial C}{\partial w^{l}_{jk}} = a^{l-1}_{k}")


def test_a_claim_defined_generic_name_exists_at_every_layer():
    text = NIELSEN + "\n$$\\delta^{l+1}_k = \\delta^{l+1}_k \\tag{a}$$\n\n$$\\delta^L_j = \\delta^L_j \\tag{b}$$\n"
    found = claims(text)
    assert found["a"].verdict.holds and found["b"].verdict.holds


@pytest.mark.parametrize("claim, message, hint", [
    (r"\frac{\partial C}{\partial b^{l+3}_j} = \delta^L_j",
     "b^{l+3}_{j}: layer 5 is outside the unrolled network (layers 0..4, l = 2 in claims, L = 4)",
     "claims are read at l = 2: they may reach from l-2 to l+2"),
    (r"a^2_j = a^2_j", "a^{2}_{j} is ambiguous: a power, or a layer of a^{(0)}, a^{L}, a^{l+1}, a^{l-1}, a^{l}?",
     "for layer 2 write a^{(2)}"),
    (r"\delta^{(4)}_j = (a^L_j - y_j)", r"\delta^{(4)}_{j} is delta^{L} (N) of the model, written another way",
     r"to check the claim, write it as \delta^{L}"),
    (r"\delta^l_j = \sum_k W^{l+1}_{kj} \delta^{l+1}_k", r"unknown symbol W^{l+1}_{kj}", "symbols of this context: C, a^{(0)}"),
])
def test_what_the_unrolled_network_cannot_mean_is_a_located_error(claim, message, hint):
    found = claims(NIELSEN + f"\n$${claim} \\tag{{c}}$$\n")["c"]
    assert found.verdict == Verdict.ERROR
    assert found.message.startswith(message), found.message
    assert hint in found.hint


def test_a_line_for_the_last_layer_takes_the_place_of_the_generic_line():
    softmax = NIELSEN.replace(r"  C = \frac{1}{2} \sum_j (y_j - a^L_j)^2",
                              "  a^L_j = \\frac{e^{z^L_j}}{\\sum_k e^{z^L_k}}\n  C = -\\sum_j y_j \\log a^L_j")
    text = softmax.replace("loss: C", "loss: C\nassume: [one-hot y]")
    found = claims(text + "\n$$\\delta^L_j = a^L_j - y_j \\tag{ce}$$\n\n"
                          "$$\\delta^l_j = \\sum_k w^{l+1}_{kj} \\delta^{l+1}_k a^l_j (1 - a^l_j) \\tag{hidden}$$\n")
    assert found["ce"].verdict.holds, found["ce"].message
    assert found["hidden"].verdict.holds, found["hidden"].message


@pytest.mark.parametrize("block, message", [
    (NIELSEN.replace("layers: {l: L}", "layers: {j: L}"), "the layer letters j and L cannot also be index letters"),
    (NIELSEN.replace("layers: {l: L}", "layers: [l, L]"), "layers must name one generic layer letter and the last layer"),
    (NIELSEN.replace(r"  a^l_j = \sigma(z^l_j)", "  a^l_j = \\sigma(z^l_j)\n  a^{(1)}_j = \\tanh(z^l_j)"),
     r"z^{l}_{j}: the generic layer l in a line for a concrete layer"),
])
def test_a_wrong_layers_block_is_an_error(block, message):
    first = check_text(block, "n.md").claims[0]
    assert first.verdict == Verdict.ERROR
    assert first.message.startswith(message), first.message


def test_without_layers_a_letter_superscript_is_part_of_a_name():
    block = NIELSEN.replace("layers: {l: L}\n", "").replace("a^L_j", "a^l_j")
    found = claims(block.replace("\\tag{29}", "") + "\n$$\\frac{\\partial C}{\\partial b^l_j} = "
                   "(a^l_j - y_j) a^l_j (1 - a^l_j) \\tag{bp3}$$\n\n"
                   "$$\\frac{\\partial C}{\\partial z^{l+1}_j} = 0 \\tag{new}$$\n")
    assert found["bp3"].verdict.holds, found["bp3"].message
    assert found["new"].verdict == Verdict.ERROR
    assert "declare layers: {l: L}" in found["new"].hint


def test_the_unknown_symbol_hint_names_the_symbols_as_the_author_writes_them():
    from symbolic import check_text
    note = (r"""```derivation
indices: {k: K}
define: |
  \hat{y}_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}
  \mathcal{L} = -\sum_k y_k \log \hat{y}_k
loss: \mathcal{L}
```
""" + "\n$$\\frac{\\partial \\mathcal{L}}{\\partial a_k} = \\hat{y}_k - q_k \\tag{a}$$\n")
    (claim,) = check_text(note, "n.md").claims
    assert claim.hint == r"symbols of this context: a, \hat{y}, \mathcal{L}, y"
