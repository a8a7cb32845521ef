"""Numeric ground truth for the ReLU transcriptions (plain numpy, no gradproof).

Each member of a claim is evaluated at many random points at once (arrays), so a claim that holds
only on some sign region of the ReLU arguments is false. Points closer than 1e-3 to a kink are
dropped, since a derivative is not defined there.
"""

from __future__ import annotations

import numpy as np

from tests.realworld.ground_truth import H, claim


def relu(t):
    return np.maximum(t, 0.0)


def _points(names, seed=7, n=400):
    gen = np.random.default_rng(seed)
    return {name: gen.uniform(-2, 2, n) for name in names}


def _away_from_kinks(values, *arguments):
    keep = np.ones_like(next(iter(values.values())), dtype=bool)
    for argument in arguments:
        keep &= np.abs(argument(values)) > 1e-3
    return {name: v[keep] for name, v in values.items()}


def _d(f, values, name):
    up, down = dict(values), dict(values)
    up[name] = values[name] + H
    down[name] = values[name] - H
    return (f(up) - f(down)) / (2 * H)


F = "dsse_relu_layers.md"


def _net(layers):
    """R(w_1, ..., w_layers, x): one neuron per layer, w_1 the last layer."""
    def pre_activations(v):
        out, h = [], v["x"]
        for k in range(layers, 0, -1):
            out.append(v[f"w{k}"] * h)
            h = relu(out[-1])
        return out

    def output(v):
        return relu(pre_activations(v)[-1])

    names = [f"w{k}" for k in range(1, layers + 1)] + ["x", "y"]
    kinks = [lambda v, k=k: pre_activations(v)[k] for k in range(layers)]
    values = _away_from_kinks(_points(names), *kinks)
    cost = lambda v: 0.5 * (v["y"] - output(v)) ** 2  # noqa: E731
    return values, output, cost


def _chain(layers, weight):
    v, output, cost = _net(layers)
    dC_dR = output(v) - v["y"]
    return [_d(cost, v, weight), dC_dR * _d(output, v, weight)]


@claim(F, "q1")
def _():
    return _chain(1, "w1")


@claim(F, "q2")
def _():
    v, output, cost = _net(1)
    return [_d(cost, v, "w1"), (v["y"] - relu(v["w1"] * v["x"])) * v["x"]]


@claim(F, "q3")
def _():
    return _chain(2, "w2")


@claim(F, "q4")
def _():
    v, output, cost = _net(2)
    return [_d(cost, v, "w2"), (v["y"] - relu(v["w1"] * relu(v["w2"] * v["x"]))) * (v["w1"] * v["x"])]


@claim(F, "q5")
def _():
    v, _, _ = _net(2)
    return [relu(v["w1"] * relu(v["w2"] * v["x"])), v["w1"] * v["w2"] * v["x"]]


@claim(F, "q6")
def _():
    return _chain(3, "w3")


@claim(F, "q7")
def _():
    v, output, cost = _net(3)
    r = relu(v["w1"] * relu(v["w2"] * relu(v["w3"] * v["x"])))
    return [_d(cost, v, "w3"), (v["y"] - r) * (v["w1"] * v["w2"] * v["x"])]
