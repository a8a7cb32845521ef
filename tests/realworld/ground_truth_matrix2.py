"""Numeric ground truth for the second set of matrix-notation transcriptions (plain numpy, no
gradproof): logistic regression in matrix form, and a deep learning course's vectorised backward
pass over a batch.

A gradient is the central finite difference of a scalar by each entry, laid out like the variable
(the denominator layout). The batch network follows the course's convention: dZ and dA are
gradients of the summed per-example loss, dW and db of the cost (the mean over the m examples).
"""

from __future__ import annotations

import numpy as np

from tests.realworld.ground_truth import ILL, claim, fd, rng

F = "compphysics_logreg_matrix.md"


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


@claim(F, "g")
def _():
    r = rng(71)
    X, beta = r.normal(size=(5, 3)), r.normal(size=3)
    y = (r.random(5) < 0.5).astype(float)

    def cost(b):
        p = _sigmoid(X @ b)
        return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))

    p = _sigmoid(X @ beta)
    return [fd(cost, beta), -X.T @ (y - p)]


F = "suponji_dnn_backward.md"
_WIDTHS, _M = (3, 4, 4, 2), 5  # n^{[0]}..n^{[3]}: three layers above the input, m examples


def _batch(seed: int = 72):
    """A three-layer tanh network over a batch (columns are examples) with a squared-error loss
    summed over the examples; returns the parameters, the input and the forward pass."""
    r = rng(seed)
    W = [None] + [r.normal(size=(_WIDTHS[l], _WIDTHS[l - 1])) for l in range(1, 4)]
    b = [None] + [r.normal(size=(_WIDTHS[l], 1)) for l in range(1, 4)]
    X, Y = r.normal(size=(_WIDTHS[0], _M)), r.normal(size=(_WIDTHS[3], _M))
    return W, b, X, Y


def _forward(W, b, X, Y, start: int = 0, A_start=None, Z_at=None):
    """The summed loss, from layer ``start``'s activation A_start (or the input); ``Z_at``
    replaces one layer's pre-activation (l, Z) to differentiate by it."""
    A = X if A_start is None else A_start
    for l in range(start + 1, 4):
        Z = W[l] @ A + b[l]
        if Z_at is not None and Z_at[0] == l:
            Z = Z_at[1]
        A = np.tanh(Z)
    return 0.5 * np.sum((A - Y) ** 2)


def _activations(W, b, X):
    A, Z = [X], [None]
    for l in range(1, 4):
        Z.append(W[l] @ A[-1] + b[l])
        A.append(np.tanh(Z[-1]))
    return A, Z


def _layer_gradients(l: int):
    """dZ, dA (of the summed loss L), dW, db (of the cost J = L/m) at layer l, by differences."""
    W, b, X, Y = _batch()
    A, Z = _activations(W, b, X)
    dZ = fd(lambda z: _forward(W, b, X, Y, Z_at=(l, z)), Z[l])
    dA = fd(lambda a: _forward(W, b, X, Y, start=l, A_start=a), A[l])
    dA_prev = fd(lambda a: _forward(W, b, X, Y, start=l - 1, A_start=a), A[l - 1])

    def cost_by(which, value):
        W_, b_ = list(W), list(b)
        (W_ if which == "W" else b_)[l] = value
        return _forward(W_, b_, X, Y) / _M

    dW, db = fd(lambda w: cost_by("W", w), W[l]), fd(lambda v: cost_by("b", v), b[l])
    return dict(W=W[l], Z=Z[l], A_prev=A[l - 1], dZ=dZ, dA=dA, dA_prev=dA_prev, dW=dW, db=db)


def _tanh_prime(z):
    return 1 - np.tanh(z) ** 2


for _label, _l in (("d1", 2), ("f1", 1)):
    @claim(F, _label)
    def _(l=_l):
        g = _layer_gradients(l)
        return [g["dZ"], g["dA"] * _tanh_prime(g["Z"])]

for _label, _l in (("d2", 2), ("f2", 1)):
    @claim(F, _label)
    def _(l=_l):
        g = _layer_gradients(l)
        return [g["dW"], g["dZ"] @ g["A_prev"].T / _M]

for _label, _l in (("d3", 2), ("f3", 1)):
    @claim(F, _label)
    def _(l=_l):
        g = _layer_gradients(l)
        return [g["db"], np.sum(g["dZ"], axis=1, keepdims=True) / _M]


@claim(F, "d4")
def _():
    g = _layer_gradients(2)
    return [g["dA_prev"], g["W"].T @ g["dZ"]]


F = "mathse_2827437_two_layer.md"


def _two_layer(seed: int = 73, P: int = 3, H: int = 4, m: int = 5):
    """The asker's network: tanh hidden layer, one sigmoid output, cross-entropy summed over the m
    examples (the cost is its mean); returns what the claims need, by differences."""
    r = rng(seed)
    X, W1, W2 = r.normal(size=(P, m)), r.normal(size=(H, P)), r.normal(size=(1, H))
    y = (r.random((1, m)) < 0.5).astype(float)

    def loss_from_Z2(Z2):
        A2 = _sigmoid(Z2)
        return -np.sum(y * np.log(A2) + (1 - y) * np.log(1 - A2))

    def loss(W1_, W2_):
        return loss_from_Z2(W2_ @ np.tanh(W1_ @ X))

    Z1 = W1 @ X
    A1 = np.tanh(Z1)
    Z2 = W2 @ A1
    dZ2 = fd(loss_from_Z2, Z2)
    dZ1 = fd(lambda z: loss_from_Z2(W2 @ np.tanh(z)), Z1)
    dW2 = fd(lambda w: loss(W1, w) / m, W2)
    dW1 = fd(lambda w: loss(w, W2) / m, W1)
    return dict(X=X, W2=W2, Z1=Z1, A1=A1, A2=_sigmoid(Z2), y=y, dZ2=dZ2, dZ1=dZ1, dW2=dW2, dW1=dW1, m=m)


@claim(F, "t1")
def _():
    n = _two_layer()
    return [n["dZ2"], n["A2"] - n["y"]]


@claim(F, "t2")
def _():
    n = _two_layer()
    return [n["dW2"], 1 / n["m"] * n["dZ2"] @ n["A1"].T]


@claim(F, "t3")
def _():
    n = _two_layer()
    try:  # W^{[2]T} dZ^{[2]} g^{[1]'}(Z^{[1]}) as written: (H,m) times (H,m), a matrix product
        rhs = (n["W2"].T @ n["dZ2"]) @ (1 - np.tanh(n["Z1"]) ** 2)
    except ValueError:
        rhs = ILL
    return [n["dZ1"], rhs]


@claim(F, "t4")
def _():
    n = _two_layer()
    return [n["dW1"], ILL]  # X^{[T]}: X of a layer T, which the network does not have
