"""Index arithmetic in numpy against plain-Python float loops: an RNN forward pass and its BPTT
gradients, a backward recursion with a zero after the last step, valid, flipped and padded
convolutions, and the recurrent groups' order and direction."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import sympy

from symbolic import api
from symbolic.checker import Options
from symbolic.errors import ModelError
from numeric.recurrent_groups import recurrent_groups
from numeric.sequences import Evaluation, Point
from numeric.trainable import load_models
from numeric.unrolled import AFTER, Unrolled
from tests.models import RNN

BPTT = r"""
$$\epsilon_{t,j} = h_{t,j} - y_{t,j} + \sum_k W_{kj} (1 - h_{t+1,k}^2) \epsilon_{t+1,k} \tag{eps}$$

$$\frac{\partial L}{\partial W_{jk}} = \sum_t \epsilon_{t,j} (1 - h_{t,j}^2) h_{t-1,k} \tag{w}$$

$$\frac{\partial L}{\partial U_{ji}} = \sum_t \epsilon_{t,j} (1 - h_{t,j}^2) x_{t,i} \tag{u}$$

$$\frac{\partial L}{\partial b_j} = \sum_t \epsilon_{t,j} (1 - h_{t,j}^2) \tag{b}$$
"""
T, H, D, BATCH = 4, 3, 2, 2


@pytest.fixture(scope="module")
def rnn_model(tmp_path_factory):
    note = tmp_path_factory.mktemp("rnn") / "rnn.md"
    note.write_text(RNN.replace("outside:", "target: y\noutside:") + BPTT, encoding="utf-8")
    [model] = load_models(str(note), derive=False)
    return model


def rnn_point(seed=1):
    rng = np.random.default_rng(seed)
    parameters = {"W[H,H]": rng.normal(0, 0.6, (H, H)), "U[H,D]": rng.normal(0, 0.6, (H, D)),
                  "b[H]": rng.normal(0, 0.5, H)}
    data = {"x[T,D]": rng.normal(size=(BATCH, T, D)), "y[T,H]": rng.normal(size=(BATCH, T, H))}
    h0 = rng.normal(size=(BATCH, H))
    initial = np.zeros((BATCH, T, H))
    initial[:, T - 1] = h0  # the entry before the first (t = -1) is stored at -1 + T
    return Point(parameters, data, {"h[T,H]": initial, "h[T,H]" + AFTER: np.zeros((BATCH, T, H))}), h0


def plain_rnn(W, U, b, x, y, h0):
    """Loss, hidden states and BPTT gradients of one sequence, in float loops."""
    hs, prev, loss = [], list(h0), 0.0
    for t in range(T):
        h = [math.tanh(sum(W[j][k] * prev[k] for k in range(H)) + sum(U[j][i] * x[t][i] for i in range(D))
                       + b[j]) for j in range(H)]
        loss += 0.5 * sum((h[j] - y[t][j]) ** 2 for j in range(H))
        hs.append(h)
        prev = h
    gW = [[0.0] * H for _ in range(H)]
    gU = [[0.0] * D for _ in range(H)]
    gb = [0.0] * H
    carry = [0.0] * H  # ∂L/∂h_t through later steps
    epsilons = [None] * T
    for t in reversed(range(T)):
        eps = [hs[t][j] - y[t][j] + carry[j] for j in range(H)]
        epsilons[t] = eps
        delta = [eps[j] * (1 - hs[t][j] ** 2) for j in range(H)]
        before = hs[t - 1] if t else list(h0)
        for j in range(H):
            gb[j] += delta[j]
            for k in range(H):
                gW[j][k] += delta[j] * before[k]
            for i in range(D):
                gU[j][i] += delta[j] * x[t][i]
        carry = [sum(W[j][k] * delta[j] for j in range(H)) for k in range(H)]
    return loss, hs, epsilons, {"W[H,H]": gW, "U[H,D]": gU, "b[H]": gb}


def test_rnn_loss_states_and_bptt_gradients_agree_with_float_loops(rnn_model):
    model = rnn_model
    assert model.unrolled and model.completions == [r"\epsilon from claim (eps), verified"]
    sizes = {"T": T, "H": H, "D": D}
    evaluation = Evaluation(model.network, sizes)
    point, h0 = rnn_point()
    unrolled = evaluation.run(point)
    loss = unrolled.array(model.network.loss)
    h = unrolled.array(model.network.tensors["h[T,H]"])
    epsilon = unrolled.array(model.network.tensors["epsilon[T,H]"])
    expected = {key: np.zeros_like(value) for key, value in point.parameters.items()}
    for n in range(BATCH):
        p = {k: v.tolist() for k, v in point.parameters.items()}
        truth, hs, epsilons, gradients = plain_rnn(p["W[H,H]"], p["U[H,D]"], p["b[H]"], point.data["x[T,D]"][n],
                                                    point.data["y[T,H]"][n], h0[n])
        assert loss[n] == pytest.approx(truth, rel=1e-12)
        np.testing.assert_allclose(h[n], hs, rtol=1e-12)
        np.testing.assert_allclose(epsilon[n], epsilons, rtol=1e-11, atol=1e-13)
        for key in expected:
            expected[key] += np.asarray(gradients[key]) / BATCH
    for formula in model.formulas:
        np.testing.assert_allclose(evaluation.gradient(unrolled, formula), expected[formula.tensor.key],
                                   rtol=1e-11, atol=1e-13)


def test_truncated_bptt_differs_from_the_float_loops(rnn_model):
    """The evaluator is not lenient: the planted truncated gradient gives other numbers."""
    model = rnn_model
    evaluation = Evaluation(model.network, {"T": T, "H": H, "D": D})
    point, _ = rnn_point()
    network = model.network
    h, y = (network.tensors[k].base for k in ("h[T,H]", "y[T,H]"))
    t, j, k = sympy.symbols("t j k", integer=True)
    steps = sympy.Symbol("T", integer=True, positive=True)
    truncated = sympy.Sum((h[t, j] - y[t, j]) * (1 - h[t, j] ** 2) * h[t - 1, k], (t, 0, steps - 1))
    [right] = [f for f in model.formulas if f.tensor.name == "W"]
    wrong = dataclasses.replace(right, expr=truncated)
    unrolled = evaluation.run(point)
    difference = evaluation.gradient(unrolled, wrong) - evaluation.gradient(unrolled, right)
    assert np.abs(difference).max() > 1e-3


CONVOLUTIONS = [
    # (indices, definition, outside, the entry of x read at output i and kernel m, 0-based; I - ... outputs)
    ("{i: I - M + 1, m: M}", r"y_i = \sum_m w_m x_{i+m-1}", "", lambda i, m, M: i + m, lambda I, M: I - M + 1),
    ("{i: I - M + 1, m: M}", r"y_i = \sum_m w_m x_{i-m+M}", "", lambda i, m, M: i - m + M - 1, lambda I, M: I - M + 1),
    ("{i: I, m: M}", r"y_i = \sum_m w_m x_{i+m-2}", "outside: {x: 0}\n", lambda i, m, M: i + m - 1, lambda I, M: I),
]


@pytest.mark.parametrize("indices, definition, outside, read, outputs", CONVOLUTIONS,
                         ids=["valid correlation", "flipped kernel", "zero padding"])
def test_convolutions_agree_with_float_loops(indices, definition, outside, read, outputs, tmp_path):
    note = tmp_path / "conv.md"
    note.write_text(f"```derivation\nindices: {indices}\ndefine: |\n  {definition}\n"
                    rf"  L = \sum_i g_i y_i" + f"\n{outside}```\n", encoding="utf-8")
    network = api.load(str(note), Options(diagnose=False)).contexts[0].network
    named = {t.name: t for t in network.tensors.values()}
    I, M = 7, 3
    rng = np.random.default_rng(3)
    w, x = rng.normal(size=M), rng.normal(size=(2, I))
    leaves = {named["w"].key: w, named["x"].key: x, named["g"].key: np.zeros((2, outputs(I, M)))}
    unrolled = Unrolled(network, {"I": I, "M": M}, leaves, {named["x"].key, named["g"].key})
    y = unrolled.array(named["y"])
    assert y.shape == (2, outputs(I, M))
    for n in range(2):
        for i in range(outputs(I, M)):
            expected = 0.0
            for m in range(M):
                position = read(i, m, M)
                expected += w[m] * (x[n][position] if 0 <= position < I else 0.0)
            assert y[n, i] == pytest.approx(expected, rel=1e-12, abs=1e-14)


def test_recurrent_groups_run_forwards_and_backwards(rnn_model):
    network = rnn_model.network
    groups = {tuple(t.name for t in g.tensors): (g.time, g.forwards) for g in recurrent_groups(network)}
    assert groups == {("z", "h"): ("T", True), ("epsilon",): ("T", False)}


def test_a_recurrence_reading_both_ways_is_an_error(rnn_model):
    network = rnn_model.network
    z = network.definitions[0]
    h = network.tensors["h[T,H]"].base
    t, k = sympy.symbols("t k", integer=True)
    both = dataclasses.replace(z, expr=z.expr + sympy.Sum(h[t + 1, k], (k, 0, 1)))
    changed = dataclasses.replace(network, definitions=(both, *network.definitions[1:]))
    with pytest.raises(ModelError, match="reads both earlier and later steps"):
        recurrent_groups(changed)
