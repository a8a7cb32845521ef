"""The seed derivation: what SPEC says it must yield, cross-checked in float64."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.float_reference import numerically_equal
from symbolic import Verdict, api
from symbolic.engine.verify import parse_condition

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "derivations" / "backprop_seed.md"
CROSS_ENTROPY = ROOT / "derivations" / "backprop_cross_entropy.md"


@pytest.fixture(scope="module")
def seed():
    return api.load(SEED)


@pytest.fixture(scope="module")
def cross_entropy():
    return api.load(CROSS_ENTROPY)


def verdicts(document):
    return {c.label: c.verdict for c in document.report.claims if c.label}


def test_seed_equations_1_to_4_are_refuted_with_counterexamples(seed):
    found = verdicts(seed)
    for label in "1234":
        assert found[label] == Verdict.REFUTED
        claim = next(c for c in seed.report.claims if c.label == label)
        assert claim.steps[0].counterexample is not None
        assert claim.passes  # the file records expect: refuted


def test_seed_jacobian_softmax_gradient_and_weight_gradient_hold(seed):
    found = verdicts(seed)
    for label in ("J", "J1'", "J2", "5", "6", "7"):
        assert found[label].holds, label
    # the Jacobian and ∂L/∂W_pq are also proved for every size
    assert found["J"] == found["7"] == Verdict.PROVED


def test_seed_jacobian_written_without_its_condition_fails_at_step_2(seed):
    claim = next(c for c in seed.report.claims if c.label == "J1")
    assert claim.verdict == Verdict.REFUTED
    assert [s.verdict for s in claim.steps][:3] == [Verdict.PROVED, Verdict.REFUTED, Verdict.PROVED]
    assert claim.message.startswith("step 2 of 5")


def test_cross_entropy_equations_hold(cross_entropy):
    found = verdicts(cross_entropy)
    for label in "123456":
        assert found[label] == Verdict.PROVED, label


def test_delta_is_reported_as_a_definition(seed):
    definitions = [c for c in seed.report.claims if c.verdict == Verdict.DEFINITION]
    assert len(definitions) == 1 and "delta" in definitions[0].message


@pytest.mark.parametrize("path", [SEED, CROSS_ENTROPY], ids=lambda p: p.stem)
def test_every_step_verdict_agrees_with_float64_finite_differences(path):
    document = api.load(path)
    compared = 0
    for chain in document.chains:
        condition = parse_condition(chain.source.condition, chain.context.network)
        for k, step in enumerate(chain.result.steps):
            if step.kind != "identity" or step.verdict not in (Verdict.PROVED, Verdict.VERIFIED,
                                                               Verdict.REFUTED):
                continue
            agree = numerically_equal(chain.context, chain.terms[k], chain.terms[k + 1],
                                      condition=condition)
            assert agree == step.verdict.holds, (chain.result.label, k + 1)
            compared += 1
    assert compared >= 6
