"""Epoch time of the compiled trainer vs hand-written numpy backprop vs PyTorch CPU eager.

    python -m tests.benchmarks.bench_train [--repeats 3] [--only digits|synthetic] [--json OUT]

Same network (x → tanh → softmax, cross-entropy), same data, same batches, same
updates (SGD with momentum 0.9) and the same per-batch bookkeeping (loss sum and
correct count); medians of ``--repeats`` epochs after one warm-up epoch, all in
one run. PyTorch (``pip install torch==2.13.0``) is optional and skipped when
absent. The GEMM peak is the median of 4096² matmuls in numpy.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np


from tests.benchmarks.numeric_networks import cross_entropy_gradients, seed_network

from numeric.compile import compile_network
from numeric.datasets import SyntheticSizes, load_dataset
from numeric.trainer import Trainer, TrainingSettings


@dataclass(frozen=True)
class Case:
    name: str
    data: str
    hidden: int
    batch: int
    synthetic: SyntheticSizes = SyntheticSizes()
    test_fraction: float = 0.2
    repeats: int = 0  # at least this many epochs per runner (short epochs are noisier)


CASES = [
    Case("digits", "digits", hidden=64, batch=128, repeats=40),
    Case("synthetic", "synthetic", hidden=256, batch=256,
         synthetic=SyntheticSizes(samples=60000 + 1, features=784, classes=10), test_fraction=1 / 60001,
         repeats=9),
]
LR, MOMENTUM = 0.05, 0.9


def gemm_peak(dtype, n: int = 4096, repeats: int = 5) -> float:
    """GFLOP/s of an n×n matmul in numpy: the best of ``repeats`` (a peak, not a typical run)."""
    a = np.random.default_rng(0).standard_normal((n, n)).astype(dtype)
    b = a.copy()
    a @ b
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - started)
    return 2 * n**3 / min(times) / 1e9


def reference_state(parameters: dict) -> dict:
    """The hand-written reference's parameters (copies) with its velocity and lr·gradient buffers."""
    state = {key: value.copy() for key, value in parameters.items()}
    state["_velocity"] = {key: np.zeros_like(value) for key, value in parameters.items()}
    state["_step"] = {key: np.empty_like(value) for key, value in parameters.items()}
    return state


def hand_written_epoch(params, x, t, y, batch, rng, mark=None):
    """The reference: backprop written by hand for this network, with the trainer's update.

    ``mark(section)``, when given, is called after each section of a batch (epoch_sections.py).
    """
    mark = mark or (lambda section: None)
    W1, b1, W2, b2 = params["w[I,J]"], params["b[J]"], params["w[J,K]"], params["b[K]"]
    velocity, steps = params["_velocity"], params["_step"]
    order = rng.permutation(len(y))
    total, correct = 0.0, 0
    for start in range(0, len(y), batch):
        rows = order[start:start + batch]
        xb, tb = x[rows], t[rows]
        mark("gather")
        z = xb @ W1
        mark("x·W1")
        h = np.tanh(z + b1)
        mark("bias, tanh")
        a = h @ W2 + b2
        shifted = a - a.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        s = e.sum(axis=1, keepdims=True)
        o = e / s
        loss = -(tb * (shifted - np.log(s))).sum(axis=1)
        total += float(loss.sum())
        correct += int(np.count_nonzero(o.argmax(axis=1) == y[rows]))
        d_a = (o - tb) * (1.0 / len(rows))
        grads = (("w[J,K]", h.T @ d_a), ("b[K]", d_a.sum(axis=0)))
        d_z = (d_a @ W2.T) * (1 - h * h)
        mark("softmax, K-sized products, 1−h²")
        grads += (("w[I,J]", xb.T @ d_z),)
        mark("xᵀ·δ")
        grads += (("b[J]", d_z.sum(axis=0)),)
        for key, g in grads:  # in place: no temporaries
            v, step = velocity[key], steps[key]
            np.multiply(g, LR, out=step)
            v *= MOMENTUM
            v -= step
            params[key] += v
        mark("bias sums, momentum update")
    return total / len(y), correct / len(y)


