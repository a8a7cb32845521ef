"""A weight written output × input (W_{ji}, z_j = Σ_i W_{ji} x_i): matrix products, training, drawing."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

from numeric.compile import compile_network
from numeric.datasets import load_dataset
from numeric.trainable import choose_formulas, load_models
from numeric.trainer import Trainer, TrainingSettings
from symbolic.cli import main

ROOT = Path(__file__).resolve().parents[2]

OUTPUT_BY_INPUT = r"""# Two layers with output-by-input weights

```derivation
indices: {i: I, j: J, k: K}
define: |
  z_j = \sum_i W_{ji} x_i + b_j
  h_j = \tanh(z_j)
  a_k = \sum_j V_{kj} h_j + c_k
  o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}
  L = -\sum_k t_k \log o_k
assume: [one-hot t]
```

$$\nabla V_{kj} = (o_k - t_k) h_j \tag{1}$$

$$\nabla W_{ji} = \sum_k (o_k - t_k) V_{kj} (1 - h_j^2) x_i \tag{2}$$
"""


@pytest.fixture(scope="module")
def note(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("layout") / "output_by_input.md"
    path.write_text(OUTPUT_BY_INPUT, encoding="utf-8")
    return path


def largest_intermediate(function, *arguments) -> int:
    """The most axes any array the generated function holds has (every operation is a variable)."""
    largest = 0

    def trace(frame, event, _):
        nonlocal largest
        if frame.f_code is function.__code__:
            for value in frame.f_locals.values():
                if isinstance(value, np.ndarray):
                    largest = max(largest, value.ndim)
            return trace
        return None

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        function(*arguments)
    finally:
        sys.settrace(previous)
    return largest


def compiled_with(path: Path, origin: str):
    """The note's model compiled with its claims (``claim``) or with the derived formulas."""
    model = load_models(str(path))[0]
    formulas = choose_formulas(model, use_claims=False)
    if origin == "derived":
        formulas = {tensor: next(f for f in model.formulas_for(tensor) if f.origin == "derived")
                    for tensor in formulas}
    assert {f.origin for f in formulas.values()} >= {origin}
    return model, compile_network(model.network, formulas, size_hints={"I": 64, "J": 32, "K": 10, "batch": 32})


@pytest.mark.parametrize("origin", ["claim", "derived"])
def test_output_by_input_weight_compiles_to_matrix_products_without_a_3d_intermediate(note, origin):
    model, compiled = compiled_with(note, origin)
    trainer = Trainer(compiled, load_dataset("digits"), TrainingSettings(hidden=32, epochs=1))
    data = trainer.layout.feed(trainer.data.x_train[:32], trainer.targets[:32])
    values = compiled.forward(trainer.parameters, data, trainer.sizes)
    assert largest_intermediate(compiled.forward, trainer.parameters, data, trainer.sizes) == 2
    assert largest_intermediate(compiled.gradients, trainer.parameters, data, trainer.sizes, values) == 2
    gradients = compiled.source.split("def gradients")[1]
    weight = re.search(r"'W\[J,I\]': (\w+)", gradients).group(1)
    assignment = next(line for line in gradients.splitlines() if line.strip().startswith(f"{weight} = "))
    assert " @ x_I" in assignment  # (…)ᵀ @ x: a J×I product, not a batch × J × I broadcast
    assert "_times_transpose(x_I, W_J_I)" in compiled.source.split("def gradients")[0]  # x @ Wᵀ


@pytest.mark.parametrize("name", ["backprop_cross_entropy.md", "two_hidden_layers.md"])
def test_input_by_output_weights_keep_2d_intermediates(name):
    model, compiled = compiled_with(ROOT / "derivations" / name, "claim")
    trainer = Trainer(compiled, load_dataset("digits"), TrainingSettings(hidden=16, epochs=1))
    data = trainer.layout.feed(trainer.data.x_train[:32], trainer.targets[:32])
    values = compiled.forward(trainer.parameters, data, trainer.sizes)
    assert largest_intermediate(compiled.gradients, trainer.parameters, data, trainer.sizes, values) == 2


def test_output_by_input_weight_trains_and_passes_gradcheck(note, capsys):
    assert main(["gradcheck", str(note)]) == 0
    out = capsys.readouterr().out
    assert "pass  ∂L/∂W_{ji} claim (2)" in out and "FAIL" not in out
    assert main(["train", str(note), "--epochs", "5"]) == 0
    out = capsys.readouterr().out
    assert "∂L/∂W_{ji} claim (2), proved" in out
    assert float(out.split("test accuracy ")[1].split("%")[0]) >= 95.0
    assert "these formulas are the gradient of L" in out


@pytest.mark.parametrize("suffix,drawing", [
    (".tex", [r"\begin{tikzpicture}", "{$W_{ji}$}", "{$V_{kj}$}"]),
    (".md", ["```mermaid", 'L0 -- "W_ji" --> L1', 'L1 -- "V_kj" --> L2'])])
def test_export_draws_the_network_of_output_by_input_weights(note, tmp_path, capsys, suffix, drawing):
    out = tmp_path / f"exported{suffix}"
    assert main(["export", str(note), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for piece in drawing:
        assert piece in text
