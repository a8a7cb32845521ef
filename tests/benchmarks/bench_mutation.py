"""Semantic mutation run over every true claim of the bundled notes.

Run:  python -m tests.benchmarks.bench_mutation [--seed 0] [--seeds 120] [--limit N] [--jobs 2]
                                                 [--timeout 20] [--out mutation.jsonl] [--all]
Each true claim gets ``--seeds`` seeded mutants (duplicates dropped); each mutant is decided
in float64 and checked by gradproof. Prints a classified summary and every FALSE_ACCEPT /
FALSE_REJECT; ``--out`` gets them as JSON lines (``--all``: every decided mutant), then a
summary line.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import tempfile
import time
from pathlib import Path


from tests.mutation.claims import all_claims
from tests.mutation.mutator import mutants
from tests.mutation.runner import FALSE_ACCEPT, FALSE_REJECT, run_one, summary

TIMEOUT = 20.0


def _work(job):
    mutant, timeout = job
    outcome = run_one(mutant, timeout=timeout, seed=mutant.seed)
    if outcome.klass in (FALSE_ACCEPT, FALSE_REJECT):
        outcome.text = mutant.text  # the whole note, to reproduce
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="first seed per claim")
    parser.add_argument("--seeds", type=int, default=120, help="seeds per claim")
    parser.add_argument("--limit", type=int, default=None, help="at most this many mutants")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (the machine has 2 cores)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="gradproof's limit per mutant, s")
    parser.add_argument("--out", type=Path, default=None, help="JSON lines of the failures")
    parser.add_argument("--all", action="store_true", help="write every decided mutant to --out")
    args = parser.parse_args()
    # A private parse cache: the run neither reads nor fills the developer's.
    os.environ.setdefault("GRADPROOF_CACHE_DIR", tempfile.mkdtemp(prefix="gradproof-mutation-"))

    started = time.perf_counter()
    claims = all_claims()
    todo = mutants(claims, range(args.seed, args.seed + args.seeds))
    if args.limit is not None:
        todo = todo[:args.limit]
    print(f"{len(claims)} true claims, {len(todo)} mutants, {args.jobs} jobs", flush=True)
    jobs = [(m, args.timeout) for m in todo]
    outcomes = []
    out = args.out.open("w", encoding="utf-8") if args.out else None
    with multiprocessing.get_context("fork").Pool(args.jobs, maxtasksperchild=400) as pool:
        for n, o in enumerate(pool.imap_unordered(_work, jobs, chunksize=4), 1):
            outcomes.append(o)
            failed = o.klass in (FALSE_ACCEPT, FALSE_REJECT)
            if failed:
                print(f"{o.klass}: {o.base} {'+'.join(o.operators)} [{'; '.join(o.edits)}] -> "
                      f"{o.verdict} {o.steps}\n    {' '.join(o.text.split())[-300:]}\n"
                      f"    floats: {o.reason}", flush=True)
            if out and (failed or (args.all and o.klass != "discarded")):
                out.write(json.dumps(o.to_json()) + "\n")
            if n % 500 == 0:
                print(f"... {n}/{len(todo)} in {time.perf_counter() - started:.0f} s", flush=True)
    result = summary(outcomes)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["by_operator"] = _by_operator(outcomes)
    if out:
        out.write(json.dumps({"summary": result}) + "\n")
        out.close()
    print(json.dumps(result, indent=2))


def _by_operator(outcomes) -> dict:
    """Per first operator: decided, true, false, and gradproof's verdicts."""
    table: dict[str, dict[str, int]] = {}
    for o in outcomes:
        if o.klass == "discarded":
            continue
        row = table.setdefault(o.operators[0], {})
        for key in ("decided", f"truth:{o.truth}", f"verdict:{o.verdict}"):
            row[key] = row.get(key, 0) + 1
    return table


if __name__ == "__main__":
    main()
