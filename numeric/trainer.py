"""Mini-batch SGD with the compiled formulas: sizes from the data, seeded, with a progress display."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Literal, TextIO, get_args

import numpy as np

from symbolic.errors import GradproofError, UsageError
from symbolic.model.tensors import Network

from .compile import GRADIENT_SCALE, CompiledNetwork
from .datasets import Dataset
from .extras import need
from .layout import DataLayout, data_layout

DType = Literal["float32", "float64"]
DTYPES: tuple[str, ...] = get_args(DType)


@dataclass(frozen=True)
class TrainingSettings:
    """Everything a training run depends on; :data:`DEFAULTS` are the CLI defaults."""

    epochs: int = 30
    lr: float = 0.05
    batch: int = 32
    momentum: float = 0.9
    hidden: int = 64
    seed: int = 0
    dtype: DType = "float64"

    def __post_init__(self):
        """Raises UsageError on settings no run can use, before any work is done."""
        if self.dtype not in DTYPES:
            raise UsageError(f"unknown dtype {self.dtype!r}", hint=f"use {' or '.join(DTYPES)}")
        if self.batch < 1 or self.epochs < 0 or not self.lr > 0 or not 0 <= self.momentum < 1:
            raise UsageError("--batch and --lr must be positive, --epochs not negative, --momentum in [0, 1)")
        if self.seed < 0:
            raise UsageError(f"--seed must not be negative, not {self.seed}")


DEFAULTS = TrainingSettings()
DIVERGENCE_RATIO = 10.0  # a training loss this many times the initial one counts as diverging
EVALUATION_CHUNK = 4096  # rows per forward pass when evaluating a whole split


class TrainingError(GradproofError):
    """Training cannot go on: the loss became NaN or infinite, or diverged."""


@dataclass(frozen=True)
class EpochRecord:
    """Losses (batch means) and accuracies after one epoch."""

    epoch: int
    train_loss: float
    train_accuracy: float
    test_loss: float
    test_accuracy: float
    seconds: float


@dataclass
class History:
    records: list[EpochRecord] = field(default_factory=list)
    initial_loss: float = math.nan

    @property
    def final(self) -> EpochRecord:
        return self.records[-1]


def model_sizes(network: Network, dataset: Dataset, hidden: int, batch: int | None = None) -> dict[str, int]:
    """Size of every index range: input and target from the data, an example range the batch,
    the rest ``hidden`` (see :meth:`DataLayout.sizes`).

    Raises:
        UsageError: the input or target has a shape no data set fills, or the sizes do not fit the data.
    """
    return data_layout(network).sizes(network, dataset, hidden, DEFAULTS.batch if batch is None else batch)


def initial_parameters(network: Network, sizes: dict[str, int], seed: int, dtype: DType) -> dict[str, np.ndarray]:
    """Glorot-normal weights (tensors of rank ≥ 2) and zero biases, seeded."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for tensor in network.parameters:
        shape = tuple(sizes[name] for name in tensor.ranges)
        if len(shape) >= 2:
            scale = math.sqrt(2.0 / (shape[0] + shape[-1]))
            parameters[tensor.key] = (rng.standard_normal(shape) * scale).astype(dtype)
        else:
            parameters[tensor.key] = np.zeros(shape, dtype=dtype)
    return parameters


