"""Numeric ground truth for the second batch of index-notation transcriptions
(truth_notation2.yaml): plain numpy, every derivative by central differences."""

from __future__ import annotations

import numpy as np

from tests.realworld.ground_truth import claim, fd, jac, rng, softmax

F = "mathse_945871_softmax_loss.md"


def _softmax_loss(seed=7, K=4):
    """Scores o, targets y with sum 1 (the block's assumption), p = softmax(o), L and its gradient."""
    r = rng(seed)
    o = r.normal(size=K)
    y = r.normal(size=K)
    y = y - (y.sum() - 1) / K  # sum_k y_k = 1, not one-hot: the assumption, no more
    p = softmax(o)
    dLdo = fd(lambda o_: -np.sum(y * np.log(softmax(o_))), o)
    return o, y, p, jac(softmax, o), dLdo


def _off(k, i):
    return 0.0 if k == i else 1.0


@claim(F, "q1")  # i = j
def _():
    o, y, p, J, dLdo = _softmax_loss()
    return [np.diag(J), p * (1 - p)]


@claim(F, "q2")  # i != j
def _():
    o, y, p, J, dLdo = _softmax_loss()
    K = len(p)
    pairs = [(j, i) for j in range(K) for i in range(K) if i != j]
    return [np.array([J[j, i] for j, i in pairs]), np.array([-p[i] * p[j] for j, i in pairs])]


@claim(F, "q3")
def _():
    o, y, p, J, dLdo = _softmax_loss()
    K = len(p)
    first = np.array([-(y[i] * (1 - p[i]) + sum(_off(k, i) * -p[k] * y[k] for k in range(K)))
                      for i in range(K)])
    second = np.array([p[i] * y[i] - y[i] + sum(_off(k, i) * p[k] * y[k] for k in range(K))
                       for i in range(K)])
    third = np.sum(p * y) - y
    return [dLdo, first, second, third]


@claim(F, "q4")
def _():
    o, y, p, J, dLdo = _softmax_loss()
    return [dLdo, p - y]


@claim(F, "a1")
def _():
    o, y, p, J, dLdo = _softmax_loss()
    K = len(p)
    dlogp = jac(lambda o_: np.log(softmax(o_)), o)  # [k, i] = d log p_k / d o_i
    members = [
        dLdo,
        np.array([-sum(y[k] * dlogp[k, i] for k in range(K)) for i in range(K)]),
        np.array([-sum(y[k] / p[k] * J[k, i] for k in range(K)) for i in range(K)]),
        np.array([-y[i] * (1 - p[i]) - sum(_off(k, i) * y[k] / p[k] * (-p[k] * p[i]) for k in range(K))
                  for i in range(K)]),
        np.array([-y[i] * (1 - p[i]) + sum(_off(k, i) * y[k] * p[i] for k in range(K)) for i in range(K)]),
        np.array([-y[i] + y[i] * p[i] + sum(_off(k, i) * y[k] * p[i] for k in range(K)) for i in range(K)]),
        p * np.sum(y) - y,
        p - y,
    ]
    return members


F = "blatherstrike_softmax.md"


def _blather(seed=8, K=4):
    a = rng(seed).normal(size=K)
    e = np.exp(a)
    return a, e, np.sum(e), softmax(a), jac(softmax, a)


@claim(F, "b0")
def _():
    a, e, total, S, J = _blather()
    return [S, e / total]


def _quotient(x=0.7):
    g, h = np.sin, lambda u: np.exp(u) + 2.0  # any two differentiable functions, h never 0
    f = lambda u: g(u) / h(u)
    dg, dh, df = (fd(lambda v, fn=fn: fn(v[0]), np.array([x]))[0] for fn in (g, h, f))
    return x, f, g, h, dg, dh, df


@claim(F, "qr1")
def _():
    x, f, g, h, dg, dh, df = _quotient()
    return [f(x), g(x) / h(x)]


@claim(F, "qr2")
def _():
    x, f, g, h, dg, dh, df = _quotient()
    return [df, (dg * h(x) - dh * g(x)) / h(x) ** 2]


@claim(F, "b1")  # i = j; the author's \sum is sum_k e^{a_k}
def _():
    a, e, total, S, J = _blather()
    return [np.diag(J), (e * total - e * e) / total**2, S * (1 - S)]


@claim(F, "b2")  # i != j
def _():
    a, e, total, S, J = _blather()
    K = len(a)
    pairs = [(i, j) for i in range(K) for j in range(K) if i != j]
    return [np.array([J[i, j] for i, j in pairs]),
            np.array([(0 * total - e[i] * e[i]) / total**2 for i, j in pairs]),
            np.array([-S[i] * S[j] for i, j in pairs])]
