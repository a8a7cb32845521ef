"""Numeric ground truth for the recurrent and convolutional transcriptions (plain numpy, no
gradproof).

A sequence is run forward for a few steps from a random initial state; every derivative is a
central finite difference of that forward pass (``jac`` of the state at one step by a weight,
through all earlier steps), and each member of a claim is evaluated at one step t in the middle
of the sequence, so that earlier steps and the initial state both matter.
"""

from __future__ import annotations

import numpy as np

from tests.realworld.ground_truth import claim, jac, rng, softmax

# ---------------------------------------------------------------- vanilla RNN (KJO144)
F = "kjo_rnn_bptt.md"
STEPS, HIDDEN, INPUT, OUTPUT = 5, 3, 2, 4
AT = 4  # the step t the claims are evaluated at (1-based; h_0 is the initial state)


class _Rnn:
    """p_t = U x_t + W h_{t-1} + b_h, h_t = tanh(p_t); o_t = V h_t + b_y, E_t = -y_t . log softmax."""

    def __init__(self, seed=31):
        r = rng(seed)
        self.U, self.W = r.normal(size=(HIDDEN, INPUT)), 0.8 * r.normal(size=(HIDDEN, HIDDEN))
        self.b, self.V, self.by = r.normal(size=HIDDEN), r.normal(size=(OUTPUT, HIDDEN)), r.normal(size=OUTPUT)
        self.x, self.h0 = r.normal(size=(STEPS + 1, INPUT)), r.normal(size=HIDDEN)
        self.y = np.eye(OUTPUT)[r.integers(0, OUTPUT, size=STEPS + 1)]

    def states(self, W=None):
        """[h_0, h_1, ..., h_T] and [None, p_1, ..., p_T] under the weight W."""
        W = self.W if W is None else W
        hs, ps = [self.h0], [None]
        for t in range(1, STEPS + 1):
            ps.append(self.U @ self.x[t] + W @ hs[-1] + self.b)
            hs.append(np.tanh(ps[-1]))
        return hs, ps

    def h(self, t):
        return lambda W: self.states(W)[0][t]

    def p(self, t):
        return lambda W: self.states(W)[1][t]

    def dh(self, t):
        """dh_t/dW, shape [m, i, j]; zero for the initial state."""
        return jac(self.h(t), self.W) if t >= 1 else np.zeros((HIDDEN, HIDDEN, HIDDEN))

    def T(self, t):
        """The diagonal matrix of 1 - tanh^2(p_t); 0 before the first step."""
        return np.diag(1 - np.tanh(self.states()[1][t]) ** 2) if t >= 1 else np.zeros((HIDDEN, HIDDEN))


@claim(F, "w1")
def _():
    n = _Rnn()
    def E(W):
        return -n.y[AT] @ np.log(softmax(n.V @ n.states(W)[0][AT] + n.by))
    q = n.V @ n.states()[0][AT] + n.by
    yh = softmax(q)
    dE_dyh = -n.y[AT] / yh
    return [jac(E, n.W), np.einsum("k,kl,lm,mij->ij", dE_dyh, jac(softmax, q), n.V, n.dh(AT))]


@claim(F, "w2")
def _():
    n = _Rnn()
    dh_dp = jac(np.tanh, n.states()[1][AT])
    return [n.dh(AT), np.einsum("mk,kij->mij", dh_dp, jac(n.p(AT), n.W))]


@claim(F, "w3")
def _():
    n = _Rnn()
    return [jac(np.tanh, n.states()[1][AT]), n.T(AT)]


@claim(F, "w4")
def _():
    n = _Rnn()
    h_prev = n.states()[0][AT - 1]
    through_W = jac(lambda W: W @ n.states(W)[0][AT - 1], n.W)
    return [jac(n.p(AT), n.W), through_W,
            np.einsum("ik,j->kij", np.eye(HIDDEN), h_prev) + np.einsum("kl,lij->kij", n.W, n.dh(AT - 1))]


