"""Numeric ground truth for a softmax classifier's gradient written as one matrix product (plain
numpy, no gradproof): math.SE 4846993, samples in the columns of X (M×N), one-hot labels in the
columns of Y (K×N), weights W (M×K).

The gradient by W is the central finite difference of the loss by each entry of W, laid out like
W; the loss sums the cross entropy over the N samples, as the asker's E_in(W) does.
"""

from __future__ import annotations

import numpy as np

from tests.realworld.ground_truth import ILL, claim, fd, rng

F = "mathse_4846993_softmax_matrix.md"


def _softmax_columns(scores):
    """Each column of scores (K×N) through the softmax over its K entries."""
    shifted = np.exp(scores - scores.max(axis=0, keepdims=True))
    return shifted / shifted.sum(axis=0, keepdims=True)


def _problem(seed: int = 91, M: int = 3, N: int = 5, K: int = 4):
    r = rng(seed)
    X, W = r.normal(size=(M, N)), r.normal(size=(M, K))
    Y = np.eye(K)[:, r.integers(0, K, size=N)]  # one-hot columns

    def loss(w):
        return -np.sum(Y * np.log(_softmax_columns(w.T @ X)))

    return X, W, Y, loss


@claim(F, "g")
def _():
    X, W, Y, loss = _problem()
    S = _softmax_columns(W.T @ X)
    try:  # X(S(X) - Y)^T as written: M×N times N×K
        rhs = X @ (S - Y).T
    except ValueError:
        rhs = ILL
    return [fd(loss, W), rhs]
