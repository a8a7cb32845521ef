"""Numeric ground truth for the max-pooling transcriptions (plain numpy, no gradproof).

Each member of a claim is evaluated at random points for vector lengths n = 2..5 and stacked;
the derivative is a central finite difference of the forward pass. Random points have no ties
(two equal entries), where the derivative of a max is not defined.
"""

from __future__ import annotations

import numpy as np

from tests.realworld.ground_truth import claim, fd, rng

F = "leimao_maxpool.md"


def _points():
    gen = rng(11)
    return [gen.uniform(-2, 2, n) for n in (2, 3, 4, 5) for _ in range(25)]


def _y(x):
    return np.max(x)


def _w(x):
    """The author's weights: 1 for the neuron with the maximum value, 0 for the others."""
    return (x == np.max(x)).astype(float)


def _stacked(*members):
    return [np.concatenate([np.atleast_1d(member(x)) for x in _points()]) for member in members]


@claim(F, "m1")
def _():
    return _stacked(_y, lambda x: max(x.tolist()))


@claim(F, "m2")
def _():
    return _stacked(_y, lambda x: np.sum(_w(x) * x))


@claim(F, "m3")
def _():
    return _stacked(_w, lambda x: np.array([1.0 if v == max(x.tolist()) else 0.0 for v in x]))


@claim(F, "m4")
def _():
    return _stacked(lambda x: fd(_y, x), _w,
                    lambda x: np.array([1.0 if v == max(x.tolist()) else 0.0 for v in x]))
