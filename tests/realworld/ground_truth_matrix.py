"""Numeric ground truth for the matrix-notation transcriptions (plain numpy, no gradproof).

Matrices are random normal arrays; a gradient by a matrix is the central finite difference of
the scalar by each entry, laid out like the matrix (the denominator layout).
"""

from __future__ import annotations

import numpy as np

from tests.realworld.ground_truth import claim, fd, rng

F = "mathse_118792_trace.md"


def _square(seed: int, n: int = 3):
    r = rng(seed)
    return (r.normal(size=(n, n)) for _ in range(3))


@claim(F, "q")
def _():
    A, X, B = _square(31)
    return [fd(lambda X_: np.trace(A @ X_ @ B), X), B @ A]


@claim(F, "a1")
def _():
    A, X, _B = _square(32)
    return [fd(lambda X_: np.trace(A @ X_), X), fd(lambda X_: np.trace(X_ @ A), X), A.T]


@claim(F, "a2")
def _():
    A, X, _B = _square(33)
    return [fd(lambda X_: np.trace(A @ X_.T), X), fd(lambda X_: np.trace(X_.T @ A), X), A]


@claim(F, "a3")
def _():
    r = rng(34)
    A, X = r.normal(size=(3, 3)), r.normal(size=(3, 4))
    return [fd(lambda X_: np.trace(X_.T @ A @ X_), X), (A + A.T) @ X]


F = "gdenfield_nndl_ch2.md"


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _net():
    """Two layers of width 3 above the input (l the hidden layer, L the output), one input."""
    r = rng(41)
    a0, W1, b1 = r.normal(size=3), r.normal(size=(3, 3)), r.normal(size=3)
    W2, b2, y = r.normal(size=(3, 3)), r.normal(size=3), r.normal(size=3)
    z1 = W1 @ a0 + b1
    a1 = _sig(z1)
    zL = W2 @ a1 + b2
    aL = _sig(zL)
    cost = lambda a_: 0.5 * np.sum((y - a_) ** 2)  # noqa: E731
    return dict(a0=a0, W1=W1, b1=b1, z1=z1, a1=a1, y=y, zL=zL, aL=aL, cost=cost,
                dL=fd(lambda z_: cost(_sig(z_)), zL), dCda=fd(cost, aL))


def _sp(z):
    return _sig(z) * (1 - _sig(z))


@claim(F, "a1")
def _():
    n = _net()
    return [n["a1"], _sig(n["W1"] @ n["a0"] + n["b1"])]


@claim(F, "a2")
def _():
    n = _net()
    return [n["a1"], _sig(n["z1"]), _sig(n["W1"] @ n["a0"] + n["b1"])]


@claim(F, "c")
def _():
    n = _net()
    C = n["cost"](n["aL"])
    return [C, C, 0.5 * np.linalg.norm(n["y"] - n["aL"]) ** 2, 0.5 * np.sum((n["y"] - n["aL"]) ** 2)]


@claim(F, "bp1")
def _():
    n = _net()
    return [n["dL"], n["dCda"] * _sp(n["zL"])]


@claim(F, "da")
def _():
    n = _net()
    return [n["dCda"], n["aL"] - n["y"]]


@claim(F, "m")
def _():
    n = _net()
    return [n["dL"], n["dCda"] * _sp(n["zL"]), (n["y"] - n["aL"]) * _sp(n["zL"])]
