"""numeric.compile: generated numpy code against hand-written numpy and finite differences."""

from __future__ import annotations


import numpy as np
import pytest
import sympy


from tests.benchmarks import numeric_networks as nets

from numeric.compile import GRADIENT_SCALE, compile_network
from numeric.formulas import GradientFormula
from symbolic.errors import ModelError
from symbolic.model.functions import Exp, Sigmoid
from symbolic.model.tensors import Definition, Network, Tensor, index_symbol


def point(I=5, J=4, K=3, B=7, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    parameters = {"w[I,J]": rng.normal(size=(I, J)), "b[J]": rng.normal(size=J),
                  "w[J,K]": rng.normal(size=(J, K)), "b[K]": rng.normal(size=K)}
    data = {"x[I]": rng.normal(size=(B, I)), "t[K]": np.eye(K)[rng.integers(0, K, B)]}
    cast = lambda d: {k: v.astype(dtype) for k, v in d.items()}  # noqa: E731
    return cast(parameters), cast(data), {"I": I, "J": J, "K": K}


def hand_forward(P, D):
    h = np.tanh(D["x[I]"] @ P["w[I,J]"] + P["b[J]"])
    a = h @ P["w[J,K]"] + P["b[K]"]
    o = np.exp(a - a.max(axis=1, keepdims=True))
    o /= o.sum(axis=1, keepdims=True)
    return h, a, o


def numeric_gradient(compiled, P, D, S, step=1e-6):
    gradient = {}
    for key, value in P.items():
        g = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            old = value[index]
            value[index] = old + step
            plus = compiled.mean_loss(P, D, S)
            value[index] = old - step
            minus = compiled.mean_loss(P, D, S)
            value[index] = old
            g[index] = (plus - minus) / (2 * step)
        gradient[key] = g
    return gradient


@pytest.mark.parametrize("sizes", [(5, 4, 3, 7), (2, 6, 9, 1)])
@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
def test_forward_matches_hand_written_numpy(sizes, loss):
    compiled = compile_network(nets.seed_network(loss))
    P, D, S = point(*sizes)
    values = compiled.forward(P, D, S)
    h, a, o = hand_forward(P, D)
    t = D["t[K]"]
    expected = -(t * np.log(o)).sum(axis=1) if loss == "cross_entropy" else 0.5 * ((t - o) ** 2).sum(axis=1)
    np.testing.assert_allclose(values["h[J]"], h, rtol=1e-12)
    np.testing.assert_allclose(values["a[K]"], a, rtol=1e-12)
    np.testing.assert_allclose(values["o[K]"], o, rtol=1e-12)
    np.testing.assert_allclose(values["L"], expected, rtol=1e-12)
    assert values["L"].shape == (sizes[3],)


def test_float32_stays_float32():
    compiled = compile_network(nets.seed_network(), nets.cross_entropy_gradients())
    P, D, S = point(dtype=np.float32)
    values = compiled.forward(P, D, S)
    gradients = compiled.gradients(P, D, S, values)
    assert {v.dtype for v in values.values()} == {np.dtype(np.float32)}
    assert {g.dtype for g in gradients.values()} == {np.dtype(np.float32)}
    P64, D64, _ = point()
    reference = compiled.gradients(P64, D64, S, compiled.forward(P64, D64, S))
    for key in gradients:
        np.testing.assert_allclose(gradients[key], reference[key], rtol=1e-4, atol=1e-6)


def test_softmax_and_log_softmax_are_stable():
    compiled = compile_network(nets.seed_network())
    P, D, S = point()
    P["b[K]"] = np.array([900.0, -900.0, 0.0])  # e^900 overflows
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        values = compiled.forward(P, D, S)
    assert np.all(np.isfinite(values["L"]))
    assert np.all(np.isfinite(values["o[K]"]))
    assert "np.log(" in compiled.source and "max(axis=1, keepdims=True)" in compiled.source


@pytest.mark.parametrize("loss,formulas", [("cross_entropy", nets.cross_entropy_gradients),
                                           ("squared_error", nets.squared_error_gradients)])
def test_gradients_match_finite_differences(loss, formulas):
    compiled = compile_network(nets.seed_network(loss), formulas())
    P, D, S = point()
    analytic = compiled.gradients(P, D, S, compiled.forward(P, D, S))
    numeric = numeric_gradient(compiled, P, D, S)
    for key in P:
        assert analytic[key].shape == P[key].shape
        np.testing.assert_allclose(analytic[key], numeric[key], atol=1e-8)


def test_products_go_through_matmul_and_shared_work_runs_once():
    compiled = compile_network(nets.seed_network(), nets.cross_entropy_gradients())
    gradients = compiled.source.split("def gradients")[1]
    assert gradients.count(" @ ") + gradients.count("_times_transpose(") == 3
    assert gradients.count("o_K - t_K") == 1  # the error signal is shared by all four formulas
    assert gradients.count("inv_B") == 2  # computed once, applied once
    assert "einsum" not in compiled.source


def test_gradient_scale_multiplies_every_term_batched_or_not():
    """The trainer asks for lr · gradient; a term the batch does not change (here a weight
    decay 0.1 b_k) must be scaled too, and not divided by the batch size."""
    k = index_symbol("k")
    formulas = nets.cross_entropy_gradients()
    decayed = formulas[nets.b_k].expr + sympy.Rational(1, 10) * nets.b_k.entry(k)
    formulas[nets.b_k] = GradientFormula(nets.b_k, (k,), decayed, "claim", "4")
    compiled = compile_network(nets.seed_network(), formulas)
    P, D, S = point()
    values = compiled.forward(P, D, S)
    plain = compiled.gradients(P, D, S, values)
    scaled = compiled.gradients(P, D, {**S, GRADIENT_SCALE: 0.05}, values)
    np.testing.assert_allclose(plain["b[K]"], (values["o[K]"] - D["t[K]"]).mean(axis=0) + 0.1 * P["b[K]"],
                               rtol=1e-12)
    for key in P:
        np.testing.assert_allclose(scaled[key], 0.05 * plain[key], rtol=1e-12)


def test_squared_error_jacobian_uses_identity_and_einsum():
    compiled = compile_network(nets.seed_network("squared_error"), nets.squared_error_gradients())
    assert "np.eye(S['K']" in compiled.source and "np.einsum(" in compiled.source


def test_delta_under_its_own_sum_is_substituted():
    network = nets.seed_network()
    K = network.size_symbol("k")
    k, kp = index_symbol("k"), index_symbol("k'")
    formula = sympy.Sum(sympy.KroneckerDelta(kp, k) * (nets.o.entry(kp) - nets.t.entry(kp)), (kp, 0, K - 1))
    compiled = compile_network(network, {nets.b_k: GradientFormula(nets.b_k, (k,), formula, "claim", "2")})
    assert "np.eye" not in compiled.source
    P, D, S = point()
    values = compiled.forward(P, D, S)
    np.testing.assert_allclose(compiled.gradients(P, D, S, values)["b[K]"],
                               (values["o[K]"] - D["t[K]"]).mean(axis=0), rtol=1e-12)


def test_sigmoid_hidden_layer_and_missing_index_broadcast():
    network = nets.seed_network()
    j = index_symbol("j")
    network.definitions[1] = Definition(nets.h, (j,), Sigmoid(nets.z.entry(j)))
    constant = GradientFormula(nets.b_j, (j,), sympy.Integer(3), "claim", "c")
    compiled = compile_network(network, {nets.b_j: constant})
    P, D, S = point()
    values = compiled.forward(P, D, S)
    np.testing.assert_allclose(values["h[J]"], 1 / (1 + np.exp(-(D["x[I]"] @ P["w[I,J]"] + P["b[J]"]))), rtol=1e-12)
    assert np.array_equal(compiled.gradients(P, D, S, values)["b[J]"], np.full(4, 3.0))


def test_free_index_missing_on_the_left_is_a_model_error():
    j, k = index_symbol("j"), index_symbol("k")
    wrong = GradientFormula(nets.b_j, (j,), nets.h.entry(j) * nets.o.entry(k), "claim", "x")
    with pytest.raises(ModelError, match="index k is free on the right side but not on the left"):
        compile_network(nets.seed_network(), {nets.b_j: wrong})


def test_partial_sums_and_unknown_functions_are_model_errors():
    network = nets.seed_network()
    k = index_symbol("k")
    partial = GradientFormula(nets.b_k, (k,), sympy.Sum(nets.o.entry(index_symbol("k'")),
                                                        (index_symbol("k'"), 1, 2)), "claim", "p")
    with pytest.raises(ModelError, match="not over its whole range K"):
        compile_network(network, {nets.b_k: partial})
    odd = GradientFormula(nets.b_k, (k,), sympy.cos(nets.a.entry(k)), "claim", "q")
    with pytest.raises(ModelError, match="no numpy form for the function cos"):
        compile_network(network, {nets.b_k: odd})


def test_gradient_of_a_non_parameter_is_rejected():
    k = index_symbol("k")
    formula = GradientFormula(nets.a, (k,), nets.o.entry(k) - nets.t.entry(k), "claim", "5")
    with pytest.raises(ModelError, match="not the gradient of a parameter"):
        compile_network(nets.seed_network(), {nets.a: formula})


def test_a_scalar_parameter_and_a_prediction_are_found():
    k = index_symbol("k")
    x, t, c, s, L = Tensor("x", ("K",)), Tensor("t", ("K",)), Tensor("c", ()), Tensor("s", ("K",)), Tensor("L", ())
    network = Network({"k": "K"})
    K = network.size_symbol("k")
    network.definitions = [Definition(s, (k,), Exp(c.base * x.entry(k))),
                           Definition(L, (), sympy.Sum((s.entry(k) - t.entry(k)) ** 2, (k, 0, K - 1)))]
    network.tensors = {tensor.key: tensor for tensor in (x, t, c, s, L)}
    network.input, network.target, network.loss = x, t, L
    gradient = sympy.Sum(2 * (s.entry(k) - t.entry(k)) * s.entry(k) * x.entry(k), (k, 0, K - 1))
    compiled = compile_network(network, {c: GradientFormula(c, (), gradient, "derived")})
    assert compiled.prediction == s
    P = {"c": np.array(0.3)}
    D = {"x[K]": np.array([[1.0, 2.0], [0.5, -1.0]]), "t[K]": np.array([[1.0, 0.0], [0.0, 1.0]])}
    values = compiled.forward(P, D, {"K": 2})
    expected = np.mean(np.sum(2 * (np.exp(0.3 * D["x[K]"]) - D["t[K]"]) * np.exp(0.3 * D["x[K]"]) * D["x[K]"], axis=1))
    np.testing.assert_allclose(compiled.gradients(P, D, {"K": 2}, values)["c"], expected, rtol=1e-12)


def test_every_opaque_function_has_a_numpy_form():
    from numeric.codegen import UFUNCS
    from symbolic.model.functions import FUNCTIONS

    assert set(UFUNCS) == set(FUNCTIONS)
