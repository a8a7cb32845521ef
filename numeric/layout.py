"""How a data set feeds a model: the shapes of its input and target, and the arrays that go in.

A model reads its data in one of two ways. Per sample: the input is a vector x_i
(or a scalar x, for one feature) and the target a one-hot vector t_k (or a
scalar y, a 0/1 label of two classes); the compiled code gets a batch axis in
front and the trainer averages the per-sample loss. Batch-indexed: the input and
the target share an example index (x_{ni}, y_n) that the loss sums over; the
whole mini-batch is then one evaluation of the model, without a batch axis, with
N the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symbolic.errors import UsageError
from symbolic.model.tensors import Network, Tensor

from .datasets import Dataset

BINARY_THRESHOLD = 0.5  # a scalar prediction above the midpoint of the labels 0 and 1 says class 1


@dataclass(frozen=True)
class DataLayout:
    """The range names of the example, the features and the classes of one model (None: absent).

    ``classes`` None is a scalar target: a 0/1 label of two classes. ``features`` None
    is a scalar input: one feature. ``example`` None reads one sample at a time.
    """

    input: Tensor
    target: Tensor
    example: str | None
    features: str | None
    classes: str | None

    @property
    def binary(self) -> bool:
        return self.classes is None

    @property
    def default_data(self) -> str:
        """The data set that fits the model: synthetic for one feature, two classes for a scalar label."""
        if self.features is None:
            return "synthetic"
        return "breast_cancer" if self.binary else "digits"

    def sizes(self, network: Network, dataset: Dataset, hidden: int, batch: int) -> dict[str, int]:
        """Size of every index range: features and classes from the data, the example range the
        batch, the rest ``hidden``.

        Raises:
            UsageError: the data do not fit the input or the target, or ``hidden`` is not positive.
        """
        found: dict[str, int] = {}
        if self.features is None:
            if dataset.features != 1:
                raise UsageError(f"the input {self.input.name} is a scalar, but the {dataset.name} data give "
                                 f"{dataset.features} features per sample",
                                 hint=f"write the input with one index, e.g. {self.input.name}_i, "
                                      "or use --data synthetic --features 1")
        else:
            found[self.features] = dataset.features
        if self.classes is None:
            if dataset.classes != 2:
                raise UsageError(f"the target {self.target.name} is a scalar, a 0/1 label of two classes, but "
                                 f"{dataset.name} has {dataset.classes} classes",
                                 hint="use --data breast_cancer or --data synthetic --classes 2, or write "
                                      f"one-hot targets with one index, e.g. {self.target.name}_k")
        elif found.get(self.classes, dataset.classes) != dataset.classes:
            raise UsageError(f"the model gives input and target the same size {self.classes}, but {dataset.name} "
                             f"has {dataset.features} features and {dataset.classes} classes",
                             hint="use different index letters for input and output")
        else:
            found[self.classes] = dataset.classes
        if self.example is not None:
            found[self.example] = batch
        if hidden < 1:
            raise UsageError(f"--hidden must be positive, not {hidden}")
        ordered = {name: found.get(name, hidden) for name in network.index_ranges.values()}
        return {**ordered, **found}

    def targets(self, t: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The target of every row: one-hot rows, or the 0/1 label in the inputs' dtype."""
        return y.astype(t.dtype) if self.binary else t

    def feed(self, x: np.ndarray, targets: np.ndarray) -> dict[str, np.ndarray]:
        """The data arrays of the compiled functions for some rows (``targets`` from :meth:`targets`)."""
        if self.example is None:
            return {self.input.key: x if self.features else x[:, 0], self.target.key: targets}
        return {self.input.key: self._arranged(x, self.input), self.target.key: self._arranged(targets, self.target)}

    def _arranged(self, rows: np.ndarray, tensor: Tensor) -> np.ndarray:
        """Rows (and a feature or class axis) in the order of the tensor's ranges."""
        if rows.ndim == 2 and tensor.ranges.index(self.example) == 1:
            return rows.T
        return rows

    def with_rows(self, sizes: dict[str, int], rows: int) -> dict[str, int]:
        """``sizes`` for a call on ``rows`` rows: the example range is their number."""
        if self.example is None or sizes.get(self.example) == rows:
            return sizes
        return {**sizes, self.example: rows}

    def labels(self, prediction: np.ndarray) -> np.ndarray:
        """The class each row's prediction says: its largest entry, or above the threshold for a scalar."""
        if self.example is not None and prediction.ndim == 2 and self.target.ranges.index(self.example) == 1:
            prediction = prediction.T
        if self.binary:
            return (prediction > BINARY_THRESHOLD).astype(np.int64)
        return prediction.argmax(axis=1)


def data_layout(network: Network) -> DataLayout:
    """Which ranges of the model's input and target are the example, the features and the classes.

    Raises:
        UsageError: the input or the target has a shape no data set can fill.
    """
    x, t = network.input, network.target
    shared = _shared_ranges(network)
    if len(shared) > 1:
        raise UsageError(f"the input {x} and the target {t} share the ranges {', '.join(shared)}",
                         hint="give them one example index n that the loss sums over, as in x_{ni} and y_n")
    example = shared[0] if shared else None
    features = [name for name in x.ranges if name != example]
    classes = [name for name in t.ranges if name != example]
    if len(features) > 1:
        shape = "×".join(x.ranges)
        raise UsageError(f"the input {x.name} is {shape}, but the data give one vector of features per sample",
                         hint=f"write the input with one index, e.g. {x.name}_i, or an example index and one "
                              f"more, e.g. {x.name}_{{ni}}")
    if len(classes) > 1:
        raise UsageError(f"the target {t.name} is {'×'.join(t.ranges)}, but the data give one class per sample",
                         hint=f"write the target with one index (one-hot, e.g. {t.name}_k) or none (a 0/1 label)")
    return DataLayout(x, t, example, features[0] if features else None, classes[0] if classes else None)


def example_range(network: Network) -> str | None:
    """The size name of the model's example index (x_{ni}, y_n), or None when it reads one sample."""
    shared = _shared_ranges(network)
    return shared[0] if len(shared) == 1 else None


def _shared_ranges(network: Network) -> list[str]:
    """Ranges of both the input and the target that can be an example index.

    One is an example index when the input has features besides it (x_{ni}) and no parameter
    has it. x_k with t_k is one sample whose input and target have one size; a parameter over
    the range means input and target were given one size by mistake; the data show both.
    """
    x, t = network.input, network.target
    if x is None or t is None or len(x.ranges) < 2:
        return []
    return [name for name in x.ranges if name in t.ranges
            and not any(name in tensor.ranges for tensor in network.parameters)]