@claim(F, "w5")
def _():
    n = _Rnn()
    hs, W, t = n.states()[0], n.W, AT
    T = n.T

    def first(s, left):  # left_{mi} h_{s-1, j}
        return np.einsum("mi,j->mij", left, hs[s - 1])

    step1 = first(t, T(t)) + np.einsum("mk,kl,lij->mij", T(t), W, n.dh(t - 1))
    step2 = first(t, T(t)) + np.einsum("mk,kl,lij->mij", T(t) @ W, np.eye(HIDDEN),
                                       first(t - 1, T(t - 1)) + np.einsum("ln,np,pij->lij", T(t - 1), W, n.dh(t - 2)))
    chain = T(t) @ W @ T(t - 1) @ W
    step3 = first(t, T(t)) + first(t - 1, T(t) @ W @ T(t - 1)) + np.einsum(
        "mk,kij->mij", chain, first(t - 2, T(t - 2)) + np.einsum("kn,np,pij->kij", T(t - 2), W, n.dh(t - 3)))
    series, left = np.zeros_like(step1), T(t)  # every step back to the first (dh_0/dW = 0)
    for s in range(t, 0, -1):
        series += first(s, left)
        left = left @ W @ T(s - 1)
    return [n.dh(t), step1, step2, step3, series]


# ---------------------------------------------------------------- LSTM (Talwar)
F = "talwar_lstm_backprop.md"
LSTM_STEPS, CELLS, FEATURES = 4, 3, 2
LOSS_AT = 4  # J^{(t)} at the last step, and the gate and state at an earlier step k
GATE_AT = 2


def _sig(z):
    return 1 / (1 + np.exp(-z))


class _Lstm:
    """Talwar's unit: f, g, q, c = sigma(b + U x + W h_{t-1}); s_t = f s_{t-1} + g c; h_t = q tanh(s_t);
    J^{(t)} = r_t . h_t. Each step may use its own copy of W_f (the author's dummy variables)."""

    def __init__(self, seed=37):
        r = rng(seed)
        self.b = {g: r.normal(size=CELLS) for g in "fgqc"}
        self.U = {g: r.normal(size=(CELLS, FEATURES)) for g in "fgqc"}
        self.W = {g: r.normal(size=(CELLS, CELLS)) for g in "fgqc"}
        self.x, self.r = r.normal(size=(LSTM_STEPS + 1, FEATURES)), r.normal(size=(LSTM_STEPS + 1, CELLS))
        self.h0, self.s0 = r.normal(size=CELLS), r.normal(size=CELLS)

    def run(self, Wf_copies=None, f_at=None, s_at=None):
        """States and losses; ``f_at``/``s_at`` = (k, value) replace f^{(k)} or s^{(k)} (the
        variable of a partial derivative, everything downstream recomputed)."""
        h, s, out = self.h0, self.s0, {"h": [self.h0], "s": [self.s0], "f": [None], "q": [None], "J": [None]}
        for t in range(1, LSTM_STEPS + 1):
            Wf = self.W["f"] if Wf_copies is None else Wf_copies[t]
            gate = {g: _sig(self.b[g] + self.U[g] @ self.x[t] + (Wf if g == "f" else self.W[g]) @ h) for g in "fgqc"}
            if f_at is not None and f_at[0] == t:
                gate["f"] = f_at[1]
            s = gate["f"] * s + gate["g"] * gate["c"]
            if s_at is not None and s_at[0] == t:
                s = s_at[1]
            h = gate["q"] * np.tanh(s)
            for key, value in (("h", h), ("s", s), ("f", gate["f"]), ("q", gate["q"]), ("J", self.r[t] @ h)):
                out[key].append(value)
        return out

    def losses_from_h(self, k, h_value):
        """The losses with h^{(k)} replaced and s^{(k)} kept: h^{(k)} as the variable."""
        h, s, J = h_value, self.run()["s"][k], [None] * (LSTM_STEPS + 1)
        for t in range(k + 1, LSTM_STEPS + 1):
            gate = {g: _sig(self.b[g] + self.U[g] @ self.x[t] + self.W[g] @ h) for g in "fgqc"}
            s = gate["f"] * s + gate["g"] * gate["c"]
            h = gate["q"] * np.tanh(s)
            J[t] = self.r[t] @ h
        return J

    def J_by(self, t, what, k):
        """dJ^{(t)}/d what^{(k)} (what: 'f' or 's'), a vector over the cells."""
        base = self.run()[what][k]
        return jac(lambda v: self.run(**{f"{what}_at": (k, v)})["J"][t], base)


