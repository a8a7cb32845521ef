"""Benchmark checking notes written in the notations people use (cold, whole processes).

Run:  python -m tests.benchmarks.bench_notations [--runs 5]
Prints a Markdown table: wall time of ``gradproof check`` on each note, Python start-up
included, with the parse and verdict caches off (as on a fresh machine), median of runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTES = [
    ("20 claims: layers, primes, ReLU, ⇒, shorthand, 1/N", "tests/benchmarks/notations_20.md"),
    ("ReLU network, 4 claims (sign regions)", "docs/examples/relu_network.md"),
    ("the seed (index notation), 11 claims", "derivations/backprop_seed.md"),
]


def wall(path: str, env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "symbolic.cli", "check", path], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"gradproof check {path} exited {done.returncode}: {done.stdout[-400:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    env = dict(os.environ, GRADPROOF_CACHE="off", GRADPROOF_VERDICT_CACHE="off")
    print("| note | median (s) | min | max |")
    print("|---|---|---|---|")
    for title, path in NOTES:
        times = [wall(path, env) for _ in range(runs)]
        print(f"| {title} (`{path}`) | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |")


if __name__ == "__main__":
    main()
