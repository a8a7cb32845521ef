"""Data sets to train on: scikit-learn's bundled digits, iris and breast cancer, and a seeded
synthetic one.

Inputs are standardised with the training split's statistics; targets are
one-hot rows (and labels). Nothing is downloaded: the three ship with scikit-learn.
Breast cancer has two classes, for models with a scalar 0/1 target (logistic regression).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from symbolic.errors import UsageError

from .extras import need

DatasetName = Literal["digits", "iris", "breast_cancer", "synthetic"]
DATASETS: tuple[str, ...] = get_args(DatasetName)


@dataclass(frozen=True)
class SyntheticSizes:
    """Sizes of the synthetic data set: samples N, features I, classes K."""

    samples: int = 2000
    features: int = 20
    classes: int = 4


TEST_FRACTION = 0.2


@dataclass(frozen=True)
class Dataset:
    """A train/test split: standardised inputs ``x``, one-hot targets ``t``, labels ``y``."""

    name: str
    x_train: np.ndarray
    t_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    t_test: np.ndarray
    y_test: np.ndarray

    @property
    def features(self) -> int:
        return self.x_train.shape[1]

    @property
    def classes(self) -> int:
        return self.t_train.shape[1]

    def astype(self, dtype) -> "Dataset":
        """The same data with inputs and targets in ``dtype``."""
        return Dataset(self.name, self.x_train.astype(dtype), self.t_train.astype(dtype), self.y_train,
                       self.x_test.astype(dtype), self.t_test.astype(dtype), self.y_test)


def load_dataset(name: str, *, seed: int = 0, test_fraction: float = TEST_FRACTION,
                 synthetic: SyntheticSizes = SyntheticSizes(), dtype=np.float64) -> Dataset:
    """Load, split and standardise a data set.

    Args:
        name: ``digits``, ``iris``, ``breast_cancer`` or ``synthetic``.
        seed: seeds the split (and the synthetic data).
        test_fraction: share of the samples held out for testing.
        synthetic: sizes of the synthetic data set.
        dtype: floating type of inputs and targets.

    Raises:
        UsageError: unknown data set name or unusable sizes.
    """
    if name not in DATASETS:
        raise UsageError(f"unknown data set {name!r}", hint=f"use one of {', '.join(DATASETS)}")
    if not 0 < test_fraction < 1:
        raise UsageError(f"the test fraction must be between 0 and 1, not {test_fraction}")
    if seed < 0:
        raise UsageError(f"--seed must not be negative, not {seed}")
    if name == "synthetic":
        x, y = synthetic_classes(synthetic, seed)
        classes = synthetic.classes  # as asked, even if a small draw missed one
    else:
        datasets = need("sklearn.datasets", f"the {name} data set")
        loader = {"digits": datasets.load_digits, "iris": datasets.load_iris,
                  "breast_cancer": datasets.load_breast_cancer}[name]
        bunch = loader()
        x, y = bunch.data.astype(np.float64), bunch.target.astype(np.int64)
        classes = len(bunch.target_names)
    return split(name, x, y, classes, seed=seed, test_fraction=test_fraction, dtype=dtype)


def synthetic_classes(sizes: SyntheticSizes, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters: one random centre per class, unit noise around it."""
    if min(sizes.samples, sizes.features, sizes.classes) < 1 or sizes.classes < 2:
        raise UsageError(f"synthetic sizes must be positive with at least 2 classes, not {sizes}")
    if sizes.samples < 2 * sizes.classes:
        raise UsageError(f"{sizes.samples} samples are too few for {sizes.classes} classes")
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((sizes.classes, sizes.features)) * (2.5 / np.sqrt(sizes.features))
    y = rng.integers(0, sizes.classes, sizes.samples)
    x = centres[y] + rng.standard_normal((sizes.samples, sizes.features), dtype=np.float32)
    return x, y


def split(name: str, x: np.ndarray, y: np.ndarray, classes: int, *, seed: int, test_fraction: float,
          dtype) -> Dataset:
    """A seeded shuffled split into ``classes`` one-hot classes, inputs standardised by the
    training statistics."""
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = max(1, int(round(len(y) * test_fraction)))
    test, train = order[:n_test], order[n_test:]
    mean = x[train].mean(axis=0)
    std = x[train].std(axis=0)
    std[std == 0] = 1.0  # a constant feature (a pixel that is always blank) stays 0

    def part(rows):
        inputs = ((x[rows] - mean) / std).astype(dtype)
        return inputs, np.eye(classes, dtype=dtype)[y[rows]], y[rows]

    return Dataset(name, *part(train), *part(test))
