"""Hand-built seed networks and gradient formulas for the numeric tests and benchmarks.

These stand in for what ``symbolic`` produces from ``derivations/*.md``: the
input → tanh → softmax network of the seed, with cross-entropy or squared-error
loss, and the per-sample gradient formulas of equations (1)–(4), right and wrong.
"""

from __future__ import annotations

import sympy

from numeric.formulas import GradientFormula
from symbolic.model.functions import Exp, Log, Tanh
from symbolic.model.tensors import Definition, Network, Tensor, index_symbol

i, j, k, kp = (index_symbol(letter) for letter in ("i", "j", "k", "k'"))

x = Tensor("x", ("I",))
t = Tensor("t", ("K",))
w_ij = Tensor("w", ("I", "J"))
b_j = Tensor("b", ("J",))
w_jk = Tensor("w", ("J", "K"))
b_k = Tensor("b", ("K",))
z = Tensor("z", ("J",))
h = Tensor("h", ("J",))
a = Tensor("a", ("K",))
o = Tensor("o", ("K",))
L = Tensor("L", ())


def seed_network(loss: str = "cross_entropy") -> Network:
    """z = Σ_i w_ij x_i + b_j; h = tanh z; a = Σ_j w_jk h_j + b_k; o = softmax a; L."""
    network = Network(index_ranges={"i": "I", "j": "J", "k": "K"})
    I, J, K = (network.size_symbol(letter) for letter in "ijk")
    if loss == "cross_entropy":
        loss_expr = -sympy.Sum(t.entry(k) * Log(o.entry(k)), (k, 0, K - 1))
    elif loss == "squared_error":
        loss_expr = sympy.Rational(1, 2) * sympy.Sum((t.entry(k) - o.entry(k)) ** 2, (k, 0, K - 1))
    else:
        raise ValueError(loss)
    network.definitions = [
        Definition(z, (j,), sympy.Sum(w_ij.entry(i, j) * x.entry(i), (i, 0, I - 1)) + b_j.entry(j)),
        Definition(h, (j,), Tanh(z.entry(j))),
        Definition(a, (k,), sympy.Sum(w_jk.entry(j, k) * h.entry(j), (j, 0, J - 1)) + b_k.entry(k)),
        Definition(o, (k,), Exp(a.entry(k)) / sympy.Sum(Exp(a.entry(kp)), (kp, 0, K - 1))),
        Definition(L, (), loss_expr),
    ]
    network.tensors = {tensor.key: tensor for tensor in (x, t, w_ij, b_j, w_jk, b_k, z, h, a, o, L)}
    network.input, network.target, network.loss = x, t, L
    return network


def cross_entropy_gradients() -> dict[Tensor, GradientFormula]:
    """Equations (1)–(4) as the seed writes them: right for cross-entropy, one-hot t."""
    network = seed_network()
    K = network.size_symbol("k")
    delta_k = o.entry(k) - t.entry(k)
    backprop_j = sympy.Sum((o.entry(k) - t.entry(k)) * w_jk.entry(j, k), (k, 0, K - 1)) \
        * (1 + h.entry(j)) * (1 - h.entry(j))
    return {
        w_jk: GradientFormula(w_jk, (j, k), h.entry(j) * delta_k, "claim", "1"),
        b_k: GradientFormula(b_k, (k,), delta_k, "claim", "2"),
        w_ij: GradientFormula(w_ij, (i, j), x.entry(i) * backprop_j, "claim", "3"),
        b_j: GradientFormula(b_j, (j,), backprop_j, "claim", "4"),
    }


def squared_error_gradients() -> dict[Tensor, GradientFormula]:
    """The true gradients of ½Σ(t−o)² through the softmax (the corrected seed)."""
    network = seed_network("squared_error")
    K = network.size_symbol("k")
    d_a = sympy.Sum((o.entry(kp) - t.entry(kp)) * o.entry(kp)
                    * (sympy.KroneckerDelta(kp, k) - o.entry(k)), (kp, 0, K - 1))
    kpp = index_symbol("k''")
    back_j = sympy.Sum(d_a.xreplace({k: kpp}) * w_jk.entry(j, kpp), (kpp, 0, K - 1)) * (1 - h.entry(j) ** 2)
    return {
        w_jk: GradientFormula(w_jk, (j, k), h.entry(j) * d_a, "derived"),
        b_k: GradientFormula(b_k, (k,), d_a, "derived"),
        w_ij: GradientFormula(w_ij, (i, j), x.entry(i) * back_j, "derived"),
        b_j: GradientFormula(b_j, (j,), back_j, "derived"),
    }


def dropped_tanh_derivative() -> dict[Tensor, GradientFormula]:
    """Cross-entropy gradients with the 1 − h² of ∂L/∂w_ij planted away (wrong)."""
    formulas = cross_entropy_gradients()
    network = seed_network()
    K = network.size_symbol("k")
    wrong = x.entry(i) * sympy.Sum((o.entry(k) - t.entry(k)) * w_jk.entry(j, k), (k, 0, K - 1))
    formulas[w_ij] = GradientFormula(w_ij, (i, j), wrong, "claim", "3")
    return formulas
