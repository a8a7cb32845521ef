"""Numeric ground truth for the LSTM cell transcriptions (plain numpy, no gradproof).

One cell at one step: the previous states h^{t-1}, c^{t-1} and the input x^t are given, and the
error E reaches the cell through h^t with an upstream gradient g (E = g . h^t). The forward pass
can start from any of its quantities set to a given value (``_Cell.E_by``), so a derivative of E
by a gate, a cell state or a pre-activation is a central finite difference of the rest of the
pass, and a derivative of one quantity by another (dh_i/do_i) a finite difference of the formula
that makes the first from the second.
"""

from __future__ import annotations

import numpy as np

from tests.realworld.ground_truth import claim, fd, rng, sig

F = "mallya_lstm_cell.md"
CELLS, INPUTS = 3, 2


class _Cell:
    """a = tanh(â), i = σ(î), f = σ(f̂), o = σ(ô) with each pre-activation W x + U h_prev;
    c = i a + f c_prev, h = o tanh(c), E = g . h."""

    def __init__(self, seed=47):
        r = rng(seed)
        self.W = {gate: r.normal(size=(CELLS, INPUTS)) for gate in "aifo"}
        self.U = {gate: r.normal(size=(CELLS, CELLS)) for gate in "aifo"}
        self.x, self.h_prev = r.normal(size=INPUTS), r.normal(size=CELLS)
        self.c_prev, self.g = r.normal(size=CELLS), r.normal(size=CELLS)

    def forward(self, **given):
        """Every quantity of the cell; one given by name (``o=…``) replaces its own formula."""
        v = {"c_prev": given.get("c_prev", self.c_prev)}
        for gate in "aifo":
            pre = "pre_" + gate
            v[pre] = given.get(pre, self.W[gate] @ self.x + self.U[gate] @ self.h_prev)
        v["a"] = given.get("a", np.tanh(v["pre_a"]))
        for gate in "ifo":
            v[gate] = given.get(gate, sig(v["pre_" + gate]))
        v["c"] = given.get("c", v["i"] * v["a"] + v["f"] * v["c_prev"])
        v["h"] = given.get("h", v["o"] * np.tanh(v["c"]))
        v["E"] = self.g @ v["h"]
        return v

    def E_by(self, name):
        """dE/d(name): the rest of the forward pass differentiated by that quantity."""
        return fd(lambda value: self.forward(**{name: value})["E"], self.forward()[name])


def _diagonal(f, x):
    """d f_i / d x_i for an elementwise f (the diagonal of its Jacobian)."""
    return np.array([fd(lambda xi: f(np.where(np.arange(len(x)) == i, xi, x))[i], x[i]) for i in range(len(x))])


def _share(by, of):
    """[dE/d(by), dE/d(of) * d(of)_i/d(by)_i, …]: the chain's first two members for one
    elementwise step of the pass (every one here is: each entry depends on its own entry)."""
    n = _Cell()
    v = n.forward()
    local = _diagonal(lambda value: n.forward(**{by: value})[of], v[by])
    return n, v, [n.E_by(by), n.E_by(of) * local]


@claim(F, "o1")
def _():
    n, v, chain = _share("o", "h")
    return chain + [n.E_by("h") * np.tanh(v["c"])]


@claim(F, "o2")
def _():
    n = _Cell()
    v = n.forward()
    return [n.E_by("o"), n.E_by("h") * np.tanh(v["c"])]


@claim(F, "c1")
def _():
    n, v, chain = _share("c", "h")
    return chain + [n.E_by("h") * v["o"] * (1 - np.tanh(v["c"]) ** 2)]


def _cell_update(by, last):
    n, v, chain = _share(by, "c")
    return chain + [n.E_by("c") * v[last]]


@claim(F, "i1")
def _():
    return _cell_update("i", "a")


@claim(F, "f1")
def _():
    return _cell_update("f", "c_prev")


@claim(F, "a1")
def _():
    return _cell_update("a", "i")


@claim(F, "p1")
def _():
    return _cell_update("c_prev", "f")


def _elementwise(by, of, times):
    n = _Cell()
    return [n.E_by(by), n.E_by(of) * times(n.forward())]


@claim(F, "i2")
def _():
    return _elementwise("i", "c", lambda v: v["a"])


@claim(F, "f2")
def _():
    return _elementwise("f", "c", lambda v: v["c_prev"])


@claim(F, "a2")
def _():
    return _elementwise("a", "c", lambda v: v["i"])


@claim(F, "p2")
def _():
    return _elementwise("c_prev", "c", lambda v: v["f"])


@claim(F, "g1")
def _():  # the author's tanh^2(a^t): a^t is already tanh(\hat{a}^t)
    return _elementwise("pre_a", "a", lambda v: 1 - np.tanh(v["a"]) ** 2)


@claim(F, "g2")
def _():
    return _elementwise("pre_i", "i", lambda v: v["i"] * (1 - v["i"]))


@claim(F, "g3")
def _():
    return _elementwise("pre_f", "f", lambda v: v["f"] * (1 - v["f"]))


@claim(F, "g4")
def _():
    return _elementwise("pre_o", "o", lambda v: v["o"] * (1 - v["o"]))
