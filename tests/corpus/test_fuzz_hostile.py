"""A short seeded run of the hostile-input fuzzer (tests/benchmarks/bench_fuzz.py): mutated
copies of the repository's own notes give verdicts and clean one-line errors only, each claim
within its time limit and the memory bound (issue 15)."""

from __future__ import annotations

from tests.benchmarks.bench_fuzz import FAILURES, MUTATIONS, make_case, run, seed_notes


def test_a_seeded_fuzz_run_has_no_failures():
    summary = run(cases=240, seed=15, jobs=2, timeout=5, hard_limit=20)
    failing = [f"{c['case']} {c['mutations']}: {c['class']}: {c['detail']}" for c in summary["failing"]]
    assert {k: summary["counts"][k] for k in FAILURES} == dict.fromkeys(FAILURES, 0), failing
    assert summary["counts"]["verdicts"] > 0 and summary["counts"]["errors"] > 0
    assert summary["peak_mib"] <= 1024


def test_the_cases_are_reproducible_and_use_every_kind_of_mutation():
    notes = seed_notes()
    assert {n.split("/")[0] for n, _ in notes} >= {"derivations", "docs", "tests"}
    cases = [make_case(k, 3, notes) for k in range(400)]
    assert cases[7] == make_case(7, 3, notes)
    assert {m for c in cases for m in c["mutations"]} == set(MUTATIONS)
