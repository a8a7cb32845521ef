"""numeric.datasets and numeric.trainer: data, sizes, SGD, divergence, plots."""

from __future__ import annotations

import io

import numpy as np
import pytest


from tests.benchmarks import numeric_networks as nets

from numeric.compile import compile_network
from numeric.datasets import SyntheticSizes, load_dataset
from numeric.trainer import (Trainer, TrainingError, TrainingSettings, model_sizes,
                             plot_history)
from symbolic.errors import UsageError
from symbolic.model.tensors import Tensor


def test_digits_is_split_standardised_and_one_hot():
    data = load_dataset("digits", seed=0)
    assert data.features == 64 and data.classes == 10
    assert len(data.y_train) + len(data.y_test) == 1797
    assert len(data.y_test) == 359
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0, atol=1e-12)
    spread = data.x_train.std(axis=0)
    assert np.all((np.abs(spread - 1) < 1e-9) | (spread == 0))  # blank pixels stay 0
    assert np.array_equal(data.t_train.argmax(axis=1), data.y_train)
    assert np.all(data.t_train.sum(axis=1) == 1)
    again = load_dataset("digits", seed=0)
    assert np.array_equal(again.y_test, data.y_test)
    assert not np.array_equal(load_dataset("digits", seed=1).y_test, data.y_test)


def test_iris_and_synthetic_sizes():
    iris = load_dataset("iris", dtype=np.float32)
    assert (iris.features, iris.classes, iris.x_train.dtype) == (4, 3, np.float32)
    synthetic = load_dataset("synthetic", synthetic=SyntheticSizes(samples=500, features=7, classes=5), seed=4)
    assert (synthetic.features, synthetic.classes, len(synthetic.y_train) + len(synthetic.y_test)) == (7, 5, 500)
    tiny = load_dataset("synthetic", synthetic=SyntheticSizes(samples=10, features=3, classes=5), seed=17)
    assert len(set(tiny.y_train) | set(tiny.y_test)) < 5  # this draw misses a class …
    assert tiny.classes == 5  # … and the targets keep the five classes asked for


@pytest.mark.parametrize("name,kwargs,message", [
    ("mnist", {}, "unknown data set 'mnist'"),
    ("synthetic", {"synthetic": SyntheticSizes(samples=3, features=2, classes=2)}, "too few"),
    ("synthetic", {"synthetic": SyntheticSizes(samples=30, features=2, classes=1)}, "at least 2 classes"),
    ("digits", {"test_fraction": 1.5}, "test fraction"),
    ("digits", {"seed": -1}, "--seed must not be negative"),
])
def test_bad_data_requests_are_usage_errors(name, kwargs, message):
    with pytest.raises(UsageError, match=message):
        load_dataset(name, **kwargs)


def test_sizes_come_from_the_data():
    network = nets.seed_network()
    assert model_sizes(network, load_dataset("iris"), hidden=5) == {"I": 4, "J": 5, "K": 3}


def test_sizes_that_do_not_fit_the_data_are_usage_errors():
    network = nets.seed_network()
    network.target = Tensor("x", ("I",))  # input and target over the same range I
    with pytest.raises(UsageError, match="the same size I, but digits has 64 features and 10 classes"):
        model_sizes(network, load_dataset("digits"), hidden=8)
    network = nets.seed_network()
    network.input = nets.w_ij
    with pytest.raises(UsageError, match="the input w is I×J"):
        model_sizes(network, load_dataset("digits"), hidden=8)
    with pytest.raises(UsageError, match="--hidden must be positive"):
        model_sizes(nets.seed_network(), load_dataset("digits"), hidden=0)


def digits_trainer(formulas=nets.cross_entropy_gradients, loss="cross_entropy", progress=None, **settings):
    compiled = compile_network(nets.seed_network(loss), formulas())
    chosen = {"epochs": 3, "lr": 0.05, "batch": 32, "momentum": 0.9, "hidden": 32, "seed": 0, **settings}
    return Trainer(compiled, load_dataset("digits"), TrainingSettings(**chosen), progress=progress)


def test_training_on_digits_improves_accuracy_and_reports_progress():
    progress = io.StringIO()
    trainer = digits_trainer(progress=progress)
    before = trainer.evaluate(trainer.data.x_test, trainer.data.t_test, trainer.data.y_test)
    history = trainer.fit()
    assert history.final.test_accuracy > 0.9 > before[1]
    assert history.final.test_loss < history.initial_loss / 4
    lines = progress.getvalue().splitlines()
    assert len(lines) == 3 and lines[-1].startswith("[====================] epoch 3/3")


def test_training_is_seeded_and_float32_works():
    first = digits_trainer(epochs=1, momentum=0.0).fit().final
    second = digits_trainer(epochs=1, momentum=0.0).fit().final
    assert (first.train_loss, first.test_accuracy) == (second.train_loss, second.test_accuracy)
    single = digits_trainer(epochs=2, dtype="float32")
    assert single.fit().final.test_accuracy > 0.85
    # the steps themselves, not only the parameters (which an in-place update would cast back)
    x, t = single.data.x_train[:8], single.data.t_train[:8]
    assert x.dtype == t.dtype == np.float32
    data = {"x[I]": x, "t[K]": t}
    values = single.compiled.forward(single.parameters, data, single.sizes)
    steps = single.compiled.gradients(single.parameters, data, single._step_sizes, values)
    assert {step.dtype for step in steps.values()} == {np.dtype(np.float32)}


def test_nan_loss_stops_with_a_hint_to_lower_the_learning_rate():
    with pytest.raises(TrainingError) as caught:
        digits_trainer(lr=1e4, momentum=0.0).fit()
    assert "try a smaller --lr than 10000" in caught.value.one_line()
    assert "\n" not in caught.value.one_line()


def test_bad_settings_are_usage_errors():
    with pytest.raises(UsageError, match="unknown dtype"):
        digits_trainer(dtype="float16")
    with pytest.raises(UsageError, match="--batch and --lr must be positive"):
        digits_trainer(batch=0)
    with pytest.raises(UsageError, match="--seed must not be negative"):
        TrainingSettings(seed=-1)


def test_plot_has_train_and_test_curves(tmp_path):
    history = digits_trainer(epochs=2).fit()
    path = tmp_path / "loss.png"
    plot_history(history, str(path), title="digits")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(UsageError, match="cannot write the plot"):
        plot_history(history, str(tmp_path / "missing" / "loss.png"))
