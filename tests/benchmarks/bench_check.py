"""Benchmark the symbolic side: checking the seed files, diagnosis, derive.

Run:  python tests/benchmarks/bench_check.py [--runs 5]
Prints a Markdown table (medians over runs, wall time of whole processes,
Python start-up included). "cold" runs with the caches disabled
(GRADPROOF_CACHE=off), as on a fresh machine; "warm parse cache" with filled parses but
every claim checked; "verdicts cached" answers an unchanged note from the verdict cache.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ["derivations/backprop_seed.md", "derivations/backprop_cross_entropy.md"]


def wall(args: list[str], env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "symbolic.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"gradproof {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return elapsed, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    cache_dir = tempfile.mkdtemp(prefix="gradproof-bench-")
    cold = dict(os.environ, GRADPROOF_CACHE="off")
    warm = dict(os.environ, GRADPROOF_CACHE_DIR=cache_dir, GRADPROOF_VERDICT_CACHE="off")
    kept = dict(os.environ, GRADPROOF_CACHE_DIR=cache_dir)  # verdicts kept from the run before
    kept.pop("GRADPROOF_VERDICT_CACHE", None)
    wall(["check", *SEEDS], warm)  # fill the parse cache once
    wall(["check", *SEEDS], kept)  # and the verdict cache
    rows = []
    cases = [
        ("check both seed files (cold)", ["check", *SEEDS], cold),
        ("check both seed files (warm parse cache)", ["check", *SEEDS], warm),
        ("check both seed files (verdicts cached)", ["check", *SEEDS], kept),
        ("check both seed files, no diagnosis (cold)", ["check", "--no-diagnosis", *SEEDS], cold),
        ("derive ∂L/∂w_{jk}, seed file (cold)", ["derive", SEEDS[0], "--wrt", "w_{jk}"], cold),
        ("derive ∂L/∂w_{ij}, seed file (cold)", ["derive", SEEDS[0], "--wrt", "w_{ij}"], cold),
    ]
    for name, args, env in cases:
        times = [wall(args, env)[0] for _ in range(runs)]
        rows.append((name, statistics.median(times), min(times), max(times)))
    _, out = wall(["check", "--format", "json", *SEEDS], warm)
    data = json.loads(out)
    claims = [c for f in data["files"] for c in f["claims"] if c["verdict"] != "definition"]
    refuted = [c for c in claims if c["verdict"] == "refuted"]
    _, plain = wall(["check", "--format", "json", "--no-diagnosis", *SEEDS], warm)
    plain_claims = {(f["path"], c["line"]): c["seconds"] for f in json.loads(plain)["files"]
                    for c in f["claims"]}
    diagnosis = sum(c["seconds"] - plain_claims[(f["path"], c["line"])]
                    for f in data["files"] for c in f["claims"] if c["verdict"] == "refuted")
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; {runs} runs each, medians.\n")
    print("| what | median (s) | min | max |\n|---|---|---|---|")
    for name, med, lo, hi in rows:
        print(f"| {name} | {med:.2f} | {lo:.2f} | {hi:.2f} |")
    print(f"\nPer claim (warm, in-process, {len(claims)} claims): median "
          f"{statistics.median(c['seconds'] for c in claims):.3f} s, max "
          f"{max(c['seconds'] for c in claims):.3f} s; diagnosis of the {len(refuted)} refuted "
          f"claims adds {diagnosis:.2f} s in total.")
    for c in claims:
        print(f"  ({c['label']}) {c['verdict']}: {c['seconds']:.3f} s")


if __name__ == "__main__":
    main()
