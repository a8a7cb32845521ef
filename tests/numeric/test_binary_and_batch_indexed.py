"""Scalar and batch-indexed inputs and targets: logistic regression, one feature, an example index."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import sympy

from numeric.compile import compile_network
from numeric.datasets import load_dataset
from numeric.formulas import GradientFormula
from numeric.trainable import load_models
from numeric.trainer import Trainer, TrainingSettings
from symbolic.cli import main
from symbolic.model.functions import Log, Sigmoid
from symbolic.model.tensors import Definition, Network, Tensor, index_symbol

ROOT = Path(__file__).resolve().parents[2]
LOGISTIC = str(ROOT / "docs" / "examples" / "logistic_regression.md")

BATCH_LOGISTIC = r"""# Logistic regression over a batch

```derivation
indices: {n: N, i: I}
define: |
  a_n = \sum_i w_i x_{ORDER} + b
  p_n = \sigma(a_n)
  L = -\sum_n (y_n \log p_n + (1 - y_n) \log(1 - p_n))
target: y
```

$$\nabla w_i = \sum_n (p_n - y_n) x_{ORDER} \tag{w}$$

$$\nabla b = \sum_n (p_n - y_n) \tag{b}$$
"""

BATCH_SOFTMAX = r"""# Softmax regression over a batch, one-hot rows t_{nk}

```derivation
indices: {n: N, i: I, k: K}
define: |
  a_{nk} = \sum_i w_{ik} x_{ni} + b_k
  o_{nk} = \frac{e^{a_{nk}}}{\sum_{k'} e^{a_{nk'}}}
  L = -\sum_n \sum_k t_{nk} \log o_{nk}
```
"""

ONE_FEATURE = r"""# One feature

```derivation
define: |
  a = w x + b
  p = \sigma(a)
  L = -(y \log p + (1 - y) \log(1 - p))
target: y
```

$$\nabla w = (p - y) x \tag{w}$$
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def accuracy(out: str) -> float:
    return float(out.split("test accuracy ")[1].split("%")[0])


def test_logistic_regression_trains_on_breast_cancer_by_default(capsys):
    assert main(["train", LOGISTIC]) == 0
    captured = capsys.readouterr()
    assert "breast_cancer, 455 train / 114 test samples, sizes I=30, float64" in captured.out
    assert re.search(r"∂L/∂w_\{i\}  claim \(w\), (proved|verified)\n", captured.out)  # a claim that holds
    assert accuracy(captured.out) >= 95.0
    assert "descent check: these formulas are the gradient of L" in captured.out
    assert "RuntimeWarning" not in captured.err  # log p and log(1 − p) stay finite as p saturates


def test_logistic_regression_gradcheck_passes(capsys):
    assert main(["gradcheck", LOGISTIC]) == 0
    out = capsys.readouterr().out
    assert "breast_cancer, 32 samples, sizes I=30, 31 parameters, full check" in out
    assert out.count("  pass  ") == 4 and "FAIL" not in out