@claim(F, "6.0")
def _():
    n = _Lstm()
    copies = [n.W["f"]] * (LSTM_STEPS + 1)

    def J_with_copy(k):
        return lambda Wk: n.run([Wk if s == k else n.W["f"] for s in range(LSTM_STEPS + 1)])["J"][LOSS_AT]
    total = jac(lambda W: n.run([W] * (LSTM_STEPS + 1))["J"][LOSS_AT], n.W["f"])
    per_step = sum(jac(J_with_copy(k), copies[k]) for k in range(1, LSTM_STEPS + 1))
    return [total, per_step, per_step]


@claim(F, "6.1.1")
def _():
    n = _Lstm()
    t, k = LOSS_AT, GATE_AT
    out = n.run()
    dJ_ds = n.J_by(t, "s", k)
    ds_df = np.diag(out["s"][k - 1])  # s^{(k)} = f^{(k)} s^{(k-1)} + ...: d s_m / d f_p
    return [n.J_by(t, "f", k), dJ_ds @ ds_df, dJ_ds * out["s"][k - 1]]


@claim(F, "7.1i")
def _():
    n = _Lstm()
    t, k = LOSS_AT, GATE_AT + 1
    out = n.run()
    h_prev = out["h"][k - 1]
    gamma = jac(lambda v: n.losses_from_h(k - 1, v)[t], h_prev)  # dJ^{(t)}/dh^{(k-1)}, total
    delta = n.J_by(t, "s", k)
    tanh_d = 1 - np.tanh(out["s"][k - 1]) ** 2
    return [n.J_by(t, "s", k - 1), gamma * out["q"][k - 1] * tanh_d + delta * out["f"][k]]


# ---------------------------------------------------------------- 1-D convolution (Marmara)
F = "marmara_conv1d.md"
WIDTH = 3


class _Conv1d:
    """Layers l-2 .. l+1 of valid 1-D correlations, indices from 0 as the author counts:
    z^l_i = sum_{m=0}^{W-1} w^l_m a^{l-1}_{i+m} + b^l, a = sigma(z); C = g . z^{l+1}."""

    def __init__(self, seed=41):
        r = rng(seed)
        self.a_in = r.normal(size=9)  # a^{l-2}: 9, z^{l-1}: 7, z^l: 5, z^{l+1}: 3
        self.w = {d: r.normal(size=WIDTH) for d in (-1, 0, 1)}
        self.b = {d: r.normal() for d in (-1, 0, 1)}
        self.g = r.normal(size=3)

    def layer(self, d, a):
        n = len(a) - WIDTH + 1
        return np.array([sum(self.w[d][m] * a[i + m] for m in range(WIDTH)) for i in range(n)]) + self.b[d]

    def cost_from(self, d, z):
        """C as a function of z^{l+d}."""
        for nxt in range(d + 1, 2):
            z = self.layer(nxt, _sig(z))
        return self.g @ z

    def z(self, d):
        z = self.layer(-1, self.a_in)
        for nxt in range(0, d + 1):
            z = self.layer(nxt, _sig(z))
        return z


@claim(F, "c1")
def _():
    n = _Conv1d()
    a = _sig(n.z(-1))
    return [n.z(0), np.array([sum(n.w[0][m] * a[i + m] for m in range(WIDTH)) for i in range(5)]) + n.b[0]]


@claim(F, "c2")
def _():
    n = _Conv1d()
    i = 1  # a unit of layer l-1 (and, in the author's later lines, of layer l)
    gamma_prev = jac(lambda z: n.cost_from(-1, z), n.z(-1))[i]
    gamma_next = jac(lambda z: n.cost_from(1, z), n.z(1))
    dz_next_dz = jac(lambda z: n.layer(1, _sig(z)), n.z(0))  # [m, i]
    dz_next_da = jac(lambda a: n.layer(1, a), _sig(n.z(0)))
    da_dz = _sig(n.z(0)[i]) * (1 - _sig(n.z(0)[i]))
    L = 5  # the units of layer l, which the sums' bounds count
    ms = range(max(i - WIDTH + 1, 0), min(i, L - WIDTH) + 1)
    return [gamma_prev, gamma_prev,
            sum(gamma_next[m] * dz_next_dz[m, i] for m in ms),
            sum(gamma_next[m] * dz_next_da[m, i] * da_dz for m in ms),
            sum(gamma_next[m] * n.w[1][i - m] * da_dz for m in ms)]
