"""Numeric ground truth for the index-dialect transcriptions (truth_index.yaml): plain numpy."""

from __future__ import annotations

import numpy as np

from tests.realworld.ground_truth import claim, fd, jac, rng

F = "godelia_delta_rule.md"


def _layer():
    r = rng(41)
    J, K = 3, 2
    y_in, w, theta, t = r.normal(size=J), r.normal(size=(J, K)), r.normal(size=K), r.normal(size=K)
    f = np.tanh  # the claims hold for any activation; one is enough to evaluate them

    def s_of(w_):
        return y_in @ w_ + theta  # s_k = sum_j w_jk y_j + theta_k

    def E_of_s(s):
        return 0.5 * np.sum((t - f(s)) ** 2)

    return dict(y_in=y_in, w=w, s=s_of(w), s_of=s_of, E_of_s=E_of_s,
                dEdw=fd(lambda w_: E_of_s(s_of(w_)), w))


@claim(F, "gd1")
def _():
    b = _layer()
    dEds = fd(b["E_of_s"], b["s"])  # shape (K,)
    dsdw = jac(b["s_of"], b["w"])  # shape (K, J, K): ds_k / dw_{jk'}
    chain = np.array([[dEds[k] * dsdw[k, j, k] for k in range(dEds.size)] for j in range(b["w"].shape[0])])
    return [b["dEdw"], chain]


@claim(F, "gd2")
def _():
    b = _layer()
    dsdw = jac(b["s_of"], b["w"])
    J, K = b["w"].shape
    return [np.array([[dsdw[k, j, k] for k in range(K)] for j in range(J)]),
            np.array([[b["y_in"][j] for _k in range(K)] for j in range(J)])]
