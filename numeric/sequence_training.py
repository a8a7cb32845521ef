"""Training a model with index arithmetic on synthetic sequences: a recurrence learns to predict
the next value of noisy sine waves, a convolution learns a moving average.

No data set holds sequences, so the task is made from the model's own shapes: the
input's time (or first) range is the position along a signal, its other ranges are
channels. Only numpy is needed. An initial state (``outside: initial``) is zero.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np

from symbolic.errors import ModelError
from symbolic.model.recurrence import time_ranges
from symbolic.model.tensors import Network, Tensor

from .finite_differences import FiniteDifferences, descent_rate
from .formulas import GradientFormula
from .sequences import Evaluation, Point
from .trainer import DIVERGENCE_RATIO, TrainingError, TrainingSettings, initial_parameters
from .unrolled import AFTER

NOISE = 0.1  # standard deviation of the noise added to every input
AMPLITUDE = 0.8  # sine targets stay inside tanh's range
FREQUENCIES = (0.4, 0.9)  # radians per step of the sines
TEST_FRACTION = 0.2
DESCENT_ROWS = 256


@dataclass(frozen=True)
class Sequences:
    """Inputs and targets with a sample axis first, split into train and test, and what they are."""

    description: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@dataclass
class SequenceHistory:
    """Train and test loss per epoch, and the test loss before training and with every parameter 0."""

    train: list[float] = field(default_factory=list)
    test: list[float] = field(default_factory=list)
    initial: float = math.nan
    zero: float = math.nan
    descent: float = math.nan
    seconds: float = 0.0


def _channels_last(network: Network, tensor: Tensor, sizes: dict[str, int], axis: str | None):
    """The tensor's shape, the position of ``axis`` in it (or None) and the number of channels."""
    shape = tuple(sizes[r] for r in tensor.ranges)
    position = tensor.ranges.index(axis) if axis in tensor.ranges else None
    steps = shape[position] if position is not None else 1
    return shape, position, math.prod(shape) // steps


def _arranged(signal: np.ndarray, shape: tuple, position: int | None) -> np.ndarray:
    """(samples, steps, channels) rearranged into (samples, *shape) with the steps at ``position``."""
    if position is None:
        return signal.reshape((len(signal),) + shape)
    rest = [s for n, s in enumerate(shape) if n != position]
    return np.moveaxis(signal.reshape((len(signal), signal.shape[1], *rest)), 1, position + 1)


