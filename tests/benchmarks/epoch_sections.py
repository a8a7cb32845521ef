"""Where a synthetic epoch's time goes, section by section, next to the 4096² GEMM peak.

    python tests/benchmarks/epoch_sections.py [--dtype float64|float32] [--epochs 10]

The hand-written numpy epoch of bench_train.py (x → tanh → softmax, cross-entropy,
N = 60000, 784 → 256 → 10, batch 256, momentum 0.9) with a timer between its
sections. Before each epoch one 4096² matmul is timed, so every line pairs an
epoch with the peak measured right before it: a slow spell of the shared host
shows as epochs whose matrix products and memory-bound passes (update, gather)
slow down while the large, cache-blocked GEMM keeps its speed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict

import numpy as np

N, I, J, K, B = 60000, 784, 256, 10, 256
LR, MOMENTUM = 0.05, 0.9
GFLOP = 2 * N * (2 * I * J + 3 * J * K) / 1e9
GEMM_GFLOP = 2 * (2 * N * I * J) / 1e9  # x·W1 and xᵀ·δ over the epoch


class Sections:
    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.last = time.perf_counter()

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] += now - self.last
        self.last = now


def epoch(x, t, y, params, velocity, rng) -> dict[str, float]:
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    order = rng.permutation(len(y))
    clock = Sections()
    for start in range(0, len(y), B):
        rows = order[start:start + B]
        xb, tb = x[rows], t[rows]
        clock.mark("gather")
        z = xb @ W1
        clock.mark("x·W1")
        h = np.tanh(z + b1)
        clock.mark("bias, tanh")
        a = h @ W2 + b2
        shifted = a - a.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        s = e.sum(axis=1, keepdims=True)
        o = e / s
        float((-(tb * (shifted - np.log(s))).sum(axis=1)).sum())
        int(np.count_nonzero(o.argmax(axis=1) == y[rows]))
        d_a = (o - tb) * (LR / len(rows))
        grads = {"W2": h.T @ d_a, "b2": d_a.sum(axis=0)}
        d_z = (d_a @ np.ascontiguousarray(W2.T)) * (1 - h * h)
        clock.mark("softmax, K-sized products, 1−h²")
        grads["W1"] = xb.T @ d_z
        clock.mark("xᵀ·δ")
        grads["b1"] = d_z.sum(axis=0)
        for key, step in grads.items():
            v = velocity[key]
            v *= MOMENTUM
            v -= step
            params[key] += v
        clock.mark("bias sums, momentum update")
    return dict(clock.seconds)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dtype", default="float64", choices=("float64", "float32"))
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args(argv)
    dtype = np.dtype(args.dtype)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, I)).astype(dtype)
    y = rng.integers(0, K, N)
    t = np.eye(K, dtype=dtype)[y]
    params = {"W1": (rng.standard_normal((I, J)) * 0.05).astype(dtype), "b1": np.zeros(J, dtype),
              "W2": (rng.standard_normal((J, K)) * 0.1).astype(dtype), "b2": np.zeros(K, dtype)}
    velocity = {key: np.zeros_like(value) for key, value in params.items()}
    big = rng.standard_normal((4096, 4096)).astype(dtype)
    big @ big
    epoch(x, t, y, params, velocity, rng)  # warm-up
    print(f"{args.dtype}: epoch ms, share of the peak timed just before, GEMM GFLOP/s, sections ms")
    for _ in range(args.epochs):
        started = time.perf_counter()
        big @ big
        peak = 2 * 4096**3 / (time.perf_counter() - started) / 1e9
        sections = epoch(x, t, y, params, velocity, rng)
        total = sum(sections.values())
        gemm_rate = GEMM_GFLOP / (sections["x·W1"] + sections["xᵀ·δ"])
        parts = "  ".join(f"{name} {seconds * 1e3:.0f}" for name, seconds in sections.items())
        print(f"{total * 1e3:6.0f}  {GFLOP / total / peak:4.0%} of {peak:3.0f}  GEMMs {gemm_rate:5.1f}  {parts}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
