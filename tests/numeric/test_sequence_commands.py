"""gradproof gradcheck and train on recurrent and convolutional models, through main(argv)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from numeric import sequences
from numeric.trainable import load_models
from symbolic.cli import main
from symbolic.errors import ModelError
from tests.models import RNN
from tests.numeric.test_unrolled import BPTT

ROOT = Path(__file__).resolve().parents[2]
PLANTED = str(ROOT / "tests" / "planted" / "recurrent.md")

RELU_RNN = r"""```derivation
indices: {t: T, j: H, k: H, i: D}
define: |
  z_{t,j} = \sum_k W_{jk} h_{t-1,k} + \sum_i U_{ji} x_{t,i} + b_j
  h_{t,j} = \max(0, z_{t,j})
  L = \frac{1}{2} \sum_t \sum_j (h_{t,j} - y_{t,j})^2
outside: {h: initial, epsilon: 0, z: 0}
target: y
```

$$\epsilon_{t,j} = \frac{\partial L}{\partial h_{t,j}}$$

$$\epsilon_{t,j} = h_{t,j} - y_{t,j} + \sum_k W_{kj} \mathbb{1}[z_{t+1,k} > 0] \epsilon_{t+1,k} \tag{rec}$$

$$\frac{\partial L}{\partial W_{jk}} = \sum_t \epsilon_{t,j} \mathbb{1}[z_{t,j} > 0] h_{t-1,k} \tag{w}$$

$$\frac{\partial L}{\partial b_j} = \sum_t \epsilon_{t,j} \mathbb{1}[z_{t,j} > 0] \tag{b}$$

$$\frac{\partial L}{\partial U_{ji}} = \sum_t \epsilon_{t,j} x_{t,i} \tag{no-mask}
% expect: refuted
$$
"""

CONVOLUTION = r"""```derivation
indices: {i: I - M + 1, m: M}
define: |
  y_i = \sum_m w_m x_{i+m-1} + b
  L = \frac{1}{2} \sum_i (y_i - t_i)^2
```

$$\frac{\partial L}{\partial w_m} = \sum_i (y_i - t_i) x_{i+m-1} \tag{kernel}$$