def synthetic_sequences(network: Network, sizes: dict[str, int], samples: int, seed: int) -> Sequences:
    """The task that fits the model: next values of noisy sines for a recurrence, a moving average
    of a noisy signal for a convolution.

    Raises:
        ModelError: the model has no input or no target.
    """
    x, y = network.input, network.target
    if x is None or y is None:
        missing = "input" if x is None else "target"
        raise ModelError(f"the model has no {missing}: synthetic sequences need both",
                         hint="name them x and t, or say which leaves they are with input: NAME and target: NAME")
    rng = np.random.default_rng(seed)
    times = time_ranges(network)
    axis = times[0] if times else (x.ranges[0] if x.ranges else None)
    x_shape, x_pos, x_channels = _channels_last(network, x, sizes, axis)
    # a convolution's output runs along its own first range (I - M + 1 positions)
    y_axis = axis if times or not y.ranges else y.ranges[0]
    y_shape, y_pos, y_channels = _channels_last(network, y, sizes, y_axis)
    steps = sizes[axis] if axis else 1
    if times:
        omega = rng.uniform(*FREQUENCIES, (samples, 1, 1))
        phase = rng.uniform(0, 2 * math.pi, (samples, 1, 1))
        t = np.arange(steps)[None, :, None]
        inputs = np.sin(omega * t + phase + math.pi * np.arange(x_channels) / x_channels)
        later = t + 1 if y_pos is not None else np.full((1, 1, 1), steps)
        targets = AMPLITUDE * np.sin(omega * later + phase + math.pi * np.arange(y_channels) / y_channels)
        what = (f"{samples} noisy sines (frequencies {FREQUENCIES[0]}..{FREQUENCIES[1]} rad/step, random "
                f"phases, noise {NOISE}); target {y.name}: " +
                ("the next step's value" if y_pos is not None else f"the value after the last of {steps} steps"))
    else:
        positions = np.arange(steps)[None, :, None]
        omega = rng.uniform(0.2, 1.5, (samples, 3, 1, 1))
        phase = rng.uniform(0, 2 * math.pi, (samples, 3, 1, 1))
        inputs = np.sin(omega * positions[:, None] + phase).sum(axis=1) / 2 * np.ones((1, 1, x_channels))
        out = y_shape[y_pos] if y_pos is not None else 1
        if out > steps:
            raise ModelError(f"the target {y.name} has more positions ({out}) than the input {x.name} ({steps})")
        width = steps - out + 1 if 1 <= steps - out + 1 <= steps else 3
        padded = np.pad(inputs, ((0, 0), ((width - 1) // 2 if out == steps else 0,) * 2, (0, 0)))
        windows = np.stack([padded[:, n:n + width].mean(axis=1) for n in range(out)], axis=1)
        targets = windows.mean(axis=2, keepdims=True) * np.ones((1, 1, y_channels))
        what = (f"{samples} noisy sums of sines; target {y.name}: their moving average over windows of "
                f"{width} positions")
    inputs = inputs + NOISE * rng.standard_normal(inputs.shape)
    inputs, targets = _arranged(inputs, x_shape, x_pos), _arranged(targets, y_shape, y_pos)
    test = max(1, int(round(samples * TEST_FRACTION)))
    return Sequences(what, inputs[test:], targets[test:], inputs[:test], targets[:test])


class SequenceTrainer:
    """Mini-batch SGD with momentum on :class:`Sequences`, with the given gradient formulas."""

    def __init__(self, network: Network, formulas: dict[Tensor, GradientFormula], sizes: dict[str, int],
                 data: Sequences, settings: TrainingSettings, progress: TextIO | None = None):
        self.network, self.formulas, self.data, self.settings = network, formulas, data, settings
        self.evaluation = Evaluation(network, sizes)
        self.parameters = initial_parameters(network, sizes, settings.seed, "float64")
        self.progress = progress
        self.sizes = sizes

    def point(self, parameters, x: np.ndarray, y: np.ndarray) -> Point:
        """The point of these rows, with every initial state (and entry past the end) 0."""
        initial = {}
        for tensor in self.network.tensors.values():
            if self.network.outside.get(tensor.name) == "initial" and tensor not in self.network.leaves:
                shape = (len(x),) + tuple(self.sizes[r] for r in tensor.ranges)
                initial[tensor.key] = initial[tensor.key + AFTER] = np.zeros(shape)
        return Point(parameters, {self.network.input.key: x, self.network.target.key: y}, initial)

    def loss(self, parameters, x, y) -> float:
        return self.evaluation.mean_loss(self.point(parameters, x, y))

    def step(self, parameters, x, y) -> tuple[float, dict[str, np.ndarray]]:
        """The batch-mean loss and every formula's gradient, from one evaluation."""
        unrolled = self.evaluation.run(self.point(parameters, x, y))
        loss = float(unrolled.array(self.network.loss).mean())
        return loss, {tensor.key: self.evaluation.gradient(unrolled, formula)
                      for tensor, formula in self.formulas.items()}

    def fit(self) -> SequenceHistory:
        """Train for the settings' epochs; the history holds the losses.

        Raises:
            TrainingError: the loss became NaN or infinite, or grew tenfold.
        """
        s, data, history = self.settings, self.data, SequenceHistory()
        history.zero = self.loss({k: np.zeros_like(v) for k, v in self.parameters.items()}, data.x_test, data.y_test)
        history.initial = self.loss(self.parameters, data.x_test, data.y_test)
        rows = slice(0, DESCENT_ROWS)
        at = {k: v.copy() for k, v in self.parameters.items()}
        fd = FiniteDifferences(lambda p: self.loss(p, data.x_train[rows], data.y_train[rows]), at)
        history.descent = descent_rate(fd, self.step(at, data.x_train[rows], data.y_train[rows])[1])
        velocity = {k: np.zeros_like(v) for k, v in self.parameters.items()}
        rng = np.random.default_rng(s.seed + 1)
        started = time.perf_counter()
        for epoch in range(1, s.epochs + 1):
            order, losses = rng.permutation(len(data.x_train)), []
            for start in range(0, len(order), s.batch):
                batch = order[start:start + s.batch]
                x, y = data.x_train[batch], data.y_train[batch]
                loss, gradients = self.step(self.parameters, x, y)
                for key, g in gradients.items():
                    velocity[key] = s.momentum * velocity[key] - s.lr * g
                    self.parameters[key] += velocity[key]
                losses.append(loss)
            history.train.append(float(np.mean(losses)))
            history.test.append(self.loss(self.parameters, data.x_test, data.y_test))
            if not math.isfinite(history.test[-1]) or history.test[-1] > DIVERGENCE_RATIO * max(history.initial, 1e-12):
                raise TrainingError(f"training diverged at epoch {epoch}: test loss {history.test[-1]:.4g} "
                                    f"(start {history.initial:.4g})", hint="lower --lr")
            if self.progress:
                self.progress.write(f"epoch {epoch}/{s.epochs}  loss {history.train[-1]:.4f}  "
                                    f"test loss {history.test[-1]:.4f}\n")
        history.seconds = time.perf_counter() - started
        return history
