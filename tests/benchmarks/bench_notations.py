"""Benchmark checking notes written in the notations people use (cold, whole processes).

Run:  python -m tests.benchmarks.bench_notations [--runs 5] [--against DIR] [--only notations_20]
Prints a Markdown table: wall and CPU time of ``gradproof check`` on each note, Python
start-up included, with the parse and verdict caches off (as on a fresh machine), one
process per check (no ``-j``), median of runs. ``--against DIR`` times another copy of
the tree (e.g. ``git archive HEAD | tar -x -C DIR``) in alternation with this one, run
from DIR on its own copy of each note, and prints the paired ratio this / other.
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


def run(tree: Path, path: str, env: dict) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the child's) of one cold check of ``path`` in ``tree``."""
    before = os.times()
    start = time.perf_counter()
    env = dict(env, PYTHONPATH=str(tree))  # the checked tree's package, not the installed one
    done = subprocess.run([sys.executable, "-m", "symbolic.cli", "check", path], cwd=tree, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = os.times()
    if done.returncode != 0:
        raise SystemExit(f"gradproof check {path} in {tree} exited {done.returncode}: {done.stdout[-400:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--against", type=Path, help="another tree, timed in alternation (paired)")
    parser.add_argument("--only", default="", help="only the notes whose path contains this text")
    args = parser.parse_args()
    env = dict(os.environ, GRADPROOF_CACHE="off", GRADPROOF_VERDICT_CACHE="off")
    print(f"load average at start: {os.getloadavg()[0]:.1f}; "
          f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")
    header = "| note | wall median (s) | min | max | CPU median (s) | min | max |"
    if args.against:
        header += " other wall median | other CPU median | wall ratio (paired median) | CPU ratio |"
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for title, path in [(t, p) for t, p in NOTES if args.only in p]:
        walls, cpus, other_walls, other_cpus = [], [], [], []
        for _ in range(args.runs):
            wall, cpu = run(ROOT, path, env)
            walls.append(wall)
            cpus.append(cpu)
            if args.against:
                wall, cpu = run(args.against.resolve(), path, env)
                other_walls.append(wall)
                other_cpus.append(cpu)
        row = f"| {title} (`{path}`) | {spread(walls)} | {spread(cpus)} |"
        if args.against:
            wall_ratio = statistics.median(a / b for a, b in zip(walls, other_walls))
            cpu_ratio = statistics.median(a / b for a, b in zip(cpus, other_cpus))
            row += (f" {statistics.median(other_walls):.2f} | {statistics.median(other_cpus):.2f} |"
                    f" {wall_ratio:.2f} | {cpu_ratio:.2f} |")
        print(row, flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