@pytest.mark.parametrize("data,message", [
    ("digits", "the target y is a scalar, a 0/1 label of two classes, but digits has 10 classes "
               "(hint: use --data breast_cancer or --data synthetic --classes 2"),
    ("iris", "but iris has 3 classes"),
])
def test_a_scalar_target_on_many_classes_is_one_line_exit_2(capsys, data, message):
    assert main(["train", LOGISTIC, "--data", data]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {LOGISTIC} (block 1): ") and message in err and err.count("\n") == 1


def test_a_scalar_target_trains_on_two_synthetic_classes(capsys):
    assert main(["train", LOGISTIC, "--data", "synthetic", "--epochs", "3"]) == 0
    out = capsys.readouterr().out
    assert "synthetic, 1600 train / 400 test samples, sizes I=20" in out
    assert accuracy(out) >= 90.0


def test_stable_log_sigmoid_keeps_a_saturated_loss_finite():
    model = load_models(LOGISTIC, derive=False)[0]
    compiled = compile_network(model.network, {})
    assert "np.logaddexp(0, " in compiled.source
    parameters = {"w[I]": np.full(3, 40.0), "b": np.array(0.0)}
    data = {"x[I]": np.array([[1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]]), "y": np.array([0.0, 1.0])}
    loss = compiled.forward(parameters, data, {"I": 3})["L"]
    np.testing.assert_allclose(loss, [120.0, 120.0])  # −log(1 − σ(120)) and −log σ(−120)


def test_a_scalar_input_trains_on_one_synthetic_feature(tmp_path, capsys):
    note = write(tmp_path, "one_feature.md", ONE_FEATURE)
    assert main(["train", note, "--epochs", "3", "--samples", "1000"]) == 0
    out = capsys.readouterr().out
    assert "synthetic, 800 train / 200 test samples, sizes none (all scalars)" in out
    assert "these formulas are the gradient of L" in out
    assert main(["gradcheck", note]) == 0
    assert "FAIL" not in capsys.readouterr().out
    assert main(["train", note, "--data", "iris"]) == 2
    assert "the input x is a scalar, but the iris data give 4 features per sample" in capsys.readouterr().err


@pytest.mark.parametrize("order", ["ni", "in"])
def test_a_batch_indexed_model_trains_with_the_batch_as_its_example_range(tmp_path, capsys, order):
    note = write(tmp_path, f"batch_{order}.md", BATCH_LOGISTIC.replace("ORDER", "{" + order + "}"))
    assert main(["train", note, "--epochs", "10", "--lr", "0.002"]) == 0
    out = capsys.readouterr().out
    assert "breast_cancer, 455 train / 114 test samples, sizes N=32 I=30" in out
    assert "∂L/∂w_{i}  claim (w), verified" in out
    assert accuracy(out) >= 95.0
    assert "these formulas are the gradient of L" in out
    assert main(["gradcheck", note, "--batch", "17"]) == 0  # a batch that is not the default
    out = capsys.readouterr().out
    assert "17 samples, sizes N=17 I=30" in out and out.count("  pass  ") == 4


def test_a_batch_indexed_one_hot_target_trains(tmp_path, capsys):
    note = write(tmp_path, "batch_softmax.md", BATCH_SOFTMAX)
    assert main(["train", note, "--data", "iris", "--epochs", "20", "--lr", "0.005"]) == 0
    out = capsys.readouterr().out
    assert "iris, 120 train / 30 test samples, sizes N=32 I=4 K=3" in out
    assert accuracy(out) >= 85.0
    assert main(["gradcheck", note, "--data", "iris"]) == 0
    assert "FAIL" not in capsys.readouterr().out


def test_a_parameter_over_the_shared_range_is_not_an_example_index(tmp_path, capsys):
    note = write(tmp_path, "shared.md", BATCH_LOGISTIC.replace("ORDER", "{ni}").replace("+ b\n", "+ b_n\n")
                 .replace(r"$$\nabla b = \sum_n (p_n - y_n) \tag{b}$$", ""))
    assert main(["train", note]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {note}: the input x is N×I, but the data give one vector of features per sample")


def batch_mean_network():
    """a_n = Σ_i w_i x_{ni} + b; p_n = σ(a_n); L = −(1/N) Σ_n (y_n log p_n + (1 − y_n) log(1 − p_n)),
    built by hand: the notes format does not read the size N as a value yet."""
    n, i = index_symbol("n"), index_symbol("i")
    x, y, w, b = Tensor("x", ("N", "I")), Tensor("y", ("N",)), Tensor("w", ("I",)), Tensor("b", ())
    a, p, L = Tensor("a", ("N",)), Tensor("p", ("N",)), Tensor("L", ())
    network = Network(index_ranges={"n": "N", "i": "I"})
    N, I = network.size_symbol("n"), network.size_symbol("i")
    cross_entropy = y.entry(n) * Log(p.entry(n)) + (1 - y.entry(n)) * Log(1 - p.entry(n))
    network.definitions = [
        Definition(a, (n,), sympy.Sum(w.entry(i) * x.entry(n, i), (i, 0, I - 1)) + b.base),
        Definition(p, (n,), Sigmoid(a.entry(n))),
        Definition(L, (), -sympy.Sum(cross_entropy, (n, 0, N - 1)) / N),
    ]
    network.tensors = {tensor.key: tensor for tensor in (x, y, w, b, a, p, L)}
    network.input, network.target, network.loss = x, y, L
    error = p.entry(n) - y.entry(n)
    formulas = {w: GradientFormula(w, (i,), sympy.Sum(error * x.entry(n, i), (n, 0, N - 1)) / N, "claim", "w"),
                b: GradientFormula(b, (), sympy.Sum(error, (n, 0, N - 1)) / N, "claim", "b")}
    return network, formulas


def test_a_batch_mean_over_the_example_index_uses_the_rows_of_each_call():
    network, formulas = batch_mean_network()
    compiled = compile_network(network, formulas)
    trainer = Trainer(compiled, load_dataset("breast_cancer"), TrainingSettings(epochs=10, lr=0.05))
    assert trainer.sizes == {"N": 32, "I": 30}
    for rows in (32, 7):  # the last batch of an epoch is shorter: 1/N follows it
        data = trainer.layout.feed(trainer.data.x_train[:rows], trainer.targets[:rows])
        sizes = trainer.layout.with_rows(trainer.sizes, rows)
        values = compiled.forward(trainer.parameters, data, sizes)
        p = 1 / (1 + np.exp(-(trainer.data.x_train[:rows] @ trainer.parameters["w[I]"] + trainer.parameters["b"])))
        y = trainer.data.y_train[:rows]
        np.testing.assert_allclose(values["L"], [-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))], rtol=1e-12)
        gradients = compiled.gradients(trainer.parameters, data, sizes, values)
        np.testing.assert_allclose(gradients["w[I]"], (p - y) @ trainer.data.x_train[:rows] / rows, rtol=1e-12)
        np.testing.assert_allclose(gradients["b"], np.mean(p - y), rtol=1e-12)
    history = trainer.fit()
    assert history.final.test_accuracy >= 0.95
    assert history.final.test_loss < history.initial_loss / 4  # a mean per example, comparable to the start