$$\frac{\partial L}{\partial b} = \sum_i (y_i - t_i) \tag{bias}$$
"""


@pytest.fixture(scope="module")
def notes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notes")
    texts = {"rnn": RNN.replace("outside:", "target: y\noutside:") + BPTT, "relu": RELU_RNN,
             "conv": CONVOLUTION}
    for name, text in texts.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return {name: str(folder / f"{name}.md") for name in texts}


def errors(out: str) -> list[float]:
    return [float(x) for x in re.findall(r"‖ = ([\d.e+-]+)", out)]


def test_gradcheck_of_the_planted_recurrence_and_convolution_on_random_data(capsys):
    assert main(["gradcheck", PLANTED]) == 0  # every claim fails, as the note expects
    out = capsys.readouterr().out
    assert "(block 1): RANDOM DATA, as no data set holds sequences: seed 0, 32 samples, sizes H=4 T=5 D=3" in out
    assert "(block 2): RANDOM DATA" in out and "sizes I=4 M=3 I - M + 1=2" in out
    assert "h outside its range ~ N(0, 0.25)" in out
    for label in ("dropped", "dropped-b", "flipped"):
        line = next(line for line in out.splitlines() if f"claim ({label})" in line)
        assert line.lstrip().startswith("FAIL") and line.endswith("[expected refuted: ok]")
    assert "3 fail finite differences (all as expected); numeric and symbolic verdicts agree" in out


def test_gradcheck_passes_bptt_claims_with_their_recursive_error(notes, capsys):
    assert main(["gradcheck", notes["rnn"], "--sizes", "T=6,H=3,D=2"]) == 0
    out = capsys.readouterr().out
    assert "sizes H=3 T=6 D=2" in out
    assert r"\epsilon from claim (eps), verified" in out
    assert out.count("  pass  ") == 3 and "FAIL" not in out
    assert max(errors(out)) < 1e-8


def test_gradcheck_of_a_relu_recurrence_stays_away_from_kinks(notes, capsys):
    assert main(["gradcheck", notes["relu"]]) == 0
    out = capsys.readouterr().out
    distance = float(re.search(r"at least 0.001 from 0 \(([\d.e+-]+) at the least", out).group(1))
    assert distance >= sequences.KINK_MARGIN
    assert out.count("  pass  ") == 2 and "claim (no-mask)" in out and "[expected refuted: ok]" in out


def test_points_near_a_kink_are_redrawn(notes, monkeypatch):
    [model] = load_models(notes["relu"], derive=False)
    sizes = sequences.model_sizes(model.network)
    evaluation = sequences.Evaluation(model.network, sizes)
    first = sequences.random_point(model.network, sizes, model.network.parameters, 2, 0)
    unrolled = evaluation.run(first)
    unrolled.array(model.network.loss)
    margin = 2 * unrolled.kink_distance  # the first draw is too near a kink
    monkeypatch.setattr(sequences, "KINK_MARGIN", margin)
    point = sequences.away_from_kinks(evaluation, model.formulas, model.network.parameters, 2, 0)
    assert point.draws > 1 and point.kink_distance >= margin
    monkeypatch.setattr(sequences, "KINK_MARGIN", 1e9)
    with pytest.raises(ModelError, match="within 1e\\+09 of its kink"):
        sequences.away_from_kinks(evaluation, model.formulas, model.network.parameters, 2, 0)


def test_train_a_recurrence_on_noisy_sines(notes, capsys):
    assert main(["train", notes["rnn"], "--epochs", "4", "--samples", "600", "--lr", "0.01"]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC SEQUENCES: 600 noisy sines" in out and "the next step's value" in out
    assert "initial states 0" in out and "claim (w), verified" in out
    found = re.search(r"test loss ([\d.]+) \(start ([\d.]+); every parameter 0 gives ([\d.]+)\)", out)
    after, before, zero = map(float, found.groups())
    assert after < 0.2 * before and after < 0.2 * zero
    assert "these formulas are the gradient of L (finite-difference slope / claimed slope = 1.000000)" in out


def test_train_a_convolution_on_a_moving_average(notes, capsys):
    assert main(["train", notes["conv"], "--epochs", "5", "--sizes", "I=12,M=3", "--samples", "600"]) == 0
    out = capsys.readouterr().out
    assert "moving average over windows of 3 positions" in out and "sizes I=12 M=3 I - M + 1=10" in out
    after, before = map(float, re.search(r"test loss ([\d.]+) \(start ([\d.]+)", out).groups())
    assert after < 0.1 * before


def test_training_with_truncated_bptt_shows_it_does_not_descend(capsys, tmp_path):
    note = tmp_path / "rnn.md"
    truncated = BPTT.replace(r"\epsilon_{t,j} (1 - h_{t,j}^2) h_{t-1,k}", r"(h_{t,j} - y_{t,j}) (1 - h_{t,j}^2) h_{t-1,k}")
    assert truncated != BPTT
    note.write_text(RNN.replace("outside:", "target: y\noutside:") + truncated, encoding="utf-8")
    assert main(["train", str(note), "--use-claims", "--epochs", "1", "--samples", "100", "--lr", "0.01"]) == 0
    out = capsys.readouterr().out
    assert "claim (w), refuted: used because of --use-claims" in out
    assert "they are not the gradient of L" in out


@pytest.mark.parametrize("argv, message", [
    (["gradcheck", PLANTED, "--data", "digits"], "it is checked on random data, not on digits"),
    (["train", PLANTED, "--data", "digits"], "so it trains on synthetic ones, not on digits"),
    (["train", PLANTED], "the model has no target: synthetic sequences need both"),
    (["gradcheck", PLANTED, "--sizes", "Q=3"], "the model has no size Q"),
    (["gradcheck", PLANTED, "--sizes", "T"], "cannot read the size 'T'"),
    (["gradcheck", PLANTED, "--dtype", "float32"], "evaluated in float64 only"),
])
def test_what_a_sequence_model_cannot_do_is_one_line(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_synthetic_sines_put_the_steps_where_the_model_has_them(notes):
    [model] = load_models(notes["rnn"], derive=False)
    from numeric.sequence_training import synthetic_sequences
    data = synthetic_sequences(model.network, {"T": 6, "H": 3, "D": 2}, 50, 0)
    assert data.x_train.shape == (40, 6, 2) and data.y_train.shape == (40, 6, 3)
    # the target at step t is the input's clean sine one step later (channel 0 shares its phase)
    residual = data.y_train[:, :-1, 0] / 0.8 - data.x_train[:, 1:, 0]
    assert np.abs(residual).mean() < 0.15


def test_a_formula_through_an_error_without_its_recursion_is_not_checked(tmp_path, capsys):
    """ε = ∂L/∂h with no claim giving its formula: nothing to evaluate, said, never a pass."""
    note = tmp_path / "rnn.md"
    only_w = BPTT.split("$$", 3)[3]  # the claims after ε's recursion
    note.write_text(RNN.replace("outside:", "target: y\noutside:") + "$$" + only_w, encoding="utf-8")
    assert main(["gradcheck", str(note)]) == 0
    out = capsys.readouterr().out
    assert out.count("NOT CHECKED  ") == 3 and "\\epsilon is defined as a derivative" in out
    assert "0 formula(s) pass, 0 fail finite differences (all as expected), 3 NOT CHECKED" in out
    assert main(["train", str(note), "--epochs", "1"]) == 2
    assert "no claim gives a formula for it" in capsys.readouterr().err


def test_a_loss_evaluation_across_a_kink_is_counted(notes):
    [model] = load_models(notes["relu"], derive=False)
    evaluation = sequences.Evaluation(model.network, sequences.model_sizes(model.network))
    point = sequences.away_from_kinks(evaluation, model.formulas, model.network.parameters, 4, 0)
    evaluation.watch_kinks(point)
    evaluation.mean_loss(point)
    assert evaluation.crossings == 0
    shifted = {key: value.copy() for key, value in point.parameters.items()}
    shifted["b[H]"] += 3.0  # every pre-activation moves by 3: some cross 0
    evaluation.mean_loss(sequences.Point(shifted, point.data, point.initial))
    assert evaluation.crossings == 1
