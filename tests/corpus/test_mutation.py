"""Semantic mutants of the bundled true claims: gradproof must never accept a false one or
refute a true one (truth decided independently, in float64 with finite differences)."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tests.mutation.claims import all_claims, make_claim
from tests.mutation.evaluator import Truth, evaluate
from tests.mutation.mutator import FOLDED, OPERATORS, factor_suffix, fold_number, mutants, sites
from tests.mutation.runner import FALSE_ACCEPT, FALSE_REJECT, run_one
from tests.models import LOGISTIC_REGRESSION, TANH_SOFTMAX_NETWORK

SHARDS = 2  # one per xdist worker
PER_OPERATOR = 9  # sampled mutants per operator: ~135 in all
MIN_DECIDED = 100  # the sample must not pass by discarding everything
MIN_TRUE = 10  # nor by holding no true mutant (FALSE_REJECT would be vacuous)

CROSS_ENTROPY = TANH_SOFTMAX_NETWORK
SQUARED_ERROR = CROSS_ENTROPY.replace(r"-\sum_k t_k \log o_k", r"\frac{1}{2} \sum_k (t_k - o_k)^2") \
    .replace("assume: [one-hot t]\n", "")
JACOBIAN = r"""```derivation
indices: {i: K, j: K, k: K}
define: |
  o_j = \frac{e^{a_j}}{\sum_k e^{a_k}}
```
"""
LOGISTIC = LOGISTIC_REGRESSION


@pytest.fixture(scope="module")
def sample():
    """A seeded sample, stratified by first operator, from the mutants of every true claim."""
    pool = mutants(all_claims(), range(40))
    rng = random.Random(20260301)
    by_operator: dict[str, list] = {}
    for m in pool:
        by_operator.setdefault(m.operators[0], []).append(m)
    chosen = []
    for name in sorted(by_operator):
        group = by_operator[name]
        chosen += rng.sample(group, min(PER_OPERATOR, len(group)))
    return chosen


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_false_accept_or_false_reject(sample, shard):
    outcomes = [run_one(m, timeout=20, seed=m.seed) for m in sample[shard::SHARDS]]
    failures = [(o.klass, o.base, o.edits, o.verdict, o.text, o.reason) for o in outcomes
                if o.klass in (FALSE_ACCEPT, FALSE_REJECT)]
    decided = [o for o in outcomes if o.klass != "discarded"]
    assert not failures, "\n".join(map(str, failures))
    assert len(decided) >= MIN_DECIDED // SHARDS, Counter(o.klass for o in outcomes)
    assert sum(o.truth == "true" for o in decided) >= MIN_TRUE // SHARDS
    assert sum(o.truth == "false" and o.verdict == "refuted" for o in decided) >= MIN_DECIDED // 4


# -- the mutator -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def logistic_claim():
    return make_claim("logistic:w", LOGISTIC, [r"\frac{\partial L}{\partial w_i}", "(p - y) x_i"],
                      label="w")


def test_every_operator_applies(logistic_claim):
    jacobian = make_claim("jacobian", JACOBIAN, [r"\frac{\partial o_j}{\partial a_i}",
                                                 r"\frac{e^{a_j}}{\sum_k e^{a_k}} (1_{ij} - o_i)"])
    halves = make_claim("logistic:b", LOGISTIC, [r"\nabla b", r"\frac{1}{2} (2 p - 2 y)"])
    for name in OPERATORS:
        made = [OPERATORS[name](claim, claim.chain, random.Random(s))
                for claim in (logistic_claim, jacobian, halves) for s in range(30)]
        assert any(m is not None for m in made), name


def test_the_factor_suffix_mutant_writes_thin_space_two(logistic_claim):
    written = {factor_suffix(logistic_claim, logistic_claim.chain, random.Random(s))[0].display
               for s in range(60)}
    assert r"$$\frac{\partial L}{\partial w_i}" + "\n" + r"= (p - y) x_i \,(2) \tag{w}$$" in written
    assert any(r"\,(x_i)" in d or r"\,(p)" in d or r"\,(y)" in d for d in written)


def test_folded_number_mutants_append_every_number(logistic_claim):
    endings = {fold_number(logistic_claim, logistic_claim.chain, random.Random(s))[0].terms[-1]
               for s in range(60)}
    assert endings == set(FOLDED)


def test_a_mutant_is_a_whole_note_whose_terms_are_in_its_display(logistic_claim):
    for m in mutants([logistic_claim], range(50)):
        assert m.text.startswith("```derivation") and m.text.count("$$") == 2
        for term in m.terms:
            assert term in m.chain.display


def test_scanner_finds_factors_summands_and_signs():
    found = sites(r"h_j (o_k - t_k)")
    assert [[("h_j (o_k - t_k)")[a.start:a.end] for a in p] for p in found.products] == [["h_j", "(o_k - t_k)"]]
    assert found.sums == [[(5, 8), (9, 14)]] and found.signs == [9]
    assert sites(r"\frac{\partial L}{\partial w_i}").products == []  # a derivative is kept whole


# -- the evaluator ---------------------------------------------------------------------------

def test_evaluator_holds_a_true_gradient():
    judged = evaluate(CROSS_ENTROPY, [r"\nabla w_{jk}", r"h_j (o_k - t_k)"], None)
    assert judged.truth == Truth.TRUE, judged.reason


def test_evaluator_rejects_the_seed_gradient_under_squared_error():
    judged = evaluate(SQUARED_ERROR, [r"\nabla w_{jk}", r"h_j (o_k - t_k)"], None)
    assert judged.truth == Truth.FALSE, judged.reason


def test_evaluator_reads_a_trailing_factor_as_a_factor():
    judged = evaluate(LOGISTIC, [r"\frac{\partial L}{\partial w_i}", r"(p - y) x_i \,(2)"], None)
    assert judged.truth == Truth.FALSE, judged.reason


def test_evaluator_checks_a_condition():
    diag = [r"\frac{\partial o_j}{\partial a_i}", r"o_j (1 - o_j)"]
    assert evaluate(JACOBIAN, diag, "i = j").truth == Truth.TRUE
    assert evaluate(JACOBIAN, diag, None).truth == Truth.FALSE


def test_evaluator_tries_sizes_beyond_two_and_three():
    trap = [r"\nabla b", r"(p - y) \left(1 + (\sum_{i} 1 - 2)(\sum_{i} 1 - 3)\right)"]
    assert evaluate(LOGISTIC, trap, None).truth == Truth.FALSE


def test_evaluator_discards_what_it_cannot_read():
    judged = evaluate(CROSS_ENTROPY, [r"\nabla w_{kj}", r"h_j (o_k - t_k)"], None)
    assert judged.truth == Truth.UNKNOWN
