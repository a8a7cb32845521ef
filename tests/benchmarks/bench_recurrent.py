"""Benchmark recurrence and index arithmetic: a BPTT claim and 1-D and 2-D convolution claims,
cold, and how the cost of one exact check grows with the sequence length T and the kernel size.

Run:  python -m tests.benchmarks.bench_recurrent [--runs 5]

"cold": whole `gradproof check` processes with the caches off (GRADPROOF_CACHE=off), Python
start-up included, median of the runs; each claim is checked at the sizes gradproof chooses
(T = 3 and T = 4, plus one more length when the claim's degree in T asks for it).
"growth": one exact check of the same claim in-process at exactly the sizes shown (H = 3,
D = 2 for the RNN; I - M + 1 = 4 outputs for the 1-D convolution, 3×3 outputs and an M×M kernel
for the 2-D one), median of the runs.
Wall and CPU time are both printed: on a loaded machine the CPU time is the figure to trust.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from tests import models

ROOT = Path(__file__).resolve().parents[2]

RNN = models.RNN + r"""
$$\frac{\partial L}{\partial W_{jk}} = \sum_t \epsilon_{t,j} (1 - h_{t,j}^2) h_{t-1,k} \tag{bptt}$$
"""

CONV = r"""```derivation
indices: {i: I - M + 1, m: M, p: I}
define: |
  z_i = \sum_m w_m x_{i+m-1} + b
  y_i = \tanh(z_i)
  L = \frac{1}{2} \sum_i (y_i - t_i)^2
```

$$\frac{\partial L}{\partial x_p} = \sum_m (y_{p-m+1} - t_{p-m+1}) (1 - y_{p-m+1}^2) w_m \tag{conv}$$
"""
CONV_OUTSIDE = "outside: {y: 0, t: 0}\n```"  # x_p reaches outputs p - m + 1 outside 1..I - M + 1

CONV2D = r"""```derivation
indices: {i: I - M + 1, j: J - N + 1, m: M, n: N, p: I, q: J}
define: |
  z_{i,j} = \sum_m \sum_n w_{m,n} a_{i+m-1,j+n-1} + b
  y_{i,j} = \tanh(z_{i,j})
  L = \frac{1}{2} \sum_i \sum_j (y_{i,j} - t_{i,j})^2
outside: {y: 0, t: 0}
```

"""
CONV2D_W = CONV2D + r"""$$\frac{\partial L}{\partial w_{m,n}} = \sum_i \sum_j (y_{i,j} - t_{i,j}) (1 - y_{i,j}^2) a_{i+m-1,j+n-1} \tag{conv2d-w}$$
"""
CONV2D_A = CONV2D + r"""$$\frac{\partial L}{\partial a_{p,q}} = \sum_m \sum_n (y_{p-m+1,q-n+1} - t_{p-m+1,q-n+1}) (1 - y_{p-m+1,q-n+1}^2) w_{m,n} \tag{conv2d-a}$$
"""


def conv_note() -> str:
    return CONV.replace("```\n\n$$", CONV_OUTSIDE + "\n\n$$", 1)


def cold(note: str, runs: int) -> tuple[float, float, str]:
    folder = Path(tempfile.mkdtemp(prefix="gradproof-bench-"))
    path = folder / "note.md"
    path.write_text(note, encoding="utf-8")
    env = dict(os.environ, GRADPROOF_CACHE="off")
    times, cpu, out = [], [], ""
    for _ in range(runs):
        start, used = time.perf_counter(), _children_cpu()
        proc = subprocess.run([sys.executable, "-m", "symbolic.cli", "check", str(path)], cwd=ROOT,
                              env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - used)
        out = proc.stdout
    return statistics.median(times), statistics.median(cpu), out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def at_sizes(note: str, sizes: dict[str, int], runs: int) -> tuple[float, float, str]:
    """One check of the note's last claim at exactly ``sizes`` (no diagnosis)."""
    from symbolic import check_text
    from symbolic.engine import verify
    times, cpu, verdict = [], [], ""
    with mock.patch.object(verify, "step_assignments", lambda *a: [dict(sizes)]), \
            mock.patch.object(verify, "size_assignments", lambda *a: [dict(sizes)]), \
            mock.patch.dict(os.environ, {"GRADPROOF_CACHE": "off"}):
        for _ in range(runs):
            start, used = time.perf_counter(), time.process_time()
            claim = check_text(note, "note.md").claims[-1]
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - used)
            verdict = claim.verdict.value
    return statistics.median(times), statistics.median(cpu), verdict


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    os.environ["GRADPROOF_CACHE"] = "off"
    at_sizes(RNN, {"H": 2, "T": 2, "D": 2}, 1)  # imports and first parses, not measured
    print("| case | median wall (s) | median CPU (s) | verdict |\n|---|---|---|---|")
    for name, note in (("BPTT ∂L/∂W_{jk}, RNN (cold, T = 3, 4, 5)", RNN),
                       ("1-D convolution ∂L/∂x_p (cold)", conv_note()),
                       ("2-D convolution ∂L/∂w_{m,n} (cold)", CONV2D_W),
                       ("2-D convolution ∂L/∂a_{p,q} (cold)", CONV2D_A)):
        seconds, used, out = cold(note, runs)
        labels = ("(bptt)", "(conv)", "(conv2d-w)", "(conv2d-a)")
        verdict = next((line.split()[-1] for line in out.splitlines() if any(tag in line for tag in labels)), "?")
        print(f"| {name} | {seconds:.2f} | {used:.2f} | {verdict} |")
    print("\n| growth | sizes | median wall (s) | median CPU (s) | verdict |\n|---|---|---|---|---|")
    for steps in (2, 3, 4, 5, 6):
        sizes = {"H": 3, "T": steps, "D": 2}
        seconds, used, verdict = at_sizes(RNN, sizes, runs)
        print(f"| BPTT, T = {steps} | H=3, D=2 | {seconds:.2f} | {used:.2f} | {verdict} |")
    for taps in (2, 3, 4, 6, 8):
        sizes = {"I": taps + 3, "M": taps, "I - M + 1": 4}
        seconds, used, verdict = at_sizes(conv_note(), sizes, runs)
        print(f"| convolution, M = {taps} | I={taps + 3}, outputs 4 | {seconds:.2f} | {used:.2f} | {verdict} |")
    for taps in (2, 3, 4, 5):
        for name, note in (("∂L/∂w_{m,n}", CONV2D_W), ("∂L/∂a_{p,q}", CONV2D_A)):
            sizes = {"I": taps + 2, "J": taps + 2, "M": taps, "N": taps, "I - M + 1": 3, "J - N + 1": 3}
            seconds, used, verdict = at_sizes(note, sizes, runs)
            print(f"| 2-D convolution {name}, M = N = {taps} | I=J={taps + 2}, outputs 3×3 | {seconds:.2f} "
                  f"| {used:.2f} | {verdict} |")


if __name__ == "__main__":
    main()