def torch_epoch_factory(params, x, t, y, batch, dtype):
    import torch
    torch.manual_seed(0)
    tdtype = torch.float32 if dtype == "float32" else torch.float64
    X, T, Y = torch.from_numpy(x), torch.from_numpy(t), torch.from_numpy(y)
    P = {key: torch.tensor(params[key], dtype=tdtype, requires_grad=True)
         for key in ("w[I,J]", "b[J]", "w[J,K]", "b[K]")}
    optimiser = torch.optim.SGD(list(P.values()), lr=LR, momentum=MOMENTUM)
    generator = torch.Generator().manual_seed(1)

    def epoch():
        order = torch.randperm(len(Y), generator=generator)
        total, correct = 0.0, 0
        for start in range(0, len(Y), batch):
            rows = order[start:start + batch]
            xb, tb = X[rows], T[rows]
            h = torch.tanh(xb @ P["w[I,J]"] + P["b[J]"])
            a = h @ P["w[J,K]"] + P["b[K]"]
            loss = -(tb * torch.log_softmax(a, dim=1)).sum(dim=1)
            optimiser.zero_grad(set_to_none=True)
            loss.mean().backward()
            optimiser.step()
            total += float(loss.detach().sum())
            correct += int((a.detach().argmax(dim=1) == Y[rows]).sum())
        return total / len(Y), correct / len(Y)

    torch.set_num_threads(os.cpu_count() or 1)
    return epoch


def median_epochs(runners: dict, repeats: int, warm_up: dict | None = None) -> dict:
    """Epoch times per runner; rounds are interleaved so that load drifts hit all alike.
    The warm-up epochs' results (loss, accuracy) go to ``warm_up``."""
    for name, epoch in runners.items():
        result = epoch()
        if warm_up is not None:
            warm_up[name] = result
    times = {name: [] for name in runners}
    for _ in range(repeats):
        for name, epoch in runners.items():
            started = time.perf_counter()
            epoch()
            times[name].append(time.perf_counter() - started)
    return times


def make_trainer(case: Case, dtype: str, compiled) -> Trainer:
    dataset = load_dataset(case.data, seed=0, synthetic=case.synthetic, test_fraction=case.test_fraction,
                           dtype=np.float32 if dtype == "float32" else np.float64)
    settings = TrainingSettings(epochs=1, lr=LR, batch=case.batch, momentum=MOMENTUM, hidden=case.hidden,
                                seed=0, dtype=dtype)
    return Trainer(compiled, dataset, settings, progress=None)


def torch_times(case: Case, dtype: str, repeats: int) -> list[float] | None:
    """PyTorch epochs in a child process: its OpenMP threads keep spinning after each
    operation and would slow whatever numpy runs next in the same process."""
    try:
        import importlib.util

        if importlib.util.find_spec("torch") is None:
            return None
    except ImportError:
        return None
    command = [sys.executable, __file__, "--torch-child", case.name, dtype, str(repeats)]
    child = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def torch_child(case_name: str, dtype: str, repeats: int) -> None:
    case = next(c for c in CASES if c.name == case_name)
    trainer = make_trainer(case, dtype, compile_network(seed_network("cross_entropy"), cross_entropy_gradients()))
    data = trainer.data
    epoch = torch_epoch_factory(trainer.parameters, data.x_train, data.t_train, data.y_train, case.batch, dtype)
    print(json.dumps(median_epochs({"pytorch eager": epoch}, repeats)["pytorch eager"]))