class Trainer:
    """Trains one compiled network on one data set; the parameters are updated in place.

    ``progress`` receives one line per epoch (the CLI passes ``sys.stderr``).
    """

    def __init__(self, compiled: CompiledNetwork, dataset: Dataset, settings: TrainingSettings,
                 progress: TextIO | None = None):
        network = compiled.network
        self.compiled = compiled
        self.settings = settings
        self.data = dataset.astype(settings.dtype)
        self.layout: DataLayout = data_layout(network)
        self.sizes = self.layout.sizes(network, dataset, settings.hidden, settings.batch)
        self.targets = self.layout.targets(self.data.t_train, self.data.y_train)
        self.parameters = initial_parameters(network, self.sizes, settings.seed, settings.dtype)
        self.velocity = {key: np.zeros_like(value) for key, value in self.parameters.items()}
        self._step_sizes = {**self.sizes, GRADIENT_SCALE: settings.lr}  # gradients come out as lr · gradient
        self.rng = np.random.default_rng(settings.seed + 1)
        self.progress = progress
        self.keys = (network.loss.key, compiled.prediction.key if compiled.prediction else None)

    def fit(self) -> History:
        """Run every epoch, evaluating on both splits after each.

        Raises:
            TrainingError: the loss became NaN/infinite or grew past :data:`DIVERGENCE_RATIO`× its start.
        """
        history = History()
        history.initial_loss, _ = self.evaluate(self.data.x_train, self.data.t_train, self.data.y_train)
        self._check_loss(history.initial_loss, 0, history.initial_loss)
        for epoch in range(1, self.settings.epochs + 1):
            started = time.perf_counter()
            train_loss, train_accuracy = self.epoch()
            seconds = time.perf_counter() - started
            self._check_loss(train_loss, epoch, history.initial_loss)
            test_loss, test_accuracy = self.evaluate(self.data.x_test, self.data.t_test, self.data.y_test)
            record = EpochRecord(epoch, train_loss, train_accuracy, test_loss, test_accuracy, seconds)
            history.records.append(record)
            self._show(record)
        return history

    def epoch(self) -> tuple[float, float]:
        """One pass of mini-batch SGD over the shuffled training split.

        Returns the mean loss and the accuracy of the batches as they were seen (before each update).
        """
        x, targets, y = self.data.x_train, self.targets, self.data.y_train
        loss_key, prediction_key = self.keys
        layout, forward, gradients = self.layout, self.compiled.forward, self.compiled.gradients
        parameters, batch = self.parameters, self.settings.batch
        order = self.rng.permutation(len(y))
        total, correct = 0.0, 0
        for start in range(0, len(y), batch):
            rows = order[start:start + batch]
            data = layout.feed(x[rows], targets[rows])
            values = forward(parameters, data, layout.with_rows(self.sizes, len(rows)))
            batch_loss = self._loss_sum(values[loss_key], len(rows))
            if not math.isfinite(batch_loss):
                raise self._diverged(batch_loss)
            total += batch_loss
            if prediction_key:
                correct += int(np.count_nonzero(layout.labels(values[prediction_key]) == y[rows]))
            self._update(gradients(parameters, data, layout.with_rows(self._step_sizes, len(rows)), values))
        return total / len(y), (correct / len(y) if prediction_key else math.nan)

    def _loss_sum(self, loss: np.ndarray, rows: int) -> float:
        """The loss summed over rows: per sample, the sum; batch-indexed, the batch's loss once per
        row, so that the reported loss is the batch loss averaged over batches as they are trained."""
        if self.layout.example is None:
            return float(loss.sum())
        return float(loss) * rows

    def _update(self, steps: dict[str, np.ndarray]) -> None:
        """v ← μ v − s; p ← p + v (p ← p − s without momentum), s = lr · gradient as the
        compiled code returns it; in place: no temporaries, and float32 stays float32."""
        momentum = self.settings.momentum
        for key, step in steps.items():
            parameter = self.parameters[key]
            if momentum:
                velocity = self.velocity[key]
                velocity *= momentum
                velocity -= step
                parameter += velocity
            else:
                parameter -= step

    def evaluate(self, x: np.ndarray, t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """Mean loss and accuracy over a whole split, without updating."""
        loss_key, prediction_key = self.keys
        layout = self.layout
        targets = layout.targets(t, y)
        # a batch-indexed loss may sum over its rows: evaluate it on batches of the training size
        chunk = EVALUATION_CHUNK if layout.example is None else self.settings.batch
        total, correct = 0.0, 0
        for start in range(0, len(y), chunk):
            rows = slice(start, start + chunk)
            count = len(y[rows])
            values = self.compiled.forward(self.parameters, layout.feed(x[rows], targets[rows]),
                                           layout.with_rows(self.sizes, count))
            total += self._loss_sum(values[loss_key], count)
            if prediction_key:
                correct += int(np.count_nonzero(layout.labels(values[prediction_key]) == y[rows]))
        return total / len(y), (correct / len(y) if prediction_key else math.nan)

    def _check_loss(self, loss: float, epoch: int, initial: float) -> None:
        if not math.isfinite(loss) or (epoch and loss > DIVERGENCE_RATIO * max(initial, 1e-12)):
            raise self._diverged(loss, epoch)

    def _diverged(self, loss: float, epoch: int | None = None) -> TrainingError:
        when = f"in epoch {epoch}" if epoch else "during training"
        what = "is not a number" if math.isnan(loss) else "diverged" if math.isfinite(loss) else "overflowed"
        return TrainingError(f"the loss {what} {when} (loss = {loss:.4g})",
                             hint=f"try a smaller --lr than {self.settings.lr:g}")

    def _show(self, record: EpochRecord) -> None:
        if self.progress is None:
            return
        width, done = 20, record.epoch * 20 // max(self.settings.epochs, 1)
        bar = "=" * done + " " * (width - done)
        self.progress.write(
            f"[{bar}] epoch {record.epoch:>{len(str(self.settings.epochs))}}/{self.settings.epochs}  "
            f"loss {record.train_loss:.4f}  acc {record.train_accuracy:6.1%}  "
            f"test loss {record.test_loss:.4f}  test acc {record.test_accuracy:6.1%}  {record.seconds * 1e3:.0f} ms\n")
        self.progress.flush()


def plot_history(history: History, path: str, title: str = "") -> None:
    """Train and test loss and accuracy per epoch, written to ``path`` (matplotlib, Agg)."""
    need("matplotlib", "--plot").use("Agg")
    plt = need("matplotlib.pyplot", "--plot")

    epochs = [r.epoch for r in history.records]
    figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(10, 4))
    loss_axes.plot(epochs, [r.train_loss for r in history.records], label="train")
    loss_axes.plot(epochs, [r.test_loss for r in history.records], label="test")
    loss_axes.set(xlabel="epoch", ylabel="loss", title="loss")
    accuracy_axes.plot(epochs, [r.train_accuracy for r in history.records], label="train")
    accuracy_axes.plot(epochs, [r.test_accuracy for r in history.records], label="test")
    accuracy_axes.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for axes in (loss_axes, accuracy_axes):
        axes.legend()
        axes.grid(alpha=0.3)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    try:
        figure.savefig(path)
    except (OSError, ValueError) as err:
        raise UsageError(f"cannot write the plot {path}: {err}") from None
    finally:
        plt.close(figure)
