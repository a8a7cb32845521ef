"""Benchmark: one claim in matrix notation against the same claim in index notation.

Run:  python -m tests.benchmarks.bench_matrix [--runs 7]
Each run is a fresh process with the parse and verdict caches off: it imports gradproof, checks a
small warm-up note (so imports are not counted), then times the check of one note holding the
model and one claim, written either way. The two variants alternate within a run (paired), and
the table gives medians and the median of the per-run ratios matrix / index.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from tests.models import TANH_TWO_LAYER

ROOT = Path(__file__).resolve().parents[2]

BLOCK = TANH_TWO_LAYER
CLAIMS = {
    "index": r"$$\frac{\partial L}{\partial W_{ji}} = \sum_k (o_k - t_k) V_{kj} (1 - h_j^2) x_i \tag{w}$$",
    "matrix": r"$$\frac{\partial L}{\partial \mathbf{W}} = ((\mathbf{V}^\top (\mathbf{o} - \mathbf{t})) \odot (1 - \mathbf{h} \odot \mathbf{h})) \mathbf{x}^\top \tag{w}$$",
}
WARM_UP = BLOCK + "\n$$\\frac{\\partial L}{\\partial t_k} = t_k - o_k \\tag{u}$$\n"

PROGRAM = """
import sys, time
from symbolic import api
api.check_text(sys.argv[1], "warm.md")
start = time.perf_counter()
report = api.check_text(sys.argv[2], "note.md")
elapsed = time.perf_counter() - start
verdicts = [c.verdict.value for c in report.claims]
assert verdicts in (["proved"], ["verified"]), verdicts
print(elapsed)
"""


def timed(claim: str, env: dict) -> float:
    done = subprocess.run([sys.executable, "-c", PROGRAM, WARM_UP, BLOCK + "\n" + claim + "\n"],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    env = dict(os.environ, GRADPROOF_CACHE="off", GRADPROOF_VERDICT_CACHE="off")
    times: dict[str, list[float]] = {"index": [], "matrix": []}
    ratios = []
    for run in range(runs):
        order = ("index", "matrix") if run % 2 == 0 else ("matrix", "index")
        pair = {name: timed(CLAIMS[name], env) for name in order}
        for name, seconds in pair.items():
            times[name].append(seconds)
        ratios.append(pair["matrix"] / pair["index"])
    print("| claim | median (s) | min | max |")
    print("|---|---|---|---|")
    for name in ("index", "matrix"):
        t = times[name]
        print(f"| ∂L/∂W, {name} notation | {statistics.median(t):.3f} | {min(t):.3f} | {max(t):.3f} |")
    print(f"\nmatrix / index, median of {runs} paired runs: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