def run_case(case: Case, dtypes: list[str], repeats: int, compiled) -> list[dict]:
    """Both trainers in every dtype, their epochs interleaved round by round (a slow spell
    of the host hits every dtype alike), then PyTorch in a child process."""
    runners, results = {}, []
    for dtype in dtypes:
        trainer = make_trainer(case, dtype, compiled)
        x, t, y = trainer.data.x_train, trainer.data.t_train, trainer.data.y_train
        reference = reference_state(trainer.parameters)
        reference_rng = np.random.default_rng(1)
        runners[(dtype, "compiled")] = trainer.epoch
        runners[(dtype, "hand-written numpy")] = (
            lambda reference=reference, x=x, t=t, y=y, rng=reference_rng:
            hand_written_epoch(reference, x, t, y, case.batch, rng))
        I, J, K = trainer.sizes["I"], trainer.sizes["J"], trainer.sizes["K"]
        # forward x·W1, h·W2; backward h^T·d_a, d_a·W2^T, x^T·d_z (no input gradient)
        results.append({"case": case.name, "dtype": dtype, "samples": len(y), "batch": case.batch,
                        "sizes": dict(trainer.sizes), "gflop": 2 * len(y) * (2 * I * J + 3 * J * K) / 1e9})
    repeats = max(repeats, case.repeats)
    warm_up: dict = {}
    times_of = median_epochs(runners, repeats, warm_up)
    for dtype in dtypes:  # both trainers did the same work: same batches, same updates, same losses
        compiled_loss, reference_loss = warm_up[(dtype, "compiled")][0], warm_up[(dtype, "hand-written numpy")][0]
        if not math.isclose(compiled_loss, reference_loss, rel_tol=1e-6 if dtype == "float64" else 1e-3):
            raise SystemExit(f"{case.name} {dtype}: the compiled epoch's loss {compiled_loss} differs from the "
                             f"hand-written one's {reference_loss}")
    for (dtype, name), times in times_of.items():
        result = next(r for r in results if r["dtype"] == dtype)
        result[name], result[name + " runs"] = statistics.median(times), times
    for result in results:  # each round's two epochs ran back to back: their ratio sees one state of the host
        result["ratio"] = statistics.median(
            c / h for c, h in zip(result["compiled runs"], result["hand-written numpy runs"]))
    for result in results:
        torch = torch_times(case, result["dtype"], repeats)
        if torch is not None:
            result["pytorch eager"], result["pytorch eager runs"] = statistics.median(torch), torch
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=[c.name for c in CASES])
    parser.add_argument("--dtype", choices=("float32", "float64"))
    parser.add_argument("--json", metavar="OUT")
    parser.add_argument("--torch-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.torch_child:
        torch_child(args.torch_child[0], args.torch_child[1], int(args.torch_child[2]))
        return 0

    compiled = compile_network(seed_network("cross_entropy"), cross_entropy_gradients(),
                               size_hints={"I": 64, "J": 64, "K": 10, "batch": 128})
    peaks = {dtype: gemm_peak(np.dtype(dtype)) for dtype in ("float64", "float32")}
    print(f"machine: {_cpu_name()}, {os.cpu_count()} cores, numpy {np.__version__}, "
          f"python {platform.python_version()}; load average at start {os.getloadavg()[0]:.2f}")
    print(f"numpy GEMM peak (4096², best of 5): float64 {peaks['float64']:.0f} GFLOP/s, "
          f"float32 {peaks['float32']:.0f} GFLOP/s")
    results = []
    for case in CASES:
        if args.only and case.name != args.only:
            continue
        dtypes = [d for d in ("float64", "float32") if not args.dtype or d == args.dtype]
        for r in run_case(case, dtypes, args.repeats, compiled):
            dtype = r["dtype"]
            r["peak"] = peaks[dtype]
            r["peak fraction"] = r["gflop"] / r["compiled"] / peaks[dtype]
            results.append(r)
            torch_text = f"{r['pytorch eager'] * 1e3:9.2f} ms" if "pytorch eager" in r else "   (absent)"
            print(f"{case.name:9s} {dtype}  compiled {r['compiled'] * 1e3:9.2f} ms   "
                  f"hand-written {r['hand-written numpy'] * 1e3:9.2f} ms   pytorch {torch_text}   "
                  f"ratio {r['ratio']:.3f}   "
                  f"{r['gflop'] / r['compiled']:.1f} GFLOP/s = {r['peak fraction']:.0%} of peak", flush=True)
            shares = [r["gflop"] / seconds / peaks[dtype] for seconds in r["compiled runs"]]
            q1, _, q3 = statistics.quantiles(shares, n=4)
            print(f"          compiled share of peak over {len(shares)} rounds: min {min(shares):.0%}, "
                  f"quartiles {q1:.0%}–{q3:.0%}, max {max(shares):.0%}; "
                  f"{sum(v >= 0.5 for v in shares)} rounds at 50% or more", flush=True)
    for dtype in peaks:  # the peak is the best seen, before or after
        peaks[dtype] = max(peaks[dtype], gemm_peak(np.dtype(dtype)))
    for r in results:
        r["peak"] = peaks[r["dtype"]]
        r["peak fraction"] = r["gflop"] / r["compiled"] / r["peak"]
    print(f"numpy GEMM peak after the runs: float64 {peaks['float64']:.0f} GFLOP/s, float32 {peaks['float32']:.0f} GFLOP/s")
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    print()
    print(markdown_table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return 0


def markdown_table(results: list[dict]) -> str:
    """The rows of docs/benchmarks.md, section Numeric."""
    lines = ["| network | dtype | compiled | hand-written numpy | PyTorch CPU eager | compiled / hand-written (median of rounds) "
             "| compiled GFLOP/s (share of GEMM peak) |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        sizes = r["sizes"]
        torch_time = _ms(r["pytorch eager"]) if "pytorch eager" in r else "not installed"
        lines.append(f"| {r['case']} {sizes['I']}→{sizes['J']}→{sizes['K']}, batch {r['batch']} | {r['dtype']} "
                     f"| {_ms(r['compiled'])} | {_ms(r['hand-written numpy'])} | {torch_time} "
                     f"| {r['ratio']:.3f} "
                     f"| {r['gflop'] / r['compiled']:.1f} ({r['peak fraction']:.0%} of {r['peak']:.0f}) |")
    return "\n".join(lines)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.3f} s"


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


if __name__ == "__main__":
    sys.exit(main())
