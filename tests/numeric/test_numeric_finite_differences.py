"""numeric.finite_differences: the checker catches planted errors and names the worst entry."""

from __future__ import annotations


import numpy as np
import pytest


from tests.benchmarks import numeric_networks as nets

from numeric import finite_differences as fdmod
from numeric.compile import compile_network
from numeric.datasets import load_dataset
from numeric.finite_differences import (FiniteDifferences, check_gradient, choose_mode,
                                        descent_rate, localise)
from numeric.trainer import initial_parameters
from symbolic.errors import ModelError, UsageError


@pytest.fixture(scope="module")
def digits_batch():
    data = load_dataset("digits", seed=0)
    return {"x[I]": data.x_train[:32], "t[K]": data.t_train[:32]}


def digits_point(hidden=64, seed=0):
    network = nets.seed_network()
    sizes = {"I": 64, "J": hidden, "K": 10}
    parameters = initial_parameters(network, sizes, seed, "float64")
    rng = np.random.default_rng(seed)
    parameters["b[J]"] = rng.normal(0, 0.5, hidden)
    parameters["b[K]"] = rng.normal(0, 0.5, 10)
    return network, sizes, parameters


def gradients_and_fd(formulas, batch, hidden=64):
    network, sizes, parameters = digits_point(hidden)
    compiled = compile_network(network, formulas)
    analytic = compiled.gradients(parameters, batch, sizes, compiled.forward(parameters, batch, sizes))
    loss = compile_network(network)
    fd = FiniteDifferences(lambda p: loss.mean_loss(p, batch, sizes), parameters)
    return analytic, fd


def test_right_formulas_pass_both_checks(digits_batch):
    analytic, fd = gradients_and_fd(nets.cross_entropy_gradients(), digits_batch, hidden=8)
    for key, gradient in analytic.items():
        full = check_gradient(fd, key, gradient, "full")
        assert full.passed and full.error < 1e-8, full
        assert check_gradient(fd, key, gradient, "directional").passed


def test_directional_check_is_as_strict_as_the_full_one(digits_batch):
    """A gradient 0.1% too large fails both checks: the directional tolerance scales with the
    slope along the direction (~‖g‖/√n), not with ‖g‖."""
    analytic, fd = gradients_and_fd(nets.cross_entropy_gradients(), digits_batch)
    for key in ("w[I,J]", "w[J,K]"):
        wrong = analytic[key] * (1 + 1e-3)
        assert not check_gradient(fd, key, wrong, "directional").passed
        assert not check_gradient(fd, key, wrong, "full").passed


def test_directions_of_other_seeds_are_differenced_anew(digits_batch):
    analytic, fd = gradients_and_fd(nets.cross_entropy_gradients(), digits_batch)
    for seed in (0, 1, 2):
        assert check_gradient(fd, "w[I,J]", analytic["w[I,J]"], "directional", seed=seed).passed
    assert fd.evaluations == 6


def test_dropped_tanh_derivative_fails_with_the_worst_entry(digits_batch):
    analytic, fd = gradients_and_fd(nets.dropped_tanh_derivative(), digits_batch)
    full = check_gradient(fd, "w[I,J]", analytic["w[I,J]"], "full")
    assert not full.passed
    assert full.error > 1e3 * (1e-7 + 1e-5 * full.scale)
    worst = full.worst
    difference = np.abs(analytic["w[I,J]"] - fd.entries("w[I,J]"))
    assert worst.index == np.unravel_index(np.argmax(difference), difference.shape)
    assert worst.analytic == analytic["w[I,J]"][worst.index]
    assert worst.numeric == pytest.approx(fd.entries("w[I,J]")[worst.index], abs=0)
    assert check_gradient(fd, "b[J]", analytic["b[J]"], "full").passed  # only w_ij was planted


def test_directional_check_costs_at_most_ten_passes_and_flags_the_same_worst_entry(digits_batch):
    analytic, fd = gradients_and_fd(nets.dropped_tanh_derivative(), digits_batch)
    assert sum(a.size for a in analytic.values()) == 4810  # the digits network
    results = {key: check_gradient(fd, key, g, "directional", seed=3) for key, g in analytic.items()
               if key != "w[I,J]"}
    directional_wij = check_gradient(FiniteDifferences(fd.loss, fd.parameters), "w[I,J]", analytic["w[I,J]"],
                                     "directional", seed=3)
    assert all(r.passed for r in results.values())
    assert fd.evaluations == 6  # two per tensor for the three right ones
    assert not directional_wij.passed
    full = check_gradient(FiniteDifferences(fd.loss, fd.parameters), "w[I,J]", analytic["w[I,J]"], "full")
    assert directional_wij.worst == full.worst
    assert directional_wij.localised == "every entry differenced"


def test_directional_check_of_all_parameters_is_eight_passes(digits_batch):
    analytic, fd = gradients_and_fd(nets.cross_entropy_gradients(), digits_batch)
    assert choose_mode("auto", fd.parameters) == "directional"
    assert all(check_gradient(fd, key, g, "directional").passed for key, g in analytic.items())
    assert fd.evaluations == 8


def test_bisection_finds_a_single_wrong_entry(monkeypatch, digits_batch):
    analytic, fd = gradients_and_fd(nets.cross_entropy_gradients(), digits_batch, hidden=16)
    wrong = analytic["w[I,J]"].copy()
    wrong[37, 5] += 0.5
    monkeypatch.setattr(fdmod, "LOCALISE_MAX_ENTRIES", 100)
    worst, how = localise(fd, "w[I,J]", wrong, seed=1)
    assert worst.index == (37, 5)
    assert worst.analytic == pytest.approx(worst.numeric + 0.5, abs=1e-8)
    assert how.startswith("bisected")
    assert fd.evaluations < 2 * 64 * 16  # fewer than differencing every entry


def test_zero_gradients_pass():
    fd = FiniteDifferences(lambda p: float((p["v"][:2] ** 2).sum()), {"v": np.array([1.0, 2.0, 5.0])})
    result = check_gradient(fd, "v", np.array([2.0, 4.0, 0.0]), "full")
    assert result.passed and result.worst.index in {(0,), (1,), (2,)}


def test_descent_rate_is_one_for_the_gradient_and_not_for_other_formulas(digits_batch):
    analytic, fd = gradients_and_fd(nets.cross_entropy_gradients(), digits_batch, hidden=8)
    assert descent_rate(fd, analytic) == pytest.approx(1.0, abs=1e-6)
    wrong, fd = gradients_and_fd(nets.dropped_tanh_derivative(), digits_batch, hidden=8)
    assert abs(descent_rate(fd, wrong) - 1) > 1e-3


def test_bad_inputs_are_typed_errors():
    with pytest.raises(UsageError, match="float64"):
        FiniteDifferences(lambda p: 0.0, {"v": np.zeros(2, dtype=np.float32)})
    with pytest.raises(UsageError, match="unknown check mode"):
        choose_mode("sideways", {})
    fd = FiniteDifferences(lambda p: float(np.log(p["v"][0])), {"v": np.array([0.0])})
    with pytest.raises(ModelError, match="the loss is"), np.errstate(all="ignore"):
        fd.entries("v")
