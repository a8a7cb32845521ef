"""Where a synthetic epoch's time goes, section by section, next to the 4096² GEMM peak.

    python -m tests.benchmarks.epoch_sections [--dtype float64|float32] [--epochs 10]

The hand-written numpy epoch of bench_train.py on its synthetic case (N = 60000,
784 → 256 → 10, batch 256, momentum 0.9), with a timer between its sections.
Before each epoch one 4096² matmul is timed, so every line pairs an epoch with
the peak measured right before it: a slow spell of the shared host shows as
epochs whose matrix products and memory-bound passes (update, gather) slow down
while the large, cache-blocked GEMM keeps its speed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict

import numpy as np


from tests.benchmarks.bench_train import CASES, hand_written_epoch, make_trainer, reference_state
from tests.benchmarks.numeric_networks import cross_entropy_gradients, seed_network

from numeric.compile import compile_network


class Sections:
    """Seconds per section name; :meth:`mark` ends the section running since the last mark."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.last = time.perf_counter()

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] += now - self.last
        self.last = now


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dtype", default="float64", choices=("float64", "float32"))
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args(argv)
    case = next(c for c in CASES if c.name == "synthetic")
    trainer = make_trainer(case, args.dtype, compile_network(seed_network(), cross_entropy_gradients()))
    x, t, y = trainer.data.x_train, trainer.data.t_train, trainer.data.y_train
    I, J, K = trainer.sizes["I"], trainer.sizes["J"], trainer.sizes["K"]
    gflop = 2 * len(y) * (2 * I * J + 3 * J * K) / 1e9
    products_gflop = 2 * (2 * len(y) * I * J) / 1e9  # x·W1 and xᵀ·δ
    state, rng = reference_state(trainer.parameters), np.random.default_rng(1)
    big = np.random.default_rng(0).standard_normal((4096, 4096)).astype(args.dtype)
    big @ big
    hand_written_epoch(state, x, t, y, case.batch, rng)  # warm-up
    print(f"{args.dtype}: epoch ms, share of the peak timed just before, x·W1 + xᵀ·δ GFLOP/s, sections ms")
    for _ in range(args.epochs):
        started = time.perf_counter()
        big @ big
        peak = 2 * 4096**3 / (time.perf_counter() - started) / 1e9
        clock = Sections()
        hand_written_epoch(state, x, t, y, case.batch, rng, mark=clock.mark)
        total = sum(clock.seconds.values())
        products = products_gflop / (clock.seconds["x·W1"] + clock.seconds["xᵀ·δ"])
        parts = "  ".join(f"{name} {seconds * 1e3:.0f}" for name, seconds in clock.seconds.items())
        print(f"{total * 1e3:6.0f}  {gflop / total / peak:4.0%} of {peak:3.0f}  GEMMs {products:5.1f}  {parts}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
